"""``ids --format configmap``: the deployed ids as a Kubernetes ConfigMap, for teams that ship ids
with a service's deployment instead of fetching them (README: Sharing ids with other teams).

It carries the variables of ``--format env`` (``ASST_DEPLOY_<NAME>``, ``..._VECTOR_STORE``) for
``envFrom``, and the published ids document as ``asst-deploy-ids.json``: a pod that mounts it sets
``ASST_DEPLOY_SOURCE`` to that file and gets every runtime lookup, ``agents.agent`` included.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..lock.entry import LockDocument
from ..spec import AssistantSpec
from .document import build_document, document_bytes

DOCUMENT_KEY = "asst-deploy-ids.json"


def configmap_name(project: str, environment: str) -> str:
    """A valid Kubernetes object name (a DNS-1123 subdomain) for the project's environment."""
    name = re.sub(r"[^a-z0-9.-]+", "-", f"{project}-{environment}-asst-deploy-ids".lower()).strip("-.")
    return name[:253].rstrip("-.")


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings (the document) as literal blocks, readable in review."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _string)


def configmap(lock: LockDocument, specs: tuple[AssistantSpec, ...], variables: dict[str, str]) -> str:
    """The ConfigMap manifest: ``variables`` and the published document of ``lock``."""
    document = document_bytes(build_document(lock, specs)).decode("utf-8")
    manifest: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": configmap_name(lock.project, lock.environment),
            "labels": {"app.kubernetes.io/managed-by": "asst-deploy"},
            "annotations": {"asst-deploy/project": lock.project, "asst-deploy/environment": lock.environment},
        },
        "data": {**variables, DOCUMENT_KEY: document},
    }
    return yaml.dump(manifest, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
