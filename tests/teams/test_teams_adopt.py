"""``import`` adopts a hand-made assistant without recreating it; ``export`` writes manifests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.projects import copy_example, write_project
from teams_support import assistants


def _project(root: Path, name: str = "team-a", extra: dict[str, str] | None = None) -> Path:
    return write_project(root, {"asst-deploy.yaml": f"project: {name}\n", "assistants/.keep": "", **(extra or {})})


def _files(root: Path) -> dict[str, str]:
    """Every file of a project (but the emulator's state), for "nothing was written" checks."""
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file() and ".asst-deploy" not in p.parts}


def _hand_made(api: Any) -> Any:
    """An assistant clicked together in a playground: long instructions, functions, files, a store."""
    prices = api.files.create(file=("prices.csv", b"sku,price\na,1\n"), purpose="assistants")
    faq = api.files.create(file=("faq.md", b"# FAQ\n"), purpose="assistants")
    store = api.vector_stores.create(name="kb")
    api.vector_stores.files.create(store.id, file_id=faq.id)
    return api.beta.assistants.create(
        model="gpt-4o", name="Billing Helper", description="made by hand",
        instructions="You help with billing.\n\n" + "Be precise. " * 50,
        temperature=0.4, top_p=0.9,
        tools=[
            {"type": "code_interpreter"},
            {"type": "file_search", "file_search": {"max_num_results": 5}},
            {"type": "function", "function": {
                "name": "lookup_invoice", "description": "Find an invoice",
                "parameters": {"type": "object", "properties": {"number": {"type": "string"}},
                               "required": ["number"]}}},
        ],
        tool_resources={"code_interpreter": {"file_ids": [prices.id]},
                        "file_search": {"vector_store_ids": [store.id]}},
        response_format={"type": "json_object"},
        metadata={"team": "billing"},
    )


def _fields(a: Any) -> dict[str, Any]:
    data = a.model_dump()
    data.pop("metadata")
    return data


def test_import_writes_the_manifest_marks_only_metadata_and_the_next_plan_is_empty(tmp_path, cli, api) -> None:
    project = _project(tmp_path / "p")
    original = _hand_made(api)
    result = cli(project, "import", original.id, "billing-helper")
    after = api.beta.assistants.retrieve(original.id)
    assert _fields(after) == _fields(original), "import changed more than the metadata"
    assert after.metadata == {"team": "billing", "asst-deploy": "team-a/default/billing-helper"}

    manifest_text = (project / "assistants/billing-helper.yaml").read_text()
    manifest = yaml.safe_load(manifest_text)
    assert manifest["instructions_file"] == "prompts/billing-helper.md"
    assert (project / "prompts/billing-helper.md").read_text().startswith("You help with billing.\n\nBe precise.")
    function = manifest["tools"][2]["function"]
    assert function["parameters_file"] == "schemas/billing-helper.lookup_invoice.json"
    assert json.loads((project / function["parameters_file"]).read_text())["required"] == ["number"]
    assert manifest["display_name"] == "Billing Helper" and manifest["response_format"] == {"type": "json_object"}
    assert "files" not in manifest and "code_interpreter_files" not in manifest
    store_id = original.tool_resources.file_search.vector_store_ids[0]
    ci_id = original.tool_resources.code_interpreter.file_ids[0]
    assert store_id in manifest_text and "faq.md" in manifest_text
    assert ci_id in manifest_text and "prices.csv" in manifest_text
    assert "cannot be downloaded" in result.stderr and store_id in result.stderr
    assert "The next plan shows no change" in result.stdout

    lock = json.loads((project / "assistants.lock.json").read_text())
    applied = lock["assistants"]["billing-helper"].pop("applied")  # as adopted: tells a later edit from drift
    assert len(applied) == 16
    assert lock["assistants"] == {"billing-helper": {"id": original.id, "api": "assistants",
                                                     "code_interpreter_files": {}}}
    assert cli(project, "validate", backend=False).exit_code == 0
    plan = cli(project, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout
    # the hand-made store and files are left exactly as they were
    assert api.vector_stores.retrieve(store_id).file_counts.total == 1
    assert api.beta.assistants.retrieve(original.id).tool_resources == original.tool_resources


def test_import_refusals_write_nothing(tmp_path, cli, api) -> None:
    project = _project(tmp_path / "p", extra={
        "assistants/taken.yaml": "name: taken\nmodel: gpt-4o\n",
        "prompts/long-one.md": "the user's own prompt\n",
    })
    mine = api.beta.assistants.create(model="gpt-4o", name="Mine")
    long_one = api.beta.assistants.create(model="gpt-4o", name="Long", instructions="x\ny")
    foreign = api.beta.assistants.create(model="gpt-4o", name="Theirs",
                                         metadata={"asst-deploy": "team-b/prod/theirs"})
    store = api.vector_stores.create(name="kb")
    before_files = _files(project)
    before_account = {k: v.model_dump() for k, v in assistants(api).items()}

    def refused(*args: str) -> str:
        result = cli(project, "import", *args, code=1)
        assert _files(project) == before_files, result.stderr
        assert {k: v.model_dump() for k, v in assistants(api).items()} == before_account
        return result.stderr

    assert "no assistant asst_doesnotexist0000000000 on this account" in refused("asst_doesnotexist0000000000", "x")
    assert "is a vector store id, not an assistant id" in refused(store.id, "x")
    assert "is a file id" in refused("file-abc123", "x")
    assert "is not a valid name" in refused(mine.id, "Mine")
    assert "is not a valid name" in refused(mine.id, "../etc")
    assert "already used by assistants/taken.yaml" in refused(mine.id, "taken")
    assert "prompts/long-one.md" in refused(long_one.id, "long-one")  # never rewrites a user's file
    message = refused(foreign.id, "theirs")
    assert "project 'team-b', environment 'prod'" in message and "--force" in message

    # the lockfile's names count too (here its manifest was deleted, but the lock still names it)
    cli(project, "import", mine.id, "mine")
    before_files = _files(project)
    before_account = {k: v.model_dump() for k, v in assistants(api).items()}
    assert "already used by assistants/mine.yaml" in refused(long_one.id, "mine")
    (project / "assistants/mine.yaml").unlink()
    before_files = _files(project)
    assert "already in assistants.lock.json" in refused(long_one.id, "mine")
    assert "already managed by this project" in refused(mine.id, "other")

    # --force takes an object from another project, and says whose it was
    result = cli(project, "import", foreign.id, "theirs", "--force")
    assert "team-b" in result.stderr
    assert api.beta.assistants.retrieve(foreign.id).metadata["asst-deploy"] == "team-a/default/theirs"
    changes = json.loads(cli(project, "plan", "--format", "json").stdout)["changes"]
    assert {(c["name"], c["action"]) for c in changes} == {("mine", "delete"), ("taken", "create")}  # not theirs


def test_import_into_an_environment_strips_its_prefix_and_warns_about_overrides(tmp_path, cli, api) -> None:
    project = copy_example(tmp_path / "example")
    # dev: model gpt-4o-mini, name_prefix "[dev] ", defaults metadata team: support
    fits = api.beta.assistants.create(model="gpt-4o-mini", name="[dev] Helper", metadata={"team": "support"})
    cli(project, "import", fits.id, "helper", env="dev")
    manifest = yaml.safe_load((project / "assistants/helper.yaml").read_text())
    assert manifest["display_name"] == "Helper"
    assert cli(project, "plan", "--target", "helper", "--detailed-exitcode", env="dev").exit_code == 0

    differs = api.beta.assistants.create(model="gpt-4o", name="Other")
    result = cli(project, "import", differs.id, "other", env="dev")
    assert "the next plan will update" in result.stderr
    for field in ("display_name", "model", "metadata"):
        assert field in result.stderr
    assert api.beta.assistants.retrieve(differs.id).model == "gpt-4o"  # still only the marker was added


def test_import_an_agent(tmp_path, cli, api) -> None:
    project = _project(tmp_path / "p", "agents-team")
    (project / "asst-deploy.yaml").write_text("project: agents-team\napi: agents\n")
    agent = api.beta.agents.create(
        model="gpt-5", name="Researcher", instructions="Search the web.", metadata={"k": "v"},
        tools=[{"type": "web_search"}, {"type": "function", "name": "save", "description": "Save a note",
                                         "parameters": {"type": "object", "properties": {}}}],
        reasoning={"effort": "low"},
    )
    before = api.beta.agents.retrieve(agent.id)
    cli(project, "import", agent.id, "researcher")
    after = api.beta.agents.retrieve(agent.id)
    assert after.metadata["asst-deploy"] == "agents-team/default/researcher"
    assert after.tools == before.tools and after.instructions == before.instructions
    manifest = yaml.safe_load((project / "assistants/researcher.yaml").read_text())
    assert manifest["reasoning_effort"] == "low" and "verbosity" not in manifest
    assert cli(project, "plan", "--detailed-exitcode").exit_code == 0
    refused = cli(project, "import", "asst_abc", "x", code=1)
    assert "not an agent id" in refused.stderr and "--api assistants" in refused.stderr


def test_export_lists_undownloadable_files_and_never_overwrites(tmp_path, cli, api) -> None:
    project = _project(tmp_path / "p")
    hand = _hand_made(api)
    managed = api.beta.assistants.create(model="gpt-4o", name="Managed",
                                         metadata={"asst-deploy": "other/dev/managed"})
    out = project / "exported"
    write_project(out, {"billing-helper.yaml": "# the user's own file\n"})
    result = cli(project, "export", "--out", str(out))
    assert (out / "billing-helper.yaml").read_text() == "# the user's own file\n"
    text = (out / "billing-helper-2.yaml").read_text()
    assert hand.tool_resources.file_search.vector_store_ids[0] in text and "faq.md" in text and "prices.csv" in text
    assert "retrieval file(s)" in result.stderr and "code-interpreter file(s)" in result.stderr
    assert managed.id not in result.stdout
    assert not (out / "managed.yaml").exists()
    assert api.beta.assistants.retrieve(hand.id).metadata == {"team": "billing"}  # export changes nothing

    result = cli(project, "export", "--out", str(tmp_path / "all"), "--all")
    assert managed.id in result.stdout
    assert "asst-deploy" not in yaml.safe_load((tmp_path / "all/managed.yaml").read_text()).get("metadata", {})

    empty = _project(tmp_path / "q", "team-q")
    api.beta.assistants.delete(hand.id)
    result = cli(empty, "export")
    assert "nothing exported" in result.stdout


def test_round_trip_export_then_import_then_plan_is_empty(tmp_path, cli, api) -> None:
    project = _project(tmp_path / "p")
    _hand_made(api)
    api.beta.assistants.create(model="gpt-4o-mini", name="Tiny", instructions="Be brief.")
    api.beta.assistants.create(model="gpt-4o", name="Structured", response_format={
        "type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": {
            "type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"],
            "additionalProperties": False}}})
    exported = tmp_path / "exported"
    cli(project, "export", "--out", str(exported))
    manifests = sorted(exported.glob("*.yaml"))
    assert len(manifests) == 3
    for path in manifests:
        text = path.read_text()
        object_id = text.split("from assistant ", 1)[1].split(".", 1)[0]
        name = path.stem
        cli(project, "import", object_id, name)
        imported = project / "assistants" / path.name
        assert yaml.safe_load(imported.read_text()) == yaml.safe_load(text)
        for side in ("prompts", "schemas"):
            for file in (exported / side).glob(f"{name}.*"):
                assert (project / side / file.name).read_text() == file.read_text()
    result = cli(project, "plan", "--detailed-exitcode")
    assert result.exit_code == 0 and "3 assistants unchanged" in result.stdout


def test_export_into_a_new_project_then_apply_makes_equal_copies(tmp_path, cli, api) -> None:
    originals = [
        api.beta.assistants.create(model="gpt-4o", name="Writer", instructions="Write well.", temperature=0.3,
                                   metadata={"team": "docs"}),
        api.beta.assistants.create(model="gpt-4o", name="Coder", instructions="Code\nwell.",
                                   tools=[{"type": "code_interpreter"},
                                          {"type": "function", "function": {"name": "run", "strict": True,
                                           "parameters": {"type": "object", "properties": {},
                                                          "additionalProperties": False}}}]),
    ]
    project = tmp_path / "fresh"
    project.mkdir()
    (project / "asst-deploy.yaml").write_text("project: fresh\n")
    result = cli(project, "export")  # creates the manifests folder it writes into
    assert "creates new assistants" in result.stdout
    assert cli(project, "validate", backend=False).exit_code == 0
    cli(project, "apply", "--auto-approve")
    assert cli(project, "plan", "--detailed-exitcode").exit_code == 0
    lock = json.loads((project / "assistants.lock.json").read_text())["assistants"]
    copies = {a.name: a for id_, a in assistants(api).items() if id_ in {e["id"] for e in lock.values()}}
    for original in originals:
        copy = copies[original.name]
        for key in ("model", "instructions", "temperature", "top_p", "tools", "response_format", "description"):
            assert getattr(copy, key) == getattr(original, key), key
        assert copy.metadata == {**original.metadata, "asst-deploy": copy.metadata["asst-deploy"]}


@pytest.mark.parametrize("api_name", ["responses"])
def test_import_with_an_api_that_holds_no_objects_is_refused(tmp_path, cli, api, api_name) -> None:
    project = _project(tmp_path / "p")
    mine = api.beta.assistants.create(model="gpt-4o", name="Mine")
    result = cli(project, "import", mine.id, "mine", "--api", api_name, code=1)
    assert "nothing to import" in result.stderr
    assert not (project / "assistants/mine.yaml").exists()
