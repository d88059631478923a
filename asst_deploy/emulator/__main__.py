"""``python -m asst_deploy.emulator [PORT] [DATA]``: the emulator without the CLI's dependencies."""

from __future__ import annotations

import sys

from . import EmulatorConfig
from .server import Emulator


def main(argv: list[str]) -> int:
    port = int(argv[0]) if argv else 8080
    data = argv[1] if len(argv) > 1 else None

    def ready(emu: Emulator) -> None:
        print(f"Emulator listening; export OPENAI_BASE_URL={emu.base_url} OPENAI_API_KEY=sk-local", flush=True)

    Emulator.serve_forever(EmulatorConfig(data=data), port=port, ready=ready)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
