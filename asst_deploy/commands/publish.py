"""``asst-deploy publish``: write the environment's ids document to the ``publish:`` destinations
now (after a refused publish, a document deleted by hand, a new destination). No OpenAI request."""

from __future__ import annotations

from ..apply_lock import apply_lock
from ..console import Console
from ..errors import EXIT_OK, AsstDeployError
from ..publish.run import Publishing
from ..session import Options, load, read_lockfile
from .ids import nothing_deployed


def run_publish(options: Options, console: Console, *, lock_timeout: float = 0.0) -> int:
    loaded = load(options, err=console.stderr)
    project = loaded.project
    if not project.config.publish:
        raise AsstDeployError("asst-deploy.yaml names no destination to publish to",
                              hint="add e.g. publish: [s3://BUCKET/{project}/{environment}.json] or a path")
    with apply_lock(project.root, loaded.owner.environment, lock_timeout):  # no apply rewrites the lockfile meanwhile
        lock = read_lockfile(project, loaded.owner)
        if not lock.entries:
            console.say(nothing_deployed(project.lockfile, loaded.owner.environment))
        written = Publishing(project, lock).run()
    console.out(f"Published the ids of {len(lock.entries)} assistant(s) to {', '.join(written)}\n")
    return EXIT_OK
