"""xlsx that looks like the official （別添）変更箇所: one sheet per assessment, ready to print.

The bytes are deterministic (fixed document dates and zip timestamps), so regenerating an
unchanged table gives an unchanged file in git.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pia_changes.table.rows import Row, Table
from pia_changes.render.columns import PrintedRow, headers, pieces, printed_rows, span_columns
from pia_changes.render.xlsxfit import CONTINUED, SheetRow, fit_row, height_for, wrapped_lines

TITLE = "（別添）変更箇所"
FONT_NAME = "游ゴシック"
FONT_SIZE = 10
HEADER_ROW = 2
WIDTHS = {"項番": 6, "変更日": 16, "項目": 30, "項目①": 8, "項目②": 18, "項目③": 18, "項目④": 24,
          "変更区分": 8, "変更前の記載": 48, "変更後の記載": 48, "提出時期": 8,
          "提出時期に係る説明": 30, "備考": 16}
_SIDE = Side(style="thin", color="000000")
_DOTTED = Side(style="dotted", color="000000")  # between a row and its 「（続き）」 rows
_BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)
_HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9D9D9", end_color="FFD9D9D9")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_EPOCH = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def render(tables: list[Table], *, layout: str = "standard", gannen: bool = True) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(sheet_title(table, used))
        _fill_sheet(ws, table, layout, gannen)
    if not tables:
        wb.create_sheet(TITLE)
    stamp = _stamp(tables)
    wb.properties.creator = "pia-changes"
    wb.properties.title = TITLE
    wb.properties.created = wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(buf.getvalue(), stamp)


def sheet_title(table: Table, used: set[str]) -> str:
    """Excel's rules: ≤31 characters, none of []:*?/\\, no leading/trailing ', unique ignoring case."""
    base = _BAD_SHEET_CHARS.sub("_", table.title or table.assessment).strip().strip("'") or "Sheet"
    title, n = base[:31], 1
    while title.casefold() in used or title.casefold() == "history":
        n += 1
        suffix = f"({n})"
        title = base[:31 - len(suffix)] + suffix
    used.add(title.casefold())
    return title


def _fill_sheet(ws: Worksheet, table: Table, layout: str, gannen: bool) -> None:
    cols = headers(layout)
    last = get_column_letter(len(cols))
    widths = [WIDTHS.get(name, 14) for name in cols]
    _title_row(ws, table, len(cols))
    for i, name in enumerate(cols, start=1):
        c = ws.cell(row=HEADER_ROW, column=i, value=name)
        c.font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
        c.fill = _HEADER_FILL
        c.border = _BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]
    ws.row_dimensions[HEADER_ROW].height = height_for(
        max(wrapped_lines(name, w) for name, w in zip(cols, widths)), FONT_SIZE)
    spans = span_columns(layout)
    marker = cols.index("項目" if "項目" in cols else "項目①")
    r = HEADER_ROW + 1
    for printed in printed_rows(table, layout, gannen=gannen):
        sheet_rows = fit_row(printed.cells, widths, FONT_SIZE, marker)
        for k, sheet_row in enumerate(sheet_rows):
            _data_row(ws, r, printed, sheet_row, spans, (k > 0, k < len(sheet_rows) - 1))
            r += 1
    _page_setup(ws, layout, f"A1:{last}{max(r - 1, HEADER_ROW)}")


def _page_setup(ws: Worksheet, layout: str, area: str) -> None:
    """Landscape, fit to the paper's width, the header row on every page: the extended layout's
    twelve columns go on A3 so that its 10 pt text is not printed at 6 pt."""
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = area
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if layout == "extended" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "&P / &N"


def _title_row(ws: Worksheet, table: Table, width: int) -> None:
    ws.cell(row=1, column=1, value=TITLE).font = Font(name=FONT_NAME, size=12, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    ws.cell(row=1, column=3, value=table.title).font = Font(name=FONT_NAME, size=12)
    if width > 3:
        ws.merge_cells(start_row=1, start_column=3, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 24


def _data_row(ws: Worksheet, r: int, printed: PrintedRow, sheet_row: SheetRow,
              spans: dict[int, str], joined: tuple[bool, bool]) -> None:
    """One worksheet row: each cell's piece of its text (all of it unless the row continues), the
    「（続き）」 marker on a continuation row, dotted lines where a row continues (JOINED: above,
    below)."""
    font = Font(name=FONT_NAME, size=FONT_SIZE)
    border = Border(left=_SIDE, right=_SIDE, top=_DOTTED if joined[0] else _SIDE,
                    bottom=_DOTTED if joined[1] else _SIDE)
    for i, text in enumerate(printed.cells):
        piece = sheet_row.ranges[i]
        if piece is not None:
            value: str | CellRichText | None = _value(text, printed.row, spans.get(i), piece)
        else:
            value = CONTINUED if i == sheet_row.marker else None
        c = ws.cell(row=r, column=i + 1, value=value)
        c.font = font
        c.border = border
        c.alignment = Alignment(vertical="top", wrap_text=True)
        c.number_format = "@"
    ws.row_dimensions[r].height = sheet_row.height


def _value(text: str, row: Row, side: str | None, piece: tuple[int, int]) -> str | CellRichText:
    """The piece's plain text, or rich text with the changed spans underlined (as printed 別添
    often do)."""
    start, end = piece
    parts, pos = [], 0
    for part, changed in pieces(text, row, side):
        lo, hi = max(pos, start), min(pos + len(part), end)
        if lo < hi:
            parts.append((text[lo:hi], changed))
        pos += len(part)
    if not any(changed for _, changed in parts):
        return text[start:end]
    underline = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, u="single")
    return CellRichText([TextBlock(underline, t) if changed else t for t, changed in parts])


def _stamp(tables: list[Table]) -> dt.datetime:
    """The document's date: its latest 変更日, so the file says when it was last true."""
    days = [r.change_date for t in tables for r in t.rows if r.change_date is not None]
    return dt.datetime.combine(max(days), dt.time()) if days else _EPOCH


def _deterministic(data: bytes, stamp: dt.datetime) -> bytes:
    """openpyxl stamps `modified` with now and zip entries with the clock: pin both."""
    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + modified + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, body)
    return out.getvalue()
