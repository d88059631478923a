"""Every request goes through the openai SDK's own client, and only commands that reach an API load it.

Checked against a server that is not the project's emulator (``support.json_server``): it answers
every list empty and records what it was sent.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import openai
import pytest
from support.cli import Cli
from support.json_server import JsonServer, empty_list, json_server

import asst_deploy

PACKAGE = Path(asst_deploy.__file__).parent


@pytest.fixture
def empty_server() -> Iterator[JsonServer]:
    with json_server(empty_list) as server:
        yield server


def test_every_request_carries_the_sdks_own_client_headers(make_project, empty_server) -> None:
    root = make_project({"assistants/bot.yaml": "name: bot\nmodel: gpt-4o\ninstructions: Hi.\n"},
                        config="project: p\napi: agents\n")
    url = empty_server.url
    cli = Cli(project=root, environ={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-test-headers-0123",
                                     "OPENAI_ORG_ID": "org-abc", "OPENAI_CUSTOM_HEADERS": "X-Team: billing"})
    cli("plan", "--detailed-exitcode", code=2)
    seen = empty_server.seen
    assert len(seen) >= 3, seen  # the agents, the vector stores and the files were listed
    for _, path, headers in ((r.method, r.path, r.headers) for r in seen):
        lower = {k.lower(): v for k, v in headers.items()}
        assert lower["user-agent"] == f"OpenAI/Python {openai.__version__}", (path, headers)
        assert lower["x-stainless-lang"] == "python" and lower["x-stainless-package-version"] == openai.__version__
        assert lower["authorization"] == "Bearer sk-test-headers-0123"
        assert lower["openai-organization"] == "org-abc" and lower["x-team"] == "billing"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_but_the_emulators_speaks_http_or_tls_itself() -> None:
    """The SDK's client carries the requests: nothing of ours opens sockets, HTTP or TLS. The one
    exception is ``source.py`` with its fetch (``source_http.py``): a service reading a published ids
    document over https:// is no API request, and must not load the SDK and httpx2 for it
    (urllib.request, only then)."""
    speaking = {str(path.relative_to(PACKAGE)): sorted(found)
                for path in PACKAGE.rglob("*.py") if path.parent.name != "emulator"
                and path.name not in ("source.py", "source_http.py")
                for found in [_imports(path) & {"http.client", "ssl", "certifi", "urllib.request", "httpcore2"}]
                if found}
    assert speaking == {}


@pytest.mark.parametrize("command", [["--help"], ["validate"], ["schema"], ["ids"], ["ids", "--format", "configmap"]])
def test_commands_that_reach_no_api_never_import_openai(make_project, command: list[str]) -> None:
    root = make_project({"assistants/bot.yaml": "name: bot\nmodel: gpt-4o\ninstructions: Hi.\n",
                         "assistants.lock.json": json.dumps({"version": 1, "project": "p", "environment": "default",
                                                            "assistants": {"bot": {"assistant_id": "asst_1"}}})},
                        config="project: p\n")
    code = ("import sys\nfrom asst_deploy.cli import main\n"
            f"try:\n    main({command!r})\n"
            "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
            "print('\\nLOADED', sorted({m.split('.')[0] for m in sys.modules} & {'openai', 'httpx2', 'httpx'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rsplit("LOADED", 1)[1].strip() == "[]", done.stdout


def test_a_plan_with_nothing_to_do_imports_only_what_it_uses(make_project) -> None:
    """A no-op plan (CI runs one on every pull request) pays for its imports on every run: the
    operations apply would send, and publishing, load only when there is something to do."""
    root = make_project({"assistants/bot.yaml": "name: bot\nmodel: gpt-4o\ninstructions: Hi.\n"},
                        config="project: p\n")
    run = [sys.executable, "-m", "asst_deploy.cli"]
    subprocess.run([*run, "apply", "--backend", "local", "--auto-approve"], cwd=root, check=True, timeout=120,
                   capture_output=True)
    code = ("import sys\nfrom asst_deploy.cli import main\n"
            "try:\n    main(['plan', '--backend', 'local', '--detailed-exitcode'])\n"
            "except SystemExit as exc:\n    assert exc.code in (0, None), exc.code\n"
            "print('\\nLOADED', sorted(m for m in sys.modules if m.startswith(('asst_deploy.plan.ops', "
            "'asst_deploy.plan.compile', 'asst_deploy.apply', 'asst_deploy.operation', 'asst_deploy.publish.run', 'asst_deploy.checks.gate'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rsplit("LOADED", 1)[1].strip() == "[]", done.stdout
