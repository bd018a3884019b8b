"""What a report page shows, gathered once from the history and the table (no HTML here)."""
from __future__ import annotations

from dataclasses import dataclass

from pia_changes.git.repo import GitRepo, Revision, SubmissionTag
from pia_changes.status.model import AssessmentStatus
from pia_changes.table.rows import Finding, Row, Table
from pia_changes.table.build import History, first_containing
from pia_changes.forms.numbering import SECTIONS, section_numeral



@dataclass(frozen=True)
class RevisionView:
    """One commit of the assessment with the rows it made and what happened to it."""

    revision: Revision
    rows: tuple[Row, ...]                  # computed rows of this commit, in table order
    tags: tuple[SubmissionTag, ...]        # submission tags pointing at this very commit
    submission: SubmissionTag | None       # the first submission containing it
    findings: tuple[Finding, ...]          # findings about this commit (with or without an item)
    baseline: bool

    @property
    def short(self) -> str:
        return self.revision.sha[:7]

    @property
    def anchor(self) -> str:
        return f"rev-{self.revision.sha[:12]}"

    @property
    def important(self) -> int:
        return sum(1 for r in self.rows if r.important)

    @property
    def review(self) -> int:
        return sum(1 for r in self.rows if r.needs_review)


@dataclass(frozen=True)
class AssessmentView:
    """One assessment's page: its table, its revisions oldest first, and its file names."""

    table: Table
    revisions: tuple[RevisionView, ...]
    tags: tuple[SubmissionTag, ...]
    page: str                              # file names inside the report directory
    xlsx: str
    csv: str
    status: AssessmentStatus | None = None # pending changes and their procedure (the portfolio)

    @property
    def git_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.table.rows if r.source == "git")

    @property
    def important(self) -> int:
        return sum(1 for r in self.git_rows if r.important)

    @property
    def review(self) -> int:
        return sum(1 for r in self.git_rows if r.needs_review)

    @property
    def legacy_rows(self) -> int:
        return sum(1 for r in self.table.rows if r.source == "legacy")

    def open_errors(self) -> int:
        return sum(1 for f in self.table.findings if f.level == "error" and not f.acknowledged)


def assessment_view(repo: GitRepo, hist: History, table: Table, page: str, xlsx: str, csv: str,
                    status: AssessmentStatus | None = None) -> AssessmentView:
    by_commit: dict[str, list[Row]] = {}
    for row in table.rows:
        if row.source == "git" and row.commit:
            by_commit.setdefault(row.commit, []).append(row)
    revisions = tuple(
        RevisionView(rev, tuple(by_commit.get(rev.sha, ())),
                     tuple(t for t in hist.tags if t.target == rev.sha),
                     first_containing(repo, rev.sha, hist.tags),
                     tuple(f for f in table.findings if f.commit == rev.sha), index == 0)
        for index, rev in enumerate(hist.revisions))
    return AssessmentView(table, revisions, tuple(hist.tags), page, xlsx, csv, status)


def section_of(row: Row) -> str:
    """The row's section numeral (Ⅰ…Ⅶ) or 別添 from its first label; "" when none is printed.
    NFKC turns Ⅴ into V, so the Latin spelling some publishers print is read alike."""
    return section_numeral(row.labels[0] if row.labels else row.item) or ""


def section_names(rows: tuple[Row, ...]) -> list[tuple[str, str]]:
    """(numeral, printed name) of the sections the rows touch, in form order."""
    names: dict[str, str] = {}
    for row in rows:
        section = section_of(row)
        if section and (section not in names or (row.labels and names[section] == section)):
            names[section] = row.labels[0] if row.labels else section
    return [(s, names[s]) for s in SECTIONS if s in names]


def row_findings(row: Row, findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if row.commit and f.commit == row.commit and f.item_id == row.item_id]
