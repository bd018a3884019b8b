"""Unlabelled lines: the value of the item above, a choice or boxes whose label the extraction lost, the
sole text of a heading (（別添2）'s 記録項目), or 未配置. A mixin of Placer, which holds the cursor."""
from __future__ import annotations

import unicodedata

from pia_changes.forms import Node, walk
from . import values as v
from pia_changes.importer.scopes import PDF, TABBED, PlacedText, Scope, innermost_group


class Continuation:
    """The part of Placer that reads lines without a label (it uses Placer's cursor: last, cursor, context)."""

    def text(self, fragment: str, idx: int) -> None:
        """An unlabelled line (or the cells of one): the value of the item above, or 未配置."""
        if not fragment.strip():
            return
        brackets = v.bracket_options(fragment, loose=self.mode == PDF)
        furniture = v.is_furniture(fragment, self.all_options)
        if furniture and not brackets:
            self._furniture(fragment, idx)
            return
        if furniture:  # 「[十分に行っている] <選択肢> 1) …」: a choice on its own line, its label above or lost
            if self.last is not None and self.last[1].type == "choice" and self._continue(*self.last, fragment, idx):
                return
            if not self._lost_choice(fragment, idx):
                self._furniture(fragment, idx)
            return
        if self.last is not None and self._continue(self.last[0], self.last[1], fragment, idx):
            return
        if brackets and self._lost_choice(fragment, idx):
            return
        if self._lost_checkbox(fragment, idx) or self._lost_text_label(fragment, idx):
            return
        if self.last is None and self.context is not None and (sole := self.sole_text(self.context)) is not None:
            scope = self.open(sole)
            self.add(scope, sole, idx, fragment)
            self.last = (scope, sole)
            return
        self.unplaced.append((idx, fragment))

    def _furniture(self, fragment: str, idx: int) -> None:
        """Option lists and marks belong to the choice above (they are not its value); else nothing."""
        if self.last is not None and self.last[1].type == "count":
            self.add(*self.last, idx, fragment)
        elif not self._lost_count(fragment, idx) and self.last is not None and self.last[1].type != "text":
            self.add(*self.last, idx, fragment)

    def _lost_count(self, fragment: str, idx: int) -> bool:
        """PDF: 「( 5 ) 件」 on a line of its own, away from its label (the layout printed it before 「委託の有無」):
        the nearest empty count item of the open entries."""
        if self.mode != PDF or v.count_value(fragment) is None:
            return False
        node = self._closest(self._nearby("count"))
        scope = self.peek(node) if node is not None else None
        if scope is None:
            return False
        self.add(scope, node, idx, fragment)  # the entries stay as they are: the label's rows may follow
        return True

    def _continue(self, scope: Scope, node: Node, fragment: str, idx: int) -> bool:
        if node.type == "text" and self._is_name(node) and not self.is_empty(scope, node) and _letters(fragment) < 2:
            return False  # 「ー」 under a name is no part of it
        if node.type == "text":
            if self.mode == PDF and v.has_marks(fragment) and self._lost_checkbox(fragment, idx):
                return True  # boxes the layout put among a text's lines
            self.add(scope, node, idx, fragment)
            return True
        if node.type == "checkbox" and self.mode == PDF and v.has_marks(fragment) and not v.mentions(fragment, node) \
                and self._lost_checkbox(fragment, idx):
            return True  # boxes of the neighbouring row, which the layout interleaved with this one's
        if node.type == "checkbox" and (v.has_marks(fragment) or v.checkbox_value("[○] " + fragment, node)
                                        or v.is_heading(fragment, node)
                                        or v.completes_option(scope.cells[node].parts[-1][1], fragment, node)):
            self.add(scope, node, idx, fragment)
            return True
        if node.type == "choice":
            found = [o for o in (v.option_of(b, node, fuzzy=True) for b in v.bracket_options(fragment, loose=self.mode == PDF)) if o]
            if found and self.is_empty(scope, node):
                self.add(scope, node, idx, fragment)
                return True
            if found and found[0] == self.value(node, scope.cells[node]):
                if self._lost_choice(fragment, idx, after=node):  # the same answer on the next row, its label lost
                    return True
                self.add(scope, node, idx, fragment)  # the answer printed again under its list
                return True
            return False
        if node.type in ("count", "date") and self.is_empty(scope, node):
            probe = PlacedText([(idx, fragment)])
            if self.value(node, probe) is not None:
                self.add(scope, node, idx, fragment)
                return True
        return False

    @staticmethod
    def _is_name(node: Node) -> bool:
        group = innermost_group(node)
        return group is not None and group.identity_node() is node

    def _nearby(self, kind: str) -> list[Node]:
        """Items of KIND in the open entries of the current top-level section, empty where they would go."""
        out = []
        for node in walk([self.top]):
            if node.type == kind and (scope := self.peek(node)) is not None and self.is_empty(scope, node):
                out.append(node)
        return out

    def _closest(self, nodes: list[Node]) -> Node | None:
        if not nodes:
            return None
        here = self.cursor.order if self.cursor is not None else 0
        if self.mode == TABBED:
            return min(nodes, key=lambda n: (n.order <= here, abs(n.order - here)))
        return min(nodes, key=lambda n: abs(n.order - here))

    def _lost_choice(self, fragment: str, idx: int, after: Node | None = None) -> bool:
        """「[十分に整備している]」 on a line whose label the extraction lost: the nearest empty choice offering it
        (with AFTER, only a later one under the same heading)."""
        brackets = v.bracket_options(fragment, loose=self.mode == PDF)
        if not brackets:
            return False
        fits = [n for n in self._nearby("choice") if any(v.option_of(b, n) for b in brackets)]
        if after is not None:
            fits = [n for n in fits if n.order > after.order and after.parent in n.ancestors()]
        node = self._closest(fits)
        if node is None:
            return False
        scope = self.open(node)
        self.add(scope, node, idx, fragment)
        self.last = (scope, node)
        self.cursor = node
        return True

    def _lost_text_label(self, fragment: str, idx: int) -> bool:
        """Tab-separated: a row whose label cell is empty after an answered choice or box (「①実施の有無」, then
        「②法令上の根拠」's text with no label): the next item of the form, when it is a text still empty."""
        node = self.cursor
        if self.mode != TABBED or node is None or node.type not in ("choice", "checkbox") or node.parent is None:
            return False
        siblings = node.parent.children
        nxt = siblings[siblings.index(node) + 1] if siblings.index(node) + 1 < len(siblings) else None
        scope = self.peek(nxt) if nxt is not None and nxt.type == "text" else None
        if scope is None or not self.is_empty(scope, nxt):
            return False
        self.add(scope, nxt, idx, fragment)
        self.last, self.cursor = (scope, nxt), nxt
        return True

    def _lost_checkbox(self, fragment: str, idx: int) -> bool:
        """Boxes on a line of their own (PDF): the checkbox item offering the options they name, nearest first."""
        if not v.has_marks(fragment):
            return False
        scored = [(v.mentions(fragment, n), n) for n in walk([self.top])
                  if n.type == "checkbox" and self.peek(n) is not None]
        best = max((score for score, _ in scored), default=0)
        if best == 0:
            return False
        node = self._closest([n for score, n in scored if score == best])
        if node is None:
            return False
        scope = self.open(node)
        self.add(scope, node, idx, fragment)
        self.last = (scope, node)
        return True


def _letters(text: str) -> int:
    return sum(unicodedata.category(ch)[0] in "LN" for ch in text)
