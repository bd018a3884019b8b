"""PDF flow text: a value the layout printed away from its label, given to the item whose label stands
alone. pdftotext emits a page's text boxes in its own order, so a tall value cell may come out before
its label (「②事務の内容」 printed with nothing beside it, its text a page earlier) or after other rows.

Only where the form leaves one reading (otherwise the text stays in 未配置):
- an annex (a top-level text item) whose heading follows the text: the text opens the annex;
- text followed by labels printed without a value, before any other value: the text's paragraphs, if
  there are as many as such labels, are their values in order;
- text after the rows of an item: the one item of the same entry and numbered section, later in the
  form and printed with nothing beside its label, whose label came before the text.
Only numbered text items the form requires take such text, and a label printed with 「－」 was answered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pia_changes.forms import Node
from pia_changes.importer import values as v
from pia_changes.importer.cell_text import PLACEHOLDERS
from pia_changes.importer.placer import Placer
from pia_changes.importer.schema_index import numbered, squashed
from pia_changes.importer.scopes import PlacedText, Scope, top_of
from pia_changes.text.normalise import nfkc

_BOXES = re.compile(r"[\[\]〔〕]")  # a box or a choice's brackets: a row's marks, never a text value
Run = list[tuple[int, str]]  # (0-based line, text)
_MIN_TEXT = 4  # characters: 「ー」 alone is no value
_WINDOW = 40  # lines after a text within which its labels must follow (about a page's rows)


@dataclass
class _Target:
    line: int  # the label's line
    scope: Scope
    node: Node
    cell: PlacedText


@dataclass
class _Text:
    """What the claims read: the lines, where each placed line went, the unplaced lines."""

    lines: list[str]
    where: dict[int, tuple[Scope, Node, bool]]
    unplaced: dict[int, str]
    headings: set[int]  # unplaced lines that read like labels


def adopt_orphans(placer: Placer, lines: list[str]) -> None:
    """Move unplaced runs of plain text into the items their layout separated them from."""
    unplaced = dict(placer.unplaced)
    headings = {k for k, line in unplaced.items() if placer.index.line_label(line) is not None}
    text = _Text(lines, _placed_lines(placer), unplaced, headings)
    targets = _targets(placer, lines)
    done: set[int] = set()
    for run in _runs(placer, lines):
        for claim in (_annex, _before_labels, _after_rows):
            pairs = claim(run, text, [t for t in targets if not any(p[0] in done for p in t.cell.parts)])
            if pairs:
                for target, block in pairs:
                    _give(target, block)
                    done.update(idx for idx, _ in block)
                break
    placer.unplaced[:] = [p for p in placer.unplaced if p[0] not in done]


def _give(target: _Target, block: Run) -> None:
    """In line order: text printed before its label opens the value."""
    parts = target.cell.parts
    at = next((k for k, (idx, _) in enumerate(parts) if idx > block[0][0]), len(parts))
    parts[at:at] = block


def _placed_lines(placer: Placer) -> dict[int, tuple[Scope, Node, bool]]:
    """Line → (entry, item, whether the line is text below its item's label) for every placed fragment."""
    out: dict[int, tuple[Scope, Node, bool]] = {}
    for scope in _scopes(placer):
        for node, cell in scope.cells.items():
            first = cell.parts[0][0] if cell.parts else -1
            for idx, fragment in cell.parts:
                out.setdefault(idx, (scope, node, node.type == "text" and bool(fragment.strip()) and idx != first))
    return out


def _scopes(placer: Placer):
    stack = list(placer.tops.values())
    while stack:
        scope = stack.pop()
        yield scope
        for entries in scope.groups.values():
            stack.extend(entries)


def _targets(placer: Placer, lines: list[str]) -> list[_Target]:
    """Text items the form requires, printed as a numbered row (「⑧使用方法」, not a sub-row or a cover field), whose
    label was printed with nothing beside or below it."""
    out = []
    for scope in _scopes(placer):
        for node, cell in scope.cells.items():
            if node.type != "text" or not node.required or not numbered(squashed(node.label)) or not cell.labelled:
                continue
            if not cell.parts or any(fragment.strip() for _, fragment in cell.parts):
                continue
            line = cell.parts[0][0]
            words = lines[line].split()
            if words and words[-1] in PLACEHOLDERS:
                continue  # 「変更の妥当性 -」: answered, with nothing
            out.append(_Target(line, scope, node, cell))
    return sorted(out, key=lambda t: t.line)


def _runs(placer: Placer, lines: list[str]) -> list[Run]:
    """Unplaced lines of plain text (no boxes, no option lists, no labels), consecutive but for blank lines."""
    runs: list[Run] = []
    for idx, text in sorted(placer.unplaced):
        if not _plain(text, placer):
            continue
        if runs and all(not lines[k].strip() for k in range(runs[-1][-1][0] + 1, idx)):
            runs[-1].append((idx, text))
        else:
            runs.append([(idx, text)])
    return [run for run in runs if sum(len(v.clean_text(text)) for _, text in run) >= _MIN_TEXT]


def _plain(text: str, placer: Placer) -> bool:
    return (not _BOXES.search(nfkc(text)) and not v.bracket_options(text, loose=True)
            and not v.is_furniture(text, placer.all_options) and placer.index.line_label(text) is None)


def _paragraphs(run: Run) -> list[Run]:
    """A run's lines cut where a blank line stands between them."""
    out: list[Run] = []
    for idx, text in run:
        if out and idx == out[-1][-1][0] + 1:
            out[-1].append((idx, text))
        else:
            out.append([(idx, text)])
    return out


Pairs = list[tuple[_Target, Run]]


def _annex(run: Run, text: _Text, targets: list[_Target]) -> Pairs:
    """The text right before an annex's heading (blank lines between) opens the annex, with the unplaced lines
    above it that read like labels (「(備考)」: the annex's own headings, which no item of the form takes)."""
    lines = text.lines
    nxt = next((k for k in range(run[-1][0] + 1, len(lines)) if lines[k].strip()), None)
    if nxt is None or nxt not in text.where:
        return []
    scope, node, _ = text.where[nxt]
    if node.parent is not None or node.type != "text":
        return []
    start = run[0][0]
    while start > 0 and (not lines[start - 1].strip() or start - 1 in text.headings):
        start -= 1
    block = [(k, text.unplaced[k]) for k in range(start, run[0][0]) if k in text.unplaced] + run
    cell = scope.cells[node]
    return [(_Target(cell.parts[0][0], scope, node, cell), block)]


def _before_labels(run: Run, text: _Text, targets: list[_Target]) -> Pairs:
    """Labels without a value that follow the text before any other value: its paragraphs, one each."""
    end, limit = run[-1][0], min(run[-1][0] + 1 + _WINDOW, len(text.lines))
    stop = next((k for k in range(end + 1, limit) if k in text.where and text.where[k][2]), limit)
    top = _top_at(run[0][0], text.where)
    mine = [t for t in targets if end < t.line < stop and top_of(t.node) is top]
    paragraphs = _paragraphs(run)
    if not mine or len(mine) != len(paragraphs):
        return []
    return list(zip(mine, paragraphs))


def _after_rows(run: Run, text: _Text, targets: list[_Target]) -> Pairs:
    """The one later item of the same entry and numbered section as the row above, its label above the text."""
    before = next((k for k in range(run[0][0] - 1, -1, -1) if k in text.where), None)
    if before is None:
        return []
    scope, node, _ = text.where[before]
    section = _numbered_section(node, scope)
    mine = [t for t in targets if t.scope is scope and t.line < run[0][0] and t.node.order > node.order
            and _numbered_section(t.node, scope) is section]
    return [(mine[0], run)] if len(mine) == 1 else []


def _numbered_section(node: Node, scope: Scope) -> Node:
    """The child of the entry (or top-level section) that holds NODE: 「3. 特定個人情報の入手・使用」."""
    chain = node.ancestors() + [node]
    return chain[chain.index(scope.node) + 1] if scope.node in chain[:-1] else node


def _top_at(line: int, where: dict[int, tuple[Scope, Node, bool]]) -> Node | None:
    """The top-level section of the nearest placed line before LINE."""
    before = max((k for k in where if k < line), default=None)
    return top_of(where[before][1]) if before is not None else None
