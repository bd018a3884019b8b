"""`log` and `blame`: an assessment's revisions and each item's last change, for reviewers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pia_changes.config import Config
from pia_changes.errors import PiaError
from pia_changes.git.repo import GitRepo
from pia_changes.table.build import History, read_history


@dataclass(frozen=True)
class LogLine:
    date: dt.date
    commit: str
    changes: int
    important: int
    tags: tuple[str, ...]     # submission tags pointing at this commit
    baseline: bool
    subject: str


def log_lines(repo: GitRepo, path: str, config: Config) -> list[LogLine]:
    hist = read_history(repo, path, config)
    by_commit: dict[str, list] = {}
    for c in hist.computed:
        by_commit.setdefault(c.revision.sha, []).append(c)
    out = []
    for index, rev in enumerate(hist.revisions):
        rows = by_commit.get(rev.sha, [])
        day = min((c.change_date for c in rows), default=rev.author_date.date())
        out.append(LogLine(day, rev.sha, len(rows), sum(1 for c in rows if c.verdict.important),
                           tuple(t.name for t in hist.tags if t.target == rev.sha), index == 0,
                           rev.message.split("\n", 1)[0]))
    return out


@dataclass(frozen=True)
class BlameLine:
    item_id: str
    label: str
    date: dt.date
    commit: str
    kind: str


def blame_lines(repo: GitRepo, path: str, config: Config, item: str | None = None) -> list[BlameLine]:
    """Each changed item's LAST change; items never changed since the baseline are not listed."""
    hist: History = read_history(repo, path, config)
    last: dict[str, BlameLine] = {}
    for c in hist.computed:
        label = c.change.label(config.label_separator)
        last[c.change.item_id] = BlameLine(c.change.item_id, label, c.change_date, c.revision.sha, c.change.kind)
    lines = list(last.values())
    if item:
        lines = [b for b in lines if b.item_id == item] or [b for b in lines if item in b.item_id or item in b.label]
        if not lines:
            raise PiaError(f"「{item}」に当たる項目の変更は基準の版以降ありません", file=path)
    return lines
