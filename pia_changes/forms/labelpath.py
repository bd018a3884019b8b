"""The printed 項目 label path: one joiner for the table, validation messages and legacy rows.

`label_separator` in pia-changes.toml overrides it for the table's 項目 (「－」 if a municipality
prefers it); messages and the extended layout's 項目①–④ cells use the default.
"""
from __future__ import annotations

from collections.abc import Iterable

LABEL_JOIN = " > "


def join_labels(labels: Iterable[str], separator: str = LABEL_JOIN) -> str:
    return separator.join(labels)
