"""The dispatcher: every manifest name, wanted or owned, through the comparator for its kind.

After alembic's ``autogenerate/compare``: per name the store, then the files of both roles, then
the assistant (whose tool resources depend on what the store and files do); a name no manifest
wants any more goes to the orphans; file objects nobody uses come last, once every name is seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...lock.entry import FILE_ROLES, found_by_markers
from ...spec import AssistantSpec
from ..types import Change
from .assistant import compare_assistant
from .context import Context, Current, Findings
from .members import detach_strays, diff_files, remember_usage
from .orphans import compare_absent, unused_files
from .platform import compare_parts, compare_vault, relink, say_moved
from .repairs import describe, forget_gone, repair
from .store import compare_store
from .twins import current


@dataclass(frozen=True)
class Comparison:
    changes: list[Change]
    findings: Findings


def compare(ctx: Context) -> Comparison:
    """Every change that makes the account agree with the manifests, in the planner's order."""
    findings = Findings()
    vault, changes = compare_vault(ctx)
    names = sorted(set(ctx.specs) | set(ctx.assistants) | set(ctx.stores) | set(ctx.entries) | set(ctx.credentials)
                   | set(ctx.automations))
    pending_elsewhere = []  # --target leaves these out, but they have changes too: say so
    for name in names:
        now, extras = current(ctx, name)
        spec = ctx.specs.get(name)
        if not ctx.wanted(name):
            if extras or _compare_name(ctx, findings, name, spec, now) or compare_parts(ctx, Findings(), name, spec,
                                                                                       now, vault):
                pending_elsewhere.append(name)
            continue
        fix = repair(ctx, name, now) if spec is not None else forget_gone(ctx, name)
        if fix:
            findings.repairs[name] = fix
        own = _compare_name(ctx, findings, name, spec, now) + extras
        own = say_moved(ctx, name, relink(ctx, spec, now, own + compare_parts(ctx, findings, name, spec, now, vault)))
        if not own and spec:
            findings.unchanged.append(name)
        changes.extend(own)
    if ctx.desired.targets is None:
        changes.extend(unused_files(ctx, changes))
    elif pending_elsewhere:
        findings.notes.append(f"--target: {len(pending_elsewhere)} other assistant(s) also have pending changes "
                              f"({_some(pending_elsewhere)}), not in this plan; plan without --target to see them")
    for api in sorted(ctx.observed.gone):
        findings.notes.append(f"this server answers 404 for the {api.capitalize()} API (OpenAI sunset the Assistants "
                              f"API on 2026-08-26): its old objects cannot be listed, so they are neither shown "
                              f"nor deleted here; the lockfile forgets their ids")
    found = found_by_markers(findings.repairs)
    if found:
        told = [describe(ctx, name, findings.repairs[name]) for name in found]
        findings.notes.append(f"the lockfile disagrees with what the account holds under this project's markers "
                              f"({'; '.join(told[:10])}{f' and {len(told) - 10} more' if len(told) > 10 else ''}): "
                              "apply rewrites those entries, without changing the account")
    return Comparison(changes, findings)


def _some(names: list[str]) -> str:
    return ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _compare_name(ctx: Context, findings: Findings, name: str, spec: AssistantSpec | None, now: Current) -> list[Change]:
    return _compare_present(ctx, findings, spec, now) if spec else compare_absent(ctx, name, now)


def _compare_present(ctx: Context, findings: Findings, spec: AssistantSpec, now: Current) -> list[Change]:
    changes = compare_store(ctx, spec, now)
    file_changes = []
    for role in FILE_ROLES:
        have = {} if (role == "files" and now.store is None) else now.files[role]
        file_changes += diff_files(ctx, spec.name, role, getattr(spec, role), have)
    if now.store is not None and spec.files:
        file_changes += detach_strays(ctx, spec.name, now)
        remember_usage(findings, spec.name, now.store, file_changes)
    changes += file_changes
    changes += compare_assistant(ctx, findings, spec, now, changes)
    return changes
