"""The last output of `generate` (and of `diff` between two commits), kept under .git so that
running it again on an unchanged repository prints the same bytes without walking the history
(issue 29: warm ≤ 0.4× `git log -p`).

Everything the output depends on is in the key (Decisions 2026-12-06, Caches hold data): the
commits it was built at (a commit's sha fixes every revision of every file before it), whether
the clone is shallow, the submission tags with their targets, tagger dates and annotations, the
whole pia-changes.toml, the assessment files and the targets, the day (findings about deadlines
change with it), the tool's version and the output options. A change of any of them is a miss,
and the output is built again from the per-commit caches. One file per set of options: a new
state overwrites the old one, so the directory does not grow with the history.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace

from pia_changes.config import Config
from pia_changes.git.repo import GitRepo
from pia_changes.table import datafile
from pia_changes.table.cachedir import cache_root, config_salt, package_version
from pia_changes.table.rows import Finding

datafile.register(Finding)


@dataclass(frozen=True)
class Output:
    """What a `generate` run shows: the rendered table, its findings, the drafts left out."""

    data: bytes
    findings: tuple[Finding, ...]
    drafts: tuple[str, ...]
    rows: int


datafile.register(Output)


@dataclass(frozen=True)
class OutputKey:
    slot: str    # the options: which file holds the entry
    state: str   # everything else: the entry is valid only for this


def output_key(repo: GitRepo, config: Config, rev: str, targets: list[str], assessments: list[str],
               today: dt.date, options: tuple) -> OutputKey | None:
    """generate's key. None when there is no commit to build at (nothing is cached then)."""
    head = repo.head()
    if head is None:
        return None
    at = head if rev == "HEAD" else repo.resolve(rev)
    tags = repo.tags(config.tag_prefix)
    return keyed(("generate", options, targets, rev),
                 (head, at, repo.is_shallow(), list(tags), tags.warnings, config_salt(config), assessments,
                  today.isoformat()))


def keyed(options: tuple, state: tuple) -> OutputKey:
    """The key of an output: OPTIONS choose the file (one per set), STATE (everything else the
    output depends on; the tool's version is added here) must match for the entry to count."""
    return OutputKey(_digest(repr(options)), _digest(repr((package_version(), options, state))))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class OutputCache:
    """An entry is two files: `<slot>.json`, a signed datafile holding the findings and the digest
    of the output, and `<slot>.out`, the output's bytes as they are (decoding megabytes of text
    out of JSON took longer than the rest of a warm run). Either one missing, foreign or changed
    is a miss."""

    def __init__(self, repo: GitRepo) -> None:
        self.directory = cache_root(repo) / "outputs"

    def get(self, key: OutputKey) -> Output | None:
        entry = datafile.read(self.directory / f"{key.slot}.json", key.state)
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Output)):
            return None
        try:
            data = (self.directory / f"{key.slot}.out").read_bytes()
        except OSError:
            return None
        if hashlib.blake2b(data).hexdigest() != entry[0]:
            return None
        return replace(entry[1], data=data)

    def put(self, key: OutputKey, output: Output) -> None:
        """Best effort, as every cache here: the data first, then the entry that vouches for it."""
        if datafile.write_bytes(self.directory / f"{key.slot}.out", output.data):
            datafile.write(self.directory / f"{key.slot}.json", key.state,
                           (hashlib.blake2b(output.data).hexdigest(), replace(output, data=b"")))
