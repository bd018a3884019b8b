"""Starting git to read a repository that may be someone else's (Decisions 2026-12-06, Git
behind one door).

A reviewer runs log, diff, blame, generate, report or status on a repository received as a zip
or on a USB stick, `.git/config` and `.gitattributes` included. Git itself would start programs
named there: an fsmonitor hook, a pager, hooks, textconv and external diff drivers, clean and
smudge filters, a transport to fetch a missing object of a partial clone. Every call made here
turns those off on the command line, which wins over any configuration file; the few commands
that could read a working file through a filter are not used at all (working files are read
from disk by the caller). Arguments are fixed lists, no shell; only validated revisions and
repository paths are passed on, never text from a document or a commit message.
"""
from __future__ import annotations

import collections
import contextlib
import os
import re
import shlex
import subprocess
from pathlib import Path

from pia_changes.errors import PiaError

__all__ = ["CatFile", "GitObjectError", "run"]

# Before the subcommand: these beat .git/config, includes and the user's own configuration.
HARDENED = (
    "--no-pager",
    "-c", "core.fsmonitor=false",          # no fsmonitor hook (it runs when the index is read)
    "-c", "core.hooksPath=/dev/null",      # no hook of any kind (post-index-change, …)
    "-c", "core.pager=cat",
    "-c", "protocol.allow=never",          # no transport, so no lazy fetch and no ssh command
    "-c", "core.quotepath=false",          # settings that would change the output we parse
    "-c", "log.showSignature=false",       # (and would start gpg)
    "-c", "color.ui=false",
)
# Options of the commands that can show a diff: no textconv, no external diff driver.
NO_DRIVERS = ("--no-textconv", "--no-ext-diff")
ENV = {"GIT_LITERAL_PATHSPECS": "1", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0",
       "GIT_NO_LAZY_FETCH": "1", "GIT_PAGER": "cat", "PAGER": "cat"}
_BROKEN = re.compile(r"(?:Could not read|unable to read|loose object|bad object|missing \w+)\s+([0-9a-f]{40,64})")
_DUBIOUS = re.compile(r"(?:dubious ownership in repository at|unsafe repository \()\s*'([^']*)'")


class GitObjectError(PiaError):
    """An object git cannot read (missing or corrupt): for an old revision, that revision is
    skipped with a warning naming its commit, never the whole command."""


def run(cwd: Path | str, args: list[str], check: bool = True,
        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`git ARGS` in CWD with the hardened options; output captured, stdin empty. A failure with
    CHECK is a PiaError carrying git's last line (or the safe.directory advice)."""
    env = {**os.environ, **ENV, **(extra_env or {})}
    try:
        done = subprocess.run(["git", *HARDENED, *args], cwd=cwd, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True)
    except FileNotFoundError:
        raise PiaError("git が見つかりません（git をインストールしてください）") from None
    if done.returncode != 0:
        refused = dubious_ownership(done.stderr, cwd)
        if refused is not None:
            raise refused
        if check:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            broken = _BROKEN.search("\n".join(detail))
            if broken is not None:
                raise GitObjectError(f"git のオブジェクト {broken[1]} が欠けているか壊れているため、git {args[0]} "
                                     "で履歴を読めません（git fsck で確かめ、壊れていない複製から取り直してください）")
            raise PiaError(f"git {args[0]} が失敗しました: {detail[-1] if detail else done.returncode}")
    return done


def dubious_ownership(stderr: bytes, where: Path | str) -> PiaError | None:
    """The error to show when git refused the repository as someone else's (safe.directory):
    how to trust it, in Japanese, instead of git's English message or a traceback."""
    text = stderr.decode("utf-8", "replace")
    found = _DUBIOUS.search(text)
    if found is None:
        return None
    path = found[1] or str(Path(where).resolve())
    return PiaError("git が他のユーザーの所有するリポジトリとして読むのを拒みました（dubious ownership）。"
                    "中身を信頼できる場合だけ、git config --global --add safe.directory "
                    f"{shlex.quote(path)} を実行してから、もう一度実行してください", file=path)


class CatFile:
    """One long-lived `git cat-file --batch` (Decisions: Speed): objects as stored, raw — no
    --filters, no --textconv, so nothing the repository configures runs while reading.

    An object can be asked for ahead (`ahead`): git then inflates it while the caller is still
    parsing the one before, on the other core."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen | None = None
        self._pending: collections.deque[str] = collections.deque()  # asked ahead, answers unread

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def ahead(self, name: str) -> None:
        """Ask for NAME now; its answer is read by the `read` of NAME that follows. An answer
        nobody reads is skipped by the next read."""
        if "\n" in name or "\0" in name:
            return
        try:
            self._ask(name)
        except (OSError, ValueError):
            self.close()
            return
        self._pending.append(name)

    def read(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of the object NAME; None when git has no such object. Raises
        GitObjectError when the process dies on it (a corrupt object)."""
        if "\n" in name or "\0" in name:
            return None
        try:
            while self._pending:
                asked = self._pending.popleft()
                answer = self._answer()
                if asked == name:
                    return answer
            self._ask(name)
            return self._answer()
        except (OSError, ValueError):
            self.close()
            raise GitObjectError(f"git のオブジェクトを読めません（欠けているか壊れています）: {name}") from None

    def _ask(self, name: str) -> None:
        if self._process is None or self._process.poll() is not None:
            self._pending.clear()
            self._process = subprocess.Popen(["git", *HARDENED, "cat-file", "--batch"], cwd=self.root,
                                             env={**os.environ, **ENV}, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(os.fsencode(name) + b"\n")
        stdin.flush()

    def _answer(self) -> tuple[str, bytes] | None:
        stdout = self._process.stdout if self._process is not None else None
        if stdout is None:
            raise ValueError("no process")
        header = stdout.readline()
        if header.endswith((b" missing\n", b" ambiguous\n")):  # NAME may hold spaces (rev:path)
            return None
        fields = header.split()
        if len(fields) != 3:
            raise ValueError("no header: the process died")
        size = int(fields[2])
        content = stdout.read(size + 1)
        if len(content) != size + 1:
            raise ValueError("short object")
        return fields[1].decode(), content[:-1]

    def close(self) -> None:
        self._pending.clear()
        if self._process is None:
            return
        process, self._process = self._process, None
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
