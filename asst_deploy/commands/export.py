"""``asst-deploy export [--out DIR]``: manifests for existing assistants (see adopt/exporter.py)."""

from __future__ import annotations

from pathlib import Path

from ..console import Console
from ..adopt.exporter import ensure_manifests_folder, export_objects
from ..errors import EXIT_OK
from ..manifest.writer import PROMPTS_DIR, SCHEMAS_DIR
from ..session import Options, load, open_session, read_lockfile


def run_export(options: Options, out_dir: Path | None, console: Console, include_all: bool = False,
               fmt: str = "manifests") -> int:
    if fmt == "promptfoo":
        return _promptfoo(options, out_dir, console)
    ensure_manifests_folder(options.project_dir)
    with open_session(options, err=console.stderr, on_event=console.emit) as session:
        done = export_objects(session, out_dir, include_all=include_all)
    noun = done.noun
    if not done.written:
        what = f"{noun}s" if include_all else f"unmanaged {noun}s (--all includes managed ones)"
        console.out(f"No {what} on the account: nothing exported.\n")
        return EXIT_OK
    where = "" if done.into_project else f" under {done.root}"
    console.out(f"Exported {len(done.written)} {noun}{'s' if len(done.written) != 1 else ''}{where}:\n")
    for object_id, display, rendered in done.written:
        console.out(f"  {object_id} ({display or 'no name'}) -> {', '.join(rendered.files)}\n")
    for object_id, _, rendered in done.written:
        for line in rendered.warnings:
            console.warn(f"{rendered.name} ({object_id}): {line}")
    if done.into_project:
        console.out(f"Note: `apply` creates new {noun}s from these manifests (copies: the originals stay as they are, "
                    "unmanaged). To manage an original instead, export to another folder (--out) and run "
                    "`asst-deploy import ID NAME`, as each manifest's first lines say.\n")
    else:
        console.out(f"Paths inside these manifests are relative to {done.root}: copy the manifests into your "
                    f"manifests folder and {PROMPTS_DIR}/, {SCHEMAS_DIR}/ to your project root, or adopt an original "
                    "with `asst-deploy import ID NAME` (each manifest's first lines say how).\n")
    return EXIT_OK


def _promptfoo(options: Options, out_dir: Path | None, console: Console) -> int:
    """The checks as promptfoo configs, pointed at what the lockfile says is deployed: nothing is sent."""
    from ..checks.promptfoo import write_configs

    loaded = load(options, err=console.stderr)
    folder = out_dir or loaded.project.root / "promptfoo"
    written = write_configs(loaded.project, read_lockfile(loaded.project, loaded.owner), folder)
    if not written:
        console.out("No deployed assistant has checks: nothing exported (apply, then export).\n")
    for exported in written:
        console.out(f"Wrote {exported.path} ({len(exported.config['tests'])} test(s))\n")
        for line in exported.warnings:
            console.warn(f"{exported.name}: {line}")
    return EXIT_OK
