"""Folding of long unchanged text in the 新旧対照表: the changes with a little context stay shown,
the rest is folded behind a 「…（N文字省略）表示する」 control.

Why: a one-character change at the end of a 2,400-character 別紙 list sat at the bottom of a
4,000-pixel cell pair, and a reviewer had to scroll the page to find the underline. Folding
only hides text on screen: the folded text stays in the page (the control unfolds it, the page
search finds it, a printout shows it), and nothing here produces HTML — taisho.py escapes
every piece.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

CONTEXT_CHARS = 100   # characters of context kept on each side of a change ...
CONTEXT_LINES = 2     # ... but no more than this many lines of it
MIN_FOLD = 60         # a shorter unchanged run stays shown: its control would save little
_SNAP = "。、\n"      # context starts after, and ends at, a sentence or clause boundary if one is near

Span = tuple[int, int]


@dataclass(frozen=True)
class Segment:
    """A run of a cell's text: `kind` is "changed" (underlined), "plain" or "folded"."""

    text: str
    kind: str


def unchanged_before(pos: int, spans: Sequence[Span]) -> int:
    """How many unchanged characters come before POS on a side with these changed SPANS."""
    return pos - sum(min(e, pos) - s for s, e in spans if s < pos)


def position_of(unchanged: int, spans: Sequence[Span]) -> int:
    """Where the UNCHANGED-th unchanged character sits on a side with these SPANS: the unchanged
    text is the same on both sides of a change, so this carries a change point across."""
    pos = 0
    for s, e in sorted(spans):
        if s - pos >= unchanged:
            break
        unchanged -= s - pos
        pos = e
    return pos + unchanged


def anchors(spans: Sequence[Span], other: Sequence[Span]) -> list[Span]:
    """The places to keep in view on one side: its own changed spans, and the points where the
    other side's changes fall (an insertion on the right has no span on the left)."""
    own = sorted(spans)
    mapped = [position_of(unchanged_before(s, other), own) for s, _ in sorted(other)]
    return sorted({*own, *((p, p) for p in mapped)})


def _context_start(text: str, pos: int) -> int:
    start = max(0, pos - CONTEXT_CHARS)
    lines = text.rfind("\n", start, pos)
    for _ in range(CONTEXT_LINES - 1):
        if lines < 0:
            break
        lines = text.rfind("\n", start, lines)
    if lines >= 0:
        return lines + 1
    if start == 0:
        return 0
    snap = [text.find(c, start, start + CONTEXT_CHARS // 2) for c in _SNAP]
    found = [i + 1 for i in snap if i >= 0]
    return min(found) if found else start


def _context_end(text: str, pos: int) -> int:
    end = min(len(text), pos + CONTEXT_CHARS)
    breaks, cut = 0, text.find("\n", pos, end)
    while cut >= 0:
        breaks += 1
        if breaks == CONTEXT_LINES:
            return cut
        cut = text.find("\n", cut + 1, end)
    if end == len(text):
        return end
    snap = [text.rfind(c, end - CONTEXT_CHARS // 2, end) for c in _SNAP]
    found = [i + 1 for i in snap if i >= 0]
    return max(found) if found else end


def kept(text: str, keep: Sequence[Span]) -> list[Span]:
    """The merged ranges shown around the KEEP anchors; an empty list keeps everything."""
    ranges = sorted((_context_start(text, s), _context_end(text, e)) for s, e in keep)
    merged: list[list[int]] = []
    for s, e in ranges:
        if merged and s <= merged[-1][1] + MIN_FOLD:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if merged and merged[0][0] < MIN_FOLD:
        merged[0][0] = 0
    if merged and len(text) - merged[-1][1] < MIN_FOLD:
        merged[-1][1] = len(text)
    return [(s, e) for s, e in merged]


def fold(parts: Sequence[tuple[str, bool]], spans: Sequence[Span], other: Sequence[Span]) -> list[Segment]:
    """PARTS (a cell cut at its changed spans, as render.columns.pieces gives it) as segments,
    with the unchanged text far from any change folded. Without any change point on either side
    nothing is folded: there is nothing to centre on."""
    text = "".join(t for t, _ in parts)
    points = anchors(spans, other)
    shown = kept(text, points) if points else [(0, len(text))]
    out: list[Segment] = []
    pos = 0
    for part, changed in parts:
        end = pos + len(part)
        if changed:
            out.append(Segment(part, "changed"))
        else:
            out += _split(text, pos, end, shown)
        pos = end
    return [s for s in out if s.text]


def _split(text: str, start: int, end: int, shown: Sequence[Span]) -> list[Segment]:
    """The unchanged run [START, END) cut into shown and folded segments."""
    out: list[Segment] = []
    pos = start
    for s, e in shown:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        if s > pos:
            out.append(Segment(text[pos:s], "folded"))
        out.append(Segment(text[s:e], "plain"))
        pos = e
    if pos < end:
        out.append(Segment(text[pos:end], "folded"))
    return out
