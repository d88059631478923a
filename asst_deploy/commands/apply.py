"""``asst-deploy apply [PLANFILE]`` and ``asst-deploy destroy``: options in, the apply operation
(``operation.py``) does the rest."""

from __future__ import annotations

from ..console import Console
from ..operation import ApplyOperation, ApplyRequest
from ..session import Options


def run_apply(options: Options, request: ApplyRequest, console: Console) -> int:
    return ApplyOperation(options, request, console).run()


__all__ = ["ApplyRequest", "run_apply"]
