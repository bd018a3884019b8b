"""Markdown: one section per assessment, a GitHub table, the findings under it."""
from __future__ import annotations

import re

from pia_changes.table.rows import Table
from pia_changes.table.findings import finding_text
from pia_changes.render.columns import heading, headers, note_lines, printed_rows

TITLE = "（別添）変更箇所"
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def render(tables: list[Table], *, layout: str = "standard", gannen: bool = True) -> bytes:
    lines = [f"# {TITLE}", ""]
    for table in tables:
        lines += _section(table, layout, gannen)
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def _section(table: Table, layout: str, gannen: bool) -> list[str]:
    lines = [f"## {_inline(heading(table))}", ""]
    notes = note_lines(table)
    if notes:
        lines += [f"> {_inline(n)}" for n in notes] + [""]
    body = [[cell(c) for c in p.cells] for p in printed_rows(table, layout, gannen=gannen)]
    if body:
        lines += table_lines(headers(layout), body) + [""]
    else:
        lines += ["変更箇所はありません。", ""]
    if table.findings:
        lines += ["### 指摘事項", ""]
        lines += [f"- {_inline(finding_text(f))}" for f in table.findings] + [""]
    return lines


def table_lines(header: list[str] | tuple[str, ...], body: list[list[str]]) -> list[str]:
    """A GitHub table of already escaped cells, one line per row, without padding (generate's
    table and diff's alike)."""
    from tabulate import tabulate

    text = tabulate(body, headers=list(header), tablefmt="github", disable_numparse=True)
    return [_compact(line) for line in text.split("\n")]


_PADDING = re.compile(r"(?<=\S) {2,}(?=\|)")
_RULE = re.compile(r"-{3,}")


def _compact(line: str) -> str:
    """tabulate pads every cell to its column's widest one: thousands of spaces for long texts.
    Markdown needs no alignment, so the padding is dropped (a line per row stays readable)."""
    return _RULE.sub("---", _PADDING.sub(" ", line))


def cell(text: str) -> str:
    """A table cell: `|` escaped, line breaks as <br>, and no tag or entity of the document's own
    (the text is untrusted, and a Markdown viewer would render it)."""
    return _inline(text).replace("|", r"\|").replace("\r\n", "\n").replace("\n", "<br>")


def _inline(text: str) -> str:
    return _ENTITY.sub("&amp;", text).replace("<", "&lt;")
