"""Shape of the hand-checked item ids of the published 変更箇所 rows (tests/data/published_item_ids.jsonl).

The ids themselves were decided by reading the documents (tests/data/README.md); this only checks
that the file lines up with published_changes.jsonl and names nodes that exist in the schemas.
"""
from __future__ import annotations

import json

import pytest

from pia_changes.forms import load_form, walk
from tests.helpers.paths import DATA

CHANGES = [json.loads(line) for line in (DATA / "published_changes.jsonl").read_text(encoding="utf-8").splitlines()]
IDS = [json.loads(line) for line in (DATA / "published_item_ids.jsonl").read_text(encoding="utf-8").splitlines()]
KEYS = {"seed", "row_no", "item_raw", "node", "entries", "confidence", "note"}


def _node_paths(form_name: str) -> dict[str, tuple[list[str], bool]]:
    """Every node's id path (top-level section, groups on the way, the node; sub-sections left out)
    → (the group ids on it, whether the node is an item)."""
    paths = {}
    for node in walk(load_form(form_name).nodes):
        chain = node.ancestors() + [node]
        path = "/".join(n.id for n in chain if n.parent is None or n.is_group or n is node)
        assert path not in paths, f"{form_name}: two nodes with the path {path}"
        paths[path] = ([n.id for n in chain if n.is_group and n is not node], node.is_leaf)
    return paths


PATHS = {name: _node_paths(name) for name in {row["form"] for row in CHANGES}}


def test_one_row_per_published_row_in_order():
    assert len(IDS) == len(CHANGES) == 248
    assert [(r["seed"], r["row_no"]) for r in IDS] == [(r["seed"], r["row_no"]) for r in CHANGES]
    assert [r["item_raw"] for r in IDS] == [r["item_raw"] for r in CHANGES]


@pytest.mark.parametrize("row", IDS, ids=lambda r: f"{r['seed'][:3]}-{r['row_no']}")
def test_row_shape_and_node_exists(row):
    assert set(row) == KEYS
    assert row["confidence"] in ("sure", "likely")
    assert isinstance(row["entries"], dict)
    for value in row["entries"].values():
        assert (isinstance(value, int) and value >= 1) or (isinstance(value, str) and value)
    form = next(c["form"] for c in CHANGES if (c["seed"], c["row_no"]) == (row["seed"], row["row_no"]))
    if row["node"] is None:
        assert row["note"], "a null node says in its note which section the row names"
        groups = {g for gs, _ in PATHS[form].values() for g in gs}
        assert set(row["entries"]) <= groups
        return
    assert row["node"] in PATHS[form], f"{row['node']} is not a node of {form}"
    groups, is_item = PATHS[form][row["node"]]
    assert is_item, f"{row['node']} is a heading, not an item"
    assert set(row["entries"]) <= set(groups)
