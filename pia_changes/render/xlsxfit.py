"""Row heights for the xlsx table, and the 「（続き）」 rows a cell too long for one row continues on.

Neither LibreOffice nor Excel fits a wrapped row to its text when the file is opened: without an
explicit height every row is one line high and the printed table cuts its long cells
(Decisions 2026-12-06: Office outputs). So the height is computed here from the text alone — no
font files are read, the bytes stay deterministic — and errs on the tall side: a row with some
space to spare prints whole, a row one line short does not.

Widths are in openpyxl column units (one digit of the workbook's default font, Calibri 11, about
5.25 pt). A full-width character of the 10 pt cell font (East Asian width W, F or A) takes two
units; a half-width one takes 1.25, because where 游ゴシック is missing (LibreOffice on Linux) the
Latin fallback is wider than a Calibri digit, and capitals more so. Measured with LibreOffice 7.4
(Noto Sans CJK JP, Carlito): a width-48 column holds 26 full-width or 41 fallback digits a line,
at 14.5 pt a line; 游ゴシック needs 1.6–1.7 × the font size a line. The narrower width estimate
makes up for a line pitch that might fall short in Excel.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

MAX_ROW_PT = 409.0      # Excel's largest row height
LINE_FACTOR = 1.6       # line pitch / font size (游ゴシック in Excel 1.6–1.7; LibreOffice's Noto 1.45)
MARGIN_PT = 4.0         # cell padding above and below the text
PADDING_UNITS = 2.0     # cell padding left and right, plus one character of kinsoku slack
CONTINUED = "（続き）"

_WIDE = frozenset("WFA")
_BROAD_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZmw@%&#")
# A wrapping unit: opening brackets stick to what follows, closing punctuation to what precedes
# (kinsoku), and a run of ASCII letters is a word that wraps whole.
_TOKEN = re.compile(r"[（「『【〔［｛〈《(\[{]*(?:[!-~]+| |.)"
                    r"[、。，．）」』】〕］｝〉》・ー…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ？！]*")
_BREAKS = re.compile(r"\r\n|\r|\n")
_SENTENCE_END = re.compile(r"\n|。[」』）)]*")


@dataclass(frozen=True)
class SheetRow:
    """One worksheet row of a table row: per column the (start, end) of the cell text it shows
    (None: empty), its height in points, and on a continuation row the column that prints the
    「（続き）」 marker."""

    ranges: tuple[tuple[int, int] | None, ...]
    height: float
    marker: int | None = None


def char_units(ch: str) -> float:
    """How many column units one character takes (see the module docstring for the figures)."""
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in _WIDE:
        return 2.0
    return 1.75 if ch in _BROAD_ASCII else 1.25


def wrapped_lines(text: str, width: float) -> int:
    """Lines TEXT takes in a wrapping cell WIDTH units wide: its own line breaks, and a wrap where
    the next word or character no longer fits."""
    room = max(width - PADDING_UNITS, 2.0)
    return sum(_paragraph_lines(line, room) for line in _BREAKS.split(text))


def _paragraph_lines(text: str, room: float) -> int:
    lines, used = 1, 0.0
    for token in _TOKEN.findall(text):
        size = sum(char_units(c) for c in token)
        if used + size <= room:
            used += size
        elif token == " ":
            continue  # a space at the end of a line is absorbed by the wrap
        elif size <= room:
            lines, used = lines + 1, size
        else:  # a word longer than the line breaks anywhere
            for ch in token:
                step = char_units(ch)
                if used + step > room and used > 0:
                    lines, used = lines + 1, 0.0
                used += step
    return lines


def line_height(font_size: float) -> float:
    return font_size * LINE_FACTOR


def height_for(lines: int, font_size: float) -> float:
    """Row height in points for LINES lines, rounded up to a quarter point (Excel's own step)."""
    return math.ceil((max(lines, 1) * line_height(font_size) + MARGIN_PT) * 4) / 4


def max_lines(font_size: float) -> int:
    """The most lines a row of at most 409 pt holds."""
    return int((MAX_ROW_PT - MARGIN_PT) // line_height(font_size))


def split_to_fit(text: str, width: float, limit: int) -> list[tuple[int, int]]:
    """TEXT cut into (start, end) pieces of at most LIMIT lines each, at line breaks or after a
    「。」 where it can, else where the line is full. The pieces cover the text in order; only a
    line break at a cut is left out (the row boundary stands for it)."""
    pieces: list[tuple[int, int]] = []
    start = 0
    while wrapped_lines(text[start:], width) > limit:
        end = _cut(text, start, width, limit)
        pieces.append((start, end))
        start = end + 1 if text[end:end + 1] == "\n" else end
    pieces.append((start, len(text)))
    return pieces


def _cut(text: str, start: int, width: float, limit: int) -> int:
    """The end of the longest piece from START that fits: at a boundary, else at a character."""
    best = None
    for m in _SENTENCE_END.finditer(text, start):
        end = m.start() if m.group() == "\n" else m.end()
        if end <= start:
            continue
        if wrapped_lines(text[start:end], width) > limit:
            break
        best = end
    if best is not None:
        return best
    low, high = start + 1, len(text)  # the longest prefix that fits: binary search by lines
    while low < high:
        mid = (low + high + 1) // 2
        if wrapped_lines(text[start:mid], width) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def fit_row(cells: Sequence[str], widths: Sequence[float], font_size: float,
            marker_column: int) -> list[SheetRow]:
    """The worksheet rows one table row needs: one when it fits in 409 pt, else the first row and
    「（続き）」 rows, each long cell's text cut into pieces that fit, the marker in MARKER_COLUMN
    (or the first empty column, if the marker column itself continues)."""
    limit = max_lines(font_size)
    pieces = [split_to_fit(text, width, limit) for text, width in zip(cells, widths)]
    out: list[SheetRow] = []
    for k in range(max(len(p) for p in pieces)):
        ranges = tuple(p[k] if k < len(p) else None for p in pieces)
        lines = [wrapped_lines(text[r[0]:r[1]], width)
                 for text, width, r in zip(cells, widths, ranges) if r is not None]
        marker = None
        if k:
            empty = [i for i, r in enumerate(ranges) if r is None]
            marker = marker_column if marker_column in empty else (empty or [None])[0]
            if marker is not None:
                lines.append(wrapped_lines(CONTINUED, widths[marker]))
        out.append(SheetRow(ranges, height_for(max(lines, default=1), font_size), marker))
    return out
