"""Where ``publish:`` in asst-deploy.yaml sends the ids document: ``s3://bucket/key`` or a local
path (relative to the project root), with ``{project}`` and ``{environment}`` filled in.

Checked when the config is read (a typo names asst-deploy.yaml's line), and written or refused
here: a refusal is a ``PublishRefused`` naming the destination, what went wrong and the fix.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from .. import s3

PLACEHOLDERS = ("project", "environment")


class PublishRefused(Exception):
    """One destination did not take the document."""

    def __init__(self, destination: str, reason: str, fix: str) -> None:
        super().__init__(f"{destination}: {reason}; {fix}")
        self.destination, self.reason, self.fix = destination, reason, fix


def destination_problem(template: str) -> str | None:
    """What is wrong with one ``publish:`` entry, or None."""
    try:
        fields = [name for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        return f"{template!r}: {exc} (write {{project}} or {{environment}}; a literal brace is {{{{ or }}}})"
    unknown = [name for name in fields if name not in PLACEHOLDERS]
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}}: use {{project}} or {{environment}}"
    url = expand(template, "project", "environment")
    if url.startswith(s3.SCHEME):
        try:
            s3.split(url)
        except ValueError as exc:
            return str(exc)
        return None
    if "://" in url:
        return f"{url.split('://')[0]}:// is not a destination: use s3://BUCKET/KEY or a file path"
    if not url.strip():
        return "an empty destination"
    return None


def expand(template: str, project: str, environment: str) -> str:
    return template.format(project=project, environment=environment)


@dataclass(frozen=True)
class Destination:
    """One expanded destination; ``root`` resolves a relative path."""

    url: str
    root: Path

    @property
    def is_s3(self) -> bool:
        return self.url.startswith(s3.SCHEME)

    def path(self) -> Path:
        return self.root / self.url

    def write(self, body: bytes) -> None:
        """Put ``body`` there, whole (a reader never sees half a document)."""
        if self.is_s3:
            self._put_s3(body)
            return
        from ..lock.file import write_lock_text

        try:
            write_lock_text(self.path(), body.decode("utf-8"))
        except OSError as exc:
            raise PublishRefused(self.url, f"cannot be written ({exc.strerror or exc})",
                                 "make the folder writable, or change publish: in asst-deploy.yaml") from None

    def _put_s3(self, body: bytes) -> None:
        bucket, key = s3.split(self.url)
        try:
            client = s3.client()
        except s3.S3Unavailable as exc:
            raise PublishRefused(self.url, str(exc), "install it where asst-deploy runs") from None
        try:
            client.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
        except Exception as exc:  # botocore's errors: their types live in the optional extra
            reason, fix = s3.explain(exc, self.url, "s3:PutObject", "publish: in asst-deploy.yaml")
            raise PublishRefused(self.url, reason, fix) from None


def destinations(templates: list[str] | tuple[str, ...], root: Path, project: str, environment: str) -> list[Destination]:
    """The config's destinations for one environment, each once, in the config's order."""
    urls = dict.fromkeys(expand(t, project, environment) for t in templates)
    return [Destination(url, root) for url in urls]


def needs_boto3(found: list[Destination]) -> str | None:
    """The first s3:// destination when boto3 is missing (checked before an apply's first write)."""
    if any(d.is_s3 for d in found) and not s3.available():
        return next(d.url for d in found if d.is_s3)
    return None


__all__ = ["Destination", "PublishRefused", "destination_problem", "destinations", "expand", "needs_boto3"]
