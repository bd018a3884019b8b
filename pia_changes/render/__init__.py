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


def output_format(fmt: str | None, output: str | None) -> str:
    """The format `generate` writes, decided before anything is built or written (Decisions:
    Office outputs): `-o x.pdf` would otherwise put markdown into a file named .pdf, and
    `--format csv -o x.xlsx` a csv Excel refuses to open."""
    named = format_from_path(output) if output else None
    if output and named is None and fmt is None:
        suffix = PurePath(output).suffix or "（拡張子なし）"
        raise UsageError(f"出力ファイルの拡張子 {suffix} から形式が決まりません（{_extension_list()} の"
                         "いずれかにするか、--format で指定してください）")
    if fmt and named and fmt != named:
        raise UsageError(f"--format {fmt} と出力ファイルの拡張子 {PurePath(output or '').suffix} が食い違っています")
    chosen = fmt or named or "md"
    if chosen == "xlsx" and not output:
        raise UsageError("xlsx は -o で出力ファイルを指定してください")
    return chosen


def _extension_list() -> str:
    return "・".join(_EXTENSIONS)


def wants_bom(fmt: str, output: str | None, no_bom: bool) -> bool:
    """A csv/tsv written to a file carries a BOM, because Excel opens UTF-8 without one as
    Shift_JIS (文字化け); stdout is for pipes, and json never has one."""
    return fmt in ("csv", "tsv") and output is not None and not no_bom


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
