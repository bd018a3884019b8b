"""Section numerals as publishers print them: Ⅰ–Ⅶ in full width, I–VII in Latin letters (NFKC
turns Ⅴ into V), or （別添）. One parser for the label matcher, the renderers and the report."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pia_changes.text.normalise import nfkc

CIRCLED = "".join(chr(0x2460 + i) for i in range(20))  # ①…⑳: item numbers as printed
NUMERALS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ", "Ⅶ")
ANNEX = "別添"
SECTIONS = (*NUMERALS, ANNEX)  # in form order
_LATIN = {nfkc(n): n for n in NUMERALS}  # "IV" → "Ⅳ"
LATIN_NUMERALS = tuple(sorted(_LATIN, key=len, reverse=True))  # longest first: "VI" before "V"
_LEADING = re.compile(r"^\s*(VII|VI|IV|V|III|II|I)(?![A-Za-z])")
_LEADING_ANNEX = re.compile(r"^[\s(（【\[]*別添")


def section_numeral(label: str | None) -> str | None:
    """The section a label starts with, as the form prints it (Ⅰ…Ⅶ), or 別添; None when the
    label names no section (「I基本情報」 and 「Ⅰ 基本情報」 alike; 「IT」 is not one)."""
    text = nfkc(label)
    if m := _LEADING.match(text):
        return _LATIN[m[1]]
    return ANNEX if _LEADING_ANNEX.match(text) else None


def leading_numeral_text(label: str) -> str | None:
    """The numeral exactly as printed at the start of LABEL (「Ⅱ」 of 「Ⅱ．特定個人…」), for cells
    that print it back (the extended layout's 項目①)."""
    m = re.match(r"^\s*([ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+)(?=[\s.．、]|$)", label)
    return m[1] if m else None


def starts_with_section(text: str) -> bool:
    """A cell that opens with a section numeral, 別添 or 別紙: the 項目 of a 変更箇所 row."""
    return section_numeral(text) is not None or bool(_LEADING_BESSHI.match(nfkc(text)))


_LEADING_BESSHI = re.compile(r"^[\s(（【\[]*別紙")


@dataclass(frozen=True)
class LabelNumbers:
    """The numbers a 項目 label prints before its words: the section numeral, the sub-section
    number (「５．」「5」「-5-」), the risk number (リスク3). None where the label prints none."""

    section: str | None
    sub: int | None
    risk: int | None


# a sub-section number: digits that end in 「.」「．」「、」, or that stand at the start of a part of the
# label (after a separator, a space or a closing bracket) — not 「移転先16」「リスク3」「(1)」「過去3年」.
_SUB_NO = re.compile(r"(?:(?<=^)|(?<=[\s\-－ー―‐–—~～>＞)）/|:：.．、]))(\d{1,2})(?=\s*[.．、](?!\d)|\s*[^\d\s.．、()（）])"
                     r"|(?<![\d(（])(\d{1,2})(?=\s*[.．](?!\d))")
_RISK_NO = re.compile(r"リスク\s*(\d{1,2})(?!\d)")
_ROMAN_HEAD = re.compile(r"^\s*(?:VII|VI|IV|V|III|II|I)(?![A-Za-z])")


def label_numbers(label: str) -> LabelNumbers:
    """Read the numbering of a published label, whatever its width and separators (「Ⅲ リスク対策
    ５．－リスク３」, 「III-5-リスク3」): the numbers come first when placing it (issue 26)."""
    text = "".join(ch if ch in CIRCLED else nfkc(ch) for ch in label)
    section = section_numeral(label)
    if section == ANNEX:
        return LabelNumbers(section, None, None)
    rest = _ROMAN_HEAD.sub("", text, count=1) if section else text
    sub = next((int(m[1] or m[2]) for m in _SUB_NO.finditer(rest)), None)
    risk = _RISK_NO.search(rest)
    return LabelNumbers(section, sub, int(risk[1]) if risk else None)
