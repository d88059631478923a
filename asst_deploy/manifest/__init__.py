"""Manifests: YAML with positions, pydantic models, file resolution and per-API rules.

Nothing here knows the project config: :mod:`asst_deploy.project` puts config and manifests
together (``load_project``, ``validate_project``), and ``config`` uses this package's leaf
modules (positions, messages, the manifest fields), never the other way round.
"""
