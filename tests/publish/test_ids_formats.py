"""``ids --format dotenv|configmap``: ids shipped as configuration, read back as a pod would."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from support.cli import Cli
from support.projects import REPO

import asst_deploy


def test_dotenv_names_whose_ids_and_quotes_them(project: Path, cli: Cli) -> None:
    cli("apply", "--auto-approve")
    lock = json.loads((project / "assistants.prod.lock.json").read_text())["assistants"]
    lines = cli("ids", "--format", "dotenv").stdout.splitlines()
    assert lines[0] == "# asst-deploy ids: project acme-support, environment prod"
    assert f'ASST_DEPLOY_SUPPORT_BOT="{lock["support-bot"]["id"]}"' in lines
    assert f'ASST_DEPLOY_SUPPORT_BOT_VECTOR_STORE="{lock["support-bot"]["vector_store_id"]}"' in lines
    assert len(lines) == 1 + 3 + 1  # three assistants, one vector store


def test_a_configmap_carries_the_variables_and_the_document_a_pod_reads(
        project: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("apply", "--auto-approve")
    lock = json.loads((project / "assistants.prod.lock.json").read_text())["assistants"]
    manifest = yaml.safe_load(cli("ids", "--format", "configmap").stdout)
    assert (manifest["apiVersion"], manifest["kind"]) == ("v1", "ConfigMap")
    assert manifest["metadata"]["name"] == "acme-support-prod-asst-deploy-ids"
    assert manifest["metadata"]["annotations"] == {"asst-deploy/project": "acme-support",
                                                   "asst-deploy/environment": "prod"}
    data = manifest["data"]
    assert data["ASST_DEPLOY_ORDER_ASSISTANT"] == lock["order-assistant"]["id"]
    document = json.loads(data["asst-deploy-ids.json"])
    jsonschema.validate(document, json.loads((REPO / "schema/published.schema.json").read_text(encoding="utf-8")))

    mounted = tmp_path / "pod/etc/asst-deploy/asst-deploy-ids.json"  # the ConfigMap mounted as a volume
    mounted.parent.mkdir(parents=True)
    mounted.write_text(data["asst-deploy-ids.json"], encoding="utf-8")
    monkeypatch.chdir(mounted.parent)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("ASST_DEPLOY_SOURCE", str(mounted))
    assert asst_deploy.assistant_id("support-bot") == lock["support-bot"]["id"]
