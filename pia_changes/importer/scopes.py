"""The containers placement fills: a top-level section or a group entry (Scope) and the cells of its items."""
from __future__ import annotations

from dataclasses import dataclass, field

from pia_changes.forms import Node

TABBED, PDF = "tabbed", "pdf"


@dataclass(eq=False)
class PlacedText:
    """The text fragments placed on one item while importing (not a published 変更箇所 cell:
    that is rebuild.cells.Cell)."""

    parts: list[tuple[int, str]] = field(default_factory=list)  # (0-based line, raw fragment)
    labelled: bool = False  # its printed label was seen (not only marks or a choice whose label was lost)


@dataclass(eq=False)
class Scope:
    """A top-level section or one entry of a repeat group: the cells of its leaves, its nested groups."""

    node: Node
    seq: int
    cells: dict[Node, PlacedText] = field(default_factory=dict)
    groups: dict[Node, list[Scope]] = field(default_factory=dict)
    number: int | None = None  # the printed entry number (「委託事項3」)
    headed: bool = False  # its printed heading was seen


def top_of(node: Node) -> Node:
    chain = node.ancestors()
    return chain[0] if chain else node


def groups_above(node: Node) -> list[Node]:
    return [a for a in node.ancestors() if a.is_group]


def innermost_group(node: Node) -> Node | None:
    chain = groups_above(node)
    return chain[-1] if chain else None
