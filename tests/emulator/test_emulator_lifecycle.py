"""Persistence across restarts, concurrency, the public API, the CLI command and the speed target."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest
from support.cli import Cli

from asst_deploy.emulator import Emulator, EmulatorConfig

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def client_for(emu: Emulator, **kw) -> openai.OpenAI:
    return openai.OpenAI(base_url=emu.base_url, api_key="sk-test", **kw)


def test_state_survives_a_restart(tmp_path):
    data = str(tmp_path / "state.sqlite3")
    with Emulator(EmulatorConfig(data=data)) as emu:
        c = client_for(emu)
        f = c.files.create(file=("prices.csv", b"a,b\n1,2\n"), purpose="user_data")
        vs = c.vector_stores.create(name="docs", file_ids=[f.id])
        a = c.beta.assistants.create(model="gpt-4o", name="kept", tool_resources={
            "file_search": {"vector_store_ids": [vs.id]}}, metadata={"k": "v"})
        ag = c.beta.agents.create(model="gpt-5", name="agent")
        first_port = emu.port
    with Emulator(EmulatorConfig(data=data)) as emu:
        assert emu.port != 0
        c = client_for(emu)
        assert c.beta.assistants.retrieve(a.id).to_dict() == a.to_dict()
        assert c.files.content(f.id).read() == b"a,b\n1,2\n"
        assert c.vector_stores.retrieve(vs.id).file_counts.completed == 1
        assert c.beta.agents.retrieve(ag.id).name == "agent"
        b = c.beta.assistants.create(model="gpt-4o", name="new")
        assert [x.id for x in c.beta.assistants.list()] == [b.id, a.id]  # order continues across restarts
    assert first_port > 0


def test_eight_threads_create_at_once():
    with Emulator() as emu:
        c = client_for(emu, max_retries=0)
        barrier = threading.Barrier(8)

        def work(i: int) -> list[str]:
            barrier.wait()
            out = []
            for j in range(10):
                out.append(c.beta.assistants.create(model="gpt-4o", name=f"t{i}-{j}").id)
                c.vector_stores.create(name=f"v{i}-{j}")
                c.beta.assistants.list(limit=5)
            return out

        with ThreadPoolExecutor(8) as pool:
            ids = [x for chunk in pool.map(work, range(8)) for x in chunk]
        assert len(set(ids)) == 80
        listed = [a.id for a in c.beta.assistants.list(limit=100)]
        assert sorted(listed) == sorted(ids)
        assert len(c.vector_stores.list(limit=100).data) == 80
        assert emu.counter()["POST /v1/assistants"] == 80


def test_concurrent_writers_on_a_file_store(tmp_path):
    with Emulator(EmulatorConfig(data=str(tmp_path / "s.sqlite3"))) as emu:
        c = client_for(emu, max_retries=0)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: c.files.create(file=(f"f{i}.txt", b"x" * i), purpose="assistants"), range(40)))
        assert len(c.files.list().data) == 40


def test_public_api_surface():
    emu = Emulator(EmulatorConfig(processing_seconds=0.1))
    assert emu.start(port=0) is emu
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", emu.base_url)
        with pytest.raises(RuntimeError):
            emu.start()
    finally:
        emu.stop()
        emu.stop()  # idempotent
    with pytest.raises(RuntimeError):
        emu.base_url


def test_import_is_light():
    """What the import pulls in, not how long it takes (a loaded machine makes any time bound flaky;
    the import time is measured in bench/)."""
    code = ("import sys; import asst_deploy.emulator; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('openai', 'httpx', 'httpx2', 'http', 'click', 'yaml', 'pydantic')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"  # stdlib only: no SDK, no http.server


def test_listing_1000_assistants_takes_ten_pages(capsys):
    with Emulator() as emu:
        c = client_for(emu, max_retries=0)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: c.beta.assistants.create(model="gpt-4o", name=f"a{i}"), range(1000)))
        c.beta.assistants.list(limit=1)  # warm the connection
        emu.reset_counter()
        start = time.perf_counter()
        got = [a.id for a in c.beta.assistants.list(limit=100)]
        elapsed = time.perf_counter() - start
        assert len(got) == 1000 and len(set(got)) == 1000
        assert emu.counter() == {"GET /v1/assistants": 10}
        with capsys.disabled():  # a figure to read, not a bound: wall time on a shared machine is no test
            print(f"\n  [emulator] listed 1,000 assistants (10 pages of 100) via the SDK in {elapsed * 1000:.0f} ms")


def test_cli_command_serves_until_sigterm(tmp_path):
    cli = Cli(backend=None, key=None, environ={"ASST_DEPLOY_EMULATOR_LATENCY_MS": "1"})
    proc = cli.spawn("emulator", "--port", "0", "--data", str(tmp_path / "cli.sqlite3"))
    try:
        proc.stdout.readline()
        export = proc.stdout.readline()
        match = re.search(r"OPENAI_BASE_URL=(http://127\.0\.0\.1:\d+/v1) OPENAI_API_KEY=sk-local", export)
        assert match, export
        client = openai.OpenAI(base_url=match.group(1), api_key="sk-local", max_retries=0)
        assert client.vector_stores.create(name="cli").name == "cli"
        root = match.group(1)[: -len("/v1")]
        with urllib.request.urlopen(root + "/__emulator__/faults", timeout=5) as resp:
            assert b'"latency_ms":1.0' in resp.read()  # the environment variable was applied
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert "Emulator stopped." in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_command_reports_a_busy_port():
    from asst_deploy.commands.emulator import run_emulator
    from asst_deploy.errors import AsstDeployError

    with Emulator() as emu:
        with pytest.raises(AsstDeployError, match="cannot listen"):
            run_emulator(port=emu.port, data=None)


def test_the_sdk_request_types_are_loaded_before_the_first_answer():
    """Regression: loaded by the first write instead, inside its transaction, they held every other
    request for 1.5-3 s (a client's list after a timed-out create timed out three times). Only
    request bodies need the beta request types: with the preload off (``--backend local``) they are
    not loaded until a write comes (the model names come from the SDK either way)."""
    import subprocess
    import sys

    code = ("import sys\nfrom asst_deploy.emulator import Emulator, EmulatorConfig\n"
            "for preload in (False, True):\n"
            "    emu = Emulator(EmulatorConfig(preload_sdk_shapes=preload)).start()\n"
            "    print('openai.types.beta.agent_create_params' in sys.modules)\n"
            "    emu.stop()\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
