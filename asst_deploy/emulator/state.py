"""What request handlers read of the running emulator: its settings, store, faults and clock.

A Protocol that ``app.App`` satisfies, so routing and the control endpoints name what they use
without importing the app that imports them (no circle, not even a type-only one)."""

from __future__ import annotations

from typing import Protocol

from .clock import Clock
from .config import EmulatorConfig
from .faults import Faults
from .store import Store


class AppState(Protocol):
    config: EmulatorConfig
    store: Store
    faults: Faults
    clock: Clock
