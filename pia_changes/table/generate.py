"""`generate`: the 変更箇所 tables of the assessments of a repository, from its history."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from pia_changes.config import Config
from pia_changes.errors import PiaError
from pia_changes.table.submissions import repository_findings

from pia_changes.table.rows import Table
from pia_changes.workspace import open_workspace


def repository_config(start: str | Path = ".") -> Config:
    """The pia-changes.toml of the repository containing START."""
    with open_workspace(start) as ws:
        return ws.config


def generate(start: str | Path = ".", files: list[str] | None = None, rev: str = "HEAD",
             today: dt.date | None = None, skipped: list[str] | None = None,
             progress=None) -> list[Table]:
    """One Table per assessment, sorted by path (Decisions: Output shapes).

    Without FILES, an assessment file that has never been committed (a draft) is left out and
    its path appended to SKIPPED, rather than blocking the tables of the others. PROGRESS
    (table.Progress) is told how far the walk of each history has come."""
    from pia_changes.table.build import build_table  # imported when needed: `diff` never is
    with open_workspace(start) as ws:
        repo, config = ws.repo, ws.config
        targets = ws.targets(list(files or []))
        if not files:
            drafts = [p for p in targets if not repo.file_revisions(p, rev)]
            targets = [p for p in targets if p not in drafts]
            if skipped is not None:
                skipped.extend(drafts)
            if not targets:
                raise PiaError("この評価書はまだコミットされていません（最初のコミットが基準になります）",
                               file=drafts[0])
        every = ws.assessments
        tables = [build_table(repo, path, config, rev, today, len(every) > 1, progress) for path in sorted(targets)]
        tables[0] = with_findings(tables[0], repository_findings(repo, config, set(every) | set(targets)))
    return tables


def with_findings(table: Table, findings: tuple) -> Table:
    """TABLE with the repository's own findings added (printed once, with the first table)."""
    known = {f.id for f in table.findings}
    return replace(table, findings=table.findings + tuple(f for f in findings if f.id not in known))
