"""What import and export share: the object's spec as the planner sees it, file notes, new files."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..backends.base import RemoteAssistant, Target
from ..backends.storage import Storage
from ..config import environment
from ..errors import AsstDeployError
from ..manifest.writer import Rendered, render_manifest
from ..ownership import MARKER_KEY, parse_marker
from ..project import Project
from ..session import Session
from ..spec import AssistantSpec, normalize

OWN_PREFIX = {"assistants": "asst_", "agents": "agent_"}
NOUN = {"assistants": "assistant", "agents": "agent"}


def neutral_spec(target: Target, remote: RemoteAssistant, name: str) -> AssistantSpec:
    """The remote object as the planner will see it once it carries our marker."""
    user_metadata = {k: v for k, v in remote.metadata.items() if k != MARKER_KEY}
    return target.canonical(normalize(remote.spec, target.defaults, name=name, metadata=user_metadata))


def render_remote(target: Target, remote: RemoteAssistant, name: str, project: Project, *, manifests_dir: str,
                  file_notes: list[str], header: list[str]) -> Rendered:
    """The manifest that deploys ``remote`` unchanged in ``project``'s environment, under ``name``."""
    env = environment(project.config, project.environment)
    return render_manifest(
        neutral_spec(target, remote, name), name, original=remote.spec, api_defaults=target.defaults,
        manifests_dir=manifests_dir, prefix=env.name_prefix, suffix=env.name_suffix,
        config_defaults=dict(project.config.defaults or {}), file_notes=file_notes, header=header,
    )


def manifests_rel(project: Project) -> str:
    return project.config.manifests.strip("/") or "."


def object_target(session: Session) -> Target:
    """The session's target, if its API keeps objects on the server (responses keeps none)."""
    target = session.target
    if not target.capabilities.server_object or session.project.api not in OWN_PREFIX:
        raise AsstDeployError(
            f"api: {session.project.api} keeps no assistant on the server: there is nothing to import or export",
            hint="use --api assistants or --api agents for the API that holds the objects",
        )
    return target


def owner_text(marker: Any) -> str:
    parsed = parse_marker(marker)
    if parsed is None:
        return f"an unreadable {MARKER_KEY} marker ({marker!r})"
    return f"project {parsed[0]!r}, environment {parsed[1]!r}, as {parsed[2]!r}"


def file_notes(remote: RemoteAssistant, storage: Storage,
               names: Mapping[str, str] | None) -> tuple[list[str], list[str]]:
    """Comment lines listing the files that cannot be downloaded, and one-line warnings about them."""
    notes: list[str] = []
    warnings: list[str] = []
    if names is None and (remote.vector_store_ids or remote.code_interpreter_file_ids):
        names = {f.id: f.filename for f in storage.list_files()}
    names = names or {}
    for store_id in remote.vector_store_ids:
        members = storage.list_store_files(store_id) or ()  # a store deleted meanwhile: nothing to list
        notes += ["Retrieval files cannot be downloaded (purpose \"assistants\"), so `files:` lists none.",
                  f"Vector store {store_id} ({len(members)} file{'s' if len(members) != 1 else ''}) stays as it is:"]
        notes += [f"  {m.file_id}  {m.path or names.get(m.file_id, '(name unknown)')}" for m in members]
        warnings.append(f"{len(members)} retrieval file(s) in vector store {store_id} cannot be downloaded "
                        "(purpose \"assistants\"); listed in a comment in the manifest")
    if remote.code_interpreter_file_ids:
        ids = remote.code_interpreter_file_ids
        notes += ["Code-interpreter files cannot be downloaded (purpose \"assistants\"),",
                  "so `code_interpreter_files:` lists none. Attached now:"]
        notes += [f"  {fid}  {names.get(fid, '(name unknown)')}" for fid in ids]
        warnings.append(f"{len(ids)} code-interpreter file(s) cannot be downloaded (purpose \"assistants\"); "
                        "listed in a comment in the manifest")
    if notes:
        notes += ["They stay attached until asst-deploy next updates this assistant, which attaches only",
                  "what the manifest lists: copy the documents into the project and list them to keep them."]
    return notes, warnings


def write_new_files(root: Path, files: Mapping[str, str]) -> list[Path]:
    """Create every file, none of which may exist; on any failure remove those created."""
    created: list[Path] = []
    try:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="") as handle:
                handle.write(text)
            created.append(path)
    except BaseException:
        remove_files(created)
        raise
    return created


def remove_files(paths: list[Path]) -> None:
    for path in reversed(paths):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
