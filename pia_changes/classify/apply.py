"""The one classify loop: each change of a commit judged with the trailers and config that apply.

generate, check, diff and report all judge through `judge_changes`, so a rule or a trailer
means the same thing at commit time and in the published table (Decisions: Trailers).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pia_changes.classify.rules import ClassifyContext, classify
from pia_changes.classify.trailers import Trailers
from pia_changes.config import Config
from pia_changes.diff.change import Change, Classification

NO_TRAILERS = Trailers()


@dataclass(frozen=True)
class Judged:
    """A change, its verdict, and the trailer values (per item over commit-wide) that apply to it."""

    change: Change
    verdict: Classification
    change_date: dt.date | None = None   # 変更日 trailer, None: the commit date stands in
    timing: str | None = None            # 提出時期 trailer (事前 | 事後), None: from the tags

    @property
    def declared_after(self) -> bool:
        """A 重要な変更 that its own commit declares 事後 (Decisions 2026-12-06: declared_after)."""
        return bool(self.verdict.important) and self.timing == "事後"


def own_trailers(trailers: Trailers, change: Change, changes: Sequence[Change]) -> dict[str, object]:
    """Trailer values written for this change's ITEM: its item id, or a part of its label path
    that names this change and no other change of the commit (Decisions: Trailers)."""
    values: dict[str, object] = {}
    for item, fields in trailers.per_item.items():
        if item == change.item_id:
            values.update(fields)
            continue
        hits = [c for c in changes if item in c.item_id or item in "".join(c.labels)]
        if len(hits) == 1 and hits[0] is change:
            values.update(fields)
    return values


def trailer_values(trailers: Trailers, change: Change, changes: Sequence[Change]) -> dict[str, object]:
    """The 変更日, 提出時期, 説明 and 判定 that apply to CHANGE: its own over the commit-wide ones."""
    own = own_trailers(trailers, change, changes)
    return {name: own.get(name) or getattr(trailers, name) for name in ("change_date", "timing", "reason", "decision")}


def judge_changes(changes: Sequence[Change], form: str, config: Config,
                  trailers: Trailers | None = None) -> list[Judged]:
    """Each change judged; cosmetic ones are judged too (as not classified) so callers keep order."""
    trailers = trailers or NO_TRAILERS
    out = []
    for change in changes:
        values = trailer_values(trailers, change, changes)
        context = ClassifyContext(form, config, decision=values["decision"],
                                  reason_text=values["reason"])  # type: ignore[arg-type]
        out.append(Judged(change, classify(change, context), values["change_date"],  # type: ignore[arg-type]
                          values["timing"]))  # type: ignore[arg-type]
    return out
