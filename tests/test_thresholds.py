"""しきい値判断 (domain.md: The three forms; When the assessment must be redone, 2.): which form the
指針 requires, and what the classifier says when an answer moves the 事務 into a higher one.
Stated from the table of domain.md, on seed 004 (重点項目) and a 基礎項目評価書 from its schema."""
from __future__ import annotations

import pytest

from pia_changes.classify.rules import ClassifyContext, band_lower_bound, classify, required_level
from pia_changes.config import Config
from pia_changes.diff.semantic import diff
from pia_changes.document.model import load_text
from tests.helpers.documents import blank, dump
from tests.helpers.paths import ROOT

KAIGO = (ROOT / "examples" / "kaigo.yaml").read_text(encoding="utf-8")
COUNT = "    対象人数: null"
USERS = "使用者数: 100人以上500人未満"
HOW_MANY = "      対象となる本人の数: 10万人以上100万人未満"
CONFIRM = "新たな評価の実施を確認してください。"
ZENKOUMOKU_CHAIN = ("新たな評価の実施", "住民等の意見聴取", "第三者点検", "委員会への提出", "公表")


@pytest.mark.parametrize(("people", "many_handlers", "accident", "level"), [
    (999, True, True, 0),             # under 1,000: none required
    (1_000, False, False, 1),         # 1,000 or more: 基礎項目
    (9_999, True, True, 1),
    (10_000, False, False, 1),        # 1万–10万: 重点項目 only with 500 取扱者 or a 重大事故
    (10_000, True, False, 2),
    (10_000, False, True, 2),
    (99_999, False, False, 1),
    (100_000, False, False, 2),       # 10万–30万: 重点項目, 全項目 with 500 取扱者 or a 重大事故
    (100_000, True, False, 3),
    (299_999, False, True, 3),
    (299_999, False, False, 2),
    (300_000, False, False, 3),       # 30万 or more: 全項目
])
def test_the_form_the_guideline_requires(people, many_handlers, accident, level):
    assert required_level(people, many_handlers, accident) == level


def judge(before: str, after: str, form: str = "重点項目"):
    (change,) = diff(load_text(before, "a.yaml"), load_text(after, "a.yaml")).significant()
    return classify(change, ClassifyContext(form, Config(root=ROOT)))


def kaigo(old: str, new: str) -> str:
    assert old in KAIGO, old
    return KAIGO.replace(old, new, 1)


def test_people_crossing_into_zenkoumoku_needs_a_new_assessment_with_its_chain():
    verdict = judge(kaigo(COUNT, "    対象人数: 10万人以上30万人未満"), kaigo(COUNT, "    対象人数: 30万人以上"))
    assert (verdict.important, verdict.reason_code, verdict.needs_review) == (True, "threshold", True)
    assert verdict.review_reason == ("対象人数が「10万人以上30万人未満」から「30万人以上」に変わり、しきい値判断の結果、"
                                     f"全項目評価が必要です。{CONFIRM}")
    assert verdict.procedure == ZENKOUMOKU_CHAIN


def test_people_crossing_that_depends_on_the_other_answers_says_so():
    verdict = judge(kaigo(COUNT, "    対象人数: 1万人以上10万人未満"), kaigo(COUNT, "    対象人数: 10万人以上30万人未満"))
    assert verdict.review_reason == ("対象人数が「1万人以上10万人未満」から「10万人以上30万人未満」に変わり、しきい値判断の結果、"
                                     f"取扱者数500人以上又は重大事故ありの場合は全項目評価が必要です。{CONFIRM}")


def test_a_band_move_that_the_form_already_covers_is_a_correction():
    verdict = judge(kaigo(COUNT, "    対象人数: 1,000人以上1万人未満"), kaigo(COUNT, "    対象人数: 1万人以上10万人未満"))
    assert (verdict.important, verdict.reason_code) == (False, "other_item")


def test_people_of_a_file_crossing_30man():
    verdict = judge(KAIGO, kaigo(HOW_MANY, "      対象となる本人の数: 100万人以上1,000万人未満"))
    assert verdict.reason_code == "threshold"
    assert verdict.review_reason.startswith("対象人数が「10万人以上100万人未満」から「100万人以上1,000万人未満」に変わり")


def test_handlers_reaching_500_on_juten():
    verdict = judge(KAIGO, kaigo(USERS, "使用者数: 500人以上1,000人未満"))
    assert (verdict.reason_code, verdict.review_reason) == (
        "threshold", f"取扱者数が500人以上になり、しきい値判断の結果、対象人数が10万人以上30万人未満の場合は全項目評価が必要です。{CONFIRM}")


def test_handlers_already_500_or_more_cross_nothing():
    assert judge(kaigo(USERS, "使用者数: 500人以上1,000人未満"),
                 kaigo(USERS, "使用者数: 1,000人以上")).reason_code == "other_item"


def kiso(**answers: dict) -> str:
    """A blank 基礎項目評価書 with the しきい値 questions of each section answered."""
    data = blank("基礎項目")
    for section, questions in answers.items():
        data["しきい値判断項目"][section].update(questions)
    return dump(data)


def test_a_serious_accident_on_kiso_needs_the_form_its_people_require():
    verdict = judge(kiso(重大事故={"過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか": "発生なし"}),
                    kiso(重大事故={"過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか": "発生あり"}),
                    "基礎項目")
    assert (verdict.important, verdict.reason_code) == (True, "threshold")
    assert verdict.review_reason == ("重大事故の発生により、しきい値判断の結果、対象人数が1万人以上10万人未満の場合は重点項目評価、"
                                     f"対象人数が10万人以上30万人未満の場合は全項目評価が必要です。{CONFIRM}")
    assert verdict.procedure == ("新たな評価の実施", "委員会への提出", "公表")  # 重点項目 at least: no hearing


def test_no_accident_any_more_requires_nothing():
    verdict = judge(kiso(重大事故={"過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか": "発生あり"}),
                    kiso(重大事故={"過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか": "発生なし"}),
                    "基礎項目")
    assert (verdict.important, verdict.reason_code) == (False, "other_item")


@pytest.mark.parametrize(("value", "bound"), [
    ("10万人以上30万人未満", 100_000),
    ("1,000人以上1万人未満", 1_000),
    ("1,000人未満", 0),
    ("１万 人以上", 10_000),          # full width and a stray space, as staff type it
    ("1.5万人以上", 15_000),
    ("1億人以上", 100_000_000),
    ("3万人", 30_000),               # a count written plainly
    ("300人", 300),
    (500, 500),
    (True, None),                     # a yes/no answer is no count
    ("不明", None),
])
def test_band_lower_bound_reads_the_printed_bands(value, bound):
    assert band_lower_bound(value) == bound


def test_on_kiso_a_band_move_names_each_form_by_the_other_answers():
    before = kiso(対象人数={"評価対象の事務の対象人数は何人か": "1万人以上10万人未満"})
    after = kiso(対象人数={"評価対象の事務の対象人数は何人か": "10万人以上30万人未満"})
    assert judge(before, after, "基礎項目").review_reason == (
        "対象人数が「1万人以上10万人未満」から「10万人以上30万人未満」に変わり、しきい値判断の結果、重点項目評価、"
        f"取扱者数500人以上又は重大事故ありの場合は全項目評価が必要です。{CONFIRM}")


def test_an_accident_answer_withdrawn_crosses_nothing():
    question = "過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか"
    verdict = judge(kiso(重大事故={question: "発生なし"}), kiso(重大事故={question: None}), "基礎項目")
    assert verdict.reason_code == "other_item"


def test_handlers_reaching_500_on_zenkoumoku_require_nothing_more():
    jyuki = (ROOT / "tests" / "classify_cases" / "base" / "jyuki.yaml").read_text(encoding="utf-8")
    users = "        使用者数: null"
    assert jyuki.count(users) >= 1
    verdict = judge(jyuki.replace(users, "        使用者数: 100人以上500人未満", 1),
                    jyuki.replace(users, "        使用者数: 500人以上1,000人未満", 1), "全項目")
    assert (verdict.important, verdict.reason_code) == (False, "other_item")
