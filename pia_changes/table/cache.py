"""Caches under `<git-dir>/pia-changes/`: parsed revisions by blob sha, each commit's classified
rows, so a second run parses and diffs nothing (Decisions: Speed). Only files are written here;
git itself is reached through history.GitRepo.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from pia_changes.document.model import DEFAULT_LIMIT, Document, form_name, load_text, load_tree, validated
from pia_changes.errors import PiaError
from pia_changes.forms import load_form
from pia_changes.git.repo import SHA, GitRepo
from pia_changes.output import NEW_FILE, temp_name
from pia_changes.document.chunks import ChunkParser
from pia_changes.document.yamlread import parse
from pia_changes.text.decode import decode

# ---- parsed documents, cached by blob sha ----------------------------------------------------

CACHE_FORMAT = 1


@lru_cache(maxsize=None)
def _package_version() -> str:
    """The installed version, as importlib.metadata gives it. Read from the distribution's own
    files on sys.path first (in the same order): importing importlib.metadata would cost more
    than the rest of a cached `diff` (Decisions: Speed)."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("pia_changes-") and name.endswith(".dist-info"):
                return name[len("pia_changes-"):-len(".dist-info")]
            if name in ("pia_changes.egg-info", "pia_changes.dist-info"):
                return _metadata_version(os.path.join(entry or ".", name)) or _slow_version()
    return _slow_version()


def _metadata_version(directory: str) -> str | None:
    for file in ("PKG-INFO", "METADATA"):
        try:
            with open(os.path.join(directory, file), encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("Version:"):
                        return line[8:].strip()
                    if not line.strip():
                        break
        except OSError:
            continue
    return None


def _slow_version() -> str:
    from importlib import metadata
    try:
        return metadata.version("pia-changes")
    except metadata.PackageNotFoundError:
        return "0"


def blob_id(raw: bytes) -> str:
    """The sha git gives RAW as a blob (`git hash-object`), SHA-1 object format."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


class DocumentCache:
    """Parsed revisions under `<git-dir>/pia-changes/cache/`, so a second run parses no YAML.

    What is cached is the parse (plain tree, line map, form name), keyed by blob sha, the cache
    format and the package version; validation runs on every load against the current schema,
    so a cached document equals a freshly parsed one, warnings included.
    """

    def __init__(self, repo: GitRepo, limit_bytes: int = DEFAULT_LIMIT) -> None:
        self.repo = repo
        self.limit_bytes = limit_bytes
        self.directory = repo.git_dir / "pia-changes" / "cache" / f"{CACHE_FORMAT}-{_package_version()}"
        self.hits = 0
        self.misses = 0

    def load(self, blob_sha: str, display_name: str) -> Document:
        """The Document of the blob; raises InvalidDocument/PiaError as document.load_text does."""
        entry = self._read(blob_sha)
        if entry is None:
            self.misses += 1
            raw = self.repo.read_blob(blob_sha)
            doc = load_text(decode(raw, display_name, self.limit_bytes), display_name)
            entry = (doc.data, doc.lines, doc.form.form)
            self._write(blob_sha, entry)
            return doc
        self.hits += 1
        return validated(Document(path=display_name, form=load_form(entry[2]), data=entry[0], lines=entry[1]))

    def load_bytes(self, raw: bytes, display_name: str, store: bool = True) -> Document:
        """The Document of content already read (a revision's or the index's blob), keyed by its
        git blob sha as `load` is; the size limit applies before anything else, as in load_bytes.
        STORE False only looks up (a working-tree file: most of its versions are never committed)."""
        if len(raw) > self.limit_bytes:
            decode(raw, display_name, self.limit_bytes)  # raises the too-large error
        entry = self._read(blob_id(raw))
        if entry is None:
            self.misses += 1
            doc = load_text(decode(raw, display_name, self.limit_bytes), display_name)
            if store:
                self._write(blob_id(raw), (doc.data, doc.lines, doc.form.form))
            return doc
        self.hits += 1
        return validated(Document(path=display_name, form=load_form(entry[2]), data=entry[0], lines=entry[1]))

    def path(self, blob_sha: str) -> Path:
        if not SHA.match(blob_sha):
            raise PiaError(f"blob の sha ではありません: {blob_sha!r}")
        return self.directory / f"{blob_sha}.pickle"

    def _read(self, blob_sha: str) -> tuple[dict, dict, str] | None:
        """The cached entry, or None when absent or unreadable (a corrupt file is rewritten later)."""
        try:
            with self.path(blob_sha).open("rb") as fh:
                entry = pickle.load(fh)
        except Exception:  # absent, truncated, garbage: a miss
            return None
        if (isinstance(entry, tuple) and len(entry) == 4 and entry[0] == CACHE_FORMAT
                and isinstance(entry[1], dict) and isinstance(entry[2], dict) and form_name(entry[3])):
            return entry[1], entry[2], entry[3]
        return None

    def _write(self, blob_sha: str, entry: tuple[dict, dict, str]) -> None:
        """Atomic (temp file + os.replace); a cache that cannot be written is only slower."""
        target = self.path(blob_sha)
        _write_pickle(target, (CACHE_FORMAT, *entry))

    def store(self, blob_sha: str, doc: Document) -> None:
        """Keep a document parsed elsewhere (the newest version of a history) for the next run."""
        if not self.path(blob_sha).is_file():
            self._write(blob_sha, (doc.data, doc.lines, doc.form.form))


class RevisionLoader:
    """Successive versions of one file, read oldest first: each is parsed by a ChunkParser (only
    the blocks a commit changed are parsed) and validated with one memo (only the sections it
    changed are checked), so a long history costs about one parse. Documents equal what
    `load_text` gives, and share every unchanged subtree with the version before."""

    def __init__(self, repo: GitRepo, limit_bytes: int = DEFAULT_LIMIT) -> None:
        self.repo = repo
        self.limit_bytes = limit_bytes
        self.parser = ChunkParser()
        self.memo: dict = {}

    def load(self, blob_sha: str, display_name: str) -> Document:
        return self.load_bytes(self.repo.read_blob(blob_sha), display_name)

    def load_bytes(self, raw: bytes, display_name: str) -> Document:
        tree = self.parser.parse(raw) if len(raw) <= self.limit_bytes else None
        if tree is None:  # not a plain block document, or something to report: the whole parse
            tree = parse(decode(raw, display_name, self.limit_bytes), display_name)
        return load_tree(tree, display_name, self.memo)


class PairCache:
    """Results computed for a pair of versions (the rows of a commit), one small pickle each under
    `<git-dir>/pia-changes/cache/<format>-<version>/pairs/`, keyed by a digest of whatever the
    result depends on. A second `generate` reads these instead of parsing any history."""

    def __init__(self, repo: GitRepo, salt: str = "") -> None:
        self.directory = repo.git_dir / "pia-changes" / "cache" / f"{CACHE_FORMAT}-{_package_version()}" / "pairs"
        self.salt = salt
        self.hits = 0
        self.misses = 0

    def key(self, *parts: str | None) -> str:
        return hashlib.sha1("\0".join([self.salt, *(p or "" for p in parts)]).encode("utf-8")).hexdigest()

    def get(self, key: str) -> object | None:
        try:
            with (self.directory / f"{key}.pickle").open("rb") as fh:
                entry = pickle.load(fh)
        except Exception:  # absent, truncated, garbage, or classes that changed: a miss
            self.misses += 1
            return None
        if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == CACHE_FORMAT):
            self.misses += 1
            return None
        self.hits += 1
        return entry[1]

    def put(self, key: str, value: object) -> None:
        """Atomic (temp file + os.replace); a cache that cannot be written is only slower."""
        _write_pickle(self.directory / f"{key}.pickle", (CACHE_FORMAT, value))


def _write_pickle(target: Path, payload: tuple) -> None:
    """Write a cache file atomically; a cache that cannot be written only makes the next run slower."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = temp_name(target.parent, ".tmp-")
        try:
            with os.fdopen(os.open(temp, NEW_FILE, 0o600), "wb") as fh:  # inside the try: see temp_name
                pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
