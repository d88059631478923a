"""The YAML-free config scanner reads what PyYAML reads, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asst_deploy.configscan import scan
from asst_deploy.lock.locate import lockfile_table, table_from_yaml

REPO = Path(__file__).resolve().parents[2]


def scanned_table(text: str) -> dict | None:
    found = scan(text)
    if found is None:
        return None
    return lockfile_table(found["default_environment"], found["environments"], found["lockfile"])


def pyyaml_table(text: str) -> dict | None:
    try:
        return table_from_yaml(yaml.safe_load(text))
    except yaml.YAMLError:
        return None


@pytest.mark.parametrize("config", ["asst-deploy.yaml", "examples/six-hats/asst-deploy.yaml"])
def test_the_bundled_configs_are_read_without_pyyaml(config: str) -> None:
    text = (REPO / config).read_text(encoding="utf-8")
    assert scanned_table(text) is not None
    assert scanned_table(text) == pyyaml_table(text)


@pytest.mark.parametrize("text", [
    "environments: {dev: {lockfile: a.json}}\n",  # flow style
    "default_environment: &d dev\n",  # anchor
    "default_environment: yes\n",  # a YAML 1.1 boolean, not a name
    "environments:\n  dev: &base {}\n  prod: *base\n",
    "environments:\n\tdev: {}\n",  # a tab
    "lockfile: 'a''b.json'\n",
    "name_prefix: \"[dev]\n  continued\"\n",  # a quoted scalar over two lines
    "---\nproject: a\n---\nproject: b\n",
])
def test_unsure_configs_are_left_to_pyyaml(text: str) -> None:
    assert scan(text) is None


SCALARS = st.sampled_from(["dev", "prod", "staging", "'dev'", '"prod"', "~", "", "null", "yes", "1", "dev2",
                           "qa-1", "x # a comment", "'a # not a comment'"])
PATHS = st.sampled_from(["locks/dev.json", "'locks/p.json'", '"a b.json"', "./x.json", "~", "", "x.json # c",
                         "a:b", "l#x.json"])
COMMENTS = st.sampled_from(["", "  # a comment", " #: tricky", "   # 'quoted' \"both\""])


@st.composite
def configs(draw: st.DrawFn) -> str:
    pad = " " * draw(st.sampled_from([2, 4]))
    lines = ["# yaml-language-server: $schema=x" if draw(st.booleans()) else "project: shop"]
    if draw(st.booleans()):
        lines.append(f"default_environment: {draw(SCALARS)}{draw(COMMENTS)}")
    if draw(st.booleans()):
        lines.append(f"lockfile: {draw(PATHS)}")
    if draw(st.booleans()):
        lines += ["defaults:", f"{pad}model: gpt-4o", f"{pad}metadata:", f"{pad}{pad}lockfile: trap.json",
                  f"{pad}instructions: |", f"{pad}{pad}lockfile: also-a-trap", ""]
    shape = draw(st.sampled_from(["none", "empty", "flow", "block"]))
    if shape == "empty":
        lines.append("environments: {}")
    elif shape == "flow":
        lines.append("environments: {dev: {}, prod: {lockfile: p.json}}")
    elif shape == "block":
        lines.append(f"environments:{draw(COMMENTS)}")
        for name in draw(st.lists(st.sampled_from(["dev", "prod", "qa", "stage-2"]), min_size=1, max_size=3,
                                  unique=True)):
            if draw(st.booleans()):
                lines.append(f"{pad}{name}: {{}}")
                continue
            lines.append(f"{pad}{name}:{draw(COMMENTS)}")
            lines.append(f"{pad}{pad}name_prefix: \"[{name}] \"{draw(COMMENTS)}")
            if draw(st.booleans()):
                lines.append(f"{pad}{pad}lockfile: {draw(PATHS)}")
            if draw(st.booleans()):
                lines += [f"{pad}{pad}assistants:", f"{pad}{pad}{pad}bot:", f"{pad}{pad}{pad}{pad}lockfile: trap"]
            if draw(st.booleans()):
                lines.append("")
    if draw(st.booleans()):
        lines.append("api: responses")
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_what_the_scanner_reads_is_what_pyyaml_reads(text: str) -> None:
    scanned = scanned_table(text)
    if scanned is not None:
        assert scanned == pyyaml_table(text), text


def test_the_scanner_reads_the_common_shapes() -> None:
    text = ("project: shop  # the shop\ndefault_environment: staging\nenvironments:\n  staging:\n"
            "    lockfile: deploy/locks/staging.json\n    name_prefix: \"[staging] \"  # shown\n"
            "  prod:\n    lockfile: 'deploy/locks/prod.json'\n    assistants:\n      bot: {temperature: 0.1}\n")
    assert scanned_table(text) == pyyaml_table(text) == {
        "default_environment": "staging",
        "lockfiles": {"staging": "deploy/locks/staging.json", "prod": "deploy/locks/prod.json"},
    }
