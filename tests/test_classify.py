"""The classifier on real published rows (tests/data/published_changes.jsonl), one test per rule.

Each test names its row as seed#row_no; before/after are the published cells (HTML turned into
text; the descriptive 「(右記の内容を新たに追加)」 of 001 is an empty cell, as the diff would give
it). Where no published row exercises a rule (a band crossing, a choice moving up), the values
are the form's own options.
"""
from __future__ import annotations

import json
import re

import pytest

from pia_changes.diff.change import Change
from pia_changes.classify.rules import (
    DEFAULT_WORDING, PROCEDURE_CORRECTION, PROCEDURE_JUTEN, PROCEDURE_ZENKOUMOKU, REVIEW_MARK,
    ClassifyContext, band_lower_bound, classify, parse_decision,
)
from pia_changes.classify.exemptions import _national_rewording, _whole_element
from pia_changes.config import Config
from pia_changes.errors import PiaError
from pia_changes.forms import Node, load_form
from pia_changes.text.normalise import html_to_text
from tests.helpers.paths import DATA

PUBLISHED = DATA / "published_changes.jsonl"
ROWS = {(r["seed"][:3], r["row_no"]): r
        for r in map(json.loads, PUBLISHED.read_text(encoding="utf-8").splitlines())}
_DESCRIBED_EMPTY = re.compile(r"^[（(]右記の(?:内容|移転先)を新たに(?:追加|追記)[)）]$")


def find(form: str, path: str) -> Node:
    """The schema node at an id path; headings (sections) between the ids are skipped."""
    nodes = load_form(form).nodes
    found: Node | None = None
    for part in path.split("/"):
        found = next(n for n in _descendants(nodes) if n.id == part)
        nodes = found.children
    assert found is not None
    return found


def _descendants(nodes: list[Node]):
    for node in nodes:
        yield node
        if node.type == "section":
            yield from _descendants(node.children)


def cell(text: str | None) -> str | None:
    value = html_to_text(text or "")
    return None if not value or _DESCRIBED_EMPTY.match(value) else value


def change(form: str, path: str, before: object, after: object, kind: str = "変更", **extra) -> Change:
    node = find(form, path)
    labels = tuple(a.label for a in node.ancestors()) + (node.label,)
    return Change(item_id=path, labels=labels, kind=kind, before=None if before is None else str(before),
                  after=None if after is None else str(after), node=node,
                  old_value=before, new_value=after, **extra)


def published(seed: str, row_no: int, form: str, path: str, **extra) -> Change:
    row = ROWS[(seed, row_no)]
    return change(form, path, cell(row["before"]), cell(row["after"]), **extra)


def assert_deferred(result, exemption: str, form: str = "全項目") -> None:
    """A proposed exemption (Decisions 2026-12-06: judgement exemptions default to 重要): 重要な変更
    （要確認）, the exemption named for the person who settles it with a 判定 trailer."""
    assert (result.important, result.reason_code, result.needs_review) == (True, "important_item", True)
    assert f"「判定: 非重要（{exemption}）」" in result.review_reason
    assert result.timing_reason == DEFAULT_WORDING["important_item"] + REVIEW_MARK
    assert result.required_timing == "事前"
    assert result.procedure == (PROCEDURE_ZENKOUMOKU if form == "全項目" else PROCEDURE_JUTEN)


def judge(item: Change, form: str, **context) -> object:
    return classify(item, ClassifyContext(form=form, **context))


# ---- 2. items without ※ and the 基礎項目評価書 → 評価書の修正 -------------------------------

def test_item_without_star_is_other_item_004_45():
    result = judge(published("004", 45, "重点項目", "II/file/entrust/contractor"), "重点項目")
    assert (result.important, result.reason_code, result.needs_review) == (False, "other_item", False)
    assert result.timing_reason == DEFAULT_WORDING["other_item"]
    assert result.required_timing is None
    assert result.procedure == PROCEDURE_CORRECTION


def test_added_group_entry_without_star_is_other_item_001_3():
    item = published("001", 3, "全項目", "II/file/transfer", kind="新規")
    assert judge(item, "全項目").reason_code == "other_item"


def test_kiso_form_has_no_star_001_64_text_on_kiso():
    result = judge(published("001", 64, "基礎項目", "I/jimu_content"), "基礎項目")
    assert (result.important, result.reason_code) == (False, "other_item")


def test_on_kiso_only_thresholds_count_even_for_a_starred_node_001_69():
    # should a ※ ever be found on 様式2, the 基礎項目評価書 still has no 重要な変更 (domain.md)
    result = judge(published("001", 69, "全項目", "II/file/usage"), "基礎項目")
    assert (result.important, result.reason_code) == (False, "other_item")


# ---- 5. ※ item with new content → 重要な変更 -------------------------------------------------

def test_star_item_with_new_content_is_important_on_zenkoumoku_001_69():
    result = judge(published("001", 69, "全項目", "II/file/usage"), "全項目")
    assert (result.important, result.reason_code, result.needs_review) == (True, "important_item", False)
    assert result.required_timing == "事前"
    assert result.timing_reason == "重要な変更に当たる。"
    assert result.procedure == PROCEDURE_ZENKOUMOKU
    assert "住民等の意見聴取" in result.procedure and "第三者点検" in result.procedure


def test_star_item_on_juten_has_no_public_comment_004_29():
    result = judge(published("004", 29, "重点項目", "II/file/main_items"), "重点項目")
    assert (result.important, result.reason_code) == (True, "important_item")
    assert result.procedure == PROCEDURE_JUTEN == ("再実施", "委員会への提出", "公表")


def test_added_group_entry_with_star_sub_item_is_important_001_142():
    item = published("001", 142, "全項目", "II/file/entrust", kind="新規")
    result = judge(item, "全項目")
    assert (result.important, result.reason_code) == (True, "important_item")


# ---- 3. formal exemptions, recognised with confidence ----------------------------------------

@pytest.mark.parametrize("row_no, path", [(14, "II/file/usage_match"), (6, "II/file/usage")])
def test_typo_on_star_item_001(row_no, path):
    result = judge(published("001", row_no, "全項目", path), "全項目")
    assert (result.important, result.reason_code, result.needs_review) == (False, "typo", False)
    assert result.timing_reason == "誤字脱字の修正であり、重要な変更に当たらない。"


def test_typo_label_on_added_law_reference_is_not_a_typo_001_7():
    # published as 誤字脱字, but it adds 「（住基法第５条…に基づき…記録された住民を指す。）」
    result = judge(published("001", 7, "全項目", "II/file/scope"), "全項目")
    assert (result.important, result.reason_code) == (True, "important_item")


def test_word_swap_is_not_a_typo_001_49_text_on_star_item():
    # 「予定しており」 → 「認められており」: a new word, not a wrong character
    result = judge(published("001", 49, "全項目", "I/jimu_content"), "全項目")
    assert result.reason_code == "important_item"


@pytest.mark.parametrize("seed, row_no, form, path", [
    ("004", 20, "重点項目", "I/network_basis"),          # 番号法第19条第7号 → 第8号
    ("000", 11, "全項目", "I/network_basis"),            # 別表第二 → 命令第2条の表, 項 renumbered
    ("001", 124, "全項目", "I/network_basis"),           # 第19条第7号 → 第8号
    ("004", 48, "重点項目", "II/file/provide/basis"),     # 別表第2 → 主務省令第2条の表
    ("001", 147, "全項目", "II/file/provide/purpose"),   # 法律第19条第8号別表第二 → 第十九条第八号に基づく…命令
])
def test_law_renumbering(seed, row_no, form, path):
    result = judge(published(seed, row_no, form, path), form)
    assert (result.important, result.reason_code, result.needs_review) == (False, "law_change", False)
    assert result.timing_reason == "法令改正に伴う条項等の変更であり、重要な変更に当たらない。"


def test_a_basis_moved_from_the_table_to_its_successor_order_is_proposed_as_law_change_004_41():
    # 別表 → 主務省令: the same 事務 in most cases, but only a person can see none was added
    result = judge(published("004", 41, "重点項目", "I/mynumber_basis"), "重点項目")
    assert_deferred(result, "法令改正", form="重点項目")
    assert result.review_reason.startswith("番号法の別表から後継の命令等への根拠規定の書換え（法令改正）と推定しました。")


def test_new_entries_in_a_list_of_items_are_not_renumbering_004_24():
    # 項 8, 11, 108 … added without any table rename: new 情報提供, not a renumbering
    result = judge(published("004", 24, "重点項目", "I/network_basis"), "重点項目")
    assert result.reason_code == "important_item"


def test_personnel_on_shozokucho_004_2():
    result = judge(published("004", 2, "重点項目", "I/dept_head"), "重点項目")  # one person for another
    assert (result.important, result.reason_code, result.needs_review) == (False, "personnel", False)
    assert result.timing_reason == "人事異動に伴う変更であり、重要な変更に当たらない。"


@pytest.mark.parametrize(("before", "after"), [
    ("長寿支援課長渡辺均", "長寿支援課長山田花子"),  # written on without a space: the title ends at its last 長
    ("市長奥ノ木信夫", "市長岡村幸四郎"),            # a two-character title
])
def test_personnel_when_the_name_follows_the_title_without_a_space(before, after):
    result = judge(change("重点項目", "I/dept_head", before, after), "重点項目")
    assert (result.important, result.reason_code) == (False, "personnel")


@pytest.mark.parametrize(("before", "after"), [
    ("山田一郎", "佐藤花子"),
    ("長谷川一郎", "長田花子"),  # a name that begins with 長 is not a title 「長」
])
def test_bare_names_without_a_title_are_read_alike(before, after):
    result = judge(change("重点項目", "I/dept_head", before, after), "重点項目")
    assert (result.important, result.reason_code) == (False, "other_item")


def test_name_dropped_from_shozokucho_is_not_personnel_004_8():
    # 「介護保険課長 藤波 康彰」 → 「介護保険課長」: published as 記載廃止, nobody was transferred
    result = judge(published("004", 8, "重点項目", "I/dept_head"), "重点項目")
    assert (result.important, result.reason_code, result.needs_review) == (False, "other_item", False)


@pytest.mark.parametrize("row_no", [51, 55])  # 法務省 → 出入国在留管理庁 in 別添1 事務の内容 (※)
def test_org_rename_from_config_001(tmp_path, row_no):
    config = Config(root=tmp_path, org_renames={"法務省": "出入国在留管理庁"})
    result = judge(published("001", row_no, "全項目", "annex1"), "全項目", config=config)
    assert (result.important, result.reason_code, result.needs_review) == (False, "org_rename", False)
    assert result.timing_reason == "組織改正に伴う名称の変更であり、重要な変更に当たらない。"


def test_org_rename_from_config_004_3(tmp_path):
    config = Config(root=tmp_path, org_renames={"特別債権回収室": "特別債権回収課"})
    result = judge(published("004", 3, "重点項目", "II/file/users_dept"), "重点項目", config=config)
    assert result.reason_code == "org_rename"


def test_unconfigured_org_rename_is_only_proposed_001_51():
    result = judge(published("001", 51, "全項目", "annex1"), "全項目")
    assert_deferred(result, "組織改正")
    assert "renames" in result.review_reason


def test_rename_with_an_added_department_is_important_000_14(tmp_path):
    # 若里マイナンバーカードセンター → マイナンバーカードセンター, and 「住民登録データの使用許可を
    # 受けた部署」 added to 使用部署 (※): published as 組織の名称変更, but the users grew
    config = Config(root=tmp_path, org_renames={"若里マイナンバーカードセンター": "マイナンバーカードセンター"})
    result = judge(published("000", 14, "全項目", "II/file/users_dept"), "全項目", config=config)
    assert (result.important, result.reason_code) == (True, "important_item")


# ---- 4. proposed exemptions: a person confirms ------------------------------------------------

@pytest.mark.parametrize("row_no, path", [
    (23, "III/file/acquire_r2_measure"),   # added: パスワード及び生体認証による本人認証
    (20, "III/file/acquire_r1_target"),    # added: 複数人で確認し…防止する
    (27, "III/file/use_r2_auth_method"),   # ID とパスワード → パスワードと生体認証による多要素認証
])
def test_risk_reduced_is_proposed_for_review_001(row_no, path):
    result = judge(published("001", row_no, "全項目", path), "全項目")
    assert_deferred(result, "リスク軽減")
    assert "確認してください" in result.review_reason


def test_measures_for_a_new_cloud_are_important_not_reduced_001_151():
    # ガバメントクラウド measures added: a new place and party handle the data (published 重要な変更)
    result = judge(published("001", 151, "全項目", "III/file/storage_physical_detail"), "全項目")
    assert (result.important, result.reason_code) == (True, "important_item")


def test_measures_for_a_new_cloud_added_to_a_text_are_important_004_56():
    # 「(略)」 + ＜ガバメントクラウドにおける措置＞…: only added, but it brings a cloud and its operators
    result = judge(published("004", 56, "重点項目", "III/education_method"), "重点項目")
    assert (result.important, result.reason_code) == (True, "important_item")


def test_ticked_measure_is_risk_reduced_and_unticked_is_important():
    added = judge(change("重点項目", "III/audit", ["自己点検"], ["自己点検", "外部監査"]), "重点項目")
    assert_deferred(added, "リスク軽減", "重点項目")
    removed = judge(change("重点項目", "III/audit", ["自己点検", "外部監査"], ["自己点検"]), "重点項目")
    assert (removed.important, removed.reason_code) == (True, "important_item")


def test_choice_moved_up_the_scale_is_risk_reduced():
    node = find("全項目", "III/file/acquire_r1_sufficient")
    result = judge(change("全項目", "III/file/acquire_r1_sufficient", node.options[1], node.options[0]), "全項目")
    assert_deferred(result, "リスク軽減")
    down = judge(change("全項目", "III/file/acquire_r1_sufficient", node.options[0], node.options[2]), "全項目")
    assert (down.important, down.reason_code) == (True, "important_item")


def test_measure_now_taken_is_risk_reduced():
    result = judge(change("全項目", "III/file/use_r2_auth", "行っていない", "行っている"), "全項目")
    assert_deferred(result, "リスク軽減")
    undone = judge(change("全項目", "III/file/use_r2_auth", "行っている", "行っていない"), "全項目")
    assert (undone.important, undone.needs_review) == (True, False)


def test_scope_narrowed_is_risk_reduced_001_7_reversed():
    row = ROWS[("001", 7)]
    item = change("全項目", "II/file/scope", cell(row["after"]), cell(row["before"]))
    assert_deferred(judge(item, "全項目"), "リスク軽減")


def test_entrust_stopped_is_risk_reduced_and_started_is_important():
    stopped = judge(change("全項目", "II/file/entrust_flag", "委託する", "委託しない"), "全項目")
    assert_deferred(stopped, "リスク軽減")
    started = judge(change("全項目", "II/file/entrust_flag", "委託しない", "委託する"), "全項目")
    assert (started.important, started.reason_code) == (True, "important_item")


@pytest.mark.parametrize("seed, row_no, form", [("004", 14, "重点項目"), ("001", 112, "全項目")])
def test_national_example_wording_is_proposed(seed, row_no, form):
    # ・ → ①②, 情報提供許可証 → 提供許可証, 特に慎重な対応が求められる情報 → 機微情報
    result = judge(published(seed, row_no, form, "III/file/network_r5_measure"), form)
    assert_deferred(result, "記載例", form)


def test_long_vowel_alone_is_a_typo_kind_correction_004_12_before_text():
    before = cell(ROWS[("004", 12)]["before"])
    item = change("重点項目", "II/file/storage_place", before, before.replace("中間サーバー", "中間サーバ"))
    result = judge(item, "重点項目")  # サーバー → サーバ: the same term written another way
    assert (result.important, result.reason_code, result.needs_review) == (False, "typo", False)


# ---- 1. しきい値 ----------------------------------------------------------------------------

def test_people_band_crossing_30man_on_juten_requires_zenkoumoku():
    result = judge(change("重点項目", "I/target_count", "10万人以上30万人未満", "30万人以上"), "重点項目")
    assert (result.important, result.reason_code, result.needs_review) == (True, "threshold", True)
    assert "全項目評価が必要" in result.review_reason
    assert result.required_timing == "事前"
    assert result.timing_reason == DEFAULT_WORDING["threshold"] + "（要確認）"
    assert result.procedure == ("新たな評価の実施", "住民等の意見聴取", "第三者点検", "委員会への提出", "公表")


def test_a_crossing_confirmed_important_keeps_the_hearing_of_a_full_assessment():
    item = change("重点項目", "I/target_count", "10万人以上30万人未満", "30万人以上")
    result = judge(item, "重点項目", decision="重要")
    assert (result.important, result.reason_code, result.manual) == (True, "threshold", True)
    assert result.procedure == ("新たな評価の実施", "住民等の意見聴取", "第三者点検", "委員会への提出", "公表")


def test_same_crossing_on_zenkoumoku_requires_nothing_more():
    result = judge(change("全項目", "I/target_count", "10万人以上30万人未満", "30万人以上"), "全項目")
    assert (result.important, result.reason_code) == (False, "other_item")


def test_people_band_going_down_is_no_threshold():
    result = judge(change("重点項目", "I/target_count", "30万人以上", "10万人以上30万人未満"), "重点項目")
    assert result.reason_code == "other_item"


def test_people_crossing_10man_on_kiso_depends_on_handlers():
    result = judge(change("基礎項目", "II/target_count", "1万人以上10万人未満", "10万人以上30万人未満"), "基礎項目")
    assert result.reason_code == "threshold"
    assert "重点項目評価" in result.review_reason and "500人以上" in result.review_reason
    assert result.procedure == ("新たな評価の実施", "委員会への提出", "公表")


def test_handlers_crossing_500_on_juten():
    result = judge(change("重点項目", "II/file/users_count", "100人以上500人未満", "500人以上1,000人未満"), "重点項目")
    assert (result.important, result.reason_code) == (True, "threshold")
    assert "10万人以上30万人未満の場合は全項目評価" in result.review_reason


def test_accident_on_kiso_is_threshold():
    result = judge(change("基礎項目", "II/accident", "発生なし", "発生あり"), "基礎項目")
    assert (result.important, result.reason_code, result.needs_review) == (True, "threshold", True)


def test_on_kiso_only_the_accident_question_reads_あり_as_an_accident():
    # 特記事項 「なし」 → a plan noted: not the 重大事故 question
    result = judge(change("基礎項目", "remarks", "なし", "令和8年度にシステム更改の予定あり"), "基礎項目")
    assert (result.important, result.reason_code) == (False, "other_item")


def test_accident_question_of_risk_section_is_no_threshold_004_5():
    # Ⅲ 7 asks about 個人情報 accidents in 3 years: not the しきい値 question
    result = judge(published("004", 5, "重点項目", "III/file/accident"), "重点項目")
    assert (result.important, result.reason_code) == (False, "other_item")


def test_band_lower_bounds():
    assert band_lower_bound("1,000人未満（任意実施）") == 0
    assert band_lower_bound("1,000人以上1万人未満") == 1_000
    assert band_lower_bound("10万人以上30万人未満") == 100_000
    assert band_lower_bound("30万人以上") == 300_000
    assert band_lower_bound("500人未満") == 0
    assert band_lower_bound(1200) == 1200
    assert band_lower_bound("不明") is None


# ---- a person's say, the configured wording, cosmetic changes ---------------------------------

def test_manual_decision_overrides_important_001_69():
    result = judge(published("001", 69, "全項目", "II/file/usage"), "全項目", decision="非重要（リスク軽減）")
    assert (result.important, result.reason_code, result.needs_review, result.manual) == (False, "risk_reduced", False, True)
    assert result.timing_reason == DEFAULT_WORDING["risk_reduced"]
    assert result.procedure == PROCEDURE_CORRECTION


def test_manual_decision_settles_a_review_001_23():
    result = judge(published("001", 23, "全項目", "III/file/acquire_r2_measure"), "全項目", decision="重要")
    assert (result.important, result.reason_code, result.needs_review, result.manual) == (True, "important_item", False, True)
    assert result.review_reason is None and REVIEW_MARK not in result.timing_reason
    assert result.procedure == PROCEDURE_ZENKOUMOKU


def test_manual_explanation_replaces_wording_004_14():
    item = published("004", 14, "重点項目", "III/file/network_r5_measure")
    result = judge(item, "重点項目", decision="非重要（記載例）", reason_text="国の記載例により記載変更")
    assert (result.reason_code, result.timing_reason, result.manual) == ("national_example", "国の記載例により記載変更", True)


def test_manual_decision_as_parsed_by_the_trailer_reader_001_14():
    from types import SimpleNamespace
    decided = SimpleNamespace(important=True, reason=None, reason_code=None)
    result = judge(published("001", 14, "全項目", "II/file/usage_match"), "全項目", decision=decided)
    assert (result.important, result.reason_code, result.manual) == (True, "important_item", True)


def test_unreadable_decision_is_an_error():
    assert parse_decision("非重要(誤字脱字)") == (False, "typo")
    assert parse_decision("重要") == (True, None)
    assert parse_decision("たぶん重要") is None
    with pytest.raises(PiaError):
        judge(published("001", 69, "全項目", "II/file/usage"), "全項目", decision="たぶん重要")


def test_wording_from_config_001_14(tmp_path):
    config = Config(root=tmp_path, wording={"typo": "誤字の訂正であり、重要な変更ではない。",
                                            "risk_reduced": "リスクを軽減する変更。"})
    typo = judge(published("001", 14, "全項目", "II/file/usage_match"), "全項目", config=config)
    assert typo.timing_reason == "誤字の訂正であり、重要な変更ではない。"
    # a judgement exemption's wording is printed once a person has settled it with 判定
    reduced = judge(published("001", 23, "全項目", "III/file/acquire_r2_measure"), "全項目", config=config,
                    decision="非重要（リスク軽減）")
    assert (reduced.important, reduced.timing_reason) == (False, "リスクを軽減する変更。")
    deferred = judge(published("001", 23, "全項目", "III/file/acquire_r2_measure"), "全項目", config=config)
    assert deferred.timing_reason == DEFAULT_WORDING["important_item"] + REVIEW_MARK


def test_cosmetic_change_is_not_classified_001_14():
    result = judge(published("001", 14, "全項目", "II/file/usage_match", cosmetic=True), "全項目")
    assert (result.important, result.reason_code, result.needs_review) == (None, None, False)


def test_unknown_form_is_refused():
    with pytest.raises(PiaError):
        ClassifyContext(form="様式9")


# ---- which deletions are whole list elements (リスク軽減 proposed for a narrowed scope) ------------

def _element(text: str, piece: str) -> bool:
    start = text.index(piece)
    return _whole_element(text, start, start + len(piece))


@pytest.mark.parametrize(("text", "piece", "whole"), [
    # an edge (、・/ 及び …) within four characters before the deletion or in its first four…
    ("・転出届の受理者、転入者", "転出届の受理者、", True),
    ("住民票の写し、転出証明書", "転出証明書", True),
    ("住民票の写し、転出届の証明書", "証明書", False),    # 、 five characters before: a qualifier
    ("本人確認情報写しの交付書、記録", "の交付書、記録", False),  # 、 as the deletion's fifth character only
    # …and within four characters after it, or in its last four
    ("本人確認住民票写、記録", "本人確認", False),  # 、 the fifth character after the deletion
    ("届出書類、記録簿照合作業の記録事務", "届出書類、記録簿照", False),  # 、 fifth from the end only
    # a parenthesis deleted whole, and only whole
    ("区域内の住民(外国人住民を含む)の情報", "(外国人住民を含む)", True),
    ("区域内の住民(外国人住民を含む)の情報", "(外国人", False),
])
def test_a_whole_list_element_has_an_edge_within_four_characters_on_each_side(text, piece, whole):
    assert _element(text, piece) is whole


# ---- what a proposed exemption tells the person who settles it, word for word -------------------

_TAKEN, _NARROWER = "リスクが明らかに軽減されたか確認してください。", "リスクが明らかに軽減されるか確認してください。"


@pytest.mark.parametrize(("item", "form", "review"), [
    (lambda: change("全項目", "III/file/acquire_r1_sufficient", "十分である", "特に力を入れている"), "全項目",
     "「十分である」から「特に力を入れている」への変更です。" + _TAKEN),
    (lambda: change("全項目", "III/file/use_r2_auth", "行っていない", "行っている"), "全項目",
     "「行っていない」から「行っている」への変更です。" + _TAKEN),
    (lambda: change("全項目", "II/file/entrust_flag", "委託する", "委託しない"), "全項目",
     "「委託する」から「委託しない」への変更です。取扱いの範囲が狭まり" + _NARROWER),
    (lambda: change("全項目", "II/file/scope", cell(ROWS[("001", 7)]["after"]), cell(ROWS[("001", 7)]["before"])), "全項目",
     "記載の削除のみで範囲が狭まっています。取扱いの範囲が縮小し" + _NARROWER),
    (lambda: change("重点項目", "III/audit", ["自己点検"], ["自己点検", "外部監査", "内部監査"]), "重点項目",
     "対策の追加（内部監査・外部監査）のみです。" + _NARROWER),
    (lambda: change("重点項目", "III/other_measures", "職員に研修を行う。", "職員に研修を行う。書類は施錠できる書庫に保管し、入退室を記録する。"),
     "重点項目", "対策の記載（入退室・施錠・記録）の追加のみです。" + _NARROWER),
    (lambda: change("重点項目", "III/file/acquire_other_risks", None, "申請書の記載内容は、受付の後に別の職員が改めて確かめる。"),
     "重点項目", "対策の記載の追加のみです。" + _NARROWER),
    (lambda: change("全項目", "III/file/use_r2_auth_method", "IDとパスワードによる認証を行う。",
                    "IDとパスワードによる二要素認証を実施し、操作を監視する。"),
     "全項目", "対策が強化されています（二要素・監視）。" + _NARROWER),
    (lambda: change("重点項目", "III/education_method", "研修を年2回実施する。", "研修を年4回実施する。"), "重点項目",
     "対策の回数・期間が増えています。" + _NARROWER),
    (lambda: published("004", 41, "重点項目", "I/mynumber_basis"), "重点項目",
     "番号法の別表から後継の命令等への根拠規定の書換え（法令改正）と推定しました。情報連携・利用事務の追加がないか確認してください。"),
    (lambda: published("001", 51, "全項目", "annex1"), "全項目",
     "組織名の変更と推定しました。組織改正による名称変更であれば pia-changes.toml の [organisation] renames に"
     "登録すると自動で判定されます。"),
    (lambda: change("重点項目", "I/mynumber_basis", "番号法第9条第1項 別表第一の68の項", "番号法第9条第1項 別表第一の69の項"), "重点項目",
     "条・項・号の番号だけが変わっています。法令改正による番号の移動か、利用事務の差替えかを確認してください。"),
    (lambda: published("004", 14, "重点項目", "III/file/network_r5_measure"), "重点項目",
     "国の記載例に合わせた記載の変更と推定しました（内容の追加なし）。記載例との一致を確認してください。"),
], ids=["choice_up", "measure_taken", "entrust_stopped", "scope_narrowed", "ticks_added", "measure_words_added",
        "measure_item_filled", "strengthened", "done_more", "law_table", "org_rename", "law_numbers", "national"])
def test_a_proposed_exemption_says_what_it_saw(item, form, review):
    result = judge(item(), form)
    assert (result.important, result.needs_review) == (True, True)
    assert result.review_reason.startswith(review + " "), result.review_reason


def test_a_list_marker_rewritten_with_its_spacing_is_a_typo_kind_correction():
    text = "中間サーバー・プラットフォームの運用に携わる職員に教育を実施している。"
    result = judge(change("重点項目", "III/education_method", "① " + text, "・" + text), "重点項目")
    assert (result.important, result.reason_code) == (False, "typo")


@pytest.mark.parametrize(("path", "before", "after"), [
    ("III/education_method", "研修を年2回実施する。", "点検を年4回実施する。"),   # a number up, but another measure
    ("III/other_measures", "操作ログを記録する。", "操作ログを記録し、暗号化はしない。"),  # a measure word, negated
])
def test_a_measure_changed_as_well_as_done_more_or_named_is_no_reduction(path, before, after):
    result = judge(change("重点項目", path, before, after), "重点項目")
    assert (result.important, result.reason_code, result.needs_review) == (True, "important_item", False)


# ---- organisation names: which swaps are a rename, which a person must confirm ------------------

@pytest.mark.parametrize(("path", "before", "after", "expected"), [
    # the same 課 renamed after a 、 keeps its stem: 組織改正, with confidence
    ("II/file/users_dept", "住民票担当、市民課", "住民票担当、市民窓口課", (False, "org_rename", False)),
    # a ministry inside a longer word (its terminal): proposed for a person to confirm
    ("II/file/users_dept", "法務省情報連携端末により照会する", "出入国在留管理庁情報連携端末により照会する",
     (True, "important_item", True)),
    # a 部 renamed and a 係 added: not one body renamed; a person confirms
    ("II/file/users_dept", "福祉部介護保険課", "健康福祉部介護保険課高齢係", (True, "important_item", True)),
    # an organisation replaced by a system is no 組織改正 at all
    ("II/file/users_dept", "介護保険課", "介護保険システム", (True, "important_item", False)),
    # another company with a department of the same name: a new contractor, not a rename
    ("II/file/entrust/contractor", "ABC株式会社情報システム部", "XYZ株式会社情報システム部", (False, "other_item", False)),
])
def test_which_organisation_swaps_are_a_rename(path, before, after, expected):
    result = judge(change("全項目", path, before, after), "全項目")
    assert (result.important, result.reason_code, result.needs_review) == expected


def test_an_organisation_for_a_person_is_no_rename():
    result = judge(change("全項目", "II/file/users_dept", "介護保険課", "介護保険担当者"), "全項目")
    assert (result.important, result.reason_code, result.needs_review) == (True, "important_item", False)


@pytest.mark.parametrize(("filler", "renamed"), [(71, True), (72, False)])
def test_a_rename_spans_at_most_eighty_characters_from_first_to_last_edit(filler, renamed):
    """ORG_STRETCH_MAX: the same 課 renamed at both ends of a text, 80 characters apart and 81."""
    middle = ("、住民票の写し等の交付事務を行う" * 5)[:filler]
    before, after = (f"{name}{middle}{name}" for name in ("介護保険課", "介護保険推進課"))
    result = judge(change("全項目", "II/file/users_dept", before, after), "全項目")
    assert (result.reason_code == "org_rename") is renamed


def test_final_long_vowels_dropped_in_four_words_are_a_typo_kind_correction():
    """More places than a typo's three, but the wording key drops a katakana word's final ー."""
    before = "サーバーとコンピューターのフォルダーをユーザーが使う。"
    result = judge(change("重点項目", "III/other_measures", before, "サーバとコンピュータのフォルダをユーザが使う。"), "重点項目")
    assert (result.important, result.reason_code) == (False, "typo")


# ---- a 記載例 part reworded: short words swapped or dropped, nothing added ------------------------

_NETWORK = ("Ⅲ リスク対策", "6. 情報提供ネットワークシステムとの接続")


@pytest.mark.parametrize(("length", "reworded"), [(30, True), (31, False)])
def test_a_rewording_replaces_at_most_thirty_characters_in_one_place(length, reworded):
    # characters the new text does not share, so that the alignment replaces them in one piece
    phrase = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥春夏秋冬東西南北天地"[:length]
    assert _national_rewording(_NETWORK, f"中間サーバーでは、{phrase}を行う。", "中間サーバーでは、山川を行う。") is reworded


def test_a_rewording_that_brings_a_negation_in_is_none():
    assert not _national_rewording(_NETWORK, "中間サーバーでは、照合を必ず行う。", "中間サーバーでは、照合を行わない。")


@pytest.mark.parametrize(("after", "personnel"), [
    ("介護保険課長 山田太郎", True),
    ("介護保険課長 アレクサンドラミハイロワ", True),    # a name of twelve characters
    ("介護保険課長 アレクサンドラ・ミハイロワ", False),  # thirteen: more than a name
    ("介護保険課長 第2係長", False),                      # a number: no person's name
    ("山田太郎", False),                                  # the title gone
])
def test_personnel_is_one_named_person_for_another_under_the_same_title(after, personnel):
    result = judge(change("重点項目", "I/dept_head", "介護保険課長 藤波康彰", after), "重点項目")
    assert (result.reason_code == "personnel") is personnel
