"""An urllib opener whose timeout bounds the whole exchange (connect, headers, body), not each step.

urllib's ``timeout`` applies to the connect and to each socket read, so a server that sends a byte
every so often keeps a request alive for ever. Here each read of the connection's socket waits only
for the time left before one deadline, and fails with ``TimeoutError`` once it has passed. Standard
library only: the fetch of the runtime lookups (``source.py``) from an ``https://`` URL.
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import time
import urllib.request
from typing import Any


def opener(seconds: float) -> urllib.request.OpenerDirector:
    """An opener (redirects, proxies and errors as ``urlopen``'s) whose requests end within ``seconds``."""
    deadline = time.monotonic() + seconds
    return urllib.request.build_opener(_HTTPHandler(deadline), _HTTPSHandler(deadline))


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out")
    return left


class _DeadlineSocket:
    """A connected socket whose reads and writes wait only for the time left."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        """The response's reader (http.client asks for ``rb``), reading through this object."""
        self._sock._io_refs += 1  # type: ignore[attr-defined]  # counted as socket.makefile counts its readers
        return io.BufferedReader(socket.SocketIO(self, "rb"))  # type: ignore[arg-type]

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._sock.settimeout(_left(self._deadline))
        return self._sock.recv_into(buffer, nbytes, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._sock.settimeout(_left(self._deadline))
        self._sock.sendall(data, flags)


class _Deadlined(http.client.HTTPConnection):
    """A connection that connects within the time left and then reads through ``_DeadlineSocket``."""

    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.timeout = _left(self.deadline)
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self.deadline)


class _DeadlinedTLS(_Deadlined, http.client.HTTPSConnection):
    """The same over TLS: the handshake runs inside ``connect``, with the socket's timeout."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Deadlined, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_DeadlinedTLS, deadline=self.deadline), req,
                            context=self._context)  # type: ignore[attr-defined]
