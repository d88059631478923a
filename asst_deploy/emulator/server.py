"""``Emulator``: start, stop and observe one emulator server (the public Python API).

Used three ways: the ``asst-deploy emulator`` command (``serve_forever``), ``--backend local``
(``start`` on a free loopback port for the length of a command) and the pytest fixture.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from .app import MAX_BODY, App
from .config import EmulatorConfig
from .http import Server


class Emulator:
    """A running (or ready to run) emulator. ``with Emulator() as emu: emu.base_url``."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self._app: App | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Emulator:
        """Bind and serve from a daemon thread; returns at once. ``port=0`` picks a free port."""
        if self._server is not None:
            raise RuntimeError("emulator already started")
        self._bind(host, port)
        assert self._server is not None
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="asst-deploy-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def _bind(self, host: str, port: int) -> None:
        app = App(self.config)
        if self.config.preload_sdk_shapes:
            # the SDK's request types, imported before the first answer: imported by the first write
            # instead, inside its transaction, they held every other request for 1.5-3 s, which
            # timed out a client's reads after a timed-out create (the real API is never that slow)
            from .sdk_shapes import preload

            preload()
        try:
            self._server = Server((host, port), app, app.too_large, MAX_BODY)
        except BaseException:
            app.close()
            raise
        self._app = app

    def stop(self) -> None:
        """Stop serving, close open connections and the store. Safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._app is not None:
            self._app.close()

    def __enter__(self) -> Emulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @classmethod
    def serve_forever(cls, config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 8080,
                      *, ready: Any = None) -> None:
        """Serve in the calling thread until Ctrl-C (or SIGTERM turned into KeyboardInterrupt).

        ``ready``, if given, is called with the bound emulator before serving (to print its URL).
        """
        emu = cls(config)
        emu._bind(host, port)
        assert emu._server is not None
        if ready is not None:
            ready(emu)
        try:
            emu._server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server, emu._server = emu._server, None
            server.close_connections()
            server.server_close()
            if emu._app is not None:
                emu._app.close()

    # -- addresses -----------------------------------------------------------------------

    @property
    def host(self) -> str:
        return str(self._running().server_address[0])

    @property
    def port(self) -> int:
        return int(self._running().server_address[1])

    @property
    def url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:PORT`` (control endpoints live under it)."""
        host = self.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What ``OPENAI_BASE_URL`` / ``OpenAI(base_url=...)`` should be: ends in ``/v1``."""
        return self.url + "/v1"

    def _running(self) -> Server:
        if self._server is None:
            raise RuntimeError("emulator is not running; call start() first")
        return self._server

    def _state(self) -> App:
        if self._app is None:
            raise RuntimeError("emulator was never started")
        return self._app

    # -- counting and faults -------------------------------------------------------------

    def counter(self) -> dict[str, int]:
        """Requests so far by ``METHOD /v1/path`` with ids shown as ``{id}``."""
        return self._state().faults.counter()

    def total_requests(self) -> int:
        return self._state().faults.total()

    def rate_limited(self) -> int:
        """Requests answered 429 (injected or by the rate-limit bucket) since the counter's reset."""
        return self._state().faults.refused()

    def peak_concurrency(self) -> int:
        """The most API requests answered at the same time since the counter's reset."""
        return self._state().faults.peak()

    def reset_counter(self) -> None:
        self._state().faults.reset_counter()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until no API request is being answered; False if some still is at ``timeout``.

        A server carries out a request whose client died (a killed apply's create lands after the
        kill), so a test that kills a client waits for this before judging the account."""
        deadline = time.monotonic() + timeout
        while self._state().faults.in_flight():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def bodies(self) -> list[tuple[str, Any]]:
        """Every JSON request body so far as ``(counter key, body)`` (needs ``record_bodies=True``)."""
        return list(self._state().bodies)

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Change fault settings while running (names as in ``EmulatorConfig``); returns them all."""
        return self._state().faults.set(**faults)

    def heal(self) -> None:
        """End an outage (and disarm ``outage_after_writes``)."""
        self._state().faults.heal()

    # -- time ----------------------------------------------------------------------------

    def now(self) -> float:
        """The emulator's time (seconds since the epoch): what ``created_at`` would be now."""
        return self._state().clock.now()

    def advance_clock(self, seconds: float) -> float:
        """Let ``seconds`` pass for the emulator (timestamps, file processing) without sleeping."""
        return self._state().clock.advance(seconds)
