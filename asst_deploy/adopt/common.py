"""What import and export share: the object's spec as the planner sees it, file notes, new files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from ..backends.base import RemoteAssistant, RemoteStore, Target
from ..backends.storage import Storage
from ..config import environment
from ..errors import AsstDeployError
from ..lock.entry import LockDocument, LockEntry
from ..manifest.writer import Rendered, dump_yaml, render_manifest
from ..ownership import MARKER_KEY, parse_marker
from ..project import Project
from ..session import Session
from ..spec import AssistantSpec, normalize
from ..account.observed import StoreFile

AUTO_CHUNKS = (800, 400)  # what the API reports for a file attached with chunking_strategy auto
OWN_PREFIX = {"assistants": "asst_", "agents": "agent_"}
NOUN = {"assistants": "assistant", "agents": "agent"}


def neutral_spec(target: Target, remote: RemoteAssistant, name: str) -> AssistantSpec:
    """The remote object as the planner will see it once it carries our marker."""
    user_metadata = {k: v for k, v in remote.metadata.items() if k != MARKER_KEY}
    return target.canonical(normalize(remote.spec, target.defaults, name=name, metadata=user_metadata))


def render_remote(target: Target, remote: RemoteAssistant, name: str, project: Project, *, manifests_dir: str,
                  found: Resources, header: list[str]) -> Rendered:
    """The manifest that deploys ``remote`` unchanged in ``project``'s environment, under ``name``."""
    env = environment(project.config, project.environment)
    return render_manifest(
        neutral_spec(target, remote, name), name, original=remote.spec, api_defaults=target.defaults,
        manifests_dir=manifests_dir, prefix=env.name_prefix, suffix=env.name_suffix,
        config_defaults=dict(project.config.defaults or {}), file_notes=found.notes, header=header,
        resources=found.fields,
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


@dataclass
class Resources:
    """The object's files as its manifest can say them, and as comment lines what it cannot."""

    fields: dict[str, Any] = field(default_factory=dict)  # files, vector_store, code_interpreter_files
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # the project-relative paths ``fields`` names


def locked_entry(lock: LockDocument, object_id: str) -> LockEntry | None:
    """This project's lockfile entry of the object, if it deployed it."""
    return next((e for e in lock.entries.values() if e.id == object_id), None)


def resources(remote: RemoteAssistant, storage: Storage, names: Mapping[str, str] | None, lock: LockDocument,
              stores: dict[str, RemoteStore] | None = None) -> Resources:
    """``files`` (with each member's attributes), ``vector_store`` (expiry as the store shows it,
    chunking as the lockfile recorded the attach) and ``code_interpreter_files`` (paths the lockfile
    knows) for what asst-deploy uploaded; files it did not upload cannot be downloaded (purpose
    ``assistants``), so those are listed in comment lines and warnings, never dropped silently."""
    out = Resources()
    entry = locked_entry(lock, remote.id)
    unnamed_stores: list[tuple[str, tuple[StoreFile, ...]]] = []
    for store_id in remote.vector_store_ids:
        members = storage.list_store_files(store_id) or ()  # a store deleted meanwhile: nothing to list
        paths = [m.path for m in members]
        if len(remote.vector_store_ids) == 1 and members and all(_document(p) for p in paths) \
                and len(set(paths)) == len(paths):
            # one member serves every path of the same content: the lockfile names them all
            by_id = {m.file_id: m for m in members}
            locked = entry.files if entry is not None and entry.vector_store_id == store_id else {}
            served = {path: by_id[f.id] for path, f in locked.items() if f.id in by_id}
            served.update({m.path: m for m in members if m.path and m not in served.values()})
            out.fields["files"] = [path if not m.attributes else {"path": path, "attributes": dict(m.attributes)}
                                   for path, m in sorted(served.items())]
            out.documents += sorted(served)
            if stores is None:
                stores = {s.id: s for s in storage.list_vector_stores()}
            settings: dict[str, Any] = {}
            if store_id in stores and stores[store_id].expires_after:
                settings["expires_after"] = dict(stores[store_id].expires_after or {})
            if entry is not None and entry.vector_store_id == store_id:
                if entry.chunking_strategy:
                    settings["chunking_strategy"] = dict(entry.chunking_strategy)
            elif chunking := _reported_chunking(members):
                settings["chunking_strategy"] = chunking
            if settings:
                out.fields["vector_store"] = settings
        else:
            unnamed_stores.append((store_id, members))
    ci_ids = remote.code_interpreter_file_ids
    known = {f.id: path for path, f in (entry.code_interpreter_files if entry else {}).items()}
    if ci_ids and all(fid in known for fid in ci_ids):
        out.fields["code_interpreter_files"] = sorted(known[fid] for fid in ci_ids)
        out.documents += [known[fid] for fid in ci_ids]
        ci_ids = ()
    if names is None and (unnamed_stores or ci_ids):
        names = {f.id: f.filename for f in storage.list_files()}
    names = names or {}
    for store_id, members in unnamed_stores:
        plural = "s" if len(members) != 1 else ""
        out.notes += ["Retrieval files cannot be downloaded (purpose \"assistants\"), so `files:` lists none.",
                      f"Vector store {store_id} ({len(members)} file{plural}) stays as it is:"]
        out.notes += [f"  {m.file_id}  {m.path or names.get(m.file_id, '(name unknown)')}" for m in members]
        out.warnings.append(f"{len(members)} retrieval file(s) in vector store {store_id} cannot be downloaded "
                            "(purpose \"assistants\"); listed in a comment in the manifest")
    if ci_ids:
        out.notes += ["Code-interpreter files cannot be downloaded (purpose \"assistants\"),",
                      "so `code_interpreter_files:` lists none. Attached now:"]
        out.notes += [f"  {fid}  {names.get(fid, '(name unknown)')}" for fid in ci_ids]
        out.warnings.append(f"{len(ci_ids)} code-interpreter file(s) cannot be downloaded (purpose \"assistants\"); "
                            "listed in a comment in the manifest")
    if out.notes:
        out.notes += ["They stay attached until asst-deploy next updates this assistant, which attaches only",
                      "what the manifest lists: copy the documents into the project and list them to keep them."]
    return out


def as_comment(found: Resources) -> Resources:
    """``found`` with its manifest fields turned into a commented block to uncomment.

    For ``import``: the adopted object keeps its store and files as they are (the next plan is
    empty), and uploaded files cannot be adopted (they are named for the project that uploaded
    them), so listing them would plan a new store and new uploads. The block keeps every setting."""
    if not found.fields:
        return found
    count = len(found.fields.get("files", ())) + len(found.fields.get("code_interpreter_files", ()))
    block = ["Uploaded by asst-deploy: their documents cannot be downloaded (purpose \"assistants\") and",
             "stay attached as they are. To manage them from this project, copy the documents here and",
             "uncomment (the next apply then uploads them into a new vector store):"]
    block += dump_yaml(found.fields).rstrip("\n").split("\n")
    warning = (f"{count} file(s) uploaded by asst-deploy (with their attributes and the vector store's settings) are "
               "listed as a commented block in the manifest: copy the documents and uncomment it to manage them")
    return Resources({}, block + found.notes, [warning] + found.warnings, [])


def _reported_chunking(members: tuple[StoreFile, ...]) -> dict[str, Any] | None:
    """The static strategy every member reports, when the lockfile does not know how they were
    attached. The API reports ``auto`` as static 800/400: that one, or a mix, is left out (auto)."""
    seen = {json.dumps(m.chunking_strategy, sort_keys=True) for m in members}
    if len(seen) != 1:
        return None
    strategy = members[0].chunking_strategy or {}
    static = strategy.get("static") or {}
    if strategy.get("type") != "static" or (static.get("max_chunk_size_tokens"),
                                            static.get("chunk_overlap_tokens")) == AUTO_CHUNKS:
        return None
    return {"type": "static", "static": {"max_chunk_size_tokens": static.get("max_chunk_size_tokens"),
                                         "chunk_overlap_tokens": static.get("chunk_overlap_tokens")}}


def _document(path: str | None) -> bool:
    """A path asst-deploy wrote as a member's ``path`` attribute: project-relative, inside the project."""
    if not path:
        return False
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts and "\\" not in path and ":" not in pure.parts[0]


def missing_documents(root: Path, found: Resources) -> list[str]:
    """A warning naming the documents the manifest lists that are not under ``root`` (they cannot be
    downloaded: the user copies them from the project that deployed them)."""
    missing = [p for p in found.documents if not (root / p).is_file()]
    if not missing:
        return []
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    return [f"the manifest lists {len(missing)} document(s) not under {root} ({shown}): files cannot be "
            "downloaded (purpose \"assistants\"), copy them there from the project that deployed them "
            "before validate or apply"]


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
