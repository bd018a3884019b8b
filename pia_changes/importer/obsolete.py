"""Items of an older 様式 edition that the current form lacks (issue 26, item 4).

A document whose cover names an older edition may print items the current form no longer has. In
the tab-separated export a form's row is 「label<TAB>value」, so a row whose label has the shape of the
form's own numbered labels (「⑦…」, 「3. …」, 「リスク2：…」) and which no label of the current form
(nor an older edition's label of one, forms.editions) matches is such an item: the whole row goes to
未配置, named in a notice, instead of being read as the continuation of the item above. PDF flow text
is left to the reader: there a line starting with 「①」 is as often a list in a value.
"""
from __future__ import annotations

import re

from pia_changes.forms.numbering import CIRCLED
from pia_changes.importer.schema_index import LabelIndex
from pia_changes.text.normalise import nfkc

_NUMBERED_LABEL = re.compile(rf"^(?:[{CIRCLED}]|\d{{1,2}}\s*[.．]\s*|リスク\d{{0,2}}\s*[:：])\s*\S")
_MAX_LABEL = 40  # longer first cells are text, not a label


def obsolete_rows(lines: list[str], skip: set[int], index: LabelIndex) -> list[tuple[int, str]]:
    """(line index, line) of the rows whose numbered label the current form does not know."""
    out = []
    for j, line in enumerate(lines):
        if j in skip or "\t" not in line:
            continue
        label, _, value = line.partition("\t")
        label = "".join(ch if ch in CIRCLED else nfkc(ch) for ch in label).strip()  # NFKC makes ③ a 3
        if (not value.strip() or len(label) > _MAX_LABEL or not _NUMBERED_LABEL.match(label)
                or index.line_label(label) is not None):
            continue
        out.append((j, line))
    return out


def obsolete_notice(rows: list[tuple[int, str]], version: str) -> str:
    labels = "、".join(f"{j + 1}行目「{line.split(chr(9))[0].strip()}」" for j, line in rows)
    return f"［{version}］の項目のうち現行の様式にないものを未配置に残しました: {labels}"
