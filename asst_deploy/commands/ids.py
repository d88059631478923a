"""``asst-deploy ids``: name -> id from the lockfile, for shells and other languages. No API call."""

from __future__ import annotations

import json
import re
import sys
from typing import TextIO

from ..errors import EXIT_OK
from ..session import Options, load, read_lockfile


def env_var_name(name: str, suffix: str = "") -> str:
    return "ASST_DEPLOY_" + re.sub(r"[^A-Z0-9]", "_", name.upper()) + suffix


def run_ids(options: Options, *, fmt: str = "json", out: TextIO | None = None) -> int:
    out = out or sys.stdout
    loaded = load(options)
    entries = read_lockfile(loaded.project, loaded.owner).entries
    if fmt == "env":
        for name, entry in sorted(entries.items()):
            if entry.id:
                out.write(f"{env_var_name(name)}={entry.id}\n")
            if entry.vector_store_id:
                out.write(f"{env_var_name(name, '_VECTOR_STORE')}={entry.vector_store_id}\n")
        return EXIT_OK
    ids = {name: entry.id for name, entry in sorted(entries.items()) if entry.id}
    out.write(json.dumps(ids, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK
