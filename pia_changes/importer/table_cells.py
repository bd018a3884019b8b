"""Cells of one 変更箇所 row from its lines: where the 項目 ends, where 変更前 gives way to 変更後, and which
cells a page break cut (issue #26). Used by table_reader.py.

Why a score and not a rule: in PDF flow text no single mark separates cells. Several kinds of evidence
do, each sometimes wrong, so every way of cutting the row is weighed by all of them:
- the line structure: a wrapped cell fills each line but its last, so a cell ends after a short line
  (a blank line, where the extraction prints them, or the end of a line of cells side by side);
- the 項目 is a label of the form: what the label matcher resolves, its name ending where the cell ends;
- 変更前 and 変更後 describe the same item, so they are mostly alike; a publisher's pointers say which is
  which (変更後 「左記…」, 変更前 「（右記の内容を新たに追加）」, 「－」, 変更後 「削除」);
- a page break cuts every cell that did not fit: each such cell fills the page's part of the row (they
  all have its height) and ends on a full line, and only they continue after the page's furniture.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

from pia_changes.importer.cell_text import (BULLETS, KATAKANA, NO_START, PLACEHOLDERS, SENTENCE_END, enumerator,
                                           pair_score)
from pia_changes.text.normalise import compare_key

SPACE, LINE, BLANK, PAGE = 0, 1, 2, 3  # what stands before a line or unit
_TOLERANCE = 2  # display columns: a full line may end one wide character short (a character that did not fit)
_MAX_ITEM_UNITS = 40
_MAX_ITEM_CHARS = 200  # the longest of the 248 published 項目 has 130 characters
_BEAM = 6
_PAGE_BEAM = 24  # a page break's evidence can turn the ranking round: more candidates go through it
_ITEM_MARGIN = 3.5  # the 項目 is settled by its own evidence; only near-ties are left to the other cells


def display_width(text: str) -> int:
    """Display columns: full-width characters count 2, as the PDF's columns measure them."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


@dataclass
class Line:
    idx: int  # 0-based source line
    text: str
    gap: int  # SPACE, LINE, BLANK or PAGE before it
    band: bool = False  # one of several cells printed side by side on one line

    @cached_property
    def cols(self) -> int:
        return display_width(self.text)


@dataclass(frozen=True)
class Style:
    """What the table as a whole shows: its columns' widths and whether blank lines part its cells."""
    item: int
    text: int
    reason: int
    blank: bool


@dataclass
class Cells:
    item: str = ""
    before: str = ""
    after: str = ""
    reason: list[Line] = field(default_factory=list)


@dataclass
class _Unit:
    text: str
    line: Line
    gap: int

    @cached_property
    def key(self) -> str:
        return compare_key(self.text)


def join_lines(lines: list[Line]) -> str:
    return _join([_Unit(line.text, line, line.gap) for line in lines])


def _join(units: list[_Unit]) -> str:
    return "".join((" " if u.gap == SPACE else "\n") + u.text if k else u.text for k, u in enumerate(units))


def _units(lines: list[Line]) -> list[_Unit]:
    """A band line is several units (cells may end at its spaces); any other line is one."""
    out: list[_Unit] = []
    for line in lines:
        toks = line.text.split(" ") if line.band else [line.text]
        toks = [tok for tok in toks if tok] or [line.text]
        out.extend(_Unit(tok, line, line.gap if k == 0 else SPACE) for k, tok in enumerate(toks))
    return out


LabelFit = tuple[int, tuple[str, ...]]  # characters after the item's name, the item's path of ids
Label = Callable[[str], LabelFit | None]
_LATIN_WORD = re.compile(r"^[A-Za-z0-9@:/._\-]+")


def _deficit(line: Line, width: int, nxt: str = "") -> int:
    """Display columns left free at the end of LINE, counting as used those a Latin word needed that the
    layout moved whole to the next line (NXT)."""
    free = width - line.cols
    word = _LATIN_WORD.match(nxt)
    if word and display_width(word[0]) > free:
        return 0
    return free


def _full(line: Line, width: int, nxt: str = "") -> bool:
    """A line the text filled: nothing or at most one half-width character's room left."""
    return width > 0 and _deficit(line, width, nxt) <= 1


def _short(line: Line, width: int, nxt: str = "") -> bool:
    """A line that ended early, as a cell's last line does (room for at least two characters left)."""
    return width > 0 and _deficit(line, width, nxt) >= 3


def last_paragraph(lines: list[Line], width: int) -> int:
    """Index where the last paragraph of LINES starts: back over lines that fill WIDTH to one that does not
    (a text beside an anchor on its line, 「事後 その他の項目の変更であり、事前の提出」, starts a paragraph
    there; other lines of cells side by side end theirs)."""
    k = len(lines) - 1
    while k > 0 and lines[k].gap == LINE:
        prev = lines[k - 1]
        if prev.band and prev.gap != SPACE or _short(prev, width, lines[k].text) or prev.cols > width + _TOLERANCE:
            break
        k -= 1
    return max(k, 0)


# ---------------------------------------------------------------- boundaries

def _cut_score(units: list[_Unit], p: int, width: int, style: Style) -> float:
    """Evidence that a cell ends before units[p]."""
    gap, prev = units[p].gap, units[p - 1].line
    if gap == SPACE:
        return 1.0
    if gap >= BLANK:
        return 3.0
    if prev.band:
        return 1.0
    if style.blank:
        return -4.0
    if _full(prev, width, units[p].text):
        return -1.5
    return 1.5 if _short(prev, width, units[p].text) else 0.0


def _inside_penalty(units: list[_Unit], p: int, style: Style) -> float:
    """What it costs to keep the boundary before units[p] inside one cell."""
    gap = units[p].gap
    if gap >= BLANK:
        return -3.0 if style.blank else -1.0
    if gap == LINE and units[p - 1].line.band:
        return -0.5
    return 0.0


def _label_score(tail: int | None) -> float:
    if tail is None:
        return 0.0
    return {0: 2.5, 3: 2.0, 8: 1.0}.get(tail, 0.5)


def _keyed(units: list[_Unit]) -> str:
    return "".join(u.key for u in units)


def _list_cuts(units: list[_Unit]) -> list[float]:
    """Per boundary, what it costs to start a cell there: a cell does not open in the middle of a numbered
    list (「(2)」 after a 「(1)」 in the same row), seldom between two bullets, and never with a character
    that cannot begin a word (a small kana, 「ー」, closing punctuation: the line was wrapped there)."""
    seen: set[int] = set()
    out = [0.0]
    previous = ""
    for p, unit in enumerate(units):
        starts = unit.gap != SPACE or p == 0
        n = enumerator(unit.text) if starts else None
        if p:
            cost = -2.0 if n is not None and n > 1 and n - 1 in seen else 0.0
            if unit.text[:1] in NO_START:
                cost -= 2.0
            elif unit.gap == LINE and KATAKANA.match(unit.text[:1]) and KATAKANA.match(units[p - 1].text[-1:]):
                cost -= 1.5  # 「システ」「ム」: a katakana word the wrap cut
            if starts and unit.text[:1] in BULLETS and previous == unit.text[:1]:
                cost -= 0.75
            out.append(cost)
        if n is not None:
            seen.add(n)
        if starts and unit.text[:1] in BULLETS:
            previous = unit.text[:1]
    return out


# ---------------------------------------------------------------- the first part: 項目, 変更前, 変更後

@dataclass
class _Candidate:
    k1: int
    k2: int
    structure: float
    page_cut: dict = field(default_factory=dict)  # cell -> change of score if a page break cut it
    cells: dict = field(default_factory=dict)  # cell -> list of units, over all parts
    last: dict = field(default_factory=dict)  # cell -> units in the latest part holding it
    total: float = 0.0


def _first_part(units: list[_Unit], style: Style, label: Label, paged: bool) -> list[_Candidate]:
    """The best ways to cut the first part into 項目 | 変更前 | 変更後, by structure and label (PAGED: the
    row goes on after a page break, so a cell may stop on a full line and go on there)."""
    n = len(units)
    if n == 1:
        return [_Candidate(1, 1, 0.0)]
    inside = [0.0] + [_inside_penalty(units, p, style) for p in range(1, n)]
    lists = _list_cuts(units)
    base = sum(inside)
    items = _item_ends(units, style, label, inside, lists, paged)
    out = []
    for item_score, k1 in items[:_BEAM]:
        for k2 in range(k1, n):
            cut = 0.0 if k2 == k1 else _cut_score(units, k2, style.text, style) - inside[k2] + lists[k2]
            page_cut = {"item": _page_cut(units, k1, style.item, style)}
            if k2 > k1:
                page_cut["before"] = _page_cut(units, k2, style.text, style)
            out.append(_Candidate(k1, k2, base + item_score + cut, page_cut))
    return out


def _item_ends(units: list[_Unit], style: Style, label: Label, inside: list[float],
               lists: list[float], paged: bool) -> list[tuple[float, int]]:
    """Where the 項目 may end, best first (within _ITEM_MARGIN of the best): after a line the label fills but
    for its last, where the label matcher finds the item's name at the very end. Text that follows a name
    already complete at an earlier line end is the next cell's (「…②システムの機能」「①本人確認情報の更新」),
    unless it ends at a name again (「Ⅳ　その他のリスク対策」「３、その他のリスク対策」: a deeper item)."""
    scored: list[tuple[float, int, LabelFit | None]] = []
    short_inside = 0.0
    again = _recurring(units)
    length = 0
    for k1 in range(1, min(len(units) - 1, _MAX_ITEM_UNITS) + 1):
        length += len(units[k1 - 1].text)
        if length > _MAX_ITEM_CHARS:
            break
        if k1 > 1 and units[k1 - 1].gap == LINE and _short(units[k1 - 2].line, style.item, units[k1 - 1].text):
            short_inside -= 1.0  # a label wraps full lines: a short line inside it is unlikely
        cut = _cut_score(units, k1, style.item, style) - inside[k1] + lists[k1]
        fit = label(_join(units[:k1])) if cut > -2 or k1 <= 3 else None
        lone = -2.0 if k1 > 1 and units[k1 - 1].key in PLACEHOLDERS else 0.0  # 「－」 is a cell of its own
        scored.append((cut + short_inside + _label_score(fit[0] if fit else None) + lone + again[k1], k1, fit))
    items = []
    complete: list[tuple[str, ...]] = []  # paths of the items named whole at an earlier line end
    for score, k1, fit in scored:
        whole = fit is not None and fit[0] <= 3 and units[k1 - 1].gap != SPACE
        cut_by_page = paged and _full(units[k1 - 1].line, style.item, units[k1].text if k1 < len(units) else "")
        if complete and not cut_by_page:  # a label path that goes on must end at a name again, deeper down
            deeper = whole and any(fit[1][:len(path)] == path and len(fit[1]) > len(path) for path in complete)
            score += 0.75 if deeper else -1.0 if whole else -2.0
        if whole:
            complete.append(fit[1])
        items.append((score, k1))
    items.sort(reverse=True)
    return [(score, k1) for score, k1 in items if score >= items[0][0] - _ITEM_MARGIN]


def _recurring(units: list[_Unit]) -> list[float]:
    """Per item end, -2 when the item's last line is printed again later in the row as a paragraph's first:
    変更前 and 変更後 open alike (「1　本人確認情報の更新に関する事務」 twice), a label is not repeated."""
    starts = Counter(u.key for p, u in enumerate(units) if p and u.gap != SPACE)
    out = [0.0]
    for k1 in range(1, len(units) + 1):
        key = units[k1 - 1].key
        later = starts[key] - (units[k1 - 1].gap != SPACE and k1 > 1)
        out.append(-2.0 if len(key) >= 5 and later > 0 else 0.0)
    return out


def _page_cut(units: list[_Unit], p: int, width: int, style: Style) -> float:
    """How much likelier the boundary before units[p] is if the cell before it ran on to the next page: such
    a cell fills its last line, where a cell that ended seldom does."""
    if units[p].gap != LINE or units[p - 1].line.band or style.blank:
        return 0.0
    prev, nxt = units[p - 1].line, units[p].text
    page = 1.0 if _full(prev, width, nxt) else 0.0  # a page may also fall where a paragraph ends
    return page - _cut_score(units, p, width, style)


def _cells_of(units: list[_Unit], cand: _Candidate) -> dict[str, list[_Unit]]:
    return {"item": units[:cand.k1], "before": units[cand.k1:cand.k2], "after": units[cand.k2:]}


# ---------------------------------------------------------------- later parts: the cells a page cut

def _height(units: list[_Unit]) -> int:
    return len({id(u.line) for u in units})


def _continuing(cells: dict[str, list[_Unit]], order: list[str], style: Style) -> tuple[list[str], float]:
    """The cells that may continue after a page break (they fill the part's height), and how much each
    ending suggests it did."""
    heights = {c: _height(cells[c]) for c in order if cells.get(c)}
    if not heights:
        return [], 0.0
    top = max(heights.values())
    return [c for c in order if heights.get(c) == top], float(top)


def _assign(units: list[_Unit], cells: list[str], prev: dict[str, list[_Unit]], style: Style) -> list[tuple[float, dict]]:
    """Ways to share a later part among the cells that may continue, best first."""
    n = len(units)
    out = []
    widths = {"item": style.item, "reason": style.reason}
    for m in range(1, min(len(cells), 3) + 1):
        for chosen in combinations(cells, m):
            ending = 0.0
            for c in cells:
                full = _full(prev[c][-1].line, widths.get(c, style.text)) if prev.get(c) else False
                ending += (0.5 if full else -0.5) if c in chosen else (-0.5 if full else 0.0)
            for cuts in combinations(range(1, n), m - 1):
                score = ending
                bounds = [0, *cuts, n]
                for p in cuts:  # cutting is optional here: a cut must earn more than a paragraph's end does
                    score += _cut_score(units, p, style.text, style) - _inside_penalty(units, p, style) - 1.5
                share = {c: units[bounds[i]:bounds[i + 1]] for i, c in enumerate(chosen)}
                score += sum(_joins(prev.get(c), got) for c, got in share.items())
                out.append((score, share))
    out.sort(key=lambda pair: pair[0], reverse=True)
    return out[:_BEAM]


def _joins(before: list[_Unit] | None, nxt: list[_Unit]) -> float:
    """-1 when a cell stopped mid-sentence and what would continue it opens a new paragraph (a bullet, a
    number, a bracketed heading): 「…操作によって実施」 goes on with 「される。」, not with 「・保管期間…」."""
    if not before or not nxt:
        return 0.0
    last, first = before[-1].text.rstrip(), nxt[0].text.lstrip()
    opens = first[:1] in BULLETS or first[:1] in "【〈<＜" or enumerator(first) is not None
    return -1.0 if last and last[-1] not in SENTENCE_END and opens else 0.0


def _continue(cand: _Candidate, parts: list[list[_Unit]], order: list[str], style: Style, label: Label) -> None:
    """Carry the candidate through the later parts, the best share of each part."""
    for units in parts:
        cells, _ = _continuing(cand.last, order, style)
        options = _assign(units, cells or [c for c in order if c != "reason"], cand.last, style)
        if not options:
            continue
        best = max(options, key=lambda option: option[0] + _carried(cand, option[1], label))
        cand.structure += best[0] + _carried(cand, best[1], label)
        for c in best[1]:
            cand.page_cut.pop(c, None)
        cand.last = best[1]
        for c, got in best[1].items():
            cand.cells.setdefault(c, []).extend(got)


def _carried(cand: _Candidate, share: dict[str, list[_Unit]], label: Label) -> float:
    """What carrying SHARE over says: the cells' first-part ends (see _page_cut) and, for the 項目, whether
    the label still ends at a name (「…⑦時期・頻度」 is whole; 「…子育て支援事業の実施に関する事務」 after it
    is the next cell's) or comes to end at one only now (「…②シス」 「テムの機能」)."""
    score = sum(cand.page_cut.get(c, 0.0) for c in share)
    if share.get("item"):
        before = label(_join(cand.cells["item"]))
        after = label(_join(cand.cells["item"] + share["item"]))
        whole_before = before is not None and before[0] <= 3
        whole_after = after is not None and after[0] <= 3
        score += -2.0 if whole_before and not whole_after else 1.0 if whole_after and not whole_before else 0.0
    return score


# ---------------------------------------------------------------- the row

def solve_cells(parts: list[list[Line]], reason: list[Line], style: Style,
                label: Label, reason_first: bool,
                printed: frozenset[str] = frozenset()) -> Cells:
    """項目, 変更前, 変更後 (and the 説明's continuation) of a row whose non-anchor lines are PARTS (cut at page
    breaks; the first holds every cell's start) and whose 説明 starts with REASON; PRINTED holds the
    compared text of the cells read so far."""
    parts = [p for p in parts if p]
    if not parts:
        return Cells(reason=reason)
    first = _units(parts[0])
    later = [_units(p) for p in parts[1:]]
    order = ["reason", "item", "before", "after"] if reason_first else ["item", "before", "after", "reason"]
    reason_units = _units(reason)
    candidates = _first_part(first, style, label, paged=bool(later))
    for cand in candidates:
        texts = _cells_of(first, cand)
        cand.total = cand.structure + pair_score(_keyed(texts["before"]), _keyed(texts["after"]), printed)
    candidates.sort(key=lambda c: c.total, reverse=True)
    best: _Candidate | None = None
    for cand in candidates[:_PAGE_BEAM] if later else candidates[:1]:
        cand.cells = {c: list(u) for c, u in _cells_of(first, cand).items()}
        cand.cells["reason"] = list(reason_units)
        cand.last = {c: list(u) for c, u in cand.cells.items()}
        _continue(cand, later, order, style, label)
        cand.total = cand.structure + pair_score(_keyed(cand.cells["before"]), _keyed(cand.cells["after"]), printed)
        if best is None or cand.total > best.total:
            best = cand
    assert best is not None
    extra = best.cells["reason"][len(reason_units):]
    return Cells(item=_join(best.cells["item"]), before=_join(best.cells["before"]),
                 after=_join(best.cells["after"]),
                 reason=reason + [Line(u.line.idx, u.text, u.gap) for u in extra])
