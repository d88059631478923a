"""The project config ``asst-deploy.yaml`` (README: Environments): project, defaults, environments.

Every key but ``project`` is optional. ``project`` is the identity every owned object's marker
carries, so it is never guessed (a folder's name collides by chance): validate, plan, apply and
the other account commands refuse to run without it (:mod:`asst_deploy.identity`), and
``asst-deploy init`` writes one that cannot collide. The config only says which
environment, API and lockfile apply and what is merged under the manifests; merging and the
manifests' own checks are the manifest package's job; :mod:`asst_deploy.project` puts the two
together (this module never imports it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import AsstDeployError
from .lock.locate import CONFIG_FILE, DEFAULT_ENV, lockfile_name, lockfile_table
from .ownership import IDENT_PATTERN, IDENT_RE

Api = Literal["assistants", "agents", "responses"]
Backend = Literal["openai", "azure", "local"]
Ident = Annotated[str, Field(pattern=f"^{IDENT_PATTERN}$")]


class _Settings(BaseModel):
    """Connection settings a project or an environment may set."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)  # built on first use

    backend: Backend | None = Field(default=None, description="openai, azure or local (the emulator).")
    base_url: str | None = Field(default=None, description="A compatible server's URL.")
    azure_endpoint: str | None = Field(default=None, description="Azure OpenAI endpoint.")
    api_version: str | None = Field(default=None, description="Azure OpenAI api-version.")
    parallelism: int | None = Field(default=None, ge=1, description="Concurrent API writes in apply.")
    max_retries: int | None = Field(default=None, ge=0, description="SDK retries per request.")
    timeout: float | None = Field(default=None, gt=0, description="Seconds per request.")
    rate_limit_wait: float | None = Field(
        default=None, ge=0, description="Seconds a request may wait for the account's rate limit (429s included).")
    lockfile: str | None = Field(default=None, description="Lockfile path, relative to the project root.")


class EnvironmentConfig(_Settings):
    """One environment: manifest-field overrides for every assistant, plus its own settings.

    Manifest fields (model, temperature, metadata, tools, ...) are kept as extras and exposed by
    :attr:`overrides`; their values are checked when merged into each manifest.
    """

    model_config = ConfigDict(extra="allow")

    name_prefix: str = Field(default="", description="Added before every display name, e.g. '[dev] '.")
    name_suffix: str = Field(default="", description="Added after every display name.")
    api: Api | None = Field(default=None, description="assistants, agents or responses in this environment.")
    assistants: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per-assistant overrides: {name: {field: value}}."
    )
    promote_from: Ident | None = Field(
        default=None, description="An environment whose passing `asst-deploy test` each changed assistant "
        "needs before plan and apply take it here (e.g. dev for prod).")

    @property
    def overrides(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ProjectConfig(_Settings):
    """The whole ``asst-deploy.yaml``."""

    project: Ident | None = Field(
        default=None, description="Project name, part of the ownership marker: unique on the account (required)."
    )
    manifests: str = Field(default="assistants/", description="Folder of the manifests.")
    default_environment: str | None = Field(default=None, description="Environment used without --env.")
    api: Api = Field(default="assistants", description="Target API: assistants, agents or responses.")
    defaults: dict[str, Any] = Field(
        default_factory=dict, description="Manifest fields merged under every manifest."
    )
    environments: dict[Ident, EnvironmentConfig] = Field(
        default_factory=dict, description="Named environments and their overrides."
    )
    publish: list[str] = Field(
        default_factory=list, description="Where apply publishes the ids document: s3://BUCKET/KEY or a path, "
        "with {project} and {environment} (README: Sharing ids with other teams).")


def default_project_name(project_dir: Path) -> str:
    """The folder's name made a valid identifier: lowercased, other characters -> '-'.

    Never an identity by itself (two folders share a name by chance): ``init`` adds a suffix."""
    name = re.sub(r"[^a-z0-9_.-]", "-", project_dir.resolve().name.lower()).lstrip("-_.")[:64]
    return name if IDENT_RE.match(name) else "project"


def resolve_environment(config: ProjectConfig, env: str | None) -> str:
    """The environment to use: explicit > default_environment; 'default' when none are declared.
    'default' stays reachable by name once environments are declared (as Terraform's default
    workspace): what the project deployed before still lives there."""
    if not config.environments:
        if env in (None, DEFAULT_ENV):
            return DEFAULT_ENV
        raise AsstDeployError(
            f"unknown environment {env!r}: this project declares no environments",
            hint="drop --env (and ASST_DEPLOY_ENV), or declare it under environments: in asst-deploy.yaml",
        )
    known = ", ".join(config.environments)
    chosen = env or config.default_environment
    if chosen is None:
        raise AsstDeployError(
            f"choose an environment: {known}",
            hint="pass --env NAME (or set ASST_DEPLOY_ENV), or set default_environment in asst-deploy.yaml",
        )
    if chosen == DEFAULT_ENV and env is not None:  # what the project deployed before it declared any
        return DEFAULT_ENV
    if chosen not in config.environments:
        raise AsstDeployError(f"unknown environment {chosen!r}; known environments: {known}")
    return chosen


def environment(config: ProjectConfig, env: str) -> EnvironmentConfig:
    """The environment's config (an empty one for 'default' without environments: every default,
    made without building pydantic's validator for it)."""
    return config.environments.get(env) or EnvironmentConfig.model_construct()


def lockfile_path(project_dir: Path, config: ProjectConfig, env: str) -> Path:
    """The environment's lockfile, by the rule the runtime lookups share (:mod:`asst_deploy.lock.locate`)."""
    return project_dir / lockfile_name(env, environment(config, env).lockfile, config.lockfile)


def runtime_table(config: ProjectConfig) -> dict[str, Any]:
    """The default environment and every lockfile path, as the runtime reads them without YAML."""
    envs = {name: env.lockfile for name, env in config.environments.items()}
    return lockfile_table(config.default_environment, envs, config.lockfile)


def api_for(config: ProjectConfig, env: str, override: str | None = None) -> str:
    """--api > the environment's api > the project's api."""
    return override or environment(config, env).api or config.api


_SETTINGS = ("backend", "base_url", "azure_endpoint", "api_version", "parallelism", "max_retries", "timeout",
             "rate_limit_wait")


def environment_settings(config: ProjectConfig, env: str) -> dict[str, Any]:
    """Connection settings for ``env``: the environment's value, else the project's, else None."""
    env_config = environment(config, env)
    return {
        key: getattr(env_config, key) if getattr(env_config, key) is not None else getattr(config, key)
        for key in _SETTINGS
    }
