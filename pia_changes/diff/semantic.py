"""Semantic diff of two assessments: the schema guides the walk, group entries align by identity.

One Change per edited item (Decisions: Counting changes): an inserted or deleted group entry is
one change, however many entries it renumbers; a rename is one change on the name item plus one
per other edited sub-item; a pure reorder is one change with `moved`. Equal subtrees are skipped
with `==` before any work, so a few edits in a 500 KB document cost little more than that compare.
"""
from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from pia_changes.diff.change import Change, DiffResult, Spans, TableEdit
from pia_changes.document.model import Document, is_empty, key_path
from pia_changes.errors import PiaError
from pia_changes.forms import Form, Node
from pia_changes.document.legacy import LEGACY_KEY
from pia_changes.diff.text import (LIST_JOIN, cosmetic_key, list_change, option_key, similarity, text_change,
                       whole)
from pia_changes.text.wareki import parse_date

MATCH_THRESHOLD = 0.6  # least similarity for two differently named entries to be the same one
_SLACK = 1e-9  # floors told to rapidfuzz a little low: a score at a floor is not lost to rounding

__all__ = ["diff", "diff_data", "align_entries", "entry_name", "leaf_change", "legacy_edits",
           "MATCH_THRESHOLD"]


def diff(old: Document, new: Document, layout_spans: bool = True) -> DiffResult:
    """Changes from OLD to NEW, in form order; edits of the legacy 変更箇所 rows apart.
    LAYOUT_SPANS False leaves the spans of cosmetic changes empty, for callers that drop them
    (generate): aligning a reflowed 6,000-character text character by character takes seconds."""
    if old.form.form != new.form.form:
        raise PiaError(f"様式の異なる評価書は比較できません（{old.form.form} → {new.form.form}）",
                       file=new.path)
    return diff_data(new.form, old.data, new.data, layout_spans)


def diff_data(form: Form, old_data: object, new_data: object, layout_spans: bool = True) -> DiffResult:
    """The same on already-loaded plain trees (what `Document.data` holds). Nothing is copied."""
    old_map, new_map = _mapping(old_data), _mapping(new_data)
    walker = _Walker(layout_spans)
    walker.children(form.nodes, old_map, new_map, _Scope())
    walker.found.sort(key=lambda pair: pair[0])
    changes = tuple(change for _, change in walker.found)
    return DiffResult(changes, legacy_edits(old_map.get(LEGACY_KEY), new_map.get(LEGACY_KEY)))


@dataclass(frozen=True)
class _Scope:
    """Where the walk is: item id parts, printed labels, and the sort key of the enclosing entries."""

    ids: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    sort: tuple = ()


class _Walker:
    def __init__(self, layout_spans: bool = True) -> None:
        self.found: list[tuple[tuple, Change]] = []
        self.layout_spans = layout_spans

    def children(self, nodes: list[Node], old: dict, new: dict, scope: _Scope) -> None:
        for node in nodes:
            a, b = old.get(node.key), new.get(node.key)
            if a is b or a == b:
                continue
            if node.type == "section":
                ids = scope.ids + (node.id,) if node.parent is None else scope.ids
                inner = _Scope(ids, scope.labels + (node.label,), scope.sort)
                self.children(node.children, _mapping(a), _mapping(b), inner)
            elif node.is_group:
                self.group(node, _entries(a), _entries(b), scope)
            else:
                change = leaf_change(node, a, b, "/".join(scope.ids + (node.id,)),
                                     scope.labels + (node.label,), self.layout_spans)
                if change is not None:
                    self.found.append((scope.sort + ((node.order, 0, 0),), change))

    def group(self, node: Node, olds: list, news: list, scope: _Scope) -> None:
        old_names = [entry_name(node, e) for e in olds]
        new_names = [entry_name(node, e) for e in news]
        pairs = align_entries(olds, news, old_names, new_names)
        new_of = dict(pairs)
        paired_new = set(new_of.values())
        follows = -1  # a deleted entry is listed after the entry it followed
        for i, entry in enumerate(olds):
            if i in new_of:
                follows = new_of[i]
            else:
                self.whole_entry(node, scope, "削除", i, old_names[i], entry, (follows, 2))
        for j, entry in enumerate(news):
            if j not in paired_new:
                self.whole_entry(node, scope, "新規", j, new_names[j], entry, (j, 1))
        new_order = [j for _, j in pairs]
        if any(x > y for x, y in zip(new_order, new_order[1:])):
            self.moved(node, scope, pairs, old_names, new_names)
        for i, j in pairs:
            if olds[i] is news[j] or olds[i] == news[j]:
                continue
            inner = _entry_scope(node, scope, j, new_names[j], (j, 1))
            self.children(node.children, _mapping(olds[i]), _mapping(news[j]), inner)

    def whole_entry(self, node: Node, scope: _Scope, kind: str, pos: int, name: str,
                    entry: object, place: tuple[int, int]) -> None:
        inner = _entry_scope(node, scope, pos, name, place)
        shown, marked = entry_contents(node, entry)
        shown = shown or name or inner.labels[-1]
        spans: Spans = (marked, ()) if kind == "削除" else ((), marked)
        if not marked:
            spans = whole(shown, None) if kind == "削除" else whole(None, shown)
        before, after = (shown, None) if kind == "削除" else (None, shown)
        change = Change(
            item_id="/".join(inner.ids), labels=inner.labels, kind=kind, before=before, after=after,
            node=node, old_value=entry if kind == "削除" else None,
            new_value=entry if kind == "新規" else None, spans=spans, order=node.order)
        self.found.append((inner.sort, change))

    def moved(self, node: Node, scope: _Scope, pairs: list[tuple[int, int]],
              old_names: list[str], new_names: list[str]) -> None:
        """One change for the group: the matched entries' names in old and in new order."""
        by_new = sorted(range(len(pairs)), key=lambda k: pairs[k][1])
        old_shown = [old_names[i] or node.format_entry(i + 1, "") for i, _ in pairs]
        new_shown = [new_names[pairs[k][1]] or node.format_entry(pairs[k][1] + 1, "") for k in by_new]
        before, after, spans = list_change(old_shown, new_shown,
                                           keys=(list(range(len(pairs))), by_new))
        change = Change(
            item_id="/".join(scope.ids + (node.id,)), labels=scope.labels, kind="変更",
            before=before, after=after, node=node, old_value=old_shown, new_value=new_shown,
            spans=spans, moved=True, order=node.order)
        self.found.append((scope.sort + ((node.order, -1, 0),), change))


def entry_contents(group: Node, entry: object) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A whole entry as publishers print an added or deleted one (Decisions 2026-12-06: A new entry
    is shown whole): each filled item on a line, 「①システムの名称 住民記録システム」. The span
    marks the entry's name: what names the change; its items are shown, each publisher printing
    them in a layout of its own (【】, ［〇］), so they are context, not compared span by span."""
    lines: list[str] = []
    spans: tuple[tuple[int, int], ...] = ()
    offset = 0
    for child, value in _filled_leaves(group.children, _mapping(entry)):
        text = _show(value).strip()
        if child.id == group.identity and not spans:
            spans = ((offset + len(child.label) + 1, offset + len(child.label) + 1 + len(text)),)
        lines.append(f"{child.label} {text}")
        offset += len(lines[-1]) + 1
    return "\n".join(lines), spans


def _filled_leaves(nodes: list[Node], data: dict):
    """(item, value) of the non-empty items under NODES, in form order; nested entries by item."""
    for node in nodes:
        value = data.get(node.key)
        if node.type == "section":
            yield from _filled_leaves(node.children, _mapping(value))
        elif node.is_group:
            for entry in _entries(value):
                yield from _filled_leaves(node.children, _mapping(entry))
        elif not is_empty(value):
            yield node, value


def _entry_scope(node: Node, scope: _Scope, pos: int, name: str, place: tuple[int, int]) -> _Scope:
    """An entry: in ids by name (`#n` when unnamed), in labels by position, in row order at PLACE
    (its new position; for a deleted one, after the entry it followed)."""
    ident = f"{node.id}[{name or '#' + str(pos + 1)}]"
    return _Scope(scope.ids + (ident,), scope.labels + (node.format_entry(pos + 1, name),),
                  scope.sort + ((node.order,) + place,))


# --- group entries -----------------------------------------------------------------------------

def align_entries(olds: list, news: list, old_names: list[str], new_names: list[str]
                  ) -> list[tuple[int, int]]:
    """Pairs (old index, new index), sorted by old index: equal names (NFKC, no whitespace)
    first, then the leftovers by similarity of name and content, best first."""
    waiting: dict[str, list[int]] = {}
    for j, name in enumerate(new_names):
        if name:
            waiting.setdefault(option_key(name), []).append(j)
    pairs: list[tuple[int, int]] = []
    for i, name in enumerate(old_names):
        queue = waiting.get(option_key(name)) if name else None
        if queue:
            pairs.append((i, queue.pop(0)))
    if len(pairs) < min(len(olds), len(news)):
        pairs += _similar_pairs(olds, news, old_names, new_names, pairs)
    if len(pairs) < min(len(olds), len(news)):
        pairs += _blank_pairs(olds, news, pairs)
    return sorted(pairs)


def _blank_pairs(olds: list, news: list, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A blank entry (a starter's placeholder) filled in, or an entry emptied, at the same position
    is the same entry: its items are 新規/削除, not the whole entry."""
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    return [(i, i) for i in range(min(len(olds), len(news)))
            if i not in paired_old and i not in paired_new
            and (not _flat(olds[i]).strip() or not _flat(news[i]).strip())]


def _similar_pairs(olds: list, news: list, old_names: list[str], new_names: list[str],
                   pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    # (index, text, name key or None when unnamed)
    left_old = [(i, _flat(olds[i]), option_key(old_names[i]) if old_names[i] else None)
                for i in range(len(olds)) if i not in paired_old]
    left_new = [(j, _flat(news[j]), option_key(new_names[j]) if new_names[j] else None)
                for j in range(len(news)) if j not in paired_new]
    # Best first, as if every pair were scored and sorted (a property test holds it to that): each
    # pair waits with the most its score can be, and its contents are compared only when it comes
    # first with both entries still free; the pairs of an entry already taken are never compared.
    waiting = []
    for i, old_text, old_key in left_old:
        for j, new_text, new_key in left_new:
            names = None
            if old_key is not None and new_key is not None:
                names = similarity(old_key, new_key)
                if 2 * MATCH_THRESHOLD - names > 1 + _SLACK:  # even equal contents leave the mean short
                    continue
            bound = 1.0 if names is None else (1.0 + names) / 2
            waiting.append((-bound, abs(i - j), i, j, False, names, old_text, new_text))
    heapq.heapify(waiting)
    found: list[tuple[int, int]] = []
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    while waiting:
        _, distance, i, j, exact, names, old_text, new_text = heapq.heappop(waiting)
        if i in taken_old or j in taken_new:
            continue
        if exact:
            found.append((i, j))
            taken_old.add(i)
            taken_new.add(j)
            continue
        if names is None:
            score = similarity(old_text, new_text, MATCH_THRESHOLD)
        else:  # rapidfuzz, told the floor the names leave, gives up early below it
            score = (similarity(old_text, new_text, 2 * MATCH_THRESHOLD - names - _SLACK) + names) / 2
        if score >= MATCH_THRESHOLD:
            heapq.heappush(waiting, (-score, distance, i, j, True, names, old_text, new_text))
    return found


@lru_cache(maxsize=None)
def _identity_keys(group: Node) -> tuple[str, ...]:
    return key_path(group.identity_node(), group)


def entry_name(group: Node, entry: object) -> str:
    """The entry's identity value as text, "" when it has none."""
    value = entry
    for key in _identity_keys(group):
        if not isinstance(value, dict):
            return ""
        value = value.get(key)
    if type(value) is str:
        return value.strip()
    return "" if is_empty(value) else _show(value).strip()


def _flat(value: object) -> str:
    """All the text of an entry, one value a line, for similarity."""
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return "" if value is None else str(value)
    return "\n".join([v if type(v) is str else _flat(v) for v in value if not is_empty(v)])


# --- leaves ------------------------------------------------------------------------------------

def leaf_change(node: Node, old: object, new: object, item_id: str,
                labels: tuple[str, ...], layout_spans: bool = True) -> Change | None:
    """The Change of one item, None when both sides are empty (null, "", [] alike)."""
    old_empty, new_empty = is_empty(old), is_empty(new)
    if old_empty and new_empty:
        return None
    before = None if old_empty else _show(old)
    after = None if new_empty else _show(new)
    cosmetic = False
    if old_empty or new_empty:
        kind = "新規" if old_empty else "削除"
        spans: Spans = whole(before, after)
    else:
        kind = "変更"
        cosmetic = _same_content(node, old, new)
        if layout_spans or not cosmetic:
            before, after, spans = _compare(node, old, new, before, after)
        else:
            spans = ((), ())
    return Change(item_id=item_id, labels=labels, kind=kind, before=before, after=after, node=node,
                  old_value=old, new_value=new, spans=spans, cosmetic=cosmetic, order=node.order)


def _compare(node: Node, old: object, new: object, before: str, after: str) -> tuple[str, str, Spans]:
    if node.type == "checkbox":
        return list_change(_items(old), _items(new))
    if before == after:
        return before, after, ((), ())
    if node.type == "text":
        return text_change(before, after)
    return before, after, whole(before, after)


def _same_content(node: Node, old: object, new: object) -> bool:
    """Equal but for layout: whitespace, width (NFKC), line-end punctuation, list order, date notation."""
    if node.type == "checkbox":
        return sorted(map(cosmetic_key, _items(old))) == sorted(map(cosmetic_key, _items(new)))
    if node.type == "date":
        day = parse_date(old)
        if day is not None and day == parse_date(new):
            return True
    return cosmetic_key(_show(old)) == cosmetic_key(_show(new))


def _show(value: object) -> str:
    if isinstance(value, list):
        return LIST_JOIN.join(_show(v) for v in value if not is_empty(v))
    if isinstance(value, dict):
        return LIST_JOIN.join(f"{k}: {_show(v)}" for k, v in value.items() if not is_empty(v))
    return str(value)


def _items(value: object) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [_show(v) for v in values if not is_empty(v)]


def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _entries(value: object) -> list:
    return value if isinstance(value, list) else []


# --- legacy rows -------------------------------------------------------------------------------

def legacy_edits(old_rows: object, new_rows: object) -> tuple[TableEdit, ...]:
    """Edits of the 変更箇所 rows, aligned so that an inserted row is one 新規. `index` is 0-based,
    in the new list (in the old one for 削除)."""
    olds, news = _entries(old_rows), _entries(new_rows)
    if olds == news:
        return ()
    head, tail = _same_ends(olds, news)  # a table edited in one row: the rest is not aligned
    middle_old, middle_new = olds[head:len(olds) - tail], news[head:len(news) - tail]
    keys = _plain_row_keys(middle_old + middle_new) or [_row_key(r) for r in middle_old + middle_new]
    matcher = SequenceMatcher(None, keys[:len(middle_old)], keys[len(middle_old):], autojunk=False)
    edits: list[TableEdit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        both = min(i2 - i1, j2 - j1)
        edits += [TableEdit(j1 + k, "変更", olds[i1 + k], news[j1 + k]) for k in range(both)]
        edits += [TableEdit(i, "削除", olds[i], None) for i in range(i1 + both, i2)]
        edits += [TableEdit(j, "新規", None, news[j]) for j in range(j1 + both, j2)]
    return tuple(edits)


_PLAIN_VALUES = frozenset({str, int, bool, type(None), dt.date})


def _same_ends(olds: list, news: list) -> tuple[int, int]:
    """How many rows the lists share at the start, then at the end, as _row_key compares them:
    rows of plain values, equal, with the same columns in the same order and values of the same
    types (C-level checks; 1 == True would pass == alone)."""
    def same(a: object, b: object) -> bool:
        return a is b or (type(a) is dict and type(b) is dict and a == b and list(a) == list(b)
                          and _PLAIN_VALUES.issuperset(map(type, a.values()))
                          and tuple(map(type, a.values())) == tuple(map(type, b.values())))
    limit = min(len(olds), len(news))
    head = 0
    while head < limit and same(olds[head], news[head]):
        head += 1
    tail = 0
    while tail < limit - head and same(olds[-1 - tail], news[-1 - tail]):
        tail += 1
    return head, tail


def _plain_row_keys(rows: list) -> list | None:
    """Keys that are equal exactly when _row_key's are, built with C-level calls only: (sorted
    column names, their values, the values' types). For the same type, text, whole numbers,
    booleans, dates and nulls are equal exactly when their reprs are. None unless every row is a
    mapping of text column names to such values (what a published table row holds): then all
    rows take _row_key, so that the two kinds never meet."""
    keys = []
    for row in rows:
        if type(row) is not dict or not _TEXT.issuperset(map(type, row)):
            return None
        columns = tuple(sorted(row))
        values = tuple(map(row.__getitem__, columns))
        types = tuple(map(type, values))
        if not _PLAIN_VALUES.issuperset(types):
            return None
        keys.append((columns, values, types))
    return keys


_TEXT = frozenset({str})


def _row_key(row: object) -> object:
    if isinstance(row, dict):  # (str(key), repr(value)) pairs, sorted; zip/map keep it in C
        return tuple(sorted(zip(map(str, row), map(repr, row.values()))))
    return repr(row)
