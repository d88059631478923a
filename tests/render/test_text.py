"""The terminal rendering: exact where a reviewer or a script relies on the words."""

from __future__ import annotations

import pytest
from render_plans import NEW_INSTRUCTIONS, OLD_INSTRUCTIONS, SHA_A, SHA_B, assistant, sample_plan

from asst_deploy.plan.types import Action, Change, FieldDiff, Kind, Plan, display_order
from asst_deploy.render import render

SAMPLE_TEXT = """\
asst-deploy plan: project acme-support, environment dev, api assistants

Note: the lockfile was rebuilt from ownership markers

+ assistant.billing-bot will be created
    # new manifest
    + display_name: "Billing Bot"
    + model: "gpt-4o"
    + description: "Answers billing questions"
    + instructions: |
      + You are a billing assistant.
      + Be brief.
    + tools:
      + - type: code_interpreter
    + temperature: 0.2
    # API defaults, not set in the manifest: response_format "auto"

- vector_store.old-bot (vs_old) will be deleted
    # no manifest named it any more

~ assistant.support-bot (asst_abc123) will be updated in place
    # the manifest changed, or the assistant was edited outside asst-deploy
    ~ model: "gpt-4o" -> "gpt-4o-mini"
    ~ instructions:
        You are a support agent for Acme.
      - Answer [-politely-] in English.
      + Answer {+briefly+} in English.
        Never share secrets.

~ file.support-bot:docs/faq.md (file-old1) will be replaced by a new upload
    # the file's content changed
    ~ size: 65 bytes -> 64 bytes (-1)
    ~ sha256: 1a2b3c4d5e6f -> 9f8e7d6c5b4a
    ~ content:
        # Billing FAQ

      - Refunds take [-14-] days.
      + Refunds take {+5+} days.
        Write to billing@acme.test.

3 assistants unchanged.
Plan: 1 to create, 2 to update, 1 to delete.
"""


def text(*changes: Change, api: str = "assistants", **values) -> str:
    return render(Plan("acme", "dev", api, changes=changes, **values).to_json())


def test_sample_plan_reads_exactly_so():
    doc = sample_plan(notes=("the lockfile was rebuilt from ownership markers",)).to_json()
    assert render(doc) == SAMPLE_TEXT
    assert render(doc, "text") == SAMPLE_TEXT


def test_no_changes():
    out = text(unchanged=("a", "b", "c"))
    assert out == (
        "asst-deploy plan: project acme, environment dev, api assistants\n\n"
        "3 assistants unchanged.\n"
        "No changes. Your assistants match the manifests.\n"
    )


def test_unchanged_agents_are_called_agents():
    assert "1 agent unchanged.\n" in text(api="agents", unchanged=("a",))


CHANGES = {
    "create": Change(Kind.ASSISTANT, "bot", Action.CREATE, after=assistant(), reason="new manifest"),
    "update": Change(Kind.ASSISTANT, "bot", Action.UPDATE, id="asst_1", fields=(FieldDiff("temperature", 0.2, 0.5),)),
    "delete": Change(Kind.ASSISTANT, "bot", Action.DELETE, id="asst_1", before=assistant(), reason="not in any manifest"),
}
HEADERS = {
    "create": "+ {kind}.bot will be created",
    "update": "~ {kind}.bot (asst_1) will be updated in place",
    "delete": "- {kind}.bot (asst_1) will be deleted",
}


@pytest.mark.parametrize("kind", [Kind.ASSISTANT, Kind.AGENT, Kind.RESPONSES])
@pytest.mark.parametrize("action", list(CHANGES))
def test_every_action_of_every_assistant_kind(kind, action):
    change = CHANGES[action]
    change = Change(kind, change.name, change.action, id=change.id, before=change.before, after=change.after,
                    fields=change.fields, reason=change.reason)
    lines = text(change).splitlines()
    assert HEADERS[action].format(kind=kind.value) in lines
    body = {
        "create": '    + model: "gpt-4o"',
        "update": "    ~ temperature: 0.2 -> 0.5",
        "delete": '    - model: "gpt-4o"',
    }[action]
    assert body in lines


def test_a_delete_counts_long_text_instead_of_printing_it():
    before = assistant(instructions="\n".join(f"line {i}" for i in range(40)))
    out = text(Change(Kind.ASSISTANT, "bot", Action.DELETE, id="asst_1", before=before))
    assert "    - instructions: (40 lines, 309 characters)\n" in out
    assert "line 39" not in out


def test_a_delete_of_what_was_never_observed_is_just_its_header():
    out = text(Change(Kind.ASSISTANT, "bot", Action.DELETE, id="asst_1", before=None, reason="a retried create"))
    assert "- assistant.bot (asst_1) will be deleted\n    # a retried create\n\n" in out


def test_vector_store_create_and_delete():
    out = text(
        Change(Kind.VECTOR_STORE, "a", Action.CREATE, after={"name": "a", "files": 3}, reason="the manifest lists retrieval files"),
        Change(Kind.VECTOR_STORE, "b", Action.DELETE, id="vs_1", before={"id": "vs_1"}, reason="no manifest named it any more"),
    )
    assert (
        "+ vector_store.a will be created\n"
        "    # the manifest lists retrieval files\n"
        '    + name: "a"\n'
        "    + files: 3\n\n"
        "- vector_store.b (vs_1) will be deleted\n"
        "    # no manifest named it any more\n\n"
    ) in out


def test_file_create_update_delete():
    out = text(
        Change(Kind.FILE, "a", Action.CREATE, path="data/p.csv", role="code_interpreter_files",
               after={"sha256": SHA_A, "size": 1234, "file_id": None}, reason="new file"),
        Change(Kind.FILE, "a", Action.UPDATE, id="file-1", path="docs/faq.md", role="files",
               before={"sha256": SHA_A, "size": 10, "file_id": "file-1"}, after={"sha256": SHA_B, "size": 12, "file_id": None}),
        Change(Kind.FILE, "a", Action.DELETE, id="file-2", path="docs/old.md", role="files",
               before={"sha256": SHA_B, "file_id": "file-2"}),
    )
    assert (
        "+ file.a:data/p.csv will be uploaded\n"
        "    # new file\n"
        "    + role: code_interpreter_files\n"
        "    + sha256: 1a2b3c4d5e6f\n"
        "    + size: 1,234 bytes\n\n"
        "~ file.a:docs/faq.md (file-1) will be replaced by a new upload\n"
        "    ~ size: 10 bytes -> 12 bytes (+2)\n"
        "    ~ sha256: 1a2b3c4d5e6f -> 9f8e7d6c5b4a\n\n"
        "- file.a:docs/old.md (file-2) will be deleted\n"
        "    - role: files\n"
        "    - sha256: 9f8e7d6c5b4a\n\n"
    ) in out


def test_order_is_by_name_then_assistant_store_files_and_stable():
    changes = (
        Change(Kind.FILE, "-", Action.DELETE, id="file-9", path="stray.md", before={"sha256": SHA_B}),
        Change(Kind.FILE, "b", Action.CREATE, path="z.md", role="files", after={"sha256": SHA_A}),
        Change(Kind.FILE, "b", Action.CREATE, path="a.md", role="files", after={"sha256": SHA_A}),
        Change(Kind.VECTOR_STORE, "b", Action.CREATE, after={"name": "b"}),
        Change(Kind.ASSISTANT, "b", Action.CREATE, after={"model": "m"}),
        Change(Kind.ASSISTANT, "a", Action.DELETE, id="asst_9"),
    )
    expected = [
        "- assistant.a (asst_9) will be deleted",
        "+ assistant.b will be created",
        "+ vector_store.b will be created",
        "+ file.b:a.md will be uploaded",
        "+ file.b:z.md will be uploaded",
        "- file.-:stray.md (file-9) will be deleted",
    ]
    ordered = display_order(changes)
    headers = [line for line in text(*ordered).splitlines() if line and line[0] in "+-~"]
    assert headers == expected
    # the renderers keep the document's order: the JSON's order is the one every format shows
    shuffled = [line for line in text(*reversed(ordered)).splitlines() if line and line[0] in "+-~"]
    assert shuffled == expected[::-1]


def test_nested_tool_change_names_the_changed_path():
    tool = {"type": "function", "name": "lookup", "description": "Find it",
            "parameters": {"type": "object", "properties": {"n": {"type": "string"}}}}
    changed = {**tool, "parameters": {"type": "object", "properties": {"n": {"type": "integer"}}}}
    out = text(Change(Kind.ASSISTANT, "a", Action.UPDATE, id="asst_1",
                      before=assistant(tools=[tool]), after=assistant(tools=[changed])))
    assert '    ~ tools[0].parameters.properties.n.type: "string" -> "integer"\n' in out


def test_planner_leaf_paths_are_shown_as_given():
    out = text(Change(Kind.ASSISTANT, "a", Action.UPDATE, id="asst_1",
                      fields=(FieldDiff("tools[2].parameters", {"type": "object"}, {"type": "object", "required": ["order_number"]}),
                              FieldDiff("metadata.team", None, "billing"))))
    assert "    + tools[2].parameters.required: [order_number]\n" in out  # added: shown as an addition
    assert '    ~ metadata.team: (unset) -> "billing"\n' in out


def test_an_added_tool_is_a_line_diff_of_the_list():
    old = [{"type": "file_search", "max_num_results": 5}]
    new = [{"type": "code_interpreter"}, {"type": "file_search", "max_num_results": 8}]
    out = text(Change(Kind.ASSISTANT, "a", Action.UPDATE, id="asst_1", fields=(FieldDiff("tools", old, new),)))
    assert (
        "    ~ tools:\n"
        "      + - type: code_interpreter\n"
        "        - type: file_search\n"
        "      -   max_num_results: [-5-]\n"
        "      +   max_num_results: {+8+}\n"
    ) in out


def test_a_field_the_planner_reports_is_never_silently_dropped():
    out = text(Change(Kind.ASSISTANT, "a", Action.UPDATE, id="asst_1", fields=(FieldDiff("reasoning_effort", "low", "low"),)))
    assert '    ~ reasoning_effort: "low" -> "low"\n' in out


def test_instructions_set_from_nothing_says_so():
    out = text(Change(Kind.ASSISTANT, "a", Action.UPDATE, id="asst_1", fields=(FieldDiff("instructions", None, "one\ntwo\n"),)))
    assert "    ~ instructions: (was unset)\n      + one\n      + two\n" in out


def test_sample_update_instructions_diff_is_marked():
    out = render(sample_plan().to_json())
    assert OLD_INSTRUCTIONS != NEW_INSTRUCTIONS
    assert "      - Answer [-politely-] in English.\n      + Answer {+briefly+} in English.\n" in out
