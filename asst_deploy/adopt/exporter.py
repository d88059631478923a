"""``export``: manifests for the assistants on the account, changing nothing there."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import environment
from ..config_file import read_config
from ..manifest.writer import Rendered, strip_affixes
from ..ownership import MARKER_KEY, parse_marker
from ..session import Session
from .common import (NOUN, locked_entry, manifests_rel, missing_documents, object_target, owner_text, render_remote,
                     resources, write_new_files)


@dataclass
class Exported:
    """What an export wrote, for the command to report."""

    noun: str
    root: Path  # the folder the manifests' paths are relative to
    into_project: bool
    written: list[tuple[str, str, Rendered]] = field(default_factory=list)  # (id, display name, manifest)


def slug(text: str) -> str:
    """A manifest name from a display name: lowercase, other characters -> '-'."""
    value = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    value = re.sub(r"-{2,}", "-", value)[:60].strip("-_")
    return value or "assistant"


def ensure_manifests_folder(project_dir: Path) -> None:
    """Export may start a project from an account: create the manifests folder if it is missing."""
    config, _, problems = read_config(project_dir)
    if config is not None and not problems:
        folder = Path(project_dir) / config.manifests
        if not folder.exists():
            os.makedirs(folder, exist_ok=True)


def export_objects(session: Session, out_dir: Path | None, *, include_all: bool = False) -> Exported:
    """Write one manifest per (unmanaged, unless ``include_all``) object, never over an existing file."""
    target = object_target(session)
    project = session.project
    manifests = (project.root / project.config.manifests).resolve()
    into_project = out_dir is None or out_dir.resolve() == manifests
    root = project.root if into_project or out_dir is None else out_dir.resolve()
    result = Exported(NOUN[project.api], root, into_project)
    folder = manifests_rel(project) if into_project else "."
    remotes = [r for r in target.list() if include_all or MARKER_KEY not in r.metadata]
    env = environment(project.config, project.environment)
    taken = {s.name for s in project.specs} | set(session.lock.entries)
    need_names = any(r.vector_store_ids or r.code_interpreter_file_ids for r in remotes)
    names = {f.id: f.filename for f in session.storage.list_files()} if need_names else {}
    stores = {s.id: s for s in session.storage.list_vector_stores()} if any(r.vector_store_ids for r in remotes) else {}
    for remote in remotes:
        parsed = parse_marker(remote.metadata.get(MARKER_KEY))
        base = parsed[2] if parsed else slug(
            strip_affixes(remote.spec.display_name, env.name_prefix, env.name_suffix) or remote.id)
        # the lockfile's own entry of this very object does not take its name (outside the project)
        own = locked_entry(session.lock, remote.id)
        used = taken - ({base} if own is not None and not into_project and session.lock.entries.get(base) is own
                        else set())
        found = resources(remote, session.storage, names, session.lock, stores)
        rendered = None
        for n in range(1, 1000):
            candidate = base if n == 1 else f"{base}-{n}"
            if candidate in used:
                continue
            deployed_here = own is not None and session.lock.entries.get(candidate) is own
            rendered = render_remote(
                target, remote, candidate, project, manifests_dir=folder, found=found,
                header=[f"# Exported by asst-deploy from {result.noun} {remote.id}"
                        + (f" (managed by {owner_text(remote.metadata[MARKER_KEY])})" if parsed else "") + ".",
                        f"# This project's {project.lockfile.name} deploys it as {candidate}: in the manifests "
                        "folder, this manifest keeps it as it is." if deployed_here else
                        f"# Applying it creates a copy; `asst-deploy import {remote.id} {candidate}` "
                        "adopts the original instead."],
            )
            if not any((root / rel).exists() for rel in rendered.files):
                break
        assert rendered is not None
        taken.add(rendered.name)
        write_new_files(root, rendered.files)
        rendered.warnings = found.warnings + missing_documents(root, found) + rendered.warnings
        result.written.append((remote.id, remote.spec.display_name, rendered))
    return result
