"""The label matcher: a published free-form 項目 label → a schema item (Decisions: Label matcher).

Publishers write labels their own way ("Ⅱ 特定個人情報ファイルの概要－3特定個人情報の入手・使用－
④使用の主体－使用部署", "Ⅱ > （１）住民基本台帳ファイル > ６．特定個人情報の保管・消去 > ①保管場所"),
so matching is by the names of the item and its headings found inside the label, not by the
separators or the numbering (older 様式 number some sections differently).
"""
from __future__ import annotations
from pia_changes.text.normalise import nfkc

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import Form, Node, walk
from pia_changes.forms.numbering import ANNEX, CIRCLED, LATIN_NUMERALS, section_numeral

_CIRCLED = frozenset(CIRCLED)  # ①…⑳ stay as they are: NFKC would make ① a 1
_NUMBERING = re.compile(r"^(?:\(\d+\)|\d+[.．、]?|[0-9]+-)")
_DROP = re.compile(r"[\s>＞\-－―‐–—~～、。,.・:：()（）「」『』【】\[\]※]")


def squash(text: str) -> str:
    """NFKC except for circled numbers, then separators and punctuation dropped."""
    text = "".join(ch if ch in _CIRCLED else nfkc(ch) for ch in str(text))
    return _DROP.sub("", text)


def _names(node: Node) -> tuple[str, ...]:
    """The strings that can stand for a node inside a label, longest first, numbering removed."""
    raw = {node.key, node.label, *node.aliases}
    if node.is_group and node.entry_label:
        stem = node.entry_label.replace("{n}", "").replace("{name}", "").strip("()（）")
        if stem:
            raw.add(stem)
    names = set()
    for text in raw:
        plain = nfkc("".join(c for c in text if c not in _CIRCLED))
        plain = _NUMBERING.sub("", plain.strip())
        for roman in LATIN_NUMERALS:  # "Ⅰ 基本情報" → "基本情報"
            if plain.startswith(roman + " "):
                plain = plain[len(roman):]
                break
        squashed = squash(plain)
        if len(squashed) >= 2:
            names.add(squashed)
    if node.type == "section" and (m := _RISK_NO.match(nfkc(node.label))):
        names.add(f"リスク{m[1]}")  # 「リスク4」 alone names the heading 「リスク4：入手の際に…」
    return tuple(sorted(names, key=len, reverse=True))


_RISK_NO = re.compile(r"^リスク(\d+)[:：]")


def _roman(node: Node) -> str | None:
    return _leading_roman(node.label)


@dataclass(frozen=True)
class Match:
    node: Node
    score: float
    entries: dict = field(default_factory=dict)  # group id → 1-based position or name found in the label


@dataclass
class _Candidate:
    node: Node
    names: tuple[str, ...]
    chain: tuple[tuple[Node, tuple[str, ...]], ...]  # ancestors with their names
    top_roman: str | None
    in_annex: bool = False  # under an （別添N） part of the form


@lru_cache(maxsize=8)
def _candidates(form: Form) -> tuple[_Candidate, ...]:
    out = []
    for node in walk(form.nodes):
        if node.type == "section" and node.parent is None:
            continue
        chain = tuple((a, _names(a)) for a in node.ancestors())
        top = node.ancestors()[0] if node.parent else node
        out.append(_Candidate(node, _names(node), chain, _roman(top), _ANNEX in squash(top.label)))
    return tuple(out)


def _leading_roman(label: str) -> str | None:
    """The section numeral the label starts with (annexes are matched by name, not here)."""
    numeral = section_numeral(label)
    return None if numeral in (None, ANNEX) else numeral


def _rfind_any(haystack: str, names: tuple[str, ...], limit: int | None = None) -> tuple[int, str] | None:
    end = len(haystack) if limit is None else limit
    best: tuple[int, str] | None = None
    for name in names:
        pos = haystack.rfind(name, 0, end)
        if pos >= 0 and (best is None or pos + len(name) > best[0] + len(best[1])
                         or (pos + len(name) == best[0] + len(best[1]) and len(name) > len(best[1]))):
            best = (pos, name)
    return best


def _rank(cand: _Candidate, label: str, roman: str | None) -> tuple | None:
    """Rank a node: the name found nearest the label's end wins (the item is printed last), then
    the headings found before it, then the longer name, then items over headings."""
    found = _rfind_any(label, cand.names)
    if found is None or (cand.node.is_group and not _numbered(label, found[0] + len(found[1]))):
        return None
    if roman is not None and cand.top_roman is not None and roman != cand.top_roman:
        return None
    pos, name = found
    context = 0.0
    own = _rfind_any(label, tuple(n for n in cand.names if n != name), pos)
    if own is not None:  # another of its own names printed earlier: 「別添1」 … 「事務の内容」
        context += min(len(own[1]), 12)
    limit = pos
    for _ancestor, names in reversed(cand.chain):
        hit = _rfind_any(label, names, limit)
        if hit is not None:
            context += min(len(hit[1]), 12)
            limit = hit[0]
    return (pos + len(name), context, len(name), cand.node.is_leaf, -cand.node.order)


_ENTRY_NO = re.compile(r"^(\d+|[\u2460-\u2473])")


def _numbered(label: str, at: int) -> bool:
    """A group is named in a label only with an entry number after its stem (システム6, 委託事項④)."""
    return _ENTRY_NO.match(label[at:]) is not None


def _entry_number(text: str) -> int:
    return CIRCLED.index(text) + 1 if text in _CIRCLED else int(text)


_FILE_NO = re.compile(r"\((\d+)\)\s*[^\s()]*ファイル")
_ANNEX = "別添"


def _entries(node: Node, label: str, raw: str) -> dict:
    """Group positions or names printed in the label: システム2, 委託事項3, (1)住民基本台帳ファイル."""
    found: dict = {}
    for ancestor in node.ancestors() + [node]:
        if not ancestor.is_group:
            continue
        stem = squash((ancestor.entry_label or "").replace("{n}", "").replace("{name}", ""))
        if stem:
            # the last 「stem + number」 (提供先1 ②提供先における用途: not the later 提供先に…); a circled
            # number right before the item's own name numbers the item (システム②システムの機能)
            own = _names(node) if node is not ancestor else ()
            hits = [m for m in re.finditer(re.escape(stem) + _ENTRY_NO.pattern[1:], label)
                    if not (m[1] in _CIRCLED and label.startswith(own, m.end()))]
            if hits:
                found[ancestor.id] = _entry_number(hits[-1][1])
            continue
        if "{name}" in (ancestor.entry_label or "") and (m := _FILE_NO.search(raw)):
            found[ancestor.id] = int(m[1])  # (1)住民基本台帳ファイル
    return found


def match_label(form: Form, label: str, max_tail: int = 20) -> Match | None:
    """The schema node a published 項目 label names, or None when nothing fits well enough.

    `max_tail`: how many characters may follow the matched name (row numbers, 「（備考）4-②」).
    """
    squashed = squash(label)
    if not squashed:
        return None
    roman = _leading_roman(label)
    best: tuple | None = None
    best_cand: _Candidate | None = None
    # A label that names an （別添N） part means an item of the 別添 parts (publishers number
    # them differently, so not which one): 「別紙1 > （別添1）事務の内容 > （備考）」 is not Ⅱ 7.備考.
    annex = _ANNEX in squashed
    best_key: tuple | None = None
    for cand in _candidates(form):
        rank = _rank(cand, squashed, roman)
        if rank is None or len(squashed) - rank[0] > max_tail:
            continue
        key = (annex and cand.in_annex, rank)
        if best_key is None or key > best_key:
            best, best_cand, best_key = rank, cand, key
    if best is None or best_cand is None:
        return None
    return Match(best_cand.node, float(best[1] + best[2]), _entries(best_cand.node, squashed, nfkc(label)))
