"""Caches under `<git-dir>/pia-changes/`: parsed revisions by blob sha, each commit's classified
rows, so a second run parses and diffs nothing (Decisions: Speed). Data only, signed, written
atomically (datafile: a received repository's caches are someone else's). Only files are
written here; git itself is reached through pia_changes.git.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from pia_changes.document.model import DEFAULT_LIMIT, Document, form_name, load_text, load_tree, validated
from pia_changes.errors import PiaError
from pia_changes.forms import load_form
from pia_changes.git.repo import SHA, GitRepo
from pia_changes.table import datafile
from pia_changes.table.cachedir import CACHE_FORMAT, cache_root, package_version
from pia_changes.document.chunks import ChunkParser
from pia_changes.document.splice import LineSplicer
from pia_changes.document.yamlread import parse
from pia_changes.text.decode import decode

# ---- parsed documents, cached by blob sha ----------------------------------------------------


def blob_id(raw: bytes) -> str:
    """The sha git gives RAW as a blob (`git hash-object`), SHA-1 object format."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


class DocumentCache:
    """Parsed revisions under `<git-dir>/pia-changes/cache/`, so a second run parses no YAML.

    What is cached is the parse (plain tree, line map, form name), keyed by blob sha, the cache
    format and the package version, as data only (datafile); validation runs on every load
    against the current schema, so a cached document equals a freshly parsed one, warnings
    included.
    """

    def __init__(self, repo: GitRepo, limit_bytes: int = DEFAULT_LIMIT) -> None:
        self.repo = repo
        self.limit_bytes = limit_bytes
        self.directory = cache_root(repo)
        self.hits = 0
        self.misses = 0

    def load(self, blob_sha: str, display_name: str) -> Document:
        """The Document of the blob; raises InvalidDocument/PiaError as document.load_text does."""
        entry = self._read(blob_sha)
        if entry is None:
            self.misses += 1
            raw = self.repo.read_blob(blob_sha)
            doc = load_text(decode(raw, display_name, self.limit_bytes), display_name)
            self._write(blob_sha, doc)
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
                self._write(blob_id(raw), doc)
            return doc
        self.hits += 1
        return validated(Document(path=display_name, form=load_form(entry[2]), data=entry[0], lines=entry[1]))

    def path(self, blob_sha: str) -> Path:
        if not SHA.match(blob_sha):
            raise PiaError(f"blob の sha ではありません: {blob_sha!r}")
        return self.directory / f"{blob_sha}.json"

    def _read(self, blob_sha: str) -> tuple[dict, dict, str] | None:
        """The cached entry, or None when absent or not ours (it is rewritten later)."""
        entry = datafile.read(self.path(blob_sha), _document_key(blob_sha))
        if not (isinstance(entry, dict) and isinstance(entry.get("data"), dict)
                and isinstance(entry.get("lines"), list) and form_name(entry.get("form"))):
            return None
        try:
            lines = unpack_lines(entry["lines"])
        except (TypeError, IndexError, ValueError):
            return None
        return entry["data"], lines, entry["form"]

    def _write(self, blob_sha: str, doc: Document) -> None:
        """Best effort: a document the format cannot hold exactly is simply not cached."""
        datafile.write(self.path(blob_sha), _document_key(blob_sha),
                       {"form": doc.form.form, "data": doc.data, "lines": pack_lines(doc.lines)})

    def store(self, blob_sha: str, doc: Document) -> None:
        """Keep a document parsed elsewhere (the newest version of a history) for the next run."""
        if not self.path(blob_sha).is_file():
            self._write(blob_sha, doc)


def pack_lines(lines: dict) -> list:
    """The line map as a flat list of (parent entry, key, line) triples, parents first: each path
    is written as one key below an earlier entry, not in full (the full paths took 17 ms of a
    26 ms load of a 500 KB document; this takes 2). A parent without a line of its own gets
    line None."""
    index: dict[tuple, int] = {(): -1}
    flat: list = []

    def add(path: tuple, line: object) -> None:
        if path[:-1] not in index:
            add(path[:-1], None)
        index[path] = len(flat) // 3
        flat.extend((index[path[:-1]], path[-1], line))

    for path, line in sorted(lines.items(), key=lambda item: len(item[0])):
        if path == ():
            flat.extend((-2, None, line))  # the root's own line, if any
        elif path not in index:
            add(path, line)
        else:  # a parent added without a line before its own entry came
            flat[3 * index[path] + 2] = line
    return flat


def unpack_lines(flat: list) -> dict:
    """The line map of pack_lines: {path: line}."""
    paths: list[tuple] = []
    out: dict[tuple, int] = {}
    items = iter(flat)
    for parent, key, line in zip(items, items, items):
        if parent == -2:
            path: tuple = ()
        else:
            path = (paths[parent] if parent >= 0 else ()) + (key,)
        paths.append(path)
        if line is not None:
            if type(line) is not int:
                raise ValueError("line")
            out[path] = line
    return out


def _document_key(blob_sha: str) -> str:
    return f"document\0{CACHE_FORMAT}\0{package_version()}\0{blob_sha}"


class RevisionLoader:
    """Successive versions of one file, read oldest first: each is parsed by a ChunkParser (only
    the blocks a commit changed are parsed) and validated with one memo (only the sections it
    changed are checked), so a long history costs about one parse. Documents equal what
    `load_text` gives, and share every unchanged subtree with the version before."""

    def __init__(self, repo: GitRepo, limit_bytes: int = DEFAULT_LIMIT) -> None:
        self.repo = repo
        self.limit_bytes = limit_bytes
        self.parser = ChunkParser()
        self.splicer = LineSplicer()
        self.memo: dict = {}

    def load(self, blob_sha: str, display_name: str) -> Document:
        return self.load_bytes(self.repo.read_blob(blob_sha), display_name)

    def load_bytes(self, raw: bytes, display_name: str) -> Document:
        tree = None
        if len(raw) <= self.limit_bytes:  # values edited in place, else the blocks that changed
            tree = self.splicer.splice(raw) or self.parser.parse(raw)
        self.splicer.remember(raw, tree)
        if tree is None:  # not a plain block document, or something to report: the whole parse
            tree = parse(decode(raw, display_name, self.limit_bytes), display_name)
        return load_tree(tree, display_name, self.memo)


class PairCache:
    """Results computed for a pair of versions (the rows of a commit), keyed by a digest of
    whatever the result depends on (the salt: the configuration). A second `generate` reads
    these instead of parsing any history.

    Stored in packs under `<git-dir>/pia-changes/cache/<format>-<version>/pairs/`: a run writes
    the results it computed as one pack (`flush`), and reads every pack once. One file a commit
    cost a cold run on 300 commits 300 files written and a warm one 600 opened. When packs pile
    up (a pack per run that met a new commit), the next flush merges them into one."""

    MERGE_AT = 16

    def __init__(self, repo: GitRepo, salt: str = "") -> None:
        self.directory = cache_root(repo) / "pairs"
        self.salt = salt
        self.hits = 0
        self.misses = 0
        self.known: dict[str, object] | None = None
        self.packs: list[Path] = []
        self.new: dict[str, object] = {}

    def key(self, *parts: str | None) -> str:
        return hashlib.sha1("\0".join([self.salt, *(p or "" for p in parts)]).encode("utf-8")).hexdigest()

    def get(self, key: str) -> object | None:
        """The stored value, or None when absent or not ours (garbage, truncated, foreign)."""
        if self.known is None:
            self._read_packs()
        value = self.new.get(key, self.known.get(key))  # type: ignore[union-attr]
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: object) -> None:
        """Kept for `flush`; a cache that cannot be written is only slower."""
        self.new[key] = value

    def __enter__(self) -> PairCache:
        """One cache for the assessments a command reads (generate, report, status): the packs
        are read once, not once per assessment, and what was computed is flushed on leaving,
        an interrupted run included."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def flush(self, merge: bool = True) -> None:
        """Write what this run computed as one pack (atomic: temp file + os.replace), or merge it
        with the packs read into one when there are many (MERGE False: never; a part of a run
        split across processes leaves the merging to the run)."""
        if not self.new:
            return
        if self.known is None:
            self._read_packs()
        merge = merge and len(self.packs) + 1 >= self.MERGE_AT
        content = {**self.known, **self.new} if merge else self.new  # type: ignore[dict-item]
        name = "pack-" + hashlib.sha1("\0".join(sorted(content)).encode("ascii")).hexdigest()
        path = self.directory / f"{name}.json"
        written = datafile.write(path, _pair_key(name), content)
        if written and merge:
            for old in self.packs:
                if old != path:
                    old.unlink(missing_ok=True)
            self.packs = []
        if written:
            self.packs.append(path)
        self.known.update(self.new)  # type: ignore[union-attr]
        self.new = {}

    def reload(self) -> None:
        """Read the packs written since (by the parts of a split run, table.workers)."""
        if self.known is None:
            self._read_packs()
            return
        try:
            found = sorted(self.directory.glob("pack-*.json"))
        except OSError:
            found = []
        for path in found:
            if path not in self.packs:
                self.packs.append(path)
                value = datafile.read(path, _pair_key(path.stem))
                if isinstance(value, dict):
                    self.known.update(value)

    def _read_packs(self) -> None:
        self.known = {}
        self.packs = []
        self.reload()


def _pair_key(key: str) -> str:
    return f"pair\0{CACHE_FORMAT}\0{package_version()}\0{key}"
