"""``api: responses``: no server-side assistant. Files and vector stores deploy as usual and the
lockfile records ready request settings for ``client.responses.create`` (DESIGN.md section 10)."""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import AsstDeployError
from ..spec import AssistantSpec, Capabilities, Defaults, Kind
from .agents import generation_settings
from .base import Capable, Deployed, RemoteAssistant, Resources


def responses_kwargs(spec: AssistantSpec, resources: Resources) -> dict[str, Any]:
    tools = []
    for tool in spec.tools:
        kind = tool.get("type")
        if kind == "function":
            tools.append({"type": "function", "name": tool["name"], "description": tool.get("description"),
                          "parameters": tool.get("parameters"), "strict": bool(tool.get("strict", False))})
        elif kind == "file_search":
            item: dict[str, Any] = {"type": "file_search",
                                    "vector_store_ids": [resources.vector_store_id] if resources.vector_store_id else []}
            for key in ("max_num_results", "ranking_options"):
                if tool.get(key) is not None:
                    item[key] = tool[key]
            tools.append(item)
        elif kind == "code_interpreter":
            tools.append({"type": "code_interpreter",
                          "container": {"type": "auto", "file_ids": list(resources.code_interpreter_file_ids)}})
        else:
            tools.append(dict(tool))
    kwargs: dict[str, Any] = {"model": spec.model}
    if spec.instructions:
        kwargs["instructions"] = spec.instructions
    if tools:
        kwargs["tools"] = tools
    for key in ("temperature", "top_p"):
        if getattr(spec, key) is not None:
            kwargs[key] = getattr(spec, key)
    kwargs.update(generation_settings(spec))
    return kwargs


class ResponsesTarget(Capable):
    capabilities = Capabilities(
        kind=Kind.RESPONSES, api="responses", server_object=False, tool_resources=True,  # the lockfile is the only state
        defaults=Defaults(temperature=None, top_p=None, response_format="auto"),
    )

    def __init__(self, client: Any) -> None:
        self.client = client

    def canonical(self, spec: AssistantSpec) -> AssistantSpec:
        return spec

    def list(self) -> list[RemoteAssistant]:
        return []

    def create(self, spec: AssistantSpec, metadata: Mapping[str, str], resources: Resources) -> Deployed:
        return Deployed(None, responses=responses_kwargs(spec, resources), spec=spec.comparable())

    def update(self, object_id: str | None, spec: AssistantSpec, changed: frozenset[str],
               metadata: Mapping[str, str], resources: Resources) -> Deployed:
        return self.create(spec, metadata, resources)

    def delete(self, object_id: str) -> None:
        return None

    def retrieve(self, object_id: str) -> RemoteAssistant:
        raise AsstDeployError("api: responses keeps no assistant on the server: there is nothing to import "
                              "(import with --api assistants or --api agents)")

    def adopt(self, object_id: str, metadata: Mapping[str, str]) -> None:
        self.retrieve(object_id)
