"""Published 変更前/変更後 cells as the reconstruction reads them (README: Reproduction).

A cell is compared on its normalised text (Decisions: Comparing text) but written back with its
own characters, so every normalised string here keeps a map from each of its characters to the
original text. A cell may hold more than text: a dash or 「（右記の内容を新たに追加）」 means empty,
「略」「（中略）」「変更なし」 are gaps standing for unchanged text, 「左記に下記内容を追加する。」
announces appended text, 「削除」 says the item was emptied, 「[○]」 marks checked options.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from pia_changes.text.normalise import html_to_text, nfkc
from pia_changes.forms.numbering import CIRCLED

BLANK_MARKS = frozenset({"-", "—", "―", "‐", "−", "ー", "─", "–"})  # after NFKC: 「－」 is "-"
# 「（右記の内容を新たに追加）」, 「〈…〉のうち、右記の内容を新たに追加」: the text did not exist before
_ADDED_NOTE = re.compile(r"右記の.{0,20}?を?新たに(?:追加|追記|記載)(?:する)?")
# 「左記に下記内容を追加する。」, 「左記1から7に下記8と9を追記。」: what follows was appended
_APPEND_NOTE = re.compile(r"^左記.{0,30}?に?下記.{0,30}?を?(?:追加|追記)(?:する)?。")
DELETED = "削除"
# Gaps: 「（略）」「（以下略）」「（中略）」「以下略」「変更なし」, and a bare 「略」 where a list item or
# note stands for unchanged text (「2略」「・略」「(※1)略」「【ケース1】略」「…する。略」).
GAP = re.compile(r"\((?:以下|中)?略\)|以下略|変更なし"
                 r"|(?:(?<=^)|(?<=[・。】)\]0-9\u2460-\u2473>]))略(?=$|[・(【<\[0-9\u2460-\u2473※])")
_NUMBERING = re.compile(r"[0-9]{1,2}\)")
_CHECK_MARK = re.compile(r"\[([○〇◯●✓✔レxX]?)\]")


def _nfkc(ch: str) -> str:
    return ch if ch in CIRCLED else nfkc(ch)


@dataclass(frozen=True)
class Norm:
    """TEXT normalised (NFKC, no whitespace), with the original span of every key character."""

    text: str
    key: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original(self, a: int, b: int) -> str:
        """The original text behind key[a:b] (whitespace inside kept)."""
        if a >= b:
            return ""
        return self.text[self.starts[a]:self.ends[b - 1]]


def normalise(text: str) -> Norm:
    """Per character: NFKC (circled numbers kept, as the label matcher keeps them), whitespace dropped.

    Differs from textnorm.compare_key only where NFKC composes across characters (half-width
    voiced marks) and in keeping ①; both sides of every comparison here use this one."""
    key: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        for out in _nfkc(ch):
            if out.isspace():
                continue
            key.append(out)
            starts.append(i)
            ends.append(i + 1)
    return Norm(text, "".join(key), tuple(starts), tuple(ends))


@dataclass(frozen=True)
class Cell:
    """One published cell, read."""

    raw: str
    norm: Norm                       # of the cell's text (HTML turned into text, notes removed)
    pieces: tuple[tuple[int, int], ...] = ((0, 0),)  # key ranges between gaps
    empty: bool = False              # nothing there before / nothing left after
    appended: bool = False           # 「左記に下記…追加」: the pieces are text appended to the item
    deleted: bool = False            # 「削除」
    html: bool = False               # the raw cell had HTML: its line breaks mean something
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return self.norm.key

    @property
    def gaps(self) -> int:
        return len(self.pieces) - 1

    def piece_keys(self) -> list[str]:
        return [self.key[a:b] for a, b in self.pieces]

    @property
    def has_text(self) -> bool:
        """Some text besides gaps."""
        return not self.empty and not self.deleted and any(b > a for a, b in self.pieces)

    @cached_property
    def pattern(self) -> re.Pattern:
        """The pieces in order, any text between them (gaps), on normalised text."""
        return re.compile("(.*?)".join(re.escape(k) for k in self.piece_keys()))

    def replacement(self, a: int, b: int) -> str:
        """The original text of key[a:b], to be written into a document: a plain-text cell's line
        breaks are the PDF's layout, not the author's, so they are dropped."""
        text = self.norm.original(a, b)
        return text if self.html else text.replace("\r", "").replace("\n", "")


_EMPTY_NORM = normalise("")


def read_cell(value: object, side: str = "after") -> Cell:
    """A published 変更前 (side="before") or 変更後 (side="after") cell."""
    raw = "" if value is None else str(value)
    html = bool(re.search(r"<\s*/?\s*(?:p|br|li|ul|ol|div|input)\b", raw, re.IGNORECASE))
    text = html_to_text(raw)
    norm = normalise(text)
    if not norm.key or norm.key in BLANK_MARKS:
        return Cell(raw, _EMPTY_NORM, empty=True, html=html)
    if _ADDED_NOTE.search(norm.key) and side == "before":
        return Cell(raw, _EMPTY_NORM, empty=True, html=html, notes=("added",))
    if side == "after" and norm.key == DELETED:
        return Cell(raw, _EMPTY_NORM, deleted=True, html=html)
    appended = False
    if side == "after" and (m := _APPEND_NOTE.match(norm.key)):
        text = norm.original(m.end(), len(norm.key)) if m.end() < len(norm.key) else ""
        norm = normalise(text)
        appended = True
        if not norm.key:
            return Cell(raw, _EMPTY_NORM, empty=True, html=html)
    pieces: list[tuple[int, int]] = []
    start = 0
    for m in GAP.finditer(norm.key):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, len(norm.key)))
    return Cell(raw, norm, tuple(pieces), appended=appended, html=html)


# ---- options (choices and checkboxes) ---------------------------------------------------------

def option_key(text: str) -> str:
    return normalise(text).key


@dataclass(frozen=True)
class Option:
    base: str          # the option as the form prints it (canonical text)
    key: str           # the whole normalised value (an open option with its text: その他(…))
    checked: bool
    text: str          # the original text of the value as printed


def read_options(cell: Cell, options: tuple[str, ...], open_options: tuple[str, ...]) -> list[Option] | None:
    """The options a cell shows, checked or not; None when some of its text is no option.

    With 「[○]」/「[ ]」 marks each mark opens one value; without marks the cell lists the checked
    values one after another (「庁内連携システム 宛名システム等 その他（…）」)."""
    key = cell.key
    if cell.empty or cell.deleted or not key:
        return []
    marks = list(_CHECK_MARK.finditer(key))
    keyed = sorted(((option_key(o), o) for o in options), key=lambda p: len(p[0]), reverse=True)
    open_keys = {option_key(o) for o in open_options}
    found: list[Option] = []
    if marks:
        if key[:marks[0].start()].strip("・、,"):
            return None
        bounds = [(m.end(), marks[i + 1].start() if i + 1 < len(marks) else len(key), bool(m[1]))
                  for i, m in enumerate(marks)]
        for a, b, checked in bounds:
            segment = _scan(cell, a, b, keyed, open_keys, checked)
            if segment is None:
                return None
            found += segment
        return found
    return _scan(cell, 0, len(key), keyed, open_keys, True)


def _scan(cell: Cell, a: int, b: int, keyed: list[tuple[str, str]], open_keys: set[str],
          checked: bool) -> list[Option] | None:
    key = cell.key
    out: list[Option] = []
    pos = a
    while pos < b:
        while pos < b and key[pos] in "・、,":
            pos += 1
        if (m := _NUMBERING.match(key, pos, b)) is not None:  # 「１）発生なし」
            pos = m.end()
        if pos >= b:
            break
        hit = next(((k, o) for k, o in keyed if k and key.startswith(k, pos) and pos + len(k) <= b), None)
        if hit is None:
            return None
        k, option = hit
        end = pos + len(k)
        if k in open_keys and end < b and key[end] == "(":
            close = _closing(key, end, b)
            if close is None:
                return None
            end = close
        out.append(Option(option, key[pos:end], checked, cell.norm.original(pos, end)))
        pos = end
    return out


def _closing(key: str, start: int, limit: int) -> int | None:
    depth = 0
    for i in range(start, limit):
        if key[i] == "(":
            depth += 1
        elif key[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None
