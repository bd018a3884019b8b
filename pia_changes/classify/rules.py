"""Is a Change a 重要な変更? The rules of domain.md ("A sketch of the decision"), in its order.

1. しきい値 items (node.threshold): a move across 1,000 / 1万 / 10万 / 30万 people or 500
   取扱者 into a form that requires more → a new assessment (threshold, a person confirms).
2. An item without ※, or any item of a 基礎項目評価書 → 評価書の修正 (other_item), unless a
   formal kind below names the change more precisely.
3. ※ item, a formal change recognised with confidence (誤字脱字, 組織改正, 人事異動, 法令改正).
4. ※ item, risk clearly reduced or wording aligned with the 記載例 → proposed, a person confirms.
5. ※ item, anything else → 重要な変更.
A person's 判定 and 説明 from the commit trailers (Decisions: Trailers) have the last word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pia_changes.diff.change import Change, Classification
from pia_changes.config import Config
from pia_changes.errors import PiaError
from pia_changes.classify.exemptions import Exemption, as_text, formal_exemption, proposed_exemption
from pia_changes.forms import Node, walk
from pia_changes.classify.trailers import EXEMPTIONS
from pia_changes.text.normalise import nfkc, squeeze

FORMS = ("全項目", "重点項目", "基礎項目")

# Decisions: Reason codes and default wording.
DEFAULT_WORDING = {
    "important_item": "重要な変更に当たる。",
    "threshold": "しきい値判断の結果が変わるため、新たに重点項目評価又は全項目評価の実施が必要。",
    "typo": "誤字脱字の修正であり、重要な変更に当たらない。",
    "org_rename": "組織改正に伴う名称の変更であり、重要な変更に当たらない。",
    "personnel": "人事異動に伴う変更であり、重要な変更に当たらない。",
    "law_change": "法令改正に伴う条項等の変更であり、重要な変更に当たらない。",
    "risk_reduced": "漏えいその他の事態を発生させるリスクを明らかに軽減させる変更であり、重要な変更に当たらない。",
    "national_example": "国の記載例に合わせた記載の変更であり、重要な変更に当たらない。",
    "other_item": "その他の項目の変更であり、事前の提出・公表が義務付けられない。",
}
REVIEW_MARK = "（要確認）"
# Decisions: Trailers — 判定: 非重要（理由）; one list, the trailer parser's.
DECISION_REASONS = EXEMPTIONS
REASON_NAMES = {code: name for name, code in EXEMPTIONS.items()}
# What a person confirms before settling a proposed exemption (domain.md: Exempt changes to ※ items).
EXEMPTION_TESTS = {
    "risk_reduced": "漏えいその他の事態を発生させるリスクを明らかに軽減させる変更",
    "national_example": "国の記載例に合わせた記載の変更で、取扱いが変わらないもの",
    "org_rename": "組織改正に伴う名称の変更のみ",
    "law_change": "法令改正に伴う条項等の変更のみ（事務の追加なし）",
    "typo": "誤字脱字の修正のみ",
}

HEARING, THIRD_PARTY, NEW_ASSESSMENT = "住民等の意見聴取", "第三者点検", "新たな評価の実施"  # steps status dates
PROCEDURE_ZENKOUMOKU = ("再実施", HEARING, THIRD_PARTY, "委員会への提出", "公表")
PROCEDURE_JUTEN = ("再実施", "委員会への提出", "公表")
PROCEDURE_CORRECTION = ("評価書の修正", "公表")

FORM_LEVEL = {"基礎項目": 1, "重点項目": 2, "全項目": 3}
LEVEL_NAME = {1: "基礎項目評価", 2: "重点項目評価", 3: "全項目評価"}
# The 対象人数 bands of the forms, each with its lowest count (domain.md: The three forms).
PEOPLE_BANDS = ((0, "1,000人未満"), (1_000, "1,000人以上1万人未満"), (10_000, "1万人以上10万人未満"),
                (100_000, "10万人以上30万人未満"), (300_000, "30万人以上"))
HANDLERS_LINE = 500


@dataclass(frozen=True)
class ClassifyContext:
    """What the classifier needs besides the change: the form, the config and a person's say.

    `decision` and `reason_text` are the 判定 and 説明 trailers that apply to this change,
    already picked out by the trailer parser: 判定 as written (「重要」, 「非重要（誤字脱字）」;
    check it with `parse_decision` first) or as the parser's value (anything with `important`
    and `reason_code`).
    """

    form: str
    config: Config = field(default_factory=lambda: Config(root=Path(".")))
    decision: object | None = None
    reason_text: str | None = None

    def __post_init__(self) -> None:
        if self.form not in FORMS:
            raise PiaError(f"未知の様式です: {self.form}（全項目・重点項目・基礎項目のいずれか）")


@dataclass(frozen=True)
class _Verdict:
    important: bool
    code: str
    review: str | None = None
    required_level: int | None = None  # threshold: the form now certainly required


def classify(change: Change, context: ClassifyContext) -> Classification:
    """Judge one change (Decisions: Reason codes and default wording)."""
    if change.cosmetic:  # Decisions: Counting changes — cosmetic changes are not classified
        return Classification(important=None, reason_code=None, timing_reason="")
    verdict = _judge(change, context)
    manual = False
    if context.decision is not None:
        important, code = _decided(context.decision, verdict)
        verdict = _Verdict(important, code, None, verdict.required_level if code == "threshold" else None)
        manual = True
    wording = context.config.wording.get(verdict.code) or DEFAULT_WORDING[verdict.code]
    if context.reason_text and context.reason_text.strip():
        wording, manual = context.reason_text.strip(), True
    if verdict.review:
        wording += REVIEW_MARK
    return Classification(
        important=verdict.important, reason_code=verdict.code, timing_reason=wording,
        needs_review=verdict.review is not None, review_reason=verdict.review,
        required_timing="事前" if verdict.important else None,
        procedure=_procedure(verdict, context.form), manual=manual,
    )


def parse_decision(text: str) -> tuple[bool, str | None] | None:
    """判定: 重要 → (True, None); 判定: 非重要（理由） → (False, code); unreadable → None."""
    value = squeeze(text or "")
    if value == "重要":
        return True, None
    match = re.fullmatch(r"非重要(?:\((.+)\))?", value)
    if not match:
        return None
    if match.group(1) is None:
        return False, None
    code = DECISION_REASONS.get(match.group(1))
    return (False, code) if code else None


def _decided(decision: object, verdict: _Verdict) -> tuple[bool, str]:
    if isinstance(decision, str):
        parsed = parse_decision(decision)
    else:  # trailers.Decision
        parsed = (bool(getattr(decision, "important")), getattr(decision, "reason_code", None))
    if parsed is None:
        reasons = "、".join(DECISION_REASONS)
        raise PiaError(f"判定を読めません: {decision}（「重要」又は「非重要（理由）」、理由は {reasons}）")
    important, code = parsed
    if important:
        return True, "threshold" if verdict.code == "threshold" else "important_item"
    if code is None:  # 非重要 without a reason: keep ours when it already says not important
        code = verdict.code if not verdict.important else "other_item"
    return False, code


def _procedure(verdict: _Verdict, form: str) -> tuple[str, ...]:
    if not verdict.important:
        return PROCEDURE_CORRECTION
    if verdict.code == "threshold":
        hearing = (HEARING, THIRD_PARTY) if verdict.required_level == 3 else ()
        return (NEW_ASSESSMENT, *hearing, "委員会への提出", "公表")
    return PROCEDURE_ZENKOUMOKU if form == "全項目" else PROCEDURE_JUTEN


def _judge(change: Change, context: ClassifyContext) -> _Verdict:
    node = change.node
    threshold = _threshold(change, context.form)
    if threshold is not None:
        return threshold
    before = as_text(change.old_value, change.before)
    after = as_text(change.new_value, change.after)
    starred = context.form != "基礎項目" and _starred(node)
    if node.is_group:
        return _Verdict(True, "important_item") if starred and not change.moved else _Verdict(False, "other_item")
    formal = _formal(node, before, after, tuple(context.config.org_renames.items()))
    if formal is not None:
        return _Verdict(False, formal.code)
    if not starred:  # sketch step 2: 評価書の修正
        return _Verdict(False, "other_item")
    proposed: Exemption | None = proposed_exemption(node, change.labels, before, after,
                                                    change.old_value, change.new_value)
    if proposed is not None:  # sketch step 4 (Decisions 2026-12-06: judgement exemptions default to 重要)
        return _Verdict(True, "important_item", deferred_review(proposed))
    return _Verdict(True, "important_item")


@lru_cache(maxsize=1024)
def _formal(node: Node, before: str, after: str, renames: tuple[tuple[str, str], ...]) -> Exemption | None:
    """formal_exemption, once per schema item and texts: a department renamed everywhere is the
    same pair of texts in the same item of every ファイル (3 of the 9 changes of a commit of the
    dense benchmark)."""
    return formal_exemption(node, before, after, dict(renames))


def deferred_review(proposed: Exemption) -> str:
    """Why a person must decide, naming the exemption they may confirm with a 判定 trailer."""
    reason = REASON_NAMES[proposed.code]
    return (f"{proposed.review} {EXEMPTION_TESTS[proposed.code]}であれば「判定: 非重要（{reason}）」で、"
            "そうでなければ「判定: 重要」で確定してください。")


def _starred(node: Node) -> bool:
    """※ for an item; for a whole group entry, ※ when any of its items is (Decisions: Counting changes)."""
    if not node.is_group:
        return node.star
    return node.star or any(n.star for n in walk(node.children) if n.is_leaf)


# ---- しきい値 (domain.md: When the assessment must be redone, 2.) ---------------------------------

def required_level(people: int, many_handlers: bool, accident: bool) -> int:
    """The form the 指針 requires (domain.md: The three forms); 0 = none required."""
    if people < 1_000:
        return 0
    if people < 10_000:
        return 1
    if people < 100_000:
        return 2 if many_handlers or accident else 1
    if people < 300_000:
        return 3 if many_handlers or accident else 2
    return 3


def band_lower_bound(value: object) -> int | None:
    """「10万人以上30万人未満」 → 100000, 「1,000人未満」 → 0, 500 → 500; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    text = nfkc(str(value or "")).replace(",", "")
    text = re.sub(r"\s+", "", text)
    match = re.search(r"(\d+(?:\.\d+)?)(万|億)?人?以上", text)
    if match:
        unit = {"万": 10_000, "億": 100_000_000}.get(match.group(2) or "", 1)
        return int(float(match.group(1)) * unit)
    if re.search(r"人?未満", text):
        return 0
    match = re.fullmatch(r"(\d+)(万)?人?", text)
    if match:
        return int(match.group(1)) * (10_000 if match.group(2) else 1)
    return None


def _occurred(value: object) -> bool | None:
    """発生あり / 発生なし (the form's options); None when unanswered."""
    text = nfkc(str(value or ""))
    if "あり" in text:
        return True
    if "なし" in text:
        return False
    return None


def _threshold(change: Change, form: str) -> _Verdict | None:
    """A しきい値 question answered so that a higher form becomes required (domain.md: 2.)."""
    kind = change.node.threshold
    old = change.old_value if change.old_value is not None else change.before
    new = change.new_value if change.new_value is not None else change.after
    if kind == "people":
        found = _people_crossing(old, new, FORM_LEVEL[form])
    elif kind == "handlers" or (kind == "accident" and form == "基礎項目"):
        # 重大事故 is a しきい値 question on the 基礎項目評価書 only (Ⅱ 3), never the one in Ⅲ 7
        found = _condition_crossing(kind, old, new, FORM_LEVEL[form])
    else:
        return None
    if found is None:
        return None
    what, cases = found
    need = "、".join(f"{condition}{LEVEL_NAME[level]}" for condition, level in cases)
    review = f"{what}、しきい値判断の結果、{need}が必要です。新たな評価の実施を確認してください。"
    return _Verdict(True, "threshold", review, min(level for _, level in cases))


def _people_crossing(old: object, new: object, form_level: int) -> tuple[str, list] | None:
    """対象人数 moved up: the other answers are not in this change, so try both of them."""
    low, high = band_lower_bound(old), band_lower_bound(new)
    if low is None or high is None:
        return None
    cases = []
    for other, condition in ((False, ""), (True, "取扱者数500人以上又は重大事故ありの場合は")):
        level = required_level(high, other, False)
        if level > max(form_level, required_level(low, other, False)):
            cases.append((condition, level))
    if cases and required_level(high, False, False) == required_level(high, True, False):
        cases = [("", cases[0][1])]  # the same whatever the other answers are
    return (f"対象人数が「{old}」から「{new}」に変わり", cases) if cases else None


def _condition_crossing(kind: str, old: object, new: object, form_level: int) -> tuple[str, list] | None:
    """取扱者数 reached 500, or a 重大事故 occurred: what it requires depends on the 対象人数."""
    if kind == "handlers":
        low, high = band_lower_bound(old), band_lower_bound(new)
        if low is None or high is None or not low < HANDLERS_LINE <= high:
            return None
        what = "取扱者数が500人以上になり"
    else:
        if _occurred(old) is not False or _occurred(new) is not True:
            return None
        what = "重大事故の発生により"
    cases = [(f"対象人数が{band}の場合は", required_level(people, True, False))
             for people, band in PEOPLE_BANDS
             if required_level(people, True, False) > max(form_level, required_level(people, False, False))]
    return (what, cases) if cases else None
