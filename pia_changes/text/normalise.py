"""Text normalisation shared by the importer, the diff and the evaluation (Decisions: Comparing text)."""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

_CHECKED = re.compile(r"(?:\[\s*)?<input\b[^>]*\bchecked\b[^>]*/?>(?:\s*\])?", re.I)
_UNCHECKED = re.compile(r"(?:\[\s*)?<input\b[^>]*/?>(?:\s*\])?", re.I)
_BREAK = re.compile(r"<br\s*/?>|</p\s*>|<li\b[^>]*>|</tr\s*>|</h[1-6]\s*>|</div\s*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")  # only real tags: 「<選択肢>」 is text
_BLANK_LINES = re.compile(r"\n[ \t\u3000]*(?:\n[ \t\u3000]*)+")
_SPACES = re.compile(r"[ \t\u3000]+")
_WHITESPACE = re.compile(r"\s+")


def html_to_text(value: str) -> str:
    """Cells of the publishing systems carry HTML: keep its line breaks and check boxes, drop the rest."""
    if "<" not in value and "&" not in value:
        return value.strip()
    text = _CHECKED.sub("[○]", value)
    text = _UNCHECKED.sub("[ ]", text)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()


def nfkc(value: object) -> str:
    """Full-width letters and digits, half-width katakana and compatibility forms folded (NFKC):
    how publishers' texts are compared everywhere in the tool. None is ""."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value))


def squeeze(value: object) -> str:
    """NFKC with all whitespace removed: the key when line breaks and spacing carry no meaning."""
    return _squeezed(value) if type(value) is str else _WHITESPACE.sub("", nfkc(value))


def compare_key(value: object) -> str:
    """NFKC, HTML to text, all whitespace removed: PDF extractions break lines mid-word
    (Decisions: Comparing text)."""
    if value is None:
        return ""
    return _compared(str(value))


# The classifier's rules each ask for the keys of the same two texts of a change (six times a
# change, 16,000 times over a dense history): the keys of recent texts are kept.
@lru_cache(maxsize=4096)
def _squeezed(text: str) -> str:
    return _WHITESPACE.sub("", nfkc(text))


@lru_cache(maxsize=4096)
def _compared(text: str) -> str:
    return _squeezed(html_to_text(text))
