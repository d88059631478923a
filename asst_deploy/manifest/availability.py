"""How a field one API lacks is named: which APIs take it instead (one wording for every rule)."""

from __future__ import annotations

from typing import Callable

APIS = ("responses", "assistants", "agents")


def others(api: str, supported: Callable[[str], bool]) -> str:
    names = [a for a in APIS if a != api and supported(a)]
    return " or ".join(f"api: {a}" for a in names) + (" supports it" if len(names) == 1 else " support it")


def unavailable(what: str, api: str, supported: Callable[[str], bool]) -> str:
    return f"{what + ' is ' if what else ''}not available with api: {api}; {others(api, supported)}"
