"""`log` and `blame`: an assessment's revisions and each item's last change, for reviewers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pathlib import Path

from pia_changes.config import Config
from pia_changes.diff.change import Change
from pia_changes.document.model import Document, key_path
from pia_changes.errors import PiaError, UsageError
from pia_changes.git.repo import GitRepo
from pia_changes.table.build import History, read_history
from pia_changes.workspace import Workspace


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
    """Each changed item's LAST change, in the order the items stand in the document (as a
    reviewer reads it); items never changed since the baseline are not listed."""
    hist: History = read_history(repo, path, config)
    last: dict[str, tuple[Change, BlameLine]] = {}
    for c in hist.computed:
        label = c.change.label(config.label_separator)
        last[c.change.item_id] = (c.change, BlameLine(c.change.item_id, label, c.change_date, c.revision.sha,
                                                      c.change.kind))
    current = hist.current
    lines = [line for _, line in sorted(last.values(), key=lambda pair: document_order(current, pair[0]))]
    if item:
        lines = [b for b in lines if b.item_id == item] or [b for b in lines if item in b.item_id or item in b.label]
        if not lines:
            raise PiaError(f"「{item}」に当たる項目の変更は基準の版以降ありません", file=path)
    return lines


def blame_arguments(ws: Workspace, first: str | None, second: str | None) -> tuple[str, str | None]:
    """(assessment, ITEM) of `blame [FILE] [ITEM]`: with one assessment in the repository the
    FILE may be left out, so a lone argument that is no file is the ITEM."""
    if second is not None or (first is not None and _names_a_file(first)):
        return ws.targets([first])[0], second  # type: ignore[list-item]
    every = ws.targets()
    if len(every) == 1:
        return every[0], first
    raise UsageError(f"評価書が {len(every)} 件あります。blame FILE ITEM の形で評価書を指定してください"
                     f"（{'、'.join(every)}）")


def _names_a_file(arg: str) -> bool:
    return Path(arg).is_file() or Path(arg).suffix.lower() in (".yaml", ".yml")


def document_order(doc: Document, change: Change) -> tuple:
    """Where CHANGE's item stands in DOC: (node order, entry index) down its chain of groups, so
    システム2's items follow all of システム1's. An entry DOC no longer has goes after the others;
    a change to a group as a whole (a reorder) before its entries."""
    names = _entry_names(change.item_id)
    chain = change.node.ancestors() + [change.node]
    groups = [n for n in chain if n.is_group]
    key: list[tuple[int, int]] = []
    value: object = doc.data
    upto = None
    for group, name in zip(groups, names):
        entries = _at(value, key_path(group, upto))
        entries = entries if isinstance(entries, list) else []
        index = _entry_index(group, entries, name)
        key.append((group.order, index))
        value = entries[index] if index < len(entries) else {}
        upto = group
    if len(names) < len(groups):
        key.append((groups[len(names)].order, -1))
    elif not change.node.is_group:
        key.append((change.node.order, 0))
    return tuple(key)


def _entry_names(item_id: str) -> list[str]:
    """The bracketed entry names of an item id, `I/system[住民記録システム]/name` → [住民記録システム]."""
    names, depth, start = [], 0, 0
    for i, ch in enumerate(item_id):
        if ch == "[":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch == "]" and depth:
            depth -= 1
            if depth == 0:
                names.append(item_id[start:i])
    return names


def _entry_index(group, entries: list, name: str) -> int:
    from pia_changes.diff.semantic import entry_name

    for index, entry in enumerate(entries):
        if entry_name(group, entry) == name:
            return index
    if name.startswith("#") and name[1:].isdigit():  # an unnamed entry: its position
        return int(name[1:]) - 1
    return len(entries)


def _at(value: object, keys: tuple[str, ...]) -> object:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value
