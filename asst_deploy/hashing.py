"""Content hashes of retrieval files, read in chunks: memory stays flat whatever a file's size."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any, BinaryIO

CHUNK = 1 << 20  # 1 MiB


def sha256_file(path: Path) -> tuple[str, int]:
    """(hex sha256, size in bytes) of a file, without holding it in memory."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class HashingReader(io.RawIOBase):
    """A binary file that hashes what is read from it, so an upload can be checked against the
    content the plan hashed without reading the file whole. Seeking back to the start (an HTTP
    retry sends the body again) starts the hash again."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._handle = handle
        self._digest = hashlib.sha256()
        self.size = 0
        self.name = getattr(handle, "name", "upload")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self._handle.read(-1 if size is None else size)
        self._digest.update(data)
        self.size += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        position = self._handle.seek(offset, whence)
        if position == 0:
            self._digest = hashlib.sha256()
            self.size = 0
        return position

    def tell(self) -> int:
        return self._handle.tell()

    def fileno(self) -> int:
        return self._handle.fileno()

    def hexdigest(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        self._handle.close()
        super().close()
