"""Plans for the renderer tests, built from the real plan types (a uniquely named helper module,
not a conftest, so test files can import it by name)."""

from __future__ import annotations

from asst_deploy.plan.types import Action, Change, FieldDiff, Kind, Plan, display_order

SHA_A = "1a2b3c4d5e6f" + "0" * 52
SHA_B = "9f8e7d6c5b4a" + "1" * 52

OLD_INSTRUCTIONS = "You are a support agent for Acme.\nAnswer politely in English.\nNever share secrets.\n"
NEW_INSTRUCTIONS = "You are a support agent for Acme.\nAnswer briefly in English.\nNever share secrets.\n"
OLD_FAQ = "# Billing FAQ\n\nRefunds take 14 days.\nWrite to billing@acme.test.\n"
NEW_FAQ = "# Billing FAQ\n\nRefunds take 5 days.\nWrite to billing@acme.test.\n"


def assistant(**overrides):
    """An assistant's neutral fields as the planner puts them in before/after."""
    spec = {
        "display_name": "Billing Bot",
        "model": "gpt-4o",
        "description": "Answers billing questions",
        "instructions": "You are a billing assistant.\nBe brief.\n",
        "tools": [{"type": "code_interpreter"}],
        "temperature": 0.2,
        "top_p": None,
        "response_format": "auto",
        "reasoning_effort": None,
        "metadata": {},
        "settings": {},
    }
    spec.update(overrides)
    return spec


def sample_plan(**overrides) -> Plan:
    """One create, one update with an instructions change, one file update and one delete."""
    before = assistant(display_name="Support Bot", instructions=OLD_INSTRUCTIONS)
    after = assistant(display_name="Support Bot", model="gpt-4o-mini", instructions=NEW_INSTRUCTIONS)
    changes = (
        Change(Kind.ASSISTANT, "support-bot", Action.UPDATE, id="asst_abc123", before=before, after=after,
               fields=(FieldDiff("model", "gpt-4o", "gpt-4o-mini"),
                       FieldDiff("instructions", OLD_INSTRUCTIONS, NEW_INSTRUCTIONS)),
               reason="the manifest changed, or the assistant was edited outside asst-deploy"),
        Change(Kind.FILE, "support-bot", Action.UPDATE, id="file-old1", path="docs/faq.md", role="files",
               before={"sha256": SHA_A, "file_id": "file-old1", "size": len(OLD_FAQ), "text": OLD_FAQ},
               after={"sha256": SHA_B, "size": len(NEW_FAQ), "file_id": None, "text": NEW_FAQ},
               reason="the file's content changed"),
        Change(Kind.ASSISTANT, "billing-bot", Action.CREATE, after=assistant(), reason="new manifest",
               defaulted=("response_format",)),
        Change(Kind.VECTOR_STORE, "old-bot", Action.DELETE, id="vs_old", before={"id": "vs_old"},
               reason="no manifest named it any more"),
    )
    values = dict(project="acme-support", environment="dev", api="assistants", changes=display_order(changes),
                  unchanged=("faq-bot", "sales-bot", "triage-bot"))
    values.update(overrides)
    return Plan(**values)
