"""The Assistants v2 API: a spec becomes an ``asst_...`` object (docs/api-facts.md)."""

from __future__ import annotations

from typing import Any, Mapping

from .api import Api
from ..spec import AssistantSpec, Capabilities, Defaults, Kind, is_reasoning_model
from .base import Capable, Deployed, RemoteAssistant, Resources
from .errors import SUNSET, api_error, manifest_of
from .collection import ObjectTarget, JsonCollection

# The SDK marks every Assistants method deprecated and warns on each call; requests go through
# the SDK's generic methods (collection.py), which do not warn, and the CLI prints one notice instead.


def tool_to_api(tool: Mapping[str, Any]) -> dict[str, Any]:
    kind = tool["type"]
    if kind == "function":
        function = {k: tool[k] for k in ("name", "description", "parameters", "strict") if k in tool}
        return {"type": "function", "function": function}
    if kind == "file_search":
        options = {k: tool[k] for k in ("max_num_results", "ranking_options") if tool.get(k) is not None}
        if "ranking_options" in options:  # the API requires a threshold with a ranker; 0 is its default
            options["ranking_options"] = {"score_threshold": 0.0, **options["ranking_options"]}
        return {"type": "file_search", "file_search": options} if options else {"type": "file_search"}
    return dict(tool)


def response_format_to_api(value: Any) -> Any:
    return "auto" if value in (None, "auto") else value


class AssistantsTarget(ObjectTarget, Capable):
    capabilities = Capabilities(
        kind=Kind.ASSISTANT, api="assistants", server_object=True, tool_resources=True,
        defaults=Defaults(temperature=1.0, top_p=1.0, response_format="auto"),
        ignore_unset=frozenset({"settings"}), write_only=frozenset({"reasoning_effort"}),
    )
    noun = "assistant"
    gone_message = SUNSET

    def __init__(self, client: Api) -> None:
        self.client = client
        self.objects = JsonCollection(client, "/assistants", beta="assistants=v2")

    def canonical(self, spec: AssistantSpec) -> AssistantSpec:
        return spec

    @staticmethod
    def _remote(item: Mapping[str, Any]) -> RemoteAssistant:
        resources = item.get("tool_resources") or {}
        stores = tuple((resources.get("file_search") or {}).get("vector_store_ids") or ())
        ci = tuple((resources.get("code_interpreter") or {}).get("file_ids") or ())
        metadata = dict(item.get("metadata") or {})
        spec = AssistantSpec(
            name="",
            display_name=item.get("name") or "",
            model=item["model"],
            description=item.get("description"),
            instructions=item.get("instructions"),
            tools=tuple(item.get("tools") or ()),
            temperature=item.get("temperature"),
            top_p=item.get("top_p"),
            response_format=item.get("response_format"),
            metadata=metadata,
        )
        return RemoteAssistant(item["id"], metadata, spec, stores, ci, item.get("created_at") or 0)

    def _params(self, spec: AssistantSpec, metadata: Mapping[str, str], resources: Resources) -> dict[str, Any]:
        params: dict[str, Any] = {
            "name": spec.display_name,
            "model": spec.model,
            "description": spec.description,
            "instructions": spec.instructions,
            "tools": [tool_to_api(t) for t in spec.tools],
            "temperature": spec.temperature,
            "top_p": spec.top_p,
            "response_format": response_format_to_api(spec.response_format),
            "metadata": dict(metadata),
            "tool_resources": {
                "code_interpreter": {"file_ids": list(resources.code_interpreter_file_ids)},
                "file_search": {"vector_store_ids": [resources.vector_store_id] if resources.vector_store_id else []},
            },
        }
        if spec.reasoning_effort is not None:
            params["reasoning_effort"] = spec.reasoning_effort
        if is_reasoning_model(spec.model):  # refused for them, even at the defaults
            del params["temperature"], params["top_p"]
        return params

    def create(self, spec: AssistantSpec, metadata: Mapping[str, str], resources: Resources) -> Deployed:
        try:
            created = self.objects.create(self._params(spec, metadata, resources))
        except Exception as exc:
            raise api_error(exc, f"create assistant {spec.name}" + manifest_of(spec)) from exc
        return Deployed(created["id"], reasoning_effort=spec.reasoning_effort)

    def update(self, object_id: str | None, spec: AssistantSpec, changed: frozenset[str],
               metadata: Mapping[str, str], resources: Resources) -> Deployed:
        object_id = self._existing(object_id, spec.name)
        # every field is sent (the API replaces tools and metadata wholesale anyway, and one full
        # update is one request whatever changed), except tool_resources unless the plan changes them
        params = self._params(spec, metadata, resources)
        if "reasoning_effort" in changed and spec.reasoning_effort is None:
            params["reasoning_effort"] = None  # omitted, the API would keep the old effort
        if "tool_resources" not in changed:  # stores and files attached by hand stay attached
            del params["tool_resources"]
        try:
            self.objects.update(object_id, params)
        except Exception as exc:
            raise api_error(exc, f"update assistant {spec.name} ({object_id})" + manifest_of(spec)) from exc
        return Deployed(object_id, reasoning_effort=spec.reasoning_effort)

