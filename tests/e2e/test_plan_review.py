"""The plan as a reviewer reads it, from the real CLI on the example project: what it shows and how."""

from __future__ import annotations

import json
import re
import subprocess

import openai


def test_a_create_shows_what_the_manifest_wrote_and_the_api_defaults_apart(cli):
    out = cli("plan").stdout
    order = out[out.index("+ assistant.order-assistant"):out.index("+ assistant.support-bot")]
    # order-assistant.yaml sets top_p and response_format, and leaves temperature to the API
    assert "    + top_p: 0.9\n" in order and '    + response_format: "auto"\n' in order
    assert "+ temperature" not in order
    assert "    # API defaults, not set in the manifest: temperature 1.0\n" in order
    tutor = out[out.index("+ assistant.math-tutor"):out.index("+ assistant.order-assistant")]
    assert "+ top_p" not in tutor and "+ response_format" not in tutor
    assert '# API defaults, not set in the manifest: top_p 1.0, response_format "auto"' in tutor
    markdown = cli("plan", "--format", "markdown").stdout
    assert "# API defaults, not set in the manifest: temperature 1.0\n" in markdown


def test_function_tools_read_as_yaml_like_the_manifest(cli):
    out = cli("plan").stdout
    assert "    + tools:\n      + - type: function\n      +   name: get_order_status\n" in out
    assert (
        "      + - type: function\n"
        "      +   name: cancel_order\n"
        "      +   description: Cancel an order that has not shipped yet\n"
        "      +   strict: true\n"
        "      +   parameters:\n"
        "      +     type: object\n"
        "      +     properties:\n"
        '      +       order_number: {type: string, description: "The order number, e.g. A-1042"}\n'
        "      +       reason:\n"
        "      +         type: string\n"
        "      +         enum: [changed_mind, duplicate, too_slow, other]\n"
        "      +     required: [order_number, reason]\n"
        "      +     additionalProperties: false\n"
    ) in out
    assert '{"' not in out  # no JSON object anywhere


def test_text_markdown_and_json_list_changes_in_the_same_order(cli):
    doc = json.loads(cli("plan", "--format", "json").stdout)
    addresses = [change["address"] for change in doc["changes"]]
    text = [m.group(1) for m in re.finditer(r"^[-+~] (\S+)", cli("plan").stdout, re.M)]
    markdown = [m.group(1) for m in re.finditer(r"^\| \S+ \S+ \| `([^`]+)`", cli("plan", "--format", "markdown").stdout, re.M)]
    assert addresses == text == markdown
    assert addresses[:3] == ["assistant.math-tutor", "file.math-tutor:data/exam_scores.csv", "assistant.order-assistant"]


def _git(project, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=project,
                   check=True, capture_output=True)


def test_a_changed_document_shows_its_size_change_and_a_line_diff_from_git(cli, project):
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "first")
    cli("apply", "--auto-approve")
    refunds = project / "docs/billing/refunds.md"
    old = refunds.read_text()
    refunds.write_text(old.replace("30 days", "60 days") + "\nGift cards are not refunded.\n")
    _git(project, "commit", "-q", "-am", "refunds: 60 days")  # as in CI: HEAD already holds the new text
    out = cli("plan").stdout
    size = (len(old.encode()), refunds.stat().st_size)
    block = out[out.index("~ file.support-bot:docs/billing/refunds.md"):]
    assert block.startswith("~ file.support-bot:docs/billing/refunds.md (file-")
    assert ") will be replaced by a new upload\n    # the file's content changed\n" in block
    assert f"    ~ size: {size[0]:,} bytes -> {size[1]:,} bytes (+{size[1] - size[0]})\n" in block
    assert "    ~ content:\n" in block and "      + Gift cards are not refunded.\n" in block
    assert "[-30-]" in block and "{+60+}" in block
    markdown = cli("plan", "--format", "markdown").stdout
    assert "+   Gift cards are not refunded.\n" in markdown
    block = markdown[markdown.index("```diff"):]  # GitHub colours whole lines: no word markers in a diff block
    assert "60 days" in block and "{+" not in block and "[-" not in block
    doc = json.loads(cli("plan", "--format", "json").stdout)
    change = next(c for c in doc["changes"] if c["address"] == "file.support-bot:docs/billing/refunds.md")
    assert change["before"]["text"] == old and change["after"]["size"] == size[1]


def test_without_git_a_changed_document_shows_sizes_only(cli, project):
    cli("apply", "--auto-approve")
    refunds = project / "docs/billing/refunds.md"
    refunds.write_text(refunds.read_text() + "More.\n")
    out = cli("plan").stdout
    assert "    ~ size: " in out and "content:" not in out


def test_destroy_speaks_of_destroying(cli, project):
    cli("apply", "--auto-approve")
    out = cli("destroy", "--auto-approve").stdout
    assert out.startswith("asst-deploy destroy: project acme-support, environment dev, api assistants\n")
    assert "- assistant.support-bot (asst_" in out and ") will be destroyed\n" in out
    assert "# asst-deploy destroy: everything this project and environment own is destroyed\n" in out
    assert "will be deleted" not in out and "no manifest" not in out
    assert "Destroy: 8 to destroy.\n" in out and "Destroy complete! Resources: 8 destroyed." in out
    again = cli("destroy", "--auto-approve").stdout
    assert "Nothing to destroy: this project and environment own nothing on the account.\n" in again


def test_target_says_that_other_assistants_have_pending_changes(cli, project):
    cli("apply", "--auto-approve")
    for name in ("math-tutor", "support-bot"):
        path = project / f"assistants/{name}.yaml"
        path.write_text(path.read_text().replace("temperature: 0.", "temperature: 0.1"))
    out = cli("plan", "--target", "math-tutor").stdout
    assert "~ assistant.math-tutor" in out and "~ assistant.support-bot" not in out
    assert ("Note: --target: 1 other assistant(s) also have pending changes (support-bot), not in this plan; "
            "plan without --target to see them\n") in out
    assert "Note: --target" not in cli("plan", "--target", "math-tutor", "--target", "support-bot").stdout


def test_show_reports_differs_only_where_lockfile_and_account_disagree(cli, project):
    cli("apply", "--auto-approve")
    out = cli("show").stdout
    assert "differs" not in out, out
    assert "code interpreter files   lockfile: 1   account: 1\n" in out  # math-tutor's csv
    (project / "asst-deploy.yaml").write_text((project / "asst-deploy.yaml").read_text().replace("api: assistants", "api: responses"))
    cli("apply", "--auto-approve")
    out = cli("show").stdout
    assert "differs" not in out, out
    assert "responses settings       in the lockfile\n" in out


def _imported_then_edited(cli, project, addition: str):
    """A hand-made assistant with its own vector store, imported as 'helper', then its manifest
    extended by ``addition``: the client, the assistant, its store and the plan's text."""
    c = openai.OpenAI(base_url=cli.emulator.base_url, api_key="sk-test")
    f = c.files.create(file=("handbook.md", b"# Handbook\nBe kind.\n"), purpose="assistants")
    vs = c.vector_stores.create(name="hand-made", file_ids=[f.id])
    a = c.beta.assistants.create(model="gpt-4o-mini", name="[dev] Helper", instructions="Help.",
                                 tools=[{"type": "file_search"}],
                                 tool_resources={"file_search": {"vector_store_ids": [vs.id]}})
    cli("import", a.id, "helper")
    manifest = project / "assistants/helper.yaml"
    manifest.write_text(manifest.read_text() + addition)
    return c, a, vs, cli("plan", "--target", "helper").stdout


def test_an_edit_after_import_is_an_edit_and_keeps_the_hand_made_store(cli, project):
    client, helper, store, out = _imported_then_edited(cli, project, "temperature: 0.5\n")
    block = out[out.index("~ assistant.helper"):]
    assert "    # the manifest changed\n    ~ temperature: 1.0 -> 0.5\n" in block
    assert "drift" not in block and "differs" not in block and "tool_resources" not in block
    cli("apply", "--auto-approve", "--target", "helper")
    assert client.beta.assistants.retrieve(helper.id).tool_resources.file_search.vector_store_ids == [store.id]
    assert "No changes" in cli("plan", "--target", "helper").stdout


def test_detaching_a_hand_made_store_is_a_line_of_the_plan(cli, project):
    _, _, store, out = _imported_then_edited(cli, project, "files:\n  - docs/billing/refunds.md\n")
    assert "    ~ tool_resources.vector_store: (unset) -> \"(new vector store, known after apply)\"\n" in out
    assert f"    - tool_resources.attached_by_hand: [{store.id}]\n" in out


def test_migrating_back_from_responses_says_so_and_counts_attaches_apart(cli, project):
    config = project / "asst-deploy.yaml"
    text = config.read_text()
    config.write_text(text.replace("api: assistants", "api: responses"))
    cli("apply", "--auto-approve")
    config.write_text(text)
    out = cli("plan").stdout
    assert "new manifest" not in out
    assert out.count("    # moving from api: responses to api: assistants; the vector store and files already "
                     "uploaded are reused\n") == 3
    assert "+ file.math-tutor:data/exam_scores.csv will be attached (already uploaded)\n" in out
    assert out.endswith("Plan: 3 to create, 0 to update, 0 to delete, 1 already uploaded to attach.\n")
    doc = json.loads(cli("plan", "--format", "json").stdout)
    assert doc["summary"] == {"create": 3, "update": 0, "delete": 0, "attach": 1}


def test_a_manifest_value_the_environment_overrides_is_named_in_the_plan(cli, project):
    cli("apply", "--auto-approve")
    path = project / "assistants" / "support-bot.yaml"
    path.write_text(path.read_text().replace("name: support-bot\n", "name: support-bot\nmodel: gpt-4.1\n"))
    line = path.read_text().splitlines().index("model: gpt-4.1") + 1
    said = (f'assistants/support-bot.yaml:{line}: model: "gpt-4.1" is overridden by environment \'dev\' '
            '(asst-deploy.yaml:13: environments.dev.model: "gpt-4o-mini"); the environment\'s value is what is deployed')
    quiet = cli("plan", "--detailed-exitcode")  # dev deploys gpt-4o-mini whatever the manifest says: no change
    assert f"Note: {said}" in quiet.stdout
    assert said in json.loads(cli("plan", "--format", "json").stdout)["notes"]
    assert said.replace("_", "\\_") in cli("plan", "--format", "markdown").stdout
    assert "overridden" not in cli("destroy", code=1).stdout  # a destroy deploys nothing: nothing to explain
    prod = json.loads(cli("plan", "--format", "json", env="prod", code=None).stdout)["notes"]
    assert not [note for note in prod if "model" in note]  # prod sets no model: the manifest's is deployed
    assert [note for note in prod if "temperature: 0.3 is overridden by environment 'prod'" in note]


def test_a_renamed_retrieval_file_is_a_rename_in_every_format(cli, project):
    cli("apply", "--auto-approve")
    docs = project / "docs" / "billing"
    (docs / "refunds.md").rename(docs / "refund-policy.md")
    doc = json.loads(cli("plan", "--format", "json", "--detailed-exitcode", code=2).stdout)
    assert doc["summary"] == {"create": 0, "update": 0, "delete": 0, "rename": 1}
    by_path = {c["path"]: c for c in doc["changes"]}
    old, new = by_path["docs/billing/refunds.md"], by_path["docs/billing/refund-policy.md"]
    assert old["action"] == new["action"] == "rename"  # a policy check looking for deletes finds none
    assert old["after"]["renamed_to"] == new["path"] and new["after"]["renamed_from"] == old["path"]
    assert [c for c in doc["changes"] if c["action"] == "delete"] == []
    text = cli("plan").stdout
    assert "~ file.support-bot:docs/billing/refunds.md" in text and "will be renamed" in text
    assert '~ path: "docs/billing/refunds.md" -> "docs/billing/refund-policy.md"' in text
    markdown = cli("plan", "--format", "markdown").stdout
    assert "| To create | To update | To delete | Renamed in their store |\n|---:|---:|---:|---:|\n| 0 | 0 | 0 | 1 |" in markdown
    assert "🗑️ delete" not in markdown and markdown.count("| ↪ rename |") == 2
    cli("apply", "--auto-approve")
    cli("plan", "--detailed-exitcode")



def test_a_renamed_retrieval_file_leaves_no_retired_files(cli, project):
    """Regression: after the rename, retired_files named the file object still in use under its new
    path, across later applies, though that key exists only while an apply is unfinished."""
    cli("apply", "--auto-approve")
    docs = project / "docs" / "billing"
    (docs / "refunds.md").rename(docs / "refund-policy.md")
    cli("apply", "--auto-approve")
    entry = json.loads((project / "assistants.dev.lock.json").read_text())["assistants"]["support-bot"]
    assert "retired_files" not in entry, entry
    assert "docs/billing/refund-policy.md" in entry["files"] and "docs/billing/refunds.md" not in entry["files"]
