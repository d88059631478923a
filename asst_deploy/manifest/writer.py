"""A manifest from a spec: the inverse of manifest-to-spec, for ``import`` and ``export``.

Pure: it turns an :class:`AssistantSpec` (as the API returned it) into the YAML text of a manifest
and the prompt and schema files it refers to, and says what the written manifest would fail on in
``validate``. Reading the account and writing files are the callers' job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

import yaml

from ..spec import AssistantSpec, Defaults

INLINE_INSTRUCTIONS = 400  # longer (or multi-line) instructions go to prompts/<name>.md
PROMPTS_DIR = "prompts"
SCHEMAS_DIR = "schemas"
SETTING_DEFAULTS = {"verbosity": "medium", "service_tier": "auto"}


@dataclass
class Rendered:
    """One manifest and the files it refers to, as project-relative paths and their text."""

    name: str
    manifest_path: str
    files: dict[str, str] = field(default_factory=dict)  # path -> text, the manifest first
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the manifest as YAML data (for checks)


class _Dumper(yaml.SafeDumper):
    """Block-style YAML with multi-line strings as literal blocks, keys in the order given."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _str(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def strip_affixes(display_name: str, prefix: str, suffix: str) -> str:
    """The display name without the environment's name_prefix/name_suffix, when it carries them."""
    if prefix and display_name.startswith(prefix) and len(display_name) > len(prefix):
        display_name = display_name[len(prefix):]
    if suffix and display_name.endswith(suffix) and len(display_name) > len(suffix):
        display_name = display_name[: -len(suffix)]
    return display_name


def render_manifest(
    spec: AssistantSpec, name: str, *, original: AssistantSpec, api_defaults: Defaults, manifests_dir: str,
    prefix: str = "", suffix: str = "", config_defaults: Mapping[str, Any] | None = None,
    file_notes: list[str] | None = None, header: list[str] | None = None, resources: Mapping[str, Any] | None = None,
) -> Rendered:
    """The manifest (and prompt/schema files) that deploys ``spec`` as it is, under ``name``.

    ``spec`` is normalized by the target API's rules (what the planner compares); ``original`` is
    the same object as the API returned it, whose instruction text and schema key order are kept.
    Fields equal to the API's defaults are left out unless the config's ``defaults`` set them.
    ``resources`` (``files``, ``vector_store``, ``code_interpreter_files``) go in as they are."""
    defaults = dict(config_defaults or {})
    out = Rendered(name, f"{manifests_dir.rstrip('/')}/{name}.yaml" if manifests_dir.strip("/.") else f"{name}.yaml")
    doc: dict[str, Any] = {"name": name}
    display = strip_affixes(spec.display_name, prefix, suffix)
    if display != name:
        doc["display_name"] = display
    doc["model"] = spec.model
    if spec.description is not None:
        doc["description"] = spec.description
    if spec.instructions is not None:
        text = original.instructions or ""
        if len(text) > INLINE_INSTRUCTIONS or "\n" in text.strip():
            path = f"{PROMPTS_DIR}/{name}.md"
            out.files[path] = text if text.endswith("\n") else text + "\n"
            doc["instructions_file"] = path
        else:
            doc["instructions"] = spec.instructions
    tools = _tools(spec, original, name, out.files)
    if tools or "tools" in defaults:
        doc["tools"] = tools
    doc.update(resources or {})
    for key in ("temperature", "top_p"):
        value = getattr(spec, key)
        if value is not None and (value != getattr(api_defaults, key) or key in defaults):
            doc[key] = value
    if spec.response_format not in (None, "auto") or "response_format" in defaults:
        doc["response_format"] = spec.response_format if spec.response_format is not None else "auto"
    if spec.reasoning_effort is not None:
        doc["reasoning_effort"] = spec.reasoning_effort
    for key in ("verbosity", "service_tier"):  # the Agents API echoes its defaults: leave those out
        if (spec.settings or {}).get(key) not in (None, SETTING_DEFAULTS[key]):
            doc[key] = spec.settings[key]
    if spec.metadata:
        doc["metadata"] = dict(spec.metadata)
    for key in ("description", "instructions"):  # a default the object does not have: say so explicitly
        if key in defaults and key not in doc and not (key == "instructions" and "instructions_file" in doc):
            doc[key] = None
    out.data = doc
    lines = list(header or []) + [f"# {line}" if line else "#" for line in (file_notes or [])]
    text = "\n".join(lines) + ("\n" if lines else "") + dump_yaml(doc)
    out.files = {out.manifest_path: text, **out.files}
    out.warnings += self_check(doc, out.files)
    return out


def _tools(spec: AssistantSpec, original: AssistantSpec, name: str, files: dict[str, str]) -> list[dict[str, Any]]:
    """Tools as a manifest writes them; each function's parameters go to schemas/<name>.<function>.json."""
    raw_parameters = {}
    for tool in original.tools:
        raw_function = tool.get("function", tool) if tool.get("type") == "function" else {}
        if raw_function.get("name") and isinstance(raw_function.get("parameters"), dict):
            raw_parameters[raw_function["name"]] = raw_function["parameters"]
    tools = []
    for tool in spec.tools:
        if tool.get("type") == "function":
            function: dict[str, Any] = {"name": tool["name"]}
            if tool.get("description"):
                function["description"] = tool["description"]
            if tool.get("parameters") is not None:
                path = f"{SCHEMAS_DIR}/{name}.{tool['name']}.json"
                parameters = raw_parameters.get(tool["name"], tool["parameters"])  # the key order as written
                files[path] = json.dumps(parameters, indent=2, ensure_ascii=False) + "\n"
                function["parameters_file"] = path
            if tool.get("strict") is not None:
                function["strict"] = tool["strict"]
            tools.append({"type": "function", "function": function})
        else:
            tools.append({"type": tool["type"], **{k: v for k, v in tool.items() if v is not None and k != "type"}})
    return tools


def self_check(doc: dict[str, Any], files: Mapping[str, str]) -> list[str]:
    """Problems the manifest would have on validate (the account may hold what a manifest cannot say)."""
    from pydantic import ValidationError

    from .models import Manifest
    from .resolve import schema_problem

    problems = []
    inline = dict(doc)
    inline.pop("instructions_file", None)
    try:
        Manifest.model_validate(inline)
    except ValidationError as exc:
        for error in exc.errors()[:5]:
            where = ".".join(str(p) for p in error["loc"] if not str(p).startswith("~"))
            problems.append(f"{where}: {error['msg']}")
    for path, text in files.items():
        if path.endswith(".json"):
            why = schema_problem(json.loads(text))
            if why:
                problems.append(f"{path}: {why}")
    return problems
