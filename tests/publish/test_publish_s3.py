"""Publishing to S3 and reading from it, against moto's standalone S3 server through the real
boto3: the issue's "done when", as a user and another team's service would do it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.cli import Cli
from support.projects import write_project
from support.publishing import S3Server, service, with_publish

SOURCE = "s3://ids/acme/prod.json"


def _cli(project: Path, emulator: Any, s3: S3Server, **environ: str) -> Cli:
    return Cli(project=project, emulator=emulator, env="prod", environ={**s3.environ(), **environ})


@pytest.mark.heavy(10)
def test_apply_publishes_a_service_reads_it_and_keeps_working_when_s3_stops(
        project: Path, asst_emulator: Any, s3_server: S3Server, tmp_path: Path) -> None:
    cli = _cli(with_publish(project, "s3://ids/acme/{environment}.json"), asst_emulator, s3_server)
    assert "Apply publishes the ids to s3://ids/acme/prod.json." in cli("plan").stdout
    assert f"Published the ids to {SOURCE}" in cli("apply", "--auto-approve").stdout
    lock = json.loads((project / "assistants.prod.lock.json").read_text())["assistants"]
    assert s3_server.document("ids", "acme/prod.json")["assistants"]["support-bot"]["id"] == lock["support-bot"]["id"]

    consumer = {**s3_server.environ(), "ASST_DEPLOY_SOURCE": SOURCE, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = service(tmp_path / "svc", consumer, "support-bot", "order-assistant")
    assert json.loads(first.stdout) == {"ids": [lock["support-bot"]["id"], lock["order-assistant"]["id"]],
                                        "heavy": []}
    assert first.stderr == ""

    s3_server.stop()
    offline = service(tmp_path / "svc", consumer, "support-bot")
    assert json.loads(offline.stdout)["ids"] == [lock["support-bot"]["id"]]
    assert offline.stderr.count("\n") == 1
    assert offline.stderr.startswith(f"asst-deploy: {SOURCE}: the endpoint is unreachable")
    assert "serving the copy last confirmed " in offline.stderr and " s ago" in offline.stderr

    alone = service(tmp_path / "other", {**consumer, "XDG_CACHE_HOME": str(tmp_path / "empty-cache")}, code=1)
    assert f"SourceUnavailable: {SOURCE}: the endpoint is unreachable" in alone.stderr
    assert "no copy of it was kept on this machine" in alone.stderr


def test_destroy_publishes_the_entries_away(project: Path, asst_emulator: Any, s3_server: S3Server,
                                            tmp_path: Path) -> None:
    cli = _cli(with_publish(project, "s3://ids/acme/{environment}.json"), asst_emulator, s3_server)
    cli("apply", "--auto-approve")
    assert "Destroy publishes the ids to s3://ids/acme/prod.json." in cli("destroy", "--auto-approve").stdout
    assert s3_server.document("ids", "acme/prod.json")["assistants"] == {}
    consumer = {**s3_server.environ(), "ASST_DEPLOY_SOURCE": SOURCE, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    gone = service(tmp_path / "svc", consumer, code=1)
    assert f"UnknownAssistant: no assistant named 'support-bot' in {SOURCE}; known: (none)" in gone.stderr


def test_a_missing_bucket_fails_naming_it_and_the_next_publish_retries(
        project: Path, asst_emulator: Any, s3_server: S3Server) -> None:
    cli = _cli(with_publish(project, "s3://acme-ids/{environment}.json"), asst_emulator, s3_server)
    failed = cli("apply", "--auto-approve", code=1)
    assert "Apply complete! Resources: 8 created" in failed.stdout
    assert ("s3://acme-ids/prod.json: the bucket 'acme-ids' does not exist; create it, or correct publish: in "
            "asst-deploy.yaml") in failed.stderr
    assert "The lockfile assistants.prod.lock.json is up to date. `asst-deploy publish --env prod`" in failed.stderr
    assert sorted(json.loads((project / "assistants.prod.lock.json").read_text())["assistants"]) == [
        "math-tutor", "order-assistant", "support-bot"]
    assert cli("plan").stdout.rstrip().endswith("Apply publishes the ids to s3://acme-ids/prod.json.")

    s3_server.client().create_bucket(Bucket="acme-ids")
    assert "Published the ids of 3 assistant(s) to s3://acme-ids/prod.json" in cli("publish").stdout
    assert "publishes" not in cli("plan").stdout  # nothing owed any more
    assert len(s3_server.document("acme-ids", "prod.json")["assistants"]) == 3


def test_a_document_deleted_by_hand_is_served_from_the_copy_until_published_again(
        project: Path, asst_emulator: Any, s3_server: S3Server, tmp_path: Path) -> None:
    cli = _cli(with_publish(project, "s3://ids/acme/{environment}.json"), asst_emulator, s3_server)
    cli("apply", "--auto-approve")
    consumer = {**s3_server.environ(), "ASST_DEPLOY_SOURCE": SOURCE, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    known = json.loads(service(tmp_path / "svc", consumer).stdout)["ids"]

    s3_server.client().delete_object(Bucket="ids", Key="acme/prod.json")
    served = service(tmp_path / "svc", consumer)
    assert json.loads(served.stdout)["ids"] == known
    assert f"asst-deploy: {SOURCE}: no such object; publish it: `asst-deploy publish`" in served.stderr

    cli("publish")
    assert service(tmp_path / "svc", consumer).stderr == ""


def test_two_environments_publish_side_by_side(project: Path, asst_emulator: Any, s3_server: S3Server,
                                                tmp_path: Path) -> None:
    cli = _cli(with_publish(project, "s3://ids/acme/{environment}.json"), asst_emulator, s3_server)
    cli("apply", "--auto-approve", env="dev")
    cli("apply", "--auto-approve", env="prod")
    ids = {}
    for env in ("dev", "prod"):
        document = s3_server.document("ids", f"acme/{env}.json")
        assert document["environment"] == env
        lock = json.loads((project / f"assistants.{env}.lock.json").read_text())["assistants"]
        assert document["assistants"]["support-bot"]["id"] == lock["support-bot"]["id"]
        consumer = {**s3_server.environ(), "ASST_DEPLOY_SOURCE": "s3://ids/acme/{environment}.json",
                    "ASST_DEPLOY_ENV": env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        ids[env] = json.loads(service(tmp_path / "svc", consumer).stdout)["ids"]
        assert ids[env] == [lock["support-bot"]["id"]]
    assert ids["dev"] != ids["prod"]


def test_a_secret_never_reaches_the_document(tmp_path: Path, asst_emulator: Any, s3_server: S3Server) -> None:
    planted = "Bearer planted-s3cr3t-5b9e0c"
    root = write_project(tmp_path / "p", {
        "asst-deploy.yaml": "project: sec\napi: responses\npublish: [s3://ids/sec.json]\n",
        "assistants/helper.yaml": """\
            name: helper
            model: gpt-4o
            tools:
              - type: mcp
                server_label: tickets
                transport:
                  type: http
                  server_url: https://mcp.example.com/t
                  headers_from_env: {Authorization: MCP_TOKEN}
            """})
    cli = Cli(project=root, emulator=asst_emulator, environ={**s3_server.environ(), "MCP_TOKEN": planted})
    cli("apply", "--auto-approve")
    body = s3_server.client().get_object(Bucket="ids", Key="sec.json")["Body"].read().decode()
    assert "planted-s3cr3t" not in body and "sk-test" not in body
    helper = json.loads(body)["assistants"]["helper"]
    assert helper["responses_env"] == [{"path": ["tools", 0, "headers", "Authorization"], "env": "MCP_TOKEN"}]
    script = ("import json, asst_deploy; print(json.dumps(asst_deploy.responses_kwargs('helper')"
              "['tools'][0]['headers']))")
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ASST_DEPLOY_SOURCE": "s3://ids/sec.json",
           "MCP_TOKEN": planted, **s3_server.environ()}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert json.loads(done.stdout) == {"Authorization": planted}, done.stderr


def test_an_http_source_is_read_once_then_rechecked_with_its_etag(
        project: Path, asst_emulator: Any, s3_server: S3Server, tmp_path: Path, monkeypatch: Any) -> None:
    import asst_deploy
    import asst_deploy.source

    cli = _cli(with_publish(project, "s3://ids/acme/{environment}.json"), asst_emulator, s3_server)
    cli("apply", "--auto-approve")
    public = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                      "Resource": "arn:aws:s3:::ids/acme/*"}]}
    s3_server.client().put_bucket_policy(Bucket="ids", Policy=json.dumps(public))  # as a static site, or behind a CDN
    url = f"{s3_server.endpoint}/ids/acme/prod.json"  # moto serves the object over plain HTTP too
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ASST_DEPLOY_SOURCE_TTL", "3600")
    deployed = asst_deploy.assistant_id("support-bot", source=url)
    held = asst_deploy.source._held[url]
    assert held.etag

    document = s3_server.document("ids", "acme/prod.json")  # a later publish changes an id
    document["assistants"]["support-bot"]["id"] = "asst_republished"
    s3_server.client().put_object(Bucket="ids", Key="acme/prod.json", Body=json.dumps(document).encode())
    assert asst_deploy.assistant_id("support-bot", source=url) == deployed  # within the TTL: not asked again

    monkeypatch.setenv("ASST_DEPLOY_SOURCE_TTL", "0")
    assert asst_deploy.assistant_id("support-bot", source=url) == "asst_republished"  # re-checked: changed
    changed = asst_deploy.source._held[url]
    assert changed.etag != held.etag
    assert asst_deploy.assistant_id("support-bot", source=url) == "asst_republished"
    assert asst_deploy.source._held[url].document is changed.document  # 304 Not Modified: the same document kept
    assert asst_deploy.source._held[url].checked > changed.checked
