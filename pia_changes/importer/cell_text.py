"""What the text of two cells says about them, for table_cells.py: do they read as the 変更前 and 変更後 of
one item, and how do paragraphs open (a number, a bullet, a character no word begins with).

Why apart: these are facts about Japanese administrative text and the publishers' conventions (domain.md:
「－」 for a blank 変更前, 「左記…」 and 「（右記の内容を新たに追加）」 as pointers, 「削除」), independent of how
a PDF laid the cells out; the layout evidence stays in table_cells.py.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz

from pia_changes.text.normalise import nfkc
from pia_changes.forms.numbering import CIRCLED

PLACEHOLDERS = frozenset({"－", "-", "―", "ー", "—", "‐", "なし", "記載なし", "該当なし", "(略)", "略", "省略", "同上"})
BULLETS = frozenset("・●○■□◆◇◎※")
KATAKANA = re.compile(r"[ァ-ヺ]")
NO_START = frozenset("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー、。，．）」』】〕〉》,.)]")  # never begin a word
SENTENCE_END = frozenset("。．.！？!?）)」』】〉>＞")
# what 提出時期に係る説明 say (domain.md: the wordings published, and what they turn on)
REASON_WORDS = re.compile(r"重要な変更|当たら|あたら|該当し|義務[付づ]け|改正|修正|変更|による|ため|補記|追加|削除|誤字|"
                          r"脱字|誤記|組織|名称|標準化|記載|整理|人事|異動|法令|条例|省令|記載例|軽減|事務")


def affix(b: str, a: str) -> int:
    """Characters that BEFORE and AFTER share at their start and at their end (an edit keeps the rest)."""
    n = min(len(b), len(a))
    head = next((i for i in range(n) if b[i] != a[i]), n)
    tail = next((i for i in range(n - head) if b[-1 - i] != a[-1 - i]), n - head)
    return head + tail


def alike(b: str, a: str) -> float:
    """Up to 6: the texts are alike beyond what two halves of one text share (measured on the published rows:
    nine in ten such halves have a ratio under 0.35 and openings under 0.35), and open or close alike."""
    whole = max(0.0, fuzz.ratio(b, a) / 100 - 0.35) / 0.65
    opening = max(0.0, fuzz.ratio(b[:12], a[:12]) / 100 - 0.25) / 0.75 if min(len(b), len(a)) >= 4 else 0.0
    return 3.0 * whole + 0.1 * min(affix(b, a), 20) + 1.0 * opening + headings(b, a)


_HEADING = re.compile(r"^[【〈<＜≪《\[［]([^】〉>＞≫》\]］]{1,40})[】〉>＞≫》\]］]")
_ANY_HEADING = re.compile(r"[【〈<＜≪《\[［]([^】〉>＞≫》\]］]{1,40})[】〉>＞≫》\]］]")


def headings(b: str, a: str) -> float:
    """Bracketed headings (「【情報照会】」, 「<長野市における措置>」) line up: up to +2 when both cells open
    with headings that say the same (「【別表第2における情報照会】」 → 「【情報照会】」; 「…における措置」 alone is
    not the same), -1.5 when 変更後 does not open with one but holds one like 変更前's (the cut belongs there)."""
    hb, ha = _HEADING.match(b), _HEADING.match(a)
    if hb and ha:
        return 2.0 * max(0.0, fuzz.partial_ratio(hb[1], ha[1]) / 100 - 0.7) / 0.3
    if hb and any(fuzz.partial_ratio(hb[1], m[1]) >= 90 for m in _ANY_HEADING.finditer(a)):
        return -1.5
    return 0.0


def pair_score(b: str, a: str, printed: frozenset[str] = frozenset()) -> float:
    """How well B and A (compared text) read as the 変更前 and 変更後 of one item: alike (an edit keeps most of the
    text, often its start or end), marked as such by the publisher's pointers, or printed whole in another
    row of the table (it accumulates: a later change's 変更前 is often an earlier one's 変更後)."""
    if not a:
        return -4.0
    repeated = 1.5 * ((len(b) > 1 and b in printed) + (len(a) > 1 and a in printed))
    score = -1.0 if not b else alike(b, a)
    if a.startswith("左記"):
        score += 2.0
    if b.startswith("左記"):
        score -= 2.0
    if "右記" in b and b.rfind("右記") >= len(b) - 14:  # 「（右記の内容を新たに追加）」 closes the cell
        score += 2.0
    if "右記" in a:
        score -= 1.0
    if b in PLACEHOLDERS:  # 「－」「(略)」: a placeholder is a whole cell, and mostly a 変更前
        score += 1.5
    if b and a:  # an edit keeps a text's size more often than not
        score += 0.5 * (1 - abs(len(b) - len(a)) / (len(b) + len(a)))
    if a.startswith("削除") and len(a) <= 4:
        score += 1.5
    return score + repeated


_ENUM = re.compile(r"^(?:[(（]\s*(\d{1,2})\s*[)）]|(\d{1,2})\s*[.．)）、](?!\d))")


def enumerator(text: str) -> int | None:
    """The number a paragraph opens with: ②, (2), 2. (None when it opens with none)."""
    text = text.lstrip()
    if text[:1] and text[0] in CIRCLED:
        return CIRCLED.index(text[0]) + 1
    m = _ENUM.match(nfkc(text[:6]))
    return int(m[1] or m[2]) if m else None
