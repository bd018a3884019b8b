"""`generate`: the 変更箇所 tables of the assessments of a repository, from its history."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from pia_changes.errors import PiaError
from pia_changes.gcpause import cycle_collection_paused

from pia_changes.table.outputcache import Output, OutputCache, output_key
from pia_changes.table.rows import Table
from pia_changes.workspace import Workspace, open_workspace


def generate(start: str | Path = ".", files: list[str] | None = None, rev: str = "HEAD",
             today: dt.date | None = None, skipped: list[str] | None = None,
             progress=None) -> list[Table]:
    """One Table per assessment, sorted by path (Decisions: Output shapes).

    Without FILES, an assessment file that has never been committed (a draft) is left out and
    its path appended to SKIPPED, rather than blocking the tables of the others. PROGRESS
    (table.Progress) is told how far the walk of each history has come."""
    with open_workspace(start) as ws:
        return _tables(ws, ws.targets(list(files or [])), bool(files), rev, today, skipped, progress)


def generate_output(start: str | Path, files: list[str], rev: str, fmt: str, *, layout: str, bom: bool,
                    today: dt.date | None = None, progress=None) -> Output:
    """What `generate` shows: the tables rendered in FMT, their findings and the drafts left out.
    A run on a repository, configuration and day already seen reads it back instead
    (table.outputcache)."""
    today = today or dt.date.today()
    with open_workspace(start) as ws:
        targets = ws.targets(list(files))
        single = len(files) == 1
        key = output_key(ws.repo, ws.config, rev, targets, ws.assessments, today, (fmt, layout, bom, single))
        cache = OutputCache(ws.repo)
        if key is not None and (known := cache.get(key)) is not None:
            return known
        from pia_changes.render import render
        drafts: list[str] = []
        with cycle_collection_paused():
            tables = _tables(ws, targets, bool(files), rev, today, drafts, progress)
            data = render(tables, fmt, layout=layout, bom=bom, gannen=ws.config.gannen, single=single)
        output = Output(data, tuple(f for t in tables for f in t.findings), tuple(drafts),
                        sum(len(t.rows) for t in tables))
        if key is not None:
            cache.put(key, output)
    return output


def _tables(ws: Workspace, targets: list[str], named: bool, rev: str, today: dt.date | None,
            skipped: list[str] | None, progress) -> list[Table]:
    from pia_changes.table.build import build_table  # imported when needed: a warm run never is
    from pia_changes.table.cache import PairCache
    from pia_changes.table.cachedir import config_salt
    from pia_changes.table.submissions import repository_findings
    repo, config = ws.repo, ws.config
    if not named:
        drafts = [p for p in targets if not repo.file_revisions(p, rev)]
        targets = [p for p in targets if p not in drafts]
        if skipped is not None:
            skipped.extend(drafts)
        if not targets:
            raise PiaError("この評価書はまだコミットされていません（最初のコミットが基準になります）",
                           file=drafts[0])
    every = ws.assessments
    with PairCache(repo, config_salt(config)) as pairs:  # read once for all the assessments
        tables = [build_table(repo, path, config, rev, today, len(every) > 1, progress, pairs)
                  for path in sorted(targets)]
    tables[0] = with_findings(tables[0], repository_findings(repo, config, set(every) | set(targets)))
    return tables


def with_findings(table: Table, findings: tuple) -> Table:
    """TABLE with the repository's own findings added (printed once, with the first table)."""
    known = {f.id for f in table.findings}
    return replace(table, findings=table.findings + tuple(f for f in findings if f.id not in known))
