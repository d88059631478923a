"""``renamed_from``: renaming a manifest keeps its deployed objects and ids (Terraform's ``moved``)."""

from __future__ import annotations

import json

import pytest

import asst_deploy


def _rename(project, old: str, new: str, renamed_from: str | None) -> None:
    path = project / "assistants" / f"{old}.yaml"
    text = path.read_text().replace(f"name: {old}\n", f"name: {new}\n" + (
        f"renamed_from: {renamed_from}\n" if renamed_from else ""))
    path.unlink()
    (project / "assistants" / f"{new}.yaml").write_text(text)


def _lock(project) -> dict:
    return json.loads((project / "assistants.dev.lock.json").read_text())["assistants"]


@pytest.mark.parametrize("api", ["assistants", "agents", "responses"])
def test_a_rename_with_renamed_from_is_a_move_that_keeps_the_ids(cli, project, api):
    manifest = "support-bot"
    if api == "agents":  # the example's manifests use what agents lack: one agent of its own
        for path in (project / "assistants").glob("*.yaml"):
            path.unlink()
        (project / "assistants" / "support-bot.yaml").write_text(
            "name: support-bot\nmodel: gpt-4o\ninstructions: Answer billing questions.\n")
    cli("apply", "--auto-approve", "--api", api)
    before = _lock(project)[manifest]
    _rename(project, manifest, "help-desk", manifest)

    plan = json.loads(cli("plan", "--format", "json", "--api", api, "--detailed-exitcode", code=2).stdout)
    (change,) = plan["changes"]
    assert change["action"] == "update" and change["name"] == "help-desk"
    assert change["fields"][0] == {"field": "name", "before": manifest, "after": "help-desk"}
    assert change["reason"].startswith(f"renamed from '{manifest}' (renamed_from)")
    assert plan["summary"]["create"] == plan["summary"]["delete"] == 0
    text = cli("plan", "--api", api).stdout
    assert f'~ name: "{manifest}" -> "help-desk"' in text
    assert "will be deleted" not in text and "will be created" not in text
    markdown = cli("plan", "--format", "markdown", "--api", api).stdout
    assert f"`{api[:-1] if api != 'responses' else 'responses'}.help-desk`" in markdown
    assert f"renamed from '{manifest}' (renamed\\_from)" in markdown  # markdown escapes the underscore
    assert f'- name: "{manifest}"\n+ name: "help-desk"\n' in markdown
    assert "🗑️ delete" not in markdown and "➕ create" not in markdown

    cli("apply", "--auto-approve", "--api", api)
    after = _lock(project)
    assert manifest not in after
    moved = after["help-desk"]
    for key in ("id", "vector_store_id", "files", "responses"):
        assert moved.get(key) == before.get(key) or key == "responses", key
    if api == "assistants":
        assert asst_deploy.assistant_id("help-desk", env="dev", path=project) == before["id"]
    cli("plan", "--api", api, "--detailed-exitcode")  # settled: exit 0


def test_a_rename_without_renamed_from_is_plainly_a_delete_and_a_create(cli, project):
    cli("apply", "--auto-approve")
    _rename(project, "math-tutor", "tutor", None)
    summary = json.loads(cli("plan", "--format", "json", "--detailed-exitcode", code=2).stdout)["summary"]
    assert summary["create"] >= 1 and summary["delete"] >= 1


def test_renamed_from_an_existing_manifest_is_refused(cli, project):
    path = project / "assistants" / "math-tutor.yaml"
    path.write_text(path.read_text().replace("name: math-tutor\n", "name: math-tutor\nrenamed_from: support-bot\n"))
    out = cli("validate", code=1).stderr  # errors on stderr, as every command says them
    assert "assistants/math-tutor.yaml:" in out and "renamed_from: 'support-bot' is the name of a manifest" in out


@pytest.mark.parametrize("api", ["assistants", "responses"])
def test_renamed_from_with_a_typo_while_the_plan_deletes_the_real_name_is_refused(cli, project, asst_emulator, api):
    cli("apply", "--auto-approve", "--api", api)
    asst_emulator.reset_counter()
    _rename(project, "math-tutor", "math-tutor2", "math-tuter")  # meant math-tutor
    for command in (("plan",), ("apply", "--auto-approve")):
        refused = cli(*command, "--api", api, code=1)
        assert ("assistants/math-tutor2.yaml:4:15: renamed_from: 'math-tuter' names no assistant; "
                "did you mean 'math-tutor' (which this plan deletes)?") in refused.stderr
    assert "math-tutor" in _lock(project) and "math-tutor2" not in _lock(project)
    assert not [key for key in asst_emulator.counter() if key.startswith(("POST", "DELETE"))]  # nothing written
    before = _lock(project)["math-tutor"]
    path = project / "assistants" / "math-tutor2.yaml"  # the typo fixed: a move, the ids kept
    path.write_text(path.read_text().replace("renamed_from: math-tuter\n", "renamed_from: math-tutor\n"))
    cli("apply", "--auto-approve", "--api", api)
    after = _lock(project)
    assert "math-tutor" not in after and after["math-tutor2"].get("vector_store_id") == before.get("vector_store_id")
    assert after["math-tutor2"].get("id") == before.get("id")


def test_renamed_from_left_after_the_move_is_not_questioned(cli, project):
    cli("apply", "--auto-approve")
    _rename(project, "math-tutor", "tutor", "math-tutor")
    cli("apply", "--auto-approve")
    (project / "assistants" / "support-bot.yaml").unlink()  # an unrelated delete, later
    (project / "assistants" / "tutor.yaml").write_text(
        (project / "assistants" / "tutor.yaml").read_text().replace("renamed_from: math-tutor\n",
                                                                     "renamed_from: [math-tutor, support-bat]\n"))
    cli("plan", "--detailed-exitcode", code=2)
