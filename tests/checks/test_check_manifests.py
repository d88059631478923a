"""Checks in manifests: validated with file:line:col (a checks_file names its own lines), never
deployed, never merged from defaults or environments."""

from __future__ import annotations

from asst_deploy.assemble import validate_project
from asst_deploy.project import load_project

CONFIG = "project: checks-test\nenvironments:\n  dev: {}\n  prod:\n    promote_from: dev\n"
MANIFEST = """\
name: pirate
model: gpt-4o
instructions: You are a pirate.
tools:
  - type: function
    function: {name: search, parameters: {type: object, properties: {query: {type: string}}}}
"""


def lines(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_checks_file_names_its_own_lines(make_project) -> None:
    root = make_project({
        "assistants/pirate.yaml": MANIFEST + "checks_file: checks/pirate.yaml\n",
        "checks/pirate.yaml": "- name: greets\n  input: hi\n  expect:\n    - tool_caled: search\n",
    }, config=CONFIG)
    assert lines(validate_project(root)) == [
        "checks/pirate.yaml:4:7: checks[0].expect[0].tool_caled: unknown key; did you mean 'tool_called'?"]


def test_a_missing_or_broken_checks_file_is_named(make_project) -> None:
    root = make_project({"assistants/pirate.yaml": MANIFEST + "checks_file: checks/none.yaml\n"}, config=CONFIG)
    assert lines(validate_project(root)) == [
        "assistants/pirate.yaml:7:14: checks_file: file 'checks/none.yaml' not found (paths are relative to the "
        "project root)"]
    root = make_project({"assistants/pirate.yaml": MANIFEST + "checks_file: checks/bad.yaml\n",
                         "checks/bad.yaml": "- name: a\n  input: [\n"}, config=CONFIG)
    [problem] = validate_project(root)
    assert str(problem).startswith("checks/bad.yaml:3:1: YAML syntax error")
    root = make_project({"assistants/pirate.yaml": MANIFEST + "checks_file: checks/map.yaml\n",
                         "checks/map.yaml": "name: a\n"}, config=CONFIG)
    assert lines(validate_project(root)) == [
        "checks/map.yaml:1:1: a checks file holds one list of cases: - name: ..., input: ..., expect: [...]"]


def test_checks_are_the_manifests_own(make_project) -> None:
    config = CONFIG.replace("  dev: {}\n", "  dev:\n    checks_file: x.yaml\n").replace(
        "promote_from: dev", "promote_from: prod")
    root = make_project({"assistants/pirate.yaml": MANIFEST}, config=config)
    assert lines(validate_project(root)) == [
        "asst-deploy.yaml:4:5: environments.dev.checks_file: checks_file belongs to each manifest (checks are not "
        "deployed): write it in the manifest",
        "asst-deploy.yaml:6:19: environments.prod.promote_from: 'prod' is not another environment under "
        "environments: (known: dev)",
    ]


def test_checks_change_nothing_deployed_and_their_own_digest(make_project) -> None:
    root = make_project({"assistants/pirate.yaml": MANIFEST}, config=CONFIG)
    before = load_project(root, "dev")
    (root / "assistants/pirate.yaml").write_text(
        MANIFEST + "checks:\n  - name: greets\n    input: hi\n    expect: [{icontains: pirate}]\n")
    after = load_project(root, "dev")
    assert before.specs == after.specs  # nothing deployed changes
    assert before.own_digests == after.own_digests  # nor the manifest's own digest
    assert after.checks["pirate"].digest != before.checks["pirate"].digest
    assert [c.name for c in after.checks["pirate"].cases] == ["greets"]
    assert after.checks["pirate"].source == "assistants/pirate.yaml:7"


def test_the_own_digest_ignores_environments_but_not_edits(make_project) -> None:
    config = CONFIG.replace("  dev: {}\n", "  dev:\n    model: gpt-4o-mini\n    name_prefix: '[dev] '\n")
    root = make_project({"assistants/pirate.yaml": MANIFEST}, config=config)
    dev, prod = load_project(root, "dev"), load_project(root, "prod")
    assert dev.specs != prod.specs
    assert dev.own_digests == prod.own_digests and dev.own_digests["pirate"]
    (root / "assistants/pirate.yaml").write_text(MANIFEST.replace("a pirate", "a parrot"))
    assert load_project(root, "prod").own_digests != prod.own_digests


def test_a_manifest_that_needs_its_environment_still_has_an_own_digest(make_project) -> None:
    """A model given only by the environments: the manifest does not build alone, yet the gate must
    still see it (its digest is then its own content as written)."""
    config = CONFIG.replace("  dev: {}\n", "  dev:\n    model: gpt-4o-mini\n").replace(
        "promote_from: dev\n", "promote_from: dev\n    model: gpt-4o\n")
    root = make_project({"assistants/pirate.yaml": MANIFEST.replace("model: gpt-4o\n", "")}, config=config)
    dev, prod = load_project(root, "dev"), load_project(root, "prod")
    assert "pirate" in prod.own_digests and prod.own_digests["pirate"] == dev.own_digests["pirate"]
    (root / "assistants/pirate.yaml").write_text(MANIFEST.replace("model: gpt-4o\n", "").replace("pirate.", "parrot."))
    assert load_project(root, "prod").own_digests["pirate"] != prod.own_digests["pirate"]
