"""Forms a server echoes differently from what was sent are not drift: plans settle."""

from __future__ import annotations

import json
import warnings

import yaml


def test_a_function_without_parameters_settles_when_the_server_echoes_the_empty_schema(cli, project, openai_client):
    """Regression: a function tool without ``parameters`` came back from a server as
    ``{type: object, properties: {}}`` and every plan exited 2 calling it drift."""
    manifest = project / "assistants" / "order-assistant.yaml"
    doc = yaml.safe_load(manifest.read_text())
    doc["tools"].append({"type": "function", "function": {"name": "ping", "description": "Is the shop up?"}})
    manifest.write_text(yaml.safe_dump(doc, sort_keys=False))
    cli("apply", "--auto-approve")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        entry = json.loads((project / "assistants.dev.lock.json").read_text())["assistants"]["order-assistant"]
        bot = openai_client.beta.assistants.retrieve(entry["id"])
        tools = [t.model_dump(exclude_none=True) for t in bot.tools]
        for tool in tools:
            if tool["type"] == "function" and tool["function"]["name"] == "ping":
                tool["function"]["parameters"] = {"type": "object", "properties": {}}  # as the server echoes it
        openai_client.beta.assistants.update(bot.id, tools=tools)
    cli("plan", "--detailed-exitcode", code=0)
