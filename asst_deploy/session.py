"""What every command that touches an account needs: the project, the client, the target API,
the lockfile. Built here once so the commands stay short."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, TextIO

from .backends import open_target
from .backends.base import Target
from .backends.client import Connection, open_client
from .backends.models import ModelCheck
from .backends.storage import Storage
from .defaults import DEFAULT_PARALLELISM
from .events import EventSink, ignore
from .errors import AsstDeployError, ValidationFailed
from .lock.entry import LockDocument, read_document
from .lock.file import LockfileError
from .account.observe import observe
from .ownership import Owner
from .plan.contents import with_texts
from .plan.desired import api_notes, desired_state
from .plan.planner import Desired, plan
from .plan.renames import unmatched_renames
from .plan.types import Plan
from .project import Project

if TYPE_CHECKING:
    from .assemble import Assembled
    from .backends.api import Api


@dataclass(frozen=True)
class Options:
    """The common options of README's Commands section, as the CLI parsed them."""

    project_dir: Path = field(default_factory=Path.cwd)
    env: str | None = None
    backend: str | None = None
    api: str | None = None
    verbose: bool = False
    max_retries: int | None = None
    timeout: float | None = None
    parallelism: int | None = None
    rate_limit_wait: float | None = None
    targets: tuple[str, ...] = ()
    skip_checks: str | None = None  # --skip-checks REASON: a promotion takes what did not pass its checks
    rotate_credentials: bool = False  # send every vault credential's secret again (api: agents)
    cache: bool = False  # the project may come from the loaded-project cache (plan only: project_cache.py)


@dataclass
class Session:
    """Built whole by ``open_session`` once the client is open, so no field is ever missing."""

    options: Options
    project: Project
    owner: Owner
    connection: Connection
    lock: LockDocument
    parallelism: int
    client: Api
    target: Target
    storage: Storage
    models: ModelCheck
    previous_targets: tuple[Target, ...] = ()

    def desired(self, *, destroy: bool = False) -> Desired:
        """The manifests as this session's target holds them (nothing, to destroy), --target applied."""
        return desired_state(self.project.specs, self.target, self.owner,
                             locked=self.lock.entries, targets=self.options.targets, destroy=destroy,
                             rotate_credentials=self.options.rotate_credentials)

    def plan(self, *, destroy: bool = False) -> tuple[Plan, Desired]:
        """The plan against the account as it is now, and the desired state it was made from."""
        desired = self.desired(destroy=destroy)
        # destroy, or moving off an API the server no longer serves (404), goes on without its list
        must_list = frozenset() if destroy else frozenset({self.target.api})
        observed = observe((self.target, *self.previous_targets), self.storage, self.owner, self.lock,
                           parallelism=self.parallelism, must_list=must_list)
        result = with_texts(plan(desired, observed, self.lock), self.project.root)
        typos = unmatched_renames(desired.specs, result)
        if typos:
            raise ValidationFailed(typos)
        # the models the plan would send, checked before any write; none in a no-op plan
        sent = {op.name for op in result.operations if op.op == "put_assistant"}
        checked = self.models([spec for spec in desired.specs if spec.name in sent])
        notes = result.notes + checked + api_notes(self.project.api, self.project.specs) + self.project.left_behind
        if any(change.type.value == "credential" for change in result.changes):
            from .apply_platform import unset_variables  # only for a plan that sends a credential

            notes += tuple(f"credential.{name}:{label}: apply reads its secret from {env}, which is not set here "
                           "(apply refuses to start without it)" for name, label, env in unset_variables(result.changes))
        notes += () if destroy else self.project.overridden  # what is deployed does not matter to a destroy
        checks = {} if destroy else self.check_statuses(result)
        publish, held = self._publishes(result, desired.targets)
        return replace(result, notes=notes + held, publish=publish,
                       checks={k: v.to_json() for k, v in checks.items()}), desired

    def check_statuses(self, result: Plan) -> dict[str, CheckStatus]:
        """The behaviour-check status of each assistant the plan changes (checks/gate.py)."""
        if not result.changes:  # nothing to gate: the gate and its lockfile reading are not imported
            return {}
        from .checks.gate import statuses

        return statuses(self.project, {c.name for c in result.changes}, self.options.skip_checks)

    def _publishes(self, result: Plan, targets: frozenset[str] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Where an apply of ``result`` publishes the ids (everywhere after a change, else where owed),
        and a note when it will not: a manifest edit outside ``--target`` stays unapplied."""
        if not self.project.config.publish:  # nowhere, and nothing owed: publishing is not even imported
            return (), ()
        from .publish.run import Publishing

        publishing = Publishing(self.project, self.lock)
        urls = tuple(d.url for d in publishing.destinations()) if not result.empty else tuple(publishing.owed())
        outside = sorted(set(publishing.unapplied()) - targets) if urls and targets else []
        if outside:
            return (), (f"Apply does not publish the ids: {', '.join(outside)} changed since the last apply "
                        "and is outside --target (the document would hold settings not applied)",)
        return urls, ()


if TYPE_CHECKING:
    from .checks.gate import CheckStatus


@dataclass(frozen=True)
class Loaded:
    """What ``load`` finds without any request: the project, its owner marker, how to connect."""

    project: Project
    owner: Owner
    connection: Connection
    parallelism: int


def load(options: Options, *, err: TextIO | None = None) -> Loaded:
    """The project (manifests validated), its owner marker, and how to connect: no I/O to an API.
    Files in the manifests folder that are not read are named on ``err``."""
    from .config import environment_settings
    from .identity import require_project

    err = err or sys.stderr
    env = options.env or os.environ.get("ASST_DEPLOY_ENV") or None
    if options.cache:
        from .project_cache import load_cached

        say = (lambda line: print(line, file=err)) if options.verbose else None
        project = load_cached(options.project_dir, env, options.api, build=lambda: _assemble(options, env), say=say)
    else:
        project = _assemble(options, env).project
    name = require_project(options.project_dir, project.config)
    for warning in project.warnings:
        print(f"warning: {warning}", file=err)
    settings = environment_settings(project.config, project.environment)
    backend = options.backend or os.environ.get("ASST_DEPLOY_BACKEND") or settings["backend"] or "openai"
    if backend not in ("openai", "azure", "local"):
        raise AsstDeployError(f"unknown backend {backend!r}; use openai, azure or local")
    parallelism = _first(options.parallelism, settings["parallelism"], DEFAULT_PARALLELISM)
    connection = Connection(
        backend=backend,
        base_url=settings["base_url"],
        azure_endpoint=settings["azure_endpoint"],
        api_version=settings["api_version"],
        max_retries=_first(options.max_retries, settings["max_retries"], 2),
        timeout=_first(options.timeout, settings["timeout"], 60.0),
        project_dir=project.root,
        verbose=options.verbose,
        concurrency=parallelism,
        rate_limit_budget=_first(options.rate_limit_wait, settings["rate_limit_wait"], 600.0),
    )
    return Loaded(project, Owner(name, project.environment), connection, parallelism)


def _assemble(options: Options, env: str | None) -> Assembled:
    """The project built from its files, the config's identity checked before any manifest problem."""
    from .assemble import assemble

    return assemble(options.project_dir, env, options.api, identity=True)


def leave_runtime_index(project: Project) -> None:
    """Before an apply or import writes the lockfile: the config's lockfile table as JSON, so that
    runtime lookups find the lockfile without importing YAML (:mod:`asst_deploy.lock.locate`)."""
    from .config import runtime_table
    from .lock.locate import write_index

    write_index(project.root, runtime_table(project.config))


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


def read_lockfile(project: Project, owner: Owner) -> LockDocument:
    try:
        lock = read_document(project.lockfile, owner.project, owner.environment)
    except LockfileError as exc:
        raise AsstDeployError(str(exc)) from None
    if (lock.project, lock.environment) != (owner.project, owner.environment):
        raise AsstDeployError(
            f"{project.lockfile.name} belongs to project {lock.project!r}, environment "
            f"{lock.environment!r}, not {owner.project!r}/{owner.environment!r}; "
            "check --env and the lockfile path"
        )
    return lock


@contextmanager
def open_session(options: Options, *, err: TextIO | None = None, loaded: Loaded | None = None,
                 on_event: EventSink = ignore) -> Iterator[Session]:
    """``loaded``: what ``load(options)`` returned already, so manifests are not read twice."""
    err = err or sys.stderr
    loaded = loaded or load(options, err=err)
    project, owner, connection, parallelism = loaded.project, loaded.owner, loaded.connection, loaded.parallelism
    lock = read_lockfile(project, owner)
    with open_client(connection, log=err, on_event=on_event) as client:
        storage = Storage(client)
        target = open_target(project.api, client)
        earlier = {api for e in lock.entries.values() for api in (e.api, e.replaced_api) if api} - {project.api}
        if any(e.vault_id or e.credentials or e.automations for e in lock.entries.values()):
            earlier |= {"agents"} - {project.api}  # what an agent's platform left: listed, so it can go
        previous_targets = tuple(open_target(api, client) for api in sorted(earlier))
        session = Session(options, project, owner, connection, lock, parallelism,
                          client=client, target=target, storage=storage,
                          models=ModelCheck(client, connection.backend), previous_targets=previous_targets)
        yield session
    if project.api == "assistants" and connection.backend != "local":  # once, and only after a success
        print("note: the Assistants API is deprecated (OpenAI sunset it on its platform on 2026-08-26); "
              "`api: agents` or `api: responses` deploy the same manifests", file=err)
