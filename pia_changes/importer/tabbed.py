"""Tab-separated text (spreadsheet and web exports): one row a line, a label in the first non-empty cell.

A row may carry several labels (「再委託 ⑦再委託の有無 [再委託しない]」: a heading, then an item;
「⑦使用の主体 … 変更の妥当性 — 使用部署 …」: one item after the other), a row of labels only is a
header whose values are the next row's cells (「評価書番号 評価書名」 / 「1 住民基本台帳に関する事務」), and
a row without a label continues the item above (the value on the next line, option lists, lost labels).
"""
from __future__ import annotations

import re

from pia_changes.importer.placer import Placer
from pia_changes.importer.schema_index import Hit, LabelIndex, numbered
from pia_changes.importer.structure import Structure, strip_note

_MAX_LABEL = 120
_NOTES = {"※", "*", "＊"}
_VALUE_MARKS = re.compile(r"[\[\]〔〕<>○〇]")


def read_tabbed(lines: list[str], skip: set[int], placer: Placer, index: LabelIndex) -> None:
    structure = Structure(placer, index)
    columns: list[Hit] | None = None
    for j, line in enumerate(lines):
        if j in skip or not line.strip():
            continue
        cells = [c.strip() for c in line.split("\t")]
        tokens = [c for c in cells if c and c not in _NOTES]
        if not tokens:
            continue
        if columns is not None:
            pending, columns = columns, None
            if len(tokens) == len(pending) and index.cell(tokens[0]) is None:
                for hit, value in zip(pending, tokens):
                    placer.label(hit, [value], j)
                continue
        if structure.consumed(tokens[0]):
            continue
        if (head := structure.header(tokens[0])) is not None:
            pattern, number, name = head
            rest = tokens[1:]
            if name is None and rest and index.cell(rest[0]) is None:
                name, rest = rest[0], rest[1:]
            placer.header(pattern, number, name, j)
            for cell in rest:
                placer.unplaced.append((j, cell))
            continue
        columns = _row(tokens, j, placer, index)


def _row(tokens: list[str], j: int, placer: Placer, index: LabelIndex) -> list[Hit] | None:
    """Place one row; a row of labels alone is returned as the header of the next row."""
    hits = [_label(index, t) for t in tokens]
    if len(tokens) >= 2 and all(h is not None for h in hits):
        nodes = [placer.resolve(h) for h in hits]
        if all(n is not None and n.is_leaf for n in nodes):
            return list(hits)
    label, values = hits[0], tokens[1:]
    if label is None:
        label = index.words(tokens[0])
        if label is not None and not (numbered(label.key) or any(n.type == "section" for n in label.nodes)):
            label = None  # 「法令上の根拠 (項番)」 heading a column of a table is no label
        label = label or index.truncated(tokens[0])
        if label is not None and label.rest:
            values = [index.value_of(label, tokens[0])] + values
    if label is None:
        placer.text("\t".join(tokens), j)
        return None
    collected: list[str] = []
    any_top = True
    for token in values:
        hit = _label(index, token)
        if hit is None:
            collected.append(token)
            continue
        if not _place(placer, label, collected, j, any_top, tokens):
            return None
        if placer.resolve(hit, any_top=False) is None:  # a value that reads like a label elsewhere
            _append(placer, [token], j)
            label, collected = None, []
            continue
        label, collected, any_top = hit, [], False
    if label is not None:
        _place(placer, label, collected, j, any_top, tokens)
    else:
        _append(placer, collected, j)
    return None


def _label(index: LabelIndex, token: str) -> Hit | None:
    """A cell that is a label: short, and without the brackets or boxes of a value (「[] 委託しない」)."""
    if len(token) > _MAX_LABEL or _VALUE_MARKS.search(token):
        return None
    return index.cell(token)


def _place(placer: Placer, label: Hit | None, values: list[str], j: int, any_top: bool, tokens: list[str]) -> bool:
    if label is None:
        _append(placer, values, j)
        return True
    value = strip_note("\t".join(values))
    if placer.label(label, [value] if value else [], j, any_top=any_top):
        return True
    placer.text("\t".join(tokens), j)  # not a label here: the row continues the item above
    return False


def _append(placer: Placer, values: list[str], j: int) -> None:
    value = "\t".join(values).strip()
    if not value:
        return
    if placer.last is not None:
        placer.add(*placer.last, j, value)
    else:
        placer.text(value, j)
