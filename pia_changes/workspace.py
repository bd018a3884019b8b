"""A workspace: the repository, its pia-changes.toml and its assessment files, opened in one place.

generate, diff, log, blame, check and report all start here, so they agree on which files are
assessments and which configuration applies.
"""
from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pia_changes.config import Config, load_config
from pia_changes.errors import PiaError
from pia_changes.git.repo import GitRepo


@dataclass
class Workspace:
    repo: GitRepo
    config: Config

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.repo.close()

    @property
    def assessments(self) -> list[str]:
        """Repository-relative paths of every assessment the config's globs match, sorted."""
        return [self.repo.relpath(p) for p in self.config.assessment_paths()]

    def targets(self, files: list[str] | tuple[str, ...] = ()) -> list[str]:
        """Repository-relative paths of FILES, or of every assessment."""
        if files:
            return [self.repo.relpath(Path(f).resolve()) for f in files]
        paths = self.assessments
        if not paths:
            raise PiaError(f"評価書が見つかりません（pia-changes.toml の assessments: "
                           f"{', '.join(self.config.assessments)}）", file=str(self.repo.root))
        return paths


def open_workspace(start: str | Path = ".") -> Workspace:
    """The repository containing START with its configuration (close it, or use `with`)."""
    repo = GitRepo.discover(start)
    try:
        return Workspace(repo, load_config(repo.root))
    except BaseException:
        repo.close()
        raise


def assessment_files(start: str | Path = ".") -> list[str]:
    """Every configured assessment in the working tree, named relative to the current directory:
    what `validate` checks when it is given no FILE."""
    with open_workspace(start) as ws:
        return [os.path.relpath(ws.repo.root / rel) for rel in ws.targets()]


_WILDCARD = re.compile(r"[*?[]")


def expand_globs(args: Iterable[str], keep_unmatched: bool = False) -> list[str]:
    """FILE arguments with their wildcards expanded as a POSIX shell would: Windows' cmd and
    PowerShell pass `assessments/*.yaml` through as it is. An existing file of that very name
    wins; `**` reaches into subdirectories. A pattern matching no file is an error naming it,
    unless KEEP_UNMATCHED (diff, where it may be a revision). Each file is listed once."""
    out: list[str] = []
    for arg in args:
        if not _WILDCARD.search(arg) or Path(arg).exists():
            out.append(arg)
            continue
        found = sorted(p for p in glob.glob(arg, recursive=True) if Path(p).is_file())
        if not found and not keep_unmatched:
            raise PiaError("一致するファイルがありません", file=arg)
        out += found or [arg]
    return list(dict.fromkeys(out))
