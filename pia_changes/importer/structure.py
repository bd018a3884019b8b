"""Lines both readers treat alike: the cover's 項目一覧 (a list of headings, not the headings), the 変更箇所
headings, the form's range headings (「システム2~5」), entry headings (「委託事項2 名称」) and notes
printed beside a heading (「※(7. リスク1⑨を除く。)」)."""
from __future__ import annotations

import re

from pia_changes.importer.placer import Placer
from pia_changes.importer.schema_index import GroupPattern, LabelIndex, squashed
from pia_changes.importer.scopes import top_of
from pia_changes.text.normalise import nfkc

_TOC = "項目一覧"
_LEGACY_HEADING = re.compile(r"^\(?別[添紙]\d*\)?変更箇所$")
_WHOLE_NOTE = re.compile(r"^[※*＊]\s*(?:[(（][^()（）]*[)）])?$")
_SPACES = re.compile(r"\s+")


def compact(text: str) -> str:
    return _SPACES.sub("", nfkc(text))


def strip_note(rest: str) -> str:
    """A note beside a heading or label (「※」, 「※(7. リスク1⑨を除く。)」, 「*」) is not its value; the ※ of a
    label that slipped into its value cell (「※「2. ③対象となる本人の範囲」と同範囲。」) is dropped."""
    rest = rest.strip()
    if _WHOLE_NOTE.match(rest):
        return ""
    return re.sub(r"^[※*＊]\s*", "", rest)


class Structure:
    """State shared by a reader over its lines: whether it is inside the 項目一覧."""

    def __init__(self, placer: Placer, index: LabelIndex) -> None:
        self.placer = placer
        self.index = index
        self.in_toc = False

    def consumed(self, text: str) -> bool:
        """TEXT (a line, or the first cell of one) is structure only: nothing to place."""
        key = compact(text)
        if key == _TOC:
            self.in_toc = True
            return True
        if _LEGACY_HEADING.match(key):
            return True
        if self.in_toc:
            hit = self.index.line_label(text)
            if hit is not None and any(n.parent is None for n in hit.nodes):
                return True
            self.in_toc = False
        folded = nfkc(text).strip()
        return any(p.placeholder.match(folded) for p in self.index.groups)

    def header(self, text: str) -> tuple[GroupPattern, int, str | None] | None:
        """An entry heading: its group, printed number, and the name printed with it."""
        folded = nfkc(text).strip()
        for pattern in self.index.groups:
            m = pattern.header.match(folded)
            if m is None or (pattern.stemless and not self._stemless_ok(pattern)):
                continue
            name = m[2].strip() or None
            if pattern.stemless and squashed(folded) in self.index.exact:
                continue
            return pattern, int(m[1]), name
        return None

    def _stemless_ok(self, pattern: GroupPattern) -> bool:
        """「(1)住民基本台帳ファイル」 heads an entry only right under its own section (（別添2）), not inside a
        text and not as the value of 「1. 特定個人情報ファイル名」."""
        group, placer = pattern.group, self.placer
        if top_of(group) is not placer.top or placer.context not in (group, group.parent):
            return False
        if placer.last is not None and placer.last[1] is group.identity_node():
            return not placer.is_empty(*placer.last)
        return True
