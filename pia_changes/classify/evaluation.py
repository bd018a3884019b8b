"""The classifier measured against the publishers' own labels (benchmarks/eval_classifier.py).

Each published 変更箇所 row is placed on the form by the label matcher, rebuilt as the Change it
describes (item, 変更前, 変更後, kind — never its 提出時期, 変更日 or 説明) and classified. The
publisher's 説明 is read as domain.md says ("How to read a published row's label"): important,
not important or ambiguous, and consistent with the form or not. Agreement is scored on the
consistent rows the engine decides; rows it defers to a person (needs_review) are counted apart
and count as found for recall (Decisions 2026-12-06); inconsistent and ambiguous rows are listed
with our answer, not scored.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pia_changes.diff.change import Change, Classification
from pia_changes.classify.rules import ClassifyContext, classify
from pia_changes.config import Config
from pia_changes.forms import Node, load_form, walk
from pia_changes.forms.labels import Match
from pia_changes.forms.rowmatch import match_row
from pia_changes.classify.publisher import publisher_important
from pia_changes.text.normalise import html_to_text, nfkc

# domain.md: the exemptions a publisher may name for a ※ item, by keywords.
EXEMPTION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "typo": ("誤字", "脱字", "誤記"),
    "law": ("法令", "法改正", "法律", "番号法", "省令", "政令", "条例", "改正"),
    "organisation": ("組織", "名称", "機構"),
    "personnel": ("人事",),
    "risk_reduced": ("軽減",),
    "national_example": ("記載例",),
}
DELETED_MARK = "削除"  # 「削除」 printed as 変更後 says the text was deleted
BLANK_MARKS = {"－", "-", "—", "―", "‐", "−", "ー", "─"}  # a dash printed for an empty cell
# 「（右記の内容を新たに追加）」: 変更前 of an addition, a description of the row, not text
_ADDED_NOTE = re.compile(r"^[（(]?右記の.{0,20}を?新たに(?:追加|追記|記載)(?:する)?。?[）)]?$")

OUR_ERROR = "our error"
DEFERRED = "deferred to a person (要確認)"
PUBLISHER_INCONSISTENT = "publisher inconsistent with the form"
AMBIGUOUS = "ambiguous"

SCHEMA_KEYS = ("agreement", "consistent_rows", "decided_rows", "deferred_rows", "unambiguous_rows", "publisher_inconsistent",
               "important_recall", "false_not_important", "needs_review_rate", "mapped_rows", "rows")


# ---- reading the publisher's label ------------------------------------------------------------

def named_exemption(reason: str | None) -> str | None:
    """The exempt kind a 説明 names by keyword (domain.md), or None."""
    text = nfkc(reason or "")
    for kind, words in EXEMPTION_KEYWORDS.items():
        if any(nfkc(w) in text for w in words):
            return kind
    return None


# 判定's 理由 for each kind EXEMPTION_KEYWORDS reads, the narrower kinds first: 「組織改正による変更」
# is an organisation's rename although 改正 is a law word too.
DECISION_REASON = {"personnel": "人事異動", "typo": "誤字脱字", "organisation": "組織改正",
                   "national_example": "記載例", "risk_reduced": "リスク軽減", "law": "法令改正"}


def published_decision(reason: str | None) -> str | None:
    """The publisher's verdict as a 判定 value (「重要」, 「非重要（法令改正）」, 「非重要（その他）」), read
    as domain.md reads a published label; a 説明 that only names an exempt kind is how publishers state
    that exemption (「国の記載例により記載変更」, 「法改正による修正」). None: nothing said either way."""
    important = publisher_important(reason)
    if important:
        return "重要"
    text = nfkc(reason or "")
    kind = next((k for k in DECISION_REASON if any(nfkc(w) in text for w in EXEMPTION_KEYWORDS[k])), None)
    if important is None and kind is None:
        return None
    return f"非重要（{DECISION_REASON[kind] if kind else 'その他'}）"


def form_starred(node: Node, form: str) -> bool:
    """※ on the form; a group entry is ※ when any of its items is (Decisions: Counting changes)."""
    if form == "基礎項目":
        return False
    if node.is_group:
        return node.star or any(n.star for n in walk(node.children) if n.is_leaf)
    return node.star


def consistent_with_form(label: bool, node: Node, form: str, reason: str | None) -> bool:
    """domain.md: important for a ※ or しきい値 item; not important for an item without ※, or for
    a ※ item while naming an exemption; anything else is inconsistent."""
    starred = form_starred(node, form)
    if label:
        return starred or node.threshold is not None
    return not starred or named_exemption(reason) is not None


# ---- rebuilding the change --------------------------------------------------------------------

def _cell(value: object) -> str:
    text = html_to_text(str(value or ""))
    return "" if text in BLANK_MARKS else text


def row_kind(row: dict, before: str, after: str) -> str:
    """変更区分 where printed; else 新規 when 変更前 is empty, 削除 when 変更後 is empty or 「削除」."""
    if after == DELETED_MARK:
        return "削除"
    if _ADDED_NOTE.match(nfkc(before)):
        return "新規"
    if row.get("change_kind") in ("変更", "新規", "削除"):
        return row["change_kind"]
    if not before and after:
        return "新規"
    if before and not after:
        return "削除"
    return "変更"


def _entry(group: Node, found: object) -> tuple[str, str]:
    """The entry of a group as (id part, printed label) from what the label named."""
    if isinstance(found, int):
        return f"{group.id}[#{found}]", group.format_entry(found, "")
    if found:
        return f"{group.id}[{found}]", str(found)
    return f"{group.id}[?]", group.label


def item_path(match: Match) -> tuple[str, tuple[str, ...]]:
    """A readable item id (schema ids, group entries as `id[#n]`) and the node's label path."""
    node = match.node
    ids: list[str] = []
    labels: list[str] = []
    for part in [*node.ancestors(), node]:
        if part.is_group:
            ident, shown = _entry(part, match.entries.get(part.id))
            ids.append(ident)
            labels.append(shown)
        else:
            if part.type != "section" or part.parent is None or part is node:
                ids.append(part.id)
            labels.append(part.label)
    return "/".join(ids), tuple(labels)


def rebuild_change(row: dict, match: Match) -> Change:
    """The Change a published row describes: only its item and 変更前/変更後, nothing of its
    提出時期, 変更日 or 説明."""
    before, after = _cell(row.get("before")), _cell(row.get("after"))
    kind = row_kind(row, before, after)
    if kind == "削除" and after == DELETED_MARK:
        after = ""
    if kind == "新規" and _ADDED_NOTE.match(nfkc(before)):
        before = ""  # the text did not exist: its 変更前 only says so
    item_id, labels = item_path(match)
    return Change(item_id=item_id, labels=labels, kind=kind, before=before or None,
                  after=after or None, node=match.node, order=match.node.order)


# ---- one row ----------------------------------------------------------------------------------

@dataclass
class RowResult:
    seed: str
    row_no: int
    item_raw: str
    form: str
    match: Match | None = None
    change: Change | None = None
    ours: Classification | None = None
    publisher: bool | None = None        # the publisher's label; None = ambiguous
    consistent: bool | None = None       # None when unmapped or ambiguous

    @property
    def mapped(self) -> bool:
        return self.match is not None

    @property
    def ours_important(self) -> bool | None:
        return None if self.ours is None else self.ours.important

    @property
    def kind(self) -> str | None:
        """The kind of disagreement, None when there is none (or the row is unmapped)."""
        if not self.mapped:
            return None
        if self.publisher is None:
            return AMBIGUOUS
        if not self.consistent:
            return PUBLISHER_INCONSISTENT
        if self.ours_important == self.publisher:
            return None
        return DEFERRED if self.deferred else OUR_ERROR

    @property
    def deferred(self) -> bool:
        """The engine leaves the verdict to a person's 判定."""
        return self.ours is not None and self.ours.needs_review


def evaluate_row(row: dict) -> RowResult:
    form = load_form(row["form"])
    label = str(row.get("item_raw") or "")
    result = RowResult(seed=str(row.get("seed", "")), row_no=int(row.get("row_no") or 0),
                       item_raw=label, form=row["form"])
    result.publisher = publisher_important(row.get("timing_reason"))
    result.match = match_row(form, label, row.get("before"), row.get("after")) if label.strip() else None
    if result.match is None:
        return result
    result.change = rebuild_change(row, result.match)
    result.ours = classify(result.change, ClassifyContext(row["form"], Config(root=Path("."))))
    if result.publisher is not None:
        result.consistent = consistent_with_form(result.publisher, result.match.node, row["form"],
                                                 row.get("timing_reason"))
    return result


# ---- scores -----------------------------------------------------------------------------------

def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass
class Scores:
    figures: dict
    confusion: dict = field(default_factory=dict)  # publisher important/not × ours important/not


def score(results: Iterable[RowResult]) -> Scores:
    results = list(results)
    mapped = [r for r in results if r.mapped]
    unambiguous = [r for r in mapped if r.publisher is not None]
    consistent = [r for r in unambiguous if r.consistent]
    decided = [r for r in consistent if not r.deferred]
    agree = sum(1 for r in decided if r.ours_important == r.publisher)
    pub_important = [r for r in consistent if r.publisher]
    false_not_important = sum(
        1 for r in unambiguous
        if r.publisher and form_starred(r.match.node, r.form)
        and r.ours_important is False and not r.deferred)
    figures = {
        "agreement": _ratio(agree, len(decided)),
        "consistent_rows": len(consistent),
        "decided_rows": len(decided),
        "deferred_rows": len(consistent) - len(decided),
        "unambiguous_rows": len(unambiguous),
        "publisher_inconsistent": len(unambiguous) - len(consistent),
        "important_recall": _ratio(sum(1 for r in pub_important if r.ours_important or r.deferred),
                                   len(pub_important)),
        "false_not_important": false_not_important,
        "needs_review_rate": _ratio(sum(1 for r in mapped if r.deferred), len(mapped)),
        "mapped_rows": len(mapped),
        "rows": len(results),
    }
    confusion = {(p, o): sum(1 for r in decided if r.publisher is p and bool(r.ours_important) is o)
                 for p in (True, False) for o in (True, False)}
    confusion.update({(p, "deferred"): sum(1 for r in consistent if r.deferred and r.publisher is p)
                      for p in (True, False)})
    return Scores(figures, confusion)


@dataclass
class Evaluation:
    results: list[RowResult]
    overall: Scores
    per_seed: dict[str, Scores]

    def disagreements(self) -> list[RowResult]:
        return [r for r in self.results if r.kind is not None]

    def unmapped(self) -> list[RowResult]:
        return [r for r in self.results if not r.mapped]


def evaluate(rows: Iterable[dict]) -> Evaluation:
    results = [evaluate_row(row) for row in rows]
    seeds: dict[str, list[RowResult]] = {}
    for r in results:
        seeds.setdefault(r.seed, []).append(r)
    return Evaluation(results, score(results), {seed: score(rs) for seed, rs in seeds.items()})


def load_rows(path: Path) -> list[dict]:
    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
    return rows


# ---- report -----------------------------------------------------------------------------------

def _fmt(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _scores_lines(title: str, scores: Scores) -> list[str]:
    f, c = scores.figures, scores.confusion
    lines = [f"== {title}",
             "  " + "  ".join(f"{k}={_fmt(f[k])}" for k in SCHEMA_KEYS),
             "  consistent rows: publisher × ours   ours important   ours not important   deferred (要確認)",
             f"    publisher important            {c[(True, True)]:>14}   {c[(True, False)]:>17}"
             f"   {c[(True, 'deferred')]:>16}",
             f"    publisher not important        {c[(False, True)]:>14}   {c[(False, False)]:>17}"
             f"   {c[(False, 'deferred')]:>16}"]
    return lines


def report_lines(evaluation: Evaluation) -> list[str]:
    lines: list[str] = []
    for seed, scores in evaluation.per_seed.items():
        lines += _scores_lines(seed, scores)
    lines += _scores_lines("overall", evaluation.overall)
    lines.append("")
    lines.append("== disagreements (seed, row_no, kind, publisher → ours, our reason_code, item)")
    for r in evaluation.disagreements():
        pub = {True: "重要", False: "非重要", None: "?"}[r.publisher]
        ours = "重要" if r.ours_important else "非重要"
        review = " 要確認" if r.ours.needs_review else ""
        star = "※" if form_starred(r.match.node, r.form) else " "
        lines.append(f"  {r.seed[:3]} {r.row_no:>4}  {r.kind:<37} {pub:>3} → {ours}{review}"
                     f"  {r.ours.reason_code}  {star}{r.change.item_id}  「{r.item_raw}」")
    unmapped = evaluation.unmapped()
    lines.append("")
    lines.append(f"== unmapped rows ({len(unmapped)}), not scored")
    for r in unmapped:
        lines.append(f"  {r.seed[:3]} {r.row_no:>4}  「{r.item_raw}」")
    return lines


def main(argv: list[str] | None = None, default_data: Path | None = None) -> int:
    parser = argparse.ArgumentParser(description="The classifier measured against published 変更箇所 rows.")
    parser.add_argument("--data", type=Path, default=default_data, required=default_data is None,
                        help="JSON lines in the format of tests/data/published_changes.jsonl")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the overall figures")
    args = parser.parse_args(argv)
    evaluation = evaluate(load_rows(args.data))
    out = sys.stdout
    for line in report_lines(evaluation):
        print(line, file=out)
    if args.json:
        print(json.dumps(evaluation.overall.figures, ensure_ascii=False), file=out)
    return 0
