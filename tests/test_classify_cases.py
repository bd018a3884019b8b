"""Classification scenario corpus (issue #25): tests/classify_cases/cases.yaml.

Each case edits one item of a real base document (tests/classify_cases/base/), runs
`pia-changes diff BEFORE AFTER --format json --include-cosmetic` in-process, and compares the
engine's verdict on that item with the expectation chosen from docs/domain.md. The format of a
case is described at the top of cases.yaml.

`pytest tests/test_classify_cases.py -s` prints the confusion matrices (test_summary).
"""
from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

import pia_changes
from tests.helpers.cli import invoke
from tests.helpers.documents import dump
from tests.helpers.paths import TESTS

HERE = TESTS / "classify_cases"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))

EXEMPTION_KINDS = ("typo", "org_rename", "personnel", "law_change", "risk_reduced", "national_example")
KINDS = EXEMPTION_KINDS + ("deferred", "stays_important", "plain_important", "plain_other",
                           "threshold", "cosmetic")
REASON_CODES = {"important_item", "threshold", "typo", "org_rename", "personnel", "law_change",
                "risk_reduced", "national_example", "other_item"}
# Words by which a review_reason names a possible exemption (design.md: "review_reason naming
# the possible exemption", e.g. 「リスクを明らかに軽減させる変更であれば 判定: 非重要（リスク軽減）…」).
NAMING_WORDS = {
    "risk_reduced": ("軽減",),
    "national_example": ("記載例",),
    "law_change": ("法令", "法改正"),
    "org_rename": ("組織",),
    "typo": ("誤字", "脱字"),
    "personnel": ("人事",),
}


class CorpusError(Exception):
    """The case itself is wrong (an edit that does not apply, a bad path): fix cases.yaml."""


# --------------------------------------------------------------------------------------------
# building the two revisions
# --------------------------------------------------------------------------------------------

_BASES: dict[str, dict] = {}


def _base(name: str) -> dict:
    if name not in _BASES:
        path = HERE / "base" / name
        if not path.is_file():
            raise CorpusError(f"base document {name} does not exist")
        _BASES[name] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_BASES[name])


def _walk(doc, path):
    node = doc
    for i, key in enumerate(path):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            raise CorpusError(f"item path {path} does not exist in the base (stops at {path[:i + 1]})") from None
    return node


def _put(doc, path, value) -> None:
    parent = _walk(doc, path[:-1])
    try:
        parent[path[-1]]
    except (KeyError, IndexError, TypeError):
        raise CorpusError(f"item path {path} does not exist in the base") from None
    parent[path[-1]] = value


def _pairs(replace) -> list[tuple[str, str]]:
    if isinstance(replace, list) and replace and all(isinstance(p, list) for p in replace):
        pairs = replace
    else:
        pairs = [replace]
    out = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)):
            raise CorpusError(f"replace must be [old, new] (or a list of them), got {pair!r}")
        out.append((pair[0], pair[1]))
    return out


def _replace_in(value, old: str, new: str, where: str):
    if not old:
        raise CorpusError(f"{where}: an empty search text (only a reverse edit may insert from nothing)")
    if isinstance(value, str):
        if old not in value:
            raise CorpusError(f"{where}: text not found in the item: {old!r}")
        return value.replace(old, new)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        if not any(old in v for v in value):
            raise CorpusError(f"{where}: text not found in any entry of the item: {old!r}")
        return [v.replace(old, new) for v in value]
    raise CorpusError(f"{where}: replace needs a text or a list of texts, the item holds {type(value).__name__}")


def build_revisions(case: dict) -> tuple[dict, dict]:
    """(before, after) documents of the case. Raises CorpusError when the edit does not apply."""
    base_doc = _base(case["base"])
    path = case["item"]
    _walk(base_doc, path)  # the path exists
    before, after = copy.deepcopy(base_doc), copy.deepcopy(base_doc)
    reverse = bool(case.get("reverse"))
    ops = [k for k in ("replace", "set", "before_set", "insert", "delete") if k in case]
    if not ops:
        raise CorpusError("no edit (replace, set, before_set, insert or delete)")
    if "before_set" in case:
        _put(before, path, copy.deepcopy(case["before_set"]))
    if "set" in case:
        _put(after, path, copy.deepcopy(case["set"]))
    if "replace" in case:
        if reverse:   # the base holds the later text: make the earlier one
            value = _walk(before, path)
            for old, new in _pairs(case["replace"]):
                value = _replace_in(value, new, old, "reverse replace")
            _put(before, path, value)
        else:
            value = _walk(after, path)
            for old, new in _pairs(case["replace"]):
                value = _replace_in(value, old, new, "replace")
            _put(after, path, value)
    for op in ("insert", "delete"):
        if op not in case:
            continue
        target = before if reverse else after
        seq = _walk(target, path)
        if not isinstance(seq, list):
            raise CorpusError(f"{op} needs a list at {path}")
        if op == "insert":
            spec = case["insert"]
            at = spec["at"]
            if not 0 <= at <= len(seq):
                raise CorpusError(f"insert at {at}: the list has {len(seq)} entries")
            seq.insert(at, copy.deepcopy(spec["value"]))
        else:
            at = case["delete"]
            if not 0 <= at < len(seq):
                raise CorpusError(f"delete {at}: the list has {len(seq)} entries")
            del seq[at]
    if _walk(before, path) == _walk(after, path):
        raise CorpusError("the edit changes nothing")
    return before, after


# --------------------------------------------------------------------------------------------
# which change is the edited item: item ids from the form schema (SCHEMA.md, "Item ids")
# --------------------------------------------------------------------------------------------

_SCHEMAS: dict[str, dict] | None = None


def _schema(form: str) -> dict:
    """The form schema of the installed package, found by its `form:` header wherever it lives."""
    global _SCHEMAS
    if _SCHEMAS is None:
        _SCHEMAS = {}
        roots = {Path(p).resolve() for p in getattr(pia_changes, "__path__", []) if Path(p).is_dir()}
        for path in sorted({p for root in roots for p in root.rglob("*.yaml")}):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError):
                continue
            if isinstance(data, dict) and isinstance(data.get("form"), str) and isinstance(data.get("nodes"), list):
                _SCHEMAS.setdefault(data["form"], data)
    if form not in _SCHEMAS:
        raise CorpusError(f"no form schema for {form!r} in the package")
    return _SCHEMAS[form]


def _node(nodes: list[dict], key) -> dict:
    for node in nodes:
        if node.get("key") == key:
            return node
    raise CorpusError(f"{key!r} is not an item of the form schema")


def _entry_id(group: dict, entry, position: int) -> str:
    identity_key = next((c["key"] for c in group.get("children", []) if c["id"] == group.get("identity")), None)
    name = entry.get(identity_key) if isinstance(entry, dict) and identity_key else None
    return f"{group['id']}[{name if name not in (None, '') else '#' + str(position + 1)}]"


def item_id(case: dict, doc: dict) -> str:
    """Item id of the case's item in DOC; an inserted or deleted group entry is named by itself."""
    path = case["item"]
    nodes = _schema(doc["様式"])["nodes"]
    parts: list[str] = []
    value = doc
    i = 0
    while i < len(path):
        node = _node(nodes, path[i])
        value = value[path[i]]
        top = i == 0
        if node["type"] == "section":
            if top:
                parts.append(node["id"])
            nodes = node.get("children", [])
            i += 1
            continue
        if node["type"] == "group":
            if i + 1 < len(path):
                position = path[i + 1]
                entry = value[position]
                parts.append(_entry_id(node, entry, position))
                nodes, value = node.get("children", []), entry
                i += 2
                continue
            # the group list itself: an entry is inserted or deleted
            at = case["insert"]["at"] if "insert" in case else case.get("delete")
            if at is None:
                raise CorpusError(f"{path} is a group: insert or delete one of its entries")
            parts.append(_entry_id(node, value[at], at))  # IndexError: the side without the entry
            break
        parts.append(node["id"])  # a leaf
        break
    return "/".join(parts)


def candidate_ids(case: dict, before: dict, after: dict) -> set[str]:
    ids = set()
    for doc in (before, after):
        try:
            ids.add(item_id(case, doc))
        except (KeyError, IndexError, TypeError):
            pass
    if not ids:
        raise CorpusError("cannot name the item's id from the form schema")
    return ids


# --------------------------------------------------------------------------------------------
# running the engine and judging its answer
# --------------------------------------------------------------------------------------------

_RESULTS: dict[str, dict] = {}


def run_engine(case: dict, workdir: Path) -> dict:
    """The engine's change for the edited item, as {"change": dict|None, "changes": [...], "error": str|None}."""
    before, after = build_revisions(case)
    ids = candidate_ids(case, before, after)
    workdir.mkdir(parents=True, exist_ok=True)
    before_path, after_path = workdir / "before.yaml", workdir / "after.yaml"
    for path, doc in ((before_path, before), (after_path, after)):
        path.write_text(dump(doc), encoding="utf-8")
    config = workdir / "pia-changes.toml"
    if case.get("config"):
        config.write_text(case["config"], encoding="utf-8")
    elif config.exists():
        config.unlink()
    try:  # -C WORKDIR: `diff A B` reads pia-changes.toml from the working directory
        result = invoke("diff", str(before_path), str(after_path), "--format", "json", "--include-cosmetic",
                        root=workdir)
    except Exception as exc:  # a traceback is this case's error, reported with the others
        return {"change": None, "changes": [], "ids": ids, "error": f"exception: {exc!r}"}
    if result.exit_code != 0:
        return {"change": None, "changes": [], "ids": ids,
                "error": f"exit {result.exit_code}: {result.output.strip()[-800:]} {result.exception!r}"}
    try:
        data = json.loads(result.stdout)
    except ValueError:
        return {"change": None, "changes": [], "ids": ids, "error": f"not JSON: {result.stdout[:400]!r}"}
    changes = data.get("changes", [])
    mine = [c for c in changes if c.get("item_id") in ids]
    error = None
    if len(mine) > 1:
        error = f"{len(mine)} changes for the item: {[c.get('item_id') for c in mine]}"
    elif not mine:
        error = f"no change reported for {sorted(ids)}; reported: {[c.get('item_id') for c in changes]}"
    return {"change": mine[0] if mine else None, "changes": changes, "ids": ids, "error": error}


def expected_label(expect: dict) -> tuple[str, str]:
    """(verdict, reason) as the corpus expects them, for the matrices."""
    if expect.get("cosmetic"):
        return "cosmetic", "cosmetic"
    verdict = "重要" if expect["important"] else "非重要"
    if expect["important"] and expect.get("needs_review"):
        verdict = "重要（要確認）"
    reason = expect.get("names", [None])[0] if expect.get("names") else expect["reason_code"]
    if isinstance(reason, list):
        reason = reason[0]
    return verdict, reason


def engine_label(outcome: dict) -> tuple[str, str]:
    change = outcome.get("change")
    if change is None:
        return "(none)", "(none)"
    if change.get("cosmetic"):
        return "cosmetic", "cosmetic"
    if change.get("important") is True:
        verdict = "重要（要確認）" if change.get("needs_review") else "重要"
    elif change.get("important") is False:
        verdict = "非重要"
    else:
        verdict = repr(change.get("important"))
    return verdict, str(change.get("reason_code"))


def mismatches(expect: dict, outcome: dict) -> list[str]:
    if outcome.get("error") and outcome.get("change") is None:
        return [outcome["error"]]
    change = outcome["change"]
    problems = []
    if outcome.get("error"):
        problems.append(outcome["error"])
    if expect.get("cosmetic"):
        if not change.get("cosmetic"):
            problems.append(f"expected a cosmetic change, the engine classified it: important={change.get('important')}, "
                            f"reason_code={change.get('reason_code')}")
        return problems
    if change.get("cosmetic"):
        problems.append("the engine calls the edit cosmetic")
        return problems
    if change.get("important") is not expect["important"]:
        problems.append(f"important: expected {expect['important']}, engine {change.get('important')}")
    accepted = expect["reason_code"] if isinstance(expect["reason_code"], list) else [expect["reason_code"]]
    if change.get("reason_code") not in accepted:
        problems.append(f"reason_code: expected {' or '.join(accepted)}, engine {change.get('reason_code')}")
    if "needs_review" in expect and bool(change.get("needs_review")) is not expect["needs_review"]:
        problems.append(f"needs_review: expected {expect['needs_review']}, engine {change.get('needs_review')}")
    if expect.get("names"):
        review = change.get("review_reason") or ""
        named = change.get("reason_code") in expect["names"] or any(
            word in review for code in expect["names"] for word in NAMING_WORDS.get(code, ()))
        if not named:
            problems.append(f"the possible exemption ({' or '.join(expect['names'])}) is named neither as "
                            f"reason_code nor in review_reason ({change.get('review_reason')!r})")
    return problems


def describe(outcome: dict) -> str:
    change = outcome.get("change")
    if change is None:
        return "(no change)"
    keys = ("item_id", "important", "reason_code", "needs_review", "cosmetic", "review_reason", "timing_reason")
    return ", ".join(f"{k}={change.get(k)!r}" for k in keys if k in change)


# --------------------------------------------------------------------------------------------
# the tests
# --------------------------------------------------------------------------------------------

def test_corpus_shape():
    """The corpus is what issue #25 asks for, and each expectation agrees with its kind."""
    names = [c.get("name") for c in CASES]
    assert len(names) == len(set(names)), [n for n, k in Counter(names).items() if k > 1]
    assert len(CASES) >= 60
    kinds = Counter(c.get("kind") for c in CASES)
    assert set(kinds) <= set(KINDS), set(kinds) - set(KINDS)
    for kind in EXEMPTION_KINDS:
        assert kinds[kind] >= 3, (kind, kinds[kind])
    assert kinds["stays_important"] >= 20
    assert kinds["cosmetic"] >= 2
    for case in CASES:
        name, expect = case["name"], case.get("expect", {})
        assert {"name", "kind", "base", "item", "expect", "why"} <= set(case), name
        assert isinstance(case["item"], list) and case["item"], name
        if expect.get("cosmetic"):
            assert case["kind"] == "cosmetic" and set(expect) == {"cosmetic"}, name
            continue
        assert isinstance(expect.get("important"), bool), name
        codes = expect["reason_code"] if isinstance(expect["reason_code"], list) else [expect["reason_code"]]
        assert codes and set(codes) <= REASON_CODES, name
        assert set(expect.get("names", [])) <= REASON_CODES, name
        kind = case["kind"]
        if kind in ("typo", "org_rename", "personnel", "law_change"):
            assert expect == {"important": False, "reason_code": kind, "needs_review": False}, name
        elif kind in ("risk_reduced", "national_example"):   # Judgement exemptions default to 重要
            assert expect["important"] and expect["needs_review"] and kind in expect["names"], name
        elif kind == "deferred":   # evidence incomplete: 重要 with 要確認, never the reverse
            assert expect["important"] and expect["needs_review"] and expect["names"], name
        elif kind in ("stays_important", "plain_important"):
            assert expect == {"important": True, "reason_code": "important_item", "needs_review": False}, name
        elif kind == "plain_other":
            assert expect == {"important": False, "reason_code": "other_item", "needs_review": False}, name
        elif kind == "threshold":
            assert codes in (["threshold"], ["other_item"]) and expect["important"] is (codes == ["threshold"]), name


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_edit_applies(case):
    """Every edit applies to its base (a failure here is a corpus bug, not an engine fault)."""
    try:
        before, after = build_revisions(case)
        candidate_ids(case, before, after)
    except CorpusError as exc:
        pytest.fail(f"corpus bug in {case['name']}: {exc}")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case, tmp_path):
    try:
        outcome = run_engine(case, tmp_path)
    except CorpusError as exc:
        pytest.fail(f"corpus bug in {case['name']}: {exc}")
    _RESULTS[case["name"]] = outcome
    problems = mismatches(case["expect"], outcome)
    assert not problems, (
        f"{case['name']} ({case['kind']}): " + "; ".join(problems)
        + f"\n  engine:   {describe(outcome)}\n  expected: {case['expect']}\n  why: {case['why']}")


def _matrix(title: str, pairs: list[tuple[str, str]]) -> str:
    rows = sorted({e for e, _ in pairs})
    cols = sorted({g for _, g in pairs})
    counts = Counter(pairs)
    width = max([len(title)] + [len(r) for r in rows]) + 2
    colw = [max(len(c), 4) + 2 for c in cols]
    lines = [title.ljust(width) + "".join(c.rjust(w) for c, w in zip(cols, colw)) + "   (rows: expected, columns: engine)"]
    for r in rows:
        lines.append(r.ljust(width) + "".join(str(counts[(r, c)] or ".").rjust(w) for c, w in zip(cols, colw)))
    return "\n".join(lines)


def test_summary(tmp_path):
    """Prints the confusion matrices and the disagreements (run with -s). Asserts nothing."""
    rows = []
    for case in CASES:
        outcome = _RESULTS.get(case["name"])
        if outcome is None:
            try:
                outcome = run_engine(case, tmp_path / case["name"])
            except CorpusError as exc:
                outcome = {"change": None, "error": f"corpus bug: {exc}"}
            _RESULTS[case["name"]] = outcome
        rows.append((case, outcome, mismatches(case["expect"], outcome)))
    verdicts = [(expected_label(c["expect"])[0], engine_label(o)[0]) for c, o, _ in rows]
    important = [(e.replace("（要確認）", ""), g.replace("（要確認）", "")) for e, g in verdicts]
    reasons = [(expected_label(c["expect"])[1], engine_label(o)[1]) for c, o, _ in rows]
    failing = [(c, o, p) for c, o, p in rows if p]
    print()
    print(f"classification corpus: {len(rows)} cases, {len(rows) - len(failing)} agree, {len(failing)} disagree")
    print("cases per kind: " + ", ".join(f"{k} {n}" for k, n in sorted(Counter(c['kind'] for c in CASES).items())))
    print()
    print(_matrix("important", important))
    print()
    print(_matrix("verdict", verdicts))
    print()
    print(_matrix("reason", reasons))
    print()
    for case, outcome, problems in failing:
        exp_v, exp_r = expected_label(case["expect"])
        eng_v, eng_r = engine_label(outcome)
        print(f"FAIL {case['name']} [{case['kind']}]: expected {exp_v} / {exp_r}, engine {eng_v} / {eng_r}"
              f" — {'; '.join(problems)}")
