"""The 変更箇所 table model that every renderer reads (json keys = the contract in design.md)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a warm `generate` reads rows without loading the diff
    from pia_changes.diff.change import Change, Classification


@dataclass(frozen=True)
class Row:
    change_date: dt.date | None
    item: str                      # printed label path joined by label_separator (legacy: as published)
    item_id: str | None
    kind: str                      # 変更 | 新規 | 削除
    before: str | None
    after: str | None
    timing: str                    # 事前 | 事後 | "" (legacy rows only)
    timing_reason: str
    source: str                    # git | legacy
    labels: tuple[str, ...] = ()   # printed label path, split (extended layout's 項目①–④)
    spans: dict | None = None      # {"before": [[s, e], ...], "after": [...]}
    submitted: bool | None = None
    required_timing: str | None = None
    important: bool | None = None
    reason_code: str | None = None
    needs_review: bool = False
    review_reason: str | None = None
    manual: bool = False
    moved: bool = False
    procedure: tuple[str, ...] = ()
    commit: str | None = None
    legacy: dict | None = None     # the printed columns of a legacy row (legacy.legacy_object)
    kouban: str | None = None      # 項番 (extended layout)

    def to_json(self) -> dict:
        out = {
            "change_date": self.change_date.isoformat() if self.change_date else None,
            "item": self.item, "item_id": self.item_id, "kind": self.kind,
            "before": self.before, "after": self.after, "spans": self.spans,
            "timing": self.timing, "timing_reason": self.timing_reason,
            "submitted": self.submitted, "required_timing": self.required_timing,
            "important": self.important, "reason_code": self.reason_code,
            "needs_review": self.needs_review, "review_reason": self.review_reason,
            "manual": self.manual, "moved": self.moved, "procedure": list(self.procedure),
            "source": self.source, "commit": self.commit,
        }
        if self.legacy is not None:
            out["legacy"] = self.legacy
        return out


def change_row(change: Change, verdict: Classification, separator: str, **timing: object) -> Row:
    """The one way from a classified change to a row: generate adds TIMING (change_date, timing,
    submitted, commit, manual), diff's JSON and the report read the same keys."""
    before, after = change.spans
    fields: dict = dict(
        change_date=None, item=change.label(separator), item_id=change.item_id, kind=change.kind,
        before=change.before, after=change.after, timing="", timing_reason=verdict.timing_reason,
        source="git", labels=change.printed_labels,
        spans={"before": [list(s) for s in before], "after": [list(s) for s in after]},
        required_timing=verdict.required_timing, important=verdict.important,
        reason_code=verdict.reason_code, needs_review=verdict.needs_review,
        review_reason=verdict.review_reason, manual=verdict.manual, moved=change.moved,
        procedure=verdict.procedure,
    )
    fields.update(timing)
    return Row(**fields)


# diff --format json: the row keys without timing, submitted and source (design.md: CLI contract)
DIFF_KEYS = ("change_date", "commit", "item", "item_id", "kind", "before", "after", "spans", "important",
             "reason_code", "needs_review", "review_reason", "manual", "moved", "required_timing",
             "procedure", "timing_reason")


def diff_json(assessment: str, change: Change, verdict: Classification, separator: str) -> dict:
    """One change in diff's JSON contract."""
    row = change_row(change, verdict, separator).to_json()
    out = {"assessment": assessment, **{key: row[key] for key in DIFF_KEYS}}
    if change.cosmetic:
        out["cosmetic"] = True
    return out


@dataclass(frozen=True)
class Finding:
    id: str
    level: str                     # error | warning | info
    kind: str                      # important_after, important_unsubmitted, five_years, threshold, ...
    message: str
    commit: str | None = None
    item_id: str | None = None
    acknowledged: bool = False

    def to_json(self) -> dict:
        return {"id": self.id, "level": self.level, "kind": self.kind, "message": self.message,
                "commit": self.commit, "item_id": self.item_id, "acknowledged": self.acknowledged}


@dataclass(frozen=True)
class Table:
    assessment: str                # path relative to the repository root, "/" separated
    form: str                      # 全項目 | 重点項目 | 基礎項目
    title: str                     # 評価書名, for headings and the xlsx title
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...] = ()
    complete_since: dt.date | None = None  # shallow clone: the table is complete from this date on
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {"assessment": self.assessment, "form": self.form,
                "rows": [r.to_json() for r in self.rows],
                "findings": [f.to_json() for f in self.findings]}
