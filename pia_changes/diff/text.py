"""Value-level helpers of the diff: changed spans, changed paragraphs, cosmetic equality, similarity.

Offsets are code points, [start, end), into the strings a Change carries (Decisions: Before/after
in a row). Nothing here knows the form: diff.py decides which helper a schema type needs.
"""
from __future__ import annotations

import re
from difflib import Match, SequenceMatcher
from functools import lru_cache

from pia_changes.diff.change import Spans
from pia_changes.text.normalise import nfkc, squeeze

LONG_TEXT = 200          # longer texts show only their changed paragraph(s)
EXCERPT_JOIN = "…"       # between non-adjacent changed paragraphs
LIST_JOIN = "、"         # checkbox sets and entry names in before/after
_TRAILING = "。、.,"

Span = tuple[int, int]

# A paragraph starts after a blank line, at a line opening with a list marker, or after 「。」
# (unless a closing bracket follows: 「（以下「国保連」という。）」 is one sentence).
_MARKER = re.compile(
    r"[ \t\u3000]*(?:[・●○◯■□◆◇※＊*\-－]|[0-9０-９]{1,3}[.．)）]|[（(][0-9０-９]{1,3}[)）]"
    r"|[①-⑳]|[ア-ン][.．)）]|[（(][ア-ン][)）])")
_SENTENCE_END = re.compile(r"。(?![」』）)〕］\]】。])")
_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=512)
def opcodes(old: str, new: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """difflib's opcodes of two strings (no junk), through the faster matcher below; memoised:
    the diff and several classification rules align the same pair."""
    return tuple(_TextMatcher(None, old, new, autojunk=False).get_opcodes())


def char_spans(old: str, new: str) -> Spans:
    """Changed spans of two strings; an equal run shorter than its neighbouring edits is absorbed,
    so 「記録」→「基本台帳」 around a shared 「の」 reads as one edit, not three."""
    hunks: list[list[int]] = []
    previous_end: tuple[int, int] | None = None
    for tag, i1, i2, j1, j2 in opcodes(old, new):
        if tag == "equal":
            continue
        if hunks and previous_end is not None:
            gap = i1 - previous_end[0]
            last = hunks[-1]
            size = min(max(last[1] - last[0], last[3] - last[2]), max(i2 - i1, j2 - j1))
            if gap < 3 and gap < size:
                last[1], last[3] = i2, j2
                previous_end = (i2, j2)
                continue
        hunks.append([i1, i2, j1, j2])
        previous_end = (i2, j2)
    before = tuple((h[0], h[1]) for h in hunks if h[1] > h[0])
    after = tuple((h[2], h[3]) for h in hunks if h[3] > h[2])
    return before, after


class _TextMatcher(SequenceMatcher):
    """difflib's SequenceMatcher on two strings without junk, with the same answers, faster when
    the strings share a long head or tail (an edit in a long text).

    find_longest_match returns the longest common block, the earliest in a, then in b. When the
    common head or tail has length K and no common block of K+1 exists, that block is the
    earliest occurrence of a K-window of a in b — found with str methods instead of the
    character-by-character loop. Anything else goes to difflib's own loop."""

    _MIN = 16            # shorter heads and tails: not worth the check
    _BUDGET = 3_000_000  # characters the check may touch

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        a, b = self.a, self.b
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        n, m = ahi - alo, bhi - blo
        if self.isjunk is not None or self.bjunk or self.bpopular or not isinstance(a, str) \
                or not isinstance(b, str) or min(n, m) < self._MIN:
            return super().find_longest_match(alo, ahi, blo, bhi)
        head = _common_length(a, alo, b, blo, min(n, m), 1)
        tail = _common_length(a, ahi, b, bhi, min(n, m), -1)
        size = max(head, tail)
        if size < self._MIN:
            return super().find_longest_match(alo, ahi, blo, bhi)
        if (n + m) * (size + 1) > self._BUDGET or n * (m + size) > self._BUDGET:
            # long texts (a 5,000-character list edited in its middle): the same questions by
            # rolling hashes, O(n + m), where difflib's loop took a tenth of a second
            if size < min(n, m) and _first_shared(a, alo, ahi, b, blo, bhi, size + 1) is not None:
                return super().find_longest_match(alo, ahi, blo, bhi)  # a longer block elsewhere
            i, j = _first_shared(a, alo, ahi, b, blo, bhi, size)  # type: ignore[misc]
            return Match(i, j, size)
        longer = size + 1
        if longer <= min(n, m):
            windows = {b[j:j + longer] for j in range(blo, bhi - size)}
            if any(a[i:i + longer] in windows for i in range(alo, ahi - size)):
                return super().find_longest_match(alo, ahi, blo, bhi)  # a longer block elsewhere
        for i in range(alo, ahi - size + 1):
            j = b.find(a[i:i + size], blo, bhi)
            if j >= 0:
                return Match(i, j, size)
        return super().find_longest_match(alo, ahi, blo, bhi)  # not reached


_MOD = (1 << 61) - 1
_BASE = 1_000_003


def _window_hashes(text: str, lo: int, hi: int, length: int):
    """(start, hash) of every LENGTH-character window of text[lo:hi], left to right."""
    top = pow(_BASE, length - 1, _MOD)
    value = 0
    for k in range(lo, lo + length):
        value = (value * _BASE + ord(text[k])) % _MOD
    yield lo, value
    for start in range(lo + 1, hi - length + 1):
        value = ((value - ord(text[start - 1]) * top) * _BASE + ord(text[start + length - 1])) % _MOD
        yield start, value


def _first_shared(a: str, alo: int, ahi: int, b: str, blo: int, bhi: int, length: int) -> tuple[int, int] | None:
    """The earliest i, then the earliest j, with a[i:i+LENGTH] == b[j:j+LENGTH] inside the
    ranges; None when no window of that length is shared. Hash hits are checked by comparison."""
    starts: dict[int, list[int]] = {}
    for j, value in _window_hashes(b, blo, bhi, length):
        starts.setdefault(value, []).append(j)
    for i, value in _window_hashes(a, alo, ahi, length):
        for j in starts.get(value, ()):
            if a[i:i + length] == b[j:j + length]:
                return i, j
    return None


def _common_length(a: str, i: int, b: str, j: int, limit: int, step: int) -> int:
    """How many characters a and b share from a[i], b[j] forwards (STEP 1) or backwards from
    a[:i], b[:j] (STEP -1), at most LIMIT: a binary search over slice comparisons."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        same = a[i:i + mid] == b[j:j + mid] if step == 1 else a[i - mid:i] == b[j - mid:j]
        if same:
            low = mid
        else:
            high = mid - 1
    return low


def whole(before: str | None, after: str | None) -> Spans:
    """Spans marking each side entirely (choices, counts, dates, added or removed values)."""
    return (((0, len(before)),) if before else (), ((0, len(after)),) if after else ())


def paragraphs(text: str) -> list[Span]:
    """Contiguous [start, end) pieces covering TEXT; blank-only pieces join the one before."""
    starts = {0}
    pos = 0
    previous_blank = False
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        if pos and not blank and (previous_blank or _MARKER.match(line)):
            starts.add(pos)
        previous_blank = blank
        pos += len(line)
    starts.update(m.end() for m in _SENTENCE_END.finditer(text))
    bounds = sorted(s for s in starts if s < len(text)) + [len(text)]
    pieces: list[list[int]] = []
    for start, end in zip(bounds, bounds[1:]):
        if pieces and not text[start:end].strip():
            pieces[-1][1] = end
        elif pieces and not text[pieces[-1][0]:pieces[-1][1]].strip():
            pieces[-1][1] = end
        else:
            pieces.append([start, end])
    return [(s, e) for s, e in pieces]


def text_change(old: str, new: str) -> tuple[str, str, Spans]:
    """Before, after and spans of a changed text: whole up to LONG_TEXT characters, otherwise the
    changed paragraph(s); a paragraph only added or removed is shown with its unchanged neighbour
    so that neither side is blank."""
    if max(len(old), len(new)) <= LONG_TEXT:
        return old, new, char_spans(old, new)
    old_pieces, new_pieces = paragraphs(old), paragraphs(new)
    hunks = _paragraph_hunks([old[s:e].strip() for s, e in old_pieces],
                             [new[s:e].strip() for s, e in new_pieces])
    if not hunks:  # only whitespace between paragraphs moved
        return old, new, char_spans(old, new)
    before_parts = [_excerpt(old, old_pieces, i1, i2) for i1, i2, _, _ in hunks]
    after_parts = [_excerpt(new, new_pieces, j1, j2) for _, _, j1, j2 in hunks]
    before_spans: list[Span] = []
    after_spans: list[Span] = []
    offset_b = offset_a = 0
    for b, a in zip(before_parts, after_parts):
        spans_b, spans_a = char_spans(b, a)
        before_spans += [(s + offset_b, e + offset_b) for s, e in spans_b]
        after_spans += [(s + offset_a, e + offset_a) for s, e in spans_a]
        offset_b += len(b) + len(EXCERPT_JOIN)
        offset_a += len(a) + len(EXCERPT_JOIN)
    return (EXCERPT_JOIN.join(before_parts), EXCERPT_JOIN.join(after_parts),
            (tuple(before_spans), tuple(after_spans)))


def _paragraph_hunks(old_keys: list[str], new_keys: list[str]) -> list[tuple[int, int, int, int]]:
    """Changed paragraph ranges; one-sided ones widened by a neighbour, touching ones merged."""
    hunks: list[list[int]] = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2 or j1 == j2:
            if i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            elif i2 < len(old_keys) and j2 < len(new_keys):
                i2, j2 = i2 + 1, j2 + 1
        if hunks and i1 <= hunks[-1][1] and j1 <= hunks[-1][3]:
            hunks[-1][1], hunks[-1][3] = max(hunks[-1][1], i2), max(hunks[-1][3], j2)
        else:
            hunks.append([i1, i2, j1, j2])
    return [(h[0], h[1], h[2], h[3]) for h in hunks]


def _excerpt(text: str, pieces: list[Span], first: int, end: int) -> str:
    if end <= first:
        return ""
    return text[pieces[first][0]:pieces[end - 1][1]].strip()


def list_change(old: list[str], new: list[str], keys: tuple[list, list] | None = None
                ) -> tuple[str, str, Spans]:
    """Two lists shown joined with 「、」. Spans mark the items removed from / added to the set; with
    KEYS (one hashable per item, as the same entries on both sides), the items out of order."""
    before, after = LIST_JOIN.join(old), LIST_JOIN.join(new)
    if keys is not None:
        matcher = SequenceMatcher(None, keys[0], keys[1], autojunk=False)
        kept_old: set[int] = set()
        kept_new: set[int] = set()
        for block in matcher.get_matching_blocks():
            kept_old.update(range(block.a, block.a + block.size))
            kept_new.update(range(block.b, block.b + block.size))
        marked_old = [i not in kept_old for i in range(len(old))]
        marked_new = [j not in kept_new for j in range(len(new))]
    else:
        old_keys = [option_key(x) for x in old]
        new_keys = [option_key(x) for x in new]
        old_set, new_set = set(old_keys), set(new_keys)
        marked_old = [k not in new_set for k in old_keys]
        marked_new = [k not in old_set for k in new_keys]
    return before, after, (_item_spans(old, marked_old), _item_spans(new, marked_new))


def _item_spans(items: list[str], marked: list[bool]) -> tuple[Span, ...]:
    spans: list[Span] = []
    pos = 0
    for item, mark in zip(items, marked):
        if mark and item:
            spans.append((pos, pos + len(item)))
        pos += len(item) + len(LIST_JOIN)
    return tuple(spans)


def option_key(value: object) -> str:
    """An option or a name as compared: NFKC, no whitespace at all."""
    return squeeze(value)


def cosmetic_key(value: object) -> str:
    """What is left when layout is ignored: NFKC, no whitespace or line breaks, no punctuation
    (。 、 . ,) at the end. Equal keys, different values = cosmetic. Only the end: a 「。」 before
    a line break cannot count, since reflowing moves line breaks next to it. No HTML stripping:
    documents print 「<川口市における措置>」 headings that a tag pattern would swallow."""
    text = nfkc(str(value))
    return _WHITESPACE.sub("", text).rstrip(_TRAILING)


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """0..1, symmetric: rapidfuzz's ratio when installed (imported on first use: most diffs never
    need it), else difflib's. A value below FLOOR may come back as 0: the caller drops it anyway,
    and rapidfuzz, told so, stops early (pairing the renamed entries of a group compares every
    old entry with every new one)."""
    if not a and not b:
        return 1.0
    ratio = _RATIO or _rapid_ratio()
    if ratio is not None:
        return ratio(a, b, score_cutoff=floor * 100.0) / 100.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.3:
        return matcher.real_quick_ratio()
    return matcher.ratio()


_RATIO = None  # rapidfuzz's ratio once imported: pairing renamed entries calls it hundreds of times


@lru_cache(maxsize=None)  # without rapidfuzz, the import is not tried again at every call
def _rapid_ratio():
    global _RATIO
    try:
        from rapidfuzz.fuzz import ratio
    except ImportError:  # pragma: no cover - only where rapidfuzz is absent
        return None
    _RATIO = ratio
    return ratio
