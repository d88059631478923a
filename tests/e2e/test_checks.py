"""`asst-deploy test` and the promotion gate, through the real CLI and SDK against the emulator:
a failing case exits 1 naming it in every format, JUnit XML that parses, evidence recorded only for
what was deployed as written, prod refusing what did not pass in dev (nothing written) until it did,
an edit after a pass needing a new pass, and --skip-checks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from support.cli import Cli
from support.projects import write_project

CONFIG = """\
project: checks-e2e
api: responses
environments:
  dev:
    model: gpt-4o-mini
  prod:
    promote_from: dev
"""
MANIFEST = """\
name: pirate
model: gpt-4o
instructions: You are a pirate.
tools:
  - type: function
    function:
      name: search
      parameters: {type: object, properties: {query: {type: string}}, required: [query]}
tool_choice: required
checks:
  - name: greets
    input: hello
    expect:
      - icontains: PIRATE
      - tool_called: {name: search, arguments: {query: hello}}
    functions: {search: gold lies north}
  - name: uses-the-search
    input: where is the gold?
    repeat: 3
    expect:
      - contains: gold lies north
      - not_contains: parrot
    functions: {search: gold lies north}
"""
PARROT = """\
  - name: parrot
    input: hi
    expect:
      - contains: parrot
    functions: {search: nothing}
"""


@pytest.fixture
def checks_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj", {"asst-deploy.yaml": CONFIG, "assistants/pirate.yaml": MANIFEST})


@pytest.fixture
def cli(checks_project: Path, asst_emulator: Any) -> Cli:
    return Cli(project=checks_project, emulator=asst_emulator, env="dev")


def _evidence(project: Path, env: str) -> dict[str, Any]:
    path = project / f"assistants.{env}.lock.json"
    return json.loads(path.read_text()).get("checks", {}) if path.exists() else {}


def test_a_failing_case_exits_1_naming_it_in_every_format(cli: Cli, checks_project: Path) -> None:
    (checks_project / "assistants/pirate.yaml").write_text(MANIFEST + PARROT)
    cli("apply", "--auto-approve")
    text = cli("test", "--junit", checks_project / "junit.xml", code=1).stdout
    assert "FAIL pirate: parrot (0/1 passed)" in text
    assert 'expected contains: "parrot"' in text and 'got answer: "pirate: search returned \\"nothing\\". I read \\"hi\\""' in text
    assert "PASS pirate: greets" in text and "PASS pirate: uses-the-search (3/3 passed, 3 needed)" in text
    assert "3 case(s): 2 passed, 1 failed (pirate: parrot)" in text
    markdown = cli("test", "--format", "markdown", code=1).stdout
    assert markdown.startswith("### ❌ asst-deploy test") and "**pirate: parrot** failed" in markdown
    assert '- expected `contains: "parrot"`' in markdown
    report = json.loads(cli("test", "--format", "json", code=1).stdout)
    assert report["passed"] is False and report["summary"]["failed"] == 1
    [failed] = [case for case in report["cases"] if not case["passed"]]
    assert failed["case"] == "parrot" and failed["failures"][0]["expectation"] == 'contains: "parrot"'
    suites = ET.parse(checks_project / "junit.xml").getroot()
    assert (suites.get("tests"), suites.get("failures")) == ("3", "1")
    [suite] = suites.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"greets", "uses-the-search", "parrot"}
    assert cases["parrot"].find("failure") is not None and cases["greets"].find("failure") is None
    cli("test", "--format", "json", "--out", checks_project / "report.json", code=1)
    assert json.loads((checks_project / "report.json").read_text())["summary"]["failed"] == 1
    assert _evidence(checks_project, "dev")["pirate"]["passed"] == 2  # a failing run proves nothing


def test_an_unanswered_function_fails_the_case_naming_it(cli: Cli, checks_project: Path) -> None:
    (checks_project / "assistants/pirate.yaml").write_text(MANIFEST + PARROT.replace("    functions: {search: nothing}\n", ""))
    cli("apply", "--auto-approve")
    text = cli("test", "--target", "pirate", code=1).stdout
    assert "got the model called 'search', which the case's functions: does not answer" in text


def test_prod_takes_only_what_passed_in_dev(cli: Cli, checks_project: Path) -> None:
    cli("apply", "--auto-approve")
    refused = cli("plan", env="prod", code=1)
    assert "Checks: pirate: not passed" in refused.stdout
    assert refused.stderr.count("error: pirate: no passing `asst-deploy test --env dev`") == 1
    assert "run `asst-deploy apply --env dev` then `asst-deploy test --env dev`" in refused.stderr
    refused = cli("apply", "--auto-approve", env="prod", code=1)
    assert "nothing was changed" in refused.stderr
    assert not (checks_project / "assistants.prod.lock.json").exists()

    passed = cli("test").stdout
    assert "2 case(s): 2 passed" in passed
    record = _evidence(checks_project, "dev")["pirate"]
    assert (record["cases"], record["passed"]) == (2, 2) and record["at"]
    assert "Checks: pirate: passed (2/2 case(s) passed in dev at" in cli("plan", env="prod").stdout
    cli("apply", "--auto-approve", env="prod")
    assert json.loads((checks_project / "assistants.prod.lock.json").read_text())["assistants"]["pirate"]

    # an edit of the manifest, or of its checks alone, needs a new pass in dev
    (checks_project / "assistants/pirate.yaml").write_text(MANIFEST.replace("a pirate", "a pirate captain"))
    cli("plan", env="prod", code=1)
    (checks_project / "assistants/pirate.yaml").write_text(MANIFEST.replace("repeat: 3", "repeat: 2"))
    cli("plan", env="prod", code=0)  # nothing to deploy: the manifest is as it was; no gate
    assert "Checks:" not in cli("plan", env="prod").stdout
    (checks_project / "assistants/pirate.yaml").write_text(
        MANIFEST.replace("repeat: 3", "repeat: 2").replace("a pirate", "a pirate captain"))
    cli("apply", "--auto-approve")
    cli("test")
    cli("apply", "--auto-approve", env="prod")


def test_a_pending_plan_is_said_first_and_proves_nothing(cli: Cli, checks_project: Path) -> None:
    cli("apply", "--auto-approve")
    (checks_project / "assistants/pirate.yaml").write_text(MANIFEST.replace("a pirate", "a parrot"))
    result = cli("test")  # the deployed pirate is checked (its answers name a pirate), not the parrot written
    assert result.stderr.startswith("warning: the deployment differs from the manifests for pirate")
    assert "2 case(s): 2 passed" in result.stdout
    assert _evidence(checks_project, "dev") == {}


def test_skip_checks_lets_a_change_through_said_and_recorded(cli: Cli, checks_project: Path) -> None:
    cli("apply", "--auto-approve")
    planned = json.loads(cli("plan", "--format", "json", "--skip-checks", "hotfix", env="prod").stdout)
    assert planned["checks"] == {"pirate": {"status": "skipped", "detail": "checks skipped: hotfix", "gated": True}}
    result = cli("apply", "--auto-approve", "--skip-checks", "hotfix for incident 42", env="prod")
    assert "warning: checks skipped for pirate (--skip-checks): hotfix for incident 42" in result.stderr
    record = _evidence(checks_project, "prod")["pirate"]
    assert record["skipped"] == "hotfix for incident 42"
    (checks_project / "assistants/pirate.yaml").write_text(MANIFEST.replace("a pirate", "a parrot"))
    cli("destroy", "--auto-approve", env="prod")  # a destroy is never gated


@pytest.mark.parametrize("api", ["responses", "agents", "assistants"])
def test_export_promptfoo_points_at_what_is_deployed(cli: Cli, checks_project: Path, api: str) -> None:
    import yaml

    manifest = MANIFEST if api == "responses" else MANIFEST.replace("tool_choice: required\n", "")
    (checks_project / "assistants/pirate.yaml").write_text(manifest + PARROT)
    cli("apply", "--auto-approve", "--api", api)
    result = cli("export", "--format", "promptfoo", "--api", api)
    path = checks_project / "promptfoo/promptfooconfig.pirate.yaml"
    assert f"Wrote {path} (3 test(s))" in result.stdout
    assert "warning: pirate: greets: promptfoo has no counterpart of tool_called: left out" in result.stderr
    config = yaml.safe_load(path.read_text())
    [provider] = config["providers"]
    entry = json.loads((checks_project / "assistants.dev.lock.json").read_text())["assistants"]["pirate"]
    if api == "responses":
        assert provider["id"] == "openai:responses:gpt-4o-mini"  # dev's model, as deployed
        assert provider["config"]["instructions"] == "You are a pirate."
        assert provider["config"]["functionToolCallbacks"] == {"search": 'async () => "gold lies north"'}
    elif api == "agents":
        assert provider == {"id": "openai:agents-api", "label": "pirate", "config": {"agent_id": entry["id"]}}
    else:
        assert provider["id"] == f"openai:assistant:{entry['id']}"
    greets, uses, parrot = config["tests"]
    assert greets["vars"] == {"input": "hello"} and greets["assert"] == [{"type": "icontains", "value": "PIRATE"}]
    assert greets["metadata"] == {"not_exported": ["tool_called"]}
    assert uses["assert"] == [{"type": "contains", "value": "gold lies north"},
                              {"type": "not-contains", "value": "parrot"}]
    assert parrot["assert"] == [{"type": "contains", "value": "parrot"}]


def test_a_saved_prod_plan_is_judged_as_the_lockfiles_are_when_applied(cli: Cli, checks_project: Path) -> None:
    cli("apply", "--auto-approve")
    saved = checks_project / "prod.plan.json"
    markdown = cli("plan", "--format", "markdown", "--out", saved, env="prod", code=1).stdout
    assert "**Checks**" in markdown and "- pirate: not passed" in markdown
    assert "error: pirate: no passing" in cli("apply", saved, env="prod", code=1).stderr
    assert not (checks_project / "assistants.prod.lock.json").exists()
    cli("test")  # dev passes: the saved plan (whose prod inputs are unchanged) is now taken
    cli("apply", saved, env="prod")
    assert (checks_project / "assistants.prod.lock.json").exists()


def test_an_assistant_without_cases_gets_no_status_where_nothing_is_gated(cli: Cli, checks_project: Path) -> None:
    """It read 'not passed (no passing asst-deploy test --env dev of its 0 case(s))' on every plan of dev."""
    (checks_project / "assistants/plain.yaml").write_text("name: plain\nmodel: gpt-4o\ninstructions: Be plain.\n")
    out = cli("plan").stdout
    assert "Checks: pirate: not passed" in out
    assert "plain" in out and "Checks: plain" not in out
