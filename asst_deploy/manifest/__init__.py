"""Manifests: YAML with positions, pydantic models, file resolution and per-API rules.

``load_project`` is the one entry point the rest of the tool uses; ``validate_project`` is the
same walk returning every problem instead of raising.
"""

from __future__ import annotations

from .loader import Project, load_project, validate_project

__all__ = ["Project", "load_project", "validate_project"]
