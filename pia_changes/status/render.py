"""status as text (a compact table for a terminal, most urgent first), markdown or json.
Dates are 和暦 in text and md, ISO in json (schemas/status.schema.json)."""
from __future__ import annotations

import datetime as dt
import json
import unicodedata

from pia_changes.status.actions import KIND_NAMES
from pia_changes.status.model import Action, AssessmentStatus
from pia_changes.text.wareki import format_wareki

LEVEL_NAMES = {"error": "エラー", "warning": "警告", "info": "予定", None: "―"}
HEADER = ("状況", "評価書", "様式", "最終提出", "再実施の期限", "未提出（重要）", "次の期限")
ACTION_HEADER = ("状況", "期限", "評価書", "手続", "内容")


def render_status(statuses: list[AssessmentStatus], fmt: str, as_of: dt.date, gannen: bool = True) -> str:
    if fmt == "json":
        return json.dumps([s.to_json() for s in statuses], ensure_ascii=False, indent=2) + "\n"
    rows, actions = _cells(statuses, gannen)
    title = f"評価書 {len(statuses)} 件の状況（{format_wareki(as_of, gannen)} 現在）"
    if fmt == "md":
        from pia_changes.render.markdown import cell, table_lines
        lines = [f"## {title}", "", *table_lines(HEADER, [[cell(c) for c in r] for r in rows])]
        if actions:
            lines += ["", "### 手続", "", *table_lines(ACTION_HEADER, [[cell(c) for c in r] for r in actions])]
        return "\n".join(lines) + "\n"
    lines = [title, "", *_aligned(HEADER, rows)]
    if actions:
        lines += ["", "手続（急ぐ順）:"]
        lines += [f"  {level} {file}: {message}" for level, _, file, _, message in actions]
    return "\n".join(lines) + "\n"


def _cells(statuses: list[AssessmentStatus], gannen: bool) -> tuple[list[list[str]], list[list[str]]]:
    """One row per assessment (in the order given), and one per action, most urgent first."""
    rows = [assessment_cells(s, gannen) for s in statuses]
    return rows, [cells for _, _, cells in action_rows(statuses, gannen)]


def _day(day: dt.date | None, gannen: bool) -> str:
    return format_wareki(day, gannen) if day else "―"


def assessment_cells(s: AssessmentStatus, gannen: bool) -> list[str]:
    """The cells of HEADER for one assessment (the report's portfolio prints them too)."""
    if s.error is not None:
        return [LEVEL_NAMES["error"], s.file, s.form or "―", "―", "―", "―", f"読めません: {s.error}"]
    first = min(s.actions, key=lambda a: a.urgency(), default=None)
    upcoming = f"{_day(first.due, gannen)} {KIND_NAMES[first.kind]}" if first else "―"
    return [LEVEL_NAMES[s.level], s.file, s.form or "―", _day(s.last_submission, gannen),
            _day(s.reevaluation_due, gannen), f"{s.unsubmitted_changes}（{s.unsubmitted_important}）", upcoming]


def action_rows(statuses: list[AssessmentStatus], gannen: bool) -> list[tuple[Action, AssessmentStatus, list[str]]]:
    """Every action of every assessment, most urgent first, with the cells of ACTION_HEADER."""
    pairs = sorted(((a, s) for s in statuses for a in s.actions), key=lambda p: (p[0].urgency(), p[1].file))
    return [(a, s, [LEVEL_NAMES[a.level], _day(a.due, gannen), s.file, KIND_NAMES[a.kind], a.message])
            for a, s in pairs]


def _width(text: str) -> int:
    """Terminal columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _aligned(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in [list(header), *rows]) for i in range(len(header))]
    return ["  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip() for r in [list(header), *rows]]
