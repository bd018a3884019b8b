"""csv and tsv for spreadsheets: a Japanese header row, ISO dates, CRLF, an optional BOM for Excel."""
from __future__ import annotations

import csv
import io

from pia_changes.errors import UsageError
from pia_changes.table.rows import Table
from pia_changes.render.columns import headers, printed_rows

BOM = "\ufeff"


def render(tables: list[Table], *, layout: str = "standard", bom: bool = False,
           delimiter: str = ",") -> bytes:
    """One assessment per file: a csv has no room for a heading between two tables."""
    if len(tables) > 1:
        raise UsageError("複数の評価書を csv/tsv にするには FILE を指定してください")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers(layout))
    for table in tables:
        writer.writerows(p.cells for p in printed_rows(table, layout, wareki=False))
    return ((BOM if bom else "") + out.getvalue()).encode("utf-8")
