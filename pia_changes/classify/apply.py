"""The one classify loop: each change of a commit judged with the trailers and config that apply.

generate, check, diff and report all judge through `judge_changes`, so a rule or a trailer
means the same thing at commit time and in the published table (Decisions: Trailers).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from pia_changes.classify.rules import ClassifyContext, classify
from pia_changes.classify.trailers import Decision, Trailers
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


def judge_changes(changes: Sequence[Change], form: str, config: Config,
                  trailers: Trailers | None = None) -> list[Judged]:
    """Each change judged; cosmetic ones are judged too (as not classified) so callers keep order."""
    trailers = trailers or NO_TRAILERS
    out = []
    for change in changes:
        own = own_trailers(trailers, change, changes)
        decision: Decision | None = own.get("decision") or trailers.decision  # type: ignore[assignment]
        reason = own.get("reason") or trailers.reason
        context = ClassifyContext(form, config, decision=decision, reason_text=reason)  # type: ignore[arg-type]
        out.append(Judged(change, classify(change, context),
                          own.get("change_date") or trailers.change_date,  # type: ignore[arg-type]
                          own.get("timing") or trailers.timing))  # type: ignore[arg-type]
    return out


def counts_as_important(verdict: Classification) -> bool:
    """What the hook counts as 重要な変更: decided important, or deferred to a person (要確認) —
    a proposed exemption never lowers the count until a 判定 trailer confirms it."""
    return bool(verdict.important) or (verdict.needs_review and not verdict.manual)
