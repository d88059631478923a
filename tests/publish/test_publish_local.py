"""``publish:`` to a local path: the document an apply, a destroy and ``asst-deploy publish`` write,
what the plan says about it, and a destination that refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support.cli import Cli
from support.projects import REPO, write_project
from support.publishing import with_publish

from asst_deploy.commands.schema import render_schema


def _document(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, json.loads((REPO / "schema/published.schema.json").read_text(encoding="utf-8")))
    return document


def test_apply_publishes_the_ids_and_destroy_empties_them(project: Path, cli: Cli) -> None:
    with_publish(project, "out/{project}-{environment}.json")
    target = project / "out/acme-support-prod.json"
    planned = cli("plan")
    assert "Apply publishes the ids to out/acme-support-prod.json." in planned.output
    assert json.loads(cli("plan", "--format", "json").stdout)["publish"] == ["out/acme-support-prod.json"]
    assert "Apply publishes the ids to out/acme-support-prod.json." in cli("plan", "--format", "markdown").output
    assert not target.exists()  # a plan publishes nothing

    applied = cli("apply", "--auto-approve")
    assert "Published the ids to out/acme-support-prod.json" in applied.output
    document = _document(target)
    lock = json.loads((project / "assistants.prod.lock.json").read_text())["assistants"]
    assert (document["project"], document["environment"], document["version"]) == ("acme-support", "prod", 1)
    bot = document["assistants"]["support-bot"]
    assert (bot["api"], bot["id"], bot["vector_store_id"]) == ("assistants", lock["support-bot"]["id"],
                                                              lock["support-bot"]["vector_store_id"])
    assert bot["digest"] == lock["support-bot"]["applied"]
    assert bot["responses"]["tools"][0]["vector_store_ids"] == [lock["support-bot"]["vector_store_id"]]
    tutor = document["assistants"]["math-tutor"]
    assert tutor["code_interpreter_file_ids"] == [f["id"] for f in lock["math-tutor"]["code_interpreter_files"].values()]

    again = cli("apply", "--auto-approve")  # nothing changed: nothing owed, nothing written
    assert "Published" not in again.output and "publishes" not in cli("plan").output
    assert _document(target)["published_at"] == document["published_at"]

    destroyed = cli("destroy", "--auto-approve")
    assert "Published the ids to out/acme-support-prod.json" in destroyed.output
    assert _document(target)["assistants"] == {}


def test_a_refusing_destination_fails_the_apply_and_is_retried(project: Path, cli: Cli) -> None:
    with_publish(project, "out/ids.json", "blocked/{environment}.json")
    (project / "blocked").write_text("a file where the folder should be")
    failed = cli("apply", "--auto-approve", code=1)
    assert "Apply complete!" in failed.output
    assert "blocked/prod.json: cannot be written" in failed.output
    assert "(published to out/ids.json)" in failed.output
    assert "`asst-deploy publish --env prod` (or the next apply)" in failed.output
    lock = json.loads((project / "assistants.prod.lock.json").read_text())["assistants"]
    assert sorted(lock) == ["math-tutor", "order-assistant", "support-bot"]  # the lockfile is true
    assert cli("plan", "--detailed-exitcode").stdout.rstrip().endswith("Apply publishes the ids to blocked/prod.json.")

    (project / "blocked").unlink()
    retried = cli("apply", "--auto-approve")  # nothing to change on the account; the owed publish only
    assert "Published the ids to blocked/prod.json\n" in retried.output
    assert _document(project / "blocked/prod.json")["assistants"]["support-bot"]["id"] == lock["support-bot"]["id"]


def test_publish_command_writes_again_a_document_deleted_by_hand(project: Path, cli: Cli) -> None:
    with_publish(project, "out/{environment}.json")
    cli("apply", "--auto-approve")
    (project / "out/prod.json").unlink()
    done = cli("publish")
    assert "Published the ids of 3 assistant(s) to out/prod.json" in done.output
    assert len(_document(project / "out/prod.json")["assistants"]) == 3


@pytest.mark.parametrize("api", ["assistants", "agents"])
def test_publish_refuses_manifest_settings_that_were_not_applied(tmp_path: Path, asst_emulator: Any, api: str) -> None:
    """The document's request settings come from the manifests (the account holds them, the
    lockfile only their digest): after an edit not applied, publishing would claim what is not so."""
    root = write_project(tmp_path / "p", {
        "asst-deploy.yaml": f"project: acme-support\napi: {api}\npublish:\n  - out/ids.json\n",
        "assistants/bot.yaml": "name: bot\nmodel: gpt-4o\ninstructions: Answer billing questions.\n",
        "assistants/helper.yaml": "name: helper\nmodel: gpt-4o\ninstructions: Help.\n",
    })
    cli = Cli(project=root, emulator=asst_emulator)
    cli("apply", "--auto-approve")
    target = root / "out/ids.json"
    target.unlink()
    manifest = root / "assistants/bot.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("billing", "refund"), encoding="utf-8")

    refused = cli("publish", code=1)
    assert "the manifests of bot changed (or are gone) since their last apply" in refused.output
    assert "run `asst-deploy apply` first" in refused.output
    assert not target.exists()  # refused before writing anywhere

    assert "Published the ids to out/ids.json" in cli("apply", "--auto-approve").output
    assert _document(target)["assistants"]["bot"]["responses"]["instructions"] == "Answer refund questions."
    assert "Published the ids of 2 assistant(s)" in cli("publish").output

    # an apply limited by --target leaves bot's next edit unapplied: its plan says it will not
    # publish, and the apply refuses to, as publish does
    for name, words in (("bot", "refund"), ("helper", "Help")):
        manifest = root / f"assistants/{name}.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(words, words + " kindly"), encoding="utf-8")
    planned = cli("plan", "--target", "helper")
    assert "Apply publishes" not in planned.output
    assert "Apply does not publish the ids: bot changed since the last apply and is outside --target" in planned.output
    assert not json.loads(cli("plan", "--target", "helper", "--format", "json").stdout).get("publish")
    held = cli("apply", "--target", "helper", "--auto-approve", code=1)
    assert "the manifests of bot changed (or are gone) since their last apply" in held.output
    assert _document(target)["assistants"]["helper"]["responses"]["instructions"] == "Help."  # not rewritten
    assert "Published the ids to out/ids.json" in cli("apply", "--auto-approve").output
    assert _document(target)["assistants"]["bot"]["responses"]["instructions"] == "Answer refund kindly questions."


def test_publish_without_destinations_says_how_to_add_one(project: Path, cli: Cli) -> None:
    failed = cli("publish", code=1)
    assert "names no destination to publish to" in failed.output and "publish: [s3://" in failed.output


def test_bad_destinations_are_named_at_their_line(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {
        "asst-deploy.yaml": "project: p\npublish:\n  - ftp://host/ids.json\n  - ids/{team}.json\n  - s3://only-bucket\n",
        "assistants/a.yaml": "name: a\nmodel: gpt-4o\n"})
    out = Cli(project=root)("validate", code=1).output
    assert "asst-deploy.yaml:3:5: publish[0]: ftp:// is not a destination: use s3://BUCKET/KEY or a file path" in out
    assert "asst-deploy.yaml:4:5: publish[1]: unknown placeholder {team}: use {project} or {environment}" in out
    assert "asst-deploy.yaml:5:5: publish[2]: s3://only-bucket: no object key after the bucket" in out


def test_committed_schema_of_the_document_matches_the_command() -> None:
    assert (REPO / "schema/published.schema.json").read_text(encoding="utf-8") == render_schema(published=True)


def test_a_published_path_serves_every_lookup_and_the_agents_sdk(project: Path, cli: Cli, tmp_path: Path,
                                                                  monkeypatch) -> None:
    import agents as sdk

    import asst_deploy

    with_publish(project, "out/{environment}.json")
    cli("apply", "--auto-approve")
    lock = json.loads((project / "assistants.prod.lock.json").read_text())["assistants"]
    elsewhere = tmp_path / "service"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no project, no lockfile here
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ASST_DEPLOY_SOURCE", str(project / "out/prod.json"))
    assert asst_deploy.vector_store_id("support-bot") == lock["support-bot"]["vector_store_id"]
    assert asst_deploy.assistant_id("order-assistant", env="prod") == lock["order-assistant"]["id"]
    bot = asst_deploy.agents.agent("support-bot")
    search = next(t for t in bot.tools if isinstance(t, sdk.FileSearchTool))
    assert search.vector_store_ids == [lock["support-bot"]["vector_store_id"]]
    with pytest.raises(LookupError, match="holds the ids of environment 'prod', not 'dev'"):
        asst_deploy.assistant_id("support-bot", env="dev")
    with pytest.raises(LookupError, match="was deployed with api: assistants"):
        asst_deploy.responses_kwargs("support-bot")
