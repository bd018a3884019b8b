"""The 変更箇所 table model that every renderer reads (json keys = the contract in design.md)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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
