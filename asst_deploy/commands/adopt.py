"""``asst-deploy import`` and ``asst-deploy export``: manifests from assistants that already exist.

``import ASSISTANT_ID NAME`` adopts one assistant made by hand: it writes its manifest (and the
prompt and schema files it refers to), adds this project's ownership marker to its metadata (an
update that sends metadata only: the one change made to the object) and records it in the
lockfile, so that the next plan is empty. ``export`` writes manifests for the assistants on the
account, changing nothing there.

Both only ever write new files: an existing file is never rewritten (the user's YAML is read,
never edited). File contents of purpose ``assistants`` cannot be downloaded from the API, so
retrieval and code-interpreter files are listed in a comment and a warning, never dropped silently.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, TextIO

import yaml

from ..errors import EXIT_OK, AsstDeployError, ValidationFailed
from ..ownership import MARKER_KEY, parse_marker
from ..spec import AssistantSpec, normalize
from .session import Options, Session, open_session

INLINE_INSTRUCTIONS = 400  # longer (or multi-line) instructions go to prompts/<name>.md
PROMPTS_DIR = "prompts"
SCHEMAS_DIR = "schemas"
# Id prefixes of the API's other objects, for "that is not an assistant" errors.
OTHER_KINDS = {
    "vs_": "a vector store", "vsfb_": "a vector store file batch", "file-": "a file", "thread_": "a thread",
    "run_": "a run", "step_": "a run step", "msg_": "a message", "resp_": "a response", "asst_": "an assistant",
    "agent_": "an agent",
}
OWN_PREFIX = {"assistants": "asst_", "agents": "agent_"}
NOUN = {"assistants": "assistant", "agents": "agent"}
SETTING_DEFAULTS = {"verbosity": "medium", "service_tier": "auto"}


# ---- a manifest from an object on the account ---------------------------------------------------


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


def neutral_spec(target: Any, remote: Any, name: str) -> AssistantSpec:
    """The remote object as the planner will see it once it carries our marker."""
    user_metadata = {k: v for k, v in remote.metadata.items() if k != MARKER_KEY}
    return target.canonical(normalize(replace(remote.spec, name=name, metadata=user_metadata), target.defaults))


def render_manifest(
    target: Any, remote: Any, name: str, *, manifests_dir: str, prefix: str = "", suffix: str = "",
    config_defaults: Mapping[str, Any] | None = None, file_notes: list[str] | None = None,
    header: list[str] | None = None,
) -> Rendered:
    """The manifest (and prompt/schema files) that deploys ``remote`` as it is, under ``name``."""
    spec = neutral_spec(target, remote, name)
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
        text = remote.spec.instructions or ""
        if len(text) > INLINE_INSTRUCTIONS or "\n" in text.strip():
            path = f"{PROMPTS_DIR}/{name}.md"
            out.files[path] = text if text.endswith("\n") else text + "\n"
            doc["instructions_file"] = path
        else:
            doc["instructions"] = spec.instructions
    raw_parameters = {}
    for tool in remote.spec.tools:
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
                out.files[path] = json.dumps(parameters, indent=2, ensure_ascii=False) + "\n"
                function["parameters_file"] = path
            if tool.get("strict") is not None:
                function["strict"] = tool["strict"]
            tools.append({"type": "function", "function": function})
        else:
            tools.append({"type": tool["type"], **{k: v for k, v in tool.items() if v is not None and k != "type"}})
    if tools or "tools" in defaults:
        doc["tools"] = tools
    for key in ("temperature", "top_p"):
        value = getattr(spec, key)
        if value is not None and (value != getattr(target.defaults, key) or key in defaults):
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
    out.warnings += _self_check(doc, out.files)
    return out


def _self_check(doc: dict[str, Any], files: Mapping[str, str]) -> list[str]:
    """Problems the manifest would have on validate (the account may hold what a manifest cannot say)."""
    from pydantic import ValidationError

    from ..manifest.models import Manifest
    from ..manifest.resolve import schema_problem

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


def file_notes(remote: Any, storage: Any, names: Mapping[str, str] | None) -> tuple[list[str], list[str]]:
    """Comment lines listing the files that cannot be downloaded, and one-line warnings about them."""
    notes: list[str] = []
    warnings: list[str] = []
    if names is None and (remote.vector_store_ids or remote.code_interpreter_file_ids):
        names = {f.id: f.filename for f in storage.list_files()}
    names = names or {}
    for store_id in remote.vector_store_ids:
        members = storage.list_store_files(store_id)
        notes += ["Retrieval files cannot be downloaded (purpose \"assistants\"), so `files:` lists none.",
                  f"Vector store {store_id} ({len(members)} file{'s' if len(members) != 1 else ''}) stays as it is:"]
        notes += [f"  {m.file_id}  {m.path or names.get(m.file_id, '(name unknown)')}" for m in members]
        warnings.append(f"{len(members)} retrieval file(s) in vector store {store_id} cannot be downloaded "
                        "(purpose \"assistants\"); listed in a comment in the manifest")
    if remote.code_interpreter_file_ids:
        ids = remote.code_interpreter_file_ids
        notes += ["Code-interpreter files cannot be downloaded (purpose \"assistants\"),",
                  "so `code_interpreter_files:` lists none. Attached now:"]
        notes += [f"  {fid}  {names.get(fid, '(name unknown)')}" for fid in ids]
        warnings.append(f"{len(ids)} code-interpreter file(s) cannot be downloaded (purpose \"assistants\"); "
                        "listed in a comment in the manifest")
    if notes:
        notes += ["They stay attached until asst-deploy next updates this assistant, which attaches only",
                  "what the manifest lists: copy the documents into the project and list them to keep them."]
    return notes, warnings


def write_new_files(root: Path, files: Mapping[str, str]) -> list[Path]:
    """Create every file, none of which may exist; on any failure remove those created."""
    created: list[Path] = []
    try:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="") as handle:
                handle.write(text)
            created.append(path)
    except BaseException:
        remove_files(created)
        raise
    return created


def remove_files(paths: list[Path]) -> None:
    for path in reversed(paths):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _config_defaults(project: Any) -> dict[str, Any]:
    return dict(project.config.defaults or {})


def _affixes(project: Any) -> tuple[str, str]:
    from ..config import environment

    env = environment(project.config, project.environment)
    return env.name_prefix, env.name_suffix


def _manifests_rel(project: Any) -> str:
    return project.config.manifests.strip("/") or "."


def _object_target(session: Session) -> Any:
    target = session.target
    if not getattr(target, "holds_objects", True) or session.project.api not in OWN_PREFIX:
        raise AsstDeployError(
            f"api: {session.project.api} keeps no assistant on the server: there is nothing to import or export",
            hint="use --api assistants or --api agents for the API that holds the objects",
        )
    return target


# ---- import ------------------------------------------------------------------------------------


def _check_id(assistant_id: str, api: str) -> None:
    own = OWN_PREFIX[api]
    if assistant_id.startswith(own):
        return
    for prefix, what in OTHER_KINDS.items():
        if assistant_id.startswith(prefix):
            hint = None
            if prefix in OWN_PREFIX.values():
                other = next(a for a, p in OWN_PREFIX.items() if p == prefix)
                hint = f"this project deploys with api: {api}; import it with --api {other}"
            raise AsstDeployError(
                f"{assistant_id} is {what} id, not an {NOUN[api]} id "
                f"({own}...); nothing was written", hint=hint,
            )


def _check_name(name: str, session: Session, root: Path, files: list[str]) -> None:
    from ..manifest.models import NAME_PATTERN

    if not re.match(NAME_PATTERN, name) or len(name) > 64:
        raise AsstDeployError(
            f"{name!r} is not a valid name: use lowercase letters, digits, - and _ "
            "(starting with a letter or digit, at most 64 characters); nothing was written"
        )
    sources = {s.name: s.source for s in session.project.specs}
    if name in sources:
        raise AsstDeployError(f"the name {name!r} is already used by {sources[name]}; choose another; "
                              "nothing was written")
    if name in session.lock["assistants"]:
        raise AsstDeployError(f"the name {name!r} is already in {session.project.lockfile.name} "
                              f"(id {session.lock['assistants'][name].get('id') or '-'}); choose another; "
                              "nothing was written")
    existing = [rel for rel in files if (root / rel).exists()]
    if existing:
        raise AsstDeployError(f"{', '.join(existing)} already exist(s); import never rewrites a file: "
                              "choose another name or move the file; nothing was written")


def _owner_text(marker: Any) -> str:
    parsed = parse_marker(marker)
    if parsed is None:
        return f"an unreadable {MARKER_KEY} marker ({marker!r})"
    return f"project {parsed[0]!r}, environment {parsed[1]!r}, as {parsed[2]!r}"


def run_import(options: Options, assistant_id: str, name: str, force: bool = False, *,
               out: TextIO | None = None, err: TextIO | None = None) -> int:
    from ..lockfile import read_lock, write_lock

    out, err = out or sys.stdout, err or sys.stderr  # looked up per call: tests swap sys.stdout
    from .apply import apply_lock
    from .session import load

    assistant_id = assistant_id.strip()
    loaded = load(options)
    project, owner = loaded[0], loaded[1]
    with apply_lock(project.root, owner.environment, 0):
        with open_session(options, err=err, loaded=loaded) as session:
            target = _object_target(session)
            noun = NOUN[session.project.api]
            _check_id(assistant_id, session.project.api)
            _check_name(name, session, session.project.root, [])
            try:
                remote = target.retrieve(assistant_id)
            except AsstDeployError as exc:
                raise AsstDeployError(f"{exc.message}; nothing was written", hint=exc.hint) from None
            marker = remote.metadata.get(MARKER_KEY)
            taken_from = None
            if marker is not None:
                mine = owner.owns(dict(remote.metadata))
                if not force:
                    if mine is not None:
                        raise AsstDeployError(
                            f"{assistant_id} is already managed by this project and environment as {mine!r}; "
                            "nothing was written", hint="pass --force to adopt it under the new name")
                    raise AsstDeployError(
                        f"{assistant_id} belongs to {_owner_text(marker)}; importing it would take it from "
                        "that project; nothing was written",
                        hint="pass --force to adopt it anyway (that project would then create a replacement)")
                taken_from = _owner_text(marker)
            user_metadata = {k: v for k, v in remote.metadata.items() if k != MARKER_KEY}
            from ..manifest.models import MAX_USER_METADATA_PAIRS

            if len(user_metadata) > MAX_USER_METADATA_PAIRS:
                raise AsstDeployError(
                    f"{assistant_id} has {len(user_metadata)} metadata pairs; the API allows 16 and the ownership "
                    f"marker needs one: remove a pair first; nothing was written")
            notes, file_warnings = file_notes(remote, session.storage, None)
            prefix, suffix = _affixes(session.project)
            rendered = render_manifest(
                target, remote, name, manifests_dir=_manifests_rel(session.project), prefix=prefix, suffix=suffix,
                config_defaults=_config_defaults(session.project), file_notes=notes,
                header=[f"# Imported by asst-deploy from {noun} {assistant_id}."],
            )
            _check_name(name, session, session.project.root, list(rendered.files))
            created = write_new_files(session.project.root, rendered.files)
            try:
                differences = _predict(session, target, remote, name)
                metadata = {**user_metadata, MARKER_KEY: owner.marker(name)}
                target.adopt(assistant_id, metadata)
            except BaseException:
                remove_files(created)
                raise
            lock = read_lock(session.project.lockfile, owner.project, owner.environment)
            lock["assistants"][name] = {"id": assistant_id, "api": target.api, "code_interpreter_files": {}}
            write_lock(session.project.lockfile, lock)
    root = session.project.root
    out.write(f"Imported {noun} {assistant_id} as {name!r} (project {owner.project}, "
              f"environment {owner.environment}):\n")
    for path in created:
        out.write(f"  wrote {path.relative_to(root).as_posix()}\n")
    out.write(f"  marked it with metadata {MARKER_KEY}={owner.marker(name)} (the only change made to it)\n")
    out.write(f"  recorded it in {session.project.lockfile.name}\n")
    if taken_from:
        err.write(f"warning: {assistant_id} belonged to {taken_from} (taken over with --force); "
                  "that project no longer sees it and would create a replacement on its next apply\n")
    for line in file_warnings:
        err.write(f"warning: {name}: {line}\n")
    for line in rendered.warnings:
        err.write(f"warning: {name}: the manifest will not validate as written: {line}\n")
    if differences:
        err.write(f"warning: {name}: with this project's settings (asst-deploy.yaml defaults and environment "
                  f"{owner.environment!r}) the next plan will update: {', '.join(differences)}\n")
    else:
        out.write("The next plan shows no change for it.\n")
    return EXIT_OK


def _predict(session: Session, target: Any, remote: Any, name: str) -> list[str]:
    """The fields the next plan would change on the adopted object (none, unless the config says so)."""
    from ..manifest.loader import load_project
    from ..plan.planner import Desired, plan
    from ..state import Observed, ObservedAssistant

    try:
        project = load_project(session.project.root, session.project.environment, session.options.api)
    except ValidationFailed as exc:
        raise AsstDeployError(f"the manifest written for {remote.id} does not validate, so it was removed again "
                              f"and nothing was changed:\n{exc}") from None
    spec = next(s for s in project.specs if s.name == name)
    desired = Desired(
        project=session.owner.project, environment=session.owner.environment, api=project.api, kind=target.kind,
        specs=(target.canonical(normalize(spec, target.defaults)),), ignore_unset=target.ignore_unset,
        write_only=target.write_only, targets=frozenset({name}),
    )
    observed = ObservedAssistant(
        id=remote.id, name=name, spec=neutral_spec(target, remote, name), vector_store_ids=remote.vector_store_ids,
        code_interpreter_file_ids=remote.code_interpreter_file_ids, kind=target.kind.value,
    )
    entry = {"id": remote.id, "api": target.api, "code_interpreter_files": {}}
    result = plan(desired, Observed(assistants=(observed,)), {"assistants": {name: entry}})
    fields = []
    for change in result.changes:
        if change.fields:
            fields += [f.field for f in change.fields]
        else:
            fields.append(f"{change.type.value} {change.action.value}")
    return sorted(dict.fromkeys(fields))


# ---- export ------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """A manifest name from a display name: lowercase, other characters -> '-'."""
    value = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    value = re.sub(r"-{2,}", "-", value)[:60].strip("-_")
    return value or "assistant"


def run_export(options: Options, out_dir: Path | None, include_all: bool = False, *,
               out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    options = _with_manifests_folder(options)
    with open_session(options, err=err) as session:
        target = _object_target(session)
        noun = NOUN[session.project.api]
        project = session.project
        manifests = (project.root / project.config.manifests).resolve()
        into_project = out_dir is None or out_dir.resolve() == manifests
        root = project.root if into_project or out_dir is None else out_dir.resolve()
        manifests_rel = _manifests_rel(project) if into_project else "."
        remotes = [r for r in target.list() if include_all or MARKER_KEY not in r.metadata]
        prefix, suffix = _affixes(project)
        used = {s.name for s in project.specs} | set(session.lock["assistants"])
        need_names = any(r.vector_store_ids or r.code_interpreter_file_ids for r in remotes)
        names = {f.id: f.filename for f in session.storage.list_files()} if need_names else {}
        written: list[tuple[str, str, Rendered]] = []
        for remote in remotes:
            parsed = parse_marker(remote.metadata.get(MARKER_KEY))
            base = parsed[2] if parsed else slug(strip_affixes(remote.spec.display_name, prefix, suffix) or remote.id)
            notes, warnings = file_notes(remote, session.storage, names)
            rendered = None
            for n in range(1, 1000):
                candidate = base if n == 1 else f"{base}-{n}"
                if candidate in used:
                    continue
                rendered = render_manifest(
                    target, remote, candidate, manifests_dir=manifests_rel, prefix=prefix, suffix=suffix,
                    config_defaults=_config_defaults(project), file_notes=notes,
                    header=[f"# Exported by asst-deploy from {noun} {remote.id}"
                            + (f" (managed by {_owner_text(remote.metadata[MARKER_KEY])})" if parsed else "") + ".",
                            f"# Applying it creates a copy; `asst-deploy import {remote.id} {candidate}` "
                            "adopts the original instead."],
                )
                if not any((root / rel).exists() for rel in rendered.files):
                    break
            assert rendered is not None
            used.add(rendered.name)
            write_new_files(root, rendered.files)
            rendered.warnings = warnings + rendered.warnings
            written.append((remote.id, remote.spec.display_name, rendered))
    where = "" if into_project else f" under {root}"
    if not written:
        what = f"{noun}s" if include_all else f"unmanaged {noun}s (--all includes managed ones)"
        out.write(f"No {what} on the account: nothing exported.\n")
        return EXIT_OK
    out.write(f"Exported {len(written)} {noun}{'s' if len(written) != 1 else ''}{where}:\n")
    for object_id, display, rendered in written:
        out.write(f"  {object_id} ({display or 'no name'}) -> {', '.join(rendered.files)}\n")
    for object_id, _, rendered in written:
        for line in rendered.warnings:
            err.write(f"warning: {rendered.name} ({object_id}): {line}\n")
    if into_project:
        out.write(f"Note: `apply` creates new {noun}s from these manifests (copies: the originals stay as they are, "
                  "unmanaged). To manage an original instead, export to another folder (--out) and run "
                  "`asst-deploy import ID NAME`, as each manifest's first lines say.\n")
    else:
        out.write(f"Paths inside these manifests are relative to {root}: copy the manifests into your manifests "
                  f"folder and {PROMPTS_DIR}/, {SCHEMAS_DIR}/ to your project root, or adopt an original with "
                  "`asst-deploy import ID NAME` (each manifest's first lines say how).\n")
    return EXIT_OK


def _with_manifests_folder(options: Options) -> Options:
    """Export may start a project from an account: create the manifests folder if it is missing."""
    from ..config import read_config

    config, _, problems = read_config(options.project_dir)
    if config is not None and not problems:
        folder = Path(options.project_dir) / config.manifests
        if not folder.exists():
            os.makedirs(folder, exist_ok=True)
    return options
