"""The incremental lockfile dump writes exactly what a full dump writes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from asst_deploy.lock.file import IncrementalDump, dump_lock

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
entries = st.dictionaries(st.sampled_from(["id", "api", "files", "applied", "vector_store_id"]),
                          st.one_of(st.text(max_size=5), st.dictionaries(names, st.text(max_size=5), max_size=2)),
                          max_size=4)
locks = st.builds(lambda a: {"version": 1, "project": "p", "environment": "dev", "assistants": a},
                  st.dictionaries(names, entries, max_size=6))


@settings(max_examples=200, deadline=None)  # a loaded CI machine took 395 ms for one example
@given(first=locks, second=locks)
def test_incremental_dump_equals_full_dump(first, second):
    dumper = IncrementalDump()
    assert dumper.dump(first) == dump_lock(first)
    # mutate to `second`, telling the dumper which entries changed
    dirty = {n for n in set(first["assistants"]) | set(second["assistants"])
             if first["assistants"].get(n) != second["assistants"].get(n)}
    assert dumper.dump(second, dirty) == dump_lock(second)
    assert dumper.dump(second, set()) == dump_lock(second)
