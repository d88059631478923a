"""The HTTP transport under the rate limiter: httpx's own, one per URL scheme, each made at its
scheme's first request.

``httpx.HTTPTransport`` loads the CA bundle into a TLS context when it is made (~0.1 s of CPU, a
tenth of a no-op plan's own cost), which a plain-``http://`` server (the emulator, a compatible
server on the local network) never uses. ``https://`` gets exactly the transport httpx would make
(verified, with the same trust settings), made at its first request instead of at start.
``http://`` without a proxy gets one whose TLS context has the secure defaults (certificates and
host names required) and no certificate authority: it could never complete a handshake, so if
TLS were ever asked of it, it would fail closed, never open.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any

import httpx2


class BySchemeTransport(httpx2.BaseTransport):
    def __init__(self, limits: Any, proxy: Any = None) -> None:
        self.limits = limits
        self.proxy = proxy
        self.made: dict[str, httpx2.BaseTransport] = {}
        self._lock = threading.Lock()

    def for_scheme(self, scheme: str) -> httpx2.BaseTransport:
        made = self.made.get(scheme)
        if made is None:
            with self._lock:
                made = self.made.get(scheme)
                if made is None:
                    made = self.made[scheme] = self._make(scheme)
        return made

    def _make(self, scheme: str) -> httpx2.BaseTransport:
        if scheme == "http" and self.proxy is None:
            return httpx2.HTTPTransport(limits=self.limits, verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        return httpx2.HTTPTransport(limits=self.limits, proxy=self.proxy)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self.for_scheme(request.url.scheme).handle_request(request)

    def close(self) -> None:
        with self._lock:
            for made in self.made.values():
                made.close()
