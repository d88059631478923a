"""The local OpenAI API emulator: Assistants v2, Files, Vector Stores, Models, Agents, Responses.

Stdlib only (socketserver + sqlite3), so ``--backend local`` can start it in-process cheaply::

    from asst_deploy.emulator import Emulator, EmulatorConfig
    with Emulator(EmulatorConfig(processing_seconds=0.2)) as emu:
        client = openai.OpenAI(base_url=emu.base_url, api_key="sk-local")
"""

from .config import EmulatorConfig
from .model_names import sdk_models
from .server import Emulator

__all__ = ["Emulator", "EmulatorConfig", "sdk_models"]
