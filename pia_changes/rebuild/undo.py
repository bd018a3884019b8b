"""Undoing one published 変更箇所 row on an assessment's data tree (README: Reproduction).

A row is placed on the form by the label matcher, its repeat groups resolved to entries of the
document, and undone there: 変更前 put back where 変更後 stands. Text is worked on normalised
(cells.Norm) and written back with the document's own characters outside what changed.
Every refusal says why, in words `reconstruct` prints.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from pia_changes.rebuild.cells import BLANK_MARKS, Cell, Norm, Option, normalise, option_key, read_options
from pia_changes.diff.semantic import entry_name
from pia_changes.document.model import key_path, option_matches
from pia_changes.forms import Form, Node
from pia_changes.forms.labels import Match, squash
from pia_changes.diff.text import cosmetic_key
from pia_changes.text.wareki import parse_date

# Reasons a row is not reproducible (printed by `reconstruct`, counted by the benchmark).
NO_TIMING = "提出時期が空欄"
NO_ITEM = "項目を様式の項目に当てはめられない"
NO_ENTRY = "項目の繰り返し（システム・ファイル・提供先など）の番号・名前に当たる要素が文書にない"
NOT_FOUND = "変更後の記載が項目の現在の値に見つからない"
EMPTY_ITEM = "項目が取り込んだ文書では空で、変更後の記載がない"
DESCRIPTION = "変更後が記載ではなく説明（「削除」など）で、当てはめられない"
GAPS = "変更前と変更後の「略」の数が合わない"
NO_CHANGE = "変更前と変更後が（正規化すると）同じで、戻しても項目が変わらない"
NOT_OPTION = "選択肢として読めない（変更前・変更後が項目の選択肢にない）"
NOT_VALUE = "変更後の選択肢が項目の現在の値と違う"
ENTRY_DELETED = "削除された要素は一つの欄からは作り直せない"


@dataclass
class Slot:
    """Where a row applies: NODE at PATH in the data (keys and list indices); for a whole group
    entry, NODE is the group and PATH ends at the entry's index."""

    node: Node
    path: tuple
    whole_entry: bool = False


@dataclass
class Outcome:
    ok: bool
    reason: str | None = None
    value: object = None
    remove: bool = False          # remove the entry at the slot
    slot: Slot | None = None
    item_ids: tuple[str, ...] = field(default_factory=tuple)  # ids before and after the undo


def fail(reason: str) -> Outcome:
    return Outcome(False, reason)


# ---- the data tree ------------------------------------------------------------------------------

def get_at(data: object, path: tuple) -> object:
    value = data
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and 0 <= step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def set_at(data: dict, path: tuple, value: object) -> None:
    parent = get_at(data, path[:-1])
    parent[path[-1]] = value  # type: ignore[index]


def remove_at(data: dict, path: tuple) -> None:
    parent = get_at(data, path[:-1])
    del parent[path[-1]]  # type: ignore[union-attr]


def item_id(form: Form, data: dict, slot: Slot) -> str:
    """The item id the diff gives this slot (Decisions: Item ids): top section, group entries by
    name (`#n` when unnamed), the item."""
    ids: list[str] = []
    node_chain = slot.node.ancestors() + [slot.node]
    value: object = data
    path = list(slot.path)
    for node in node_chain:
        if node.type == "section":
            if node.parent is None:
                ids.append(node.id)
            value = value.get(node.key) if isinstance(value, dict) else None
            path.pop(0)
        elif node.is_group:
            value = value.get(node.key) if isinstance(value, dict) else None
            path.pop(0)
            index = path.pop(0) if path else None
            entries = value if isinstance(value, list) else []
            if index is None or not (0 <= index < len(entries)):
                ids.append(node.id)
                break
            entry = entries[index]
            name = entry_name(node, entry)
            ids.append(f"{node.id}[{name or '#' + str(index + 1)}]")
            value = entry
        else:
            ids.append(node.id)
    return "/".join(ids)


# ---- placing a row ---------------------------------------------------------------------------

def slots_for(form: Form, data: dict, match: Match, label: str, whole_entry: bool) -> list[Slot] | str:
    """The slots a matched label can mean in DATA (several when the label names no entry and
    the group has several); a reason string when an entry it names is missing."""
    chain = match.node.ancestors() + [match.node]
    squashed = squash(label)
    partial: list[tuple[tuple, object]] = [((), data)]
    for node in chain:
        nxt: list[tuple[tuple, object]] = []
        for path, value in partial:
            if node.type == "section" or not node.is_group:
                child = value.get(node.key) if isinstance(value, dict) else None
                nxt.append((path + (node.key,), child))
                continue
            entries = value.get(node.key) if isinstance(value, dict) else None
            entries = entries if isinstance(entries, list) else []
            for index in _entry_candidates(node, entries, match.entries.get(node.id), squashed):
                nxt.append((path + (node.key, index), entries[index]))
        partial = nxt
        if not partial:
            return NO_ENTRY
    node = match.node
    if node.is_group and not whole_entry:
        ident = node.identity_node()
        return [Slot(ident, path + key_path(ident, node)) for path, _ in partial]
    return [Slot(node, path, whole_entry=node.is_group) for path, _ in partial]


def _entry_candidates(group: Node, entries: list, number: object, squashed_label: str) -> list[int]:
    """Entries a label can mean: the only one; the one it names; the one it numbers; else all."""
    prefer_name = "{name}" in (group.entry_label or "")
    if not entries:
        return []
    if len(entries) == 1 and (prefer_name or number in (None, 1)):
        return [0]
    named = []
    for index, entry in enumerate(entries):
        name = squash(entry_name(group, entry))
        if len(name) >= 3 and name in squashed_label:
            named.append((len(name), index))
    by_name = max(named)[1] if named else None
    by_number = number - 1 if isinstance(number, int) else None
    if by_number is not None and not 0 <= by_number < len(entries):
        by_number = -1
    if prefer_name and by_name is not None:
        return [by_name]
    if by_number is not None:
        return [by_number] if by_number >= 0 else []
    if by_name is not None:
        return [by_name]
    return list(range(len(entries)))


# ---- undoing ---------------------------------------------------------------------------------

def undo(form: Form, data: dict, slot: Slot, before: Cell, after: Cell) -> Outcome:
    """What the slot held before the row (nothing is changed in DATA)."""
    current = get_at(data, slot.path)
    node = slot.node
    if slot.whole_entry:
        out = _undo_entry(node, current, before, after)
    elif node.type == "text":
        out = undo_text(current, before, after)
    elif node.type == "choice":
        out = _undo_choice(node, current, before, after)
    elif node.type == "checkbox":
        out = _undo_checkbox(node, current, before, after)
    elif node.type in ("date", "count"):
        out = _undo_scalar(node, current, before, after)
    else:
        out = fail(NO_ITEM)
    out.slot = slot
    return out


NAME_LEAD = 12  # 「委託事項2」「①」: how far into 変更後 an added entry's name may start


def numbered(group: Node) -> bool:
    """Entries printed with a number (システム6, 移転先43), not by name alone (ファイル)."""
    return group.is_group and "{n}" in (group.entry_label or group.key + "{n}") and "{name}" not in (
        group.entry_label or "")


def _undo_entry(group: Node, entry: object, before: Cell, after: Cell) -> Outcome:
    """An added entry, printed as its name (and its items) in 変更後: undone by removing it."""
    if after.deleted:
        return fail(ENTRY_DELETED)
    if not numbered(group) or not before.empty or not after.has_text:
        return fail(NOT_FOUND)
    name = option_key(entry_name(group, entry))
    if name and (0 <= after.key.find(name) <= NAME_LEAD or after.key in name):
        return Outcome(True, remove=True)
    return fail(NOT_FOUND)


def undo_text(current: object, before: Cell, after: Cell) -> Outcome:
    text = "" if current is None else str(current)
    doc = normalise(text)
    if doc.key in BLANK_MARKS:  # a dash kept from the printed form: empty
        text, doc = "", normalise("")
    if after.empty or after.deleted:
        if doc.key:
            return fail(DESCRIPTION if after.deleted else NOT_FOUND)
        if not before.has_text or before.gaps:
            return fail(NO_CHANGE if not before.has_text else GAPS)
        return Outcome(True, value=before.replacement(0, len(before.key)))
    m = after.pattern.search(doc.key)
    if m is None:
        return fail(NOT_FOUND if doc.key else EMPTY_ITEM)
    spans = _piece_spans(m, after)
    edits: list[tuple[int, int, Cell, int, int]] = []
    if before.empty or after.appended:
        edits = [(a, b, before, 0, 0) for a, b in spans if b > a]
    elif before.gaps == after.gaps:
        edits = [(a, b, before, ta, tb) for (a, b), (ta, tb) in zip(spans, before.pieces)]
    elif before.gaps == 0:
        nonempty = [s for s, (pa, pb) in zip(spans, after.pieces) if pb > pa] or spans
        edits = [(nonempty[0][0], nonempty[-1][1], before, 0, len(before.key))]
    else:
        return fail(GAPS)
    new = rewrite(doc, edits)
    if cosmetic_key(new) == cosmetic_key(text):
        return fail(NO_CHANGE)
    return Outcome(True, value=new if new.strip() else None)


def _piece_spans(m: re.Match, cell: Cell) -> list[tuple[int, int]]:
    """Key ranges of the document where each piece of CELL matched."""
    spans: list[tuple[int, int]] = []
    pos = m.start()
    keys = cell.piece_keys()
    for i, key in enumerate(keys):
        spans.append((pos, pos + len(key)))
        pos += len(key)
        if i < len(keys) - 1:
            pos = m.end(i + 1)  # after the gap
    return spans


def rewrite(doc: Norm, edits: list[tuple[int, int, Cell, int, int]]) -> str:
    """DOC's text with each key range [a, b) replaced by CELL's key range [ta, tb): characters the
    two share keep the document's spelling, whitespace between them is kept, the rest is CELL's."""
    text, starts, ends = doc.text, doc.starts, doc.ends
    out: list[str] = []
    cursor = 0
    expected: list[str] = []
    key_cursor = 0
    for a, b, cell, ta, tb in sorted(edits, key=lambda e: (e[0], e[1])):
        expected.append(doc.key[key_cursor:a])
        expected.append(cell.key[ta:tb])
        key_cursor = b
        old, new = doc.key[a:b], cell.key[ta:tb]
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag == "equal":
                end = ends[a + i2 - 1]
                out.append(text[cursor:end])
                cursor = end
            elif tag in ("replace", "delete"):
                out.append(text[cursor:starts[a + i1]])
                out.append(cell.replacement(ta + j1, ta + j2))
                cursor = ends[a + i2 - 1]
            else:  # insert before doc key a + i1
                out.append(cell.replacement(ta + j1, ta + j2))
    out.append(text[cursor:])
    expected.append(doc.key[key_cursor:])
    result = "".join(out)
    if normalise(result).key != "".join(expected):  # a character that NFKC expands: plain replacement
        pieces: list[str] = []
        cursor = 0
        for a, b, cell, ta, tb in sorted(edits, key=lambda e: (e[0], e[1])):
            start = starts[a] if a < len(starts) else len(text)
            end = ends[b - 1] if b > a else start
            pieces.append(text[cursor:start])
            pieces.append(cell.replacement(ta, tb))
            cursor = end
        pieces.append(text[cursor:])
        result = "".join(pieces)
    return result


def _options_of(node: Node, cell: Cell) -> list[Option] | None:
    return read_options(cell, node.options, node.open_options)


def _has(items: list[str], option: Option) -> int | None:
    """The index of the item that is OPTION (a bare open option stands for any of its values)."""
    keys = [option_key(v) for v in items]
    bare = option.key == option_key(option.base)
    for i, k in enumerate(keys):
        if k == option.key or (bare and k.startswith(option.key)):
            return i
    return None


def _option_value(option: Option) -> str:
    return option.base if option.key == option_key(option.base) else option.text


def _undo_choice(node: Node, current: object, before: Cell, after: Cell) -> Outcome:
    a_opts = _options_of(node, after)
    b_opts = _options_of(node, before)
    if a_opts is None or b_opts is None:
        return fail(NOT_OPTION)
    a_checked = [o for o in a_opts if o.checked]
    b_checked = [o for o in b_opts if o.checked]
    if len(a_checked) > 1 or len(b_checked) > 1:
        return fail(NOT_OPTION)
    value = "" if current is None else str(current)
    if a_checked:
        if _has([value] if value else [], a_checked[0]) is None:
            return fail(NOT_VALUE)
    elif value:
        return fail(NOT_VALUE)
    new = _option_value(b_checked[0]) if b_checked else None
    if new is not None and not option_matches(new, node):
        return fail(NOT_OPTION)
    if option_key(new or "") == option_key(value):
        return fail(NO_CHANGE)
    return Outcome(True, value=new)


def _undo_checkbox(node: Node, current: object, before: Cell, after: Cell) -> Outcome:
    a_opts = _options_of(node, after)
    b_opts = _options_of(node, before)
    if a_opts is None or b_opts is None:
        return fail(NOT_OPTION)
    items = [str(v) for v in current] if isinstance(current, list) else ([] if current in (None, "") else [str(current)])
    for option in a_opts:
        present = _has(items, option) is not None
        if present != option.checked:
            return fail(NOT_VALUE if items else EMPTY_ITEM)
    b_keys = {o.key for o in b_opts if o.checked}
    new = list(items)
    for option in a_opts:
        if option.checked and option.key not in b_keys:
            index = _has(new, option)
            if index is not None:
                del new[index]
    for option in b_opts:
        if option.checked and _has(new, option) is None:
            new.append(_option_value(option))
    if any(not option_matches(v, node) for v in new):
        return fail(NOT_OPTION)
    order = {option_key(o): i for i, o in enumerate(node.options)}

    def rank(value: str) -> int:
        key = option_key(value)
        return min((i for k, i in order.items() if key == k or key.startswith(k)), default=len(order))

    new.sort(key=rank)
    if sorted(map(option_key, new)) == sorted(map(option_key, items)):
        return fail(NO_CHANGE)
    return Outcome(True, value=new or [])


_DIGITS = re.compile(r"[0-9]+")


def _scalar(node: Node, cell: Cell) -> object:
    if cell.empty:
        return None
    if node.type == "date":
        return parse_date(cell.norm.text.strip())
    digits = _DIGITS.findall(cell.key)
    return int(digits[0]) if len(digits) == 1 else None


def _undo_scalar(node: Node, current: object, before: Cell, after: Cell) -> Outcome:
    old, new = _scalar(node, before), _scalar(node, after)
    if (new is None and not after.empty) or (old is None and not before.empty):
        return fail(NOT_OPTION if node.type == "count" else NOT_FOUND)
    value = parse_date(current) if node.type == "date" else current
    if value != new:
        return fail(NOT_VALUE if node.type == "count" else NOT_FOUND)
    if old == new:
        return fail(NO_CHANGE)
    return Outcome(True, value=old if not isinstance(old, dt.datetime) else old.date())
