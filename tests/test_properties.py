"""Property tests (issue 21, part 5): the loader, the diff and the classifier on generated input.

The loader turns any text or bytes into a Document or a PiaError, never another exception. The
diff, on documents built from the 重点項目 starter with random edits (texts, choices, checkbox
subsets, システム entries added, removed, reordered, renamed), is empty against itself,
deterministic, and mirrored when its arguments swap (新規 ↔ 削除, before ↔ after). Every change it
produces is classified without raising, with a reason code from the contract (design.md, Decisions:
Reason codes and default wording), and important=True exactly when required_timing is 事前.
"""
from __future__ import annotations

import collections
import copy
import json
import os
import random
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, note, settings, strategies as st

from pia_changes.classify.rules import ClassifyContext, classify
from pia_changes.diff.semantic import diff
from pia_changes.document.model import Document, load_bytes, load_text
from pia_changes.errors import PiaError
from pia_changes.forms import Node, load_form
from pia_changes.document.starter import blank_document
from pia_changes.document.yamlread import parse
from tests.helpers.documents import loaded

FORM = load_form("重点項目")
REASON_CODES = {"important_item", "threshold", "typo", "org_rename", "personnel", "law_change",
                "risk_reduced", "national_example", "other_item"}  # design.md, as printed there
SYSTEMS = ("基本情報", "特定個人情報ファイルを取り扱う事務において使用するシステム", "システム")
SWAP = {"新規": "削除", "削除": "新規", "変更": "変更"}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# === the loader ==================================================================================

YAML_PIECES = list(":-?[]{},#&*!|>'\"%@` \t\n\r") + ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028",
                                                      "\ufeff", "\ud7ff", "様式", "重点項目", "a", "1",
                                                      "- ", ": ", "---", "...", "!!python/object", "<<",
                                                      "&a ", "*a", "\t- ", "\n  ", "~", "null", "2025-02-30"]
yaml_like = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)
header = st.sampled_from(["", "様式: 重点項目\n", "様式: 全項目\n", "\ufeff様式: 基礎項目\r\n"])
texts = st.one_of(st.text(max_size=200), yaml_like, st.tuples(header, yaml_like).map("".join))


def _loads_or_pia_error(load, value) -> None:
    try:
        doc = load(value)
    except PiaError as exc:
        assert str(exc)  # a message to print, whatever the input
        return
    assert isinstance(doc, Document) and isinstance(doc.data, dict)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_loader_raises_only_pia_error_on_any_text(text):
    _loads_or_pia_error(lambda t: load_text(t, "x.yaml"), text)
    try:
        parse(text, "x.yaml")
    except PiaError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 texts.map(lambda t: t.encode("cp932", "ignore")),
                 texts.map(lambda t: t.encode("utf-16"))))
def test_loader_raises_only_pia_error_on_any_bytes(raw):
    _loads_or_pia_error(lambda r: load_bytes(r, "x.yaml"), raw)


# A valid document with one subtree replaced by any YAML value: the validator's paths.
_BASE = blank_document(FORM, 2)


def _paths(tree, prefix=()):
    yield prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from _paths(value, prefix + (index,))


PATHS = list(_paths(_BASE))[1:]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.dates(),
                    st.sampled_from(["", "30万人以上", "その他（手書き）", "令和元年5月1日", "2025-02-30"]))
any_value = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)), max_leaves=8)


@pytest.mark.slow  # 7–17 s
@FAST
@given(st.lists(st.tuples(st.sampled_from(PATHS), any_value), max_size=3))
def test_loader_raises_only_pia_error_on_any_structure(edits):
    data = copy.deepcopy(_BASE)
    for path, value in edits:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced the way there
    _loads_or_pia_error(lambda d: load_text(yaml.safe_dump(d, allow_unicode=True), "x.yaml"), data)


# === documents with random edits =================================================================

def _leaves(nodes: list[Node], path: tuple = ()):
    """(key path, node) of every item outside repeat groups."""
    for node in nodes:
        if node.type == "section":
            yield from _leaves(node.children, path + (node.key,))
        elif node.is_leaf:
            yield path + (node.key,), node


LEAVES = list(_leaves(FORM.nodes))
CONNECTIONS = FORM.top(SYSTEMS[0]).child_by_key(SYSTEMS[1]).child_by_key(SYSTEMS[2]).child_by_key("他のシステムとの接続")
words = st.text(alphabet=st.sampled_from(list("住民記録の管理システム及び給付。、 \n０1１ａaＡ（）()・-")), max_size=40)
long_words = st.lists(words, min_size=1, max_size=10).map("。".join)  # past 200 characters: excerpts
NAMES = ["住民記録システム", "住民記録システム２", "宛名システム", "介護保険システム", "団体内統合宛名システム", "中間サーバー"]


def value_of(node: Node):
    if node.type == "text":
        return st.one_of(st.none(), words, long_words)
    if node.type == "choice":
        return st.one_of(st.none(), st.sampled_from(node.options))
    if node.type == "checkbox":
        return st.lists(st.sampled_from(node.options), unique=True)
    if node.type == "count":
        return st.one_of(st.none(), st.integers(0, 10**6))
    if node.type == "date":
        return st.one_of(st.none(), st.sampled_from(["2025-06-01", "令和7年6月1日", "2024-04-01"]))
    raise AssertionError(node.type)


entry_body = st.fixed_dictionaries({"システムの機能": st.one_of(words, long_words),
                                    "他のシステムとの接続": st.lists(st.sampled_from(CONNECTIONS.options), unique=True)})
entry = st.tuples(st.sampled_from(NAMES), entry_body).map(lambda p: {"システムの名称": p[0], **p[1]})
entries = st.lists(entry, max_size=5, unique_by=lambda e: e["システムの名称"])


def _systems(data: dict) -> dict:
    return data[SYSTEMS[0]][SYSTEMS[1]]


@st.composite
def edited(draw, base: dict | None = None) -> dict:
    """The starter (or BASE) with a few items set and the システム group rebuilt or edited."""
    data = copy.deepcopy(base) if base is not None else blank_document(FORM, 0)
    for path, node in draw(st.lists(st.sampled_from(LEAVES), max_size=6, unique_by=lambda leaf: leaf[0])):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = draw(value_of(node))
    group = _systems(data)
    current = group[SYSTEMS[2]]
    if base is None or draw(st.booleans()):
        how = draw(st.sampled_from(["replace", "reorder", "edit", "add", "remove", "rename"])) if current else "replace"
        if how == "replace":
            group[SYSTEMS[2]] = draw(entries)
        elif how == "reorder":
            group[SYSTEMS[2]] = draw(st.permutations(current))
        elif how == "add":
            new = draw(entry)
            if all(e["システムの名称"] != new["システムの名称"] for e in current):
                current.insert(draw(st.integers(0, len(current))), new)
        else:
            i = draw(st.integers(0, len(current) - 1))
            if how == "remove":
                del current[i]
            elif how == "edit":
                current[i] = {**current[i], **draw(entry_body)}
            else:
                name = draw(st.sampled_from(NAMES))
                if all(e["システムの名称"] != name for e in current):
                    current[i] = {**current[i], "システムの名称": name}
    return data


@st.composite
def pairs(draw) -> tuple[dict, dict]:
    old = draw(edited())
    return old, draw(edited(old))


def _renamed(changes) -> dict[str, str]:
    """New entry id → old entry id for each renamed システム (ids follow the NEW name)."""
    return {f"system[{c.after}]": f"system[{c.before}]" for c in changes
            if c.kind == "変更" and c.node.id == "name" and c.item_id.startswith("I/system[")}


def _as_old(item_id: str, renamed: dict[str, str]) -> str:
    for new, old in renamed.items():
        item_id = item_id.replace(new + "/", old + "/") if item_id.startswith(f"I/{new}/") else item_id
    return item_id


# === the diff ===================================================================================

@FAST
@given(edited())
def test_a_document_against_itself_has_no_changes(data):
    doc = loaded(data)
    assert diff(doc, doc).changes == () and diff(doc, doc).table_edits == ()
    assert diff(doc, loaded(copy.deepcopy(data))).changes == ()  # equal, not identical, objects


@pytest.mark.slow  # 10–17 s
@FAST
@given(pairs())
def test_diff_is_deterministic_and_mirrored_when_the_arguments_swap(pair):
    old, new = loaded(pair[0]), loaded(pair[1])
    forward = diff(old, new)
    assert diff(loaded(pair[0]), loaded(pair[1])) == forward  # fresh objects, same answer
    backward = diff(new, old)
    note(f"forward: {forward.changes}\nbackward: {backward.changes}")
    renamed = _renamed(forward.changes)
    mirrored = collections.Counter(
        (_as_old(c.item_id, renamed), SWAP[c.kind], c.after, c.before, c.moved, c.cosmetic) for c in forward.changes)
    assert mirrored == collections.Counter(
        (c.item_id, c.kind, c.before, c.after, c.moved, c.cosmetic) for c in backward.changes)
    news = sorted(_as_old(c.item_id, renamed) for c in forward.changes if c.kind == "新規")
    assert news == sorted(c.item_id for c in backward.changes if c.kind == "削除")


@FAST
@given(pairs())
def test_every_change_is_well_formed(pair):
    changes = diff(loaded(pair[0]), loaded(pair[1])).changes
    assert len({(c.item_id, c.moved) for c in changes}) == len(changes)  # one row per item and revision
    for c in changes:
        assert c.kind in SWAP
        assert (c.before is None) == (c.kind == "新規") and (c.after is None) == (c.kind == "削除")
        for text, spans in ((c.before, c.spans[0]), (c.after, c.spans[1])):
            for start, end in spans:
                assert text is not None and 0 <= start < end <= len(text), (c, text, spans)


@pytest.mark.slow  # 6–12 s
@FAST
@given(pairs())
def test_classify_never_raises_and_keeps_the_contract(pair):
    context = ClassifyContext("重点項目")
    for change in diff(loaded(pair[0]), loaded(pair[1])).changes:
        verdict = classify(change, context)
        if change.cosmetic:
            assert (verdict.important, verdict.reason_code) == (None, None)
            continue
        assert verdict.reason_code in REASON_CODES
        assert isinstance(verdict.important, bool) and verdict.timing_reason
        assert (verdict.required_timing == "事前") == verdict.important
        if verdict.important:
            assert verdict.procedure and verdict.procedure[-1] == "公表"
        if verdict.needs_review:
            assert verdict.review_reason and not verdict.manual


# === determinism across processes ================================================================

_DIFF_ALL = """
import json, sys
from pia_changes.diff.semantic import diff
from pia_changes.document.model import load
out = []
for a, b in json.load(sys.stdin):
    out.append([[c.item_id, c.kind, c.before, c.after, c.spans, c.moved, c.cosmetic]
                for c in diff(load(a), load(b)).changes])
print(json.dumps(out, ensure_ascii=False))
"""


def test_diff_is_the_same_under_any_hash_seed(tmp_path):
    """Set and dict order must not leak into the output: two interpreters, two hash seeds."""
    rng = random.Random(21)
    files = []
    for n in range(12):
        a, b = blank_document(FORM, 0), blank_document(FORM, 0)
        names = rng.sample(NAMES, 4)
        _systems(a)[SYSTEMS[2]] = [{"システムの名称": s, "システムの機能": f"機能{i}", "他のシステムとの接続": []}
                                   for i, s in enumerate(names)]
        moved = rng.sample(names, 4)[: rng.randint(2, 4)]
        _systems(b)[SYSTEMS[2]] = [{"システムの名称": s, "システムの機能": f"機能{names.index(s)}改",
                                   "他のシステムとの接続": rng.sample(CONNECTIONS.options, 2)} for s in moved]
        for (path, node) in rng.sample(LEAVES, 5):
            target = b
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = {"text": "新しい記載", "choice": node.options[:1] and node.options[-1],
                                "checkbox": list(node.options[:2]), "count": 5, "date": "2025-06-01"}[node.type]
        for side, doc in (("a", a), ("b", b)):
            (tmp_path / f"{n}{side}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        files.append([str(tmp_path / f"{n}a.yaml"), str(tmp_path / f"{n}b.yaml")])
    outputs = []
    for seed in ("1", "4242"):
        done = subprocess.run([sys.executable, "-c", _DIFF_ALL], input=json.dumps(files), capture_output=True,
                              text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert all(json.loads(outputs[0]))  # every pair differs


@given(st.text(alphabet="あい課a", max_size=30), st.text(alphabet="あい課a", max_size=30))
def test_common_ends_are_the_longest_shared_head_and_then_tail(a, b):
    from pia_changes.classify.textedits import common_ends
    head, tail = common_ends(a, b)
    assert a[:head] == b[:head] and (head == min(len(a), len(b)) or a[head] != b[head])
    assert head + tail <= min(len(a), len(b))
    assert a[len(a) - tail:] == b[len(b) - tail:]
    assert head + tail == min(len(a), len(b)) or a[len(a) - tail - 1] != b[len(b) - tail - 1]


_JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.floats(allow_nan=True)


@given(st.recursive(_JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                    | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4), max_leaves=30))
def test_generate_json_is_the_standard_librarys_text(value):
    from pia_changes.render.jsonout import indented
    assert indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


# ---- pairing renamed entries: the early exits change no pair ------------------------------------

def _all_pairs_reference(olds, news, old_names, new_names):
    """The pairing rule written plainly (semantic.align_entries' docstring): every leftover old
    entry scored against every leftover new one, the mean of contents and names when both are
    named, best first."""
    from pia_changes.diff.semantic import MATCH_THRESHOLD, _flat
    from pia_changes.diff.text import option_key, similarity
    scored = []
    for i, old in enumerate(olds):
        for j, new in enumerate(news):
            score = similarity(_flat(old), _flat(new))
            if old_names[i] and new_names[j]:
                score = (score + similarity(option_key(old_names[i]), option_key(new_names[j]))) / 2
            if score >= MATCH_THRESHOLD:
                scored.append((-score, abs(i - j), i, j))
    taken_old, taken_new, found = set(), set(), []
    for _, _, i, j in sorted(scored):
        if i not in taken_old and j not in taken_new:
            found.append((i, j))
            taken_old.add(i)
            taken_new.add(j)
    return found


_ENTRY_WORDS = ("福祉保健部", "保健計画課", "向島保健センター", "本所保健センター", "子育て支援総合センター",
                "区民課", "税務課", "（移転先22）", "、", "住民基本台帳法第12条", "電子記録媒体", "庁内連携システム")


@FAST
@given(st.data())
def test_pairing_renamed_entries_is_the_plain_all_pairs_rule(data):
    from pia_changes.diff.semantic import _similar_pairs
    words = st.lists(st.sampled_from(_ENTRY_WORDS), min_size=0, max_size=5).map("".join)
    entry = st.fixed_dictionaries({"名": words, "内容": words, "方法": words})
    olds = data.draw(st.lists(entry, min_size=1, max_size=7))
    news = data.draw(st.lists(entry, min_size=1, max_size=7))
    old_names = [e["名"].strip() for e in olds]
    new_names = [e["名"].strip() for e in news]
    got = sorted(_similar_pairs(olds, news, old_names, new_names, []))
    assert got == sorted(_all_pairs_reference(olds, news, old_names, new_names))
