"""Files and vector stores: the same on every target API, and not deprecated anywhere."""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Sequence

from ..errors import ApiError
from ..lock.entry import usage_record
from ..account.observed import StoreFile
from .base import RemoteFile, RemoteStore
from ..ownership import MARKER_KEY
from .errors import api_error, is_not_found, unreadable
from .create_once import create_once
from .api import Api, path

FILES_PAGE = 10_000  # the files list allows up to 10,000 per page
PAGE = 100
BATCH = 2_000  # the most files one vector store file batch may name
BETA = {"OpenAI-Beta": "assistants=v2"}  # what the SDK sends on every vector store request


class Storage:
    """Uploads files and keeps vector stores; every method is one or a few requests."""

    def __init__(self, client: Api) -> None:
        self.client = client
        self.once = client.with_retries(0)  # for creates (create_once.py)

    # -- reading ------------------------------------------------------------------------------
    def list_vector_stores(self) -> list[RemoteStore]:
        try:
            return [
                RemoteStore(
                    id=store["id"],
                    metadata=dict(store.get("metadata") or {}),
                    usable_files=_usable(store),
                    usage_bytes=store.get("usage_bytes"),
                    created_at=store.get("created_at") or 0,
                    expires_after=dict(store["expires_after"]) if store.get("expires_after") else None,
                    expired=store.get("status") == "expired",
                )
                for store in self.client.pages("/vector_stores", params={"limit": PAGE}, headers=BETA)
            ]
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise unreadable("vector stores", exc) from None
        except Exception as exc:
            raise api_error(exc, "list vector stores") from exc

    def list_store_files(self, store_id: str) -> tuple[StoreFile, ...] | None:
        """The store's usable members; ``None`` when the store is gone (deleted since it was listed:
        another clone's apply, or a hand, got there between the two requests)."""
        files = path("/vector_stores/{vector_store_id}/files", vector_store_id=store_id)  # a bad id: not "unreadable"
        try:
            members = []
            for item in self.client.pages(files, params={"limit": PAGE}, headers=BETA):
                if item.get("status") in ("failed", "cancelled"):
                    continue
                attributes = item.get("attributes") or {}
                members.append(StoreFile(
                    file_id=item["id"],
                    path=_str_or_none(attributes.get("path")),
                    sha256=_str_or_none(attributes.get("sha256")),
                    status=item.get("status") or "",
                    attributes=tuple(sorted((k, v) for k, v in attributes.items() if k not in ("path", "sha256"))),
                    chunking_strategy=item.get("chunking_strategy") or None,
                ))
            return tuple(members)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise unreadable(f"the files of vector store {store_id}", exc) from None
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise api_error(exc, f"list the files of vector store {store_id}") from exc

    def list_files(self) -> list[RemoteFile]:
        try:
            return [
                RemoteFile(id=f["id"], filename=f.get("filename") or "", bytes=f.get("bytes") or 0,
                           created_at=f.get("created_at") or 0)
                for f in self.client.pages("/files", params={"purpose": "assistants", "limit": FILES_PAGE})
            ]
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise unreadable("files", exc) from None
        except Exception as exc:
            raise api_error(exc, "list files") from exc

    # -- writing ------------------------------------------------------------------------------
    def upload(self, filename: str, content: Any, label: str | None = None) -> str:
        """``content``: bytes or a binary file object (streamed; read again from the start on a retry).
        ``label`` names the file as the manifest does (its path), never the internal upload name.
        After a timeout, sent again only if no file has this name (it carries the content's hash)."""
        def find() -> str | None:
            return next((f.id for f in self.list_files() if f.filename == filename), None)

        try:
            return create_once(
                lambda: self.once.upload("/files", files={"file": (filename, content)},
                                         data={"purpose": "assistants"})["id"],
                find, retries=self.client.max_retries, timeout=self.client.timeout)
        except Exception as exc:
            raise api_error(exc, f"upload {label or filename}") from exc

    def create_store(self, name: str, metadata: Mapping[str, str], expires_after: Mapping[str, Any] | None = None) -> str:
        """After a timeout, sent again only if no store carries the same ownership marker."""
        marker = metadata.get(MARKER_KEY)

        def find() -> str | None:
            if marker is None:
                return None
            return next((s.id for s in self.list_vector_stores() if s.metadata.get(MARKER_KEY) == marker), None)

        try:
            return create_once(
                lambda: self.once.post("/vector_stores", {
                    "name": name, "metadata": dict(metadata),
                    **({"expires_after": dict(expires_after)} if expires_after else {})}, headers=BETA)["id"],
                find, retries=self.client.max_retries, timeout=self.client.timeout)
        except Exception as exc:
            raise api_error(exc, f"create vector store {name}") from exc

    def rename_store(self, store_id: str, name: str, metadata: Mapping[str, str]) -> None:
        """Give a store a new name and ownership marker (a manifest renamed with renamed_from)."""
        try:
            self.client.post(_store(store_id), {"name": name, "metadata": dict(metadata)}, headers=BETA)
        except Exception as exc:
            raise api_error(exc, f"rename vector store {store_id} to {name}") from exc

    def set_expiry(self, store_id: str, expires_after: Mapping[str, Any] | None) -> None:
        """The store's expiry policy (``None``: it never expires)."""
        try:
            self.client.post(_store(store_id),
                             {"expires_after": dict(expires_after) if expires_after else None}, headers=BETA)
        except Exception as exc:
            raise api_error(exc, f"set the expiry of vector store {store_id}") from exc

    def set_attributes(self, store_id: str, file_id: str, attributes: Mapping[str, Any], label: str) -> None:
        """Replace one member's attributes (ours, path and sha256, included)."""
        try:
            self.client.post(_member(store_id, file_id), {"attributes": dict(attributes)},
                             headers=BETA)
        except Exception as exc:
            raise api_error(exc, f"set the attributes of {label}") from exc

    def attach(self, store_id: str, members: Sequence[tuple[str, Mapping[str, Any]]],
               progress: Callable[[int], None] | None = None,
               chunking_strategy: Mapping[str, Any] | None = None) -> None:
        """Attach files in batches of the API's largest size, each file with its own attributes
        (path, sha256 and the manifest's) and the store's chunking strategy (``None``: auto);
        ``progress`` hears how many are attached after each batch of several."""
        chunking = {"chunking_strategy": dict(chunking_strategy)} if chunking_strategy else {}
        if not members:
            return
        try:
            for start in range(0, len(members), BATCH):
                chunk = members[start:start + BATCH]
                self.client.post(path("/vector_stores/{vector_store_id}/file_batches", vector_store_id=store_id), {
                    "files": [{"file_id": fid, "attributes": dict(attrs), **chunking} for fid, attrs in chunk]
                }, headers=BETA)
                if progress is not None and len(members) > BATCH:
                    progress(start + len(chunk))
        except Exception as exc:
            raise api_error(exc, f"attach files to vector store {store_id}") from exc

    def usage(self, store_id: str) -> dict[str, Any]:
        """The store's usage_bytes and usable file count, as ``LockEntry.store_usage`` records them."""
        return _usage(self._retrieve(store_id))

    def _retrieve(self, store_id: str) -> dict[str, Any]:
        try:
            store = self.client.get(_store(store_id), headers=BETA)
        except Exception as exc:
            raise api_error(exc, f"check vector store {store_id}") from exc
        if not isinstance(store, dict) or not isinstance(store.get("file_counts"), dict):
            raise unreadable("vector store", TypeError("it has no file_counts"), store_id)
        return store

    def wait(self, store_id: str, deadline: float, label: str,
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
        """Wait until the store has processed its files; the SDK's own poll has no deadline.
        ``progress`` hears (completed, total) every few seconds meanwhile. Returns the processed
        store's usage (``usage``)."""
        delay = 0.05
        last_said = time.monotonic()
        while True:
            store = self._retrieve(store_id)
            counts = store["file_counts"]
            if counts.get("failed"):
                failed = self.failures(store_id)
                raise ApiError(f"vector store for {label}: {counts['failed']} file(s) failed processing: {failed}")
            if not counts.get("in_progress"):
                return _usage(store)
            if time.monotonic() > deadline:
                raise ApiError(
                    f"vector store for {label} still processing {counts.get('in_progress')} file(s) at the "
                    "deadline; raise --wait-timeout, or run apply again later (nothing is lost)"
                )
            if progress is not None and time.monotonic() - last_said >= 5:
                last_said = time.monotonic()
                progress(int(counts.get("completed") or 0), int(counts.get("total") or 0))
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def failures(self, store_id: str) -> str:
        try:
            items = self.client.pages(path("/vector_stores/{vector_store_id}/files", vector_store_id=store_id),
                                      params={"filter": "failed", "limit": PAGE}, headers=BETA)
            return "; ".join(
                f"{(i.get('attributes') or {}).get('path', i.get('id'))}: "
                f"{(i.get('last_error') or {}).get('message', 'unknown reason')}"
                for i in items
            )
        except Exception:  # the failure itself is what matters; its detail is best effort
            return "(details unavailable)"

    def detach(self, store_id: str, file_id: str) -> None:
        self._gone_ok(lambda: self.client.delete(_member(store_id, file_id), headers=BETA),
                      f"detach {file_id} from {store_id}")

    def delete_store(self, store_id: str) -> None:
        self._gone_ok(lambda: self.client.delete(_store(store_id), headers=BETA),
                      f"delete vector store {store_id}")

    def delete_file(self, file_id: str) -> None:
        self._gone_ok(lambda: self.client.delete(path("/files/{file_id}", file_id=file_id)), f"delete file {file_id}")

    @staticmethod
    def _gone_ok(call: Any, what: str) -> None:
        """Deleting what is already gone is success: a rerun after a crash must converge."""
        try:
            call()
        except Exception as exc:
            if is_not_found(exc):
                return
            raise api_error(exc, what) from exc


def _store(store_id: str) -> str:
    return path("/vector_stores/{vector_store_id}", vector_store_id=store_id)


def _member(store_id: str, file_id: str) -> str:
    return path("/vector_stores/{vector_store_id}/files/{file_id}", vector_store_id=store_id, file_id=file_id)


def _usable(store: Mapping[str, Any]) -> int:
    """Members that count: completed and in progress (failed and cancelled ones do not serve)."""
    counts = store["file_counts"]
    return int(counts.get("completed") or 0) + int(counts.get("in_progress") or 0)


def _usage(store: Mapping[str, Any]) -> dict[str, Any]:
    return usage_record(store["id"], store.get("usage_bytes"), _usable(store))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
