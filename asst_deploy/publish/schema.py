"""The published ids document as pydantic models: only for its JSON Schema
(``schema/published.schema.json``, ``asst-deploy schema --published``), so the schema and its
descriptions have one source, checked against real published documents by the tests."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .document import DOCUMENT_VERSION, FORMAT


class SecretRef(BaseModel):
    """A secret the kwargs take from the environment where they are sent."""

    model_config = ConfigDict(extra="allow")

    path: list[str | int] = Field(description="Where in `responses` the value goes, e.g. [\"tools\", 0, \"headers\", "
                                              "\"Authorization\"].")
    env: str = Field(description="The environment variable holding it, read by the service; never its value.")


class PublishedAssistant(BaseModel):
    """What a service needs of one deployed manifest."""

    model_config = ConfigDict(extra="allow")

    api: Literal["assistants", "agents", "responses"] = Field(description="The API it was deployed with.")
    id: str | None = Field(default=None, description="The assistant (asst_...) or agent id; absent under api: "
                                                      "responses, which keeps no server object.")
    vector_store_id: str | None = Field(default=None, description="The vector store of its retrieval files, if any.")
    code_interpreter_file_ids: list[str] = Field(default_factory=list,
                                                 description="The files uploaded for code_interpreter.")
    responses: dict[str, Any] | None = Field(
        default=None, description="Keyword arguments for client.responses.create (any api), with the ids above "
        "filled in and secrets left out (see responses_env).")
    responses_env: list[SecretRef] = Field(default_factory=list, description="Secrets to fill into `responses` "
                                           "from the environment before sending.")
    digest: str | None = Field(default=None, description="Digest of the manifest's settings as last applied: "
                                                          "changes when the deployed manifest changes.")


class PublishedDocument(BaseModel):
    """The ids one environment of one asst-deploy project deployed, published for other services.
    Readers should refuse another `version` and ignore keys they do not know."""

    model_config = ConfigDict(extra="allow", title="asst-deploy published ids")

    format: Literal["asst-deploy/ids"] = Field(description="What this document is.")
    version: Literal[1] = Field(description="The format version.")
    project: str = Field(description="The project (asst-deploy.yaml's project:) that deployed the ids.")
    environment: str = Field(description="The environment they were deployed to.")
    published_at: str = Field(description="When this document was written (UTC, ISO 8601).")
    assistants: dict[str, PublishedAssistant] = Field(description="One entry per manifest name.")


def published_schema() -> dict[str, Any]:
    from ..commands.schema import SCHEMA_DIALECT

    assert FORMAT == "asst-deploy/ids" and DOCUMENT_VERSION == 1  # the Literals above say the same
    return {"$schema": SCHEMA_DIALECT, **PublishedDocument.model_json_schema()}
