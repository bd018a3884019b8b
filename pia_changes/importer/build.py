"""The placed cells → the assessment document (schema order, every key present) → deterministic YAML.

Every item of the form is written, null where the text does not fill it, so an import validates and two
imports of nearly the same text differ only where the text does. Empty group entries (「システム8」 with
no name) are dropped; a name printed twice in one group gets its entry heading appended, since names
identify entries (the diff aligns entries by them) and must be unique.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from pia_changes.document.model import FORM_KEY, UNPLACED_KEY, VERSION_KEY
from pia_changes.forms import Form, Node
from pia_changes.document.legacy import LEGACY_KEY
from . import values as v
from pia_changes.importer.placer import Placer
from pia_changes.importer.scopes import PlacedText, Scope
from pia_changes.text.normalise import nfkc

_TEXT_LINE = re.compile(r"[^\S\n]+$", re.MULTILINE)


@dataclass
class Built:
    data: dict
    filled: int = 0
    slots: int = 0
    leftovers: list[tuple[int, str]] = field(default_factory=list)  # text of a cell that is not its value
    notices: list[str] = field(default_factory=list)


def build_document(form: Form, version: str | None, placer: Placer, legacy_rows: list[dict],
                   unplaced: list[tuple[int, str]]) -> Built:
    built = Built(data={FORM_KEY: form.form})
    if version:
        built.data[VERSION_KEY] = version
    writer = _Writer(placer, built)
    for top in form.nodes:
        scope = placer.tops.get(top) or Scope(top, 0)
        built.data[top.key] = writer.node(top, scope)
    built.notices.extend(writer.notices())
    built.data[LEGACY_KEY] = legacy_rows
    built.data[UNPLACED_KEY] = unplaced_entries(unplaced + built.leftovers)
    return built


class _Writer:
    def __init__(self, placer: Placer, built: Built) -> None:
        self.placer = placer
        self.built = built
        self.options = tuple(sorted(placer.all_options, key=len, reverse=True))
        self.renamed: dict[str, list[str]] = {}

    def notices(self) -> list[str]:
        return [f"{group}の名前が前の{group}と同じため、名前の後に（{group}n）を付けました: {'、'.join(labels)}"
                for group, labels in self.renamed.items()]

    def node(self, node: Node, scope: Scope) -> object:
        if node.type == "section":
            return {child.key: self.node(child, scope) for child in node.children}
        if node.is_group:
            return self.group(node, scope)
        value = self.leaf(node, scope)
        self.built.slots += 1
        if value not in (None, "", []):
            self.built.filled += 1
        return value

    def group(self, group: Node, scope: Scope) -> list:
        out = []
        seen: dict[str, int] = {}
        ident = group.identity_node()
        for entry in _ordered(scope.groups.get(group, [])):
            if self._empty(group, entry):
                continue
            rendered = {child.key: self.node(child, entry) for child in group.children}
            self._unique_name(group, ident, rendered, entry, len(out) + 1, seen)
            out.append(rendered)
        return out

    def _unique_name(self, group: Node, ident: Node, rendered: dict, entry: Scope, n: int,
                     seen: dict[str, int]) -> None:
        path = _key_path(ident, group)
        holder = rendered
        for key in path[:-1]:
            holder = holder[key]
        name = holder.get(path[-1])
        if name in (None, ""):
            return
        key = nfkc(str(name)).strip()
        if key in seen:
            label = group.format_entry(entry.number or n, "").strip()
            holder[path[-1]] = f"{name}（{label}）"
            self.renamed.setdefault(group.label, []).append(label)
        seen.setdefault(key, n)

    def _empty(self, group: Node, entry: Scope) -> bool:
        if any(not self.placer.is_empty(entry, node) for node in entry.cells):
            return False
        return all(self._empty(g, e) for g, entries in entry.groups.items() for e in entries)

    def leaf(self, node: Node, scope: Scope) -> object:
        cell = scope.cells.get(node)
        if node.type == "count" and (cell is None or self.placer.value(node, cell) is None):
            return _count_beside(node, scope, self.placer)
        if cell is None:
            return None
        value = self.placer.value(node, cell)
        if node.parent is not None and node.parent.is_group and node.parent.identity == node.id:
            value = v.file_name(value) if group_is_file(node.parent) else value
        self._leftovers(node, cell, value)
        if isinstance(value, str):
            value = _yaml_text(value)
        return value

    def _leftovers(self, node: Node, cell: PlacedText, value: object) -> None:
        """Text of a choice, checkbox, count or date cell that is not its value: kept in 未配置."""
        if node.type == "text":
            return
        for idx, fragment in cell.parts:
            if not fragment.strip():
                continue
            if node.type == "date" and value is None or node.type != "date" and v.leftover(fragment, node, self.options, value):
                self.built.leftovers.append((idx, fragment))


def group_is_file(group: Node) -> bool:
    return "{name}" in (group.entry_label or "") and "{n}" in (group.entry_label or "")


def _key_path(node: Node, group: Node) -> list[str]:
    keys = []
    while node is not group:
        keys.append(node.key)
        node = node.parent
    return keys[::-1]


def _ordered(entries: list[Scope]) -> list[Scope]:
    """By printed number; an entry printed without one stays after the entry it followed."""
    keyed = []
    current = 0
    for entry in entries:
        if entry.number is not None:
            current = entry.number
        keyed.append(((current, entry.number is None, entry.seq), entry))
    return [e for _, e in sorted(keyed, key=lambda p: p[0])]


def _count_beside(node: Node, scope: Scope, placer: Placer) -> int | None:
    """委託件数, 提供件数: printed inside the row of their choice (「[委託する] (2) 件」)."""
    prefixes = [a.split("（")[0] for a in node.aliases if "件" in a and "（" in a]
    siblings = [c for c in node.parent.children if c is not node and c in scope.cells and c.type != "count"]
    for sibling in siblings:
        raw = "\n".join(text for _, text in scope.cells[sibling].parts)
        for prefix in prefixes:
            if (n := v.count_value(raw, prefix)) is not None:
                return n
    counts = [c for c in node.parent.children if c.type == "count"]
    if len(counts) == 1:
        for sibling in siblings:
            raw = "\n".join(text for _, text in scope.cells[sibling].parts)
            if (n := v.count_value(raw)) is not None:
                return n
    return None


def _yaml_text(value: str) -> str:
    return _TEXT_LINE.sub("", value.replace("\t", " ").replace("\r", ""))


def unplaced_entries(items: list[tuple[int, str]]) -> list[dict]:
    """Runs of consecutive source lines, each as {行: "12-14", 本文: text}."""
    out: list[dict] = []
    run: list[tuple[int, str]] = []
    for idx, text in sorted(items, key=lambda p: p[0]):
        text = v.clean_text(text)
        if not text:
            continue
        if run and idx > run[-1][0] + 1:
            out.append(_entry(run))
            run = []
        run.append((idx, text))
    if run:
        out.append(_entry(run))
    return out


def _entry(run: list[tuple[int, str]]) -> dict:
    return {"行": f"{run[0][0] + 1}-{run[-1][0] + 1}", "本文": _yaml_text("\n".join(t for _, t in run))}


def unplaced_lines(entries: list[dict]) -> int:
    total = 0
    for entry in entries:
        first, last = (int(x) for x in entry["行"].split("-"))
        total += last - first + 1
    return total


# ---------------------------------------------------------------- YAML

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dt.date, yaml.SafeDumper.represent_date)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000,
                     default_flow_style=False, indent=2)
