"""``asst-deploy schema``: the JSON Schema of a manifest, for editors.

Point an editor at it with ``# yaml-language-server: $schema=../schema/manifest.schema.json``.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..errors import EXIT_OK
from ..manifest.models import Manifest

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def manifest_schema() -> dict[str, Any]:
    """The manifest's JSON Schema, generated from the pydantic model (one source of truth)."""
    schema = Manifest.model_json_schema(by_alias=True)
    return {"$schema": SCHEMA_DIALECT, **schema}


def render_schema(published: bool = False) -> str:
    """The manifest's schema, or (``published``) the published ids document's."""
    if published:
        from ..publish.schema import published_schema

        return json.dumps(published_schema(), indent=2, ensure_ascii=False) + "\n"
    return json.dumps(manifest_schema(), indent=2, ensure_ascii=False) + "\n"


def run_schema(out: TextIO, published: bool = False) -> int:
    """Print the schema as JSON."""
    out.write(render_schema(published))
    return EXIT_OK
