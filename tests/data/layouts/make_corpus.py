"""The layout robustness corpus: the published 変更箇所 rows of the seeds re-flowed as PDF flow text.

    python tests/data/layouts/make_corpus.py          # (re)write tests/data/layouts/*.txt and *.expected.jsonl
    python tests/data/layouts/make_corpus.py --check  # exit 1 when a committed file differs from what it makes

Why: the importer was built on three seeds, and every published 評価書 that nobody here has seen comes in a
layout of its own (issue #26). The seeds hold many things fixed that other documents vary: cell widths,
the order in which a PDF's text boxes come out, blank lines between cells, page breaks inside rows, digit
widths, eras. Each layout below varies some of them, over the rows that tests/data/published_changes.jsonl
publishes for 000 (長野市), 004 (川口市) and 001 (墨田区's 別紙4, re-printed as the standard six columns).

The page model is that of a word processor's table printed to PDF and read back without -layout: a row
that does not fit the page is cut, each of its cells keeping the lines that fit and continuing at the top
of the next page, under the repeated header and after the page number. Randomness (page lengths, whether
a row is cut or moved) is seeded per layout: the output is the same on every run, and the test
(tests/test_import_layouts.py) regenerates it to prove the files and this script agree. Only the standard
library is used, so the corpus does not move when the code under test does.

<name>.expected.jsonl holds, per row, the six printed columns as this script printed them (before wrapping):
the published cells after the layout's own changes (digit width, era, numbered 説明), HTML turned to text.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
SEEDS = {"000": "000_927f6452a1ee0b1f.txt", "001": "001_0fa97ec629ceb12e.txt", "004": "004_a91eed273516a844.txt"}
COLUMNS = ("date", "item", "before", "after", "timing", "reason")
EXPECTED_KEYS = {"date": "date_raw", "item": "item_raw", "before": "before", "after": "after", "timing": "timing",
                 "reason": "timing_reason"}
LABELS = {"date": "変更日", "item": "項目", "before": "変更前の記載", "after": "変更後の記載", "timing": "提出時期",
          "reason": "提出時期に係る説明"}
REASON_FIRST = ("reason", "date", "item", "before", "after", "timing")
MIXED = ("mixed",)  # each row in columns order or 説明 first, drawn per row


@dataclass(frozen=True)
class Layout:
    """One way of printing a table. Widths are in characters of a full-width font (a half-width one is half)."""
    name: str
    source: str  # 000, 004 or 001
    seed: int
    width: int = 18
    widths: dict = field(default_factory=dict)  # per column, over `width`
    order: tuple = COLUMNS  # or REASON_FIRST, or MIXED
    blank: bool = True  # a blank line between cells (pdftotext's blocks); False: only a line break
    join: str = ""  # "short": one-line cells side by side share a line; "timing": 提出時期 shares the 説明's first line
    page_lines: tuple = (38, 52)  # lines a page holds, drawn per page
    cut: float = 0.7  # chance that a row which does not fit is cut rather than moved to the next page
    full_digits: bool = False
    date_shift: int = 0  # years
    seireki: bool = False
    numbered: bool = False  # 「③その他の項目の変更であり事前の提出・公表が義務づけられない。」
    body: bool = False
    header_wrapped: bool = False  # header cells wrapped like row cells, one block each
    running_head: bool = False  # the document's title atop every page, above the repeated header
    page_no: str = "{n} / {total} ページ"


LAYOUTS = (
    Layout("000_w12_columns", "000", 1, width=12),
    Layout("000_w18_reason_first_tight", "000", 2, order=REASON_FIRST, blank=False, numbered=True,
           full_digits=True),
    Layout("000_w25_short_joined_body", "000", 3, width=25, join="short", body=True, date_shift=-6),
    Layout("000_w18_timing_reason_last", "000", 4, join="timing", blank=False, seireki=True, page_no="- {n} -"),
    Layout("004_w12_reason_first", "004", 5, width=12, order=REASON_FIRST, full_digits=True, numbered=True),
    Layout("004_w18_columns_tight", "004", 6, blank=False, date_shift=-3, header_wrapped=True),
    Layout("004_w25_short_joined_tight", "004", 7, width=25, join="short", blank=False),
    Layout("004_w18_timing_reason_last_body", "004", 8, join="timing", body=True),
    Layout("004_mixed_widths_tight", "004", 9, widths={"item": 12, "before": 25, "after": 25, "reason": 12},
           blank=False, numbered=True),
    Layout("001_w18_columns", "001", 10),
    Layout("001_w25_reason_first_tight", "001", 11, width=25, order=REASON_FIRST, blank=False),
    Layout("001_w12_short_joined", "001", 12, width=12, join="short", full_digits=True, numbered=True),
    Layout("004_w25_running_head", "004", 13, width=25, running_head=True, page_no="- {n} -"),
    Layout("000_w12_running_head_tight", "000", 14, width=12, blank=False, running_head=True),
    Layout("004_w18_mixed_order", "004", 15, order=MIXED),
    Layout("001_w25_mixed_order", "001", 16, width=25, order=MIXED),
)


# ---------------------------------------------------------------- cells

_BREAK = re.compile(r"<br\s*/?>|</p\s*>|<li\b[^>]*>|</tr\s*>|</h[1-6]\s*>|</div\s*>", re.I)
_CHECKED = re.compile(r"(?:\[\s*)?<input\b[^>]*\bchecked\b[^>]*/?>(?:\s*\])?", re.I)
_UNCHECKED = re.compile(r"(?:\[\s*)?<input\b[^>]*/?>(?:\s*\])?", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_WAREKI = re.compile(r"^(令和|平成)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日$")
ERAS = (("令和", dt.date(2019, 5, 1)), ("平成", dt.date(1989, 1, 8)))


def html_text(value: str) -> str:
    """A cell as a PDF prints it: HTML line breaks kept as lines, tags dropped, check boxes as marks."""
    text = _UNCHECKED.sub("[ ]", _CHECKED.sub("[○]", value))
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def full_width_digits(text: str) -> str:
    return text.translate({ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"})


def redate(raw: str, layout: Layout) -> str:
    """The 変更日 moved by date_shift years and printed as 和暦 (元年 for a first year) or 西暦."""
    m = _WAREKI.match(raw)
    if not m or not (layout.date_shift or layout.seireki):
        return raw
    start = dict(ERAS)[m[1]]
    day = dt.date(start.year + (1 if m[2] == "元" else int(m[2])) - 1 + layout.date_shift, int(m[3]), int(m[4]))
    if layout.seireki:
        return f"{day.year}年{day.month}月{day.day}日"
    for name, first in ERAS:
        if day >= first:
            year = day.year - first.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return raw


def numbered_reason(text: str) -> str:
    """説明 numbered by the kind of reason, as some municipalities print them; the wording varied as they vary it."""
    if not text:
        return text
    text = text.replace("義務付けられない", "義務づけられない").replace("変更であり、事前", "変更であり事前")
    if "義務" in text:
        return "③" + text
    if any(word in text for word in ("当たらない", "あたらない", "該当しない")):
        return "②" + text
    return "①" + text if "重要な変更" in text else text


def printed_row(pub: dict, layout: Layout) -> dict:
    """The six cells of a published row as LAYOUT prints them (text, line breaks kept, before wrapping)."""
    item = pub["item_raw"].replace(" > ", "　") if layout.source == "001" else pub["item_raw"]
    cells = {"date": redate(pub["date_raw"], layout), "item": item, "before": pub["before"], "after": pub["after"],
             "timing": pub["timing"], "reason": pub["timing_reason"]}
    cells = {key: html_text(value) for key, value in cells.items()}
    if layout.numbered:
        cells["reason"] = numbered_reason(cells["reason"])
    if layout.full_digits:
        cells = {key: full_width_digits(value) for key, value in cells.items()}
    return cells


# ---------------------------------------------------------------- wrapping

_NO_START = set("、。，．）」』】〕,.)]")  # kinsoku: these never begin a line; they hang on the line before
_WORD = re.compile(r"[A-Za-z0-9@:/._\-]+|.", re.S)


def _cols(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most WIDTH full-width characters; Latin words move whole to the next line when they fit one."""
    limit = 2 * width
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in _WORD.findall(paragraph):
            pieces = [word] if _cols(word) <= limit else list(word)
            for piece in pieces:
                if line and _cols(line + piece) > limit and piece not in _NO_START:
                    out.append(line.strip())
                    line = ""
                line += piece
        if line.strip():
            out.append(line.strip())
    return out


def width_of(layout: Layout, column: str) -> int:
    return layout.widths.get(column, layout.width)


# ---------------------------------------------------------------- pages

@dataclass
class Page:
    rows: list = field(default_factory=list)  # per part: {column: lines}
    used: int = 0


def paginate(rows: list[dict], layout: Layout, rng: random.Random) -> list[Page]:
    """Rows into pages: a row that does not fit is cut (each cell keeps the lines that fit) or moved whole."""
    pages = [Page()]
    capacity = rng.randint(*layout.page_lines)
    sides = random.Random(layout.seed * 7919)  # a stream of its own: the other layouts' pages stay as they were
    for row in rows:
        cells = {col: wrap(row[col], width_of(layout, col)) for col in COLUMNS}
        order = sides.choice((COLUMNS, REASON_FIRST)) if layout.order == MIXED else layout.order
        while cells:
            height = max(len(lines) for lines in cells.values()) + 1
            room = capacity - pages[-1].used
            if height <= room:
                pages[-1].rows.append((order, cells))
                pages[-1].used += height
                break
            if room < 4 or (height <= capacity and rng.random() > layout.cut):
                pages.append(Page())
                capacity = rng.randint(*layout.page_lines)
                continue
            keep = room - 1
            pages[-1].rows.append((order, {col: lines[:keep] for col, lines in cells.items()}))
            cells = {col: lines[keep:] for col, lines in cells.items() if len(lines) > keep}
            pages.append(Page())
            capacity = rng.randint(*layout.page_lines)
    return pages


def render_part(cells: dict, layout: Layout, order: tuple) -> list[str]:
    """One row's part on one page: its cells as text blocks in ORDER."""
    blocks: list[list[str]] = []
    order = [col for col in order if cells.get(col)]
    for col in order:
        lines = list(cells[col])
        if blocks and layout.join == "short" and len(lines) == 1 and len(blocks[-1]) == 1 and blocks[-1][0] != "":
            blocks[-1] = [blocks[-1][0] + " " + lines[0]]
            continue
        if blocks and layout.join == "timing" and col == "reason" and order[order.index(col) - 1] == "timing":
            blocks[-1] = [blocks[-1][0] + " " + lines[0]]
            blocks[-1].extend(lines[1:])
            continue
        blocks.append(lines)
    out: list[str] = []
    for block in blocks:
        if out and layout.blank:
            out.append("")
        out.extend(block)
    return out


def header_lines(layout: Layout) -> list[str]:
    labels = [LABELS[col] for col in (COLUMNS if layout.order == MIXED else layout.order)]
    if layout.header_wrapped:
        return [line for label in labels for line in wrap(label, min(width_of(layout, "date"), 6))]
    if labels[0] == LABELS["reason"]:  # the 説明's box comes out glued to the first row's: 「…説明変更日 項目 …」
        return [labels[0] + " ".join(labels[1:])]
    return [" ".join(labels)]


# ---------------------------------------------------------------- documents

def seed_lines(source: str) -> list[str]:
    return (DATA / SEEDS[source]).read_text(encoding="utf-8").split("\n")


def parts_of(source: str) -> tuple[list[str], list[str], str]:
    """The seed's cover (up to the contents' 変更箇所 line), its body, and the table's own heading."""
    lines = seed_lines(source)
    marks = [j for j, line in enumerate(lines) if "変更箇所" in line and len(line.strip()) < 20]
    cover_end, heading = marks[0] + 1, marks[-1]
    if source == "001":  # its 別紙4 is printed after the body; the six-column table takes the 別添 heading
        heading = next(j for j in marks if "別添" in lines[j] and j > cover_end)
    return lines[:cover_end], lines[cover_end:heading], lines[heading].strip()


def reflow(lines: list[str], layout: Layout) -> list[str]:
    """Tab-separated seed text as flow text: each cell a block of wrapped lines."""
    out: list[str] = []
    for line in lines:
        for cell in line.split("\t"):
            text = html_text(cell)
            if text:
                out.extend(wrap(full_width_digits(text) if layout.full_digits else text, layout.width))
                if layout.blank:
                    out.append("")
    return out


def paged(lines: list[str], first: int, total: int, layout: Layout, rng: random.Random) -> tuple[list[str], int]:
    """Body lines cut into pages, each closed by its page number; returns the lines and the next page number."""
    out: list[str] = []
    n, j = first, 0
    while j < len(lines):
        size = rng.randint(*layout.page_lines)
        out.extend(lines[j:j + size])
        out.extend(["", layout.page_no.format(n=n, total=total), ""])
        n, j = n + 1, j + size
    return out, n


def render(layout: Layout) -> tuple[str, list[dict]]:
    """The layout's text and its expected rows."""
    rng = random.Random(layout.seed)
    pubs = [row for row in map(json.loads, (DATA / "published_changes.jsonl").read_text(encoding="utf-8").splitlines())
            if row["seed"] == SEEDS[layout.source]]
    rows = [printed_row(pub, layout) for pub in pubs]
    cover, body, heading = parts_of(layout.source)
    pages = paginate(rows, layout, rng)
    body_text = reflow(body, layout) if layout.body else []
    body_pages = -(-len(body_text) // layout.page_lines[0]) if body_text else 0
    first = 2 + body_pages
    total = first + len(pages) + rng.randint(0, 3)  # the page count the footer states (an upper bound is enough)
    out = [line for line in reflow(cover, replace(layout, blank=True))] + ["", layout.page_no.format(n=1, total=total), ""]
    body_out, first = paged(body_text, 2, total, layout, rng)
    out.extend(body_out)
    title = f"{pubs[0]['municipality']} {pubs[0]['business']} {pubs[0]['form']}評価書"
    for n, page in enumerate(pages, first):
        out.extend([title] if layout.running_head else [])
        out.extend([heading] if n == first else [])
        out.extend(header_lines(layout))
        for order, part in page.rows:
            out.extend([""] if layout.blank else [])
            out.extend(render_part(part, layout, order))
        out.extend(["", layout.page_no.format(n=n, total=total), ""])
    expected = [{"row_no": pub["row_no"], **{EXPECTED_KEYS[col]: row[col] for col in COLUMNS}}
                for pub, row in zip(pubs, rows)]
    return "\n".join(out).rstrip("\n") + "\n", expected


def outputs() -> dict[Path, str]:
    """Every file of the corpus, by path, with the text it must hold."""
    files: dict[Path, str] = {}
    for layout in LAYOUTS:
        text, expected = render(layout)
        files[HERE / f"{layout.name}.txt"] = text
        files[HERE / f"{layout.name}.expected.jsonl"] = "".join(
            json.dumps(row, ensure_ascii=False) + "\n" for row in expected)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    files = outputs()
    if args.check:
        stale = [path.name for path, text in files.items()
                 if not path.exists() or path.read_text(encoding="utf-8") != text]
        print("\n".join(stale) if stale else f"{len(files)} files up to date")
        return 1 if stale else 0
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
