"""The two printed layouts of the 変更箇所 table: header names and the cells of each row.

Every renderer except json asks this module, so a layout is decided in one place
(Decisions: Extended layout, 和暦, Legacy rows).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pia_changes.errors import UsageError
from pia_changes.table.rows import Row, Table
from pia_changes.text.normalise import html_to_text, nfkc
from pia_changes.text.wareki import format_wareki
from pia_changes.forms.labelpath import LABEL_JOIN
from pia_changes.forms.numbering import leading_numeral_text

STANDARD = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")
EXTENDED = ("項番", "変更日", "項目①", "項目②", "項目③", "項目④", "変更区分",
            "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明", "備考")
LAYOUTS = {"standard": STANDARD, "extended": EXTENDED}
SEPARATOR = LABEL_JOIN  # how legacy.item_raw joins an extended table's 項目①–④

_ANNEX = re.compile(r"^[\s（(【\[]*(別添\s*[0-9０-９]*)")
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class PrintedRow:
    """One row as printed: the cells in the layout's column order, beside the Row they come from."""

    row: Row
    cells: tuple[str, ...]


def headers(layout: str) -> tuple[str, ...]:
    try:
        return LAYOUTS[layout]
    except KeyError:
        raise UsageError(f"未知のレイアウトです: {layout}（standard・extended のいずれか）") from None


def span_columns(layout: str) -> dict[int, str]:
    """Column index → "before"/"after": the cells that `Row.spans` offsets point into."""
    cols = headers(layout)
    return {cols.index("変更前の記載"): "before", cols.index("変更後の記載"): "after"}


def printed_rows(table: Table, layout: str = "standard", *, wareki: bool = True,
                 gannen: bool = True) -> list[PrintedRow]:
    """The table's rows as cells; wareki=False prints ISO dates (csv)."""
    headers(layout)
    dates = [date_cell(r, wareki=wareki, gannen=gannen) for r in table.rows]
    if layout == "standard":
        return [PrintedRow(r, (d, r.item, text_cell(r, "before"), text_cell(r, "after"),
                               r.timing, r.timing_reason))
                for r, d in zip(table.rows, dates)]
    numbers = kouban_cells(table.rows)
    return [PrintedRow(r, (n, d, *item_cells(r), kind_cell(r), text_cell(r, "before"),
                           text_cell(r, "after"), r.timing, r.timing_reason, note_cell(r)))
            for r, d, n in zip(table.rows, dates, numbers)]


def date_cell(row: Row, *, wareki: bool = True, gannen: bool = True) -> str:
    """和暦 or ISO; a legacy row without a readable date prints its 変更日 as published."""
    if row.change_date is not None:
        return format_wareki(row.change_date, gannen) if wareki else row.change_date.isoformat()
    return _printed(row, "date_raw")


def text_cell(row: Row, key: str) -> str:
    """変更前/変更後: a legacy cell's HTML becomes text (line breaks kept); git text as computed,
    so that `spans` still point into it."""
    if row.source == "legacy":
        raw = (row.legacy or {}).get(key)
        if raw is None:
            raw = getattr(row, key)
        return "" if raw is None else html_to_text(str(raw))
    value = getattr(row, key)
    return "" if value is None else value


def pieces(text: str, row: Row, side: str | None) -> list[tuple[str, bool]]:
    """A cell cut at its changed spans: (text, changed) pieces, for html <mark> and xlsx underline.
    Only a computed row's 変更前/変更後 have spans; overlapping or out-of-range ones are clipped."""
    ranges = ((row.spans or {}).get(side) or []) if side and row.source == "git" else []
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted((max(s, 0), min(e, len(text))) for s, e in ranges):
        start = max(start, pos)
        if start >= end:
            continue
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def section_cell(label: str) -> str:
    """項目①: the section's numeral (Ⅰ…Ⅵ) or 別添N, as 墨田区 prints it; else the whole label."""
    if numeral := leading_numeral_text(label):
        return numeral
    if m := _ANNEX.match(label):
        return m[1].replace(" ", "")
    return label


def item_cells(row: Row) -> tuple[str, str, str, str]:
    """項目①–④. ② and ③ are the two levels under the section (in Ⅱ–Ⅳ the first is the file
    entry), ④ the item with any deeper levels before it."""
    if row.source == "legacy" or not row.labels:
        return _legacy_item_cells(row)
    first, *rest = row.labels
    if not rest:
        return (section_cell(first), "", "", "")
    *middle, item = rest
    second = middle[0] if middle else ""
    third = middle[1] if len(middle) > 1 else ""
    return (section_cell(first), second, third, SEPARATOR.join((*middle[2:], item)))


def _legacy_item_cells(row: Row) -> tuple[str, str, str, str]:
    raw = (row.legacy or {}).get("item_raw")
    text = row.item if raw is None else _text(raw)
    if not _from_extended(row):
        return (text, "", "", "")
    parts = text.split(SEPARATOR)
    if len(parts) > 4:
        parts = parts[:3] + [SEPARATOR.join(parts[3:])]
    parts += [""] * (4 - len(parts))
    return (parts[0], parts[1], parts[2], parts[3])


def _from_extended(row: Row) -> bool:
    """Only an extended table prints 項番, 変更区分 and 備考; its item_raw is the join of ①–④."""
    legacy = row.legacy or {}
    return any(legacy.get(k) not in (None, "") for k in ("kouban", "change_kind", "note"))


def kouban_cells(rows: tuple[Row, ...]) -> list[str]:
    """項番: legacy rows as printed; computed rows continue from the highest numeric one."""
    numbers = [_number(r.legacy.get("kouban")) for r in rows if r.source == "legacy" and r.legacy]
    numbers += [_number(r.kouban) for r in rows]
    following = max((n for n in numbers if n is not None), default=0) + 1
    out: list[str] = []
    for row in rows:
        if row.source == "legacy":
            out.append(_printed(row, "kouban") or (row.kouban or ""))
        elif row.kouban:
            out.append(row.kouban)
        else:
            out.append(str(following))
            following += 1
    return out


def kind_cell(row: Row) -> str:
    if row.source == "legacy":
        return _printed(row, "change_kind") or row.kind
    return row.kind


def note_cell(row: Row) -> str:
    """備考: a legacy row's as printed; a computed row notes a pure reorder."""
    if row.source == "legacy":
        return _printed(row, "note")
    return "並び順の変更" if row.moved else ""


def note_lines(table: Table) -> list[str]:
    """Lines printed above a table: how far back the history is complete, and the table's notes."""
    lines = []
    if table.complete_since is not None:
        lines.append(f"履歴は {table.complete_since.isoformat()} 以降のみ完全です。")
    return lines + list(table.notes)


def heading(table: Table) -> str:
    return f"{table.title}（{table.assessment}）"


def _printed(row: Row, key: str) -> str:
    value = (row.legacy or {}).get(key)
    return "" if value is None else _text(value)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    text = nfkc(_text(value)).strip()
    return int(text) if _DIGITS.match(text) else None
