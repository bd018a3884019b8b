"""A version that differs from the one before only in one-line `key: value` scalars is the
previous tree with those values put in (Decisions: Speed).

A department renamed everywhere, a date or a name edited in place: each commit changes a few
lines and moves none. ChunkParser still splits every block on the way down to each change and
composes the whole block around it (1.15 ms a version of the dense benchmark, 9 places a
commit); here only the changed lines are read (0.26 ms), and every container on their paths is
copied once, so the new tree shares all else with the previous one, as ChunkParser's does.

What is spliced must be what the whole parse gives, so a version is spliced only when it has as
many lines as the one before and every changed line is, before and after, a plain `key: value`
on one line with the same indentation and key — no quotes, no comment, no flow indicator, no
anchor — whose value before is exactly the value the previous tree holds at the path of that
line (so the line was not part of a longer scalar). Anything else returns None: the caller
parses the version the usual way.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pia_changes.document.chunks import LineMap, _common, _Fallback, key_block
from pia_changes.document.yamlread import Path_, Tree, _loader

# indentation, key, value: a key and a value that cannot open a quote, a block scalar, an
# anchor, an alias, a tag, a directive or a comment, hold no ": " or " #", end in neither a space
# nor a colon, and hold none of the flow indicators ,[]{} (inside a flow collection that spans
# lines they would split the value); the key holds no colon or # at all
_START = rb"[^\s\-?:,\[\]{}#&*!|>'\"%@`]"
_KEY = _START + rb"(?:[^\t\r\n:#,\[\]{}]*[^\s:#,\[\]{}])?"
_VALUE = _START + rb"(?:(?:[^\t\r\n:#,\[\]{}]|:(?! )|(?<! )#)*(?:[^\s:#,\[\]{}]|(?<! )#))?"
_LINE = re.compile(rb"( *)(" + _KEY + rb"): +(" + _VALUE + rb")")
_OTHER_BREAKS = re.compile(rb"\xc2\x85|\xe2\x80[\xa8\xa9]")  # YAML 1.1's other line breaks: lines would move
_MOST = 64  # changed lines beyond which the ordinary parse is as quick


class LineSplicer:
    """Remembers the last version parsed (its lines and tree) and splices the next one into it."""

    def __init__(self) -> None:
        self.raw: bytes | None = None
        self.tree: Tree | None = None
        self.values: dict[bytes, tuple[int, str, object]] = {}  # a changed line → (indent, key, value): each is seen twice

    def remember(self, raw: bytes, tree: Tree | None) -> None:
        """RAW parsed as TREE by ChunkParser or spliced, or None (parsed whole: nothing to splice
        into; a tree with problems, or whose lines are a plain mapping, likewise)."""
        if tree is not None and (tree.problems or not isinstance(tree.lines, LineMap)):
            tree = None
        self.tree = tree
        self.raw = raw if tree is not None else None
        if len(self.values) > 4 * _MOST:
            self.values.clear()

    def splice(self, raw: bytes) -> Tree | None:
        """RAW as a Tree spliced into the remembered one, or None."""
        old, tree = self.raw, self.tree
        if old is None or tree is None:
            return None
        changed = _changed_lines(old, raw)
        if changed is None:
            return None
        reads = []
        for index, old_line, new_line in changed:  # the lines themselves first: most edits fail here, cheaply
            before, after = self._read(old_line), self._read(new_line)
            if before is None or after is None or before[:2] != after[:2]:
                return None
            reads.append((index, before, after))
        data = tree.data
        copies: dict[int, object] = {}
        root = _copied(data, copies)
        for index, before, after in reads:
            path = tree.lines.path_at(index + 1)  # type: ignore[attr-defined]
            if path is None or path[-1] != before[1] or not _holds(data, path, before[2]):
                return None
            target = root
            original = data
            for key in path[:-1]:
                original = original[key]
                child = _copied(original, copies)
                target[key] = child
                target = child
            target[path[-1]] = after[2]
        return Tree(data=root, lines=tree.lines)

    def _read(self, line: bytes) -> tuple[int, str, object] | None:
        """(indentation, key, value) of a one-line plain `key: value`, as the whole parse reads
        it, or None."""
        known = self.values.get(line)
        if known is not None:
            return known
        m = _LINE.fullmatch(line)
        if m is None or _OTHER_BREAKS.search(line):
            return None
        read = _as_text(m) or _composed(line[len(m.group(1)):])
        if read is None:
            return None
        self.values[line] = read = (len(m.group(1)), *read)
        return read


def _as_text(m: re.Match) -> tuple[str, str] | None:
    """(key, value) of a line whose key and value are text to YAML — no implicit type can start
    with their first characters (a name, a department, most Japanese) and no character in them
    is one YAML refuses — without composing it: a one-line plain scalar is its own text. None
    for any other line."""
    try:
        key, value = m.group(2).decode("utf-8"), m.group(3).decode("utf-8")
    except UnicodeDecodeError:
        return None
    typed = _implicit_starts()
    if key[0] in typed or value[0] in typed or _UNPRINTABLE.search(key) or _UNPRINTABLE.search(value):
        return None
    return key, value


def _composed(text: bytes) -> tuple[str, object] | None:
    """(key, value) of `key: value` as the whole parse reads it (types resolved), or None."""
    try:
        key, scalar, _ = key_block(text, 0)
    except _Fallback:
        return None
    return None if isinstance(scalar, (dict, list)) else (key, scalar)


@lru_cache(maxsize=1)
def _implicit_starts() -> frozenset[str]:
    """The first characters of plain scalars the loader may read as another type than text
    (y/n/true, numbers, dates, ~, null, <<, =)."""
    return frozenset(k for k in _loader().yaml_implicit_resolvers if k)


# characters YAML's reader refuses (control characters, surrogates, non-characters), and the BOM
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")


def _changed_lines(old: bytes, new: bytes) -> list[tuple[int, bytes, bytes]] | None:
    """(line index, the line in OLD, in NEW) of each line that differs, when each is one line in
    both, in order; None when the two differ otherwise (lines added or removed, more than _MOST
    changed). Each next difference is found by bisecting the common stretch after the last one
    with byte comparisons: nothing is split into lines but the lines that changed."""
    view = memoryview(old)
    out: list[tuple[int, bytes, bytes]] = []
    at_old = at_new = line = 0
    while True:
        rest_old, rest_new = len(old) - at_old, len(new) - at_new
        same = _common(min(rest_old, rest_new), lambda k: new.startswith(view[at_old:at_old + k], at_new))
        if same == rest_old == rest_new:
            return out
        if len(out) == _MOST:
            return None
        start = old.rfind(b"\n", at_old, at_old + same) + 1 or at_old  # the line holding the difference
        end_old, end_new = old.find(b"\n", at_old + same), new.find(b"\n", at_new + same)
        if (end_old < 0) != (end_new < 0):
            return None  # one has lines after it, the other none
        end_old, end_new = (len(old), len(new)) if end_old < 0 else (end_old, end_new)
        line += old.count(b"\n", at_old, start)
        out.append((line, old[start:end_old], new[start - at_old + at_new:end_new]))
        if end_old == len(old):
            return out
        at_old, at_new, line = end_old + 1, end_new + 1, line + 1


def _copied(container: object, copies: dict[int, object]):
    """A shallow copy of CONTAINER, made once a version: each changed path copies its ancestors."""
    done = copies.get(id(container))
    if done is None:
        done = copies[id(container)] = dict(container) if type(container) is dict else list(container)  # type: ignore[call-overload]
    return done


def _holds(data: object, path: Path_, value: object) -> bool:
    """Whether DATA holds exactly VALUE (type and all) at PATH, through mappings and lists."""
    for key in path:
        if type(data) is dict:
            if key not in data:
                return False
        elif type(data) is not list or type(key) is not int or not 0 <= key < len(data):
            return False
        data = data[key]  # type: ignore[index]
    return type(data) is type(value) and data == value
