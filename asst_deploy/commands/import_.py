"""``asst-deploy import ASSISTANT_ID NAME``: adopt an existing assistant (see adopt/importer.py)."""

from __future__ import annotations

import sys
from typing import TextIO

from ..adopt.importer import import_object
from ..apply_lock import apply_lock
from ..errors import EXIT_OK
from ..ownership import MARKER_KEY
from ..session import Options, leave_runtime_index, load, open_session


def run_import(options: Options, assistant_id: str, name: str, force: bool = False, *,
               out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr  # looked up per call: tests swap sys.stdout
    loaded = load(options, err=err)
    project, owner = loaded.project, loaded.owner
    leave_runtime_index(project)
    assistant_id = assistant_id.strip()
    with apply_lock(project.root, owner.environment, 0):
        with open_session(options, err=err, loaded=loaded) as session:
            done = import_object(session, assistant_id, name, force=force)
    out.write(f"Imported {done.noun} {assistant_id} as {name!r} (project {owner.project}, "
              f"environment {owner.environment}):\n")
    for path in done.created:
        out.write(f"  wrote {path.relative_to(project.root).as_posix()}\n")
    out.write(f"  marked it with metadata {MARKER_KEY}={done.marker} (the only change made to it)\n")
    out.write(f"  recorded it in {project.lockfile.name}\n")
    if done.taken_from:
        err.write(f"warning: {assistant_id} belonged to {done.taken_from} (taken over with --force); "
                  "that project no longer sees it and would create a replacement on its next apply\n")
    for line in done.file_warnings:
        err.write(f"warning: {name}: {line}\n")
    for line in done.rendered.warnings:
        err.write(f"warning: {name}: the manifest will not validate as written: {line}\n")
    if done.differences:
        err.write(f"warning: {name}: with this project's settings (asst-deploy.yaml defaults and environment "
                  f"{owner.environment!r}) the next plan will update: {', '.join(done.differences)}\n")
    else:
        out.write("The next plan shows no change for it.\n")
    return EXIT_OK
