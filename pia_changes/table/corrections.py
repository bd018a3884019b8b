"""Corrections of pending changes (Decisions 2026-12-06): a fix committed before a change takes
effect belongs to that change's row, so the table never runs backwards.

A commit C without its own 変更日 that edits an item whose latest earlier change P takes effect
after C was made, and is not yet submitted, takes P's 変更日: P and C become one row (変更前 before
P, 変更後 after C, C's commit), with an info `date_order` finding. Otherwise rows stay apart, and a
变更日 earlier than the previous change of the same item is a `date_order` warning.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pia_changes.diff.semantic import leaf_change
from pia_changes.table.findings import FindingCollector

if TYPE_CHECKING:
    from pia_changes.table.build import Computed


@dataclass
class _Slot:
    computed: Computed | None  # None: a correction undid the change it corrected


def merge_corrections(computed: list[Computed], findings: FindingCollector, separator: str) -> list[Computed]:
    """COMPUTED in commit order → the rows to print, corrections merged into what they correct."""
    slots: list[_Slot] = []
    latest: dict[str, _Slot] = {}
    for c in computed:
        slot = latest.get(c.change.item_id)
        previous = slot.computed if slot is not None else None
        label = c.change.label(separator)
        if previous is not None and not c.dated and not previous.submitted and previous.change_date > c.change_date:
            slot.computed = _merged(previous, c)
            outcome = "一つの行にしました" if slot.computed is not None else "元に戻したため、どちらも表に載せません"
            findings.add("info", "date_order",
                         f"{label}: コミット {c.revision.sha[:7]} は変更日 {previous.change_date.isoformat()} の変更"
                         f"（{previous.revision.sha[:7]}、未提出）の訂正とみなし、{outcome}", c.revision.sha, c.change.item_id)
            continue
        if previous is not None and c.change_date < previous.change_date:
            findings.add("warning", "date_order",
                         f"{label}: 変更日 {c.change_date.isoformat()} が、前の変更（{previous.revision.sha[:7]}、変更日 "
                         f"{previous.change_date.isoformat()}）より前です。変更日のトレーラーを確認してください",
                         c.revision.sha, c.change.item_id)
        slot = _Slot(c)
        latest[c.change.item_id] = slot
        slots.append(slot)
    return [s.computed for s in slots if s.computed is not None]


def _merged(p: Computed, c: Computed) -> Computed | None:
    """P and its correction C as one change from P's before to C's after, on P's date and verdict."""
    node = c.change.node
    if not node.is_leaf:  # a whole entry put back as it was (added then withdrawn, deleted then restored):
        # nothing ever took effect
        return None if p.change.old_value == c.change.new_value else replace(c, change_date=p.change_date)
    change = leaf_change(node, p.change.old_value, c.change.new_value, c.change.item_id, c.change.labels)
    if change is None or change.cosmetic:
        return None
    return replace(p, change=change, revision=c.revision)  # P is not submitted, so neither is C
