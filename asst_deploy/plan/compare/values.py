"""Nested values compared down to the changed leaves, with list items matched by identity.

deepdiff finds what differs; the identity layer and the names are ours. Tools are matched as a
reviewer names them: a function by its name, an MCP server by its label, any other tool by its
type. Inserting a function first is then one added function, not a rename of every tool after
it; an edit is the fields that changed inside that function. A list whose items have no identity
is compared item by item when both sides have as many items and some item is nested, and whole
otherwise (``required: [a] -> [a, b]`` reads as one line). An unset key and a key set to null are
the same; a change of type alone (``1`` to ``1.0``) shows only beside a real change next to it.

deepdiff is imported on the first nested change: a plan with none never loads it.
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any, Iterator, NamedTuple, cast

from ..types import FieldDiff

if TYPE_CHECKING:
    from deepdiff import DeepDiff
    from deepdiff.model import DiffLevel

_LAST = math.inf  # a list's order line sorts after its items
_Rank = tuple[float, ...]  # where a change is listed: its place among its siblings, at each depth
_KeyedLists = dict[str, tuple[_Rank, dict[str, Any], dict[str, Any]]]  # path -> both sides by identity


def leaf_diffs(field_name: str, before: Any, after: Any) -> list[FieldDiff]:
    """Field-level differences of one spec field; the whole field when nothing finer differs."""
    whole = [FieldDiff(field_name, before, after, field_name)]
    if not ((isinstance(before, dict) and isinstance(after, dict)) or (isinstance(before, list) and isinstance(after, list))):
        return whole  # nothing nested to look into
    found: dict[str, tuple[_Rank, FieldDiff]] = {}
    keyed_lists: _KeyedLists = {}
    for report, chain in _reports(before, after):
        leaf = _named(field_name, chain, keyed_lists)
        # a moved item says only that the order changed; what changed inside it is reported apart
        if leaf is not None and report != "iterable_item_moved" and leaf[1].field not in found:
            found[leaf[1].field] = leaf
    for path, (rank, old, new) in keyed_lists.items():  # a new order of the same items, as one line
        kept_old, kept_new = [k for k in old if k in new], [k for k in new if k in old]
        if kept_old != kept_new:
            found[f"{path} (order)"] = ((*rank, _LAST), FieldDiff(f"{path} (order)", kept_old, kept_new, field_name))
    return [diff for _, diff in sorted(found.values(), key=lambda item: item[0])] or whole


class _Node(NamedTuple):
    """One value on a report's way down from the field: both sides (None where a side has none),
    and the key or index that leads on to the next value."""

    before: Any
    after: Any
    item: Any  # the value as one side has it: a list item's identity is read from it
    param: Any = None


def _reports(before: Any, after: Any) -> Iterator[tuple[str, list[_Node]]]:
    """Every place deepdiff finds the two sides apart: what it found there, and the way to it."""
    from deepdiff import DeepDiff
    from deepdiff.helper import CannotCompare, notpresent

    keyed: dict[int, bool] = {}

    def same_item(x: Any, y: Any, level: DiffLevel) -> bool:
        if id(level) not in keyed:  # asked once per pair of items: decide once per list
            keyed[id(level)] = _keyed(level.t1) is not None and _keyed(level.t2) is not None
        if not keyed[id(level)]:
            raise CannotCompare()  # items without an identity are compared by position
        return _identity(x) == _identity(y)

    def node(level: DiffLevel) -> _Node:
        relation = level.t1_child_rel or level.t2_child_rel
        before, after = (None if v is notpresent else v for v in (level.t1, level.t2))
        return _Node(before, after, after if level.t1 is notpresent else before, relation and relation.param)

    # report_repetition: an item gone and another added at its index stay two reports (not one change)
    tree = DeepDiff(before, after, view="tree", zip_ordered_iterables=True, threshold_to_diff_deeper=0,
                    iterable_compare_func=same_item, report_repetition=True, custom_operators=[_Same()])
    for report, levels in tree.items():
        for level in levels:
            chain = [level]
            while chain[-1].up is not None:
                chain.append(chain[-1].up)
            yield report, [node(level) for level in reversed(chain)]


class _Same:
    """A deepdiff operator: equal values of one type hold no difference, so it looks no further into
    them (as a reviewer would not), and a type alone (``1`` and ``1.0``) shows only beside a real change."""

    def match(self, level: DiffLevel) -> bool:
        return type(level.t1) is type(level.t2) and bool(level.t1 == level.t2)

    def give_up_diffing(self, level: DiffLevel, diff_instance: DeepDiff) -> bool:
        return True


class _Step(NamedTuple):
    path: str  # the child's, as a reviewer reads it
    rank: float  # its place among its siblings: the after side's keys, then the keys it dropped
    keyed: tuple[dict[str, Any], dict[str, Any]] | None  # a list with identities: both sides by identity


def _named(root: str, chain: list[_Node], keyed_lists: _KeyedLists) -> tuple[_Rank, FieldDiff] | None:
    """A deepdiff report named as a reviewer reads it: a dotted path through dicts, ``[name]`` through
    lists with identities, ``[i]`` through lists compared by position; it stops at a list compared
    whole. None when the report is no difference here (a null against an unset key)."""
    path, rank = root, cast(_Rank, ())
    for depth, node in enumerate(chain):
        step = _step(path, node, chain[depth + 1]) if depth + 1 < len(chain) else None
        if step is None:
            if node.before == node.after and type(node.before) is type(node.after):
                return None
            return rank, FieldDiff(path, node.before, node.after, root)
        if step.keyed is not None:
            keyed_lists.setdefault(path, (rank, *step.keyed))
        path, rank = step.path, (*rank, step.rank)
    return None


def _step(path: str, node: _Node, child: _Node) -> _Step | None:
    """From a value into ``child``; None when the value is compared whole."""
    before, after = node.before, node.after
    if isinstance(before, dict) and isinstance(after, dict):
        order = list(after) + [k for k in before if k not in after]
        return _Step(_join(path, node.param), order.index(node.param), None)
    if isinstance(before, list) and isinstance(after, list):
        old, new = _keyed(before), _keyed(after)
        if old is not None and new is not None:
            key = cast(str, _identity(child.item))  # every item has one
            return _Step(f"{path}[{key}]", (list(new) + [k for k in old if k not in new]).index(key), (old, new))
        if len(before) == len(after) and any(isinstance(v, (dict, list)) for v in before + after):
            return _Step(f"{path}[{node.param}]", node.param, None)
    return None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Items by identity, or None when some item has none or two share one (then by position)."""
    keyed: dict[str, Any] = {}
    for item in items:
        key = _identity(item)
        if key is None or key in keyed:
            return None
        keyed[key] = item
    return keyed


def _identity(item: Any) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        return None
    if item["type"] == "function" and isinstance(item.get("name"), str):
        return item["name"]
    if item["type"] == "mcp" and isinstance(item.get("server_label"), str):
        return f"mcp {item['server_label']}"
    if item["type"] in ("custom", "namespace") and isinstance(item.get("name"), str):
        return f"{item['type']} {item['name']}"
    return item["type"]


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def _join(path: str, key: Any) -> str:
    key = str(key)
    return f"{path}.{key}" if _KEY.match(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"
