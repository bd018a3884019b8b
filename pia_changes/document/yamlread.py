"""Bytes → plain Python tree with a line for every node, using libyaml (Decisions: Speed).

Safe by construction: only the YAML core tags are accepted, anchors/aliases are refused (an
assessment never needs them, and refusing them stops alias bombs), duplicate keys are errors
rather than PyYAML's silent last-wins.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


from pia_changes.errors import PiaError, Problem

Path_ = tuple  # a path into the tree: keys and list indexes

_CORE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_MAX_DEPTH = 64


class _LazyYaml:
    """PyYAML, imported on first use: reading a cached document (the second run of diff or
    generate) needs no parser, so it does not pay for the import (Decisions: Speed)."""

    def __getattr__(self, name: str) -> object:
        import yaml as module
        globals()["yaml"] = module
        return getattr(module, name)


yaml = _LazyYaml()


def _loader() -> type:
    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


@dataclass
class Tree:
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def too_large(size: int, limit_bytes: int) -> str:
    return (f"ファイルが大きすぎます（{size / 1048576:.1f} MB、上限 {limit_bytes / 1048576:g} MB、"
            "pia-changes.toml の max_input_mb で変更できます）")


def read_input(path: str | Path, file: str, limit_bytes: int) -> bytes:
    """A user's input file, refused before reading when over the limit (a huge file must not fill
    the memory); every way of failing is one line naming the file."""
    try:
        source = Path(path)
        if source.is_dir():
            raise PiaError("ディレクトリです（ファイルを指定してください）", file=file)
        size = source.stat().st_size
        if size > limit_bytes:
            raise PiaError(too_large(size, limit_bytes), file=file)
        return source.read_bytes()
    except FileNotFoundError:
        raise PiaError("ファイルがありません", file=file) from None
    except OSError as exc:
        raise PiaError(f"ファイルを読めません: {exc.strerror or exc}", file=file) from None


def decode(raw: bytes, file: str, limit_bytes: int) -> str:
    """UTF-8 with or without BOM; anything else is a clear error naming the encoding and the fix."""
    if len(raw) > limit_bytes:
        raise PiaError(too_large(len(raw), limit_bytes), file=file)
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise PiaError("UTF-32 で保存されています。UTF-8 で保存し直してください", file=file)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(raw[:8192]):
        raise PiaError("UTF-16 で保存されています。UTF-8 で保存し直してください", file=file)
    if b"\x00" in raw[:8192]:
        raise PiaError("バイナリファイルです（YAML のテキストではありません）", file=file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("cp932")
            hint = ("Shift_JIS（CP932）で保存されています。UTF-8 で保存し直してください"
                    "（例: iconv -f CP932 -t UTF-8 元.yaml > 新.yaml）")
        except UnicodeDecodeError:
            hint = "UTF-8 ではありません。UTF-8 で保存し直してください"
        raise PiaError(hint, file=file, line=line) from None
    if not text.strip():
        raise PiaError("空のファイルです", file=file)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(head: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: ASCII-range characters leave NUL every other byte."""
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) >= 4 and min(even, odd) <= max(even, odd) // 16


_FLOW_OPEN = re.compile(r"[\[{]\s*[\[{]")
_DEEP_INDENT = re.compile(r"^ {%d,}\S" % (_MAX_DEPTH * 32), re.MULTILINE)


def _too_deep(text: str) -> int | None:
    """libyaml's composer recurses once per level: find absurd nesting (its line) before it can crash."""
    if m := _DEEP_INDENT.search(text):
        return text[: m.start()].count("\n") + 1
    if not _FLOW_OPEN.search(text):
        return None
    depth = 0
    for index, ch in enumerate(text):
        if ch in "[{":
            depth += 1
            if depth > _MAX_DEPTH * 4:
                return text[:index].count("\n") + 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None


def _yaml_problem(exc: yaml.YAMLError, text: str, file: str) -> PiaError:
    if isinstance(exc, yaml.reader.ReaderError):  # a control character, as pasted from a PDF
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        line = text[: max(text.find(char), 0)].count("\n") + 1
        return PiaError(f"使えない制御文字（U+{ord(char):04X}）が含まれています。削除してください", file=file, line=line)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    lines = text.split("\n")
    bad_line = lines[line - 1] if line and line <= len(lines) else ""
    if "\t" in bad_line[: len(bad_line) - len(bad_line.lstrip())]:
        message = "インデントにタブ文字が使われています。空白に置き換えてください"
    else:
        message = f"YAML の構文エラー: {problem}"
    return PiaError(message, file=file, line=line)


def parse(text: str, file: str) -> Tree:
    """Compose with libyaml (nodes with marks at C speed), then build the plain tree ourselves.

    Problems found while building (duplicate keys, tags) are kept in `Tree.problems` so that
    validation can still report every other error of the file at once.
    """
    if (deep := _too_deep(text)) is not None:
        raise PiaError(f"入れ子が深すぎます（{_MAX_DEPTH} 段まで）", file=file, line=deep)
    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text, file) from None
    except RecursionError:
        raise PiaError("入れ子が深すぎます", file=file) from None
    if root is None:
        raise PiaError("空のファイルです", file=file)
    tree = Tree(data=None)
    builder = _Builder(file, tree.lines)
    try:
        tree.data = builder.build(root, (), 0)
    except _AliasFound:
        raise PiaError("アンカー・エイリアス（& と *）は使えません", file=file, line=_alias_line(text)) from None
    except _TooDeep as exc:
        raise PiaError(f"入れ子が深すぎます（{_MAX_DEPTH} 段まで）", file=file, line=exc.line) from None
    tree.problems = builder.problems
    return tree


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _AliasFound(Exception):
    """A node met twice: an alias. Stop at once (an alias bomb would take forever)."""


def _alias_line(text: str) -> int | None:
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line + 1
    return None


class _Builder:
    def __init__(self, file: str, lines: dict[Path_, int]) -> None:
        self.file = file
        self.lines = lines
        self.seen: set[int] = set()
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.file, node.start_mark.line + 1, message))

    def build(self, node: yaml.Node, path: Path_, depth: int) -> object:
        self.lines[path] = node.start_mark.line + 1
        if id(node) in self.seen:
            raise _AliasFound
        self.seen.add(id(node))
        if depth > _MAX_DEPTH:
            raise _TooDeep(node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
            self.fail(node, f"使えないタグです: {node.tag}")  # reported; the content is still read
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "キーは文字列にしてください")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, "マージキー（<<）は使えません")
                continue
            key = self.scalar(key_node)
            key = "" if key is None else str(key)
            if key in out:
                self.fail(key_node, f"キー「{key}」が重複しています（{self.lines[path + (key,)]}行目にもあります）")
                continue
            out[key] = self.build(value_node, path + (key,), depth + 1)
            self.lines[path + (key,)] = key_node.start_mark.line + 1
        return out

    def scalar(self, node: yaml.Node) -> object:
        if node.tag not in _CORE_TAGS:
            self.fail(node, f"使えないタグです: {node.tag}")
            return None
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # 2025-02-30: text; a date item then says it is not a date
            self.fail(node, f"値を読めません: {exc}")
            return None


# ---- successive versions of one file: reuse the parse of every unchanged block ---------------

class LineMap(Mapping):
    """Lines of a document assembled from blocks parsed apart (ChunkParser): OWN lines plus PARTS,
    each a block's relative map (paths below PREFIX[:cut], lines from the block's first line)
    placed at a line offset. Looks a path up without copying; iterates, compares and pickles as
    the flat dict a whole parse gives."""

    __slots__ = ("own", "parts", "depth", "_flat")

    def __init__(self) -> None:
        self.own: dict[Path_, int] = {}
        self.parts: dict[Path_, tuple[int, int, object]] = {}  # prefix → (offset, cut, map)
        self.depth = 0  # the length of every prefix in parts (the children of one block)
        self._flat: dict[Path_, int] | None = None

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

    def __reduce__(self):
        return (dict, (self.flat(),))  # pickled (the document cache) as the plain dict


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
        root = self._compose(chunk)
        if not isinstance(root, yaml.MappingNode) or len(root.value) != 1:
            raise _Fallback
        value, rel = self._build("mapping", root, depth)
        if len(value) != 1:
            raise _Fallback
        (key, inner), = value.items()
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
        root = self._compose(chunk)
        if not isinstance(root, yaml.SequenceNode) or len(root.value) != 1:
            raise _Fallback
        parsed = self._build("build", root.value[0], depth + 1)
        self.leaves += 1
        return parsed

    def _split_key(self, chunk: bytes, indent: int, path: Path_, depth: int):
        """A large `key:` block with a nested mapping or sequence: its children, split in turn."""
        nl = chunk.find(b"\n")
        if nl < 0:
            raise _Unsplittable
        head = chunk[:nl].rstrip(b" ")
        if not head.endswith(b":") or b"#" in head or b"&" in head or b"!" in head:
            raise _Unsplittable
        root = self._compose(head)
        if (not isinstance(root, yaml.MappingNode) or len(root.value) != 1
                or not isinstance(root.value[0][1], yaml.ScalarNode) or root.value[0][1].value != ""
                or root.value[0][1].tag != "tag:yaml.org,2002:null"):
            raise _Unsplittable
        keyed, _ = self._build("mapping", root, depth)
        if len(keyed) != 1:
            raise _Fallback
        key = next(iter(keyed))
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

    # -- leaves -----------------------------------------------------------------------------------

    def _compose(self, chunk: bytes) -> yaml.Node | None:
        if _FLOW_BYTES.search(chunk):  # nested flow collections: the whole parse checks their depth
            raise _Fallback
        try:
            return yaml.compose(chunk.decode("utf-8"), Loader=_loader())
        except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
            raise _Fallback from None

    def _build(self, method: str, node: yaml.Node, depth: int) -> tuple[object, dict]:
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
_DEEP_LINE = b"\n" + b" " * (_MAX_DEPTH * 32)
_FLOW_BYTES = re.compile(rb"[\[{]\s*[\[{]")
