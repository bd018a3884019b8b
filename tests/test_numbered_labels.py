"""Numbers before words (issue 26, item 2): labels generated from the form schemas, for every item of
every form, in the widths, separators and abbreviations publishers use — 「Ⅲ リスク対策 ５．－リスク３
－リスクに対する措置の内容」, 「III-5-リスク3-…」, 「Ⅱ > ３． > ⑤」 — must land on the numbered item,
never on a nearer-sounding one elsewhere.

The generator is a rule over the schema, not a list: a numbered heading (「5. 特定個人情報の提供・移転」,
「リスク3：…」) may be printed by its number alone, since the number is what identifies it; a heading
without a number (「ユーザ認証の管理」) is printed by name, and a group entry by its stem and a number.
The item itself is printed by its label, or by its circled number alone where that number is unique
in the numbered part of the form it sits in.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pia_changes.forms import FORM_FILES, Node, load_form, walk
from pia_changes.forms.numbering import CIRCLED, section_numeral
from pia_changes.forms.rowmatch import match_row

_DOTTED = re.compile(r"^(\d{1,2})[.．]\s*(.*)$")
_RISK = re.compile(r"^リスク(\d{1,2})?[:：](.*)$")
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
# (separator, digits wide, number ending, numbered headings by number only, top printed with its name)
STYLES = (
    (" > ", False, ".", False, True),
    ("－", True, "．", True, True),
    ("-", False, "", True, False),
    ("ー", True, "．", True, False),
    ("＞", False, ". ", False, False),
    (" ", True, "", True, True),
)


def _number(n: str, wide: bool) -> str:
    return n.translate(_WIDE) if wide else n


def _part(node: Node, style: tuple) -> str:
    """How one heading on the way is printed in STYLE."""
    _sep, wide, ending, by_number, _top = style
    if node.is_group:
        stem = (node.entry_label or node.key + "{n}").replace("{name}", "対象ファイル")
        return stem.replace("{n}", _number("2", wide))
    if (m := _DOTTED.match(node.label)) is not None:
        return _number(m[1], wide) + ending + ("" if by_number else m[2])
    if node.type == "section" and (m := _RISK.match(node.label)) is not None:
        risk = _number(m[1] or "1", wide)
        return f"リスク{risk}" if by_number else f"リスク{risk}：{m[2]}"
    return node.label


def _top(top: Node, style: tuple) -> str:
    numeral = section_numeral(top.label) or ""
    if style[3] and style[2] == "":
        numeral = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI"}.get(numeral, numeral)
    return top.label if style[4] else numeral


def _numbered_scope(node: Node) -> Node | None:
    """The innermost numbered heading (「N.」 or リスクN) above NODE: where its circled number counts."""
    return next((a for a in reversed(node.ancestors())
                 if _DOTTED.match(a.label) or (a.type == "section" and _RISK.match(a.label))), None)


def _circled_alone(node: Node) -> str | None:
    """The item's circled number, when no other node of its numbered part starts with it before it."""
    first = node.label[:1]
    scope = _numbered_scope(node)
    if first not in CIRCLED or scope is None:
        return None
    starting = [n for n in walk(scope.children) if n.label.startswith(first)]
    return first if starting and starting[0] is node else None


def labels(form_name: str) -> Iterator[tuple[Node, str]]:
    """Every item of the form under a numbered top section, in every style."""
    form = load_form(form_name)
    for top in form.nodes:
        if section_numeral(top.label) in (None, "別添"):
            continue
        for node in walk(top.children):
            if not node.is_leaf:
                continue
            chain = node.ancestors()[1:]
            for k, style in enumerate(STYLES):
                own = node.label
                if k % 2 and (circled := _circled_alone(node)) is not None:
                    own = circled
                parts = [_top(top, style), *(_part(a, style) for a in chain), own]
                yield node, style[0].join(p for p in parts if p)


def _lands_on(match, node: Node) -> bool:
    """The matcher's node is the item, or the heading whose first item it is (a choice row with
    sub-rows is a section holding the choice under the same key)."""
    return match is not None and match.node is node


@pytest.mark.parametrize("form_name", list(FORM_FILES))
def test_every_numbered_label_lands_on_its_item(form_name):
    form = load_form(form_name)
    misses = []
    total = 0
    for node, label in labels(form_name):
        total += 1
        match = match_row(form, label, None, None)
        if not _lands_on(match, node):
            misses.append((label, node.id, match and match.node.id))
    print(f"{form_name}: {total - len(misses)}/{total} generated labels placed")
    assert not misses, misses[:20]


def test_the_issue_example_means_its_numbered_risk():
    """「Ⅲ リスク対策 ５．－リスク３」 is 5.特定個人情報の提供・移転, リスク3, not 2.入手's リスク3."""
    form = load_form("全項目")
    match = match_row(form, "Ⅲ リスク対策 ５．－リスク３－リスクに対する措置の内容", None, None)
    assert match is not None
    assert [a.id for a in match.node.ancestors()][-2:] == ["provide", "provide_r3"]


def test_numbers_alone_name_an_item():
    """A label without words below its sub-section is placed by its numbers: Ⅱ 3.⑤ is 本人への明示."""
    form = load_form("全項目")
    match = match_row(form, "Ⅱ ３．－⑤", None, None)
    assert match is not None and match.node.label == "⑤本人への明示"


def test_a_number_the_form_lacks_places_nothing():
    """重点項目 has one risk under Ⅲ 5: 「リスク3」 there is no item, and the 「リスクに対する措置の内容」
    of another sub-section must not be taken for it."""
    assert match_row(load_form("重点項目"), "Ⅲ－5－リスク3－リスクに対する措置の内容", None, None) is None
