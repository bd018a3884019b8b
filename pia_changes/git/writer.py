"""What creates things in git — repositories, commits, tags — and where hooks go: GitPython.

Off the hot path by design (Decisions 2026-12-06, Git behind one door): `import git` costs
about 0.1 s, as much as a whole warm `generate`, so only reconstruct, `init` (with --example)
and `hooks install|uninstall` import this module. GitPython is pinned ≥ 3.1.41 (CVE-2024-22190).

Commits are written by GitPython's index and object database (no `git commit`, so no hook and
no signing can run); tags by `git tag` through GitPython with signing turned off on the command
line. Files are staged as their bytes on disk: GitPython applies no filter.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from pia_changes.errors import PiaError

if TYPE_CHECKING:
    import git

__all__ = ["commit_files", "create_tag", "hooks_directory", "init_repository"]

# Signing is off for what is rebuilt, whatever the user's configuration says (git ≥ 2.31).
_NO_SIGNING = {"GIT_CONFIG_COUNT": "2", "GIT_CONFIG_KEY_0": "tag.gpgSign", "GIT_CONFIG_VALUE_0": "false",
               "GIT_CONFIG_KEY_1": "tag.forceSignAnnotated", "GIT_CONFIG_VALUE_1": "false"}


def _module():
    """GitPython, imported here and never at module import (it costs ~0.1 s)."""
    try:
        import git
    except ImportError as exc:  # GitPython also refuses to import when it cannot find git
        raise PiaError(f"GitPython を読み込めません（pip install 'GitPython>=3.1.41'）: {exc}") from None
    return git


def _open(root: Path) -> git.Repo:
    """The repository at ROOT through GitPython."""
    git = _module()
    try:
        return git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PiaError("git リポジトリではありません", file=str(root)) from None


def init_repository(path: Path, branch: str | None = None) -> None:
    """`git init` in PATH (an existing directory), on BRANCH when given."""
    git = _module()
    options = {"initial_branch": branch} if branch else {}
    try:
        git.Repo.init(path, mkdir=False, expand_vars=False, **options).close()
    except git.GitCommandError as exc:
        raise PiaError(f"git init が失敗しました: {_last_line(exc)}", file=str(path)) from None


def commit_files(root: Path, files: dict[str, bytes], message: str, when: dt.datetime,
                 author: tuple[str, str]) -> str:
    """Write FILES (root-relative posix paths) under ROOT, stage exactly them and commit with
    MESSAGE verbatim, authored and committed at WHEN by AUTHOR. The new commit's sha."""
    git = _module()
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    repo = _open(root)
    try:
        repo.index.add(list(files))
        who = git.Actor(*author)
        commit = repo.index.commit(message, author=who, committer=who, author_date=when, commit_date=when,
                                   skip_hooks=True)
        return commit.hexsha
    finally:
        repo.close()


def create_tag(root: Path, name: str, target: str, message: str, when: dt.datetime,
               author: tuple[str, str]) -> None:
    """An annotated, unsigned tag NAME on the commit TARGET (a full sha), tagger AUTHOR at WHEN."""
    git = _module()
    repo = _open(root)
    stamp = f"{int(when.timestamp())} {when.strftime('%z') or '+0000'}"
    try:
        with repo.git.custom_environment(GIT_COMMITTER_NAME=author[0], GIT_COMMITTER_EMAIL=author[1],
                                         GIT_COMMITTER_DATE=stamp, **_NO_SIGNING):
            repo.create_tag(name, ref=target, message=message)
    except git.GitCommandError as exc:
        raise PiaError(f"タグ {name} を作れません: {_last_line(exc)}") from None
    finally:
        repo.close()


def hooks_directory(root: Path) -> Path:
    """Where git runs this repository's hooks from: core.hooksPath (any configuration level,
    relative to the root) when set, else the common git dir's hooks/ — asked of git itself, so
    worktrees, includes and GIT_CONFIG_GLOBAL count as git counts them."""
    git = _module()
    repo = _open(root)
    try:
        return Path(repo.git.rev_parse("--path-format=absolute", "--git-path", "hooks"))
    except git.GitCommandError as exc:
        raise PiaError(f"フックの場所を git から得られません: {_last_line(exc)}") from None
    finally:
        repo.close()


def _last_line(exc: Exception) -> str:
    text = str(getattr(exc, "stderr", "") or exc).strip().strip("'").strip()
    return text.splitlines()[-1] if text else str(exc)
