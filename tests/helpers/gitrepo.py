"""A scratch git repository for tests: write files, stage, commit with fixed dates, tag (real git, no mocks)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from click.testing import Result

from tests.helpers.cli import invoke

JST = dt.timezone(dt.timedelta(hours=9))


class Repo:
    """A scratch repository on branch main with a fixed author; commit n is dated day n."""

    def __init__(self, root: Path, *, init: bool = True) -> None:
        self.root = root
        self.day = 0
        if init:
            root.mkdir(parents=True, exist_ok=True)
            self.git("init", "-q", "-b", "main")
            self.git("config", "user.name", "評価 太郎")
            self.git("config", "user.email", "hyoka@example.jp")

    @classmethod
    def existing(cls, root: Path) -> Repo:
        """A repository another command made (init, reconstruct): read it, commit nothing to it."""
        return cls(root, init=False)

    def stamp(self) -> str:
        """Commit n (1-based) is dated 2025-01-01 + (n - 1) days, 10:00 JST."""
        return (dt.datetime(2025, 1, 1, 10, tzinfo=JST) + dt.timedelta(days=max(self.day, 1) - 1)).isoformat()

    def _run(self, args: tuple[str, ...], date: str | None, input: bytes | None, check: bool):
        date = date or self.stamp()
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        return subprocess.run(["git", *args], cwd=self.root, env=env, input=input, capture_output=True,
                              check=check)

    def git(self, *args: str, date: str | None = None, input: bytes | None = None) -> str:
        """Run git; its stdout, stripped. A failing git is an error of the test."""
        return self._run(args, date, input, True).stdout.decode("utf-8", "replace").strip()

    def try_git(self, *args: str) -> subprocess.CompletedProcess:
        """Run git where it may refuse (a hook, a conflict): the finished process, output as text."""
        done = self._run(args, None, None, False)
        return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
                                           done.stderr.decode("utf-8", "replace"))

    def write(self, path: str, content: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def stage(self, path: str, content: str | bytes) -> None:
        self.write(path, content)
        self.git("add", "--", path)

    def commit(self, message: str, files: dict[str, str | bytes] | None = None, date: str | None = None) -> str:
        """Write FILES, stage everything, commit (empty allowed); the new commit's sha."""
        for path, content in (files or {}).items():
            self.write(path, content)
        self.git("add", "-A")
        self.day += 1
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def cli(self, *args: str) -> Result:
        """pia-changes in-process with `-C` this repository."""
        return invoke(*args, root=self.root)
