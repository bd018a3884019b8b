"""Where two texts differ, word by word: the alignment the exemption rules read.

Aligned between the texts' common head and tail only, so a long text edited in one place costs
the place, not the text.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pia_changes.diff.text import opcodes

_WORD_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々〆ヶ\u30a1-\u30fa\u30fc-\u30feA-Za-z0-9]")
_WORD_RUN = re.compile(_WORD_CHAR.pattern + "{2,}")


@lru_cache(maxsize=64)
def edits(a: str, b: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """The edits from A to B, aligned between their common head and tail only: a long text
    edited in one place costs the place, not the text. Kept for the last texts: each rule that
    reads a change asks again."""
    head, tail = common_ends(a, b)
    middle = opcodes(a[head:len(a) - tail], b[head:len(b) - tail])
    return tuple((tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle if tag != "equal")


@lru_cache(maxsize=64)
def common_ends(a: str, b: str) -> tuple[int, int]:
    """How many characters A and B share at the start, and then at the end. Found by halving,
    comparing slices: a character loop took 40 µs a call on the texts of a 全項目評価書, and the
    classifier asks for every changed text."""
    limit = min(len(a), len(b))
    head = _shared(lambda i, j: a[i:j] == b[i:j], limit)
    tail = _shared(lambda i, j: a[len(a) - j:len(a) - i] == b[len(b) - j:len(b) - i], limit - head)
    return head, tail


def _shared(same, limit: int) -> int:
    """The largest n ≤ LIMIT with SAME(0, n), where SAME(i, j) compares the span i..j of both."""
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if same(low, middle):
            low = middle
        else:
            high = middle - 1
    return low


def whole_word_within(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds a word of two or more kanji/katakana/alphanumerics that does
    not run on into the text around it (確認を「厳格に」行う): a word put in or taken out, where a
    slip adds or drops characters inside a word (住民「基本」台帳) or types one twice."""
    for m in _WORD_RUN.finditer(text, start, end):
        apart_before = m.start() > start or start == 0 or not _WORD_CHAR.match(text[start - 1])
        apart_after = m.end() < end or end == len(text) or not _WORD_CHAR.match(text[end])
        if apart_before and apart_after:
            return True
    return False


def word_around(text: str, start: int, end: int) -> str:
    """The run of kanji/katakana/alphanumerics around text[start:end] (a word, roughly)."""
    while start > 0 and _WORD_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _WORD_CHAR.match(text[end]):
        end += 1
    return text[start:end]


def terms(text: str, vocabulary: tuple[str, ...]) -> set[str]:
    return {t for t in vocabulary if t in text}


def word_tail(text: str, end: int) -> str:
    """The rest of the word after text[:end]."""
    stop = end
    while stop < len(text) and _WORD_CHAR.match(text[stop]):
        stop += 1
    return text[end:stop]
