"""Run the tutorial's Six Thinking Hats discussion with the assistants this project deploys.

    asst-deploy apply --project-dir examples/six-hats --backend local --auto-approve
    python examples/six-hats/discuss.py "要不要实行四天工作制"

Blue opens, then white, red, black, yellow and green speak, and blue sums up; each hat sees the
discussion so far. The white hat brings facts, so its turn asks for a search first
(``tool_choice: required``), and the ``search`` function every hat declares is answered by the
Python function below. Each hat is ``asst_deploy.agents.agent(name, functions={"search": search})``
(the Agents SDK, ``pip install 'asst-deploy[agents]'``); without the SDK, or with ``--via responses``,
the same settings go to ``client.responses.create`` and this script runs the function calls itself.

``--backend local`` (the default) talks to the emulator holding what ``apply --backend local``
deployed: its model is a script that names the hat and quotes what it read, so the run is offline
and deterministic, and shows the plumbing, not a discussion. ``--backend openai`` uses
``OPENAI_API_KEY`` (deploy with ``--api responses`` or ``--api agents`` there: OpenAI no longer
serves the Assistants API).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import asst_deploy
from asst_deploy.deployed_settings import request_settings

PROJECT = Path(__file__).resolve().parent
ORDER = ["blue-hat", "white-hat", "red-hat", "black-hat", "yellow-hat", "green-hat", "blue-hat"]
COLOURS = {"blue-hat": "蓝色", "white-hat": "白色", "red-hat": "红色", "black-hat": "黑色",
           "yellow-hat": "黄色", "green-hat": "绿色"}
SEARCHES_FIRST = {"white-hat"}  # the facts hat searches before it speaks
PROMPT = "(以上是讨论话题。请严格按照你的角色指示,继续你的发言。直接开始你的发言内容。请保持简短。)"

# A stand-in for the tutorial's SerpAPI search: no key, no network. Replace it with your own.
FACTS = [
    ("四天工作制 four-day week", "2022年英国61家公司试行四天工作制,试行结束后56家继续实行 (4 Day Week Global)。"),
    ("远程办公 remote work", "斯坦福大学的研究发现,混合办公对生产率没有显著影响,员工离职率下降三分之一。"),
    ("AI 人工智能", "2023年全球企业在生成式AI上的投入约为190亿美元 (IDC)。"),
]


def search(query: str) -> str:
    """The ``search`` function of every hat's manifest, answered from FACTS by keyword."""
    lowered = query.lower()
    hits = [fact for keys, fact in FACTS if any(key in lowered for key in keys.lower().split())]
    return "\n".join(f"title: result {i + 1}\nsnippet: {hit}" for i, hit in enumerate(hits)) or \
        f"no results for: {query}"


class Recorder:
    """Counts the searches, so the caller (and the test) can see the function ran."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []  # (hat, query, result)
        self.hat = ""

    def search(self, query: str) -> str:
        result = search(query)
        self.calls.append((self.hat, query, result))
        return result


def speaker(name: str) -> str:
    return f"{COLOURS[name]}帽子"


def own_words(name: str, text: str) -> str:
    """A turn without the speaker's name in front (a model often starts with it; the transcript
    names each speaker once)."""
    text = text.strip()
    for colon in (":", "："):  # a Chinese answer may use the full-width colon
        text = text.removeprefix(f"{speaker(name)}{colon}")
    return text.strip()


@contextmanager
def open_client(backend: str) -> Iterator[Any]:
    """An ``openai.AsyncOpenAI``: the emulator on this project's local state, or the real API."""
    from openai import AsyncOpenAI

    if backend == "openai":
        yield AsyncOpenAI()
        return
    from asst_deploy.emulator import Emulator, EmulatorConfig

    state = PROJECT / ".asst-deploy" / "emulator.sqlite3"
    if not state.exists():
        sys.exit(f"nothing deployed locally yet: run `asst-deploy apply --project-dir {PROJECT} --backend local "
                 "--auto-approve` first")
    with Emulator(EmulatorConfig(data=str(state))) as emulator:
        yield AsyncOpenAI(base_url=emulator.base_url, api_key="sk-local-emulator")


async def speak_with_agents_sdk(name: str, context: str, recorder: Recorder, client: Any, env: str | None) -> str:
    import agents

    hat = asst_deploy.agents.agent(name, functions={"search": recorder.search}, env=env, path=PROJECT,
                                   client=client)
    if name in SEARCHES_FIRST:  # the SDK resets tool_choice after the call, so the hat then speaks
        hat = hat.clone(model_settings=hat.model_settings.resolve(agents.ModelSettings(tool_choice="required")))
    result = await agents.Runner.run(hat, context)
    return str(result.final_output)


async def speak_with_responses(name: str, context: str, recorder: Recorder, client: Any, env: str | None) -> str:
    kwargs = request_settings(name, env=env, path=PROJECT)
    items: list[Any] = [{"role": "user", "content": context}]
    tool_choice = "required" if name in SEARCHES_FIRST else "auto"
    for _ in range(5):  # a few rounds of function calls at most
        response = await client.responses.create(**kwargs, input=items, tool_choice=tool_choice, store=False)
        calls = [item for item in response.output if item.type == "function_call"]
        if not calls:
            return str(response.output_text)
        items += [item.model_dump(exclude_none=True) for item in response.output]
        for call in calls:
            output = recorder.search(**json.loads(call.arguments)) if call.name == "search" else \
                f"unknown function {call.name}"
            items.append({"type": "function_call_output", "call_id": call.call_id, "output": output})
        tool_choice = "auto"
    raise RuntimeError(f"{name} kept calling functions")


async def discuss(topic: str, client: Any, *, via: str, env: str | None = None,
                  out: Any = sys.stdout) -> tuple[list[dict[str, str]], Recorder]:
    """The seven turns, each seeing the discussion so far: [{hat, speaker, text}], and the searches."""
    speak = speak_with_agents_sdk if via == "agents" else speak_with_responses
    recorder = Recorder()
    context = f"讨论话题:{topic}\n{PROMPT}\n[开始]"
    turns = []
    for name in ORDER:
        recorder.hat = name
        text = own_words(name, await speak(name, context, recorder, client, env))
        turns.append({"hat": name, "speaker": speaker(name), "text": text})
        context += f"\n{speaker(name)}: {text}"
        if out is not None:
            out.write(f"---{speaker(name)}---\n{text}\n\n")
            out.flush()
    return turns, recorder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topic", help="what the six hats discuss")
    parser.add_argument("--backend", choices=("local", "openai"), default=os.environ.get("ASST_DEPLOY_BACKEND", "local"))
    parser.add_argument("--env", default=None, help="the environment deployed to (default: the project's)")
    parser.add_argument("--via", choices=("agents", "responses"), default=None,
                        help="run through the Agents SDK (default when installed) or client.responses.create")
    parser.add_argument("--json", action="store_true", help="print the turns and searches as JSON at the end")
    args = parser.parse_args(argv)
    via = args.via or ("agents" if _has_agents_sdk() else "responses")
    if via == "agents":
        import agents

        agents.set_tracing_disabled(args.backend == "local")  # no traces of an offline run to OpenAI
    with open_client(args.backend) as client:
        turns, recorder = asyncio.run(discuss(args.topic, client, via=via, env=args.env,
                                              out=None if args.json else sys.stdout))
    if args.json:
        searches = [{"hat": hat, "query": query, "result": result} for hat, query, result in recorder.calls]
        print(json.dumps({"via": via, "turns": turns, "searches": searches}, ensure_ascii=False, indent=2))
    return 0


def _has_agents_sdk() -> bool:
    import importlib.util

    return importlib.util.find_spec("agents") is not None


if __name__ == "__main__":
    sys.exit(main())
