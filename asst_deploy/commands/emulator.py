"""``asst-deploy emulator``: serve the local API emulator until Ctrl-C."""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from ..errors import EXIT_OK, AsstDeployError


def run_emulator(port: int, data: str | None, host: str = "127.0.0.1", *, out: TextIO | None = None,
                 **settings: Any) -> int:
    """Serve in the foreground; print the variables to export; return 0 after Ctrl-C or SIGTERM.

    ``settings`` are any other ``EmulatorConfig`` fields (faults, ``processing_seconds``,
    ``serve_assistants``, ``models``...). Fault settings also come from
    ``ASST_DEPLOY_EMULATOR_<FIELD>`` variables; a setting given here (not None) wins over them.
    """
    from ..emulator import Emulator, EmulatorConfig
    from ..emulator.config import settings_from_env

    stream = out or sys.stdout
    try:
        values: dict[str, Any] = dict(settings_from_env(dict(os.environ)))
    except ValueError as exc:
        raise AsstDeployError(str(exc)) from None
    defaults = EmulatorConfig()
    for key, value in settings.items():
        # click passes every option; only a value that differs from the default overrides the environment
        if value is not None and (key not in values or value != getattr(defaults, key, None)):
            values[key] = value
    try:
        config = EmulatorConfig(data=data, **values)
    except (TypeError, ValueError) as exc:
        raise AsstDeployError(f"invalid emulator setting: {exc}") from None

    def ready(emu: Emulator) -> None:
        where = f"state in {data}" if data else "state in memory: --data PATH keeps it"
        print(f"Emulator listening on {emu.url} ({where}). Press Ctrl-C to stop.", file=stream)
        print(f"export OPENAI_BASE_URL={emu.base_url} OPENAI_API_KEY=sk-local", file=stream, flush=True)

    try:  # SIGTERM stops it as Ctrl-C does: the CLI runs every command under interrupts.sigterm_as_interrupt
        Emulator.serve_forever(config, host=host, port=port, ready=ready)
    except OSError as exc:
        raise AsstDeployError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                              hint="pick another --port, or stop what is using it") from None
    print("Emulator stopped.", file=stream)
    return EXIT_OK
