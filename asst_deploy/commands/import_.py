"""``asst-deploy import ASSISTANT_ID NAME``: adopt an existing assistant (see adopt/importer.py)."""

from __future__ import annotations

from ..adopt.importer import import_object
from ..apply_lock import apply_lock
from ..console import Console
from ..errors import EXIT_OK
from ..ownership import MARKER_KEY
from ..session import Options, leave_runtime_index, load, open_session


def run_import(options: Options, assistant_id: str, name: str, console: Console, force: bool = False) -> int:
    loaded = load(options, err=console.stderr)
    project, owner = loaded.project, loaded.owner
    leave_runtime_index(project)
    assistant_id = assistant_id.strip()
    with apply_lock(project.root, owner.environment, 0):
        with open_session(options, err=console.stderr, loaded=loaded, on_event=console.emit) as session:
            done = import_object(session, assistant_id, name, force=force)
    console.out(f"Imported {done.noun} {assistant_id} as {name!r} (project {owner.project}, "
                f"environment {owner.environment}):\n")
    for path in done.created:
        console.out(f"  wrote {path.relative_to(project.root).as_posix()}\n")
    console.out(f"  marked it with metadata {MARKER_KEY}={done.marker} (the only change made to it)\n")
    console.out(f"  recorded it in {project.lockfile.name}\n")
    if done.taken_from:
        console.warn(f"{assistant_id} belonged to {done.taken_from} (taken over with --force); "
                     "that project no longer sees it and would create a replacement on its next apply")
    for line in done.file_warnings:
        console.warn(f"{name}: {line}")
    for line in done.rendered.warnings:
        console.warn(f"{name}: the manifest will not validate as written: {line}")
    if done.differences:
        console.warn(f"{name}: with this project's settings (asst-deploy.yaml defaults and environment "
                     f"{owner.environment!r}) the next plan will update: {', '.join(done.differences)}")
    else:
        console.out("The next plan shows no change for it.\n")
    return EXIT_OK
