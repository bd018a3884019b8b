"""Writers of the 変更箇所 table, one module per format, over the same `Table` model.

Imports are lazy so that `generate --format md` does not pay for openpyxl.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import PurePath

from pia_changes.errors import UsageError
from pia_changes.table.rows import Table

FORMATS = ("md", "csv", "tsv", "json", "xlsx", "html")
_MODULES = {"md": "markdown", "csv": "csvout", "tsv": "csvout", "json": "jsonout",
            "xlsx": "xlsx", "html": "html"}
_EXTENSIONS = {".md": "md", ".csv": "csv", ".tsv": "tsv", ".json": "json", ".xlsx": "xlsx",
               ".html": "html", ".htm": "html"}


def format_from_path(path: str | PurePath) -> str | None:
    """The format an output file's extension asks for (`generate -o FILE` without --format)."""
    return _EXTENSIONS.get(PurePath(path).suffix.lower())


def render(tables: list[Table], fmt: str, *, layout: str = "standard", bom: bool = False,
           gannen: bool = True, single: bool) -> bytes:
    """The tables in one output file, UTF-8. `single`: the user named one FILE, so json prints
    one object instead of an array. Tables come out sorted by assessment path."""
    if fmt not in FORMATS:
        raise UsageError(f"未知の出力形式です: {fmt}（{'・'.join(FORMATS)} のいずれか）")
    from pia_changes.render.columns import headers
    headers(layout)  # an unknown layout is a usage error in every format, json included
    ordered = sorted(tables, key=lambda t: t.assessment)
    if single and len(ordered) != 1:
        raise ValueError(f"single=True needs exactly one table, got {len(ordered)}")
    module = import_module(f"{__name__}.{_MODULES[fmt]}")
    if fmt in ("csv", "tsv"):
        return module.render(ordered, layout=layout, bom=bom, delimiter="\t" if fmt == "tsv" else ",")
    if fmt == "json":
        return module.render(ordered, single=single)
    return module.render(ordered, layout=layout, gannen=gannen)
