"""An adopted assistant: what it brought from its hand-made past is not ours, so the plan leaves it."""

from __future__ import annotations


def test_planner_leaves_a_store_attached_by_hand_alone() -> None:
    """An adopted assistant keeps its hand-made vector store (not ours): no change is planned for it,
    just as code-interpreter files that are not ours are not."""
    from asst_deploy.backends.assistants import AssistantsTarget
    from asst_deploy.lock.entry import LockDocument
    from asst_deploy.plan.planner import Desired, plan
    from asst_deploy.spec import AssistantSpec, Defaults, normalize
    from asst_deploy.account.observed import Observed, ObservedAssistant

    spec = normalize(AssistantSpec(name="bot", display_name="bot", model="gpt-4o",
                                   tools=({"type": "file_search"},)), Defaults())
    desired = Desired(project="p", environment="default", capabilities=AssistantsTarget.capabilities, specs=(spec,))
    adopted = ObservedAssistant(id="asst_1", name="bot", spec=spec, vector_store_ids=("vs_by_hand",))
    lock = LockDocument.from_dict({"assistants": {"bot": {"id": "asst_1", "api": "assistants",
                                                          "code_interpreter_files": {}}}})
    assert plan(desired, Observed(assistants=(adopted,)), lock).changes == ()
