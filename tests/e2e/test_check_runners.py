"""The behaviour-check runners against the example project, deployed by the real CLI to the
emulator under each API, driven through the tool's own API client (the real SDK over HTTP)."""

from __future__ import annotations

import pytest
from support.cli import Cli
from support.projects import write_project

from asst_deploy import runtime
from asst_deploy.checks.reply import Conversation, Message
from asst_deploy.checks.run import runner_for
from asst_deploy.errors import AsstDeployError
from asst_deploy.lock.entry import LockEntry

APIS = ("assistants", "agents", "responses")
ORDER = {"get_order_status": '{"status": "shipped"}', "cancel_order": '{"cancelled": true}'}


ORDERS = """
    name: orders
    model: gpt-4o
    instructions: You are the order desk. Look an order up before answering.
    tools:
      - type: function
        function:
          name: get_order_status
          description: Find an order by its number
          parameters: {type: object, properties: {order_number: {type: string}}, required: [order_number]}
      - type: function
        function:
          name: cancel_order
          description: Cancel an order
          parameters: {type: object, properties: {order_number: {type: string}}, required: [order_number]}
"""


@pytest.fixture
def orders(tmp_path, asst_emulator):
    """A project of one assistant with two function tools, which every API deploys."""
    root = write_project(tmp_path / "orders", {"asst-deploy.yaml": "project: orders-check\nmanifests: assistants/\n",
                                              "assistants/orders.yaml": ORDERS})
    return Cli(project=root, emulator=asst_emulator)


def _runner(cli, project, api_client, api: str, name: str, env: str | None = "dev"):
    cli("apply", "--api", api, "--auto-approve")
    entry = LockEntry.from_dict(runtime.load(env=env, path=project)["assistants"][name])
    assert entry.api == api
    return runner_for(api, entry, api_client, name)


def _ask(*lines: str, functions=None) -> Conversation:
    return Conversation(tuple(Message("user", line) for line in lines), functions or {})


@pytest.mark.parametrize("api", APIS)
def test_functions_are_answered_from_the_case_and_an_unanswered_one_stops(orders, api_client, api):
    runner = _runner(orders, orders.project, api_client, api, "orders", env=None)
    reply = runner.converse(_ask("get_order_status of A-1042, please", functions=ORDER))
    assert [call.name for call in reply.tool_calls] == ["get_order_status"]
    assert reply.unanswered_function is None
    assert reply.text == ('order desk: get_order_status returned "{"status": "shipped"}". '
                          'I read "get_order_status of A-1042, please"')  # the deployed instructions' role
    stopped = runner.converse(_ask("cancel_order A-1042", functions={"get_order_status": "{}"}))
    assert stopped.unanswered_function == "cancel_order"
    assert [call.name for call in stopped.tool_calls] == ["cancel_order"]
    talk = runner.converse(_ask("Hello", "Which orders can be cancelled?"))
    assert talk.tool_calls == () and talk.text.endswith('"Which orders can be cancelled?"')


@pytest.mark.parametrize("api", ["assistants", "responses"])  # the Agents API has no file_search
def test_a_question_the_retrieval_files_answer_cites_the_file(cli, project, api_client, api):
    runner = _runner(cli, project, api_client, api, "support-bot")
    reply = runner.converse(_ask("When are refunds possible for annual plans?"))
    files = runtime.load(env="dev", path=project)["assistants"]["support-bot"]["files"]
    cited = {file_id: path for path, file_id in ((p, f["id"]) for p, f in files.items())}
    assert [cited[c.file_id] for c in reply.citations] == ["docs/billing/refunds.md"]
    assert reply.text.endswith('refunds.md: "# Refunds"')  # the stored file's name and the line it quotes
    plain = runner.converse(_ask("Hello there"))
    assert plain.citations == ()


def test_a_forced_tool_choice_is_forced_once(api_client):
    from asst_deploy.checks.run import ResponsesRunner

    runner = ResponsesRunner(api_client, {"model": "gpt-4o", "tool_choice": "required", "tools": [
        {"type": "function", "name": "ping", "strict": False, "parameters": {"type": "object", "properties": {}}}]})
    reply = runner.converse(_ask("hi", functions={"ping": "pong"}))
    assert [call.name for call in reply.tool_calls] == ["ping"]
    assert reply.text == 'assistant: ping returned "pong". I read "hi"'


def test_an_undeployed_manifest_has_no_runner(api_client):
    with pytest.raises(AsstDeployError, match="'bot' has no assistant id in the lockfile"):
        runner_for("assistants", LockEntry(), api_client, "bot")
    with pytest.raises(AsstDeployError, match="Responses settings"):
        runner_for("responses", LockEntry(), api_client, "bot")


def test_without_store_the_whole_conversation_is_sent_again(api_client):
    from asst_deploy.checks.run import ResponsesRunner

    lookup = {"type": "function", "name": "lookup", "strict": False,
              "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}
    runner = ResponsesRunner(api_client, {"model": "gpt-4o", "store": False, "tools": [lookup],
                                          "instructions": "You are the archivist."})
    reply = runner.converse(_ask("lookup the 1997 minutes", functions={"lookup": "found 3 pages"}))
    assert reply.text == 'archivist: lookup returned "found 3 pages". I read "lookup the 1997 minutes"'


@pytest.mark.asst_emulator(answer_seconds=0.3)
@pytest.mark.parametrize(("api", "polled"), [("assistants", "GET /v1/threads/{id}/runs/{id}"),
                                             ("agents", "GET /v1/agents/sessions/{id}")])
def test_a_run_in_progress_is_polled_until_it_answers(orders, api_client, asst_emulator, api, polled):
    runner = _runner(orders, orders.project, api_client, api, "orders", env=None)
    asst_emulator.reset_counter()
    reply = runner.converse(_ask("get_order_status of A-1042", functions=ORDER))
    assert reply.text == ('order desk: get_order_status returned "{"status": "shipped"}". '
                          'I read "get_order_status of A-1042"')
    assert asst_emulator.counter().get(polled, 0) >= 2  # once after the start, once after the tool output
