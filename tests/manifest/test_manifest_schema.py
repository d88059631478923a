"""`asst-deploy schema`: generated from the model, committed for editors, described everywhere."""

from __future__ import annotations

import io
import json
from pathlib import Path

from asst_deploy.commands.schema import manifest_schema, run_schema

REPO = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_command() -> None:
    out = io.StringIO()
    assert run_schema(out) == 0
    assert (REPO / "schema/manifest.schema.json").read_text(encoding="utf-8") == out.getvalue()


def test_schema_has_dialect_title_and_a_description_on_every_field() -> None:
    schema = manifest_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "asst-deploy assistant manifest"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"name", "model"}
    for model in [schema, *schema["$defs"].values()]:
        for name, prop in model.get("properties", {}).items():
            assert prop.get("description"), f"{model.get('title')}.{name} has no description"


def test_example_manifests_validate_against_the_schema() -> None:
    import jsonschema
    import yaml

    validator = jsonschema.Draft202012Validator(manifest_schema())
    for path in [*REPO.glob("assistants/*.yaml"), *REPO.glob("examples/six-hats/assistants/*.yaml")]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.setdefault("model", "from-defaults")
        assert list(validator.iter_errors(data)) == [], path
    assert json.loads(json.dumps(manifest_schema()))  # plain JSON
