"""The printed 項目 label path: one joiner for the table, validation messages and legacy rows.

`label_separator` in pia-changes.toml overrides it for the table's 項目 (「－」 if a municipality
prefers it); messages and the extended layout's 項目①–④ cells use the default.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pia_changes.forms import Node

LABEL_JOIN = " > "


def join_labels(labels: Iterable[str], separator: str = LABEL_JOIN) -> str:
    return separator.join(labels)


def node_path(node: Node) -> str:
    """The ids from the top section down to NODE, sub-sections included (「I/dept_section/dept_head」):
    how the edition table names a node, whatever its group entries."""
    return "/".join(n.id for n in [*node.ancestors(), node])
