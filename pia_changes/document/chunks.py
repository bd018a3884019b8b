"""Successive versions of one file: reuse the parse of every unchanged block (Decisions: Speed).

A long history parses each top-level block once per distinct text; the tree and the lines it
gives are those `yamlread.parse` gives for the whole file.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Mapping

from pia_changes.document.yamlread import (_MAX_DEPTH, Path_, Tree, _AliasFound, _Builder,
                                           _loader, _TooDeep, yaml)


# ---- successive versions of one file: reuse the parse of every unchanged block ---------------

class LineMap(Mapping):
    """Lines of a document assembled from blocks parsed apart (ChunkParser): OWN lines plus PARTS,
    each a block's relative map (paths below PREFIX[:cut], lines from the block's first line)
    placed at a line offset. Looks a path up without copying; iterates and compares as the flat
    dict a whole parse gives."""

    __slots__ = ("own", "parts", "depth", "_flat", "_starts")

    def __init__(self) -> None:
        self.own: dict[Path_, int] = {}
        self.parts: dict[Path_, tuple[int, int, object]] = {}  # prefix → (offset, cut, map)
        self.depth = 0  # the length of every prefix in parts (the children of one block)
        self._flat: dict[Path_, int] | None = None
        self._starts: tuple[list[int], list[tuple]] | None = None

    def add(self, prefix: Path_, offset: int, cut: int, sub: object) -> None:
        self.parts[prefix] = (offset, cut, sub)
        self.depth = len(prefix)

    def _find(self, path: Path_) -> int | None:
        line = self.own.get(path)
        if line is not None:
            return line
        part = self.parts.get(path[:self.depth]) if len(path) >= self.depth else None
        if part is None:
            return None
        offset, cut, sub = part
        found = sub.get(path[cut:]) if type(sub) is dict else sub._find(path[cut:])
        return None if found is None else found + offset

    def path_at(self, line: int) -> Path_ | None:
        """A path whose line is LINE (the deepest block holding it is searched), or None: the part
        holding a line is the last to start before it, found by bisection, so a changed line of
        a long document is placed without listing its thousands of paths."""
        for path, own in self.own.items():
            if own == line and path:
                return path
        found = self._in_parts(line)
        return () if found is None and self.own.get(()) == line else found

    def _in_parts(self, line: int) -> Path_ | None:
        if self._starts is None:
            ordered = sorted(self.parts.items(), key=lambda item: item[1][0])
            self._starts = ([offset for _, (offset, _, _) in ordered], ordered)
        offsets, ordered = self._starts
        at = bisect.bisect_left(offsets, line) - 1  # the last part starting before LINE
        if at < 0:
            return None
        prefix, (offset, cut, sub) = ordered[at]
        if type(sub) is dict:
            found = next((rel for rel, rel_line in sub.items() if rel_line == line - offset), None)
        else:
            found = sub.path_at(line - offset)
        return None if found is None else prefix[:cut] + found

    def get(self, path: Path_, default: object = None) -> object:
        found = self._find(path)
        return default if found is None else found

    def __getitem__(self, path: Path_) -> int:
        found = self._find(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self._find(path) is not None

    def flat(self) -> dict[Path_, int]:
        if self._flat is None:
            out = dict(self.own)
            for prefix, (offset, cut, sub) in self.parts.items():
                head = prefix[:cut]
                for rel, line in (sub.items() if type(sub) is dict else sub.flat().items()):
                    out[head + rel] = line + offset
            self._flat = out
        return self._flat

    def __iter__(self):
        return iter(self.flat())

    def __len__(self) -> int:
        return len(self.flat())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LineMap):
            other = other.flat()
        return self.flat() == other if isinstance(other, dict) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


class _Fallback(Exception):
    """Not a plain block document, or a problem somewhere: parse the whole text the usual way."""


class _Unsplittable(Exception):
    """This block does not have the plain shape splitting needs: parse it whole."""


_SPLIT_MIN = 2048  # blocks at least this large are split into their children
_LINE_RES: dict[tuple[int, bool], re.Pattern] = {}


def _line_re(indent: int, entries: bool) -> re.Pattern:
    """One pass over the lines of a block whose children sit at INDENT: group 'child' at a
    child's first line (a key, or with ENTRIES a '- ' entry); group 'odd' at a line that makes
    the block not plain: less indented (not a comment), a key opening with '-', a directive or
    document marker, a key among entries."""
    found = _LINE_RES.get((indent, entries))
    if found is None:
        below = rb" {0,%d}(?=[^ \n#])|" % (indent - 1) if indent else b""
        if entries:
            at = rb" {%d}(?:(?P<child>-(?=[ \n]|\Z))|(?P<odd2>[^ \n#\-]|-(?=[^ \n])))" % indent
        else:
            at = rb" {%d}(?:(?P<child>(?=[^ \n#:\-%%]))|(?P<odd2>%%|\.\.\.|-(?=[^ \n])|:(?=[^ \n])))" % indent
        found = _LINE_RES[(indent, entries)] = re.compile(rb"\n(?:(?P<odd>" + below[:-1] + rb")|" + at + rb")"
                                                          if below else rb"\n(?:" + at + rb")")
    return found


def _common(limit: int, same) -> int:
    """The largest k <= LIMIT with SAME(k) (true up to some k, false after): a binary search."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if same(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _opens_child(lines: re.Pattern, block: bytes, newline: int) -> bool:
    m = lines.match(block, newline)
    return m is not None and m.lastgroup == "child"


def _content_line(block: bytes, pos: int) -> int:
    """The start of the first line at or after POS that is not blank or a comment; -1 if none."""
    end = len(block)
    while pos < end:
        nl = block.find(b"\n", pos)
        line_end = end if nl < 0 else nl
        text = block[pos:line_end].lstrip(b" ")
        if text and not text.startswith(b"#"):
            return pos
        pos = line_end + 1
    return -1


def _is_entry(block: bytes, at: int) -> bool:
    """Whether the '-' at AT opens a sequence entry ('- ' or '-' at the end of the line)."""
    return at + 1 >= len(block) or block[at + 1] in b" \n"


class ChunkParser:
    """Parses successive versions of a file, memoising every block by a digest of its text, so a
    history of small edits parses each version's changed blocks only (Decisions: Speed). Unchanged
    blocks come back as the very same objects, which lets the diff skip them with `is`; nobody
    may mutate what it returns.

    Only plain block documents are split (a top-level mapping whose keys start at column 0, no
    directives or document markers); anything else, and any error or problem, falls back to the
    whole parse, so results — data, lines, errors — are those of `parse`."""

    def __init__(self) -> None:
        self.memo: dict[tuple[bytes, int], tuple] = {}   # (digest, depth or -1-depth) → result
        self.last: dict[tuple, tuple[bytes, tuple]] = {}  # (path, position) → the previous version's block
        self.blocks: dict[tuple, list[bytes]] = {}  # (path, kind) → the children of its previous version
        self.heads: dict[tuple[bytes, int], object] = {}  # (`key:` line, depth) → its key: each version re-splits the blocks it changed
        self.splits = self.leaves = 0

    def parse(self, raw: bytes) -> Tree | None:
        """RAW (UTF-8 bytes) as a Tree, or None: then the caller decodes and parses the whole text."""
        if (b"\r" in raw or raw.startswith((b"\xef\xbb\xbf", b"---", b"...", b"%", _DEEP_LINE[1:]))
                or b"\x00" in raw[:8192] or _DEEP_LINE in raw):  # markers below: odd lines
            return None
        start = _content_line(raw, 0)
        if start < 0 or raw[start:start + 1] in b" -[{%!&*|>?@`'\":\t":
            return None
        try:
            data, parts = self._mapping_block(raw, start, 0, (), 0)
        except (_Fallback, _Unsplittable):
            return None
        lines = LineMap()
        lines.own[()] = raw.count(b"\n", 0, start) + 1
        for prefix, offset, cut, sub in parts:
            lines.add(prefix, offset, cut, sub)
        return Tree(data=data, lines=lines)

    # -- blocks ---------------------------------------------------------------------------------

    def _children(self, block: bytes, start: int, indent: int, entries: bool, slot: tuple) -> list[bytes]:
        """The children of a block (keys, or with ENTRIES '- ' entries) at INDENT from START: their
        texts. Children equal to those of the previous version of the block are matched from
        both ends with bytes comparisons; only the rest is scanned line by line."""
        lines = _line_re(indent, entries)
        end = len(block)
        previous = self.blocks.get(slot, ())
        starts = [start]
        pos = start
        i = 0
        while i < len(previous) and pos < end:  # from the front
            chunk = previous[i]
            after = pos + len(chunk)
            if after > end or not block.startswith(chunk, pos) \
                    or (after < end and not _opens_child(lines, block, after - 1)):
                break
            pos = after
            starts.append(pos)
            i += 1
        stop = end
        j = len(previous) - 1
        while j >= i and stop > pos:  # from the back
            chunk = previous[j]
            begin = stop - len(chunk)
            if begin < pos or not block.startswith(chunk, begin) \
                    or (begin > start and not _opens_child(lines, block, begin - 1)):
                break
            stop = begin
            starts.append(begin)
            j -= 1
        if pos < stop:  # what changed: scan it
            low, high = pos, stop
            if i == j:  # one child changed: where its text is as before, no child can start
                old = memoryview(previous[i])
                limit = min(stop - pos, len(old))
                head = _common(limit, lambda k: block.startswith(old[:k], pos))
                tail = _common(limit - head, lambda k: block.endswith(old[len(old) - k:], pos, stop))
                low = max(pos, pos + head - indent - 4)     # a match reads "\n", the indent and
                high = min(stop, stop - tail + indent + 4)  # up to 3 more bytes
            for m in lines.finditer(block, low, high):
                if m.lastgroup != "child":
                    raise _Unsplittable
                starts.append(m.start() + 1)
        starts = sorted({s for s in starts if s < end})
        chunks = [block[a:b] for a, b in zip(starts, starts[1:] + [end])]
        self.blocks[slot] = chunks
        return chunks

    def _mapping_block(self, block: bytes, start: int, indent: int, path: Path_, depth: int):
        """The mapping whose keys sit at INDENT from START to the end of BLOCK: (dict, parts),
        each part (prefix, line offset, cut, relative map) for a LineMap."""
        out: dict = {}
        parts = []
        line = block.count(b"\n", 0, start)
        for i, chunk in enumerate(self._children(block, start, indent, False, (path, "map"))):
            key, value, rel, lines = self._key_chunk(chunk, indent, path, depth, i)
            if key in out:
                raise _Fallback  # a duplicate key: the whole parse reports it
            out[key] = value
            parts.append((path + (key,), line, len(path), rel))
            line += lines
        return out, parts

    def _sequence_block(self, block: bytes, start: int, indent: int, path: Path_, depth: int):
        """The entries ('- ' at INDENT) from START to the end of BLOCK: (list, parts)."""
        out: list = []
        parts = []
        line = block.count(b"\n", 0, start)
        for i, chunk in enumerate(self._children(block, start, indent, True, (path, "seq"))):
            value, rel, lines = self._entry_chunk(chunk, indent, path + (i,), depth)
            parts.append((path + (i,), line, len(path) + 1, rel))
            out.append(value)
            line += lines
        return out, parts

    def _memoised(self, slot: tuple, chunk: bytes, tag: int, parse) -> tuple:
        """A block's parse, reused when the block is as in the previous version (no hashing) or
        seen before in any version (by hash): PARSE() runs only for new text."""
        last = self.last.get(slot)
        if last is not None and last[0] == chunk:
            return last[1]
        memo_key = (hashlib.blake2b(chunk, digest_size=16).digest(), tag)
        result = self.memo.get(memo_key)
        if result is None:
            result = self.memo[memo_key] = (*parse(), chunk.count(b"\n"))
        self.last[slot] = (chunk, result)
        return result

    def _key_chunk(self, chunk: bytes, indent: int, path: Path_, depth: int, position: int):
        """One `key: value` block at INDENT: (key, value, map relative to PATH, its line count)."""
        return self._memoised((path, position), chunk, depth, lambda: self._parse_key(chunk, indent, path, depth))

    def _parse_key(self, chunk: bytes, indent: int, path: Path_, depth: int) -> tuple:
        if len(chunk) >= _SPLIT_MIN:
            try:
                return self._split_key(chunk, indent, path, depth)
            except _Unsplittable:
                pass
        key, inner, rel = key_block(chunk, depth)
        self.leaves += 1
        return key, inner, rel

    def _entry_chunk(self, chunk: bytes, indent: int, path: Path_, depth: int):
        """One `- entry` block at INDENT: (value, map relative to the entry's path, line count)."""
        return self._memoised((path, -1), chunk, -1 - depth, lambda: self._parse_entry(chunk, indent, path, depth))

    def _parse_entry(self, chunk: bytes, indent: int, path: Path_, depth: int) -> tuple:
        if len(chunk) >= _SPLIT_MIN:
            try:
                return self._split_entry(chunk, indent, path, depth)
            except _Unsplittable:
                pass
        root = compose_block(chunk)
        if not isinstance(root, yaml.SequenceNode) or len(root.value) != 1:
            raise _Fallback
        parsed = build_block("build", root.value[0], depth + 1)
        self.leaves += 1
        return parsed

    def _split_key(self, chunk: bytes, indent: int, path: Path_, depth: int):
        """A large `key:` block with a nested mapping or sequence: its children, split in turn."""
        nl = chunk.find(b"\n")
        if nl < 0:
            raise _Unsplittable
        head = chunk[:nl].rstrip(b" ")
        key = self.heads.get((head, depth), _UNSEEN)
        if key is _UNSEEN:
            key = self.heads[(head, depth)] = self._head_key(head, depth)
        if key is _UNSPLITTABLE:
            raise _Unsplittable
        first = _content_line(chunk, nl + 1)
        if first < 0:
            raise _Unsplittable
        inner = _SPACES.match(chunk, first).end() - first
        child_path = path + (key,)
        if chunk[first + inner] == 0x2D and _is_entry(chunk, first + inner):  # a sequence
            if inner < indent:
                raise _Unsplittable
            value, parts = self._sequence_block(chunk, first, inner, child_path, depth + 1)
        else:
            if inner <= indent:
                raise _Unsplittable
            value, parts = self._mapping_block(chunk, first, inner, child_path, depth + 1)
        rel = LineMap()
        rel.own[(key,)] = 1
        cut = len(path)
        for prefix, offset, sub_cut, sub in parts:
            rel.add(prefix[cut:], offset, sub_cut - cut, sub)
        self.splits += 1
        return key, value, rel

    def _head_key(self, head: bytes, depth: int) -> object:
        """The key of a `key:` line opening a nested block, or _UNSPLITTABLE."""
        if not head.endswith(b":") or b"#" in head or b"&" in head or b"!" in head:
            return _UNSPLITTABLE
        root = compose_block(head)
        if (not isinstance(root, yaml.MappingNode) or len(root.value) != 1
                or not isinstance(root.value[0][1], yaml.ScalarNode) or root.value[0][1].value != ""
                or root.value[0][1].tag != "tag:yaml.org,2002:null"):
            return _UNSPLITTABLE
        keyed, _ = build_block("mapping", root, depth)
        if len(keyed) != 1:
            raise _Fallback
        return next(iter(keyed))

    def _split_entry(self, chunk: bytes, indent: int, path: Path_, depth: int):
        """A large entry whose first line is `- key: …`: its mapping, split like any other."""
        inner = _SPACES.match(chunk, indent + 1).end()
        if inner == indent + 1 or chunk[inner:inner + 1] in b"\n#-[{&*!|>?%@`'\"\t:":
            raise _Unsplittable
        mapping = chunk[:indent] + b" " * (inner - indent) + chunk[inner:]
        value, parts = self._mapping_block(mapping, 0, inner, path, depth + 1)
        rel = LineMap()
        rel.own[()] = 1
        cut = len(path)
        for prefix, offset, sub_cut, sub in parts:
            rel.add(prefix[cut:], offset, sub_cut - cut, sub)
        self.splits += 1
        return value, rel


def compose_block(chunk: bytes) -> yaml.Node | None:
    """A block's node, composed alone; _Fallback for anything the whole parse must report."""
    if _FLOW_BYTES.search(chunk):  # nested flow collections: the whole parse checks their depth
        raise _Fallback
    try:
        return yaml.compose(chunk.decode("utf-8"), Loader=_loader())
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        raise _Fallback from None


def key_block(chunk: bytes, depth: int) -> tuple[str, object, dict]:
    """The one `key: value` of a block composed alone: (key, value, its lines relative to the
    block); _Fallback for anything else."""
    root = compose_block(chunk)
    if not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
        raise _Fallback
    value, rel = build_block("mapping", root, depth)
    if len(value) != 1:
        raise _Fallback
    (key, inner), = value.items()
    return key, inner, rel


def build_block(method: str, node: yaml.Node, depth: int) -> tuple[object, dict]:
    """The value of NODE (builder.mapping or builder.build) and its lines, relative to the block."""
    rel: dict[Path_, int] = {}
    builder = _Builder("", rel)
    try:
        value = getattr(builder, method)(node, (), depth)
    except (_AliasFound, _TooDeep):
        raise _Fallback from None
    if builder.problems:
        raise _Fallback
    return value, rel


_SPACES = re.compile(rb" *")
_UNSEEN = object()
_UNSPLITTABLE = object()
_DEEP_LINE = b"\n" + b" " * (_MAX_DEPTH * 32)
_FLOW_BYTES = re.compile(rb"[\[{]\s*[\[{]")
