"""Which actions a pending change needs and the last day for each (Decisions 2026-12-06: status,
Procedure timing). `status` and `check --commit-msg` both date the steps here.

Counted back from the 変更日 with the lead times of `[procedure]`: submit_before = 変更日 − 1 day,
third_party_review = submit_before − submission_days, public_comment = third_party_review −
third_party_days − public_comment_days (the last day to START 意見聴取); submit_promptly =
変更日 + prompt_days. Which steps apply is read from the classifier's procedure, so the form and
the しきい値 rules stay in one place (classify/rules.py).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from pia_changes.classify.rules import HEARING, NEW_ASSESSMENT, THIRD_PARTY
from pia_changes.config import LeadTimes
from pia_changes.status.model import Action
from pia_changes.text.wareki import format_wareki

DAY = dt.timedelta(days=1)
REEVALUATION_YEARS = 5   # 規則第15条: 再実施 within 5 years (努力義務)
REVIEW_YEARS = 1         # the yearly review (努力義務)

KIND_NAMES = {
    "public_comment": "住民等の意見聴取の開始", "third_party_review": "第三者点検",
    "submit_before": "委員会への提出（事前）", "submit_promptly": "修正の提出・公表",
    "new_assessment": "新たな評価の実施", "reevaluation_due": "再実施", "annual_review": "見直し",
}


@dataclass(frozen=True)
class Pending:
    """A change no submission covers yet, as much of it as its actions depend on."""

    change_date: dt.date
    item_id: str
    important: bool               # 重要な変更, deferred (要確認) ones included
    procedure: tuple[str, ...]    # the classifier's procedure (Classification.procedure)

    @property
    def threshold(self) -> bool:
        return self.procedure[:1] == (NEW_ASSESSMENT,)


def change_actions(pending: Iterable[Pending], lead: LeadTimes, as_of: dt.date, gannen: bool = True) -> list[Action]:
    """One set of actions per 変更日 of PENDING, each listing the items it is for."""
    by_date: dict[dt.date, list[Pending]] = {}
    for change in pending:
        by_date.setdefault(change.change_date, []).append(change)
    out: list[Action] = []
    for day in sorted(by_date):
        out += _actions_for_date(day, by_date[day], lead, as_of, gannen)
    return out


def _actions_for_date(day: dt.date, changes: list[Pending], lead: LeadTimes, as_of: dt.date,
                      gannen: bool) -> list[Action]:
    """A 重要な変更 needs the chain its procedure names, a しきい値 crossing a new assessment too;
    when neither is among them, the changes are corrections to publish promptly."""
    important = [c for c in changes if c.important]
    w = partial(format_wareki, gannen=gannen)
    if not important:
        due = day + lead.prompt_days * DAY
        level = "warning" if as_of > due else "info"
        return [Action("submit_promptly", due, level,
                       f"変更日 {w(day)} の変更（重要な変更に当たらないもの {len(changes)} 件）: 評価書の修正を "
                       f"{w(due)} までに提出・公表してください" + _late(level), day, _ids(changes))]
    submit = day - DAY
    review = submit - lead.submission_days * DAY
    hearing = review - (lead.third_party_days + lead.public_comment_days) * DAY
    steps = {s for c in important for s in c.procedure}
    what = f"変更日 {w(day)} の重要な変更（{len(important)} 件）"
    planned = []
    crossings = [c for c in important if c.threshold]
    if crossings:
        planned.append(("new_assessment", hearing if HEARING in steps else submit, crossings,
                        f"しきい値判断の結果が変わります（{what}）: 新たな評価を {{due}} までに済ませてください"))
    if HEARING in steps:
        planned.append(("public_comment", hearing, important,
                        f"{what}: 住民等の意見聴取を {{due}} までに始めてください（{lead.public_comment_days} 日間。"
                        "原則30日以上）"))
    if THIRD_PARTY in steps:
        planned.append(("third_party_review", review, important, f"{what}: 第三者点検を {{due}} までに終えてください"))
    planned.append(("submit_before", submit, important,
                    f"{what}: 委員会への提出を {{due}} までに（変更日より前に）済ませてください"))
    out = []
    for kind, due, items, message in planned:
        level = "error" if as_of >= day else "warning" if as_of > due else "info"
        out.append(Action(kind, due, level, message.format(due=w(due)) + _late(level), day, _ids(items)))
    return out


def _late(level: str) -> str:
    if level == "error":
        return "（変更日を過ぎて未提出です。このままでは事後の提出になります）"
    return "（期限を過ぎています）" if level == "warning" else ""


def _ids(changes: list[Pending]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.item_id for c in changes))


def years_later(day: dt.date, years: int) -> dt.date:
    """The same date YEARS later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def clock_actions(reevaluation_due: dt.date | None, review_since: dt.date | None, as_of: dt.date,
                  gannen: bool = True) -> list[Action]:
    """The 5-year 再実施 and the yearly review: 努力義務, so warnings once due, never errors."""
    out = []
    if reevaluation_due is not None:
        level = "warning" if as_of >= reevaluation_due else "info"
        out.append(Action("reevaluation_due", reevaluation_due, level,
                          f"前回の評価の実施から5年の {format_wareki(reevaluation_due, gannen)} までに再実施に努めてください"
                          "（規則第15条、努力義務）", None))
    if review_since is not None:
        due = years_later(review_since, REVIEW_YEARS)
        level = "warning" if as_of >= due else "info"
        out.append(Action("annual_review", due, level,
                          f"前回の見直し又は提出（{format_wareki(review_since, gannen)}）から1年の "
                          f"{format_wareki(due, gannen)} までに評価書の見直しに努めてください（努力義務）", None))
    return out
