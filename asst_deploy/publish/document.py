"""The published ids document: what a service needs from one environment, and nothing else.

A lockfile holds what the tool needs to plan (file hashes, digests, unfinished work); a service in
another repository needs only ids and request settings, so the document is those, per assistant,
versioned and described by ``schema/published.schema.json``. The runtime lookups read it with the
lockfile's own keys (``id``, ``vector_store_id``, ``responses``, ``responses_env``). Secrets never
enter it: MCP credentials stay environment variable names (``responses_env``), as in the lockfile.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import warnings
from typing import Any, Mapping

from ..lock.entry import LockDocument, LockEntry
from ..spec import AssistantSpec

FORMAT = "asst-deploy/ids"
DOCUMENT_VERSION = 1


def build_document(lock: LockDocument, specs: tuple[AssistantSpec, ...], *,
                   now: datetime.datetime | None = None) -> dict[str, Any]:
    """The document of ``lock``'s environment; ``specs`` (the manifests as deployed there) give
    the Responses settings of entries whose settings live on the server (api: assistants, agents)."""
    by_name = {spec.name: spec for spec in specs}
    assistants = {name: _published_entry(name, entry, by_name.get(name))
                  for name, entry in sorted(lock.entries.items()) if not entry.is_empty()}
    when = (now or datetime.datetime.now(datetime.timezone.utc)).replace(microsecond=0)
    return {"format": FORMAT, "version": DOCUMENT_VERSION, "project": lock.project,
            "environment": lock.environment, "published_at": when.isoformat().replace("+00:00", "Z"),
            "assistants": assistants}


def _published_entry(name: str, entry: LockEntry, spec: AssistantSpec | None) -> dict[str, Any]:
    api = entry.api or ("responses" if entry.responses is not None else "assistants")
    out: dict[str, Any] = {"api": api}
    if entry.id:
        out["id"] = entry.id
    if entry.vector_store_id:
        out["vector_store_id"] = entry.vector_store_id
    out["code_interpreter_file_ids"] = sorted({f.id for f in entry.code_interpreter_files.values()})
    kwargs, refs = _settings(name, entry, spec)
    if kwargs is not None:
        out["responses"] = kwargs
    if refs:
        out["responses_env"] = refs
    if entry.applied:
        out["digest"] = entry.applied
    return out


def _settings(name: str, entry: LockEntry, spec: AssistantSpec | None) -> tuple[dict[str, Any] | None, list[Any]]:
    """The Responses kwargs with secrets as variable names: as recorded (api: responses), else
    made from the manifest with the lockfile's ids, as ``asst_deploy.agents`` makes them."""
    if entry.responses is not None:
        return dict(entry.responses), list(entry.responses_env or ())
    if spec is None:
        return None, []
    from ..backends.responses import secret_refs
    from ..deployed_settings import kwargs_of_spec

    files = tuple(f.id for f in entry.code_interpreter_files.values())
    with warnings.catch_warnings():  # a translated setting is said when a service builds its agent
        warnings.simplefilter("ignore")
        kwargs = kwargs_of_spec(name, spec, entry.vector_store_id, files)
    return kwargs, secret_refs(spec)


def document_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def content_digest(document: Mapping[str, Any]) -> str:
    """What the document says, without when: two publishes of the same ids have the same digest."""
    body = {key: value for key, value in document.items() if key != "published_at"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
