"""plan and apply as users run them: the example project on the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import openai
from support.cli import Cli

import asst_deploy
from asst_deploy.ownership import MARKER_KEY


def client_for(cli) -> openai.OpenAI:
    return openai.OpenAI(base_url=cli.emulator.base_url, api_key="sk-test")


def test_apply_then_plan_is_empty_and_runtime_finds_the_ids(cli, project: Path):
    result = cli("apply", "--auto-approve")
    assert "Apply complete! Resources: 8 created, 0 updated, 0 deleted." in result.output
    lock = json.loads((project / "assistants.dev.lock.json").read_text())
    assert set(lock["assistants"]) == {"math-tutor", "order-assistant", "support-bot"}
    assert cli("plan", "--detailed-exitcode").stdout.endswith("No changes. Your assistants match the manifests.\n")
    support = asst_deploy.assistant_id("support-bot", env="dev", path=project)
    assert support == lock["assistants"]["support-bot"]["id"]
    remote = client_for(cli).beta.assistants.retrieve(support)
    assert remote.name == "[dev] Support Bot"
    assert remote.metadata[MARKER_KEY] == "acme-support/dev/support-bot"
    assert remote.tool_resources.file_search.vector_store_ids == [lock["assistants"]["support-bot"]["vector_store_id"]]


def test_plan_changes_nothing_and_reports_exit_2(cli, project: Path):
    before = cli.emulator.counter()
    result = cli("plan", "--detailed-exitcode", code=2)
    assert "Plan: 8 to create, 0 to update, 0 to delete." in result.output
    writes = {k: v for k, v in cli.emulator.counter().items() if not k.startswith("GET") and k not in before}
    assert writes == {}
    assert not (project / "assistants.dev.lock.json").exists()


def test_json_plan_follows_the_contract(cli):
    doc = json.loads(cli("plan", "--format", "json").stdout)
    assert doc["format_version"] == 1
    assert doc["summary"] == {"create": 8, "update": 0, "delete": 0}
    kinds = {(c["type"], c["action"]) for c in doc["changes"]}
    assert kinds == {("assistant", "create"), ("vector_store", "create"), ("file", "create")}
    assert all({"type", "name", "action"} <= set(c) for c in doc["changes"])


def test_apply_without_terminal_or_auto_approve_refuses(cli, project: Path):
    result = cli("apply", code=1)
    assert "--auto-approve" in result.output
    assert not (project / "assistants.dev.lock.json").exists()
    assert cli.emulator.counter().get("POST /v1/assistants", 0) == 0


def test_drift_made_in_the_playground_is_planned_back(cli):
    cli("apply", "--auto-approve")
    bot = asst_deploy.assistant_id("math-tutor", env="dev", path=cli.project)
    client_for(cli).beta.assistants.update(bot, model="gpt-4o")
    result = cli("plan", "--format", "json", "--detailed-exitcode", code=2)
    (change,) = json.loads(result.stdout)["changes"]
    assert change["action"] == "update" and change["name"] == "math-tutor"
    assert change["fields"] == [{"field": "model", "before": "gpt-4o", "after": "gpt-4o-mini"}]
    cli("apply", "--auto-approve")
    assert client_for(cli).beta.assistants.retrieve(bot).model == "gpt-4o-mini"
    cli("plan", "--detailed-exitcode")


def test_changed_file_is_the_only_upload(cli, project: Path):
    cli("apply", "--auto-approve")
    cli.emulator.reset_counter()
    (project / "docs/billing/refunds.md").write_text("Refunds take 3 days now.\n", encoding="utf-8")
    result = cli("apply", "--auto-approve")
    assert "file.support-bot:docs/billing/refunds.md" in result.output
    counts = cli.emulator.counter()
    assert counts.get("POST /v1/files") == 1
    assert counts.get("DELETE /v1/files/{id}") == 1  # the old content is no longer used
    cli("plan", "--detailed-exitcode")


def test_lost_lockfile_is_rebuilt_from_markers_without_duplicates(cli, project: Path):
    cli("apply", "--auto-approve")
    lockfile = project / "assistants.dev.lock.json"
    original = json.loads(lockfile.read_text())
    lockfile.unlink()
    cli.emulator.reset_counter()
    result = cli("apply", "--auto-approve")
    assert "No changes" in result.output
    assert not any(k.startswith("POST") or k.startswith("DELETE") for k in cli.emulator.counter())
    rebuilt = json.loads(lockfile.read_text())
    for name, entry in original["assistants"].items():  # the same objects, found by their markers
        assert rebuilt["assistants"][name]["id"] == entry["id"]
        assert rebuilt["assistants"][name].get("vector_store_id") == entry.get("vector_store_id")
        assert rebuilt["assistants"][name].get("files") == entry.get("files")
    cli("plan", "--detailed-exitcode")


def test_saved_plan_is_applied_exactly_and_a_stale_one_refused(cli, project: Path, tmp_path: Path):
    planfile = tmp_path / "plan.json"
    cli("plan", "--out", str(planfile))
    cli("apply", str(planfile))
    cli("plan", "--detailed-exitcode")
    (project / "assistants/math-tutor.yaml").write_text(
        (project / "assistants/math-tutor.yaml").read_text().replace("temperature: 0.2", "temperature: 0.3"))
    cli("plan", "--out", str(planfile), code=0)
    bot = asst_deploy.assistant_id("order-assistant", env="dev", path=project)
    client_for(cli).beta.assistants.update(bot, name="renamed by hand")
    result = cli("apply", str(planfile), code=1)
    assert "saved plan is stale" in result.output


def test_removed_manifest_is_deleted_and_foreign_objects_untouched(cli, project: Path):
    client = client_for(cli)
    foreign = client.beta.assistants.create(model="gpt-4o", name="hand-made")
    other = client.beta.assistants.create(model="gpt-4o", name="x", metadata={MARKER_KEY: "other/dev/support-bot"})
    prod = client.beta.assistants.create(model="gpt-4o", name="x", metadata={MARKER_KEY: "acme-support/prod/math-tutor"})
    cli("apply", "--auto-approve")
    (project / "assistants/support-bot.yaml").unlink()
    result = cli("apply", "--auto-approve")
    assert "0 created, 0 updated, 5 deleted" in result.output  # assistant, store, 3 files
    cli("destroy", "--auto-approve")
    remaining = {a.id for a in client.beta.assistants.list()}
    assert remaining == {foreign.id, other.id, prod.id}
    lock = json.loads((project / "assistants.dev.lock.json").read_text())
    assert lock["assistants"] == {}


def test_twin_from_a_retried_create_is_deleted(cli, project: Path):
    cli("apply", "--auto-approve")
    client = client_for(cli)
    twin = client.beta.assistants.create(model="gpt-4o-mini", name="[dev] Order Assistant",
                                         metadata={MARKER_KEY: "acme-support/dev/order-assistant"})
    doc = json.loads(cli("plan", "--format", "json").stdout)
    (change,) = doc["changes"]
    assert (change["action"], change["id"]) == ("delete", twin.id)
    assert "keeping" in change["reason"]
    cli("apply", "--auto-approve")
    cli("plan", "--detailed-exitcode")


def test_no_op_plan_of_300_assistants_makes_few_requests(cli, project: Path):
    folder = project / "assistants"
    for i in range(297):
        (folder / f"bot-{i:03}.yaml").write_text(f"name: bot-{i:03}\nmodel: gpt-4o\ninstructions: Bot {i}.\n")
    cli("apply", "--auto-approve", "--parallelism", "16")
    cli.emulator.reset_counter()
    cli("plan", "--detailed-exitcode")
    assert cli.emulator.total_requests() <= 7, cli.emulator.counter()


def _store_lists(cli) -> int:
    return sum(n for key, n in cli.emulator.counter().items()
               if key.startswith("GET /v1/vector_stores/") and key.endswith("/files"))


def test_no_op_plan_lists_no_store_where_usage_bytes_is_the_processed_size(cli, project: Path):
    """api.openai.com reports a store's usage_bytes as its processed size (so does the emulator by
    default), never the files' own: the lockfile remembers the store's own answer, and a no-op plan
    lists no store's files. A lockfile written before that lists each store once, then remembers."""
    cli("apply", "--auto-approve")
    cli.emulator.reset_counter()
    cli("plan", "--detailed-exitcode")
    assert _store_lists(cli) == 0, cli.emulator.counter()
    lockfile = project / "assistants.dev.lock.json"
    lock = json.loads(lockfile.read_text())
    stores = {name: e for name, e in lock["assistants"].items() if e.get("vector_store_id")}
    assert stores, lock
    client = client_for(cli)
    for entry in stores.values():
        raw = sum(client.files.retrieve(i).bytes for i in {item["id"] for item in entry["files"].values()})
        usage = entry["vector_store_usage"]
        assert usage["vector_store_id"] == entry["vector_store_id"] and usage["usage_bytes"] > raw, (usage, raw)
    for entry in lock["assistants"].values():  # as written before the usage was recorded
        entry.pop("vector_store_usage", None)
    lockfile.write_text(json.dumps(lock))
    cli.emulator.reset_counter()
    cli("plan", "--detailed-exitcode")
    assert _store_lists(cli) == len(stores), cli.emulator.counter()
    result = cli("apply", "--auto-approve")  # nothing to change: it remembers what it saw
    assert "Recorded" not in result.stdout and "No changes" in result.stdout, result.stdout
    cli.emulator.reset_counter()
    cli("plan", "--detailed-exitcode")
    assert _store_lists(cli) == 0, cli.emulator.counter()


def test_markdown_plan_too_long_for_a_pr_comment_says_so(cli, project: Path):
    folder = project / "assistants"
    for i in range(120):
        (folder / f"long-{i:03}.yaml").write_text(
            f"name: long-{i:03}\nmodel: gpt-4o\ninstructions: |\n" + "".join(f"  Rule {j} of bot {i}.\n" for j in range(40)))
    result = cli("plan", "--format", "markdown")
    assert len(result.stdout) > 65_536
    assert "GitHub comments take at most 65,536" in result.stderr
    small = cli("plan", "--format", "markdown", "--target", "math-tutor")
    assert "GitHub comments" not in small.stderr


def _apply_on_a_terminal(project: Path, answer: str, keys: bytes = b"\n") -> tuple[int, str]:
    """Run apply with a pseudo-terminal as stdin, as a person at a shell would, and answer
    (then press ``keys``: Enter, or Ctrl-D)."""
    import os
    import pty
    import subprocess

    from support.waiting import wait_until

    leader, follower = pty.openpty()
    proc = Cli(project=project, env="dev", backend="local").spawn("apply", stdin=follower, stderr=subprocess.STDOUT)
    os.close(follower)
    assert proc.stdout is not None
    asked: list[bytes] = []

    def prompt_shown() -> bool:  # read what the person sees until the question is on screen
        asked.append(os.read(proc.stdout.fileno(), 65536))  # type: ignore[union-attr]
        return b"Only 'yes' will be accepted: " in b"".join(asked) or not asked[-1]

    assert wait_until(prompt_shown, timeout=60, process=proc, every=0), b"".join(asked)
    os.write(leader, answer.encode() + keys)
    out, _ = proc.communicate(timeout=60)
    os.close(leader)
    return proc.returncode, b"".join(asked).decode() + out


def test_apply_on_a_terminal_asks_and_only_yes_proceeds(project: Path):
    code, out = _apply_on_a_terminal(project, "y")
    assert code == 1 and "Only 'yes' will be accepted" in out and "Apply cancelled; nothing was changed." in out
    assert not (project / "assistants.dev.lock.json").exists()
    code, out = _apply_on_a_terminal(project, "yes")
    assert code == 0 and "Apply complete! Resources: 8 created" in out


def test_ctrl_d_at_the_confirmation_is_a_cancel(project: Path):
    code, out = _apply_on_a_terminal(project, "", keys=b"\x04")
    assert code == 1 and "Apply cancelled; nothing was changed." in out, out
    assert "unexpected" not in out and "EOFError" not in out
    assert not (project / "assistants.dev.lock.json").exists()


def test_show_puts_lockfile_and_account_side_by_side(cli, project: Path):
    cli("apply", "--auto-approve")
    bot = asst_deploy.assistant_id("support-bot", env="dev", path=project)
    lock = json.loads((project / "assistants.dev.lock.json").read_text())["assistants"]["support-bot"]
    out = cli("show", "support-bot").stdout
    assert f"lockfile: {bot}   account: {bot}\n" in out
    assert f"lockfile: {lock['vector_store_id']}   account: {lock['vector_store_id']}\n" in out
    assert "retrieval files          lockfile: 3   account: 3\n" in out
    client_for(cli).beta.assistants.delete(bot)
    assert "account: -   <- differs" in cli("show", "support-bot").stdout
    assert "no assistant named 'nobody'" in cli("show", "nobody", code=1).output


def test_a_lockfile_id_that_names_nothing_is_a_change_apply_repairs(cli, project: Path):
    """Regression: a hand-edited (or badly merged) id gave plan --detailed-exitcode exit 0 with a
    note, and the runtime lookup returned the bogus id. The lockfile disagreeing with the account is
    a change to make: exit 2, the plan says what apply rewrites, and apply rewrites it."""
    cli("apply", "--auto-approve")
    lock = project / "assistants.dev.lock.json"
    doc = json.loads(lock.read_text())
    real = doc["assistants"]["math-tutor"]["id"]
    doc["assistants"]["math-tutor"]["id"] = "asst_bogus"
    lock.write_text(json.dumps(doc))
    shown = cli("plan", "--detailed-exitcode", code=2).stdout
    assert f"math-tutor id asst_bogus -> {real}" in shown, shown
    assert "No changes on the account. apply rewrites the lockfile entries the note names." in shown
    assert json.loads(cli("plan", "--format", "json").stdout)["lockfile_out_of_step"] == ["math-tutor"]
    cli("apply", "--auto-approve")
    assert asst_deploy.assistant_id("math-tutor", path=project, env="dev") == real
    cli("plan", "--detailed-exitcode")
