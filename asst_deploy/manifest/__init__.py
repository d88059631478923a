"""Manifests: YAML with positions, pydantic models, file resolution and per-API rules.

``load_project`` is the one entry point the rest of the tool uses; ``validate_project`` is the
same walk returning every problem instead of raising. They are imported lazily: ``config``
imports this package's leaf modules, and ``loader`` imports ``config``, so an eager import here
would make a cycle.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Project", "load_project", "validate_project"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(name)
