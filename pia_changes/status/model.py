"""What `status` reports, as plain values (json keys = schemas/status.schema.json)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LEVELS = ("error", "warning", "info")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class Action:
    """One step a municipality has to take, and the last day for it."""

    kind: str                      # public_comment | third_party_review | submit_before | ...
    due: dt.date | None            # the last day to start (public_comment) or finish the step
    level: str                     # error | warning | info
    message: str                   # what to do and by when, in Japanese (和暦)
    change_date: dt.date | None    # the 変更日 it is for (None: reevaluation_due, annual_review)
    item_ids: tuple[str, ...] = ()

    def urgency(self) -> tuple:
        return LEVELS.index(self.level), self.due or dt.date.max, self.kind

    def to_json(self) -> dict:
        return {"kind": self.kind, "due": _iso(self.due), "level": self.level, "message": self.message,
                "change_date": _iso(self.change_date), "item_ids": list(self.item_ids)}


@dataclass(frozen=True)
class AssessmentStatus:
    """One assessment: its submissions, its clocks and its pending changes' actions. ERROR says
    why it could not be read; the other assessments are reported all the same."""

    file: str
    name: str | None = None
    form: str | None = None
    last_submission: dt.date | None = None
    last_reevaluation: dt.date | None = None
    reevaluation_due: dt.date | None = None
    unsubmitted_changes: int | None = None
    unsubmitted_important: int | None = None
    actions: tuple[Action, ...] = ()
    error: str | None = None

    @property
    def level(self) -> str | None:
        """The worst level among its actions ("error" when it could not be read), None without any."""
        if self.error is not None:
            return "error"
        return min((a.level for a in self.actions), key=LEVELS.index, default=None)

    def urgency(self) -> tuple:
        """Sort key: unreadable first, then by the most urgent action, then by file."""
        first = min((a.urgency() for a in self.actions), default=(len(LEVELS), dt.date.max, ""))
        return (-1 if self.error is not None else first[0], first[1], self.file)

    def to_json(self) -> dict:
        return {"file": self.file, "name": self.name, "form": self.form,
                "last_submission": _iso(self.last_submission), "last_reevaluation": _iso(self.last_reevaluation),
                "reevaluation_due": _iso(self.reevaluation_due), "unsubmitted_changes": self.unsubmitted_changes,
                "unsubmitted_important": self.unsubmitted_important,
                "actions": [a.to_json() for a in self.actions], "error": self.error}
