"""Placing labelled text into the form: a cursor in the schema tree, shared by the tab-separated and
the PDF readers (which only cut lines into labels, headings, entry headers and text).

A label is resolved among the nodes printed with that name: within the current top-level section first
(any section only for a label printed as on the form), then ranked by
- an entry already open for the node's repeat groups (a label after 「提供先1」 is 提供先1's),
- whether the node is still empty in the entry it would go to,
- how close it sits to the current heading (「具体的な方法」 under 「特定個人情報の使用の記録」),
- its distance in printed order from the last placed item.
Tab-separated text prints every entry's heading, so an empty node wins over an open entry (「①法令上
の根拠」 after 提供先2 with no 「移転先1」 line is 移転先1's). PDF layouts print entries in any order and
drop headings, so an open entry wins, then a place needing no new entry, and a label met twice starts a
new entry of 委託事項, 提供先 … (not of a file), which a later 「委託事項2」 heading names.
"""
from __future__ import annotations

from pia_changes.forms import Form, Node, walk
from pia_changes.text.normalise import compare_key
from . import values as v
from pia_changes.importer.continuation import Continuation
from pia_changes.importer.schema_index import GroupPattern, Hit, LabelIndex, numbered
from pia_changes.importer.scopes import PDF, TABBED, PlacedText, Scope, groups_above, innermost_group, top_of


class Placer(Continuation):
    """The cursor over the form while a reader feeds it labels, headings, entry headings and text."""

    def __init__(self, form: Form, index: LabelIndex, mode: str) -> None:
        self.form = form
        self.index = index
        self.mode = mode
        self.tops: dict[Node, Scope] = {}
        self.stacks: dict[Node, list[Scope]] = {}
        self.top: Node = form.nodes[0]
        self.context: Node | None = None  # the last heading, or the parent of the last placed item
        self.cursor: Node | None = None  # the last placed item or heading (printed order)
        self.last: tuple[Scope, Node] | None = None  # where unlabelled text continues
        self.unplaced: list[tuple[int, str]] = []
        self.seq = 0
        self.all_options = frozenset(v.norm(o) for n in walk(form.nodes) for o in n.options)
        self._sole_text: dict[Node, Node | None] = {}

    # ------------------------------------------------------------------ scopes

    def scope_of_top(self, top: Node) -> Scope:
        if top not in self.tops:
            self.tops[top] = self._new_scope(top)
        return self.tops[top]

    def _new_scope(self, node: Node) -> Scope:
        self.seq += 1
        return Scope(node, self.seq)

    def switch_top(self, top: Node) -> None:
        if top is not self.top:
            self.top = top
            self.context = None
        self.scope_of_top(top)

    def peek(self, node: Node) -> Scope | None:
        """The scope NODE's cell would go to now, or None when a new group entry would be needed."""
        top = top_of(node)
        scope = self.scope_of_top(top) if top in self.tops else None
        if scope is None:
            return None if groups_above(node) else Scope(top, 0)
        stack = self.stacks.get(top, [])
        for level, group in enumerate(groups_above(node)):
            if level < len(stack) and stack[level].node is group and stack[level] in scope.groups.get(group, ()):
                scope = stack[level]
                continue
            entries = scope.groups.get(group, [])
            if entries and self._fresh(entries[-1], group):
                scope = entries[-1]
                continue
            return None
        return scope

    def open(self, node: Node, new_at: Node | None = None) -> Scope:
        """The scope of NODE, opening (or creating) the entries of its groups; NEW_AT forces a new entry."""
        top = top_of(node)
        self.switch_top(top)
        scope = self.tops[top]
        stack = self.stacks.get(top, [])
        path: list[Scope] = []
        for level, group in enumerate(groups_above(node)):
            entries = scope.groups.setdefault(group, [])
            if group is not new_at and level < len(stack) and stack[level].node is group and stack[level] in entries:
                entry = stack[level]
            elif group is not new_at and entries and self._fresh(entries[-1], group):
                entry = entries[-1]
            else:
                entry = self._new_scope(group)
                entries.append(entry)
            path.append(entry)
            scope = entry
        self.stacks[top] = path
        return scope

    def _fresh(self, entry: Scope, group: Node) -> bool:
        """An entry opened by a label before its heading (PDF) and not named yet: the next label may reopen it."""
        return not entry.headed and self.is_empty(entry, group.identity_node())

    # ------------------------------------------------------------------ cells and values

    def is_empty(self, scope: Scope, node: Node) -> bool:
        cell = scope.cells.get(node)
        return cell is None or self.value(node, cell) in (None, "", [])

    def value(self, node: Node, cell: PlacedText) -> object:
        frags = [text for _, text in cell.parts]
        if node.type == "text":
            return v.text_value(frags)
        raw = "\n".join(frags)
        if node.type == "choice":
            return v.choice_value(raw, node, loose=self.mode == PDF)
        if node.type == "checkbox":
            return v.checkbox_value(raw, node)
        if node.type == "count":
            return v.count_value(raw)
        if node.type == "date":
            return v.date_value(frags)
        return v.text_value(frags)

    def add(self, scope: Scope, node: Node, idx: int, fragment: str) -> None:
        scope.cells.setdefault(node, PlacedText()).parts.append((idx, fragment))

    def finish(self) -> None:
        """PDF: a file entry that never got its name (items printed after the last file's heading) joins the
        named entry before it; what both fill stays with the named one and the rest goes to 未配置."""
        if self.mode != PDF:
            return
        for top, scope in self.tops.items():
            for group, entries in scope.groups.items():
                if group.parent is not top:
                    continue
                kept: list[Scope] = []
                for entry in entries:
                    if kept and self.is_empty(entry, group.identity_node()):
                        self._merge(kept[-1], entry)
                    else:
                        kept.append(entry)
                entries[:] = kept

    def _merge(self, into: Scope, entry: Scope) -> None:
        for node, cell in entry.cells.items():
            if node not in into.cells or self.is_empty(into, node):
                into.cells[node] = cell
            elif node.type == "text":
                into.cells[node].parts.extend(cell.parts)
            else:
                self.unplaced.extend(p for p in cell.parts if p[1].strip())
        for group, entries in entry.groups.items():
            into.groups.setdefault(group, []).extend(entries)

    # ------------------------------------------------------------------ resolution

    def resolve(self, hit: Hit, any_top: bool = True) -> Node | None:
        here = [n for n in hit.nodes if top_of(n) is self.top]
        if not here and any_top and hit.exact and numbered(hit.key):
            here = list(hit.nodes)  # only a label printed with its numbering moves to another section
        if not here:
            return None
        # 「ユーザ認証の管理 [行っている]」 names both the row's section and the choice inside it: the choice.
        here = [n for n in here if not any(o is not n and n in o.ancestors() for o in here)]
        return max(here, key=self._rank)

    def _rank(self, node: Node) -> tuple:
        target = self.peek(node)
        empty = 1 if node.type == "section" or target is None or self.is_empty(target, node) else 0
        affinity = self._affinity(node)
        near = self._common_depth(node)
        if self.cursor is None:
            distance = 0.0
        else:
            d = node.order - self.cursor.order
            distance = -(d if d > 0 else 100000 - d) if self.mode == TABBED else -abs(d) + (0.5 if d > 0 else 0)
        if self.mode == TABBED:
            return (empty, affinity, near, distance)
        return (affinity, target is not None, empty, near, distance)

    def _affinity(self, node: Node) -> int:
        stack = [s.node for s in self.stacks.get(top_of(node), [])] if top_of(node) is self.top else []
        n = 0
        for group, opened in zip(groups_above(node), stack):
            if group is not opened:
                break
            n += 1
        return n

    def _common_depth(self, node: Node) -> int:
        if self.context is None:
            return 0
        mine = node.ancestors() + [node]
        theirs = self.context.ancestors() + [self.context]
        n = 0
        for a, b in zip(mine, theirs):
            if a is not b:
                break
            n += 1
        return n

    # ------------------------------------------------------------------ events from the readers

    def label(self, hit: Hit, fragments: list[str], idx: int, any_top: bool = True) -> bool:
        """A printed label with its value fragments (possibly none); False when no node takes it."""
        node = self.resolve(hit, any_top)
        if node is None:
            return False
        if node.type == "section":
            self.heading(node)
            if any(f.strip() for f in fragments):
                self._section_value(node, fragments, idx)
            return True
        self.item(node, fragments, idx)
        return True

    def item(self, node: Node, fragments: list[str], idx: int) -> None:
        target = self.peek(node)
        if target is not None and node.type == "text" and self._repeated(target, node, fragments):
            target.cells[node].parts.append((idx, ""))  # a heading printed again on the next page
            self.open(node)
            self.last, self.context, self.cursor = (target, node), node.parent, node
            return
        new_at = None
        group = innermost_group(node)
        met_twice = target is not None and not self.is_empty(target, node) and target.cells[node].labelled
        if met_twice and group is not None and (group.identity_node() is node or self._small(group)):
            new_at = group  # a second name, or (PDF) a label met twice in 委託事項, 提供先 …: the next entry
        scope = self.open(node, new_at)
        cell = scope.cells.get(node)
        if cell is not None and fragments and not self.is_empty(scope, node) and self._same(node, cell, fragments):
            cell.parts.append((idx, ""))  # the same value printed again (a heading repeated on a new page)
        else:
            cell = scope.cells.setdefault(node, PlacedText())
            cell.parts.extend((idx, f) for f in fragments) if fragments else cell.parts.append((idx, ""))
        cell.labelled = True
        self.last = (scope, node)
        self.context = node.parent
        self.cursor = node

    def _small(self, group: Node) -> bool:
        """PDF: a group whose entries are told apart by their labels repeating (not a file: a file's label met
        twice is more often a block the layout printed twice than the next file, which Ⅱ/Ⅲ headings start)."""
        return self.mode == PDF and group.parent is not None and group.parent.parent is not None

    def _repeated(self, scope: Scope, node: Node, fragments: list[str]) -> bool:
        """FRAGMENTS begin the way the item's text begins (「別紙２ 「行政手続…」」 atop every page of a table)."""
        cell = scope.cells.get(node)
        if cell is None or not cell.labelled or self.is_empty(scope, node) or not fragments:
            return False
        new = compare_key(v.clean_text(fragments[0]).split("\n")[0])
        old = compare_key(str(self.value(node, cell)).split("\n")[0])
        return len(new) >= 4 and (old.startswith(new) or new.startswith(old) and len(old) >= 4)

    def _same(self, node: Node, cell: PlacedText, fragments: list[str]) -> bool:
        return self.value(node, PlacedText([(0, f) for f in fragments])) == self.value(node, cell)

    def _section_value(self, section: Node, fragments: list[str], idx: int) -> None:
        """The value printed beside a section's heading: 「4. 特定個人情報ファイルの取扱いの委託 [] 委託しない」
        is the section's own checkbox; 「再委託 <p>⑦再委託の有無 ※</p> <p>〔再委託しない〕</p>」 holds a label."""
        raw = "\n".join(fragments)
        text = v.clean_text(raw)
        hit = self.index.words(text.split("\n")[0]) if text else None
        inner = [n for n in hit.nodes if section in n.ancestors()] if hit is not None else []
        if inner:
            self.item(inner[0], [raw], idx)
            return
        for child in section.children:
            if child.type in ("choice", "checkbox") and self.value(child, PlacedText([(0, raw)])) is not None:
                scope = self.open(child)
                self.add(scope, child, idx, raw)
                self.last = (scope, child)
                self.cursor = child
                return
        if not all(v.is_furniture(line, self.all_options) for line in text.split("\n")):
            self.unplaced.append((idx, raw))

    def heading(self, section: Node) -> None:
        top = top_of(section)
        if section is top:
            self.switch_top(top)
            self.stacks[top] = []  # a top heading printed again (Ⅱ, Ⅲ per file) closes the entries
        else:
            self.open(section)
        self.context = section
        self.cursor = section
        self.last = None

    def header(self, pattern: GroupPattern, number: int, name: str | None, idx: int) -> None:
        """A printed entry heading: 「システム3」, 「委託事項2 名称」, 「(1)住民基本台帳ファイル」."""
        group = pattern.group
        parent = self.open(group)
        entries = parent.groups.setdefault(group, [])
        ident = group.identity_node()
        last = entries[-1] if entries else None
        if last is not None and not last.headed and (name is None or self.is_empty(last, ident)):
            entry = last  # its items came first (PDF): the heading names them
        else:
            entry = self._new_scope(group)
            entries.append(entry)
        entry.headed, entry.number = True, number
        if name and self.is_empty(entry, ident):
            entry.cells.setdefault(ident, PlacedText()).parts.append((idx, name))
        self.stacks[top_of(group)] = self.stacks.get(top_of(group), [])[: len(groups_above(group))] + [entry]
        self.context = group
        self.cursor = group
        if name:
            sole = self.sole_text(group)
            self.last = (entry, sole) if sole is not None else None
        else:
            self.last = (entry, ident)

    def sole_text(self, node: Node) -> Node | None:
        """The one text item under NODE besides entry names (「記録項目」 of （別添2）): where its lines go."""
        if node not in self._sole_text:
            names = {g.identity_node() for g in walk([node]) if g.is_group}
            texts = [n for n in walk(node.children if node.children else [node])
                     if n.type == "text" and n not in names]
            self._sole_text[node] = texts[0] if len(texts) == 1 else None
        return self._sole_text[node]
