"""The ownership marker (README: Sharing ids with other teams): what makes an object on the account ours.

Assistants, agents and vector stores carry one reserved metadata key whose value names project,
environment and manifest name. Files have no metadata, so their uploaded filename carries project,
environment and content hash instead. Nothing without this project's and environment's marker is
ever updated or deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER_KEY = "asst-deploy"
# Project and environment names may not contain the separators used below.
IDENT_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
IDENT_RE = re.compile(IDENT_PATTERN + r"\Z")
_FILE_PREFIX = "asst-deploy~"


@dataclass(frozen=True)
class Owner:
    project: str
    environment: str

    def marker(self, name: str) -> str:
        return f"{self.project}/{self.environment}/{name}"

    def owns(self, metadata: object) -> str | None:
        """The manifest name an object's metadata marks as ours, or None if it is not ours."""
        if not isinstance(metadata, dict):
            return None
        parsed = parse_marker(metadata.get(MARKER_KEY))
        if parsed and parsed[0] == self.project and parsed[1] == self.environment:
            return parsed[2]
        return None

    def filename(self, sha256: str, path: str) -> str:
        """The uploaded name of a file: readable in citations, and parseable back to its owner."""
        base = path.rsplit("/", 1)[-1]
        return f"{_FILE_PREFIX}{self.project}~{self.environment}~{sha256}~{base}"

    def owns_file(self, filename: str | None) -> str | None:
        """The sha256 a file's name records if the file is ours, else None."""
        parsed = parse_filename(filename)
        if parsed and parsed[0] == self.project and parsed[1] == self.environment:
            return parsed[2]
        return None


def parse_marker(value: object) -> tuple[str, str, str] | None:
    if not isinstance(value, str):
        return None
    parts = value.split("/", 2)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def parse_filename(filename: str | None) -> tuple[str, str, str, str] | None:
    """(project, environment, sha256, basename) of a file we uploaded, or None."""
    if not filename or not filename.startswith(_FILE_PREFIX):
        return None
    parts = filename[len(_FILE_PREFIX):].split("~", 3)
    if len(parts) != 4 or not re.fullmatch(r"[0-9a-f]{64}", parts[2]):
        return None
    return parts[0], parts[1], parts[2], parts[3]
