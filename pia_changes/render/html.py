"""A single self-contained HTML page: one table per assessment, 重要な変更 highlighted.

Document text is untrusted (it comes from published PDFs and staff edits): every piece of it
goes through html.escape, and the page's Content-Security-Policy forbids scripts anyway.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from pia_changes.table.rows import Row, Table
from pia_changes.table.findings import finding_text
from pia_changes.render.columns import (PrintedRow, heading, headers, note_lines, pieces, printed_rows,
                      span_columns)

TITLE = "（別添）変更箇所"
STYLE = """
body { font-family: "Hiragino Kaku Gothic ProN", "Yu Gothic", "Meiryo", sans-serif; margin: 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #888; padding: 0.3em 0.4em; vertical-align: top;
         white-space: pre-wrap; overflow-wrap: anywhere; }
th { background: #d9d9d9; }
tr.important td { background: #fde2e2; }
tr.review td:first-child { border-left: 4px solid #e0a800; }
mark { background: #fff3a0; }
.legend, .note { font-size: 0.9em; }
.findings .error { color: #b00020; }
.findings .warning { color: #8a6d00; }
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def render(tables: list[Table], *, layout: str = "standard", gannen: bool = True) -> bytes:
    parts = [
        "<!DOCTYPE html>", '<html lang="ja">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(TITLE)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>{escape(TITLE)}</h1>",
        '<p class="legend">色付きの行は重要な変更、左端に印のある行は要確認、'
        "<mark>強調</mark>は変更された部分です。</p>",
    ]
    for table in tables:
        parts += table_section(table, layout, gannen)
    parts += ["</body>", "</html>"]
    return ("\n".join(parts) + "\n").encode("utf-8")


def table_section(table: Table, layout: str, gannen: bool,
                  row_attrs: Callable[[Row], dict[str, str]] | None = None,
                  title: str | None = None, with_findings: bool = True) -> list[str]:
    """One assessment's table as HTML lines. The report adds attributes to rows (its filters)
    with ROW_ATTRS and its own heading with TITLE."""
    out = ["<section>", f"<h2>{escape(heading(table) if title is None else title)}</h2>"]
    out += [f'<p class="note">{escape(n)}</p>' for n in note_lines(table)]
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers(layout))
    out += ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    spans = span_columns(layout)
    out += [_row(p, spans, row_attrs(p.row) if row_attrs else {})
            for p in printed_rows(table, layout, gannen=gannen)]
    out += ["</tbody>", "</table>"]
    if not table.rows:
        out.append('<p class="note">変更箇所はありません。</p>')
    if table.findings and with_findings:
        out += ["<h3>指摘事項</h3>", '<ul class="findings">']
        out += [f'<li class="{escape(f.level)}">{escape(finding_text(f))}</li>'
                for f in table.findings]
        out.append("</ul>")
    out.append("</section>")
    return out


def _row(printed: PrintedRow, spans: dict[int, str], attrs: dict[str, str]) -> str:
    row = printed.row
    cells = "".join(f"<td>{_cell(text, row, spans.get(i))}</td>"
                    for i, text in enumerate(printed.cells))
    classes = [c for c, on in (("important", row.important), ("review", row.needs_review),
                               ("moved", row.moved), ("legacy", row.source == "legacy")) if on]
    title = ' title="重要な変更"' if row.important else ""
    extra = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
    return f'<tr class="{" ".join(classes)}"{title}{extra}>{cells}</tr>'


def _cell(text: str, row: Row, side: str | None) -> str:
    return "".join(f"<mark>{escape(t)}</mark>" if changed else escape(t)
                   for t, changed in pieces(text, row, side))
