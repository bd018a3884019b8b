"""The label matcher: a published free-form 項目 label → a schema item (Decisions: Label matcher).

Publishers write labels their own way ("Ⅱ 特定個人情報ファイルの概要－3特定個人情報の入手・使用－
④使用の主体－使用部署", "Ⅲ リスク対策 ５．－リスク３"). Numbers and structure come first (issue 26):
the section numeral, the sub-section number and the risk number the label prints choose the part of
the form, in any width and with any separator, and the older 様式's numbers count through the
aliases and the edition table (forms.editions). Within that part the names decide: the item's name
found nearest the label's end. A nearer-sounding item elsewhere never wins over the numbered one;
a label that prints numbers but no name the part knows is placed by its numbers alone (「Ⅱ ３．－⑤」).
"""
from __future__ import annotations
from pia_changes.text.normalise import nfkc

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import Form, Node, walk
from pia_changes.forms.editions import older_labels
from pia_changes.forms.labelpath import node_path
from pia_changes.forms.numbering import ANNEX, CIRCLED, LATIN_NUMERALS, LabelNumbers, label_numbers, section_numeral

_CIRCLED = frozenset(CIRCLED)  # ①…⑳ stay as they are: NFKC would make ① a 1
_NUMBERING = re.compile(r"^(?:\(\d+\)|\d+[.．、]?|[0-9]+-)")
_DROP = re.compile(r"[\s>＞\-－―‐–—~～、。,.・:：()（）「」『』【】\[\]※]")


def squash(text: str) -> str:
    """NFKC except for circled numbers, then separators and punctuation dropped."""
    text = "".join(ch if ch in _CIRCLED else nfkc(ch) for ch in str(text))
    return _DROP.sub("", text)


def _names(node: Node, older: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The strings that can stand for a node inside a label, longest first, numbering removed;
    OLDER: the labels older editions printed for it."""
    raw = {node.key, node.label, *node.aliases, *older}
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
    if node.type == "section":  # 「リスク4」 alone names the heading 「リスク4：入手の際に…」
        names.update(f"リスク{m[1] or 1}" for text in raw if (m := _RISK_HEAD.match(nfkc(text))))
    return tuple(sorted(names, key=len, reverse=True))


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
    subs: tuple[frozenset[int], frozenset[int]] | None = None  # its 「N.」 sub-section's numbers: (as the
    # current form prints them, as any edition or alias does)
    risks: tuple[frozenset[int], frozenset[int]] | None = None  # the same for its 「リスクN：」 heading

    def agrees(self, numbers: LabelNumbers) -> int:
        """2 when the numbers a label prints are this node's on the current form, 1 when on an older
        edition or a variant (an alias), 0 when they contradict it. A number the node lacks says nothing."""
        levels = [_level(wanted, have) for wanted, have in ((numbers.sub, self.subs), (numbers.risk, self.risks))]
        return min(levels)


def _level(wanted: int | None, have: tuple[frozenset[int], frozenset[int]] | None) -> int:
    if wanted is None or have is None or wanted in have[0]:
        return 2
    return 1 if wanted in have[1] else 0


@lru_cache(maxsize=8)
def _candidates(form: Form) -> tuple[_Candidate, ...]:
    out = []
    for node in walk(form.nodes):
        if node.type == "section" and node.parent is None:
            continue
        chain = tuple((a, _names(a, _older(form, a))) for a in node.ancestors())
        top = node.ancestors()[0] if node.parent else node
        line = [*node.ancestors(), node][::-1]
        subs = next((n for n in (_sub_numbers(form, a) for a in line) if n[1]), None)
        risks = next((n for n in (_risk_numbers(form, a) for a in line) if n[1]), None)
        out.append(_Candidate(node, _names(node, _older(form, node)), chain, _roman(top),
                              _ANNEX in squash(top.label), subs, risks))
    return tuple(out)


def _older(form: Form, node: Node) -> tuple[str, ...]:
    return older_labels(form.form, node_path(node))


_DOTTED = re.compile(r"^\s*(\d{1,2})\s*[.．、]")
_RISK_HEAD = re.compile(r"^リスク(\d{1,2})?\s*[:：]")


def _printed_numbers(form: Form, node: Node, pattern: re.Pattern) -> tuple[frozenset[int], frozenset[int]]:
    """The numbers NODE's heading prints: on the current form, and on any edition or alias."""
    def read(texts) -> frozenset[int]:
        return frozenset(int(m[1] or 1) for t in texts if (m := pattern.match(nfkc(t))))
    return read((node.label,)), read((node.label, *node.aliases, *_older(form, node)))


def _sub_numbers(form: Form, node: Node) -> tuple[frozenset[int], frozenset[int]]:
    """The numbers of its 「N.」 heading."""
    return _printed_numbers(form, node, _DOTTED)


def _risk_numbers(form: Form, node: Node) -> tuple[frozenset[int], frozenset[int]]:
    """「リスク2：…」 → 2; 重点項目's single 「リスク：…」 of a sub-section is its risk 1."""
    if node.type != "section":
        return frozenset(), frozenset()
    return _printed_numbers(form, node, _RISK_HEAD)


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
    parent_named = False  # the heading right above the item is printed: 「再委託先による…」 > 「具体的な方法」
    for depth, (_ancestor, names) in enumerate(reversed(cand.chain)):
        hit = _rfind_any(label, names, limit)
        if hit is not None:
            context += min(len(hit[1]), 12)
            limit = hit[0]
            parent_named = parent_named or depth == 0
    return (pos + len(name), parent_named, context, len(name), cand.node.is_leaf, -cand.node.order)


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


def match_label(form: Form, label: str, max_tail: int = 20, numbered: bool = True) -> Match | None:
    """The schema node a published 項目 label names, or None when nothing fits well enough.

    `max_tail`: how many characters may follow the matched name (row numbers, 「（備考）4-②」).
    `numbered=False` for a label already squashed: without its separators and brackets a file's
    「(1)」 cannot be told from a sub-section's 「1.」, so only the names count.
    """
    squashed = squash(label)
    if not squashed:
        return None
    roman = _leading_roman(label)
    numbers = label_numbers(label) if numbered else LabelNumbers(roman, None, None)
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
        under_numeral = roman is not None and cand.top_roman == roman  # 「Ⅱ …」: Ⅱ before the annexes
        key = (cand.agrees(numbers), annex and cand.in_annex, under_numeral, rank)
        if best_key is None or key > best_key:
            best, best_cand, best_key = rank, cand, key
    if best_key is None or not best_key[0]:  # no name of the numbered part: the numbers alone
        node = _by_numbers(form, label, numbers)
        return None if node is None else Match(node, 0.0, _entries(node, squashed, nfkc(label)))
    if best is None or best_cand is None:
        return None
    node = _circled_below(best_cand.node, squashed[best[0]:])
    return Match(node, float(best[2] + best[3]), _entries(node, squashed, nfkc(label)))


def _circled_below(node: Node, tail: str) -> Node:
    """A heading followed by a circled number only (「再委託 ⑨」, 「リスク1 ③」): the item of that
    number below it."""
    if node.is_leaf or not tail or tail[-1] not in _CIRCLED or len(tail.strip("0123456789ー")) != 1:
        return node
    return next((n for n in walk(node.children) if n.label.startswith(tail[-1])), node)


def _by_numbers(form: Form, label: str, numbers: LabelNumbers) -> Node | None:
    """The node a label's numbers alone lead to: section numeral → 「N.」 sub-section → リスクN → the
    last circled item number (「Ⅱ ３．－⑤」 → Ⅱ 3.⑤). None unless every number printed is found."""
    if numbers.section is None or (numbers.sub is None and numbers.risk is None):
        return None
    scope = next((n for n in form.nodes if _roman(n) == numbers.section), None)
    for wanted, numbering in ((numbers.sub, _sub_numbers), (numbers.risk, _risk_numbers)):
        if scope is not None and wanted is not None:
            inside = list(walk(scope.children))  # the current numbering first, then the older ones
            scope = next((n for level in (0, 1) for n in inside if wanted in numbering(form, n)[level]), None)
    if scope is None:
        return None
    circled = [ch for ch in label if ch in _CIRCLED]
    if not circled:
        return scope
    return next((n for n in walk(scope.children) if n.label.startswith(circled[-1])), None)
