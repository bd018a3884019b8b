"""Gather the status of every assessment of a repository from what `generate` computes: the
table's rows (their 変更日, whether a submission covers them, their verdict) and the submission
tags that count for the file. Nothing is classified or matched again here."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pia_changes.config import Config
from pia_changes.errors import InvalidDocument, PiaError
from pia_changes.git.repo import GitRepo
from pia_changes.status.actions import REEVALUATION_YEARS, Pending, change_actions, clock_actions, years_later
from pia_changes.status.model import AssessmentStatus
from pia_changes.table.build import History, doc_value, read_history, table_from_history
from pia_changes.table.cache import PairCache
from pia_changes.table.cachedir import config_salt
from pia_changes.table.rows import Finding, Table
from pia_changes.table.submissions import repository_findings
from pia_changes.text.wareki import parse_date
from pia_changes.workspace import open_workspace

FIRST = ("実施", "再実施")  # 種別 of the tags that start the 5-year clock; a 修正 does not
REVIEW = "見直し"


@dataclass(frozen=True)
class StatusReport:
    statuses: list[AssessmentStatus]   # most urgent first
    findings: tuple[Finding, ...]      # about the repository's tags (a tag naming no assessment)
    warnings: list[str]                # about pia-changes.toml
    gannen: bool


def collect(start: str | Path = ".", as_of: dt.date | None = None) -> StatusReport:
    """Every assessment's status as of AS_OF (default today)."""
    as_of = as_of or dt.date.today()
    with open_workspace(start) as ws:
        repo, config = ws.repo, ws.config
        paths = ws.assessments
        several = len(paths) > 1
        repo.preload_revisions(paths)
        with PairCache(repo, config_salt(config)) as pairs:
            out = [_one(repo, path, config, as_of, several, pairs) for path in paths]
        findings = repository_findings(repo, config, paths)
    return StatusReport(sorted(out, key=AssessmentStatus.urgency), findings, config.procedure.warnings(),
                        config.gannen)


def _one(repo: GitRepo, path: str, config: Config, as_of: dt.date, several: bool,
         pairs: PairCache) -> AssessmentStatus:
    try:
        hist = read_history(repo, path, config, today=as_of, several=several, pairs=pairs)
        table = table_from_history(repo, hist, config, as_of)
    except InvalidDocument as exc:
        return AssessmentStatus(path, error=f"様式に合いません（{len(exc.problems)} 件。validate で確認してください）: "
                                            f"{exc.problems[0]}")
    except PiaError as exc:
        return AssessmentStatus(path, error=str(exc))
    return assessment_status(hist, table, config, as_of)


def assessment_status(hist: History, table: Table, config: Config, as_of: dt.date) -> AssessmentStatus:
    """The status of one assessment whose history and table are read (status and report)."""
    pending = [Pending(r.change_date, r.item_id or r.item, bool(r.important), r.procedure)
               for r in table.rows if r.source == "git" and r.submitted is False and r.change_date]
    tags = hist.tags
    started = max((t.date for t in tags if t.kind in FIRST or t.reevaluation), default=None)
    basis = started or parse_date(doc_value(hist.current, "kiso_date"))
    due = years_later(basis, REEVALUATION_YEARS) if basis else None
    last = max((t.date for t in tags), default=None)
    reviewed = max((t.date for t in tags if t.kind == REVIEW), default=None)
    actions = (change_actions(pending, config.procedure, as_of, config.gannen)
               + clock_actions(due, reviewed or last, as_of, config.gannen))
    return AssessmentStatus(
        file=table.assessment, name=table.title if table.title != table.assessment else None, form=table.form,
        last_submission=last, last_reevaluation=started, reevaluation_due=due,
        unsubmitted_changes=len(pending), unsubmitted_important=sum(p.important for p in pending),
        actions=tuple(sorted(actions, key=lambda a: a.urgency())))
