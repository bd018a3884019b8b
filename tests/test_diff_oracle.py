"""The semantic diff against its oracle, DeepDiff (Decisions 2026-12-06, DeepDiff).

Pairs of documents are generated from real ones (examples/kaigo.yaml, the 重点項目 of seed 004, and
seed 000 imported with `pia-changes import`, a 全項目): group entries inserted, deleted and
reordered; text, choice and checkbox edits; no renames (identity items are never edited, an inserted
entry has a name of its own) and no layout-only edits. The set of changed item paths our diff
reports must equal the set DeepDiff reports when it matches group entries on their identity item
(the form schema's `identity`), order changes left out on both sides: `ignore_order` there, the
`moved` changes here. An inserted or deleted entry is one path on both sides (`system[名前]`), an
edited checkbox one path however many options it ticks.
"""
from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from deepdiff import DeepDiff
from deepdiff.helper import CannotCompare, notpresent
from hypothesis import HealthCheck, given, settings, strategies as st

from pia_changes.diff.semantic import diff
from pia_changes.document.model import Document, load, load_text
from pia_changes.forms import Form, Node, walk
from tests.helpers.cli import invoke
from tests.helpers.documents import dump
from tests.helpers.paths import ROOT
from tests.helpers.seeds import seed_path

EDITED_TYPES = ("text", "choice", "checkbox")


# --- the schema, read for the oracle: identity items and item paths --------------------------------

@cache
def identity_keys(group: Node) -> tuple[str, ...]:
    """The keys from an entry of GROUP down to its identity item (sub-sections may lie between)."""
    (node,) = [n for n in walk(group.children) if n.id == group.identity and not n.is_group]
    chain = []
    while node is not group:
        chain.append(node.key)
        node = node.parent
    return tuple(reversed(chain))


def identity(group: Node, entry: object) -> str:
    value = entry
    for key in identity_keys(group):
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value is None else str(value).strip()


def groups_of(form: Form) -> list[Node]:
    return [n for n in walk(form.nodes) if n.is_group]


def identity_items(node: Node) -> set[Node]:
    """The identity items of the groups above NODE: never edited here (no renames)."""
    out = set()
    while node.parent is not None:
        node = node.parent
        if node.is_group:
            out |= {n for n in walk(node.children) if n.id == node.identity}
    return out


def entry_matcher(form: Form):
    """DeepDiff's iterable_compare_func: two entries of a group are the same when their identity
    items are; anything else (checkbox options, legacy rows) DeepDiff compares its own way."""
    shapes = [(frozenset(c.key for c in g.children), g) for g in groups_of(form)]

    def same_entry(x: object, y: object, level: object = None) -> bool:
        if isinstance(x, dict) and isinstance(y, dict):
            for keys, group in shapes:
                if x.keys() <= keys and y.keys() <= keys and identity(group, x) and identity(group, y):
                    return identity(group, x) == identity(group, y)
        raise CannotCompare() from None
    return same_entry


def item_paths(form: Form, level) -> set[str]:
    """The item id of what a DeepDiff tree-view level reports, entries named by the entry objects
    themselves (never by DeepDiff's indices): `II/file[…]/entrust[…]/scope`, `I/system[…]`.
    DeepDiff reports an entry removed and another added at the same index as one value change of
    the entry: that is two ids, the old entry's and the new one's."""
    steps = []
    at = level.all_up
    while at.down is not None:
        relation = at.t2_child_rel or at.t1_child_rel
        steps.append((relation.param, at.down.t1, at.down.t2))
        at = at.down
    ids: list[str] = []
    nodes, group = form.nodes, None
    for depth, (param, old, new) in enumerate(steps):
        if group is not None:  # PARAM indexes the group's entries: OLD and NEW are entries
            if depth == len(steps) - 1 and notpresent not in (old, new) and identity(group, old) != identity(group, new):
                return {"/".join(ids + [f"{group.id}[{identity(group, entry)}]"]) for entry in (old, new)}
            ids.append(f"{group.id}[{identity(group, old if new is notpresent else new)}]")
            nodes, group = group.children, None
            continue
        (node,) = [n for n in nodes if n.key == param]
        if node.type == "section":
            ids += [node.id] if node.parent is None else []
            nodes = node.children
        elif node.is_group:
            group = node
        else:
            ids.append(node.id)
            break  # below a leaf: the options of a checkbox
    return {"/".join(ids + ([group.id] if group is not None else []))}


def deepdiff_paths(form: Form, old: dict, new: dict) -> set[str]:
    """What DeepDiff reports, as item ids. Equal top-level sections are left out first: DeepDiff
    finds nothing in them either, and hashing a whole 全項目 for ignore_order is most of its time."""
    differ = [key for key in old.keys() | new.keys() if old.get(key) != new.get(key)]
    found = DeepDiff({k: old[k] for k in differ if k in old}, {k: new[k] for k in differ if k in new},
                     ignore_order=True, iterable_compare_func=entry_matcher(form),
                     cutoff_intersection_for_pairs=1, view="tree")  # 1: always pair entries, however many changed
    return {path for kind, levels in found.items() if kind != "iterable_item_moved" for level in levels
            for path in item_paths(form, level)}


def our_paths(old: Document, new: Document) -> set[str]:
    return {c.item_id for c in diff(old, new).changes if not c.moved}


# --- the real documents and what may be edited in them ----------------------------------------------

@dataclass(frozen=True)
class Entry:
    """A step into a group's list: the entry whose identity is NAME."""
    name: str
    group: Node = field(repr=False)

    def __str__(self) -> str:
        return f"[{self.name}]"


@dataclass(frozen=True)
class Base:
    document: Document
    leaves: tuple[tuple[tuple, Node], ...]   # (steps, item) of every editable item
    groups: tuple[tuple[tuple, Node], ...]   # (steps, group) of every repeat group, thrice if it can be reordered


def survey(nodes: list[Node], data: dict, where: tuple, base: tuple[list, list]) -> None:
    leaves, groups = base
    for node in nodes:
        value, at = data.get(node.key), where + (node.key,)
        if node.type == "section" and isinstance(value, dict):
            survey(node.children, value, at, base)
        elif node.is_group:
            groups += [(at, node)] * (3 if len(value or []) > 1 else 1)
            for entry in value or []:
                name = identity(node, entry)
                if name:  # an unnamed entry (a blank 移転先) is only ever moved: ids name it by position
                    survey(node.children, entry, at + (Entry(name, node),), base)
        elif node.type in EDITED_TYPES and node not in identity_items(node):
            leaves.append((at, node))


@cache
def base(name: str) -> Base:
    """kaigo: examples/kaigo.yaml; jyuki: seed 000 through `pia-changes import`."""
    if name == "kaigo":
        document = load(ROOT / "examples" / "kaigo.yaml")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            imported = Path(tmp) / "jyuki.yaml"
            done = invoke("import", str(seed_path("000")), "-o", str(imported))
            assert done.exit_code == 0, done.output
            document = load(imported)
    leaves: list = []
    groups: list = []
    survey(document.form.nodes, document.data, (), (leaves, groups))
    return Base(document, tuple(leaves), tuple(groups))


def test_the_bases_are_a_juten_and_a_zenkoumoku_with_groups_to_edit():
    assert (base("kaigo").document.form.form, base("jyuki").document.form.form) == ("重点項目", "全項目")
    for name in ("kaigo", "jyuki"):
        assert len(base(name).leaves) > 100 and len(base(name).groups) >= 5


def resolve(data: object, steps: tuple) -> object | None:
    """The value at STEPS, None when an entry on the way is gone."""
    for step in steps:
        if isinstance(step, Entry):
            data = next((e for e in data or [] if identity(step.group, e) == step.name), None)
        else:
            data = data.get(step) if isinstance(data, dict) else None
        if data is None:
            return None
    return data


def blank_entry(nodes: list[Node]) -> dict:
    return {n.key: blank_entry(n.children) if n.type == "section" else [] if n.is_group or n.type == "checkbox"
            else None for n in nodes}


# --- the edits ------------------------------------------------------------------------------------

@st.composite
def leaf_edit(draw, node: Node, old: object, serial: int) -> object:
    """A new value for NODE that differs from OLD in content, not in layout."""
    if node.type == "text":
        if old in (None, ""):
            return f"新しい記載{serial}"
        return draw(st.sampled_from([f"{old}（改{serial}）", f"別の記載{serial}", f"記載{serial}：{old}", None]))
    if node.type == "choice":
        return draw(st.sampled_from([o for o in node.options if o != old] + ([None] if old is not None else [])))
    ticked = list(old or [])
    free = [o for o in node.options if o not in ticked]
    if free and (not ticked or draw(st.booleans())):
        ticked.insert(draw(st.integers(0, len(ticked))), draw(st.sampled_from(free)))
    else:
        ticked.pop(draw(st.integers(0, len(ticked) - 1)))
    return ticked


class Edited:
    """The edited data, shown (in a falsifying example) as the list of its edits only."""

    def __init__(self, data: dict, edits: list[str]) -> None:
        self.data, self.edits = data, edits

    def __repr__(self) -> str:
        return "Edited(" + "".join(f"\n    {line}" for line in self.edits) + ")"


def _new_entry(group: Node, name: str) -> dict:
    entry = target = blank_entry(group.children)
    for key in identity_keys(group)[:-1]:
        target = target[key]
    target[identity_keys(group)[-1]] = name
    texts = [c for c in group.children if c.type == "text" and c.id != group.identity]
    if texts:
        entry[texts[0].key] = f"{name}として新たに加える内容。"
    return entry


@st.composite
def edited(draw, source: Base) -> Edited:
    """A copy of SOURCE's data with leaf edits, then entries deleted, inserted and reordered."""
    data = copy.deepcopy(source.document.data)
    serial = iter(range(1, 10_000))
    done: list[str] = []
    for steps, node in draw(st.lists(st.sampled_from(source.leaves), max_size=6, unique=True)):
        parent = resolve(data, steps[:-1])
        new = draw(leaf_edit(node, parent.get(steps[-1]), next(serial)))
        done.append(f"edit {'/'.join(map(str, steps))}: {parent.get(steps[-1])!r} → {new!r}")
        parent[steps[-1]] = new
    for steps, group in draw(st.lists(st.sampled_from(source.groups), max_size=4)):
        parent = resolve(data, steps[:-1])
        if parent is None:  # inside an entry deleted above
            continue
        entries = parent.get(steps[-1]) or []
        operation = draw(st.sampled_from(["delete", "insert", "reorder"]))
        named = [i for i, entry in enumerate(entries) if identity(group, entry)]
        where = "/".join(map(str, steps))
        if operation == "delete" and named:
            gone = entries.pop(draw(st.sampled_from(named)))
            done.append(f"delete {where}: {identity(group, gone)}")
        elif operation == "reorder" and len(entries) > 1:
            order = draw(st.permutations(range(len(entries))))
            entries[:] = [entries[i] for i in order]
            done.append(f"reorder {where}: {order}")
        elif operation == "insert":
            position, name = draw(st.integers(0, len(entries))), f"追加{group.key}{next(serial)}"
            entries.insert(position, _new_entry(group, name))
            parent[steps[-1]] = entries
            done.append(f"insert {where} at {position}: {name}")
    return Edited(data, done)


@pytest.mark.parametrize("name", ["kaigo", "jyuki"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pair=st.data())
def test_changed_item_paths_equal_deepdiffs(name, pair):
    old = base(name).document
    new = load_text(dump(pair.draw(edited(base(name))).data, fast=True), f"{name}.yaml")  # it validates
    ours, theirs = our_paths(old, new), deepdiff_paths(old.form, old.data, new.data)
    assert ours == theirs, {"only ours": sorted(ours - theirs), "only DeepDiff": sorted(theirs - ours)}


def test_the_oracle_sees_an_edit_of_each_kind():
    """The mapping itself, on one known edit of each kind: the paths both sides must give."""
    kaigo = base("kaigo").document
    data = copy.deepcopy(kaigo.data)
    systems = data["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    systems.reverse()                                     # a pure reorder: no path
    systems[0]["システムの機能"] += "（改）"                # a text in a moved entry
    systems[1]["他のシステムとの接続"].append("その他")      # a tick
    gone = systems.pop(2)                                 # an entry deleted
    file = data["特定個人情報ファイルの概要"]["特定個人情報ファイル"][0]
    file["特定個人情報ファイルの取扱いの委託"]["委託事項"][0]["再委託の有無"] = "再委託しない"  # a choice, nested group
    new = load_text(dump(data), "kaigo.yaml")
    entrust = "II/file[介護保険情報ファイル]/entrust[介護保険システム運用・保守業務]"
    expected = {f"I/system[{systems[0]['システムの名称']}]/function",
                f"I/system[{systems[1]['システムの名称']}]/connections",
                f"I/system[{gone['システムの名称']}]", f"{entrust}/reentrust_flag"}
    assert deepdiff_paths(kaigo.form, kaigo.data, new.data) == expected
    assert our_paths(kaigo, new) == expected


def test_an_entry_replaced_at_its_place_is_a_deletion_and_an_insertion():
    """Hypothesis's first find, a quirk of DeepDiff: an entry removed and another added at the same
    index come out as one value change of the entry. Two paths on both sides."""
    kaigo = base("kaigo")
    data = copy.deepcopy(kaigo.document.data)
    systems = data["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    group = next(g for _, g in kaigo.groups if g.id == "system")
    systems[0] = _new_entry(group, "追加システム1")
    new = load_text(dump(data), "kaigo.yaml")
    expected = {"I/system[介護保険システム]", "I/system[追加システム1]"}
    assert deepdiff_paths(kaigo.document.form, kaigo.document.data, new.data) == expected
    assert our_paths(kaigo.document, new) == expected
