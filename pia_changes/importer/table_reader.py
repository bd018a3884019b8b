"""The 変更箇所 table read from the evidence inside its rows, not from its layout (issue #26).

Why: PDF flow text keeps a table's words but not its geometry. Cells come out in the order of the PDF's
text boxes (the 説明 before the 変更日 or after the 提出時期), wrapped at the column's width with labels cut
mid-word, short cells side by side on one line, rows cut by page breaks under a repeated header. What
survives in every layout is what a row says about itself:

- a row has one 変更日 (和暦 or 西暦) and one 提出時期 (事前/事後), either of which may be blank, so either
  anchors it; a date is a 変更日 only where a row can start (after a 提出時期, or before an item label);
- its 項目 is a label of the form (a section numeral, 別添/別紙, or what the label matcher resolves);
- its 説明 sits beside the 提出時期 or before the 変更日, the same side in the whole table;
- 変更前 and 変更後 are what remains, cut where the line structure cuts (table_cells.py weighs it).

Page furniture (page numbers, the repeated heading and header) is dropped; the cells a page cut continue
after it. Tab-separated, `pdftotext -layout` and the extended layout (項番, 項目①–④, 変更区分) keep their
structure and go to the readers of legacy_table.py, which read the seeds whole.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pia_changes.document.legacy import SOURCE_LINES
from pia_changes.forms import Form, load_form
from pia_changes.forms.labels import match_label, squash
from pia_changes.text.normalise import compare_key, nfkc
from pia_changes.importer import legacy_table as old
from pia_changes.importer.cell_text import PLACEHOLDERS, REASON_WORDS
from pia_changes.importer.pages import is_page_number
from pia_changes.importer.table_sides import BEFORE, Gap, assign
from pia_changes.importer.table_sides import parts as _parts
from pia_changes.importer.table_cells import (BLANK, LINE, PAGE, SPACE, LabelFit, Line, Style, display_width,
                                              join_lines, last_paragraph, solve_cells)
from pia_changes.forms.numbering import starts_with_section

_DATE = re.compile(r"(?:(?:令和|平成|昭和)(?:元|\d{1,2})|\d{4})年\d{1,2}月\d{1,2}日|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}")
_TIMINGS = frozenset({"事前", "事後"})
_BARE_NUMBER = re.compile(r"^\(?\d{1,4}\)?$")
_EXTENDED = re.compile(r"項番|区分|項目[1-9①-⑨]")
_RULE = re.compile(r"^[-=_:|+ ─━]*$")
_PART = re.compile(r"^[(（]別[添紙]\d+[)）]")
_FIRST_ROW = 40  # lines after the header within which a table's first anchor must come
_DATE_HEAD = re.compile(r"(?:(?:令和|平成|昭和)(?:元|\d{1,2})?|\d{4})(?:年(?:\d{1,2}(?:月\d{0,2})?)?)?")
_TAILS = (0, 3, 8, 20)  # characters the label matcher may find after an item's name, tried in this order


@dataclass
class Anchor:
    kind: str  # "D" (変更日) or "T" (提出時期)
    text: str
    idx: int
    gap: int


Element = Line | Anchor


def read_tables(lines: list[str], form: Form | None = None) -> tuple[list[dict], set[int]]:
    """The legacy rows of every 変更箇所 table in LINES, and the 0-based indexes of the lines they used."""
    lines = [line.rstrip("\r\n") for line in lines]
    rows: list[dict] = []
    used: set[int] = set()
    j = 0
    while j < len(lines):
        if not old._is_heading(lines[j]) or (body := old._header_block(lines, j)) is None:
            j += 1
            continue
        header = [k for k in range(j + 1, body) if lines[k].strip()]
        parse = _parser(lines, header)
        found, taken, end = (parse(lines, j, header, body) if parse is not None
                             else _evidence_table(lines, j, header, body, form))
        if found:
            rows.extend(found)
            used |= taken | set(range(j, body))
        j = max(end, j + 1)
    return rows, used


def _parser(lines: Sequence[str], header: list[int]):
    """The legacy reader for layouts that keep their structure (None: PDF flow in the standard six columns)."""
    if "\t" in lines[header[0]]:
        return old._tab_table
    if any(re.search(r"\S {2,}\S", lines[k]) for k in header):
        return old._positional_table
    if _EXTENDED.search("".join(old._compact(lines[k]) for k in header)):
        return old._flow_table
    return None


# ---------------------------------------------------------------- the text as elements, furniture dropped

def _stream(lines: Sequence[str], body: int, heading: str) -> tuple[list[Element], set[int], int]:
    """Lines and anchors from BODY on; page numbers, repeated headings/headers and the running head between
    them dropped (a PAGE gap). Stops at the next table, at a 別添/別紙 part opening a page, or early when no row starts
    within _FIRST_ROW lines of the header (a pointer 「別紙４のとおり」: the table is printed elsewhere)."""
    out: list[Element] = []
    taken: set[int] = set()
    gap, j = LINE, body
    while j < len(lines):
        text = lines[j].strip()
        if not text or _RULE.match(text):
            gap = max(gap, BLANK)
            taken.add(j)
            j += 1
            continue
        end = _furniture_end(lines, j, heading)
        if end == j and gap == PAGE and _before_header(lines, j, heading):
            end = j + 1  # between a page's number and the repeated header: the running head, no cell
        if end > j:
            taken.update(range(j, end))
            gap, j = PAGE, end
            continue
        if old._is_heading(text) and old._header_block(lines, j) is not None or gap == PAGE and _part_heading(text):
            break  # the next table, or the next part of the document
        if len(out) >= _FIRST_ROW and not any(isinstance(e, Anchor) for e in out):
            return [], set(), body
        nxt = next((k for k in range(j + 1, min(j + 3, len(lines))) if lines[k].strip()), None)
        if nxt is not None and _date_split(text, lines[nxt]):  # 「平成28年」「10月18日」: a narrow date column
            out.extend(_elements(text + _tokens(lines[nxt])[0] + " " + " ".join(_tokens(lines[nxt])[1:]), nxt, gap))
            taken.update(range(j, nxt + 1))
            gap, j = LINE, nxt + 1
            continue
        out.extend(_elements(text, j, gap))
        taken.add(j)
        gap, j = LINE, j + 1
    return out, taken, j


def _placeholder_beside(text: str) -> bool:
    """「－ 【別表第2における情報」: a one-line cell 「－」 and the first line of the next cell on one baseline."""
    toks = _tokens(text)
    return len(toks) > 1 and nfkc(toks[0]) in PLACEHOLDERS


def _date_split(text: str, nxt: str) -> bool:
    """TEXT ends with the start of a date that NXT's first token completes."""
    toks, following = _tokens(text), _tokens(nxt)
    if not toks or not following or _anchor_kind(toks[-1]) is not None:
        return False
    return _anchor_kind(toks[-1] + following[0]) == "D" and _DATE_HEAD.fullmatch(nfkc(toks[-1])) is not None


def _part_heading(text: str) -> bool:
    """「（別紙１）…」 「（別添２）…」 opening a page: a part of the document after the table."""
    compact = old._compact(text)
    return bool(_PART.match(compact)) and "変更箇所" not in compact


def _before_header(lines: Sequence[str], j: int, heading: str) -> bool:
    """The next non-blank line after J is the repeated header (or heading) of the table."""
    nxt = next((k for k in range(j + 1, min(j + 4, len(lines))) if lines[k].strip()), None)
    return nxt is not None and _furniture_end(lines, nxt, heading) > nxt and not is_page_number(lines[nxt])


def _furniture_end(lines: Sequence[str], j: int, heading: str) -> int:
    """Index after the page furniture starting at J (J itself when there is none)."""
    text = nfkc(lines[j]).strip()
    if is_page_number(text) or old._compact(text) == heading:
        return j + 1
    k = j
    while k < len(lines) and (old._header_like(lines[k]) or not lines[k].strip() and k > j):
        k += 1
    block = "".join(old._compact(lines[n]) for n in range(j, k))
    if k > j and "変更日" in block and ("変更後" in block or "変更前" in block):
        return k
    if _BARE_NUMBER.match(text):
        nxt = next((line for line in lines[j + 1:j + 6] if line.strip()), None)
        if nxt is None or old._header_like(nxt) or old._compact(nxt) == heading:
            return j + 1
    return j


def _tokens(text: str) -> list[str]:
    return [tok for tok in re.split(r"[ \t]+", text) if tok]


def _anchor_kind(token: str) -> str | None:
    norm = nfkc(token)
    if norm in _TIMINGS:
        return "T"
    return "D" if _DATE.fullmatch(norm) else None


def _elements(text: str, idx: int, gap: int) -> list[Element]:
    """A line as anchors and text runs; a line holding an anchor beside text is a band of cells side by side."""
    toks = _tokens(text)
    kinds = [_anchor_kind(tok) for tok in toks]
    if not any(kinds):
        return [Line(idx, text, gap)]
    out: list[Element] = []
    run: list[str] = []
    for tok, kind in zip(toks, kinds):
        if kind is None:
            run.append(tok)
            continue
        if run:
            out.append(Line(idx, " ".join(run), gap if not out else SPACE, band=True))
            run = []
        out.append(Anchor(kind, tok, idx, gap if not out else SPACE))
    if run:
        out.append(Line(idx, " ".join(run), SPACE, band=True))
    return out


# ---------------------------------------------------------------- rows

def _evidence_table(lines: Sequence[str], heading: int, header: list[int], body: int,
                    form: Form | None) -> old.Parsed:
    stream, taken, end = _stream(lines, body, old._compact(lines[heading]))
    header_text = "".join(old._compact(lines[k]) for k in header)
    table = _Table(stream, form or load_form("全項目"), header_text.find("説明") < header_text.find("変更日"))
    return table.rows(lines), taken, end


class _Table:
    """One flow table: anchors paired into rows, the 説明 side decided once, cells solved per row."""

    def __init__(self, stream: list[Element], form: Form, header_reason_first: bool) -> None:
        self.stream = stream
        self.form = form
        self.heads = self._heads()
        lead = [e for e in stream[:self.heads[0][0]] if isinstance(e, Line)] if self.heads else []
        self.reason_first = bool(lead) and not self._starts_label(lead[0]) or not lead and header_reason_first
        self.style = self._style()
        widest = max(self.style.item, self.style.text, self.style.reason) + 4
        for e in stream:  # cells side by side: a line wider than any column, or a placeholder beside text
            if isinstance(e, Line) and (e.cols > widest or _placeholder_beside(e.text)):
                e.band = True
        self.printed: set[str] = set()  # compared text of the 変更前/変更後 read so far
        self.reasons = self._known_reasons()

    # anchors → rows ----------------------------------------------------------

    def _heads(self) -> list[tuple[int, int | None, int | None]]:
        """(first element, 変更日 index, 提出時期 index) per row, in order. A date where no row can start is a
        value (「①実施日」 changes from one date to another) and goes back into the text."""
        rows: list[list[int | None]] = []  # [head, date, timing]
        previous: str | None = None
        for i, e in enumerate(self.stream):
            if not isinstance(e, Anchor):
                continue
            if e.kind == "T":
                if rows and rows[-1][2] is None and rows[-1][1] is not None:
                    rows[-1][2] = i
                else:
                    rows.append([self._item_start(rows[-1][2] if rows else -1, i), None, i])
                previous = "T"
            elif previous in (None, "T") or self._label_follows(i):
                rows.append([i, i, None])
                previous = "D"
            else:
                self.stream[i] = Line(e.idx, e.text, e.gap, band=e.gap == SPACE or self._same_line(i))
        return [(head, date, timing) for head, date, timing in rows]

    def _same_line(self, i: int) -> bool:
        return i + 1 < len(self.stream) and self.stream[i + 1].idx == self.stream[i].idx

    def _label_follows(self, i: int) -> bool:
        nxt = next((e for e in self.stream[i + 1:i + 2] if isinstance(e, Line)), None)
        return nxt is not None and self._starts_label(nxt)

    def _starts_label(self, line: Line) -> bool:
        text = nfkc(line.text)
        return bool(starts_with_section(text)) or _label_fit(self.form, line.text) is not None

    def _item_start(self, after: int, timing: int) -> int:
        """Where a row without 変更日 begins: the first line after the last 提出時期 that starts an item label."""
        for i in range(after + 1, timing):
            e = self.stream[i]
            if isinstance(e, Line) and e.gap != SPACE and starts_with_section(nfkc(e.text)):
                return i
        return after + 1

    # widths ------------------------------------------------------------------

    def _style(self) -> Style:
        """Column widths in display columns (from the wrapped lines, which are full but for a cell's last)
        and whether blank lines part the cells (pdftotext prints one after each text block)."""
        item, text, reason = [], [], []
        blank = 0
        for n, (head, date, timing) in enumerate(self.heads):
            stop = self.heads[n + 1][0] if n + 1 < len(self.heads) else len(self.stream)
            lines = [e for e in self.stream[head:stop] if isinstance(e, Line)]
            if date is not None and lines and not lines[0].band:
                item.append(lines[0].cols)
                blank += lines[0].gap == BLANK
            text.extend(line.cols for line in lines[1:] if not line.band)
            after = self._lines(timing + 1, stop) if timing is not None else []
            if after and after[0].gap != PAGE:  # a 説明, of this row or the next
                reason.extend(e.cols for e in _parts(after)[0] if not e.band)
        dated = sum(1 for _, date, _ in self.heads if date is not None)
        width = _typical(text)
        return Style(item=_typical(item) or width, text=width, reason=_typical(reason) or width,
                     blank=dated > 0 and blank >= dated / 2)

    def _lines(self, start: int, stop: int) -> list[Line]:
        return [e for e in self.stream[start:stop] if isinstance(e, Line)]

    # rows → cells ------------------------------------------------------------

    def rows(self, lines: Sequence[str]) -> list[dict]:
        """The rows, each 説明 given to the row whose side the table's gaps show (table_sides.py)."""
        sides, splits = assign(self._gaps(), self._reason_start, self._reads_as_reason, self.reason_first)
        out = []
        for n, (head, date, timing) in enumerate(self.heads):
            reason = splits[n].after if sides[n] == BEFORE else splits[n + 1].before
            rest = (self._lines(head, timing) if timing is not None else []) + splits[n + 1].rest
            row = self._row(date, timing, reason, rest, reason_first=sides[n] == BEFORE)
            row[SOURCE_LINES] = old._source_lines(row.pop("_idxs"), lines)
            out.append(row)
        return out

    def _gaps(self) -> list[Gap]:
        """The text before the first row, and after each row's 提出時期 (or head, for a row without one)."""
        gaps = [Gap(self._lines(0, self.heads[0][0]) if self.heads else [])]
        for n, (head, _, timing) in enumerate(self.heads):
            stop = self.heads[n + 1][0] if n + 1 < len(self.heads) else len(self.stream)
            if timing is None:
                gaps.append(Gap(self._lines(head, stop), timed=False))
                continue
            after = self._lines(timing + 1, stop)
            beside = bool(after) and after[0].gap == SPACE and after[0].idx == self.stream[timing].idx
            gaps.append(Gap(after, beside=beside))
        return gaps

    def _row(self, date: int | None, timing: int | None, reason: list[Line], rest: list[Line],
             reason_first: bool) -> dict:
        """One row's cells from its anchors, its 説明 and the lines left for 項目, 変更前 and 変更後."""
        cells = solve_cells(_parts(rest), reason, self.style, lambda text: _label_fit(self.form, text),
                            reason_first=reason_first, printed=frozenset(self.printed))
        self.printed.update(key for key in (compare_key(cells.before), compare_key(cells.after)) if key)
        row = {"変更日": self.stream[date].text if date is not None else "", "項目": cells.item,
               "変更前の記載": cells.before, "変更後の記載": cells.after,
               "提出時期": self.stream[timing].text if timing is not None else "",
               "提出時期に係る説明": join_lines(cells.reason)}
        anchors = {self.stream[i].idx for i in (date, timing) if i is not None}
        row["_idxs"] = sorted({e.idx for e in rest + cells.reason} | anchors)
        return row

    def _reason_start(self, part: list[Line]) -> int:
        """Where the 説明 that closes PART starts: at a wording this table prints as a 説明 beside a 提出時期
        (「住民基本台帳システムの標準化による」 ten times over), else at its last paragraph."""
        for k in range(len(part) - 1, max(-1, len(part) - 12), -1):
            if compare_key(join_lines(part[k:])) in self.reasons and (k == 0 or part[k].gap != SPACE):
                return k
        return last_paragraph(part, self.style.reason)

    def _reads_as_reason(self, lines: list[Line]) -> float:
        """+0.5 for a wording this table prints as a 説明 where nothing else stands, -1 for text with none of
        the words a 説明 is made of (「⑦随時」 is a cell's last line) or a piece of a known wording, less for two
        説明 taken as one."""
        text = join_lines(lines)
        key = compare_key(text)
        if key in self.reasons:
            return 0.5
        if not REASON_WORDS.search(nfkc(text)):
            return -1.0
        if any(len(known) > len(key) and (known.startswith(key) or known.endswith(key)) for known in self.reasons):
            return -1.0  # a piece of a wording the table prints whole
        cut = self._reason_start(lines)
        if cut and REASON_WORDS.search(join_lines(lines[:cut])):
            return -1.5  # two 説明 taken as one: a wrapped 説明 fills every line but its last
        return 0.0

    def _known_reasons(self) -> set[str]:
        """The 説明 this table prints where nothing else can stand: on a 提出時期's page after it (the 説明 of
        that row or, with no page break, of the next; both when a blank line parts two blocks there), when it
        is one paragraph."""
        known = set()
        for n, (_, _, timing) in enumerate(self.heads):
            stop = self.heads[n + 1][0] if n + 1 < len(self.heads) else len(self.stream)
            after = self._lines(timing + 1, stop) if timing is not None else []
            pre = _parts(after)[0] if after and after[0].gap != PAGE else []
            cut = next((k for k in range(1, len(pre)) if pre[k].gap >= BLANK), 0)  # two blocks: two 説明
            for chunk in (pre[:cut], pre[cut:]) if cut else (pre,):
                if chunk and last_paragraph(chunk, self.style.reason) == 0:  # one paragraph: one 説明
                    known.add(compare_key(join_lines(chunk)))
        return known - {""}


def _typical(widths: list[int]) -> int:
    """The width of a column: wrapped text fills every line but a cell's last, so the commonest width among
    the longer half of the lines (lines of cells side by side are few and vary)."""
    if not widths:
        return 0
    ordered = sorted(widths)
    upper = Counter(ordered[len(ordered) // 2:])
    return max(upper.items(), key=lambda kv: (kv[1], -kv[0]))[0]


@lru_cache(maxsize=8192)
def _label_cached(form_name: str, squashed: str) -> LabelFit | None:
    form = load_form(form_name)
    if match_label(form, squashed, max_tail=_TAILS[-1], numbered=False) is None:
        return None  # most texts tried are no label: one call settles them
    for tail in _TAILS:
        if (match := match_label(form, squashed, max_tail=tail, numbered=False)) is not None:
            return tail, tuple(node.id for node in match.node.ancestors()) + (match.node.id,)
    return None


@lru_cache(maxsize=16384)
def _squashed(text: str) -> str:
    return squash(text)


def _label_fit(form: Form, text: str) -> LabelFit | None:
    """The item the label matcher finds at the end of TEXT: how many characters follow its name (0, 3, 8 or
    20 at most) and its path of ids; None when TEXT names no item."""
    return _label_cached(form.form, _squashed(text))


__all__ = ["read_tables", "display_width"]
