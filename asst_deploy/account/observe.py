"""Reads the account into ``Observed``: paginated lists, then the ownership filter.

A no-op plan costs a few list requests whatever the number of assistants (docs/ARCHITECTURE.md: the request budget):
a vector store's own file count and usage bytes, as the lock last saw them, tell whether the
lock's files are still its members, and a store's files are listed only when they disagree or
the lock does not know it.

The lists are independent chains of pages (each target's objects, the files, the vector stores
and then the stores' own files), so they run at the same time: a plan's wall time is the longest
chain, not the sum. The client's rate limiter still bounds what is in flight.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Mapping

from ..backends.agents import AgentsTarget
from ..backends.base import Target
from ..backends.storage import Storage
from ..defaults import DEFAULT_PARALLELISM
from ..errors import ApiGone
from ..interrupts import worker_pool
from .lease import dead_leases
from .platform import observe_platform
from ..lock.entry import LockDocument, LockEntry
from ..ownership import MARKER_KEY, Owner
from ..spec import normalize
from .observed import Observed, ObservedAssistant, ObservedFile, ObservedVectorStore, with_vault_refs


def observe(
    targets: Iterable[Target],
    storage: Storage,
    owner: Owner,
    lock: LockDocument,
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    must_list: frozenset[str] = frozenset(),
) -> Observed:
    """Everything this project and environment own on the account, and nothing else.

    ``targets`` is the API being deployed to, plus any API the lock says was used before, so that
    a change of ``api`` sees the objects it must replace. An API the server no longer serves (the
    Assistants sunset: 404) is recorded in ``gone`` and skipped, unless it is in ``must_list``
    (the API being deployed to): moving off it, or destroying, must still work."""
    entries = lock.entries
    holding = [target for target in targets if target.capabilities.server_object]
    gone: set[str] = set()
    agents = next((t for t in holding if isinstance(t, AgentsTarget)), None)
    with worker_pool(len(holding) + 3, "observe") as chains:
        listed = [(target, chains.submit(_assistants, target, owner)) for target in holding]
        files = chains.submit(_files, storage, owner)
        stores = chains.submit(_stores, storage, owner, entries, parallelism)
        platform = chains.submit(observe_platform, agents.platform, owner) if agents is not None else None
        assistants: list[ObservedAssistant] = []
        for target, chain in listed:
            try:
                assistants += chain.result()
            except ApiGone:  # the Assistants sunset: moving off it, or destroying, goes on without it
                if target.api in must_list:
                    raise
                gone.add(target.api)
        owned, dead = stores.result()
        vaults, credentials, automations = platform.result() if platform is not None else ((), (), ())
        return Observed(tuple(with_vault_refs(assistants, credentials)), tuple(owned), tuple(files.result()),
                        gone=frozenset(gone), dead_leases=dead, vaults=vaults, credentials=credentials,
                        automations=automations)


def _files(storage: Storage, owner: Owner) -> list[ObservedFile]:
    return [
        ObservedFile(id=f.id, sha256=sha, filename=f.filename, bytes=f.bytes)
        for f in storage.list_files()
        if (sha := owner.owns_file(f.filename))
    ]


def _stores(storage: Storage, owner: Owner, entries: Mapping[str, LockEntry],
            parallelism: int) -> tuple[list[ObservedVectorStore], tuple[str, ...]]:
    """This project's stores, and the ids of its dead account leases seen in the same list."""
    stores = []
    listed = storage.list_vector_stores()
    dead = dead_leases(((s.id, s.metadata) for s in listed), f"{owner.project}/{owner.environment}")
    for remote in listed:
        name = owner.owns(dict(remote.metadata))
        if name is not None:
            stores.append(ObservedVectorStore(remote.id, name, remote.usable_files, created_at=remote.created_at,
                                              usage_bytes=remote.usage_bytes,
                                              expires_after=dict(remote.expires_after) if remote.expires_after else None,
                                              expired=remote.expired))
    return _list_where_unsure(stores, entries, storage, parallelism), dead


def _assistants(target: Target, owner: Owner) -> list[ObservedAssistant]:
    found = []
    for remote in target.list(keep=lambda metadata: owner.owns(metadata) is not None):
        name = owner.owns(dict(remote.metadata))
        if name is None:
            continue
        user_metadata = {k: v for k, v in remote.metadata.items() if k != MARKER_KEY}
        spec = target.canonical(normalize(remote.spec, target.defaults, name=name, metadata=user_metadata))
        found.append(ObservedAssistant(
            id=remote.id, name=name, spec=spec, vector_store_ids=remote.vector_store_ids,
            code_interpreter_file_ids=remote.code_interpreter_file_ids, created_at=remote.created_at,
            kind=target.kind,
        ))
    return found


def _list_where_unsure(
    stores: list[ObservedVectorStore], entries: Mapping[str, LockEntry], storage: Storage, parallelism: int,
) -> list[ObservedVectorStore]:
    """List a store's files only when the lock lacks it, or the store no longer says what it said
    when it last agreed with the lock (``LockEntry.store_usage``: its usage_bytes and file count).

    The lock's paths may share one file object (identical contents): a store holds it once. The
    bytes catch a member swapped for another at the same count (an apply killed while the store
    processed, a document attached or removed by hand). They are compared with the store's own
    earlier answer, never with the files' sizes: api.openai.com reports the processed size. A
    store never seen agreeing (a lockfile written before this was recorded) is listed once, and
    apply remembers it. Uploads not yet attached (``pending_files``) make it unsure too."""

    def unsure(store: ObservedVectorStore) -> bool:
        entry = entries.get(store.name) or LockEntry()
        ids = {item.id for item in entry.files.values()}
        if entry.vector_store_id != store.id or len(ids) != store.file_count or entry.pending_files:
            return True
        return not entry.store_agrees(store.id, store.usage_bytes, store.file_count)

    todo = [s for s in stores if unsure(s)]
    if not todo:
        return stores
    with worker_pool(max(1, parallelism)) as pool:
        listed = dict(zip((s.id for s in todo), pool.map(lambda s: storage.list_store_files(s.id), todo)))
    # a store deleted between the two lists (None) is gone: planned as absent
    return [replace(s, files=listed[s.id]) if s.id in listed else s for s in stores
            if s.id not in listed or listed[s.id] is not None]
