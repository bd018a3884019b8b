"""Which row each 提出時期に係る説明 belongs to, when PDF flow text prints it before a row's 変更日 or after its
提出時期, row by row (issue #26: 「The 説明 may come before the 変更日 or after the 提出時期」). Used by
table_reader.py.

Why a search: the text between one row's 提出時期 and the next row's 変更日 (a gap) holds the 説明 of the row
before it, of the row after it, of both, or of neither, and after a page break the cells the page cut as
well. No one gap says which; the whole table does. Each row takes its 説明 from one side, so the reading that
leaves no gap's text unowned and no row without a 説明, changing side seldom, is the one kept (a row whose
提出時期 has text beside it on its line takes the 説明 after it). A row without 提出時期 ends with its own
lines: its 説明 closes them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pia_changes.importer.table_cells import PAGE, Line

BEFORE, AFTER = 0, 1
_EMPTY = -1.5  # a row without 説明 (001 prints five): possible, seldom
_BESIDE = 5.0  # text on the 提出時期's own line is its row's 説明
_KEEP_SIDE = 0.5  # a table seldom changes side from one row to the next
_PRIOR = 0.25  # the side the table's first rows and header suggest


@dataclass
class Gap:
    """What lies between one row's end and the next row's head. TIMED: the row before ends with its 提出時期
    (else LINES are that row's own lines, its 説明 at their end)."""
    lines: list[Line]
    timed: bool = True
    beside: bool = False  # text follows the 提出時期 on its line


@dataclass
class Split:
    cost: float
    before: list[Line]  # the 説明 of the row before the gap
    after: list[Line]  # the 説明 of the row after the gap
    rest: list[Line]  # lines left for the row before: cells a page cut, or its own cells


Tail = Callable[[list[Line]], int]  # where the 説明 closing some lines starts
Judge = Callable[[list[Line]], float]  # how well some lines read as a 説明


def parts(lines: list[Line]) -> list[list[Line]]:
    """Lines cut at page breaks."""
    out: list[list[Line]] = [[]]
    for line in lines:
        if line.gap == PAGE and out[-1]:
            out.append([])
        out[-1].append(line)
    return out


def split(gap: Gap, prev: bool, nxt: bool, tail: Tail) -> Split | None:
    """GAP shared as PREV (the row before takes its 説明 here) and NXT (the row after does); None when some
    text would be left to nobody."""
    if not gap.timed:
        return _split_own(gap.lines, prev, nxt, tail)
    pages = parts(gap.lines) if gap.lines else [[]]
    pre = pages[0] if gap.lines and gap.lines[0].gap != PAGE else []
    post = gap.lines[len(pre):]
    if pre and not prev and (post or not nxt):
        return None  # text on the 提出時期's page: a 説明, of the row before or (with no page break) after
    first = pre if prev else []
    if not nxt:
        return _costed(first, [], post, prev, nxt)
    if post:
        last = parts(post)[-1]
        mine = last[tail(last):]
        return _costed(first, mine, [e for e in post if all(e is not m for m in mine)], prev, nxt)
    cut = tail(pre) if prev else 0
    return _costed(pre[:cut] if prev else [], pre[cut:], [], prev, nxt)


def _split_own(lines: list[Line], prev: bool, nxt: bool, tail: Tail) -> Split:
    """A row without 提出時期: its 説明 (after) closes its first page's lines, the next row's (before) its last."""
    pages = parts(lines) if lines else [[]]
    taken_next = pages[-1][tail(pages[-1]):] if nxt and lines else []
    first = [e for e in pages[0] if all(e is not t for t in taken_next)]
    taken_prev = first[tail(first):] if prev and first else []
    used = taken_prev + taken_next
    return _costed(taken_prev, taken_next, [e for e in lines if all(e is not u for u in used)], prev, nxt,
                   untimed=True)


def _costed(before: list[Line], after: list[Line], rest: list[Line], prev: bool, nxt: bool,
            untimed: bool = False) -> Split:
    cost = _EMPTY * ((prev and not before) + (nxt and not after))
    if untimed and not prev and not nxt:
        cost += _EMPTY  # a row without 提出時期 still prints a 説明 somewhere (000's five do)
    return Split(cost, before, after, rest)


def _judged(got: Split | None, judge: Judge) -> Split | None:
    if got is not None:
        got.cost += sum(judge(lines) for lines in (got.before, got.after) if lines)
    return got


def assign(gaps: list[Gap], tail: Tail, judge: Judge, first: bool) -> tuple[list[int], list[Split]]:
    """Each row's side (BEFORE: its 説明 precedes its 変更日) and each gap's split, for len(gaps) - 1 rows;
    FIRST: the side the table's start suggests is BEFORE; JUDGE weighs what a reading calls a 説明."""
    rows = len(gaps) - 1
    if rows < 1:
        return [], []
    prior = [_PRIOR if (side == BEFORE) == first else 0.0 for side in (BEFORE, AFTER)]
    best: list[list[tuple[float, list[int], list[Split]] | None]] = [[None, None] for _ in range(rows)]
    final: tuple[float, list[int], list[Split]] | None = None
    for side in (BEFORE, AFTER):
        got = _judged(split(gaps[0], False, side == BEFORE, tail), judge)
        if got is not None:
            best[0][side] = (got.cost + prior[side], [side], [got])
    for k in range(1, rows + 1):
        for side in (BEFORE, AFTER) if k < rows else (AFTER,):
            best_here = None
            for was in (BEFORE, AFTER):
                if best[k - 1][was] is None:
                    continue
                got = _judged(split(gaps[k], was == AFTER, k < rows and side == BEFORE, tail), judge)
                if got is None:
                    continue
                score, sides, splits = best[k - 1][was]
                score += got.cost - (_BESIDE if gaps[k].beside and was == BEFORE else 0.0)
                if k < rows:
                    score += prior[side] + (_KEEP_SIDE if side == was else 0.0)
                if best_here is None or score > best_here[0]:
                    best_here = (score, sides + ([side] if k < rows else []), splits + [got])
            if k < rows:
                best[k][side] = best_here
            else:
                final = best_here
    if final is None:
        return _fallback(gaps, tail, first)
    return final[1], final[2]


def _fallback(gaps: list[Gap], tail: Tail, first: bool) -> tuple[list[int], list[Split]]:
    """No reading owns every line (text where no 説明 can be): one side for all, what is left kept as cells."""
    side = BEFORE if first else AFTER
    splits = []
    for k, gap in enumerate(gaps):
        got = split(gap, k > 0 and side == AFTER, k < len(gaps) - 1 and side == BEFORE, tail)
        splits.append(got or Split(0.0, [], [], gap.lines))
    return [side] * (len(gaps) - 1), splits
