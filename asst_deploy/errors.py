"""The one user-facing error type, and the exit codes it maps to.

Every refusal a user can cause (a bad manifest, a stale plan, a missing API key) is an
``AsstDeployError``: the CLI prints its message in one line and exits with its code, never a
traceback (``--debug`` shows one). Anything else escaping is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2  # plan --detailed-exitcode: the plan has changes
EXIT_INTERRUPTED = 130  # Ctrl-C / SIGTERM during apply


class AsstDeployError(Exception):
    """An error the user caused or can fix; its message is shown as it is."""

    exit_code: int = EXIT_ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


@dataclass(frozen=True, order=True)
class ManifestProblem:
    """One problem in one file, sortable by place: ``file:line:col: field: message``."""

    file: str
    line: int = 0
    column: int = 0
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        place = self.file
        if self.line:
            place += f":{self.line}"
            if self.column:
                place += f":{self.column}"
        return f"{place}: {self.field}: {self.message}" if self.field else f"{place}: {self.message}"


class ValidationFailed(AsstDeployError):
    """Manifests or config are invalid; carries every problem found, sorted."""

    def __init__(self, problems: list[ManifestProblem]) -> None:
        self.problems = sorted(set(problems))
        n = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{n} error{'s' if n != 1 else ''} found; nothing was sent to the API.")
        super().__init__("\n".join(lines))


class StalePlanError(AsstDeployError):
    """A saved plan no longer matches the account or the manifests."""


class LockHeld(AsstDeployError):
    """Another apply holds the project's lock."""


class ApiError(AsstDeployError):
    """The API refused or failed; the message names the object and quotes the API."""


class ApiGone(ApiError):
    """The server answers 404 for a whole API (the Assistants API after its sunset)."""


class Interrupted(AsstDeployError):
    exit_code = EXIT_INTERRUPTED
