"""Build the report directory: read each assessment's history once, make its table, write the
pages and the xlsx/csv beside them into a directory built aside and swapped in."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pia_changes.config import Config
from pia_changes.errors import PiaError
from pia_changes.table.generate import with_findings
from pia_changes.workspace import open_workspace
from pia_changes.table.submissions import repository_findings
from pia_changes.git.repo import GitRepo
from pia_changes.output import check_directory, write_directory
from pia_changes.render import render
from pia_changes.table.rows import Table
from pia_changes.table.build import read_history, table_from_history
from pia_changes.table.cache import PairCache
from pia_changes.table.cachedir import config_salt
from pia_changes.report.model import AssessmentView, assessment_view
from pia_changes.report.names import INDEX, TABLE_STEM, inside, unique_stems
from pia_changes.report.pages import assessment_page, index_page
from pia_changes.status.collect import assessment_status


@dataclass(frozen=True)
class ReportResult:
    directory: Path
    files: tuple[str, ...]        # names inside the directory, index.html first
    tables: tuple[Table, ...]     # for the caller's findings


def build_report(out_dir: str | Path, start: str | Path = ".", files: list[str] | None = None,
                 force: bool = False, today: dt.date | None = None) -> ReportResult:
    """Write the report of FILES (default: every assessment of the repository at START) to OUT_DIR."""
    target = Path(out_dir)
    check_directory(target, force)  # before the long part
    today = today or dt.date.today()
    with open_workspace(start) as ws:
        repo, config = ws.repo, ws.config
        paths = sorted(ws.targets(list(files or [])))
        _refuse_to_replace_sources(target, repo, paths)
        several = len(ws.assessments) > 1
        views = _views(repo, config, paths, today, several)
    pages = _pages(views, config.gannen, today)
    write_directory(target, lambda tmp: _write(tmp, views, pages, config), force)
    return ReportResult(target, tuple(pages), tuple(v.table for v in views))


def _views(repo: GitRepo, config: Config, paths: list[str], today: dt.date, several: bool) -> list[AssessmentView]:
    stems = unique_stems(paths)
    views = []
    with PairCache(repo, config_salt(config)) as pairs:  # read once for all the assessments
        histories = [read_history(repo, path, config, today=today, several=several, pairs=pairs) for path in paths]
    for path, hist in zip(paths, histories):
        table = table_from_history(repo, hist, config, today)
        if path == paths[0]:
            table = with_findings(table, repository_findings(repo, config, paths))
        if len(paths) == 1:
            names = (INDEX, f"{TABLE_STEM}.xlsx", f"{TABLE_STEM}.csv")
        else:
            stem = stems[path]
            names = (f"{stem}.html", f"{TABLE_STEM}_{stem}.xlsx", f"{TABLE_STEM}_{stem}.csv")
        views.append(assessment_view(repo, hist, table, *names, assessment_status(hist, table, config, today)))
    return views


def _pages(views: list[AssessmentView], gannen: bool, today: dt.date) -> dict[str, str]:
    """File name → HTML; index.html is the one assessment's page or the portfolio of them."""
    if len(views) == 1:
        return {INDEX: assessment_page(views[0], gannen, index_link=False)}
    pages = {INDEX: index_page(views, gannen, today)}
    pages.update({v.page: assessment_page(v, gannen, index_link=True) for v in views})
    return pages


def _write(directory: Path, views: list[AssessmentView], pages: dict[str, str], config: Config) -> None:
    for name, html in pages.items():
        inside(directory, name).write_text(html, encoding="utf-8")
    for view in views:
        inside(directory, view.xlsx).write_bytes(render([view.table], "xlsx", gannen=config.gannen, single=True))
        # BOM: reviewers open the csv in Excel, which reads UTF-8 without one as Shift_JIS
        inside(directory, view.csv).write_bytes(render([view.table], "csv", bom=True, single=True))


def _refuse_to_replace_sources(target: Path, repo: GitRepo, paths: list[str]) -> None:
    """--force replaces DIR whole: never when it holds the repository or an assessment."""
    resolved = target.resolve()
    protected = [repo.root.resolve(), repo.git_dir.resolve(), *((repo.root / p).resolve() for p in paths)]
    for path in protected:
        if path == resolved or resolved in path.parents:
            raise PiaError("出力先がリポジトリまたは評価書を含んでいます（別のディレクトリを指定してください）",
                           file=str(target))
