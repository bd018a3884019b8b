"""The assessment file: YAML → Document (plain tree + line of every node) and its validation.

Validation collects every problem in one pass, sorted by line, so staff fix a file in one round.
Empty values are warnings, not errors: published forms leave cells blank (Decisions: Validation).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pia_changes.errors import InvalidDocument, PiaError, Problem
from pia_changes.forms import FORM_FILES, Form, Node, load_form
from pia_changes.document.legacy import ALLOWED_KEYS as LEGACY_KEYS, LEGACY_KEY
from pia_changes.text.wareki import parse_date
from pia_changes.document.yamlhints import FULLWIDTH_COLON, FULLWIDTH_INDENT, comment_warnings
from pia_changes.document.yamlread import Tree, parse
from pia_changes.text.decode import decode, read_input
from pia_changes.text.normalise import nfkc
from pia_changes.forms.labelpath import join_labels

FORM_KEY = "様式"
VERSION_KEY = "様式版"
UNPLACED_KEY = "未配置"
DEFAULT_LIMIT = 20 * 1024 * 1024


@dataclass
class Document:
    path: str
    form: Form
    data: dict
    lines: dict[tuple, int]
    warnings: list[Problem] = field(default_factory=list)

    @property
    def legacy_rows(self) -> list[dict]:
        return self.data.get(LEGACY_KEY) or []

    @property
    def unplaced(self) -> list:
        return self.data.get(UNPLACED_KEY) or []

    def line(self, path: tuple) -> int | None:
        """The line of PATH, or of its nearest ancestor present in the file."""
        lines = self.lines
        while path:
            found = lines.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return lines.get(path)


def form_name(value: object) -> str | None:
    """様式: 全項目 / 全項目評価書 → 全項目."""
    if not isinstance(value, str):
        return None
    text = nfkc(value).strip().removesuffix("評価書")
    return text if text in FORM_FILES else None


def load_text(text: str, file: str) -> Document:
    """Parse and validate already-decoded YAML text; raises InvalidDocument listing every error."""
    return load_tree(parse(text, file), file)


def load_tree(tree: Tree, file: str, memo: dict | None = None) -> Document:
    """The Document of a parsed tree (see load_text); MEMO as in `validated`."""
    data = tree.data
    if not isinstance(data, dict) and tree.problems:
        raise InvalidDocument(tree.problems)
    if not isinstance(data, dict):
        raise PiaError("評価書の YAML は「キー: 値」の対応（マッピング）で書いてください", file=file, line=1)
    name = form_name(data.get(FORM_KEY))
    if name is None:
        where = tree.lines.get((FORM_KEY,), 1)
        if FORM_KEY not in data:
            raise PiaError("「様式」がありません（全項目・重点項目・基礎項目のいずれかを書いてください）", file=file, line=1)
        raise PiaError(f"未知の様式です: {data.get(FORM_KEY)}（全項目・重点項目・基礎項目のいずれか）",
                       file=file, line=where)
    return validated(Document(path=file, form=load_form(name), data=data, lines=tree.lines), tree.problems, memo)


def validated(doc: Document, parse_problems: list[Problem] = (), memo: dict | None = None) -> Document:
    """Raise InvalidDocument listing every error by line; keep the warnings on the document.
    MEMO (one dict for the versions of one file) lets unchanged parts skip validation."""
    problems = list(parse_problems) + Validator(doc, memo).run()
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise InvalidDocument(sorted(errors, key=lambda p: (p.line or 0)))
    doc.warnings = sorted(problems, key=lambda p: (p.line or 0))
    return doc


def load(path: str | Path, limit_bytes: int = DEFAULT_LIMIT, display: str | None = None) -> Document:
    """Read and validate an assessment file. `display` is the name used in messages."""
    file = display or str(path)
    return load_bytes(read_input(path, file, limit_bytes), file, limit_bytes)


def load_bytes(raw: bytes, file: str, limit_bytes: int = DEFAULT_LIMIT) -> Document:
    """A file as staff hand it in (validate, check): also warns where a ` #…` cut a value short,
    which only the raw text shows (history reads go through load_text and skip that scan)."""
    text = decode(raw, file, limit_bytes)
    tree = parse(text, file)
    doc = load_tree(tree, file)
    cut = comment_warnings(text, tree.data, tree.lines, file)
    if cut:
        doc.warnings = sorted(doc.warnings + cut, key=lambda p: (p.line or 0))
    return doc


def is_empty(value: object) -> bool:
    """null, "", [] and {} alike (not 0 or False): the validator and the diff ask it of every value."""
    return not value and (value is None or type(value) in _EMPTY_TYPES)


_EMPTY_TYPES = (str, list, dict)


def _norm(text: str) -> str:
    return nfkc(text).strip()


def option_matches(value: str, node: Node) -> bool:
    """A value is one of the printed options, or an open option (その他) followed by free text."""
    text = _norm(value)
    options, open_options = _normalised_options(node)
    return text in options or any(text.startswith(o) for o in open_options)


@lru_cache(maxsize=None)
def _normalised_options(node: Node) -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(_norm(o) for o in node.options), tuple(_norm(o) for o in node.open_options)


class Validator:
    """One pass over the document against its form; problems carry file, line and label path."""

    def __init__(self, doc: Document, memo: dict | None = None) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        # Versions of one file share every unchanged subtree (yamlread.ChunkParser): the problems
        # found in a section are kept by (node, the section's object) and replayed, relative to
        # its path and labels, when the same object comes again.
        self.memo = memo
        self.raw: list[tuple] = []

    def add(self, path: tuple, code: str, message: str, labels: tuple[str, ...] = (), level: str = "error",
            line: int | None = None) -> None:
        label = join_labels(labels) if labels else None
        if line is None:
            line = self.doc.line(path)
        self.problems.append(Problem(self.doc.path, line, path, code, message, label, level))
        if self.memo is not None:
            self.raw.append((path, code, message, labels, level, line))

    def run(self) -> list[Problem]:
        data = self.doc.data
        tops = {n.key: n for n in self.doc.form.nodes}
        known = set(tops) | {FORM_KEY, VERSION_KEY, LEGACY_KEY, UNPLACED_KEY}
        for key in data:
            if key not in known:
                self.unknown(key, (key,), list(known), ())
        for node in self.doc.form.nodes:
            if node.key not in data:
                self.add((), "missing_item", f"「{node.label}」がありません", (node.label,))
            else:
                self.value(node, data[node.key], (node.key,), (node.label,))
        self.legacy(data.get(LEGACY_KEY))
        self.unplaced(data.get(UNPLACED_KEY))
        return self.problems

    def unknown(self, key: str, path: tuple, choices: list[str], labels: tuple) -> None:
        close = difflib.get_close_matches(key.strip("\u3000 "), choices, n=1, cutoff=0.5)
        hint = f"（「{close[0]}」ではありませんか）" if close else ""
        if key.startswith("\u3000"):  # an IME's full-width space indenting the line
            hint = f"。{FULLWIDTH_INDENT}"
        self.add(path, "unknown_item", f"様式にない項目「{key}」です{hint}", labels)

    def value(self, node: Node, value: object, path: tuple, labels: tuple[str, ...]) -> None:
        if node.type == "section":
            self.section(node, value, path, labels)
        elif node.is_group:
            self.group(node, value, path, labels)
        elif is_empty(value):
            if node.required:
                self.add(path, "empty", "未記入です", labels, level="warning")
        else:
            self.leaf(node, value, path, labels)

    def section(self, node: Node, value: object, path: tuple, labels: tuple[str, ...]) -> None:
        self._memoised(node, value, path, labels, self._section)

    def _memoised(self, node: object, value: object, path: tuple, labels: tuple[str, ...], check) -> None:
        """CHECK(node, value, path, labels), or the problems it gave for this very VALUE before."""
        if self.memo is None or not isinstance(value, (dict, list)) or not value:
            check(node, value, path, labels)
            return
        key = (id(node), id(value))
        hit = self.memo.get(key)
        base = self.doc.line(path)
        first, first_raw = len(self.problems), len(self.raw)
        if hit is not None and hit[0] is value:
            # the same object is the same text (ChunkParser): lines sit where they sat, relative
            # to this section's own line
            where = (base, path, labels, self.doc.path)
            if hit[2] == where:  # and at the same place as last time: the very same problems
                self.problems += hit[3]
                self.raw += hit[4]
                return
            for rel_path, code, message, rel_labels, level, rel_line in hit[1]:
                line = None if base is None or rel_line is None else base + rel_line
                self.add(path + rel_path, code, message, labels + rel_labels, level, line)
            hit[2:] = [where, self.problems[first:], self.raw[first_raw:]]
            return
        check(node, value, path, labels)
        cut, cut_labels = len(path), len(labels)
        self.memo[key] = [value, [(p[cut:], code, m, lab[cut_labels:], lev,
                                   None if base is None or line is None else line - base)
                                  for p, code, m, lab, lev, line in self.raw[first_raw:]],
                          (base, path, labels, self.doc.path), self.problems[first:], self.raw[first_raw:]]

    def _section(self, node: Node, value: object, path: tuple, labels: tuple[str, ...]) -> None:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            typed = f"（{FULLWIDTH_COLON}）" if isinstance(value, str) and "：" in value else ""
            self.add(path, "not_mapping", f"この見出しの下には項目を「キー: 値」で書いてください{typed}", labels)
            return
        keys = [c.key for c in node.children]
        for key in value:
            if node.child_by_key(key) is None:
                self.unknown(key, path + (key,), keys, labels)
        for child in node.children:
            child_labels = labels + (child.label,)
            if child.key in value:
                self.value(child, value[child.key], path + (child.key,), child_labels)
            elif child.required:
                self.add(path, "missing_item", f"必須の項目「{child.key}」がありません", child_labels)

    def group(self, node: Node, value: object, path: tuple, labels: tuple[str, ...]) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.add(path, "not_list", "繰り返しの項目はリスト（- で始まる行）で書いてください", labels)
            return
        seen: dict[str, int] = {}
        for index, entry in enumerate(value):
            name = identity_value(node, entry)
            entry_labels = labels[:-1] + (node.format_entry(index + 1, name),)  # システム1, not システム > システム1
            if not isinstance(entry, dict):
                self.add(path + (index,), "not_mapping", "各要素は「キー: 値」で書いてください", entry_labels)
                continue
            if not is_empty(name):
                key = _norm(str(name))
                if key in seen:
                    self.add(path + (index,), "duplicate_entry", f"「{name}」が重複しています（{seen[key]}番目と同じ名前）",
                             entry_labels)
                seen.setdefault(key, index + 1)
            self.section(node, entry, path + (index,), entry_labels)

    def leaf(self, node: Node, value: object, path: tuple, labels: tuple[str, ...]) -> None:
        check = getattr(self, "leaf_" + node.type)
        message = check(node, value)
        if message:
            self.add(path, "bad_value", message, labels)

    def leaf_text(self, node: Node, value: object) -> str | None:
        if isinstance(value, (dict, list)):
            return "文章で記入してください（リストや入れ子は使えません）"
        return None

    def leaf_choice(self, node: Node, value: object) -> str | None:
        if not isinstance(value, str) or not option_matches(value, node):
            return f"選択肢にありません: {value}（選べるもの: {'、'.join(node.options)}）"
        return None

    def leaf_checkbox(self, node: Node, value: object) -> str | None:
        if not isinstance(value, list):
            return "チェックした選択肢をリストで書いてください（例: [庁内連携システム]）"
        bad = [str(v) for v in value if not isinstance(v, str) or not option_matches(v, node)]
        if bad:
            return f"選択肢にありません: {'、'.join(bad)}（選べるもの: {'、'.join(node.options)}）"
        return None

    def leaf_count(self, node: Node, value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"件数は 0 以上の整数で書いてください: {value}"
        return None

    def leaf_date(self, node: Node, value: object) -> str | None:
        if parse_date(value) is None:
            return f"日付として読めません: {value}（2025-06-01 または 令和7年6月1日 の形で）"
        return None

    def legacy(self, rows: object) -> None:
        self._memoised(LEGACY_KEY, rows, (LEGACY_KEY,), (), self._legacy)

    def _legacy(self, _key: str, rows: object, path: tuple, _labels: tuple) -> None:
        if rows is None:
            return
        if not isinstance(rows, list):
            self.add(path, "not_list", "変更箇所は行のリストで書いてください", (LEGACY_KEY,))
            return
        for index, row in enumerate(rows):
            labels = (LEGACY_KEY, f"{index + 1}行目")
            if not isinstance(row, dict):
                self.add(path + (index,), "not_mapping", "各行は「列名: 値」で書いてください", labels)
                continue
            for key in row:
                if key not in LEGACY_KEYS:
                    self.unknown(key, path + (index, key), sorted(LEGACY_KEYS), labels)
            date = row.get("変更日")
            if not is_empty(date) and parse_date(date) is None:
                self.add(path + (index, "変更日"), "bad_date", f"変更日を日付として読めません: {date}", labels)

    def unplaced(self, items: object) -> None:
        if is_empty(items):
            return
        if not isinstance(items, list):
            self.add((UNPLACED_KEY,), "not_list", "未配置はリストで書いてください", (UNPLACED_KEY,))
            return
        self.add((UNPLACED_KEY,), "unplaced", f"取り込みで配置できなかった本文が {len(items)} 件あります", (UNPLACED_KEY,),
                 level="warning")


def identity_value(group: Node, entry: object) -> object:
    """The value that names a group entry (its identity child), wherever it sits inside the entry."""
    if not isinstance(entry, dict):
        return None
    ident = group.identity_node()
    value: object = entry
    for key in key_path(ident, group):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def key_path(node: Node, upto: Node | None) -> tuple[str, ...]:
    """YAML keys from below `upto` down to `node` (sections only: groups stop the walk)."""
    keys: list[str] = []
    current: Node | None = node
    while current is not None and current is not upto:
        keys.append(current.key)
        current = current.parent
    return tuple(reversed(keys))
