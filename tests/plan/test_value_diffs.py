"""How a nested value's changes are named: deepdiff finds them, the names and identities are the
planner's. Each case is one where deepdiff's own reading differs from a reviewer's."""

from __future__ import annotations

import subprocess
import sys

from asst_deploy.plan.compare.values import leaf_diffs


def lines(before, after, field="tools"):
    return [(d.field, d.before, d.after) for d in leaf_diffs(field, before, after)]


def test_a_tool_replaced_by_another_at_its_place_is_a_removal_and_an_addition():
    # deepdiff alone folds an item gone and another added at one index into one changed value
    assert lines([{"type": "function", "name": "f"}], [{"type": "code_interpreter"}]) == [
        ("tools[code_interpreter]", None, {"type": "code_interpreter"}),
        ("tools[f]", {"type": "function", "name": "f"}, None),
    ]


def test_a_key_set_to_null_is_the_same_as_an_unset_key():
    assert lines({"a": None, "b": 1}, {"b": 2}, "metadata") == [("metadata.b", 1, 2)]


def test_a_type_alone_shows_only_beside_a_real_change():
    assert lines({"a": 1, "b": 1}, {"a": 1.0, "b": 2}, "metadata") == [("metadata.a", 1, 1.0), ("metadata.b", 1, 2)]
    assert lines({"x": {"a": 1}, "b": 1}, {"x": {"a": 1.0}, "b": 2}, "metadata") == [("metadata.b", 1, 2)]


def test_dicts_with_few_keys_in_common_are_still_compared_key_by_key():
    # deepdiff 8 alone reports such dicts as one changed value
    before = {"type": "object", "properties": {"a": {"type": "string"}}}
    after = {"type": "object", "properties": {"b": {"type": "string"}, "c": {"type": "integer"}}}
    assert lines(before, after, "response_format") == [
        ("response_format.properties.b", None, {"type": "string"}),
        ("response_format.properties.c", None, {"type": "integer"}),
        ("response_format.properties.a", {"type": "string"}, None),
    ]


def test_a_flat_list_is_one_line_and_keys_are_listed_as_the_manifest_has_them():
    assert lines({"z": ["a"], "weird key": 1}, {"weird key": 2, "z": ["a", "b"]}, "metadata") == [
        ('metadata["weird key"]', 1, 2), ("metadata.z", ["a"], ["a", "b"])]


def test_an_edit_and_a_reorder_are_the_edit_then_one_order_line():
    f, g = {"type": "function", "name": "f", "x": 1}, {"type": "function", "name": "g"}
    assert lines([f, g], [g, {**f, "x": 2}]) == [("tools[f].x", 1, 2), ("tools (order)", ["f", "g"], ["g", "f"])]


def test_a_scalar_change_is_the_whole_field():
    assert lines("Be brief.", "Be very brief.", "instructions") == [("instructions", "Be brief.", "Be very brief.")]


def test_the_planner_loads_deepdiff_only_for_a_nested_change():
    code = ("import sys; import asst_deploy.plan.planner; assert 'deepdiff' not in sys.modules; "
            "from asst_deploy.plan.compare.values import leaf_diffs; leaf_diffs('x', 'a', 'b'); "
            "assert 'deepdiff' not in sys.modules; leaf_diffs('x', {'a': 1}, {'a': 2}); assert 'deepdiff' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
