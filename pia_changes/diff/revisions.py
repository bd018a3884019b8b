"""`diff`: which two versions to compare (Decisions: diff's default revisions) and the result rows.

No revision: working tree against HEAD; --cached: index against HEAD; one revision: working
tree against it; two: the one against the other; two existing files: the files, without git.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pia_changes.errors import PiaError, UsageError

if TYPE_CHECKING:  # the parser, the diff and the classifier load only when something is compared:
    # a second `diff` of two commits reads its output back (diff.shown)
    from pia_changes.config import Config
    from pia_changes.diff.change import Classification, DiffResult
    from pia_changes.document.model import Document


@dataclass(frozen=True)
class Compared:
    assessment: str
    result: DiffResult
    verdicts: tuple[Classification, ...]   # one per change, same order
    notice: str | None = None              # e.g. a new assessment with nothing to compare


def split_arguments(args: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """As git does: an existing path is a FILE, anything else a revision."""
    revs, files = [], []
    for arg in args:
        (files if Path(arg).exists() else revs).append(arg)
    if len(revs) > 2:
        raise UsageError(f"リビジョンは2つまでです（ファイルが見つからない引数: {', '.join(revs)}）")
    return revs, files


def classify_all(result: DiffResult, form: str, config: Config) -> tuple[Classification, ...]:
    from pia_changes.classify.apply import judge_changes
    return tuple(j.verdict for j in judge_changes(result.changes, form, config))


def compare_files(old_path: str, new_path: str) -> Compared:
    from pia_changes.config import load_config
    from pia_changes.diff.semantic import diff
    from pia_changes.document.model import load
    config = load_config(Path.cwd())
    old = load(old_path, config.max_input_bytes)
    new = load(new_path, config.max_input_bytes)
    result = diff(old, new)
    return Compared(new_path, result, classify_all(result, new.form.form, config))


def compare_revisions(args: tuple[str, ...], cached: bool) -> list[Compared]:
    revs, files = split_arguments(args)
    if not revs and not cached and len(files) == 2:
        return [compare_files(files[0], files[1])]
    if cached and revs:
        raise UsageError("--cached とリビジョンは同時に指定できません")
    from pia_changes.workspace import open_workspace

    with open_workspace(".") as ws:
        return compare_in(ws, revs, ws.targets(files), cached)


def compare_in(ws, revs: list[str], targets: list[str], cached: bool) -> list[Compared]:
    """The comparisons of the workspace's assessments TARGETS (ws.targets) between REVS."""
    from pia_changes.table.cache import DocumentCache
    repo, config = ws.repo, ws.config
    cache = DocumentCache(repo, config.max_input_bytes)  # a second diff parses no YAML
    out = []
    for path in targets:
        old_raw, new_raw, old_name, new_name = _sides(repo, path, revs, cached)
        out.append(_compare(path, old_raw, new_raw, old_name, new_name, config, cache,
                            new_committed=len(revs) == 2 or cached))
    return out


def _sides(repo, path: str, revs: list[str], cached: bool):
    if len(revs) == 2:
        a, b = repo.resolve_all(revs)
        old_path = _path_at(repo, path, a, b)
        return repo.read_at(a, old_path), repo.read_at(b, path), f"{revs[0]}:{old_path}", f"{revs[1]}:{path}"
    base = revs[0] if revs else "HEAD"
    head = repo.head()
    old_path = _path_at(repo, path, repo.resolve(base), head) if head is not None else path
    old = repo.read_at(repo.resolve(base), old_path) if head is not None else None
    if cached:
        return old, repo.read_index(path), f"{base}:{old_path}", f"(index):{path}"
    full = repo.root / path
    return old, (full.read_bytes() if full.is_file() else None), f"{base}:{old_path}", path


def _path_at(repo, path: str, old_sha: str, new_sha: str) -> str:
    """PATH's name at OLD_SHA: renames since then followed, as generate follows them."""
    if repo.read_at(old_sha, path) is not None:
        return path
    for revision in reversed(repo.file_revisions(path, new_sha)):
        if revision.blob is not None and repo.is_ancestor(revision.sha, old_sha):
            return revision.path
    return path


def _compare(path: str, old_raw: bytes | None, new_raw: bytes | None, old_name: str, new_name: str,
             config: Config, cache=None, new_committed: bool = False) -> Compared:
    from pia_changes.diff.change import DiffResult
    from pia_changes.diff.semantic import diff
    from pia_changes.document.model import load_bytes
    empty = DiffResult(changes=())
    if new_raw is None and old_raw is None:
        raise PiaError("比較する版がありません", file=path)
    if old_raw is None:
        load_bytes(new_raw, new_name, config.max_input_bytes)  # validate what is there
        return Compared(path, empty, (), "新しい評価書です（比較する前の版がありません）")
    if new_raw is None:
        return Compared(path, empty, (), "評価書が削除されています")
    if cache is not None:  # parsed revisions by blob sha; a working-tree file is only looked up
        old: Document = cache.load_bytes(old_raw, old_name)
        new: Document = cache.load_bytes(new_raw, new_name, store=new_committed)
    else:
        old = load_bytes(old_raw, old_name, config.max_input_bytes)
        new = load_bytes(new_raw, new_name, config.max_input_bytes)
    result = diff(old, new)
    return Compared(path, result, classify_all(result, new.form.form, config))
