"""Which destinations hold the current document: ``.asst-deploy/published.<env>.json`` maps each
destination to the digest of what was last published there from this checkout.

A destination that refused, one never published from here (a fresh clone), and one holding an
older document all differ from the current digest: the next apply or ``publish`` writes them.
So a failed publish is never forgotten, and a publish that succeeded is not repeated by a no-op apply.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..statedir import state_folder


def _path(root: Path, environment: str) -> Path:
    return state_folder(root) / f"published.{environment}.json"


def published(root: Path, environment: str) -> dict[str, str]:
    """destination -> digest of the document last published there (nothing when unreadable)."""
    try:
        data = json.loads((root / ".asst-deploy" / f"published.{environment}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def owed(root: Path, environment: str, urls: list[str], digest: str) -> list[str]:
    """The destinations that do not hold the document of ``digest`` yet."""
    done = published(root, environment)
    return [url for url in urls if done.get(url) != digest]


def remember(root: Path, environment: str, url: str, digest: str) -> None:
    from ..lock.file import write_lock_text

    done = published(root, environment)
    done[url] = digest
    write_lock_text(_path(root, environment), json.dumps(done, indent=2, sort_keys=True) + "\n")
