"""Changes compile to typed operations: what apply will send, with explicit dependencies."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from asst_deploy.backends.assistants import AssistantsTarget
from asst_deploy.backends.responses import ResponsesTarget
from asst_deploy.lock.entry import LockDocument
from asst_deploy.plan import planner
from asst_deploy.plan.ops import (
    DELETES,
    FILE_DELETES,
    WRITES,
    CreateStore,
    DeleteAssistant,
    DeleteFile,
    DeleteStore,
    FileRef,
    PutAssistant,
    SyncStore,
    UploadFile,
)
from asst_deploy.plan.planner import Desired
from asst_deploy.plan.types import Plan
from asst_deploy.spec import AssistantSpec, FileSpec, Kind, normalize
from asst_deploy.account.observed import Observed, ObservedAssistant, ObservedFile, ObservedVectorStore

SHA_A, SHA_B = "a" * 64, "b" * 64


def spec(**fields: Any) -> AssistantSpec:
    base: dict[str, Any] = dict(name="bot", display_name="bot", model="gpt-4o", instructions="Help.",
                                tools=({"type": "file_search"},), files=(FileSpec("docs/a.md", SHA_A, 3),))
    base.update(fields)
    return normalize(AssistantSpec(**base))


def plan(s: AssistantSpec | None, observed: Observed = Observed(), lock: dict[str, Any] | None = None,
         target: Any = AssistantsTarget) -> Plan:
    desired = Desired("proj", "dev", target.capabilities, (s,) if s else ())
    return planner.plan(desired, observed, LockDocument.from_dict(lock or {"assistants": {}}))


def deployed(s: AssistantSpec) -> tuple[Observed, dict[str, Any]]:
    observed = Observed(
        assistants=(ObservedAssistant("asst_1", "bot", replace(s, files=()), ("vs_1",)),),
        vector_stores=(ObservedVectorStore("vs_1", "bot", 1),),
        files=(ObservedFile("file-1", SHA_A, "x~docs/a.md"),),
    )
    lock = {"assistants": {"bot": {"id": "asst_1", "api": "assistants", "vector_store_id": "vs_1",
                                   "files": {"docs/a.md": {"id": "file-1", "sha256": SHA_A}}}}}
    return observed, lock


def test_a_new_manifest_uploads_then_creates_the_store_then_syncs_then_creates_the_assistant():
    ops = plan(spec()).operations
    assert ops == (
        UploadFile("bot", "files", "docs/a.md", SHA_A, 3),
        CreateStore("bot"),
        SyncStore("bot", attach=(FileRef("docs/a.md", SHA_A, None),), creates_store=True),
        PutAssistant("bot", Kind.ASSISTANT, create=True, object_id=None,
                     waits_for=frozenset({f"upload:{SHA_A}", "store:bot", "attach:bot"})),
    )
    assert ops[2].deps == {f"upload:{SHA_A}", "store:bot"}
    assert all(op.phase == WRITES for op in ops)


def test_an_update_sends_the_spec_fields_that_changed_not_display_paths():
    s = spec(tools=({"type": "file_search"}, {"type": "function", "name": "f", "parameters": {"type": "object"}}))
    observed, lock = deployed(s)
    edited = spec(instructions="Help more.", tools=(
        {"type": "file_search"}, {"type": "function", "name": "f", "parameters": {"type": "object", "properties": {}}}))
    (op,) = plan(edited, observed, lock).operations
    assert op == PutAssistant("bot", Kind.ASSISTANT, create=False, object_id="asst_1",
                              changed=frozenset({"instructions", "tools"}))


def test_a_changed_file_is_uploaded_attached_and_its_old_object_deleted_last():
    observed, lock = deployed(spec())
    ops = plan(spec(files=(FileSpec("docs/a.md", SHA_B, 4),)), observed, lock).operations
    by_type = {type(op): op for op in ops}
    assert by_type[UploadFile] == UploadFile("bot", "files", "docs/a.md", SHA_B, 4)
    sync = by_type[SyncStore]
    assert sync.attach == (FileRef("docs/a.md", SHA_B, None),)
    assert [(d.path, d.file_id, d.forget) for d in sync.detach] == [("docs/a.md", "file-1", False)]
    assert by_type[DeleteFile] == DeleteFile("file-1", "bot", "docs/a.md")
    assert by_type[DeleteFile].phase == FILE_DELETES


def test_a_removed_manifest_deletes_assistant_and_store_in_the_delete_phase():
    observed, lock = deployed(spec())
    ops = plan(None, observed, lock).operations
    assert DeleteAssistant("bot", Kind.ASSISTANT, "asst_1") in ops
    assert DeleteStore("bot", "vs_1") in ops
    assert DeleteFile("file-1", "bot", "docs/a.md") in ops
    assert {op.phase for op in ops if not isinstance(op, DeleteFile)} == {DELETES}


def test_content_another_manifest_still_uses_is_not_deleted():
    observed, lock = deployed(spec())
    other = spec(name="other", files=(FileSpec("docs/copy.md", SHA_A, 3),))
    desired = Desired("proj", "dev", AssistantsTarget.capabilities, (other,))
    ops = planner.plan(desired, observed, LockDocument.from_dict(lock)).operations
    assert not any(isinstance(op, DeleteFile) for op in ops)


def test_responses_settings_are_put_without_an_object_id():
    ops = plan(spec(files=()), target=ResponsesTarget).operations
    assert ops == (PutAssistant("bot", Kind.RESPONSES, create=True, object_id=None),)


def test_a_saved_plan_carries_its_operations():
    result = plan(spec())
    assert Plan.from_json(result.to_json()).operations == result.operations


def test_operations_carry_what_they_act_on_and_the_plan_json_leaves_it_out():
    """No side dict between plan and apply: the update holds the spec it sends and the digest the
    lockfile records (the planner's rule), the store sync the paths it keeps, a delete whether its
    manifest stays. The JSON (saved plans) holds none of it; binding a read-back plan restores it."""
    from asst_deploy.plan.compile import bind
    from asst_deploy.plan.ops import operation_to_json

    s = spec()
    desired = Desired("proj", "dev", AssistantsTarget.capabilities, (s,))
    ops = plan(s).operations
    put = next(op for op in ops if isinstance(op, PutAssistant))
    sync = next(op for op in ops if isinstance(op, SyncStore))
    assert put.spec == s and put.applied == AssistantsTarget.capabilities.applied_digest(s.comparable())
    assert sync.listed == {"docs/a.md"}
    doc = plan(s).to_json()
    assert not {"spec", "applied", "listed", "manifest_kept"} & {k for op in doc["operations"] for k in op}
    unbound = Plan.from_json(doc).operations
    assert next(op for op in unbound if isinstance(op, PutAssistant)).spec is None
    rebound = bind(unbound, desired)
    assert [operation_to_json(op) for op in rebound] == doc["operations"]
    assert next(op for op in rebound if isinstance(op, PutAssistant)).spec == s
    gone = plan(None, *deployed(s)).operations
    assert [op.manifest_kept for op in gone if isinstance(op, DeleteAssistant)] == [False]
