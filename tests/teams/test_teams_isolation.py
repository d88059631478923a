"""Many projects and environments on one account: the ownership marker keeps them apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asst_deploy
from support.projects import copy_example, write_project
from teams_support import assistants


def _team(root: Path, project: str, temperature: float) -> Path:
    """A project whose manifests have the same names as every other team's."""
    return write_project(root, {
        "asst-deploy.yaml": f"project: {project}\n",
        "assistants/support-bot.yaml": f"""
            name: support-bot
            display_name: Support Bot
            model: gpt-4o
            instructions: You answer for {project}.
            temperature: {temperature}
            tools: [{{type: file_search}}]
            files: [docs/*.md]
        """,
        "assistants/helper.yaml": f"""
            name: helper
            model: gpt-4o-mini
            description: {project}'s helper
        """,
        "docs/faq.md": f"# {project} FAQ\n",
    })


def _snapshot(api: Any) -> dict[str, tuple]:
    """Every assistant's id -> the fields a write would change."""
    return {
        id_: (a.name, a.model, a.instructions, a.temperature, json.dumps(a.metadata, sort_keys=True),
              json.dumps(a.tool_resources.model_dump() if a.tool_resources else {}, sort_keys=True))
        for id_, a in assistants(api).items()
    }


def _stores(api: Any) -> dict[str, Any]:
    return {s.id: (s.metadata, s.file_counts.total) for s in api.vector_stores.list(limit=100)}


def _lock(project: Path, name: str = "assistants.lock.json") -> dict[str, Any]:
    return json.loads((project / name).read_text())


def test_two_projects_with_the_same_names_never_touch_each_other(tmp_path: Path, cli, api) -> None:
    foreign = api.beta.assistants.create(model="gpt-4o", name="Support Bot", instructions="made by hand",
                                         metadata={"team": "someone-else"})
    foreign_store = api.vector_stores.create(name="support-bot")
    a = _team(tmp_path / "a", "team-a", 0.2)
    b = _team(tmp_path / "b", "team-b", 0.4)

    # create: A first, then B, with the same manifest names
    cli(a, "apply", "--auto-approve")
    after_a = _snapshot(api)
    stores_a = _stores(api)
    created = cli(b, "plan", "--format", "json").stdout
    assert json.loads(created)["summary"] == {"create": 4, "update": 0, "delete": 0}  # 2 assistants, store, file
    cli(b, "apply", "--auto-approve")
    after_b = _snapshot(api)
    assert {k: after_b[k] for k in after_a} == after_a, "B's apply changed an object it does not own"
    assert {k: v for k, v in _stores(api).items() if k in stores_a} == stores_a
    ids_a, ids_b = _lock(a)["assistants"], _lock(b)["assistants"]
    assert set(ids_a) == set(ids_b) == {"helper", "support-bot"}
    assert {e["id"] for e in ids_a.values()}.isdisjoint(e["id"] for e in ids_b.values())
    assert ids_a["support-bot"]["vector_store_id"] != ids_b["support-bot"]["vector_store_id"]
    for project in (a, b):
        assert cli(project, "plan", "--detailed-exitcode").exit_code == 0

    # update: A changes its manifest; only A's object changes
    (a / "assistants/helper.yaml").write_text("name: helper\nmodel: gpt-4o\ndescription: changed\n")
    before = _snapshot(api)
    cli(a, "apply", "--auto-approve")
    after = _snapshot(api)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {ids_a["helper"]["id"]}
    assert after[ids_a["helper"]["id"]][1] == "gpt-4o"
    assert cli(b, "plan", "--detailed-exitcode").exit_code == 0

    # destroy: B's objects go, A's and the foreign ones stay exactly as they were
    before = _snapshot(api)
    stores_before = _stores(api)
    cli(b, "destroy", "--auto-approve")
    after = _snapshot(api)
    gone = set(before) - set(after)
    assert gone == {e["id"] for e in ids_b.values()}
    assert {k: before[k] for k in after} == after
    assert set(stores_before) - set(_stores(api)) == {ids_b["support-bot"]["vector_store_id"]}
    assert after[foreign.id] == before[foreign.id]
    assert foreign_store.id in _stores(api)
    assert cli(a, "plan", "--detailed-exitcode").exit_code == 0
    files = {f.filename for f in api.files.list(purpose="assistants")}
    assert any("team-a" in f for f in files) and not any("team-b" in f for f in files)




def test_dev_and_prod_on_one_account_are_isolated(tmp_path: Path, cli, api) -> None:
    project = copy_example(tmp_path / "example")
    cli(project, "apply", "--auto-approve", env="dev")
    cli(project, "apply", "--auto-approve", env="prod")
    dev = _lock(project, "assistants.dev.lock.json")
    prod = _lock(project, "assistants.prod.lock.json")
    assert not (project / "assistants.lock.json").exists()
    assert (dev["environment"], prod["environment"]) == ("dev", "prod")
    assert {e["id"] for e in dev["assistants"].values()}.isdisjoint(e["id"] for e in prod["assistants"].values())

    # display_name and the environment's name_prefix are what the account shows; overrides per environment
    on_account = assistants(api)
    dev_bot = on_account[dev["assistants"]["support-bot"]["id"]]
    prod_bot = on_account[prod["assistants"]["support-bot"]["id"]]
    assert dev_bot.name == "[dev] Support Bot" and prod_bot.name == "Support Bot"
    assert (dev_bot.model, prod_bot.model) == ("gpt-4o-mini", "gpt-4o")
    assert prod_bot.temperature == 0.1 and prod_bot.metadata["stage"] == "prod"
    assert dev_bot.metadata["asst-deploy"] == "acme-support/dev/support-bot"
    assert prod_bot.metadata["asst-deploy"] == "acme-support/prod/support-bot"

    # destroying dev leaves prod exactly as it was
    before = _snapshot(api)
    cli(project, "destroy", "--auto-approve", env="dev")
    after = _snapshot(api)
    assert set(before) - set(after) == {e["id"] for e in dev["assistants"].values()}
    assert {k: before[k] for k in after} == after
    assert cli(project, "plan", "--detailed-exitcode", env="prod").exit_code == 0
    assert _lock(project, "assistants.prod.lock.json") == prod


def test_unknown_environment_lists_the_known_ones(tmp_path: Path, cli) -> None:
    project = copy_example(tmp_path / "example")
    for command in (("plan",), ("validate",), ("ids",)):
        result = cli(project, *command, env="staging", code=1, backend=command[0] == "plan")
        assert "unknown environment 'staging'" in result.stderr
        assert "dev, prod" in result.stderr


def test_ids_env_format_and_runtime_lookup_from_another_repo(tmp_path: Path, cli, monkeypatch) -> None:
    project = copy_example(tmp_path / "example")
    cli(project, "apply", "--auto-approve", env="prod")
    lock = _lock(project, "assistants.prod.lock.json")["assistants"]
    lines = cli(project, "ids", "--format", "env", env="prod", backend=False).stdout.splitlines()
    assert lines == sorted(lines)
    values = dict(line.split("=", 1) for line in lines)
    assert values["ASST_DEPLOY_SUPPORT_BOT"] == lock["support-bot"]["id"]
    assert values["ASST_DEPLOY_SUPPORT_BOT_VECTOR_STORE"] == lock["support-bot"]["vector_store_id"]
    assert values["ASST_DEPLOY_ORDER_ASSISTANT"] == lock["order-assistant"]["id"]
    as_json = json.loads(cli(project, "ids", "--format", "json", env="prod", backend=False).stdout)
    assert {name: item["id"] for name, item in as_json.items()} == {name: entry["id"] for name, entry in lock.items()}

    # another team's Python code, in another folder, reads this project's committed lockfile
    elsewhere = tmp_path / "other-repo"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("ASST_DEPLOY_ENV", raising=False)
    monkeypatch.delenv("ASST_DEPLOY_LOCKFILE", raising=False)
    path = project / "assistants.prod.lock.json"
    assert asst_deploy.assistant_id("support-bot", path=path) == lock["support-bot"]["id"]
    assert asst_deploy.vector_store_id("support-bot", path=str(path)) == lock["support-bot"]["vector_store_id"]
    assert asst_deploy.assistant_id("math-tutor", env="prod", path=project) == lock["math-tutor"]["id"]
    try:
        asst_deploy.assistant_id("nope", path=path)
    except KeyError as exc:
        assert "support-bot" in str(exc)
    else:
        raise AssertionError("an unknown name must raise KeyError")
