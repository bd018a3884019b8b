"""Bytes → plain Python tree with a line for every node, using libyaml (Decisions: Speed).

Safe by construction: only the YAML core tags are accepted, anchors/aliases are refused (an
assessment never needs them, and refusing them stops alias bombs), duplicate keys are errors
rather than PyYAML's silent last-wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


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
    """A syntax error in Japanese, at the line the user typed, with the likely fix (yamlhints)."""
    from pia_changes.document.yamlhints import syntax_message

    if isinstance(exc, yaml.reader.ReaderError):  # a control character, as pasted from a PDF
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        line = text[: max(text.find(char), 0)].count("\n") + 1
        return PiaError(f"使えない制御文字（U+{ord(char):04X}）が含まれています。削除してください", file=file, line=line)
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    message, line = syntax_message(
        getattr(exc, "problem", None) or str(exc),
        problem_mark.line + 1 if problem_mark is not None else None,
        context_mark.line + 1 if context_mark is not None else None,
        text.split("\n"))
    if line is None and context_mark is not None:
        line = context_mark.line + 1
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


_STR = "tag:yaml.org,2002:str"


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

    def fail(self, node: yaml.Node, message: str, code: str = "yaml") -> None:
        self.problems.append(Problem(self.file, node.start_mark.line + 1, code=code, message=message))

    def build(self, node: yaml.Node, path: Path_, depth: int) -> object:
        self.lines[path] = node.start_mark.line + 1
        if id(node) in self.seen:
            raise _AliasFound
        self.seen.add(id(node))
        if depth > _MAX_DEPTH:
            raise _TooDeep(node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
            self.fail(node, f"使えないタグです: {node.tag}", "bad_tag")  # reported; the content is still read
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "キーは文字列にしてください", "key_not_string")
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, "マージキー（<<）は使えません", "merge_key")
                continue
            key = self.scalar(key_node)
            key = "" if key is None else str(key)
            if key in out:
                self.fail(key_node, f"キー「{key}」が重複しています（{self.lines[path + (key,)]}行目にもあります）", "duplicate_key")
                continue
            out[key] = self.build(value_node, path + (key,), depth + 1)
            self.lines[path + (key,)] = key_node.start_mark.line + 1
        return out

    def scalar(self, node: yaml.Node) -> object:
        if node.tag == _STR and type(node) is yaml.ScalarNode:  # most values: what the constructor returns
            return node.value
        if node.tag not in _CORE_TAGS:
            self.fail(node, f"使えないタグです: {node.tag}", "bad_tag")
            return None
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # 2025-02-30: text; a date item then says it is not a date
            self.fail(node, f"値を読めません: {exc}", "bad_value")
            return None
