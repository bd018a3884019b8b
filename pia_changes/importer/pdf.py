"""PDF flow text (pdftotext without -layout): labels and values in the order the layout's text boxes
come out, which is seldom the printed order. Best effort, by layout rules only:

- a line whose first words are a label starts an item, the rest of the line being its value;
- a line that begins a label and the next line that completes it are one label (「④委託先への特定個人情報」
  / 「ファイルの提供方法」); a long label the layout cut off is recognised by its beginning;
- the value is the text up to the next label; checkbox marks 「[ ○ ]」 go to the nearest checkbox item;
- what fits nowhere stays in 未配置 with its line numbers.
"""
from __future__ import annotations

from pia_changes.importer.placer import Placer
from pia_changes.importer.schema_index import LabelIndex, squashed
from pia_changes.importer.structure import Structure, strip_note

_MAX_JOIN = 4  # 「委託先から他者への」「提供に関するルールの」「内容及びルール遵守」「の確認方法」
_MAX_VERTICAL = 12


def read_pdf(lines: list[str], skip: set[int], placer: Placer, index: LabelIndex) -> None:
    structure = Structure(placer, index)
    joined: set[int] = set()
    for j, line in enumerate(lines):
        if j in skip or j in joined:
            continue
        text = line.strip()
        if not text or structure.consumed(text):
            continue
        if (head := structure.header(text)) is not None:
            placer.header(*head, j)
            continue
        hit = index.words(text)
        if hit is not None and not hit.rest and (used := _completed(lines, j, skip, placer, index)):
            joined.update(used)  # 「特定個人情報の提供・移転」「の記録」: a label, cut, that is a longer label
            continue
        if hit is not None and placer.label(hit, _value(index.value_of(hit, text)), j):
            continue
        if index.is_label_start(text) and (used := _wrapped(lines, j, skip, placer, index)):
            joined.update(used)
            continue
        if len(text) <= 2 and (used := _vertical(lines, j, skip, placer, index)):
            joined.update(used)
            continue
        hit = index.truncated(text)
        if hit is not None and placer.label(hit, [], j):
            continue
        placer.text(text, j)


def _value(rest: str) -> list[str]:
    value = strip_note(rest)
    return [value] if value else []


def _wrapped(lines: list[str], j: int, skip: set[int], placer: Placer, index: LabelIndex) -> list[int]:
    """A label the layout wrapped over the next line(s): the lines it used, or [] when it is no label."""
    text = lines[j].strip()
    used: list[int] = []
    for k in range(j + 1, min(j + 1 + _MAX_JOIN, len(lines))):
        nxt = lines[k].strip()
        if not nxt or k in skip:
            break
        text += nxt
        used.append(k)
        hit = index.words(text)
        if hit is not None and placer.label(hit, _value(hit.rest), j):
            return used
        if not index.is_label_start(text):
            break
    return []


def _completed(lines: list[str], j: int, skip: set[int], placer: Placer, index: LabelIndex) -> list[int]:
    """The next line completes the label on line J into a longer label of the form: the line it used, or []."""
    k = j + 1
    if k >= len(lines) or k in skip or not lines[k].strip():
        return []
    hit = index.cell(lines[j].strip() + lines[k].strip())
    if hit is None or not hit.exact or hit.key == squashed(lines[j]):  # 「—」 below a label is its value
        return []
    return [k] if placer.label(hit, [], j) else []


def _vertical(lines: list[str], j: int, skip: set[int], placer: Placer, index: LabelIndex) -> list[int]:
    """A label printed one character a line down a narrow cell (「再」「委」「託」)."""
    text = lines[j].strip()
    used: list[int] = []
    for k in range(j + 1, min(j + _MAX_VERTICAL, len(lines))):
        nxt = lines[k].strip()
        if not nxt or len(nxt) > 2 or k in skip:
            break
        text += nxt
        used.append(k)
    hit = index.cell(text) if used else None
    if hit is not None and placer.label(hit, [], j):
        return used
    return []
