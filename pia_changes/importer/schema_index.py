"""The printed labels of a form, indexed for reading a text line by line.

A label is found when a cell (tab-separated text) or the first words of a line (PDF text) equal, once
squashed (NFKC, separators and ※ dropped), a node's key, label or alias; with a different numbering
(「⑩情報の突合」 for 「情報の突合」, 「5. 個人番号の利用」 on the other form) as a weaker match. Group
entries are found by their printed stem and number (「システム3」, 「委託事項2 名称」, 「(1)住民基本台帳ファイル」).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pia_changes.forms import Form, Node, walk
from pia_changes.forms.editions import older_labels
from pia_changes.forms.labelpath import node_path
from pia_changes.forms.labels import squash
from pia_changes.text.normalise import nfkc
from pia_changes.forms.numbering import CIRCLED

_NUMBERING = re.compile(rf"^(?:[{CIRCLED}]+|\d+|(?:VI|IV|V|III|II|I)(?![A-Za-z])|リスク\d*)")
_MARKS = re.compile(r"[*＊]+$")
_WORDS = re.compile(r"[ \t\u3000]+")
_ANNEX = re.compile(r"^別[添紙]\d")
_MAX_WORDS = 4
_BRACKETED = re.compile(r"^([(（][^()（）]{1,8}[)）])(?=\S)")
_MIN_PREFIX = 4
_MIN_TRUNCATED = 15  # a label cut by the layout (「…におけるその他のリスク及び」) is still recognised from this length


def loose(text: str) -> str:
    """A squashed label without its numbering: Ⅱ, 1., ①, リスク1 (repeatedly: 「Ⅲ1.」)."""
    for _ in range(3):
        stripped = _NUMBERING.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def numbered(key: str) -> bool:
    """A squashed label printed with its numbering (①, 1., Ⅲ, リスク1): distinctive enough to start a line."""
    return loose(key) != key or bool(_ANNEX.match(key))


def squashed(text: str) -> str:
    return _MARKS.sub("", squash(text))


@dataclass(frozen=True)
class Hit:
    nodes: tuple[Node, ...]
    exact: bool  # as printed on the form (numbering included), else by name only
    key: str  # the squashed text that matched
    rest: str = ""  # what follows the label on the line (PDF text, headings with a value)


@dataclass(frozen=True)
class GroupPattern:
    group: Node
    header: re.Pattern  # NFKC text → number, name
    placeholder: re.Pattern  # 「システム2~5」: the form's range headings, not entries
    stemless: bool  # '（{n}）{name}': only a number in brackets, recognised in its own section only


class LabelIndex:
    def __init__(self, form: Form) -> None:
        self.form = form
        self.exact: dict[str, list[Node]] = {}
        self.primary: set[str] = set()
        self.loose: dict[str, list[Node]] = {}
        self.prefixes: set[str] = set()
        self.truncations: dict[str, list[Node]] = {}
        for node in walk(form.nodes):
            if node.is_group:
                continue
            for name in self._names(node, older_labels(form.form, node_path(node))):
                self._add(self.exact, name, node)
                self._add(self.loose, loose(name), node)
                self.prefixes.update(name[:k] for k in range(_MIN_PREFIX, len(name)))
                for k in range(_MIN_TRUNCATED, len(name)):
                    self._add(self.truncations, name[:k], node)
            self.primary.add(squashed(node.label))
        self.groups = [_group_pattern(g) for g in walk(form.nodes) if g.is_group]

    @staticmethod
    def _names(node: Node, older: tuple[str, ...]) -> set[str]:
        """Its key, label and aliases, and the labels older editions printed (forms.editions): an
        item that moved is read where the current form has it."""
        names = {squashed(node.key), squashed(node.label), *(squashed(a) for a in (*node.aliases, *older))}
        return {n for n in names if len(n) >= 2}

    @staticmethod
    def _add(table: dict[str, list[Node]], name: str, node: Node) -> None:
        if name and node not in table.setdefault(name, []):
            table[name].append(node)

    def cell(self, text: str) -> Hit | None:
        """A whole cell that is a label."""
        key = squashed(text)
        if not key:
            return None
        if key in self.exact:
            return Hit(tuple(self.exact[key]), True, key)
        short = loose(key)
        if short != key and short in self.loose:
            return Hit(tuple(self.loose[short]), False, key)
        return None

    def words(self, text: str) -> Hit | None:
        """The first words of a line that are a label, the rest being its value (longest label first).
        A bracketed start is a word of its own: 「(別紙1)番号法第19条…」."""
        words = [w for w in _WORDS.split(_BRACKETED.sub(r"\1 ", text.strip(), count=1)) if w]
        for k in range(min(_MAX_WORDS, len(words)), 0, -1):
            hit = self.cell("".join(words[:k]))
            if hit is not None:
                rest = " ".join(words[k:])
                return Hit(hit.nodes, hit.exact, hit.key, rest)
        return None

    def line_label(self, text: str) -> Hit | None:
        return self.cell(text) or self.words(text)

    def is_label_start(self, text: str) -> bool:
        """The line is the beginning of a label the PDF layout wrapped onto the next line."""
        key = squashed(text)
        return len(key) >= _MIN_PREFIX and key in self.prefixes

    def truncated(self, text: str) -> Hit | None:
        """A long label whose end the layout cut off."""
        key = squashed(text)
        nodes = self.truncations.get(key)
        return Hit(tuple(nodes), True, key) if nodes else None

    @staticmethod
    def value_of(hit: Hit, text: str) -> str:
        """The value printed after a label; an annex keeps its whole heading (「(別紙2) 番号法第9条…」)."""
        if hit.rest and _ANNEX.match(hit.key):
            return text.strip()
        return hit.rest

    def is_primary(self, key: str) -> bool:
        return key in self.primary


def _group_pattern(group: Node) -> GroupPattern:
    template = nfkc(group.entry_label or group.key + "{n}")
    stem = template.replace("{n}", "").replace("{name}", "").strip("() ")
    if stem:
        s = re.escape(stem)
        header = re.compile(rf"^{s}\s*(\d+)(?![\d~〜\-－])\s*(.*)$")
        placeholder = re.compile(rf"^{s}\s*\d+\s*[~〜\-－−]\s*\d+\s*$")
        return GroupPattern(group, header, placeholder, False)
    header = re.compile(r"^\(\s*(\d+)\s*\)\s*(\S.{0,60})$")
    return GroupPattern(group, header, re.compile(r"(?!x)x"), True)


@lru_cache(maxsize=8)
def label_index(form: Form) -> LabelIndex:
    return LabelIndex(form)
