"""An automation's environment as the Agents API reads it back, and a digest of what it never returns.

The API answers ``target.environment`` in another shape than the one sent (the SDK's
``AutomationEnvironment``): setup commands and variables omitted, an inline file's data replaced
by its decoded size, an inline skill's or plugin's archive left out, the network without its
blocked domains, all three package lists present. A plan compares the readable part in that shape
on both sides (``readable`` gives it for either), and the write-only part by a digest of what was
sent (``written``): apply records it in the automation's metadata in the same update that sends the
environment, so the record never moves without the change it records.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any, Mapping

WRITTEN_KEY = "asst-deploy-environment"  # automation metadata: the digest of the write-only parts last sent
_CONFIDENTIAL = ("setup_commands", "env")
_PACKAGES = ("npm", "python", "system")


def _size(data: str) -> int | None:
    try:
        return len(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        return None  # the API refuses it: no size to compare


def _file(item: Mapping[str, Any]) -> dict[str, Any]:
    if item.get("type") == "inline" and "data" in item:
        return {"type": "inline", "path": item.get("path"), "size_bytes": _size(str(item["data"]))}
    return {k: v for k, v in item.items() if v is not None}


def _archive(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "source" and v is not None}


def readable(environment: Mapping[str, Any] | None) -> dict[str, Any]:
    """The environment as the API reads it back; idempotent (read-back input comes out as it went in,
    its nulls, which mean 'inherit' as an omission does, dropped)."""
    env = {k: v for k, v in (environment or {"type": "none"}).items() if v is not None}
    if env["type"] == "self_hosted":
        return {**env, "capability_directories": list(env.get("capability_directories") or ())}
    if env["type"] != "openai_hosted":
        return env
    out = {k: v for k, v in env.items() if k not in _CONFIDENTIAL}
    if "files" in env:
        out["files"] = [_file(item) for item in env["files"]]
    for key in ("skills", "plugins"):
        if key in env:
            out[key] = [_archive(item) for item in env[key]]
    if "network" in env:
        out["network"] = {"access": env["network"].get("access"),
                          "allowed_domains": list(env["network"].get("allowed_domains") or ())}
    if "packages" in env:
        out["packages"] = {key: list(env["packages"].get(key) or ()) for key in _PACKAGES}
    return out


def written(environment: Mapping[str, Any] | None) -> str | None:
    """A digest of the parts the API takes but never returns (None: there are none). Not a secret's
    hiding place: the manifest holds them in the clear; the digest only tells an edit apart."""
    env = environment or {}
    parts: dict[str, list[Any]] = {
        "confidential": [env.get(key) or None for key in _CONFIDENTIAL],
        "files": [item.get("data") for item in env.get("files") or ()],
        "archives": [item.get("source") for key in ("skills", "plugins") for item in env.get(key) or ()],
        "blocked_domains": list((env.get("network") or {}).get("blocked_domains") or ())}
    if not any(any(values) for values in parts.values()):
        return None
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]
