"""Symlinked folders under a ``**`` glob: found before ``glob`` walks them.

``glob``'s ``**`` follows symlinked folders, so a project that links shared documents in keeps
them. A link back to a folder it is in (``docs/loop -> ..``) it would follow until the paths grow
too long, listing every file again at each turn, and two such links multiply the turns: a
validate that never ends. A link out of the project would walk whatever it leads to (``/``), for
files refused anyway. So the folders a ``**`` would enter are walked first, hidden ones left out
as ``glob`` does, every link followed once at most and none back into the walk or out of the
project: the first such link is named, and the glob is refused, never followed.
"""

from __future__ import annotations

import os
from pathlib import Path


def loop_under(root: Path, base: Path) -> str | None:
    """Why a ``**`` under ``base`` (a folder in project ``root``) cannot be walked, naming the link;
    None when it can."""
    real_root = os.path.realpath(root)
    start = os.path.realpath(base)
    # the real folders from the project root down to the folder being walked, and the last link
    # the walk went through to reach it
    chains: dict[str, tuple[frozenset[str], str | None]] = {str(base): (_ancestors(start, real_root), None)}
    for folder, dirs, _ in os.walk(base, followlinks=True):
        chain, via = chains.pop(folder)
        here = os.path.realpath(folder)
        for name in list(dirs):
            path = os.path.join(folder, name)
            link = path if os.path.islink(path) else via
            real = os.path.realpath(path)
            why = None
            if name.startswith("."):
                dirs.remove(name)  # ** leaves hidden folders out
                continue
            if real != real_root and not real.startswith(real_root + os.sep):
                why = "out of the project"
            elif real in chain or (path == link and (here == real or here.startswith(real + os.sep))):
                why = "back to a folder it is in (a loop)"
            if why is not None:
                link = link or path
                shown = os.path.relpath(link, root).replace(os.sep, "/")
                target = f" to {os.readlink(link)!r}" if os.path.islink(link) else ""
                return f"{shown} is a symlink{target}, {why}"
            chains[path] = (chain | {real}, link)
    return None


def _ancestors(real: str, real_root: str) -> frozenset[str]:
    """``real`` and the folders above it, up to the project root."""
    out = {real}
    while real != real_root and real.startswith(real_root + os.sep):
        real = os.path.dirname(real)
        out.add(real)
    return frozenset(out)
