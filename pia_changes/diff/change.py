"""What the diff produces and the classifier judges: plain frozen values, no behaviour.

A Change names its item by identity (`item_id`), never by position, so システム3 becoming
システム2 is not a change; the printed labels (with positions) are kept beside it for output.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pia_changes.forms import Node
from pia_changes.forms.labelpath import LABEL_JOIN, join_labels

KINDS = ("変更", "新規", "削除")
Spans = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]  # (before, after), [start, end)


@dataclass(frozen=True)
class Change:
    item_id: str                 # e.g. "I/system[住民記録システム]/name"
    labels: tuple[str, ...]      # printed label path, e.g. ("Ⅰ 基本情報", "2. …システム", "システム1", "①システムの名称")
    kind: str                    # 変更 | 新規 | 削除
    before: str | None           # the value as shown in a table row (Decisions: Before/after in a row)
    after: str | None
    node: Node = field(compare=False, repr=False)  # the schema item, or the group for an added/deleted entry
    old_value: object = field(default=None, compare=False, repr=False)  # typed values, for the classifier
    new_value: object = field(default=None, compare=False, repr=False)
    spans: Spans = ((), ())
    moved: bool = False
    cosmetic: bool = False
    order: int = 0               # the item's position in the form, for row order

    def label(self, separator: str = LABEL_JOIN) -> str:
        return join_labels(self.printed_labels, separator)

    @property
    def printed_labels(self) -> tuple[str, ...]:
        """The label path as printed: a heading that repeats its own item's label (a choice row
        holding sub-rows, e.g. ②過去3年以内に…重大事故が発生したか) is printed once."""
        out: list[str] = []
        for label in self.labels:
            if not out or out[-1] != label:
                out.append(label)
        return tuple(out)


@dataclass(frozen=True)
class TableEdit:
    """An edit of the legacy 変更箇所 rows: never a document change (Decisions: Legacy rows)."""

    index: int
    kind: str
    before: dict | None
    after: dict | None


@dataclass(frozen=True)
class DiffResult:
    changes: tuple[Change, ...]
    table_edits: tuple[TableEdit, ...] = ()

    def significant(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.cosmetic)


@dataclass(frozen=True)
class Classification:
    """The judgement on one Change (Decisions: Reason codes and default wording)."""

    important: bool | None       # None only for cosmetic changes
    reason_code: str | None
    timing_reason: str           # 提出時期に係る説明
    needs_review: bool = False
    review_reason: str | None = None
    required_timing: str | None = None  # 事前 for important, else None
    procedure: tuple[str, ...] = ()
    manual: bool = False
