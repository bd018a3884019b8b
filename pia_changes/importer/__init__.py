"""Importer: published 評価書 text → assessment YAML.

`import_text` reads a text extraction (tab-separated export or PDF flow text), places every labelled
value into the form's items, keeps the published 変更箇所 table as legacy rows and whatever it could not
place under 未配置 with its line numbers, and writes YAML that `document.load_text` accepts.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pia_changes.document.model import load_text
from pia_changes.forms import load_form
from pia_changes.importer.build import build_document, dump_yaml, unplaced_lines
from pia_changes.forms.editions import is_older
from pia_changes.importer.detect import detect_form
from pia_changes.importer.obsolete import obsolete_notice, obsolete_rows
from pia_changes.importer.orphans import adopt_orphans
from pia_changes.importer.pages import body_lines
from pia_changes.importer.pdf import read_pdf
from pia_changes.importer.placer import Placer
from pia_changes.importer.reader import read_text
from pia_changes.importer.schema_index import label_index
from pia_changes.importer.scopes import PDF, TABBED
from pia_changes.importer.tabbed import read_tabbed
from pia_changes.importer.table_reader import read_tables

_TABBED_SHARE = 0.1  # share of non-blank lines with a tab from which a text is read as tab-separated


@dataclass
class ImportResult:
    yaml_text: str
    form: str
    placed: int  # non-blank source lines placed (items, structure, 変更箇所 rows)
    unplaced: int  # non-blank source lines kept under 未配置
    items_filled: int  # leaf values written, over
    items_in_schema: int  # the form's leaves, instantiated for the entries written
    legacy_rows: int
    notices: list[str] = field(default_factory=list)
    layout: str = TABBED


def import_text(raw: bytes, source_name: str, form: str | None = None,
                encoding: str | None = None) -> ImportResult:
    """Import the bytes of a published 評価書's text; raises PiaError when it is not one."""
    text, notices = read_text(raw, source_name, encoding)
    lines = text.split("\n")
    detected = detect_form(lines, form, source_name)
    notices.extend(detected.notices)
    schema = load_form(detected.form)
    index = label_index(schema)
    rows, consumed = read_tables(lines, schema)
    skip = set(consumed) | set(detected.title_lines)
    layout = _layout(lines)
    obsolete = obsolete_rows(lines, skip, index) if layout == TABBED and is_older(detected.edition) else []
    skip |= {j for j, _ in obsolete}
    placer = Placer(schema, index, layout)
    body = body_lines(lines, detected.title_lines)
    if layout == TABBED:
        read_tabbed(body, skip, placer, index)
    else:
        read_pdf(body, skip, placer, index)
        adopt_orphans(placer, body)
    placer.finish()
    built = build_document(schema, detected.version, placer, rows, placer.unplaced + obsolete)
    if obsolete and detected.version:
        notices.append(obsolete_notice(obsolete, detected.version))
    notices.extend(built.notices)
    yaml_text = dump_yaml(built.data)
    load_text(yaml_text, source_name)  # the output must validate; an error here is a bug of the importer
    nonblank = sum(1 for line in lines if line.strip())
    lost = unplaced_lines(built.data["未配置"])
    return ImportResult(yaml_text=yaml_text, form=detected.form, placed=nonblank - lost, unplaced=lost,
                        items_filled=built.filled, items_in_schema=built.slots, legacy_rows=len(rows),
                        notices=notices, layout=layout)


def _layout(lines: list[str]) -> str:
    nonblank = [line for line in lines if line.strip()]
    tabbed = sum(1 for line in nonblank if "\t" in line.strip("\n"))
    return TABBED if nonblank and tabbed >= _TABBED_SHARE * len(nonblank) else PDF


__all__ = ["ImportResult", "import_text"]
