"""Plans of the cases a reviewer meets, from the real planner, compared with files a reviewer read.

Each case builds the planner's three inputs (manifests, account, lockfile) as an apply leaves them,
changes one thing, plans, and renders text, markdown and JSON. The expected output lives in
``tests/render/golden/<case>.{txt,md,json}``; each was read and judged as a reviewer would. To
regenerate after a deliberate change: ``ASST_DEPLOY_UPDATE_GOLDEN=1 pytest tests/render/test_golden_plans.py``
and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest

from asst_deploy.backends.assistants import AssistantsTarget
from asst_deploy.lock.entry import LockDocument
from asst_deploy.plan.planner import Desired, adopted_digest, plan
from asst_deploy.plan.types import Action, Kind, Plan
from asst_deploy.render import render
from asst_deploy.spec import AssistantSpec, FileSpec, normalize, spec_digest
from asst_deploy.account.observed import Observed, ObservedAssistant, ObservedFile, ObservedVectorStore

GOLDEN = Path(__file__).parent / "golden"
CAPS = AssistantsTarget.capabilities

BOOK = {"type": "function", "name": "book_flight", "description": "Book a flight for the customer",
        "parameters": {"type": "object", "properties": {"flight": {"type": "string", "description": "e.g. LH 454"},
                                                        "seats": {"type": "integer"}},
                       "required": ["flight"], "additionalProperties": False}, "strict": True}
CANCEL = {"type": "function", "name": "cancel_booking", "description": "Cancel a booking",
          "parameters": {"type": "object", "properties": {"booking": {"type": "string"}}, "required": ["booking"]}}
AIRPORTS = {"type": "function", "name": "list_airports", "description": "List the airports a city has",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
SEARCH = {"type": "file_search", "max_num_results": 8}
FAQ_OLD = "# Baggage\n\nOne bag of 23 kg is included.\nA second bag costs 40 EUR.\n"
FAQ_NEW = "# Baggage\n\nOne bag of 23 kg is included.\nA second bag costs 45 EUR.\nSports equipment travels free.\n"
SHA_OLD = "1b6f" + "0" * 60
SHA_NEW = "7c2e" + "1" * 60


def travel(name: str = "travel-bot", **fields: Any) -> AssistantSpec:
    base: dict[str, Any] = dict(
        name=name, display_name="Travel Bot", model="gpt-4o",
        instructions="You help customers book and change flights.\nConfirm before booking.",
        tools=(BOOK, CANCEL, SEARCH), temperature=0.3, metadata={"team": "travel"},
        files=(FileSpec("docs/baggage.md", SHA_OLD, len(FAQ_OLD)),),
    )
    base.update(fields)
    return normalize(AssistantSpec(**base), CAPS.defaults)


def desired(*specs: AssistantSpec, **kw: Any) -> Desired:
    """As ``plan/desired.py`` makes it: these manifests set temperature and leave top_p and
    response_format to the API."""
    kw.setdefault("defaulted", {s.name: frozenset({"top_p", "response_format"}) for s in specs})
    return Desired("acme-travel", "prod", CAPS, tuple(specs), **kw)


def deployed(spec: AssistantSpec, *, asst_id: str = "asst_T1", vs_id: str = "vs_T1") -> tuple[Observed, LockDocument]:
    """The account and the lockfile exactly as an apply of ``spec`` leaves them."""
    file_ids = {f.path: f"file-{i + 1}" for i, f in enumerate(spec.files)}
    observed = Observed(
        assistants=(ObservedAssistant(asst_id, spec.name, replace(spec, files=(), source=""), (vs_id,)),),
        vector_stores=(ObservedVectorStore(vs_id, spec.name, len(spec.files)),),
        files=tuple(ObservedFile(file_ids[f.path], f.sha256, f"x~{f.path}", f.size) for f in spec.files),
    )
    entry = {"id": asst_id, "api": "assistants", "vector_store_id": vs_id, "code_interpreter_files": {},
             "files": {f.path: {"id": file_ids[f.path], "sha256": f.sha256} for f in spec.files},
             "applied": spec_digest(spec.comparable(), CAPS.ignore_unset, CAPS.write_only)}
    return observed, LockDocument.from_dict({"version": 1, "assistants": {spec.name: entry}})


def edit(**fields: Any) -> Plan:
    observed, lock = deployed(travel())
    return plan(desired(travel(**fields)), observed, lock)


def insert() -> Plan:
    return edit(tools=(AIRPORTS, BOOK, CANCEL, SEARCH))


def remove() -> Plan:
    return edit(tools=(BOOK, SEARCH))


def reorder() -> Plan:
    edited = {**BOOK, "description": "Book one flight; ask for the seat count",
              "parameters": {**BOOK["parameters"], "required": ["flight", "seats"]}}
    return edit(tools=(SEARCH, CANCEL, edited))


def rename_without_renamed_from() -> Plan:
    observed, lock = deployed(travel())
    return plan(desired(travel("trip-planner")), observed, lock)


def import_then_edit() -> Plan:
    """An assistant made by hand with its own vector store, imported, then its temperature edited."""
    hand_made = travel(files=(), tools=(SEARCH,), metadata={})
    adopted = ObservedAssistant("asst_H1", "travel-bot", replace(hand_made, source=""), ("vs_by_hand",))
    lock = LockDocument.from_dict({"version": 1, "assistants": {"travel-bot": {
        "id": "asst_H1", "api": "assistants", "code_interpreter_files": {},
        "applied": adopted_digest(desired(hand_made), adopted)}}})
    return plan(desired(replace(hand_made, temperature=0.5)), Observed(assistants=(adopted,)), lock)


def file_change() -> Plan:
    """A document's content changed; its old text came from git (``plan/contents.py``)."""
    result = edit(files=(FileSpec("docs/baggage.md", SHA_NEW, len(FAQ_NEW)),))
    changes = tuple(
        replace(c, before={**(c.before or {}), "text": FAQ_OLD}, after={**(c.after or {}), "text": FAQ_NEW})
        if c.type is Kind.FILE and c.action is Action.UPDATE else c
        for c in result.changes
    )
    return replace(result, changes=changes)


def thousands_of_files() -> Plan:
    files = tuple(FileSpec(f"docs/manuals/{i:04d}.md", f"{i:064x}", 2_000 + i) for i in range(2_500))
    return plan(desired(travel(files=files)), Observed(), LockDocument.from_dict({"version": 1, "assistants": {}}))


def migration_back() -> Plan:
    """Deployed with api: responses (a vector store, an uploaded file, settings in the lockfile),
    then api: assistants again."""
    spec = travel()
    observed = Observed(
        vector_stores=(ObservedVectorStore("vs_T1", spec.name, 1),),
        files=(ObservedFile("file-1", SHA_OLD, "x~docs/baggage.md", len(FAQ_OLD)),),
    )
    lock = LockDocument.from_dict({"version": 1, "assistants": {spec.name: {
        "api": "responses", "vector_store_id": "vs_T1", "code_interpreter_files": {},
        "files": {"docs/baggage.md": {"id": "file-1", "sha256": SHA_OLD}},
        "responses": {"model": "gpt-4o"}, "spec": spec.comparable()}}})
    return plan(desired(spec), observed, lock)


CASES: dict[str, Callable[[], Plan]] = {
    "insert": insert,
    "remove": remove,
    "reorder": reorder,
    "rename_without_renamed_from": rename_without_renamed_from,
    "import_then_edit": import_then_edit,
    "file_change": file_change,
    "thousands_of_files": thousands_of_files,
    "migration_back": migration_back,
}
FORMATS = {"txt": "text", "md": "markdown", "json": "json"}


def _document(result: Plan) -> dict[str, Any]:
    doc = result.to_json()
    doc.pop("fingerprints")  # digests of the inputs: nothing a reviewer reads
    return doc


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("suffix", list(FORMATS))
def test_plan_reads_as_the_reviewed_golden_file(case: str, suffix: str) -> None:
    doc = _document(CASES[case]())
    shown = render(doc, FORMATS[suffix])
    if suffix == "json":
        doc.pop("operations")  # what apply runs: covered by the planner and apply tests, not read here
        if case == "thousands_of_files":  # 2,500 entries: the golden keeps the first and the count
            doc["changes"] = doc["changes"][:4] + [{"...": f"{len(doc['changes']) - 4} more file changes"}]
        shown = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    path = GOLDEN / f"{case}.{suffix}"
    if os.environ.get("ASST_DEPLOY_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(shown, encoding="utf-8")
    assert shown == path.read_text(encoding="utf-8")


def test_the_thousands_of_files_json_lists_every_file() -> None:
    doc = thousands_of_files().to_json()
    paths = [c["path"] for c in doc["changes"] if c["type"] == "file"]
    assert len(paths) == 2_500 and paths[0] == "docs/manuals/0000.md" and paths[-1] == "docs/manuals/2499.md"
    assert len(render(doc).splitlines()) < 60 and len(render(doc, "markdown")) < 5_000
