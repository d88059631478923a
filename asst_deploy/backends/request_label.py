"""What a request is for when its path does not say: the ``-v`` line names it.

The account lease (account/lease.py) creates, lists, renews and deletes a vector store that belongs to no
manifest; in ``apply -v`` those lines would read like an unexplained store. The lease sends its
requests inside ``labelled("account lease")``, and the ``-v`` printer (client.py) adds the label
to the line. A context variable rather than a header or a parameter: nothing changes on the wire,
the request goes the same way as every other (the SDK, the transport, the rate limiter), and the
printer runs in the thread that sent the request, where the label is set. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_LABEL: ContextVar[str | None] = ContextVar("asst_deploy_request_label", default=None)


@contextmanager
def labelled(label: str) -> Iterator[None]:
    """Every request this thread sends inside the block is shown with ``label`` (``-v``)."""
    token = _LABEL.set(label)
    try:
        yield
    finally:
        _LABEL.reset(token)


def current_label() -> str | None:
    """The label of the request being sent from this thread, if any."""
    return _LABEL.get()
