"""A scratch git repository for tests: write files, commit with fixed dates, tag (real git, no mocks)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

JST = dt.timezone(dt.timedelta(hours=9))


class Repo:
    """A scratch repository: write files, commit with fixed dates, tag."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.day = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "評価 太郎")
        self.git("config", "user.email", "hyoka@example.jp")

    def stamp(self) -> str:
        """Commit n (1-based) is dated 2025-01-01 + (n - 1) days, 10:00 JST."""
        return (dt.datetime(2025, 1, 1, 10, tzinfo=JST) + dt.timedelta(days=max(self.day, 1) - 1)).isoformat()

    def git(self, *args: str, date: str | None = None, input: bytes | None = None) -> str:
        date = date or self.stamp()
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        done = subprocess.run(["git", *args], cwd=self.root, env=env, input=input,
                              capture_output=True, check=True)
        return done.stdout.decode("utf-8", "replace").strip()

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def commit(self, message: str, files: dict[str, str] | None = None, date: str | None = None) -> str:
        for path, text in (files or {}).items():
            self.write(path, text)
        self.git("add", "-A")
        self.day += 1
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.git("rev-parse", "HEAD")
