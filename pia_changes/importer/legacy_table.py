"""The published 変更箇所 table → legacy rows (Decisions: Legacy rows), by layout rules, never by place in a file.

A 「(別添N) 変更箇所」 heading directly followed by a header naming 変更日 and 変更後 opens a table. A tab in the header:
one row a line. Runs of 2+ spaces: cells cut at the labels' display columns, a line without 項番/date continues its row.
Else PDF flow text: rows open at 項番 + 和暦; cells split at blank lines and same-line spaces, between the anchors
変更区分 and 提出時期. Repeated headings/headers, page numbers, rule lines are skipped; other text joins the nearest cell.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pia_changes.document.legacy import ITEM_PARTS, SOURCE_LINES
from pia_changes.text.normalise import nfkc
from pia_changes.forms.numbering import starts_with_section

KINDS = frozenset({"変更", "新規", "削除"})
TIMINGS = frozenset({"事前", "事後"})
_WS = re.compile(r"\s+")
_SPACES = re.compile(r"[ \t]+")
_DATE = re.compile(r"(?:令和|平成|昭和)(?:元|\d{1,2})年\d{1,2}月\d{1,2}日|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}")
_HEADING = re.compile(r"^(?:\(別[添紙]\d*\))?変更箇所$")  # on compact NFKC text
_NEXT_PART = re.compile(r"^\(別[添紙]\d*\)\S*$")  # a following 別添 heading ends a flow table
_PAGE_NO = re.compile(r"^[-‐－ー(（]?\s*\d{1,4}\s*[-‐－ー)）]?$|^\d{1,4}\s*/\s*\d{1,4}$")
_NUMBER = re.compile(r"^\d{1,4}$")
_HEADER_CHARS = frozenset("項番変更日目①②③④⑤⑥区分前後回の評価書記載提出時期に係る説明備考()（）・／/")
_RULE = re.compile(r"^[-=_:|+ ─━]*$")
Parsed = tuple[list[dict], set[int], int]  # rows, consumed line indexes, index where the table ended


def _compact(text: str) -> str:
    return _WS.sub("", nfkc(text))


def _column_key(label: str) -> str | None:
    """The legacy key of a printed column label (None: not a column of the 変更箇所 table)."""
    text = _compact(label)
    for needle, key in (("項番", "項番"), ("変更日", "変更日"), ("区分", "変更区分"), ("変更前", "変更前の記載"),
                        ("変更後", "変更後の記載"), ("説明", "提出時期に係る説明"), ("提出時期", "提出時期"),
                        ("備考", "備考")):
        if needle in text:
            return key
    if text.startswith("項目"):
        digit = re.search(r"[1-9]", text)
        return ITEM_PARTS[min(int(digit[0]), len(ITEM_PARTS)) - 1] if digit else "項目"
    return None


def _header_like(line: str) -> bool:
    text = _WS.sub("", line)
    return bool(text) and all(ch in _HEADER_CHARS for ch in text)


def _header_block(lines: Sequence[str], heading: int) -> int | None:
    """Index of the first body line after heading's header block, or None when no header follows."""
    text, j = "", heading + 1
    while j < len(lines) and (not lines[j].strip() or _header_like(lines[j]) or "\t" in lines[j] and not text):
        text += _compact(lines[j])
        j += 1
        if "\t" in lines[j - 1]:
            break  # a tab-separated header is one line
    return j if "変更日" in text and ("変更後" in text or "変更前" in text) else None


def _is_heading(line: str) -> bool:
    return len(line) < 40 and bool(_HEADING.match(_compact(line)))


def _source_lines(idxs: Sequence[int], lines: Sequence[str]) -> str:
    """'a-b' ranges (1-based) of the row's lines, leading and trailing blank lines left out."""
    used = [j for j in idxs if lines[j].strip()]
    if not used:
        return ""
    ranges, start, prev = [], used[0], used[0]
    for j in used[1:]:
        if any(lines[k].strip() for k in range(prev + 1, j)):
            ranges.append(f"{start + 1}-{prev + 1}")
            start = j
        prev = j
    ranges.append(f"{start + 1}-{prev + 1}")
    return ",".join(ranges)


def find_legacy_rows(lines: list[str]) -> tuple[list[dict], set[int]]:
    """The legacy rows of every 変更箇所 table in lines, and the 0-based indexes of the lines the tables consumed."""
    lines = [line.rstrip("\r\n") for line in lines]
    rows: list[dict] = []
    used: set[int] = set()
    j = 0
    while j < len(lines):
        if not _is_heading(lines[j]) or (body := _header_block(lines, j)) is None:
            j += 1
            continue
        header = [k for k in range(j + 1, body) if lines[k].strip()]
        parse = _tab_table if "\t" in lines[header[0]] else (
            _positional_table if any(re.search(r"\S {2,}\S", lines[k]) for k in header) else _flow_table)
        found, taken, end = parse(lines, j, header, body)
        if found:
            rows.extend(found)
            used |= taken | set(range(j, body))
        j = max(end, j + 1)
    return rows, used


# ---------------------------------------------------------------- tab-separated text (spreadsheet exports)

def _tab_keys(header_line: str) -> list[str | None]:
    return [_column_key(label) for label in header_line.split("\t")]


def _tab_table(lines: Sequence[str], heading: int, header: list[int], body: int) -> Parsed:
    """One row a line, cells split at tabs; a line with too few cells continues the row above."""
    keys = _tab_keys(lines[header[0]])
    header_key, heading_key = _compact(lines[header[0]]), _compact(lines[heading])
    rows: list[tuple[list[str], list[int]]] = []
    taken: set[int] = set()
    j = body
    for j in range(body, len(lines)):
        line = lines[j]
        if not line.strip() or _compact(line) in (header_key, heading_key) or _RULE.match(line.replace("\t", "")):
            taken.add(j)  # blank, repeated header or heading, rule line
            continue
        cells = line.split("\t")
        open_row = bool(rows) and len(rows[-1][0]) < len(keys)
        if len(cells) == 1 and not open_row:
            break  # text after the table
        if open_row and len(rows[-1][0]) + len(cells) - 1 <= len(keys):
            rows[-1][0][-1] += "\n" + cells[0]
            rows[-1][0].extend(cells[1:])
            rows[-1][1].append(j)
        else:
            rows.append((cells, [j]))
        taken.add(j)
    else:
        j = len(lines)
    return [_tab_row(cells, keys, idxs, lines) for cells, idxs in rows], taken, j


def _tab_row(cells: list[str], keys: list[str | None], idxs: list[int], lines: Sequence[str]) -> dict:
    row: dict = {key: "" for key in keys if key}
    last = next((key for key in keys if key), "項目")
    for k, cell in enumerate(cells):
        key = keys[k] if k < len(keys) and keys[k] else last  # unlabelled or extra cells join the cell before
        cell = cell.strip()
        if cell:
            row[key] = f"{row[key]}\n{cell}" if row.get(key) else cell
        last = key
    row[SOURCE_LINES] = _source_lines(idxs, lines)
    return row


# ---------------------------------------------------------------- PDF flow text (pdftotext without -layout)

def _flow_table(lines: Sequence[str], heading: int, header: list[int], body: int) -> Parsed:
    """Rows start at 項番 + 和暦; a row's lines run to the next row start, page heading or page number."""
    text = "".join(_compact(lines[k]) for k in header)
    cols = [key for key, label in (("項番", "項番"), ("変更日", "変更日"), ("変更区分", "区分"), ("備考", "備考"))
            if label in text]
    items = list(ITEM_PARTS) if re.search(r"項目[1-9]", text) else ["項目"]
    groups, taken, end = _flow_groups(lines, body, _compact(lines[heading]), "項番" in cols)
    return [_flow_row(lines, idxs, cols, items) for idxs in groups], taken, end


def _skip_page_header(lines: Sequence[str], j: int) -> int:
    """Index after a repeated heading at j and the header lines under it."""
    j += 1
    while j < len(lines) and (not lines[j].strip() or _header_like(lines[j])):
        j += 1
    return j


def _is_page_number(lines: Sequence[str], j: int) -> bool:
    if not _PAGE_NO.match(nfkc(lines[j]).strip()):
        return False
    nxt = next((line for line in lines[j + 1:j + 8] if line.strip()), None)
    return nxt is None or _is_heading(nxt)


def _row_start(line: str, complete: bool, numbered: bool = True) -> bool:
    """項番 + 和暦 (or + 項目①) opens a row, a leading date where there is no 項番; after a row's 提出時期,
    so do a lone date and an indented line."""
    toks = _SPACES.split(nfkc(line).strip())
    if numbered and len(toks) >= 2 and _NUMBER.match(toks[0]) and (_DATE.match(toks[1]) or starts_with_section(toks[1])):
        return True
    if not numbered and _DATE.match(toks[0]):
        return True
    return complete and (bool(_DATE.fullmatch(toks[0]) and len(toks) == 1) or line[:1] == " " and bool(line.strip()))


def _flow_groups(lines: Sequence[str], body: int, heading_key: str,
                 numbered: bool) -> tuple[list[list[int]], set[int], int]:
    groups: list[list[int]] = []
    taken: set[int] = set()
    complete, j = False, body
    while j < len(lines):
        line = lines[j]
        if _compact(line) == heading_key:
            taken.update(range(j, k := _skip_page_header(lines, j)))
            j = k
            continue
        if _is_heading(line) or complete and _NEXT_PART.match(_compact(line)):
            break
        if _is_page_number(lines, j):
            taken.add(j)
        elif _row_start(line, complete, numbered) or not groups:
            if not groups and not _row_start(line, True, numbered):
                break  # the heading's table has no rows (e.g. a pointer 「別紙４のとおり」)
            groups.append([j])
            complete = any(tok in TIMINGS for tok in _SPACES.split(line.strip()))
        else:
            groups[-1].append(j)
            complete = complete or any(tok in TIMINGS for tok in _SPACES.split(line.strip()))
        j += 1
    for group in groups:
        taken.update(group)
    return groups, taken, j


Piece = tuple[str, int, int, bool]  # text, line index, gap before it (0 newline, 1 space, 2 blank line), band line


def _pieces(lines: Sequence[str], idxs: Sequence[int]) -> list[Piece]:
    """Space-separated tokens of the row's lines; a line holding several tokens is a band of cells side by side."""
    out: list[Piece] = []
    gap = 2
    for j in idxs:
        toks = [tok for tok in _SPACES.split(lines[j].strip(" \t\r")) if tok]
        if not toks:
            gap = 2
            continue
        band = len(toks) > 1 or toks[0] in KINDS or toks[0] in TIMINGS
        out.extend((tok, j, gap if k == 0 else 1, band) for k, tok in enumerate(toks))
        gap = 1 if band else 0
    return out


def _join(pieces: Sequence[Piece]) -> str:
    return "".join(("\n", " ", "\n")[p[2]] + p[0] if k else p[0] for k, p in enumerate(pieces))


def _split(pieces: Sequence[Piece], strong: int) -> list[list[Piece]]:
    """Cells of a run of pieces: a new cell at each gap >= strong."""
    cells: list[list[Piece]] = []
    for k, piece in enumerate(pieces):
        if not cells or piece[2] >= strong:
            cells.append([])
        cells[-1].append(piece)
    return cells


def _head(pieces: list[Piece], cols: list[str]) -> tuple[dict, int]:
    """項番 and 変更日 at the start of a row, in either order."""
    head: dict = {}
    k = 0
    while k < len(pieces):
        text = nfkc(pieces[k][0])
        if "項番" in cols and "項番" not in head and _NUMBER.match(text):
            head["項番"] = pieces[k][0]
        elif "変更日" not in head and _DATE.fullmatch(text):
            head["変更日"] = pieces[k][0]
        else:
            break
        k += 1
    return head, k


def _flow_row(lines: Sequence[str], idxs: list[int], cols: list[str], items: list[str]) -> dict:
    pieces = _pieces(lines, idxs)
    row, k = _head(pieces, cols)
    kind = next((i for i in range(k, len(pieces)) if pieces[i][0] in KINDS), None) if "変更区分" in cols else None
    timing = next((i for i in range(len(pieces) - 1, (kind or k) - 1, -1) if pieces[i][0] in TIMINGS), None)
    item_end = kind if kind is not None else _first_block_end(pieces, k, timing)
    text_end = timing if timing is not None else len(pieces)
    parts = [_join(cell) for cell in _split(pieces[k:item_end], 1)]
    row.update(_item_cells(parts, items))
    if kind is not None:
        row["変更区分"] = pieces[kind][0]
    row.update(_before_after(pieces[item_end + (kind is not None):text_end]))
    row["提出時期"] = pieces[timing][0] if timing is not None else ""
    row["提出時期に係る説明"] = _join(pieces[timing + 1:]) if timing is not None else ""
    for key in ("項番", "変更日", "変更区分", "備考"):
        if key in cols:
            row.setdefault(key, "")
    row[SOURCE_LINES] = _source_lines(idxs, lines)
    return row


def _first_block_end(pieces: list[Piece], k: int, stop: int | None) -> int:
    """Without a 変更区分 anchor the 項目 is the first cell after the head."""
    cells = _split(pieces[k:stop], 1)
    return k + len(cells[0]) if cells else k


def _item_cells(parts: list[str], items: list[str]) -> dict:
    if len(items) == 1:
        return {items[0]: "\n".join(parts)}
    row = {key: "" for key in items}
    for key, part in zip(items, parts):
        row[key] = part
    if len(parts) > len(items):  # more printed sub-cells than columns: the last column holds them, " > " joined
        row[items[-1]] = " > ".join(parts[len(items) - 1:])
    return row


def _before_after(pieces: list[Piece]) -> dict:
    """変更前 | 変更後: cells split at blank lines and band spaces; a lone cell is the 変更後."""
    cells = _split(pieces, 2) if any(p[2] == 2 for p in pieces[1:]) else _split(pieces, 1)
    if len(cells) > 2:
        cut = _best_cut(cells)
        cells = [sum(cells[:cut], []), sum(cells[cut:], [])]
    before = _join(cells[0]) if len(cells) == 2 else ""
    after = _join(cells[-1]) if cells else ""
    return {"変更前の記載": before, "変更後の記載": after}


def _best_cut(cells: list[list[Piece]]) -> int:
    """Where 変更後 starts among more than two cells: at a cell opening with 左記 (it points at 変更前), after
    the last cell naming 右記 (it points at 変更後), else at the most even split of the text."""
    texts = [_compact(_join(cell)) for cell in cells]
    if left := [c for c in range(1, len(cells)) if texts[c].startswith("左記")]:
        return left[0]
    if right := [c + 1 for c in range(len(cells) - 1) if "右記" in texts[c]]:
        return right[-1]
    sizes = [len(text) for text in texts]
    return min(range(1, len(cells)), key=lambda c: abs(sum(sizes) - 2 * sum(sizes[:c])))


# ---------------------------------------------------------------- PDF layout text (pdftotext -layout)

_SEGMENT = re.compile(r"[^ ]+(?: [^ ]+)*")  # text runs separated by two or more spaces


def _segments(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the line's runs, in display columns (wide characters count 2)."""
    line = line.replace("\t", "  ")  # measure the same string the runs are found in
    cols, width = [], 0
    for ch in line:
        cols.append(width)
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    cols.append(width)
    return [(cols[m.start()], cols[m.end()], m[0]) for m in _SEGMENT.finditer(line)]


def _layout_columns(lines: Sequence[str], header: list[int]) -> tuple[list[int], list[str | None]]:
    """Column cut points (a cell's text starts right of the label before it) and keys, from the header lines."""
    main = max(header, key=lambda k: len(_segments(lines[k])))
    labels = [[start, end, text] for start, end, text in _segments(lines[main])]
    for k in header:  # labels wrapped onto other header lines join the label they sit under
        for start, end, text in _segments(lines[k]) if k != main else ():
            near = min(labels, key=lambda lab: abs((lab[0] + lab[1]) - (start + end)))
            near[2] = near[2] + text if k > main else text + near[2]
    cuts = [0] + [labels[i - 1][1] for i in range(1, len(labels))]
    return cuts, [_column_key(text) for _, _, text in labels]


def _positional_table(lines: Sequence[str], heading: int, header: list[int], body: int) -> Parsed:
    """Cells cut at the header's columns; a row starts where the first column holds a 項番 or date."""
    cuts, keys = _layout_columns(lines, header)
    skip = {_compact(lines[k]) for k in [heading, *header]}
    rows: list[tuple[list[str], list[int]]] = []
    taken: set[int] = set()
    j = body
    for j in range(body, len(lines)):
        line = lines[j]
        if not line.strip() or _compact(line) in skip or _RULE.match(line) or _is_page_number(lines, j):
            taken.add(j)
            continue
        if _is_heading(line) or rows and _NEXT_PART.match(_compact(line)):
            break  # another table or the next 別添
        cells = [""] * len(keys)
        for start, _, text in _segments(line):
            i = max(i for i, cut in enumerate(cuts) if start >= cut or i == 0)
            cells[i] = f"{cells[i]} {text}".strip()
        starts = bool(_NUMBER.match(first := _compact(cells[0])) or _DATE.match(first))
        if not rows and not starts:
            break  # no rows under this header
        if starts:
            rows.append(([""] * len(keys), []))
        row_cells, idxs = rows[-1]
        for i, cell in enumerate(cells):
            if cell:
                row_cells[i] = f"{row_cells[i]}\n{cell}" if row_cells[i] else cell
        idxs.append(j)
        taken.add(j)
    else:
        j = len(lines)
    return [_tab_row(cells, keys, idxs, lines) for cells, idxs in rows], taken, j
