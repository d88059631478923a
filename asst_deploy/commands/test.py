"""``asst-deploy test``: run the manifests' behaviour checks against what the environment deployed
(``checks/operation.py`` does the work)."""

from __future__ import annotations

from ..checks.operation import TestRequest, run_checks
from ..console import Console
from ..session import Options


def run_test(options: Options, request: TestRequest, console: Console) -> int:
    return run_checks(options, request, console)


__all__ = ["TestRequest", "run_test"]
