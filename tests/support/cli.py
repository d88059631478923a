"""The one way the test suites run ``asst-deploy``: the real click command, in process or as its
own process, pointed at an emulator only through the variables a user would set.

``Cli(project=..., emulator=...)("plan", "--format", "json")`` runs
``asst-deploy plan --project-dir P --backend openai --format json`` with ``OPENAI_BASE_URL`` and
``OPENAI_API_KEY`` set for that run only, and checks the exit code (``code=None`` accepts any).
A leading ``Path`` argument names another project for one call: ``cli(other, "apply")``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from asst_deploy.cli import main

API_KEY = "sk-test-cli-0123456789"
EXECUTABLE = str(Path(sys.executable).parent / "asst-deploy")
# Variables of ours that a developer's shell may have set; a test must not inherit them.
OURS = ("ASST_DEPLOY_ENV", "ASST_DEPLOY_BACKEND", "ASST_DEPLOY_LOCKFILE", "ASST_DEPLOY_SOURCE", "ASST_DEPLOY_SOURCE_TTL")
CACHE_SETTINGS = ("ASST_DEPLOY_CACHE", "ASST_DEPLOY_CACHE_DIR")  # the suite's (tests/conftest.py): kept
_KEEP = object()  # "use the Cli's own setting"
SEND_NOTHING = ("validate", "ids", "init", "schema", "publish")  # commands without --backend


@dataclass
class Cli:
    """``asst-deploy`` as a user runs it: ``--backend openai`` with the SDK's variables.

    ``emulator`` is the server the SDK talks to (``None``: whatever ``OPENAI_BASE_URL`` the process
    already has); ``env`` the ``--env`` to pass (``None``: none); ``environ`` extra variables for
    every run (``None`` as a value removes one).
    """

    project: Path | None = None
    emulator: Any = None
    env: str | None = None
    backend: str | None = "openai"
    key: str | None = API_KEY
    environ: dict[str, str | None] = field(default_factory=dict)

    def argv(self, args: tuple[Any, ...], *, env: Any = _KEEP, backend: Any = _KEEP) -> list[str]:
        """``[command, --project-dir P, --backend B, --env E, *rest]`` for ``args``."""
        project = self.project
        if args and isinstance(args[0], Path):
            project, args = args[0], args[1:]
        command, *rest = (str(a) for a in args)
        argv = [command]
        if project is not None:
            argv += ["--project-dir", str(project)]
        backend = self.backend if backend is _KEEP or backend is True else backend
        if command in SEND_NOTHING:
            backend = None
        if backend:  # False or None: no --backend (validate and ids take none)
            argv += ["--backend", backend]
        env = self.env if env is _KEEP else env
        if env:
            argv += ["--env", env]
        return argv + rest

    def variables(self) -> dict[str, str | None]:
        """The variables set (or, as ``None``, removed) for each run."""
        out: dict[str, str | None] = dict.fromkeys(OURS)
        if self.emulator is not None:
            out["OPENAI_BASE_URL"] = self.emulator.base_url
        if self.key is not None:
            out["OPENAI_API_KEY"] = self.key
        return {**out, **self.environ}

    def __call__(self, *args: Any, env: Any = _KEEP, backend: Any = _KEEP, code: int | None = 0,
                 environ: dict[str, str | None] | None = None, input: str | None = None) -> Result:
        argv = self.argv(args, env=env, backend=backend)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the SDK's Assistants deprecation
            result = CliRunner().invoke(main, argv, env={**self.variables(), **(environ or {})}, input=input,
                                        catch_exceptions=False)
        assert "error: unexpected" not in result.stderr, f"asst-deploy {' '.join(argv)} hit a bug:\n{result.stderr}"
        if code is not None:
            assert result.exit_code == code, (
                f"asst-deploy {' '.join(argv)}: exit {result.exit_code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def spawn(self, *args: Any, env: Any = _KEEP, backend: Any = _KEEP, **popen: Any) -> subprocess.Popen[str]:
        """The same command as a real ``asst-deploy`` process (its own interpreter, real signals)."""
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("ASST_DEPLOY_", "OPENAI_")) or k in CACHE_SETTINGS}
        environ.update({k: v for k, v in self.variables().items() if v is not None})
        popen.setdefault("stdout", subprocess.PIPE)
        popen.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen([EXECUTABLE, *self.argv(args, env=env, backend=backend)], env=environ, text=True,
                                **popen)
