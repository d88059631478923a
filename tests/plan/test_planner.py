"""The planner is a pure function: these tests build its three inputs by hand."""

from __future__ import annotations

from dataclasses import replace

from typing import Any

from asst_deploy.backends.agents import AgentsTarget
from asst_deploy.backends.assistants import AssistantsTarget
from asst_deploy.lock.entry import LockDocument
from asst_deploy.plan import planner
from asst_deploy.plan.planner import Desired
from asst_deploy.plan.types import Action, Kind
from asst_deploy.spec import AssistantSpec, FileSpec, normalize
from asst_deploy.account.observed import Observed, ObservedAssistant, ObservedFile, ObservedVectorStore, StoreFile

SHA_A = "a" * 64
SHA_B = "b" * 64


def spec(name: str = "bot", **fields) -> AssistantSpec:
    base = dict(name=name, display_name=name, model="gpt-4o", instructions="Help.",
                tools=({"type": "file_search"},), files=(FileSpec("docs/a.md", SHA_A, 3),))
    base.update(fields)
    return normalize(AssistantSpec(**base))


def desired(*specs: AssistantSpec, **kw) -> Desired:
    return Desired("proj", "dev", AssistantsTarget.capabilities, tuple(specs), **kw)


def plan(d: Desired, observed: Observed, lock: dict[str, Any]):
    """The planner, given the lockfile as it is written on disk."""
    return planner.plan(d, observed, LockDocument.from_dict(lock))


def deployed(s: AssistantSpec, *, asst_id: str = "asst_1", vs_id: str = "vs_1", file_id: str = "file-1"):
    """The account and lock exactly as an apply of ``s`` leaves them."""
    observed = Observed(
        assistants=(ObservedAssistant(asst_id, s.name, replace(s, files=(), source=""), (vs_id,) if s.files else ()),),
        vector_stores=(ObservedVectorStore(vs_id, s.name, len(s.files)),) if s.files else (),
        files=tuple(ObservedFile(file_id, f.sha256, f"x~{f.path}", f.size) for f in s.files),
    )
    entry = {"id": asst_id, "api": "assistants", "code_interpreter_files": {}}
    if s.files:
        entry["vector_store_id"] = vs_id
        entry["files"] = {f.path: {"id": file_id, "sha256": f.sha256} for f in s.files}
    return observed, {"version": 1, "assistants": {s.name: entry}}


def actions(result) -> list[tuple[str, str]]:
    return [(c.address, c.action.value) for c in result.changes]


def test_new_manifest_creates_store_file_and_assistant():
    result = plan(desired(spec()), Observed(), {"assistants": {}})
    assert actions(result) == [  # the order every format shows: the assistant, its store, its files
        ("assistant.bot", "create"),
        ("vector_store.bot", "create"),
        ("file.bot:docs/a.md", "create"),
    ]
    assert result.summary() == {"create": 3, "update": 0, "delete": 0}
    assert result.changes[2].after == {"sha256": SHA_A, "size": 3, "file_id": None}


def test_deployed_state_plans_nothing():
    s = spec()
    observed, lock = deployed(s)
    result = plan(desired(s), observed, lock)
    assert result.changes == ()
    assert result.unchanged == ("bot",)


def test_drift_on_the_account_is_an_update_back_to_the_manifest():
    s = spec()
    observed, lock = deployed(s)
    drifted = replace(observed.assistants[0], spec=replace(observed.assistants[0].spec, model="gpt-4o-mini"))
    result = plan(desired(s), replace(observed, assistants=(drifted,)), lock)
    assert actions(result) == [("assistant.bot", "update")]
    (diff,) = result.changes[0].fields
    assert (diff.field, diff.before, diff.after) == ("model", "gpt-4o-mini", "gpt-4o")


def test_nested_tool_change_names_the_leaf():
    tool = {"type": "function", "name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "string"}}}}
    old = spec(tools=({"type": "file_search"}, tool))
    observed, lock = deployed(old)
    new_tool = {**tool, "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}}}
    result = plan(desired(spec(tools=({"type": "file_search"}, new_tool))), observed, lock)
    fields = [(f.field, f.before, f.after) for f in result.changes[0].fields]
    assert fields == [("tools[f].parameters.properties.n.type", "string", "integer")]


def test_assistant_deleted_elsewhere_is_created_again_with_a_reason():
    s = spec()
    observed, lock = deployed(s)
    result = plan(desired(s), replace(observed, assistants=()), lock)
    assert actions(result) == [("assistant.bot", "create")]
    assert "asst_1" in result.changes[0].reason and "no longer exists" in result.changes[0].reason


def test_a_twin_from_a_retried_create_is_deleted_and_the_locked_one_kept():
    s = spec()
    observed, lock = deployed(s)
    twin = replace(observed.assistants[0], id="asst_0", created_at=-5)  # older, but not in the lock
    result = plan(desired(s), replace(observed, assistants=(twin, *observed.assistants)), lock)
    assert actions(result) == [("assistant.bot", "delete")]
    assert result.changes[0].id == "asst_0"
    assert "keeping asst_1" in result.changes[0].reason


def test_lost_lockfile_adopts_by_marker_instead_of_creating():
    s = spec()
    observed, _ = deployed(s)
    listed = replace(observed.vector_stores[0], files=(StoreFile("file-1", "docs/a.md", SHA_A),))
    result = plan(desired(s), replace(observed, vector_stores=(listed,)), {"assistants": {}})
    assert result.changes == ()


def test_changed_file_content_is_a_file_update_and_the_old_object_goes():
    s = spec()
    observed, lock = deployed(s)
    changed = spec(files=(FileSpec("docs/a.md", SHA_B, 4),))
    result = plan(desired(changed), observed, lock)
    assert ("file.bot:docs/a.md", "update") in actions(result)
    update = next(c for c in result.changes if c.type is Kind.FILE)
    assert update.before == {"sha256": SHA_A, "file_id": "file-1", "size": 3}  # the size the account lists
    assert update.after == {"sha256": SHA_B, "size": 4, "file_id": None}


def test_removed_manifest_deletes_assistant_store_and_files():
    s = spec()
    observed, lock = deployed(s)
    result = plan(desired(), observed, lock)
    assert actions(result) == [
        ("assistant.bot", "delete"),
        ("vector_store.bot", "delete"),
        ("file.bot:docs/a.md", "delete"),
    ]
    assert result.summary() == {"create": 0, "update": 0, "delete": 3}


def test_same_content_in_two_assistants_is_uploaded_once_and_reused():
    a, b = spec("a"), spec("b")
    observed, lock = deployed(a)
    result = plan(desired(a, b), observed, lock)
    file_change = next(c for c in result.changes if c.type is Kind.FILE)
    assert file_change.name == "b" and file_change.after["file_id"] == "file-1"


def test_unused_and_duplicate_file_objects_are_deleted():
    s = spec()
    observed, lock = deployed(s)
    extra = (ObservedFile("file-0", SHA_A, "dup"), ObservedFile("file-9", SHA_B, "x~old.md"))
    result = plan(desired(s), replace(observed, files=observed.files + extra), lock)
    deleted = {c.id: c.reason for c in result.changes if c.action is Action.DELETE}
    assert set(deleted) == {"file-0", "file-9"}
    assert "second upload" in deleted["file-0"] and "no manifest" in deleted["file-9"]


def test_target_limits_the_plan_to_named_assistants():
    result = plan(desired(spec("a"), spec("b"), targets=frozenset({"b"})), Observed(), {"assistants": {}})
    assert {c.name for c in result.changes} == {"b"}


def test_write_only_field_is_compared_with_what_the_lock_remembers():
    s = spec(reasoning_effort="high")
    observed, lock = deployed(s)  # the account never shows reasoning_effort
    lock["assistants"]["bot"]["reasoning_effort"] = "low"
    result = plan(desired(s), observed, lock)
    assert [(f.field, f.before, f.after) for f in result.changes[0].fields] == [("reasoning_effort", "low", "high")]
    lock["assistants"]["bot"]["reasoning_effort"] = "high"
    assert plan(desired(s), observed, lock).changes == ()


def test_ignore_unset_compares_only_what_the_manifest_sets():
    s = spec(files=(), tools=(), settings={"verbosity": "low"})
    observed, lock = deployed(s)
    echoed = replace(observed.assistants[0].spec, settings={"verbosity": "low", "service_tier": "auto"},
                     reasoning_effort="medium")
    observed = replace(observed, assistants=(replace(observed.assistants[0], spec=echoed, kind=Kind.AGENT),))
    d = Desired("proj", "dev", AgentsTarget.capabilities, (s,))
    assert plan(d, observed, lock).changes == ()


def test_switching_api_deletes_the_old_kind_and_creates_the_new():
    s = spec(files=(), tools=())
    observed, lock = deployed(s)
    d = Desired("proj", "dev", AgentsTarget.capabilities, (s,))
    assert actions(plan(d, observed, lock)) == [("agent.bot", "create"), ("assistant.bot", "delete")]


def test_plan_document_round_trips():
    from asst_deploy.plan.types import Plan

    result = plan(desired(spec()), Observed(), {"assistants": {}})
    assert Plan.from_json(result.to_json()) == result
    doc = result.to_json()
    assert doc["format_version"] == 1 and doc["summary"] == {"create": 3, "update": 0, "delete": 0}


def test_update_reason_tells_a_manifest_edit_from_drift():
    from asst_deploy.spec import spec_digest

    s = spec()
    observed, lock = deployed(s)
    caps = AssistantsTarget.capabilities
    lock["assistants"]["bot"]["applied"] = spec_digest(s.comparable(), caps.ignore_unset, caps.write_only)
    edited = plan(desired(replace(s, model="gpt-4.1")), observed, lock)
    assert edited.changes[0].reason == "the manifest changed"
    drifted_spec = replace(observed.assistants[0].spec, model="gpt-4o-mini")
    drifted = replace(observed, assistants=(replace(observed.assistants[0], spec=drifted_spec),))
    assert plan(desired(s), drifted, lock).changes[0].reason.startswith("edited outside asst-deploy (drift)")
    both = plan(desired(replace(s, model="gpt-4.1")), drifted, lock).changes[0].reason
    assert both.startswith("the manifest changed, and the account differs from this lockfile's last apply")
    assert "another checkout" in both  # the lockfile alone cannot tell that apply from a hand edit


def test_an_account_found_as_the_manifest_asks_refreshes_a_stale_applied_digest():
    """Another checkout applied this manifest: the account agrees with it, this lockfile's digest
    is older. The plan has no change, and repairs the digest without a note about markers."""
    from asst_deploy.spec import spec_digest

    s = spec()
    observed, lock = deployed(s)
    caps = AssistantsTarget.capabilities
    lock["assistants"]["bot"]["applied"] = spec_digest(replace(s, model="gpt-4.1").comparable(),
                                                       caps.ignore_unset, caps.write_only)
    result = plan(desired(s), observed, lock)
    assert result.empty and result.notes == ()
    assert result.lock_repairs == {"bot": {"applied": spec_digest(s.comparable(), caps.ignore_unset, caps.write_only)}}
    lock["assistants"]["bot"]["applied"] = result.lock_repairs["bot"]["applied"]
    assert plan(desired(s), observed, lock).lock_repairs == {}  # up to date: nothing to record


def test_a_changed_file_is_one_update_not_also_a_delete():
    s = spec()
    observed, lock = deployed(s)
    result = plan(desired(spec(files=(FileSpec("docs/a.md", SHA_B, 4),))), observed, lock)
    assert [c.action for c in result.changes if c.type is Kind.FILE] == [Action.UPDATE]


def test_adding_retrieval_files_points_the_assistant_at_the_new_store():
    bare = spec(files=())
    observed, lock = deployed(bare)
    result = plan(desired(spec()), observed, lock)
    assert actions(result) == [("assistant.bot", "update"), ("vector_store.bot", "create"), ("file.bot:docs/a.md", "create")]
    (diff,) = result.changes[0].fields
    assert (diff.field, diff.before, diff.after) == (
        "tool_resources.vector_store", None, "(new vector store, known after apply)")


def test_code_interpreter_content_change_updates_the_assistant_file_ids():
    ci = FileSpec("data/x.csv", SHA_A, 3)
    old = spec(files=(), tools=({"type": "code_interpreter"},), code_interpreter_files=(ci,))
    observed = Observed(
        assistants=(ObservedAssistant("asst_1", "bot", replace(old, code_interpreter_files=()), (), ("file-1",)),),
        files=(ObservedFile("file-1", SHA_A, "x"),),
    )
    lock = {"assistants": {"bot": {"id": "asst_1", "code_interpreter_files": {"data/x.csv": {"id": "file-1", "sha256": SHA_A}}}}}
    assert plan(desired(old), observed, lock).changes == ()
    new = replace(old, code_interpreter_files=(FileSpec("data/x.csv", SHA_B, 4),))
    result = plan(desired(new), observed, lock)
    assert actions(result) == [("assistant.bot", "update"), ("file.bot:data/x.csv", "update")]
    (diff,) = result.changes[0].fields
    assert diff.field == "tool_resources.code_interpreter_files"
    assert diff.before == [f"data/x.csv ({SHA_A[:12]})"] and diff.after == [f"data/x.csv ({SHA_B[:12]})"]


FLIGHT_TOOLS = (
    {"type": "function", "name": "book_flight", "description": "Book a flight",
     "parameters": {"type": "object", "properties": {"flight": {"type": "string"}}, "required": ["flight"]}},
    {"type": "function", "name": "cancel_flight", "description": "Cancel a booking"},
    {"type": "file_search"},
)
LIST_AIRPORTS = {"type": "function", "name": "list_airports", "description": "List the airports"}


def tool_fields(old_tools, new_tools) -> list[tuple[str, object, object]]:
    old = spec(tools=old_tools)
    observed, lock = deployed(old)
    (change,) = [c for c in plan(desired(spec(tools=new_tools)), observed, lock).changes if c.type is Kind.ASSISTANT]
    assert all(f.root == "tools" for f in change.fields)
    return [(f.field, f.before, f.after) for f in change.fields]


def test_a_function_inserted_first_is_one_added_function_not_renames():
    assert tool_fields(FLIGHT_TOOLS, (LIST_AIRPORTS, *FLIGHT_TOOLS)) == [("tools[list_airports]", None, LIST_AIRPORTS)]


def test_a_removed_function_is_one_removed_function():
    assert tool_fields(FLIGHT_TOOLS, FLIGHT_TOOLS[1:]) == [("tools[book_flight]", FLIGHT_TOOLS[0], None)]


def test_a_reorder_is_one_line_of_names():
    assert tool_fields(FLIGHT_TOOLS, FLIGHT_TOOLS[::-1]) == [(
        "tools (order)", ["book_flight", "cancel_flight", "file_search"], ["file_search", "cancel_flight", "book_flight"])]


def test_an_edit_inside_a_function_is_only_the_fields_that_changed():
    edited = {**FLIGHT_TOOLS[0], "description": "Book one flight",
              "parameters": {**FLIGHT_TOOLS[0]["parameters"], "required": ["flight", "seat"]}}
    assert tool_fields(FLIGHT_TOOLS, (edited, *FLIGHT_TOOLS[1:])) == [
        ("tools[book_flight].description", "Book a flight", "Book one flight"),
        ("tools[book_flight].parameters.required", ["flight"], ["flight", "seat"]),
    ]


def test_two_tools_with_one_identity_are_compared_by_position():
    from asst_deploy.plan.compare.values import leaf_diffs

    before = [{"type": "web_search", "x": 1}, {"type": "web_search", "x": 2}]
    after = [{"type": "web_search", "x": 1}, {"type": "web_search", "x": 3}]
    assert [(d.field, d.before, d.after) for d in leaf_diffs("tools", before, after)] == [("tools[1].x", 2, 3)]
