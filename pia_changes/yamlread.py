"""Bytes → plain Python tree with a line for every node, using libyaml (Decisions: Speed).

Safe by construction: only the YAML core tags are accepted, anchors/aliases are refused (an
assessment never needs them, and refusing them stops alias bombs), duplicate keys are errors
rather than PyYAML's silent last-wins.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .errors import PiaError, Problem

Path_ = tuple  # a path into the tree: keys and list indexes

_CORE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_MAX_DEPTH = 64
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Tree:
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)


def decode(raw: bytes, file: str, limit_bytes: int) -> str:
    """UTF-8 with or without BOM; anything else is a clear error naming the encoding and the fix."""
    if len(raw) > limit_bytes:
        raise PiaError(f"ファイルが大きすぎます（{len(raw) / 1048576:.1f} MB、上限 {limit_bytes / 1048576:g} MB、"
                       "pia-changes.toml の max_input_mb で変更できます）", file=file)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
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


def _yaml_problem(exc: yaml.YAMLError, text: str, file: str) -> PiaError:
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
    """Compose with libyaml (nodes with marks at C speed), then build the plain tree ourselves."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text, file) from None
    except RecursionError:
        raise PiaError("入れ子が深すぎます", file=file) from None
    if root is None:
        raise PiaError("空のファイルです", file=file)
    tree = Tree(data=None)
    builder = _Builder(file, tree.lines)
    tree.data = builder.build(root, (), 0)
    if builder.problems:
        from .errors import InvalidDocument
        raise InvalidDocument(sorted(builder.problems, key=lambda p: p.line or 0))
    return tree


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
            self.fail(node, "アンカー・エイリアス（& と *）は使えません")
            return None
        self.seen.add(id(node))
        if depth > _MAX_DEPTH:
            self.fail(node, f"入れ子が深すぎます（{_MAX_DEPTH} 段まで）")
            return None
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
            key = self.scalar(key_node)
            key = "" if key is None else str(key)
            if key in out:
                self.fail(key_node, f"キー「{key}」が重複しています（{self.lines[path + (key,)]}行目にもあります）")
                continue
            if key == "<<":
                self.fail(key_node, "マージキー（<<）は使えません")
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
            self.fail(node, f"値を読めません: {exc}")
            return None
