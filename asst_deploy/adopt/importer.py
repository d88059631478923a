"""``import ASSISTANT_ID NAME``: adopt one assistant made by hand.

It writes the assistant's manifest (and the prompt and schema files it refers to), adds this
project's ownership marker to its metadata (an update that sends metadata only: the one change made
to the object) and records it in the lockfile, so that the next plan is empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.base import RemoteAssistant, Target
from ..errors import AsstDeployError, ValidationFailed
from ..lock.entry import LockDocument, LockEntry, read_document, write_document
from ..manifest.models import MAX_USER_METADATA_PAIRS, NAME_PATTERN
from ..manifest.writer import Rendered
from ..ownership import MARKER_KEY
from ..session import Session
from .common import (NOUN, OWN_PREFIX, as_comment, manifests_rel, neutral_spec, object_target, owner_text, remove_files,
                     render_remote, resources, write_new_files)

# Id prefixes of the API's other objects, for "that is not an assistant" errors.
OTHER_KINDS = {
    "vs_": "a vector store", "vsfb_": "a vector store file batch", "file-": "a file", "thread_": "a thread",
    "run_": "a run", "step_": "a run step", "msg_": "a message", "resp_": "a response", "asst_": "an assistant",
    "agent_": "an agent",
}


@dataclass
class Imported:
    """What an import did, for the command to report."""

    noun: str
    created: list[Path]
    marker: str
    rendered: Rendered
    taken_from: str | None = None  # the owner it was taken from with --force
    file_warnings: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # fields the next plan would still change


def import_object(session: Session, assistant_id: str, name: str, *, force: bool = False) -> Imported:
    """Write the manifest, mark the object as ours, record it; undo the files if marking fails."""
    owner, project = session.owner, session.project
    target = object_target(session)
    noun = NOUN[project.api]
    _check_id(assistant_id, project.api)
    _check_name(name, session, [])
    try:
        remote = target.retrieve(assistant_id)
    except AsstDeployError as exc:
        raise AsstDeployError(f"{exc.message}; nothing was written", hint=exc.hint) from None
    marker = remote.metadata.get(MARKER_KEY)
    taken_from = None
    if marker is not None:
        mine = owner.owns(dict(remote.metadata))
        if not force:
            if mine is not None:
                raise AsstDeployError(
                    f"{assistant_id} is already managed by this project and environment as {mine!r}; "
                    "nothing was written", hint="pass --force to adopt it under the new name")
            raise AsstDeployError(
                f"{assistant_id} belongs to {owner_text(marker)}; importing it would take it from "
                "that project; nothing was written",
                hint="pass --force to adopt it anyway (that project would then create a replacement)")
        taken_from = owner_text(marker)
    user_metadata = {k: v for k, v in remote.metadata.items() if k != MARKER_KEY}
    if len(user_metadata) > MAX_USER_METADATA_PAIRS:
        raise AsstDeployError(
            f"{assistant_id} has {len(user_metadata)} metadata pairs; the API allows 16 and the ownership "
            f"marker needs one: remove a pair first; nothing was written")
    found = as_comment(resources(remote, session.storage, None, session.lock))
    rendered = render_remote(
        target, remote, name, project, manifests_dir=manifests_rel(project), found=found,
        header=[f"# Imported by asst-deploy from {noun} {assistant_id}."],
    )
    _check_name(name, session, list(rendered.files))
    created = write_new_files(project.root, rendered.files)
    try:
        differences, applied = _predict(session, target, remote, name)
        target.adopt(assistant_id, {**user_metadata, MARKER_KEY: owner.marker(name)})
    except BaseException:
        remove_files(created)
        raise
    lock = read_document(project.lockfile, owner.project, owner.environment)
    lock.entries[name] = _adopted(assistant_id, target)
    # as if applied as it is: the next plan calls a manifest edit an edit, an account edit drift
    lock.entries[name].applied = applied
    write_document(project.lockfile, lock)
    return Imported(noun, created, owner.marker(name), rendered, taken_from, found.warnings, differences)


def _check_id(assistant_id: str, api: str) -> None:
    own = OWN_PREFIX[api]
    if assistant_id.startswith(own):
        return
    for prefix, what in OTHER_KINDS.items():
        if assistant_id.startswith(prefix):
            hint = None
            if prefix in OWN_PREFIX.values():
                other = next(a for a, p in OWN_PREFIX.items() if p == prefix)
                hint = f"this project deploys with api: {api}; import it with --api {other}"
            raise AsstDeployError(
                f"{assistant_id} is {what} id, not an {NOUN[api]} id "
                f"({own}...); nothing was written", hint=hint,
            )


def _check_name(name: str, session: Session, files: list[str]) -> None:
    if not re.match(NAME_PATTERN, name) or len(name) > 64:
        raise AsstDeployError(
            f"{name!r} is not a valid name: use lowercase letters, digits, - and _ "
            "(starting with a letter or digit, at most 64 characters); nothing was written"
        )
    sources = {s.name: s.source for s in session.project.specs}
    if name in sources:
        raise AsstDeployError(f"the name {name!r} is already used by {sources[name]}; choose another; "
                              "nothing was written")
    if name in session.lock.entries:
        raise AsstDeployError(f"the name {name!r} is already in {session.project.lockfile.name} "
                              f"(id {session.lock.entries[name].id or '-'}); choose another; "
                              "nothing was written")
    existing = [rel for rel in files if (session.project.root / rel).exists()]
    if existing:
        raise AsstDeployError(f"{', '.join(existing)} already exist(s); import never rewrites a file: "
                              "choose another name or move the file; nothing was written")


def _adopted(object_id: str, target: Target) -> LockEntry:
    """The lockfile entry of an object import takes over: its id, nothing attached yet."""
    return LockEntry(id=object_id, api=target.api)


def _predict(session: Session, target: Target, remote: RemoteAssistant, name: str) -> tuple[list[str], str]:
    """The fields the next plan would change on the adopted object (none, unless the config says so),
    and the object's ``applied`` digest as adopted."""
    from ..plan.desired import desired_state
    from ..plan.planner import adopted_digest, plan
    from ..project import load_project
    from ..account.observed import Observed, ObservedAssistant

    try:
        project = load_project(session.project.root, session.project.environment, session.options.api)
    except ValidationFailed as exc:
        raise AsstDeployError(f"the manifest written for {remote.id} does not validate, so it was removed again "
                              f"and nothing was changed:\n{exc}") from None
    spec = next(s for s in project.specs if s.name == name)
    desired = desired_state((spec,), target, session.owner, targets=(name,))
    observed = ObservedAssistant(
        id=remote.id, name=name, spec=neutral_spec(target, remote, name), vector_store_ids=remote.vector_store_ids,
        code_interpreter_file_ids=remote.code_interpreter_file_ids, kind=target.kind,
    )
    lock = LockDocument(session.owner.project, session.owner.environment, {name: _adopted(remote.id, target)})
    result = plan(desired, Observed(assistants=(observed,)), lock)
    fields = []
    for change in result.changes:
        if change.fields:
            fields += [f.field for f in change.fields]
        else:
            fields.append(f"{change.type.value} {change.action.value}")
    return sorted(dict.fromkeys(fields)), adopted_digest(desired, observed)
