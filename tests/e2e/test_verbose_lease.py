"""``apply -v`` as a reviewer of CI logs reads it: every request line says what it is for."""

from __future__ import annotations

import json
import re

LEASE = " (account lease)"


def test_apply_v_names_the_account_lease_requests(cli, project, openai_client):
    """Regression: the lease's POST, list and DELETE of /v1/vector_stores read like requests for a
    store no manifest names. Now each says it is the account lease; the manifest's own store does not."""
    lines = cli("apply", "--auto-approve", "-v").stderr.splitlines()
    requests = [line for line in lines if re.match(r"  (GET|POST|DELETE) /v1/", line)]
    lease = [line for line in requests if line.endswith(LEASE)]
    creates = [line for line in requests if re.match(r"  POST /v1/vector_stores \d{3} \d+ ms", line)]
    assert len(creates) == 2, requests  # support-bot's store, and the lease
    assert [line for line in creates if line.endswith(LEASE)] == [creates[0]]  # the lease comes first
    assert any(re.fullmatch(r"  GET /v1/vector_stores\?limit=100 200 \d+ ms \(account lease\)", line) for line in lease)
    (released,) = [line for line in lease if line.startswith("  DELETE ")]
    assert re.fullmatch(r"  DELETE /v1/vector_stores/vs_\w+ 200 \d+ ms \(account lease\)", released), released
    store = json.loads((project / "assistants.dev.lock.json").read_text())["assistants"]["support-bot"]["vector_store_id"]
    assert not any(store in line for line in lease)  # the manifest's store is never called the lease
    assert all(line.endswith(" ms") for line in requests if line not in lease)
    # a no-op apply takes no lease; it clears one a stopped apply left, and that DELETE says so too
    dead = openai_client.vector_stores.create(name="lease", metadata={
        "asst-deploy-lease": "acme-support/dev", "holder": "ci pid 4242", "host": "build-7", "expires": "1"})
    lines = cli("apply", "--auto-approve", "-v").stderr.splitlines()
    lease = [line for line in lines if line.endswith(LEASE)]
    assert len(lease) == 1 and re.fullmatch(rf"  DELETE /v1/vector_stores/{dead.id} 200 \d+ ms \(account lease\)",
                                            lease[0]), lines


def test_an_apply_never_calls_its_own_lease_one_a_stopped_apply_left(cli, project, openai_client):
    """Regression: every apply that changed something (the quick start's first one too) noted
    'the account lease of an apply that was stopped is still there (vs_...)' naming its own lease,
    taken by this process: the plan made under the lease took it for a dead one."""
    first = cli("apply", "--auto-approve")
    assert "apply that was stopped" not in first.stdout + first.stderr, first.stdout
    dead = openai_client.vector_stores.create(name="lease", metadata={
        "asst-deploy-lease": "acme-support/dev", "holder": "ci pid 4242", "host": "build-7", "expires": "1"})
    (project / "prompts" / "support.md").write_text("You help customers, briefly.\n")
    noted = cli("plan").stdout
    assert f"the account lease of an apply that was stopped is still there ({dead.id})" in noted, noted
