"""The README's quick start from a fresh clone, then its runtime lookup, from the root and a subfolder,
in a fresh interpreter as a service would start (no YAML, SDK or pydantic imported)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.cli import Cli

from asst_deploy.lock.locate import INDEX_FILE

LOOKUP = """
import json, sys, time
start = time.perf_counter()
import asst_deploy
value = asst_deploy.assistant_id("support-bot")
took = (time.perf_counter() - start) * 1000
heavy = sorted(m for m in ("openai", "pydantic", "click", "deepdiff", "yaml", "agents") if m in sys.modules)
print(json.dumps({"id": value, "ms": took, "heavy": heavy}))
"""


def lookup_in(folder: Path) -> dict:
    """A fresh interpreter in ``folder``, as a service would start, doing the README's lookup."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder)}
    done = subprocess.run([sys.executable, "-c", LOOKUP], cwd=folder, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_quick_start_then_lookup_from_the_root_and_a_subfolder(project: Path, monkeypatch) -> None:
    clone = project  # the example project as a fresh clone has it (no lockfile, no .asst-deploy/)
    for key in ("ASST_DEPLOY_ENV", "ASST_DEPLOY_LOCKFILE", "ASST_DEPLOY_BACKEND", "OPENAI_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    Cli(project=clone, backend="local")("apply", "--auto-approve")
    deployed = json.loads((clone / "assistants.dev.lock.json").read_text())["assistants"]["support-bot"]["id"]
    for folder in (clone, clone / "prompts"):
        found = lookup_in(folder)
        assert found["id"] == deployed
        assert found["heavy"] == []  # apply's JSON index: no YAML read at runtime

    (clone / INDEX_FILE).unlink()  # a fresh clone of a repository with the lockfile committed
    found = lookup_in(clone / "assistants")
    assert found["id"] == deployed
    assert found["heavy"] == []  # plain block YAML: read by the scanner

    config = clone / "asst-deploy.yaml"  # flow style: left to PyYAML, imported lazily, only then
    config.write_text(config.read_text().replace("environments:\n", "environments: {dev: {}, prod: {}}\nunused:\n"))
    found = lookup_in(clone / "assistants")
    assert found["id"] == deployed
    assert found["heavy"] == ["yaml"]
