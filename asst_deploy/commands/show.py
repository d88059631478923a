"""``asst-deploy show [NAME]``: what the lockfile and the account say, side by side."""

from __future__ import annotations

import json
from typing import Any

from ..console import Console
from ..errors import EXIT_OK, AsstDeployError
from ..lock.entry import LockEntry
from ..account.observe import observe
from ..session import Options, open_session


def run_show(options: Options, console: Console, name: str | None = None) -> int:
    with open_session(options, err=console.stderr, on_event=console.emit) as session:
        observed = observe((session.target, *session.previous_targets), session.storage, session.owner,
                           session.lock, parallelism=session.parallelism)
    entries = session.lock.entries
    remote = {a.name: a for a in observed.assistants}
    stores = {s.name: s for s in observed.vector_stores}
    file_ids = {f.id for f in observed.files}
    names = sorted(set(entries) | set(remote) | {s.name for s in session.project.specs})
    if name is not None:
        if name not in names:
            raise AsstDeployError(f"no assistant named {name!r}; known: {', '.join(names) or '(none)'}")
        names = [name]
    console.out(f"project {session.owner.project}, environment {session.owner.environment}, "
                f"api {session.project.api}, lockfile {session.project.lockfile.name}\n")
    for item in names:
        entry = entries.get(item) or LockEntry()
        account = remote.get(item)
        store = stores.get(item)
        console.out(f"\n{item}\n")
        ci_locked = entry.code_interpreter_files
        if session.target.capabilities.server_object:
            _row(console, "id", entry.id, account.id if account else None)
            ci_found = len(account.code_interpreter_file_ids) if account else None
        else:  # api: responses keeps no server object: its settings name the files, which must exist
            console.out(f"  {'responses settings':<24} {'in the lockfile' if entry.responses else '-'}\n")
            ci_found = sum(1 for f in ci_locked.values() if f.id in file_ids)
        if entry.vector_store_id or store:
            _row(console, "vector_store_id", entry.vector_store_id, store.id if store else None)
            _row(console, "retrieval files", len(entry.files), store.file_count if store else None)
        if ci_locked or ci_found:
            _row(console, "code interpreter files", len(ci_locked), ci_found)
        if account:
            for key, value in account.spec.comparable().items():
                if value not in (None, {}, []):
                    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    first = text.splitlines()[0] if text else ""
                    console.out(f"  {key:<24} {first[:100]}{' ...' if len(text) > len(first[:100]) else ''}\n")
    return EXIT_OK


def _row(console: Console, label: str, locked: Any, actual: Any) -> None:
    mark = "" if locked == actual else "   <- differs"
    console.out(f"  {label:<24} lockfile: {locked if locked is not None else '-'}   "
                f"account: {actual if actual is not None else '-'}{mark}\n")
