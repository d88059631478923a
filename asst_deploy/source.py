"""Runtime lookups from a published ids document (``ASST_DEPLOY_SOURCE`` or ``source=``): an
``s3://`` URL (boto3, imported only then), an ``https://``/``http://`` URL (the standard library)
or a path, for services outside the project that deployed the ids.

The document is fetched once per process and re-checked at most every ``ASST_DEPLOY_SOURCE_TTL``
seconds (default 60) with a conditional request (ETag / If-None-Match), so a warm lookup costs a
dictionary read. Each good copy is kept in the user's cache folder: when the source cannot be
reached (or the document is gone), that copy serves, and one line on stderr says how old it is.
Nothing here is imported by ``import asst_deploy``: only the first lookup with a source does.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from .lock.file import write_lock_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DEFAULT_TTL = 60.0
TIMEOUT = 10.0  # default seconds one fetch may take, all of it (ASST_DEPLOY_SOURCE_TIMEOUT)
BODY_CAP = 8 * 1024 * 1024  # an ids document is kilobytes; anything bigger is not one
FORMAT, VERSION = "asst-deploy/ids", 1


class SourceUnavailable(LookupError):
    """The source cannot be read and no copy of it was kept here; the message names the source."""


class _Unreachable(Exception):
    """This fetch failed (network, permission, no such document); a kept copy may serve."""


class _Held:
    __slots__ = ("checked", "etag", "document")

    def __init__(self, checked: float, etag: str | None, document: dict[str, Any]) -> None:
        self.checked, self.etag, self.document = checked, etag, document


_held: dict[str, _Held] = {}
_mutex = threading.Lock()
_s3_client: Any = None


def source_url(source: Any, env: str | None) -> str | None:
    """``source`` if given, else ``ASST_DEPLOY_SOURCE``; ``{environment}`` filled from ``env``."""
    url = os.fspath(source) if source else os.environ.get("ASST_DEPLOY_SOURCE")
    if not url:
        return None
    if "{environment}" in url:
        if not env:
            raise SourceUnavailable(f"{url} names {{environment}}: pass env= or set ASST_DEPLOY_ENV")
        url = url.replace("{environment}", env)
    return url


def published(url: str, env: str | None) -> dict[str, Any]:
    """The document at ``url``, from memory while it is younger than the TTL, else checked again."""
    held = _held.get(url)
    if held is None or time.monotonic() - held.checked >= _ttl():
        with _mutex:
            held = _held.get(url)
            if held is None or time.monotonic() - held.checked >= _ttl():
                held = _held[url] = _refresh(url, held)
    document = held.document
    if env and document.get("environment") != env:
        raise SourceUnavailable(f"{url} holds the ids of environment {document.get('environment')!r}, "
                                f"not {env!r}: point ASST_DEPLOY_SOURCE (or source=) at {env!r}'s document")
    return document


def _ttl() -> float:
    return _seconds("ASST_DEPLOY_SOURCE_TTL", DEFAULT_TTL)


def _timeout() -> float:
    return _seconds("ASST_DEPLOY_SOURCE_TIMEOUT", TIMEOUT) or TIMEOUT


def _seconds(variable: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(variable) or default))
    except ValueError:
        return default


def _refresh(url: str, held: _Held | None) -> _Held:
    """A conditional fetch; on failure the copy in memory or on disk, said on stderr."""
    copy = None if held else _read_copy(url)
    etag = held.etag if held else (copy or {}).get("etag")
    now = time.monotonic()
    try:
        fetched = _fetch(url, etag)
    except _Unreachable as exc:
        return _fallback(url, str(exc), held, copy, now)
    if fetched is None:  # not modified: what we hold is current
        document = held.document if held else _parse((copy or {}).get("text", ""), url)
        _touch_copy(url)
        return _Held(now, etag, document)
    new_etag, body = fetched
    try:
        document = _parse(body, url)
    except SourceUnavailable as exc:
        return _fallback(url, str(exc), held, copy, now)
    _save_copy(url, new_etag, body)
    return _Held(now, new_etag, document)


def _fallback(url: str, reason: str, held: _Held | None, copy: dict[str, Any] | None, now: float) -> _Held:
    if held is not None:
        document, saved = held.document, _copy_age(url)
    elif copy is not None:
        document, saved = _parse(copy.get("text", ""), url), _copy_age(url)
    else:
        raise SourceUnavailable(f"{url}: {reason}; and no copy of it was kept on this machine "
                                f"({cache_folder()}), so there are no ids to serve")
    age = "of unknown age" if saved is None else f"last confirmed {_ago(saved)} ago"
    print(f"asst-deploy: {url}: {reason}; serving the copy {age}", file=sys.stderr)
    return _Held(now, held.etag if held else (copy or {}).get("etag"), document)


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)} s"
    if seconds < 7200:
        return f"{int(seconds // 60)} min"
    if seconds < 172800:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def _parse(body: str | bytes, url: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except ValueError:
        raise SourceUnavailable(f"{url} is not an asst-deploy ids document (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT \
            or not isinstance(document.get("assistants"), dict):
        raise SourceUnavailable(f"{url} is not an asst-deploy ids document (written by `asst-deploy publish`)")
    if document.get("version") != VERSION:
        raise SourceUnavailable(f"{url} is version {document.get('version')!r} of the ids document; this "
                                f"asst-deploy reads version {VERSION}: upgrade asst-deploy")
    return document


# -- fetching --------------------------------------------------------------------------------------

def _fetch(url: str, etag: str | None) -> tuple[str | None, bytes] | None:
    """(etag, body), or None when ``etag`` is still current; ``_Unreachable`` when it cannot be read."""
    if url.startswith("s3://"):
        return _fetch_s3(url, etag)
    if url.startswith(("https://", "http://")):
        return _fetch_http(url, etag)
    return _fetch_path(url, etag)


def _capped(read: Any, url: str) -> bytes:
    body: bytes = read(BODY_CAP + 1)
    if len(body) > BODY_CAP:
        raise _Unreachable(f"the answer is over {BODY_CAP // (1024 * 1024)} MB, so not an ids document")
    return body


def _fetch_http(url: str, etag: str | None) -> tuple[str | None, bytes] | None:
    import urllib.error
    import urllib.request

    from .source_http import opener

    headers = {"Accept": "application/json", "User-Agent": "asst-deploy"}
    if etag:
        headers["If-None-Match"] = etag
    try:
        with opener(_timeout()).open(urllib.request.Request(url, headers=headers)) as answer:
            return answer.headers.get("ETag"), _capped(answer.read, url)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None
        raise _Unreachable(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise _Unreachable(f"unreachable ({getattr(exc, 'reason', exc)})") from None


def _fetch_s3(url: str, etag: str | None) -> tuple[str | None, bytes] | None:
    global _s3_client
    from . import s3

    try:
        bucket, key = s3.split(url)
        if _s3_client is None:
            _s3_client = s3.client(_timeout())
    except (ValueError, s3.S3Unavailable) as exc:
        raise SourceUnavailable(str(exc)) from None
    try:
        answer = _s3_client.get_object(Bucket=bucket, Key=key, **({"IfNoneMatch": etag} if etag else {}))
        return answer.get("ETag"), _capped(answer["Body"].read, url)
    except Exception as exc:  # botocore's errors: their types live in the optional extra
        if s3.error_code(exc) in ("304", "NotModified"):
            return None
        reason, fix = s3.explain(exc, url, "s3:GetObject", "ASST_DEPLOY_SOURCE (or source=)")
        raise _Unreachable(f"{reason}; {fix}") from None


def _fetch_path(path: str, etag: str | None) -> tuple[str | None, bytes] | None:
    try:
        stat = os.stat(path)
        tag = f"{stat.st_mtime_ns}-{stat.st_size}"
        if tag == etag:
            return None
        with open(path, "rb") as handle:
            return tag, _capped(handle.read, path)
    except OSError as exc:
        raise _Unreachable(f"cannot be read ({exc.strerror or exc})") from None


# -- the kept copies -------------------------------------------------------------------------------

def cache_folder() -> str:
    """Where the last good copies live: XDG_CACHE_HOME (or ~/.cache), ~/Library/Caches on macOS,
    %LOCALAPPDATA% on Windows; ``asst-deploy/sources`` inside."""
    home = os.path.expanduser("~")
    if os.environ.get("XDG_CACHE_HOME"):
        base = os.environ["XDG_CACHE_HOME"]
    elif sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        base = os.path.join(home, ".cache")
    return os.path.join(base, "asst-deploy", "sources")


def _copy_path(url: str) -> str:
    import hashlib

    readable = "".join(c if c.isalnum() or c in "-." else "_" for c in url.rsplit("/", 1)[-1])[-40:]
    return os.path.join(cache_folder(), f"{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}-{readable}")


def _read_copy(url: str) -> dict[str, Any] | None:
    try:
        with open(_copy_path(url), encoding="utf-8") as handle:
            copy = json.load(handle)
    except (OSError, ValueError):
        return None
    return copy if isinstance(copy, dict) and copy.get("source") == url else None


def _save_copy(url: str, etag: str | None, body: bytes) -> None:
    text = json.dumps({"source": url, "etag": etag, "text": body.decode("utf-8")})
    try:
        write_lock_text(_copy_path(url), text + "\n")
    except OSError as exc:  # a read-only home: lookups work, only the fallback is lost
        print(f"asst-deploy: cannot keep a copy of {url} in {cache_folder()} ({exc.strerror or exc})",
              file=sys.stderr)


def _touch_copy(url: str) -> None:
    try:
        os.utime(_copy_path(url))
    except OSError:
        pass


def _copy_age(url: str) -> float | None:
    try:
        return max(0.0, time.time() - os.stat(_copy_path(url)).st_mtime)
    except OSError:
        return None
