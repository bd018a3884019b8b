"""Form schemas (全項目 / 重点項目 / 基礎項目) loaded from the YAML files beside this module.

The schema is data (see SCHEMA.md); this module only turns it into `Node` trees and answers
questions about ids and label paths, so every other module asks the schema, never a list of items.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pia_changes.errors import PiaError

FORM_FILES = {"全項目": "zenkoumoku.yaml", "重点項目": "juten.yaml", "基礎項目": "kiso.yaml"}
NODE_TYPES = {"section", "text", "choice", "checkbox", "count", "date", "group"}
LEAF_TYPES = NODE_TYPES - {"section", "group"}
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(eq=False)
class Node:
    """One heading, item or repeat group of a form. Identity-compared: nodes are unique in a form."""

    id: str
    key: str
    label: str
    type: str
    star: bool = False
    required: bool = True
    options: tuple[str, ...] = ()
    open_options: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()  # printed among a checkbox's options, not options (「・識別情報」)
    children: list[Node] = field(default_factory=list)
    identity: str | None = None
    entry_label: str | None = None
    aliases: tuple[str, ...] = ()
    threshold: str | None = None
    uncertain: str | None = None
    parent: Node | None = field(default=None, repr=False)
    order: int = 0  # position in a depth-first walk of the form: the table's item order

    @property
    def is_leaf(self) -> bool:
        return self.type in LEAF_TYPES

    @property
    def is_group(self) -> bool:
        return self.type == "group"

    def child_by_key(self, key: str) -> Node | None:
        return self._keys().get(key)

    def child_by_id(self, node_id: str) -> Node | None:
        for child in self.children:
            if child.id == node_id:
                return child
        return None

    def _keys(self) -> dict[str, Node]:
        cached = self.__dict__.get("_key_index")
        if cached is None:
            cached = {c.key: c for c in self.children}
            self.__dict__["_key_index"] = cached
        return cached

    def identity_node(self) -> Node:
        """The child that names an entry of this group (found among nested sections too)."""
        assert self.identity is not None
        for node in walk(self.children):
            if node.id == self.identity and not node.is_group:
                return node
        raise PiaError(f"schema: group {self.id} has no identity child {self.identity}")

    def ancestors(self) -> list[Node]:
        chain: list[Node] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def format_entry(self, n: int, name: object) -> str:
        template = self.entry_label or (self.key + "{n}")
        return template.replace("{n}", str(n)).replace("{name}", "" if name is None else str(name))


@dataclass(eq=False)
class Form:
    """A loaded form schema: its header and its top-level nodes."""

    form: str
    title: str
    yoshiki: str
    version: str
    notes: str
    nodes: list[Node]

    def top(self, key: str) -> Node | None:
        for node in self.nodes:
            if node.key == key:
                return node
        return None

    def all_nodes(self) -> list[Node]:
        return list(walk(self.nodes))

    def star_count(self) -> int:
        return sum(1 for n in walk(self.nodes) if n.is_leaf and n.star)


def walk(nodes: list[Node]):
    """Depth-first, in printed order."""
    for node in nodes:
        yield node
        yield from walk(node.children)


def _build(raw: dict, parent: Node | None, inherited_star: bool, where: str) -> Node:
    try:
        node = Node(
            id=str(raw["id"]), key=str(raw["key"]), label=str(raw.get("label") or raw["key"]),
            type=str(raw.get("type", "text")),
        )
    except KeyError as exc:
        raise PiaError(f"schema {where}: node without {exc.args[0]}: {raw!r}") from None
    if node.type not in NODE_TYPES:
        raise PiaError(f"schema {where}: {node.id}: unknown type {node.type}")
    if not _ID.match(node.id):
        raise PiaError(f"schema {where}: bad id {node.id!r}")
    star = raw.get("star")
    node.star = inherited_star if star is None else bool(star)
    node.required = bool(raw.get("required", node.type != "section"))
    node.options = tuple(str(o) for o in raw.get("options") or ())
    node.open_options = tuple(str(o) for o in raw.get("open_options") or ())
    node.headings = tuple(str(h) for h in raw.get("headings") or ())
    node.identity = raw.get("identity")
    node.entry_label = raw.get("entry_label")
    node.aliases = tuple(str(a) for a in raw.get("aliases") or ())
    node.threshold = raw.get("threshold")
    node.uncertain = raw.get("uncertain")
    node.parent = parent
    # a ※ section covers every item below it, group entries included (Ⅲ リスク対策 > file > …)
    section_star = node.star if node.type in ("section", "group") else False
    node.children = [_build(c, node, section_star, where) for c in raw.get("children") or ()]
    keys = [c.key for c in node.children]
    if len(keys) != len(set(keys)):
        raise PiaError(f"schema {where}: {node.id}: duplicate keys among children")
    if node.is_group and node.identity is None:
        raise PiaError(f"schema {where}: group {node.id} has no identity")
    return node


def _check_ids(nodes: list[Node], where: str) -> None:
    """Leaf ids must be unique within their id scope (top section or group entry)."""
    def scope_ids(children: list[Node], seen: dict[str, Node]) -> None:
        for child in children:
            if child.id in seen:
                raise PiaError(f"schema {where}: id {child.id} used twice in one scope")
            seen[child.id] = child
            if child.type == "section":
                scope_ids(child.children, seen)
            elif child.is_group:
                scope_ids(child.children, {})
    for top in nodes:
        scope_ids(top.children, {})


_SCHEMA_CACHE = "pia-changes schema 2"  # schema 1 held Python objects: never read again


def _schema_data(path: Path) -> dict:
    """The schema file as plain data. PyYAML's C loader takes ~0.15 s on 全項目 (measured), so the
    parse is kept as JSON (data only: json.loads builds plain values and runs no code) where
    Python keeps the module's bytecode (__pycache__, or PYTHONPYCACHEPREFIX; nothing is written
    when bytecode is not), checked against the file's mtime and size as a .pyc is: a command
    that finds it neither imports PyYAML nor parses 70 KB of YAML (Decisions: Speed)."""
    stat = path.stat()
    stamp = [_SCHEMA_CACHE, stat.st_mtime_ns, stat.st_size]
    try:
        cache: Path | None = Path(importlib.util.cache_from_source(str(path.with_suffix(".py")))).with_suffix(".schema.json")
    except (NotImplementedError, ValueError):
        cache = None
    if cache is not None:
        try:
            entry = json.loads(cache.read_bytes())
            if isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp and isinstance(entry[1], dict):
                return entry[1]
        except (OSError, ValueError, RecursionError):  # absent, truncated, garbage: parse the YAML
            pass
    import yaml
    with path.open("rb") as fh:
        raw = yaml.load(fh, Loader=yaml.CSafeLoader)
    if cache is not None and not sys.dont_write_bytecode:
        temp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        try:
            data = json.dumps([stamp, raw], ensure_ascii=False).encode("utf-8")
            if json.loads(data) != [stamp, raw]:
                return raw  # not plain JSON data (a date, a non-string key): not cached
            cache.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(data)
            os.replace(temp, cache)
        except (OSError, ValueError, TypeError):  # not writable, or not plain data: only slower
            temp.unlink(missing_ok=True)
    return raw


@lru_cache(maxsize=None)
def load_form(name: str) -> Form:
    """Load a form by its name (全項目, 重点項目, 基礎項目). Cached: forms never change at run time."""
    if name not in FORM_FILES:
        raise PiaError(f"未知の様式です: {name}（全項目・重点項目・基礎項目のいずれか）")
    path = Path(__file__).with_name(FORM_FILES[name])
    raw = _schema_data(path)
    nodes = [_build(n, None, False, path.name) for n in raw["nodes"]]
    _check_ids(nodes, path.name)
    for order, node in enumerate(walk(nodes)):
        node.order = order
    return Form(form=raw["form"], title=raw["title"], yoshiki=raw["yoshiki"],
                version=str(raw.get("version", "")), notes=raw.get("notes", ""), nodes=nodes)
