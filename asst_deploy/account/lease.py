"""The account lease: one apply per project and environment on the account, whichever clone runs it.

The local apply lock (``apply_lock.py``) cannot see another machine, so an apply also holds a
marker object on the account itself: a vector store (the one object every target API keeps, with
metadata) whose metadata names the project and environment, the holder and an expiry. It carries
no ownership marker, so plan never counts it as a managed object and other projects ignore it.

There is no compare-and-swap on the API, so taking the lease is create-then-look: create our
marker, list the markers, and keep ours only if no other live one exists; otherwise delete ours
and wait. Two clones that create at the same moment both see the other and both back off (for a
random moment), so at most one proceeds: a list that follows a create sees it. A holder renews
its expiry while it runs; a holder that died (SIGKILL, a lost machine) is ignored once its lease
expired, or at once when it ran on this host and its process is gone.
"""

from __future__ import annotations

import getpass
import os
import random
import socket
import threading
import time
from typing import Any, Iterable, Mapping

from ..backends.api import Api
from ..backends.request_label import labelled
from ..errors import LockHeld
from ..events import EventSink, WaitingOnLease, ignore
from ..ownership import Owner

LEASE_KEY = "asst-deploy-lease"  # metadata key: "<project>/<environment>"; never the ownership marker
LABEL = "account lease"  # how `apply -v` names the lease's requests (backends/request_label.py)
TTL = 120.0  # seconds a lease lives without renewal
RENEW_EVERY = 30.0
COLLISION_GRACE = 5.0  # seconds two clones that started together may retry, whatever --lock-timeout
# the leases this process holds now: its pid is alive, but the plan made under the lease would
# otherwise take one for a lease an earlier apply of this process could not release
_HELD: set[str] = set()


def _holder() -> dict[str, str]:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "?"
    return {"holder": f"{user} pid {os.getpid()}", "host": socket.gethostname()[:200], "pid": str(os.getpid())}


class AccountLease:
    """Held with ``with``: acquire on enter (waiting up to ``timeout``), release on exit."""

    def __init__(self, client: Api, owner: Owner, timeout: float = 0.0, on_event: EventSink = ignore) -> None:
        from ..backends.collection import JsonCollection

        self.stores = JsonCollection(client, "/vector_stores", beta="assistants=v2")
        self.key = f"{owner.project}/{owner.environment}"
        self.timeout = timeout
        self.on_event = on_event
        self.store_id: str | None = None
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    # -- the marker objects ---------------------------------------------------------------------
    def _metadata(self) -> dict[str, str]:
        return {LEASE_KEY: self.key, **_holder(), "expires": str(int(time.time() + TTL)),
                "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    def _create(self) -> dict[str, Any]:
        with labelled(LABEL):
            return self.stores.create({
                "name": f"asst-deploy lease {self.key}", "metadata": self._metadata(),
                "expires_after": {"anchor": "last_active_at", "days": 1},
            })

    def _leases(self) -> list[dict[str, Any]]:
        # every page is read, so the order does not matter: none is sent
        with labelled(LABEL):
            return [s for s in self.stores.list(limit=100, order=None)
                    if (s.get("metadata") or {}).get(LEASE_KEY) == self.key]

    def _delete(self, store_id: str) -> None:
        try:
            with labelled(LABEL):
                self.stores.delete(store_id)
        except Exception:  # already gone (its holder released it), or unreachable: it expires
            pass

    # -- acquire and release --------------------------------------------------------------------
    def __enter__(self) -> "AccountLease":
        from ..backends.errors import api_error

        deadline = time.monotonic() + self.timeout
        collisions_until = time.monotonic() + COLLISION_GRACE
        said = False
        while True:
            try:
                mine = self._create()
                others = []
                for store in self._leases():
                    if store["id"] == mine["id"]:
                        continue
                    if is_dead(store.get("metadata") or {}):
                        self._delete(store["id"])  # its holder is gone: clear it for everyone
                    else:
                        others.append(store)
            except Exception as exc:  # before any change: say so, and how to finish
                error = api_error(exc, f"take the account lease for {self.key}")
                raise type(error)(f"{error}; nothing was changed: run apply again") from exc
            if not others:
                self.store_id = mine["id"]
                _HELD.add(mine["id"])
                self._start_renewing()
                return self
            self._delete(mine["id"])
            oldest = min(others, key=lambda s: (s.get("created_at") or 0, s["id"]))
            meta = oldest.get("metadata") or {}
            who = f"{meta.get('holder', '?')} on {meta.get('host', '?')} since {meta.get('since', '?')}"
            # a lease no older than ours may be a clone that backed off as we did: try again soon
            collision = (oldest.get("created_at") or 0) >= (mine.get("created_at") or 0) \
                and time.monotonic() < collisions_until
            if time.monotonic() >= deadline and not collision:
                raise LockHeld(
                    f"another apply is running for {self.key} on this account ({who}); "
                    f"waited {self.timeout:g}s (--lock-timeout)"
                )
            if not said and not collision:
                self.on_event(WaitingOnLease(self.key, who))
                said = True
            time.sleep(random.uniform(0.05, 0.6) if collision else
                       min(random.uniform(0.2, 1.5), max(0.0, deadline - time.monotonic())))

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        if self.store_id is not None:
            self._delete(self.store_id)
            _HELD.discard(self.store_id)
            self.store_id = None

    def _start_renewing(self) -> None:
        def renew() -> None:
            while not self._stop.wait(RENEW_EVERY):
                try:
                    if self.store_id is not None:
                        with labelled(LABEL):
                            self.stores.update(self.store_id, {"metadata": self._metadata()})
                except Exception:  # a missed renewal is retried; the lease outlives a few
                    pass

        self._renewer = threading.Thread(target=renew, name="account-lease", daemon=True)
        self._renewer.start()


def is_dead(meta: Mapping[str, str]) -> bool:
    """Expired, or held by a process of this host that no longer runs."""
    try:
        if float(meta.get("expires", "0")) < time.time():
            return True
    except ValueError:
        return True
    if meta.get("host") == socket.gethostname()[:200] and meta.get("pid", "").isdigit():
        if int(meta["pid"]) == os.getpid():  # an earlier apply of this process that could not release it
            return True
        try:
            os.kill(int(meta["pid"]), 0)
        except ProcessLookupError:
            return True
        except OSError:  # someone else's process: alive
            return False
    return False


def dead_leases(stores: Iterable[tuple[str, Mapping[str, Any]]], key: str) -> tuple[str, ...]:
    """The ids of ``key``'s leases (``project/environment``) among listed stores whose holder is gone.
    A killed apply leaves its lease behind, and an apply with nothing to change takes no lease, so
    only the next apply that changes something would clear it otherwise."""
    return tuple(store_id for store_id, meta in stores
                 if meta.get(LEASE_KEY) == key and store_id not in _HELD and is_dead(meta))
