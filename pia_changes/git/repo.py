"""The one door to git: revisions of an assessment file, blobs, submission tags (caches: table/cache.py).

The hot read path is the package's own small plumbing (plumbing.py: hardened `git` processes,
one long-lived `git cat-file --batch`), because importing GitPython costs about as much as a
whole warm `generate` (Decisions 2026-12-06, Git behind one door). What creates things
(commits, tags, repositories, hooks) goes through GitPython in writer.py, imported only then.

The walk of a file follows renames and the first-parent chain only (`--follow --first-parent`,
merges diffed against their first parent): a branch merged into the main line is one revision,
the merge, whose message carries the trailers — the commits inside the branch are drafts.
Needs git 2.31 or newer (--diff-merges, --path-format).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pia_changes.errors import PiaError
from pia_changes.git.plumbing import NO_DRIVERS, CatFile, GitObjectError, run
from pia_changes.text.normalise import nfkc

if TYPE_CHECKING:  # for the annotation only: reading trailers is classify's business
    from pia_changes.classify.trailers import Trailers

__all__ = ["GitObjectError", "GitRepo", "Revision", "SubmissionTag", "SubmissionTags"]


SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_TAG_REST = re.compile(r"^(?:(?P<stem>[^/]+)/)?(?P<date>\d{4}-\d{2}-\d{2})$")
_REEVALUATION = re.compile(r"^\s*種別\s*:\s*再実施\s*$", re.MULTILINE)
_KIND = re.compile(r"^\s*種別\s*:\s*(\S+)\s*$", re.MULTILINE)
WRITER = ("pia-changes", "pia-changes@localhost")  # author and committer of rebuilt history


@dataclass(frozen=True)
class Revision:
    """One commit that touched the file, as seen against its first parent."""

    sha: str
    parent: str | None          # first parent; None for a root commit (or a shallow boundary)
    author_date: dt.datetime
    commit_date: dt.datetime
    message: str
    path: str                   # the file's path at this commit (renames followed)
    blob: str | None            # the file's blob at this commit; None when the commit deleted it

    @property
    def trailers(self) -> Trailers:
        from pia_changes.classify.trailers import parse_trailers  # imported when first needed: `diff` never is
        return parse_trailers(self.message)


@dataclass(frozen=True)
class SubmissionTag:
    """A submission: `submitted/<stem>/YYYY-MM-DD` (one assessment) or `submitted/YYYY-MM-DD` (all)."""

    name: str                   # the tag name, without refs/tags/
    stem: str | None            # the assessment file's stem; None for a repository-wide tag
    date: dt.date               # from the NAME: staff often tag afterwards
    target: str                 # the commit the tag points to (peeled)
    reevaluation: bool = False  # annotated message has a line 「種別: 再実施」
    tagged: dt.datetime | None = None  # when an annotated tag was made (None: a lightweight tag)
    kind: str | None = None     # the message's 「種別: 実施|再実施|見直し|…」, None without one


class SubmissionTags(list):
    """A list of SubmissionTag, oldest first, with `warnings` about tags that were skipped."""

    def __init__(self, tags: list[SubmissionTag] = (), warnings: list[str] = ()) -> None:  # type: ignore[assignment]
        super().__init__(tags)
        self.warnings: list[str] = list(warnings)


def _usable_rev(rev: str) -> str:
    """REV, unless git could take it for an option or it holds a line break (a usage error)."""
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise PiaError(f"リビジョンとして使えない文字列です: {rev!r}")
    return rev


class _Ancestors:
    """The commits a commit contains, as a bit set over an index of shas (preload_ancestry)."""

    __slots__ = ("index", "mask")

    def __init__(self, index: dict[str, int], mask: int) -> None:
        self.index, self.mask = index, mask

    def __contains__(self, sha: object) -> bool:
        position = self.index.get(sha)  # type: ignore[arg-type]
        return position is not None and bool(self.mask >> position & 1)


_AHEAD = 256  # commit names asked ahead at once: 256 × 41 bytes, a sixth of a pipe's buffer


class GitRepo:
    """A git working tree. Use as a context manager (or call close()) to stop the cat-file process."""

    def __init__(self, root: Path, git_dir: Path, shallow: bool | None = None) -> None:
        self.root = root
        self.git_dir = git_dir      # the common git dir (shared by linked worktrees)
        self._shallow = shallow     # asked with the discovery when known: a git process less per command
        self._batch = CatFile(root)
        self._reachable: dict[str, frozenset[str] | _Ancestors] = {}
        self._commits: set[str] = set()  # full shas resolve() found to be commits
        self._revisions: dict[tuple[str, str], list[Revision]] = {}  # (path, commit) → file_revisions
        self._tags: dict[str, SubmissionTags] = {}  # prefix → tags()

    # ---- process plumbing -------------------------------------------------------------------

    def _run(self, args: list[str], check: bool = True):
        return run(self.root, args, check)

    def _git(self, *args: str, check: bool = True) -> bytes:
        return run(self.root, list(args), check).stdout

    @classmethod
    def discover(cls, path: str | Path = ".") -> GitRepo:
        """The repository containing PATH (a directory or a file in it)."""
        start = Path(path)
        if start.is_file():
            start = start.parent
        if not start.is_dir():
            raise PiaError("ディレクトリがありません", file=str(path))
        done = run(start, ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir",
                           "--is-shallow-repository"], check=False)
        lines = os.fsdecode(done.stdout).splitlines()
        if done.returncode != 0 or len(lines) != 3:
            raise PiaError("git リポジトリではありません（git init するか、リポジトリの中で実行してください）",
                           file=str(path))
        return cls(Path(lines[0]), Path(lines[1]), shallow=lines[2] == "true")

    @classmethod
    def init(cls, path: str | Path, branch: str | None = None) -> GitRepo:
        """A new repository in PATH (an existing directory), made by GitPython (writer.py)."""
        from pia_changes.git.writer import init_repository
        init_repository(Path(path), branch)
        return cls.discover(path)

    def hooks_dir(self) -> Path:
        """Where git looks for hooks: core.hooksPath when set (relative to the root), else .git/hooks."""
        from pia_changes.git.writer import hooks_directory
        return hooks_directory(self.root)

    def forked(self) -> GitRepo:
        """This repository for a forked child process (table.workers): its own `git cat-file`,
        since the parent's pipes are the parent's to use."""
        return GitRepo(self.root, self.git_dir, self._shallow)

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._batch.close()

    @property
    def cat_file_pid(self) -> int | None:
        """The process id of the running `git cat-file --batch`, if any (for diagnostics and tests)."""
        return self._batch.pid

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown: nothing left to tell
            pass

    # ---- writing (reconstruct, the example repository): GitPython, off the hot path ----------

    def commit_files(self, files: dict[str, bytes], message: str, when: dt.datetime,
                     author: tuple[str, str] = WRITER) -> str:
        """Write FILES (root-relative paths), stage exactly them and commit with MESSAGE, authored
        and committed at WHEN by AUTHOR; no hook runs and nothing is signed (history is being
        rebuilt, not written by a person). The new commit's sha."""
        from pia_changes.git.writer import commit_files
        return commit_files(self.root, {self.relpath(rel): data for rel, data in files.items()},
                            message, when, author)

    def create_tag(self, name: str, target: str, message: str, when: dt.datetime,
                   author: tuple[str, str] = WRITER) -> None:
        """An annotated tag NAME on TARGET, dated WHEN (the tagger date; the name's date counts)."""
        if not name or name.startswith("-") or any(c in name for c in "\0\n\r "):
            raise PiaError(f"タグ名として使えない文字列です: {name!r}")
        from pia_changes.git.writer import create_tag
        create_tag(self.root, name, self.resolve(target), message, when, author)
        self._tags.clear()

    # ---- revisions ---------------------------------------------------------------------------

    def is_shallow(self) -> bool:
        if self._shallow is None:
            self._shallow = self._git("rev-parse", "--is-shallow-repository").strip() == b"true"
        return self._shallow

    def head(self) -> str | None:
        """The commit HEAD points to (detached or not); None in an empty repository."""
        done = self._run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def resolve_all(self, revs: list[str]) -> list[str]:
        """The full shas of the commits REVS name, with one process when all of them name one
        (each start of git counts in a command that reads its answer from a cache)."""
        todo = [rev for rev in revs if _usable_rev(rev) not in self._commits]
        if len(todo) > 1:
            done = self._run(["rev-parse", "--end-of-options", *(rev + "^{commit}" for rev in todo)], check=False)
            shas = done.stdout.decode().split()
            if done.returncode == 0 and len(shas) == len(todo) and all(SHA.fullmatch(sha) for sha in shas):
                self._commits.update(shas)
                known = dict(zip(todo, shas))
                return [known.get(rev, rev) for rev in revs]
        return [self.resolve(rev) for rev in revs]  # one by one: the error names the one missing

    def resolve(self, rev: str) -> str:
        """The full sha of the commit REV names (branch, tag, sha, HEAD~2 …)."""
        if _usable_rev(rev) in self._commits:  # a commit's full sha names that commit: no process
            return rev
        done = self._run(["rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"],
                         check=False)
        if done.returncode != 0:
            raise PiaError(f"リビジョンが見つかりません: {rev}")
        sha = done.stdout.decode().strip()
        self._commits.add(sha)
        return sha

    def relpath(self, path: str | Path) -> str:
        """PATH as git names it: relative to the root, '/'-separated. Relative input is root-relative."""
        p = Path(path)
        if p.is_absolute():
            try:
                p = p.resolve().relative_to(self.root.resolve())
            except ValueError:
                raise PiaError("リポジトリの外のファイルです", file=str(path)) from None
        text = p.as_posix()
        if text in ("", ".") or ".." in p.parts or any(c in text for c in "\0\n"):
            raise PiaError("リポジトリ内のファイルのパスではありません", file=str(path))
        return text

    def file_revisions(self, path: str | Path, rev: str = "HEAD") -> list[Revision]:
        """Commits that touched PATH (its name at REV) up to REV, oldest first, renames followed,
        first parent only. Empty when the file was never committed or the repository is empty."""
        rel = self.relpath(path)
        sha = self.head() if rev == "HEAD" else self.resolve(rev)
        if sha is None:
            return []  # an empty repository
        if (rel, sha) in self._revisions:  # generate, its drafts check and the tag findings ask alike
            return list(self._revisions[(rel, sha)])
        out = self._git("log", "--follow", "--first-parent", "--diff-merges=first-parent", "--raw", "-z",
                        *NO_DRIVERS, "--no-abbrev", "--no-color", "--format=%x01%H %P%x00%aI %cI", sha, "--", rel)
        revisions = self._revisions_of(_parse_log(out))
        revisions.reverse()
        self._revisions[(rel, sha)] = revisions
        return list(revisions)

    def preload_revisions(self, paths: list[str], rev: str = "HEAD") -> None:
        """file_revisions of many PATHS from one walk of the history instead of one `git log
        --follow` each (status reads dozens of assessments). Only a path the walk shows added and
        never renamed or copied is taken from it: for the others --follow decides, as before."""
        sha = self.head() if rev == "HEAD" else self.resolve(rev)
        wanted = {self.relpath(p) for p in paths} - {path for path, at in self._revisions if at == sha}
        if sha is None or len(wanted) < 2:
            return
        out = self._git("log", "--first-parent", "--diff-merges=first-parent", "--raw", "-z", "-M", *NO_DRIVERS,
                        "--no-abbrev", "--no-color", "--format=%x01%H %P%x00%aI %cI", sha)
        found: dict[str, dict[str, tuple]] = {path: {} for path in wanted}  # path → commit → (status, entry)
        renamed: set[str] = set()
        for commit, parent, dates, status, paths_here, blob in _raw_entries(out):
            if status in ("R", "C"):
                renamed.update(paths_here)
            elif paths_here[0] in found:
                found[paths_here[0]][commit] = (status, (commit, parent, dates, paths_here[0], blob))
        for path, entries in found.items():
            history = list(entries.values())[::-1]  # the walk is newest first
            if path not in renamed and history and history[0][0] == "A" and history[-1][1][4] is not None:
                self._revisions[(path, sha)] = self._revisions_of([entry for _, entry in history])

    def _revisions_of(self, entries: list[tuple]) -> list[Revision]:
        """The Revisions of log ENTRIES. Their commits' messages are asked of git ahead, a batch
        at a time, and read in order: one round trip a commit took 12 ms of 300. A batch of
        requests stays well within what a pipe holds, so git never waits on us while we write."""
        out: list[Revision] = []
        for start in range(0, len(entries), _AHEAD):
            batch = entries[start:start + _AHEAD]
            for entry in batch:
                self._batch.ahead(entry[0])
            out += [self._revision(*entry) for entry in batch]
        return out

    def _revision(self, sha: str, parent: str | None, dates: str, path: str, blob: str | None) -> Revision:
        author, committer = dates.split(" ")
        return Revision(sha=sha, parent=parent, author_date=dt.datetime.fromisoformat(author),
                        commit_date=dt.datetime.fromisoformat(committer), message=self.message(sha),
                        path=path, blob=blob)

    def message(self, sha: str) -> str:
        """A commit's message, decoded with its `encoding` header (else UTF-8), bad bytes replaced."""
        raw = self._object(sha, "commit")
        header, _, body = raw.partition(b"\n\n")
        encoding = "utf-8"
        for line in header.split(b"\n"):
            if line.startswith(b"encoding "):
                encoding = line[9:].decode("ascii", "replace").strip()
        try:
            return body.decode(encoding, "replace")
        except LookupError:
            return body.decode("utf-8", "replace")

    def commit_date(self, rev: str) -> dt.datetime:
        """When REV was committed (generate --rev counts the tags dated up to it)."""
        out = self._git("log", "-1", "--format=%cI", self.resolve(rev)).decode().strip()
        return dt.datetime.fromisoformat(out)

    def first_commit_date(self, rev: str = "HEAD") -> dt.datetime | None:
        """The date of the oldest commit reachable from REV (the shallow boundary in a shallow clone)."""
        sha = self.head() if rev == "HEAD" else self.resolve(rev)
        if sha is None:
            return None
        out = self._git("log", "--max-parents=0", "--format=%cI", sha).decode()
        dates = [dt.datetime.fromisoformat(line) for line in out.split()]
        return min(dates) if dates else None

    def shallow_warning(self) -> str | None:
        """The notice to print when history is cut off, else None."""
        if not self.is_shallow():
            return None
        first = self.first_commit_date()
        since = f"{first.date().isoformat()} 以降" if first else "一部"
        return (f"浅いクローン（shallow clone）のため履歴が{since}しかありません。"
                "変更箇所を正しく作るには git fetch --unshallow で全履歴を取得してください")

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether DESCENDANT contains ANCESTOR (e.g. whether a submission includes a commit)."""
        a = ancestor if SHA.match(ancestor) else self.resolve(ancestor)
        b = descendant if SHA.match(descendant) else self.resolve(descendant)
        if b not in self._reachable:  # one rev-list per tag instead of one process per question
            self._reachable[b] = frozenset(self._git("rev-list", b).decode().split())
        return a in self._reachable[b]

    def preload_ancestry(self, targets: list[str]) -> None:
        """What each of TARGETS (commit shas, e.g. submission tags) contains, from one
        `rev-list --parents` instead of one process per target; is_ancestor then asks no git.
        Each commit's ancestors are a bit set over the listed commits, built parents first, so
        hundreds of tags over thousands of commits cost one pass, not a walk per tag."""
        wanted = sorted({t for t in targets if SHA.match(t) and t not in self._reachable})
        if len(wanted) < 2:
            return
        listed = [line.split() for line in
                  self._git("rev-list", "--topo-order", "--parents", *wanted, "--").decode().splitlines()]
        index = {shas[0]: i for i, shas in enumerate(listed) if shas}
        bits: dict[str, int] = {}
        for shas in reversed(listed):  # --topo-order lists children first
            if shas:
                mask = 1 << index[shas[0]]
                for parent in shas[1:]:
                    mask |= bits.get(parent, 0)
                bits[shas[0]] = mask
        for target in wanted:
            self._reachable[target] = _Ancestors(index, bits.get(target, 0))

    # ---- contents ----------------------------------------------------------------------------

    def _object(self, name: str, kind: str) -> bytes:
        found = self._batch.read(name)
        if found is None or found[0] != kind:
            raise GitObjectError(f"git のオブジェクトを読めません（欠けているか壊れています）: {name}")
        return found[1]

    def _cat(self, name: str) -> tuple[str, bytes] | None:
        """(type, content) of the object NAME through the one cat-file process; None if missing."""
        return self._batch.read(name)

    def read_ahead(self, sha: str) -> None:
        """Let git inflate the blob SHA while the caller works on the one before (read_blob reads it)."""
        if SHA.match(sha):
            self._batch.ahead(sha)

    def read_blob(self, sha: str) -> bytes:
        if not SHA.match(sha):
            raise PiaError(f"blob の sha ではありません: {sha!r}")
        return self._object(sha, "blob")

    def read_at(self, rev: str, path: str | Path) -> bytes | None:
        """The content of PATH at REV; None when the file does not exist there."""
        found = self._cat(f"{self.resolve(rev)}:{self.relpath(path)}")
        return found[1] if found is not None and found[0] == "blob" else None

    def read_index(self, path: str | Path) -> bytes | None:
        """The staged content of PATH (stage 0); None when it is not in the index."""
        out = self._git("ls-files", "--stage", "-z", "--", self.relpath(path))
        for entry in out.split(b"\0"):
            info, _, _ = entry.partition(b"\t")
            fields = info.split()
            if len(fields) == 3 and fields[2] == b"0":
                return self.read_blob(fields[1].decode())
        return None

    def changed_files(self, rev_a: str | None, rev_b: str | None = None, cached: bool = False) -> list[str]:
        """Paths that differ between REV_A and REV_B, or the index (cached) or the working tree.

        REV_A None means the empty tree (a repository without commits). Renames count as a deleted
        and an added path. Untracked files are not listed, as in `git diff`. Working files are
        hashed here from their bytes on disk: git would read them through the repository's
        clean filters and its fsmonitor.
        """
        if cached and rev_b is not None:
            raise PiaError("--cached と2つ目のリビジョンは同時に指定できません")
        a = self.resolve(rev_a) if rev_a is not None else self._empty_tree()
        if not cached and rev_b is None:
            return self._worktree_changes(a)
        revs = [a] + ([self.resolve(rev_b)] if rev_b is not None else [])
        out = self._git("diff", "--name-only", "-z", "--no-renames", *NO_DRIVERS, "--no-color",
                        *(["--cached"] if cached else []), *revs, "--")
        return sorted({os.fsdecode(p) for p in out.split(b"\0") if p})

    def _worktree_changes(self, tree: str) -> list[str]:
        """`git diff --name-only TREE` without git reading a working file: tracked paths (the
        index's) whose file on disk differs from TREE in content or mode, or is gone, and paths
        of TREE the index no longer has."""
        base: dict[str, tuple[str, str]] = {}
        for entry in self._git("ls-tree", "-r", "-z", "--full-tree", tree).split(b"\0"):
            info, _, path = entry.partition(b"\t")
            fields = info.decode().split()
            if path and len(fields) == 3:
                base[os.fsdecode(path)] = (fields[0], fields[2])
        changed = set()
        tracked = set()
        for entry in self._git("ls-files", "--stage", "-z").split(b"\0"):
            info, _, path = entry.partition(b"\t")
            fields = info.decode().split()
            if not path or len(fields) != 3:
                continue
            name = os.fsdecode(path)
            tracked.add(name)
            if fields[0] == "160000":  # a submodule: its commit as staged
                if base.get(name) != (fields[0], fields[1]):
                    changed.add(name)
            elif _disk_entry(self.root / name, len(fields[1])) != base.get(name):
                changed.add(name)
        return sorted(changed | (base.keys() - tracked))

    def _empty_tree(self) -> str:
        """The empty tree's id in this repository's object format (read from stdin: no path, so
        no attributes and no filter apply)."""
        return self._git("hash-object", "-t", "tree", "--stdin").decode().strip()

    # ---- submission tags ---------------------------------------------------------------------

    def tags(self, prefix: str = "submitted/") -> SubmissionTags:
        """Submission tags under PREFIX, by date then name; malformed names go to `.warnings`.
        Read once per GitRepo: each assessment of a repository asks (a copy each time)."""
        if prefix not in self._tags:
            self._tags[prefix] = self._read_tags(prefix)
        found = self._tags[prefix]
        return SubmissionTags(found, found.warnings)

    def _read_tags(self, prefix: str) -> SubmissionTags:
        out = self._git("for-each-ref", "--format=%(refname)%00%(objecttype)%00%(objectname)"
                       "%00%(*objecttype)%00%(*objectname)%00%(taggerdate:iso-strict)", "refs/tags/")
        found: list[SubmissionTag] = []
        warnings: list[str] = []
        for line in out.split(b"\n"):
            fields = [os.fsdecode(f) for f in line.split(b"\0")]
            if len(fields) != 6 or not fields[0].startswith("refs/tags/" + prefix):
                continue
            try:
                tag = self._tag(fields, prefix, warnings)
            except GitObjectError:
                warnings.append(f"提出タグ {fields[0].removeprefix('refs/tags/')} のオブジェクトが欠けているか壊れているため"
                                "読み飛ばしました（git fsck で確かめてください）")
                continue
            if tag is not None:
                found.append(tag)
        found.sort(key=lambda t: (t.date, t.name))
        return SubmissionTags(found, warnings)

    def _tag(self, fields: list[str], prefix: str, warnings: list[str]) -> SubmissionTag | None:
        refname, kind, sha, peeled_kind, peeled, tagged = fields
        name = refname.removeprefix("refs/tags/")
        m = _TAG_REST.match(name[len(prefix):])
        day = _iso_date(m["date"]) if m else None
        if day is None:
            warnings.append(f"提出タグ {name} を読み飛ばしました（{prefix}<ファイル名>/YYYY-MM-DD または "
                            f"{prefix}YYYY-MM-DD の形にしてください）")
            return None
        reevaluation, tag_kind = False, None
        if kind == "tag":
            message = nfkc(self._object(sha, "tag").partition(b"\n\n")[2].decode("utf-8", "replace"))
            reevaluation = bool(_REEVALUATION.search(message))
            tag_kind = m_kind[1] if (m_kind := _KIND.search(message)) else None
            target = peeled if peeled_kind == "commit" else self._peel(name)
        else:
            target = sha if kind == "commit" else None
        if target is None:
            warnings.append(f"提出タグ {name} がコミットを指していないため読み飛ばしました")
            return None
        return SubmissionTag(name=name, stem=m["stem"], date=day, target=target, reevaluation=reevaluation,
                             tagged=dt.datetime.fromisoformat(tagged) if tagged else None, kind=tag_kind)

    def _peel(self, name: str) -> str | None:
        try:
            return self.resolve("refs/tags/" + name)
        except PiaError:
            return None


def _disk_entry(path: Path, sha_length: int) -> tuple[str, str] | None:
    """(mode, blob id) git would record for the file at PATH, from its bytes on disk; None when
    it is gone. SHA_LENGTH tells the object format (40: SHA-1, 64: SHA-256)."""
    try:
        if path.is_symlink():
            mode, data = "120000", os.fsencode(os.readlink(path))
        else:
            mode = "100755" if os.stat(path).st_mode & 0o100 else "100644"
            data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    digest = hashlib.new("sha1" if sha_length == 40 else "sha256", b"blob %d\0" % len(data) + data)
    return mode, digest.hexdigest()


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _raw_entries(out: bytes):
    """(commit, first parent, dates, status letter, paths, blob) for each file of each commit in
    `log --raw -z` output (every file, unlike _parse_log's one per commit), newest first."""
    tokens = out.split(b"\0")
    i = 0
    commit: list = []
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if token.startswith(b"\x01"):
            shas = token[1:].decode().split()
            commit = [shas[0], shas[1] if len(shas) > 1 else None, tokens[i + 1].decode()]
            i += 2
        elif token.startswith(b":") and commit:
            meta = token[1:].decode().split()
            count = 2 if meta[4][:1] in ("R", "C") else 1
            paths = tuple(os.fsdecode(t) for t in tokens[i + 1:i + 1 + count])
            blob = None if meta[4] == "D" or set(meta[3]) == {"0"} else meta[3]
            yield commit[0], commit[1], commit[2], meta[4][:1], paths, blob
            i += 1 + count
        else:
            i += 1


def _parse_log(out: bytes) -> list[tuple[str, str | None, str, str, str | None]]:
    """(sha, first parent, dates, path, blob) per commit from `log --raw -z` output of one file,
    newest first; a renamed file is named by its new path."""
    entries: list[tuple[str, str | None, str, str, str | None]] = []
    for commit, parent, dates, _, paths, blob in _raw_entries(out):
        if entries and entries[-1][0] == commit:
            entries.pop()  # several entries for one commit (type change): the last one counts
        entries.append((commit, parent, dates, paths[-1], blob))
    return entries
