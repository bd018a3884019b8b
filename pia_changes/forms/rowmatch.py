"""A published row placed on the form by its label AND its cells (Decisions: Label matcher).

Publishers label a row by the heading of the form's line, and the line often holds two items: a
choice and the text that explains it (「アクセス権限の発効・失効の管理」 行っている + 「具体的な管理方法」,
「④記録される項目」 + 「その妥当性」). The label alone names the choice; the cells say which one
changed: a text that is none of the choice's options belongs to the item that explains it. In
the same way a label that stops at a repeat-group entry (「提供先1」) names the entry's own name
when both cells are names, and 「移転先1②」 names the entry's item ②.
"""
from __future__ import annotations

import re
from dataclasses import replace

from pia_changes.forms import Node
from pia_changes.forms.labels import Match, match_label, squash
from pia_changes.text.normalise import compare_key
from pia_changes.forms.numbering import CIRCLED

LONG_TAIL = 60  # a label that goes on after its item (「別紙２ > 項番１１９ > 情報照会者 事務 …」 column heads)
NAME_MAX = 150  # a cell this short, on one line, that shows an entry is its name
_OPTION_NO = re.compile(r"^\(?\d{1,2}[)）.．]")
# 変更前/変更後 cells that describe an addition or deletion rather than show a value.
_DESCRIPTIONS = ("追加", "新規", "削除", "記載なし", "右記", "左記", "－", "-", "—")


def match_row(form, label: str, before: str | None, after: str | None) -> Match | None:
    """The item a published row is about: its label's match, refined by what its cells hold."""
    match = match_label(form, label) or match_label(form, label, max_tail=LONG_TAIL)
    if match is None:
        return None
    node = match.node
    group = _enclosing_group(node)
    if group is not None and _names_several_items(group, label):
        node = group  # 「移転先43 ①法令上の根拠 ②… ⑦時期・頻度」: the whole entry
    elif node.is_group:
        node = _entry_item(node, label, before, after) or node
    if node.type == "section":
        node = _first_leaf(node) or node
    if node.type == "choice" and not _holds(node, before, after):
        node = _explaining_text(node) or node
    elif node.type == "text" and (choice := _explained_choice(node)) is not None and _holds(choice, before, after, True):
        node = choice  # 「１）発生なし」→「２）発生あり」 under the label of the explanation
    return match if node is match.node else replace(match, node=node)


def _enclosing_group(node: Node) -> Node | None:
    return node if node.is_group else next((a for a in reversed(node.ancestors()) if a.is_group), None)


def _names_several_items(group: Node, label: str) -> bool:
    """The label lists two or more of the entry's items by their printed numbers."""
    numbers = {c.label[0] for c in group.children if c.label[:1] in CIRCLED}
    return len(numbers & set(label)) >= 2


def _holds(node: Node, before: str | None, after: str | None, strict: bool = False) -> bool:
    """Whether every filled cell of the row is one of the choice's options (a printed option
    number 「２）」 aside); STRICT: and at least one cell is filled."""
    keys = [compare_key(o) for o in (*node.options, *node.open_options)]
    cells = [_OPTION_NO.sub("", compare_key(c)) for c in (before, after)]
    if strict and not any(cells):
        return False
    return all(not key or any(key.startswith(k) or k.startswith(key) for k in keys if k) for key in cells)


def _explained_choice(node: Node) -> Node | None:
    """The choice a text item explains: the item before it on the same line of the form."""
    if node.parent is None:
        return None
    siblings = node.parent.children
    earlier = siblings[:siblings.index(node)]
    return earlier[-1] if earlier and earlier[-1].type == "choice" else None


def _explaining_text(node: Node) -> Node | None:
    """The text item after NODE on the same line of the form (its 具体的な…/その妥当性)."""
    if node.parent is None:
        return None
    siblings = node.parent.children
    later = siblings[siblings.index(node) + 1:]
    return next((n for n in later if n.type == "text"), None)


def _first_leaf(section: Node) -> Node | None:
    """The item a heading's label stands for: the child of the same key (a choice row with sub-rows is
    a section holding the choice under its own key, SCHEMA.md), else its first item."""
    leaves = [n for n in section.children if n.is_leaf]
    return next((n for n in leaves if n.key == section.key), leaves[0] if leaves else None)


def _entry_item(group: Node, label: str, before: str | None, after: str | None) -> Node | None:
    """An item inside the entry the label stops at: 「…②」 after the entry names item ②; two
    cells that are plain values (not 「追加」 notes) name the entry's identity item."""
    tail = squash(label)
    stem = squash((group.entry_label or "").replace("{n}", "").replace("{name}", ""))
    position = tail.rfind(stem) if stem else -1
    rest = tail[position + len(stem):].lstrip("0123456789").lstrip("ー") if position >= 0 else ""
    if rest[:1] and rest[0] in CIRCLED:
        return next((c for c in group.children if c.label.startswith(rest[0])), None)
    values = [c for c in (before, after) if compare_key(c) and not any(d in compare_key(c) for d in _DESCRIPTIONS)]
    if values and all("\n" not in str(v).strip() and len(compare_key(v)) <= NAME_MAX for v in values):
        return next((c for c in group.children if c.id == group.identity), None)  # only names shown
    return None
