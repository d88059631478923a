"""Publish one environment's ids document to the project's destinations.

Called after the lockfile is written (an apply or destroy that changed something, or a publish
still owed), and by ``asst-deploy publish``. Every destination is tried; those that refuse are
named together in one error (exit 1), each with its fix, and stay owed (``record.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import AsstDeployError
from ..lock.entry import LockDocument
from ..lock.locate import DEFAULT_ENV
from ..project import Project
from . import record
from .applied import unapplied
from .destinations import Destination, PublishRefused, destinations, needs_boto3
from .document import build_document, content_digest, document_bytes


class PublishFailed(AsstDeployError):
    """Some destinations refused the document; the lockfile is written and true."""


@dataclass(frozen=True)
class Publishing:
    """The document of one environment now, and where it goes."""

    project: Project
    lock: LockDocument

    def destinations(self) -> list[Destination]:
        config = self.project.config
        return destinations(config.publish, self.project.root, self.lock.project, self.project.environment)

    def document(self) -> dict[str, Any]:
        return build_document(self.lock, self.project.specs)

    def owed(self) -> list[str]:
        """Destinations that do not hold this document yet (refused before, or never written from here)."""
        urls = [d.url for d in self.destinations()]
        if not urls:
            return []
        return record.owed(self.project.root, self.project.environment, urls, content_digest(self.document()))

    def run(self, *, only_owed: bool = False) -> list[str]:
        """Write the document (to the owed destinations only, when asked); the URLs written.
        Raises ``PublishFailed`` naming each destination that refused, or, before any write, the
        assistants whose manifests changed since their last apply."""
        document = self.document()
        digest = content_digest(document)
        chosen = self.destinations()
        if only_owed:
            owed = set(record.owed(self.project.root, self.project.environment, [d.url for d in chosen], digest))
            chosen = [d for d in chosen if d.url in owed]
        if chosen:
            self._refuse_unapplied()
        body = document_bytes(document)
        written, refused = [], []
        for destination in chosen:
            try:
                destination.write(body)
            except PublishRefused as exc:
                refused.append(exc)
                continue
            record.remember(self.project.root, self.project.environment, destination.url, digest)
            written.append(destination.url)
        if refused:
            raise PublishFailed(self._failure(refused, written))
        return written

    def unapplied(self) -> list[str]:
        """The assistants whose settings the document would make from a manifest not applied."""
        return unapplied(self.project, self.lock)

    def _refuse_unapplied(self) -> None:
        """Before any write: the document would hold settings made from manifests not applied."""
        names = self.unapplied()
        if names:
            raise PublishFailed(
                f"the ids were not published: the manifests of {', '.join(names)} changed (or are gone) since "
                "their last apply, and the document would hold settings the account does not have; "
                "nothing was written",
                hint=f"run `asst-deploy apply{self._flag()}` first: it applies them and publishes what it applied")

    def _flag(self) -> str:
        env = self.project.environment
        return "" if env == DEFAULT_ENV else f" --env {env}"

    def _failure(self, refused: list[PublishRefused], written: list[str]) -> str:
        flag = self._flag()
        lines = [f"the ids were not published to {len(refused)} destination(s):"]
        lines += [f"  {exc.destination}: {exc.reason}; {exc.fix}" for exc in refused]
        if written:
            lines.append(f"  (published to {', '.join(written)})")
        lines.append(f"The lockfile {self.project.lockfile.name} is up to date. `asst-deploy publish{flag}` "
                     "(or the next apply) publishes to the destinations that refused.")
        return "\n".join(lines)


def refuse_missing_boto3(project: Project, owner_project: str) -> None:
    """Before an apply's first write: an s3:// destination that cannot be written without boto3."""
    url = needs_boto3(destinations(project.config.publish, project.root, owner_project, project.environment))
    if url:
        raise AsstDeployError(f"publish: {url} needs boto3, which is not installed; nothing was changed",
                              hint="pip install 'asst-deploy[s3]', or remove it from publish: in asst-deploy.yaml")
