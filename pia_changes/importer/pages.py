"""Page furniture of a PDF's text: page numbers (「2 / 76 ページ」, 「- 3 -」, 「P.3」) and the running title
printed atop every page. The 変更箇所 reader uses the page numbers as evidence of a page break; the body
readers see such lines as blank, so that a value cut by a page break goes on after it."""
from __future__ import annotations

import re

from pia_changes.text.normalise import nfkc

PAGE_NUMBER = re.compile(r"^(?:\d{1,4}\s*/\s*\d{1,4}\s*(?:ページ|頁)?|[-‐ー−]\s*\d{1,4}\s*[-‐ー−]|"
                         r"(?:ページ|P\.?|p\.?)\s*\d{1,4}|第?\d{1,4}\s*(?:ページ|頁))$")
_SPACES = re.compile(r"\s+")


def is_page_number(line: str) -> bool:
    return bool(PAGE_NUMBER.match(nfkc(line).strip()))


def body_lines(lines: list[str], title_lines: frozenset[int]) -> list[str]:
    """LINES with page numbers and repeats of the title (a running head) blanked; the title itself stays."""
    titles = {_key(lines[k]) for k in title_lines if lines[k].strip()}
    return ["" if is_page_number(line) or k not in title_lines and line.strip() and _key(line) in titles
            else line for k, line in enumerate(lines)]


def _key(line: str) -> str:
    return _SPACES.sub("", nfkc(line))
