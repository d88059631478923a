"""One set of manifests, three APIs: assistants, agents, responses, and moving between them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openai
import pytest

import asst_deploy

from support.cli import Cli
from support.projects import REPO


@pytest.fixture
def hats(tmp_path: Path, asst_emulator) -> Cli:
    root = tmp_path / "six-hats"
    shutil.copytree(REPO / "examples/six-hats", root)
    return Cli(project=root, emulator=asst_emulator, env="dev")


def sdk(cli: Cli) -> openai.OpenAI:
    return openai.OpenAI(base_url=cli.emulator.base_url, api_key="sk-test")


def test_agents_apply_then_plan_is_empty_and_sends_no_update(hats: Cli):
    result = hats("apply", "--api", "agents", "--auto-approve", env=None)
    assert "6 created" in result.output
    hats.emulator.reset_counter()
    hats("plan", "--api", "agents", "--detailed-exitcode", env=None)
    assert not any(k.startswith("POST") for k in hats.emulator.counter())
    agent = sdk(hats).beta.agents.retrieve(asst_deploy.agent_id("blue-hat", path=hats.project))
    assert agent.metadata["asst-deploy"] == "six-hats/default/blue-hat"
    assert "蓝色思考帽" in (agent.instructions or "") or agent.instructions


def test_agents_update_is_partial_and_only_on_change(hats: Cli):
    hats("apply", "--api", "agents", "--auto-approve", env=None)
    manifest = hats.project / "assistants/red-hat.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("display_name:", "display_name: Red Hat #", 1), encoding="utf-8")
    doc = json.loads(hats("plan", "--api", "agents", "--format", "json", env=None).stdout)
    (change,) = doc["changes"]
    assert change["type"] == "agent" and change["action"] == "update"
    assert [f["field"] for f in change["fields"]] == ["display_name"]
    hats.emulator.reset_counter()
    hats("apply", "--api", "agents", "--auto-approve", env=None)
    assert hats.emulator.counter().get("POST /v1/agents/{id}") == 1
    hats("plan", "--api", "agents", "--detailed-exitcode", env=None)


def test_responses_kwargs_drive_the_real_sdk(hats: Cli, project: Path):
    # the support bot of the main example uses file_search with a vector store
    cli = Cli(project=project, emulator=hats.emulator, env="dev")
    cli("apply", "--api", "responses", "--auto-approve")
    kwargs = asst_deploy.responses_kwargs("support-bot", env="dev", path=project)
    store = asst_deploy.vector_store_id("support-bot", env="dev", path=project)
    file_search = next(t for t in kwargs["tools"] if t["type"] == "file_search")
    assert file_search["vector_store_ids"] == [store]
    response = sdk(cli).responses.create(**kwargs, input="How do refunds work?")
    assert response.output_text
    math = asst_deploy.responses_kwargs("math-tutor", env="dev", path=project)
    (interpreter,) = [t for t in math["tools"] if t["type"] == "code_interpreter"]
    assert interpreter["container"]["type"] == "auto" and len(interpreter["container"]["file_ids"]) == 1
    sdk(cli).responses.create(**math, input="What is the mean score?")
    cli("plan", "--api", "responses", "--detailed-exitcode")


def test_migrating_from_assistants_to_responses_reuses_files(project: Path, asst_emulator):
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve")
    before = json.loads((project / "assistants.dev.lock.json").read_text())
    doc = json.loads(cli("plan", "--api", "responses", "--format", "json").stdout)
    actions = sorted((c["type"], c["action"]) for c in doc["changes"])
    assert actions == [("assistant", "delete")] * 3 + [("responses", "create")] * 3
    asst_emulator.reset_counter()
    cli("apply", "--api", "responses", "--auto-approve")
    assert "POST /v1/files" not in asst_emulator.counter()
    after = json.loads((project / "assistants.dev.lock.json").read_text())
    assert after["assistants"]["support-bot"]["files"] == before["assistants"]["support-bot"]["files"]
    assert list(sdk(cli).beta.assistants.list()) == []
    cli("plan", "--api", "responses", "--detailed-exitcode")


def test_an_api_switch_deletes_a_removed_manifests_assistant(project: Path, asst_emulator):
    """Regression: with a manifest removed in the same change as api: assistants -> responses, its
    assistant stayed on the account, the plan showed no delete, destroy did not list it and the
    lockfile kept naming it: only names with a manifest had their old API's objects planned."""
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve")
    gone = json.loads((project / "assistants.dev.lock.json").read_text())["assistants"]["math-tutor"]["id"]
    (project / "assistants" / "math-tutor.yaml").unlink()
    doc = json.loads(cli("plan", "--api", "responses", "--format", "json").stdout)
    deletes = [(c["name"], c["id"]) for c in doc["changes"] if c["type"] == "assistant" and c["action"] == "delete"]
    assert ("math-tutor", gone) in deletes, doc["changes"]
    cli("apply", "--api", "responses", "--auto-approve")
    assert list(sdk(cli).beta.assistants.list()) == []
    assert "math-tutor" not in json.loads(cli("ids", "--format", "json").stdout)
    cli("plan", "--api", "responses", "--detailed-exitcode")


def test_destroy_under_another_api_deletes_what_the_lockfile_names(project: Path, asst_emulator):
    """destroy reaches every object of the project and environment, whichever api made it."""
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve")
    (project / "assistants" / "math-tutor.yaml").unlink()
    listed = cli("destroy", "--api", "responses", "--auto-approve").stdout
    assert "assistant.math-tutor" in listed and "assistant.support-bot" in listed, listed
    assert list(sdk(cli).beta.assistants.list()) == []
    assert json.loads(cli("ids", "--format", "json").stdout) == {}


def test_a_switch_back_from_responses_drops_a_removed_manifests_settings(project: Path, asst_emulator):
    """The other way: a removed manifest's Responses settings (lockfile only) are planned as a
    delete under api: assistants too, and leave the lockfile."""
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    cli("apply", "--api", "responses", "--auto-approve")
    (project / "assistants" / "math-tutor.yaml").unlink()
    doc = json.loads(cli("plan", "--format", "json").stdout)
    assert ("responses", "math-tutor", "delete") in {(c["type"], c["name"], c["action"]) for c in doc["changes"]}
    cli("apply", "--auto-approve")
    assert "math-tutor" not in json.loads(cli("ids", "--format", "json").stdout)
    cli("plan", "--detailed-exitcode")


def test_agents_refuse_what_they_cannot_express_at_validate_time(project: Path, asst_emulator):
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    result = cli("plan", "--api", "agents", code=1)
    assert "assistants/support-bot.yaml" in result.output and "api: responses" in result.output
    assert asst_emulator.total_requests() == 0


def test_sunset_server_gets_one_clear_line(project: Path):
    from asst_deploy.emulator import Emulator, EmulatorConfig

    with Emulator(EmulatorConfig(serve_assistants=False)) as emulator:
        cli = Cli(project=project, emulator=emulator, env="dev")
        result = cli("plan", code=1)
    assert "sunset it on 2026-08-26" in result.output and "api: agents" in result.output
    assert "Traceback" not in result.output


RESEARCHER = """\
name: researcher
model: gpt-5
instructions: Find sources and cite them.
reasoning_effort: high
verbosity: low
service_tier: flex
response_format:
  type: json_schema
  json_schema:  # agents take only the schema (no name, description or strict)
    schema: {type: object, properties: {text: {type: string}}, required: [text], additionalProperties: false}
tools:
  - type: web_search
    context_size: high
  - type: function
    function:
      name: lookup
      description: Look something up
      parameters: {type: object, properties: {q: {type: string}}, required: [q]}
"""


def test_agents_settings_round_trip_without_perpetual_diffs(tmp_path: Path, asst_emulator):
    (tmp_path / "assistants").mkdir()
    (tmp_path / "asst-deploy.yaml").write_text("project: research\napi: agents\n")
    manifest = tmp_path / "assistants/researcher.yaml"
    manifest.write_text(RESEARCHER)
    cli = Cli(project=tmp_path, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve", env=None)
    agent = sdk(cli).beta.agents.retrieve(asst_deploy.agent_id("researcher", path=tmp_path))
    assert agent.text.format.type == "json_schema" and agent.reasoning.effort == "high"
    assert agent.service_tier == "flex" and agent.text.verbosity == "low"
    cli("plan", "--detailed-exitcode", env=None)
    manifest.write_text(RESEARCHER.replace("verbosity: low", "verbosity: high").replace("context_size: high", "context_size: low"))
    doc = json.loads(cli("plan", "--format", "json", env=None, code=0).stdout)
    assert sorted(f["field"] for f in doc["changes"][0]["fields"]) == ["settings.verbosity", "tools[web_search].context_size"]
    cli("apply", "--auto-approve", env=None)
    cli("plan", "--detailed-exitcode", env=None)


def test_api_migration_interrupted_after_the_new_settings_still_deletes_the_old_assistant(
        project: Path, asst_emulator):
    """A crash after the Responses settings were recorded but before the old assistant's delete:
    the lockfile's entry now says api: responses, and only `replaced_api` remembers the assistant."""
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve")
    lockfile = project / "assistants.dev.lock.json"
    lock = json.loads(lockfile.read_text())
    entry = lock["assistants"]["order-assistant"]
    old_id = entry["id"]
    entry.update(api="responses", replaced_api="assistants", responses={"model": "gpt-4o-mini"}, spec={})
    lockfile.write_text(json.dumps(lock))
    doc = json.loads(cli("plan", "--api", "responses", "--format", "json").stdout)
    deletes = {(c["type"], c["id"]) for c in doc["changes"] if c["action"] == "delete"}
    assert ("assistant", old_id) in deletes
    cli("apply", "--api", "responses", "--auto-approve")
    assert old_id not in {a.id for a in sdk(cli).beta.assistants.list()}
    after = json.loads(lockfile.read_text())["assistants"]["order-assistant"]
    assert "replaced_api" not in after and after["api"] == "responses" and after["responses"]


def test_reasoning_models_get_no_sampling_settings(tmp_path: Path, asst_emulator):
    (tmp_path / "asst-deploy.yaml").write_text("project: thinkers\n")
    (tmp_path / "assistants").mkdir()
    manifest = tmp_path / "assistants/thinker.yaml"
    manifest.write_text("name: thinker\nmodel: o3\ninstructions: Think.\ntemperature: 0.5\n")
    cli = Cli(project=tmp_path, emulator=asst_emulator, env="dev")
    result = cli("validate", env=None, code=1)
    assert "assistants/thinker.yaml:4:14: temperature: o3 is a reasoning model: api: assistants refuses temperature" \
        in result.output
    manifest.write_text("name: thinker\nmodel: o3\ninstructions: Think.\n")
    cli("apply", "--auto-approve", env=None)  # the emulator refuses temperature for o-series, as the API does
    cli("plan", "--detailed-exitcode", env=None)
