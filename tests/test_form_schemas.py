"""The 全項目評価書 (様式4) and 重点項目評価書 (様式3) form schemas: zenkoumoku.yaml, juten.yaml.

Checked against domain.md (※, しきい値) and against the heading lines of the published seeds 000
(長野市, 全項目) and 004 (川口市, 重点項目): every heading printed there must name a schema node.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from pia_changes.forms import Form, Node, load_form
from tests.helpers.documents import loaded
from tests.helpers.paths import DATA

SEED_ZENKOUMOKU = DATA / "000_927f6452a1ee0b1f.txt"
SEED_JUTEN = DATA / "004_a91eed273516a844.txt"

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
NUMBERED = re.compile(r"^(\d+)\. ")
# printed numbering in front of a label: Ⅰ , 1. , ①, リスク1：, （別添1）
PREFIX = re.compile(rf"^(?:[ⅠⅡⅢⅣⅤⅥ] |\d+\. |[{CIRCLED}]|リスク\d*：|（別添\d）\s*)")
NOTE = re.compile(r"\s*【[^】]*】")


@pytest.fixture(scope="module", params=["全項目", "重点項目"])
def form(request) -> Form:
    return load_form(request.param)


@pytest.fixture(scope="module")
def zen() -> Form:
    return load_form("全項目")


@pytest.fixture(scope="module")
def juten() -> Form:
    return load_form("重点項目")


def item_ids(form: Form) -> dict[str, Node]:
    """Item id (group entries written `name[]`) → node, for every leaf and group of the form."""
    out: dict[str, Node] = {}
    for node in form.all_nodes():
        if node.type == "section":
            continue
        chain = node.ancestors()
        parts = [chain[0].id] if chain else []
        parts += [f"{a.id}[]" for a in chain[1:] if a.is_group]
        item_id = "/".join(parts + [node.id])
        assert item_id not in out, f"{form.form}: {item_id} twice"
        out[item_id] = node
    return out


def leaves(form: Form) -> list[Node]:
    return [n for n in form.all_nodes() if n.is_leaf]


def label_path(node: Node) -> str:
    return " > ".join([a.label for a in node.ancestors()] + [node.label])


# ---------------------------------------------------------------- header and outline

def test_headers():
    zen, juten = load_form("全項目"), load_form("重点項目")
    assert (zen.form, zen.title, zen.yoshiki, zen.version) == ("全項目", "全項目評価書", "様式4", "令和6年10月")
    assert (juten.form, juten.title, juten.yoshiki, juten.version) == ("重点項目", "重点項目評価書", "様式3", "令和6年10月")
    assert load_form("全項目") is zen  # cached
    assert "000" in zen.notes and "001" in zen.notes and "004" in juten.notes


def test_top_level_in_printed_order(zen, juten):
    assert [(n.id, n.label) for n in zen.nodes] == [
        ("cover", "表紙"),
        ("I", "Ⅰ 基本情報"),
        ("annex1", "（別添1） 事務の内容"),
        ("II", "Ⅱ 特定個人情報ファイルの概要"),
        ("records", "（別添2） 特定個人情報ファイル記録項目"),
        ("III", "Ⅲ 特定個人情報ファイルの取扱いプロセスにおけるリスク対策"),
        ("IV", "Ⅳ その他のリスク対策"),
        ("V", "Ⅴ 開示請求、問合せ"),
        ("VI", "Ⅵ 評価実施手続"),
    ]
    assert [(n.id, n.label) for n in juten.nodes] == [
        ("cover", "表紙"),
        ("I", "Ⅰ 基本情報"),
        ("II", "Ⅱ 特定個人情報ファイルの概要"),
        ("records", "（別添1） 特定個人情報ファイル記録項目"),
        ("III", "Ⅲ リスク対策"),
        ("IV", "Ⅳ 開示請求、問合せ"),
        ("V", "Ⅴ 評価実施手続"),
    ]
    assert zen.top("事務の内容").type == "text"


def test_cover(zen, juten):
    assert [c.key for c in zen.top("表紙").children] == [
        "評価書番号", "評価書名", "個人のプライバシー等の権利利益の保護の宣言", "特記事項", "評価実施機関名",
        "個人情報保護委員会承認日", "公表日"]
    # 承認 concerns 全項目 of 行政機関等 only; 004 prints no 承認日
    assert [c.key for c in juten.top("表紙").children] == [
        "評価書番号", "評価書名", "個人のプライバシー等の権利利益の保護の宣言", "特記事項", "評価実施機関名", "公表日"]
    for form in (zen, juten):
        cover = form.top("表紙")
        assert "宣言" in cover.child_by_id("declaration").aliases
        assert cover.child_by_key("公表日").type == "date"
        assert cover.child_by_key("特記事項").required is False
    approved = zen.top("表紙").child_by_id("approved")
    assert (approved.type, approved.required) == ("date", False)


def test_no_change_table_in_schema(form):
    assert not any("変更箇所" in n.key or "変更箇所" in n.label for n in form.all_nodes())


def test_leaf_counts(zen, juten):
    """The whole printed form. 様式3 is a much shorter form than 様式4 (one risk per area, no 別添1
    事務の内容, no Ⅳ): about 125 items against about 225."""
    n_zen, n_juten = len(leaves(zen)), len(leaves(juten))
    print(f"\nleaf items: 全項目 {n_zen} (※ {zen.star_count()}), 重点項目 {n_juten} (※ {juten.star_count()})")
    assert n_zen > 150
    assert n_juten > 100
    assert n_zen > n_juten


# ---------------------------------------------------------------- groups and item ids

GROUPS = {  # item id of the group → (entry label, identity key)
    "I/system": ("システム{n}", "システムの名称"),
    "II/file": ("（{n}）{name}", "特定個人情報ファイル名"),
    "II/file[]/entrust": ("委託事項{n}", "委託事項名"),
    "II/file[]/provide": ("提供先{n}", "提供先名"),
    "II/file[]/transfer": ("移転先{n}", "移転先名"),
    "records/file": ("（{n}）{name}", "特定個人情報ファイル名"),
    "III/file": ("（{n}）{name}", "特定個人情報ファイル名"),
}


def test_groups(form):
    ids = item_ids(form)
    groups = {i: n for i, n in ids.items() if n.is_group}
    assert set(groups) == set(GROUPS)
    for item_id, group in groups.items():
        entry_label, identity_key = GROUPS[item_id]
        ident = group.identity_node()
        assert (group.entry_label, ident.key, ident.type) == (entry_label, identity_key, "text"), item_id
        assert ident.required, item_id
        # the name comes first in an entry, as printed (システム1 → ①システムの名称)
        assert [n for n in group.children if n.is_leaf][0] is ident, item_id
    assert groups["I/system"].format_entry(2, "宛名システム") == "システム2"
    assert groups["II/file"].format_entry(1, "住民基本台帳ファイル") == "（1）住民基本台帳ファイル"


SHARED_ITEMS = {  # item id → (key, type), the same on both forms
    "I/jimu_name": ("事務の名称", "text"),
    "I/jimu_content": ("事務の内容", "text"),
    "I/target_count": ("対象人数", "choice"),
    "I/system[]/name": ("システムの名称", "text"),
    "I/system[]/function": ("システムの機能", "text"),
    "I/system[]/connections": ("他のシステムとの接続", "checkbox"),
    "I/file_names": ("特定個人情報ファイル名", "text"),
    "I/mynumber_basis": ("法令上の根拠", "text"),
    "I/network_flag": ("実施の有無", "choice"),
    "I/network_basis": ("法令上の根拠", "text"),
    "I/dept": ("部署", "text"),
    "I/dept_head": ("所属長の役職名", "text"),
    "I/other_bodies": ("他の評価実施機関", "text"),
    "II/file[]/file_name": ("特定個人情報ファイル名", "text"),
    "II/file[]/kind": ("ファイルの種類", "choice"),
    "II/file[]/people_count": ("対象となる本人の数", "choice"),
    "II/file[]/scope": ("対象となる本人の範囲", "text"),
    "II/file[]/item_count": ("記録される項目", "choice"),
    "II/file[]/main_items": ("主な記録項目", "checkbox"),
    "II/file[]/start_date": ("保有開始日", "date"),
    "II/file[]/source": ("入手元", "checkbox"),
    "II/file[]/acquire_method": ("入手方法", "checkbox"),
    "II/file[]/purpose": ("使用目的", "text"),
    "II/file[]/users_dept": ("使用部署", "text"),
    "II/file[]/users_count": ("使用者数", "choice"),
    "II/file[]/usage": ("使用方法", "text"),
    "II/file[]/usage_match": ("情報の突合", "text"),
    "II/file[]/use_start": ("使用開始日", "date"),
    "II/file[]/entrust_flag": ("委託の有無", "choice"),
    "II/file[]/entrust_count": ("委託件数", "count"),
    "II/file[]/entrust[]/name": ("委託事項名", "text"),
    "II/file[]/entrust[]/content": ("委託内容", "text"),
    "II/file[]/entrust[]/handlers": ("委託先における取扱者数", "choice"),
    "II/file[]/entrust[]/contractor": ("委託先名", "text"),
    "II/file[]/entrust[]/reentrust_flag": ("再委託の有無", "choice"),
    "II/file[]/entrust[]/reentrust_permission": ("再委託の許諾方法", "text"),
    "II/file[]/entrust[]/reentrust_items": ("再委託事項", "text"),
    "II/file[]/provide_flag": ("提供・移転の有無", "checkbox"),
    "II/file[]/provide_count": ("提供件数", "count"),
    "II/file[]/transfer_count": ("移転件数", "count"),
    "II/file[]/provide[]/name": ("提供先名", "text"),
    "II/file[]/provide[]/basis": ("法令上の根拠", "text"),
    "II/file[]/provide[]/people_count": ("提供する情報の対象となる本人の数", "choice"),
    "II/file[]/provide[]/method": ("提供方法", "checkbox"),
    "II/file[]/transfer[]/name": ("移転先名", "text"),
    "II/file[]/transfer[]/method": ("移転方法", "checkbox"),
    "II/file[]/besshi": ("別紙", "text"),
    "II/file[]/storage_place": ("保管場所", "text"),
    "II/file[]/remarks": ("備考", "text"),
    "records/file[]/items": ("記録項目", "text"),
    "III/file[]/file_name": ("特定個人情報ファイル名", "text"),
    "III/file[]/acquire_r1_sufficient": ("リスクへの対策は十分か", "choice"),
    "III/file[]/use_r2_auth": ("ユーザ認証の管理", "choice"),
    "III/file[]/use_r2_auth_method": ("具体的な管理方法", "text"),
    "III/file[]/entrust_none": ("委託しない", "checkbox"),
    "III/file[]/entrust_contract": ("委託契約書中の特定個人情報ファイルの取扱いに関する規定", "choice"),
    "III/file[]/provide_none": ("提供・移転しない", "checkbox"),
    "III/file[]/provide_r1_rule": ("特定個人情報の提供・移転に関するルール", "choice"),
    "III/file[]/network_none": ("接続しない", "checkbox"),
    "III/file[]/network_r1_measure": ("リスクに対する措置の内容", "text"),
    "III/file[]/network_r5_measure": ("リスクに対する措置の内容", "text"),
    "III/file[]/storage_incident_procedure": ("事故発生時手順の策定・周知", "choice"),
    "III/file[]/accident": ("過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか", "choice"),
    "III/file[]/storage_r1_sufficient": ("リスクへの対策は十分か", "choice"),
}
ZEN_ONLY = {
    "annex1": ("事務の内容", "text"),
    "I/reason_need": ("事務実施上の必要性", "text"),
    "II/file[]/scope_need": ("その必要性", "text"),
    "II/file[]/acquire_timing": ("入手の時期・頻度", "text"),
    "II/file[]/purpose_change": ("変更の妥当性", "text"),
    "II/file[]/usage_stats": ("情報の統計分析", "text"),
    "II/file[]/usage_decision": ("権利利益に影響を与え得る決定", "text"),
    "II/file[]/entrust[]/scope": ("対象となる本人の範囲", "text"),
    "II/file[]/entrust[]/provide_method": ("委託先への特定個人情報ファイルの提供方法", "checkbox"),
    "II/file[]/retention": ("期間", "choice"),
    "II/file[]/erase": ("消去方法", "text"),
    "III/file[]/network_r7_sufficient": ("リスクへの対策は十分か", "choice"),
    "III/file[]/storage_nisc": ("NISC政府機関統一基準群", "choice"),
    "IV/self_check": ("自己点検", "choice"),
    "IV/audit_status": ("監査", "choice"),
    "IV/education": ("従業者に対する教育・啓発", "choice"),
    "IV/other_measures": ("その他のリスク対策", "text"),
    "V/request_to": ("請求先", "text"),
    "V/fee": ("手数料等", "choice"),
    "VI/kiso_date": ("実施日", "date"),
    "VI/threshold_result": ("しきい値判断結果", "choice"),
    "VI/opinion_shortened": ("期間を短縮する特段の理由", "text"),
    "VI/review_result": ("結果", "text"),
    "VI/approval_submitted": ("提出日", "text"),
}
JUTEN_ONLY = {
    "III/audit": ("実施の有無", "checkbox"),
    "III/education": ("従業者に対する教育・啓発", "choice"),
    "III/education_method": ("具体的な方法", "text"),
    "III/other_measures": ("その他のリスク対策", "text"),
    "IV/request_to": ("請求先", "text"),
    "IV/special_procedure": ("法令による特別の手続", "text"),
    "V/kiso_date": ("実施日", "date"),
    "V/threshold_result": ("しきい値判断結果", "choice"),
    "V/opinion_main": ("主な意見の内容", "text"),
}


@pytest.mark.parametrize("name, expected", [
    ("全項目", SHARED_ITEMS | ZEN_ONLY), ("重点項目", SHARED_ITEMS | JUTEN_ONLY)])
def test_item_ids(name, expected):
    ids = item_ids(load_form(name))
    found = {i: (ids[i].key, ids[i].type) for i in expected if i in ids}
    assert found == expected


def test_form_specific_items_are_absent(zen, juten):
    zen_ids, juten_ids = item_ids(zen), item_ids(juten)
    assert not set(JUTEN_ONLY) & set(zen_ids)
    assert not set(ZEN_ONLY) & set(juten_ids)


def test_label_paths(zen, juten):
    z, j = item_ids(zen), item_ids(juten)
    assert label_path(z["I/system[]/name"]) == \
        "Ⅰ 基本情報 > 2. 特定個人情報ファイルを取り扱う事務において使用するシステム > システム > ①システムの名称"
    assert label_path(z["II/file[]/users_dept"]) == \
        "Ⅱ 特定個人情報ファイルの概要 > 特定個人情報ファイル > 3. 特定個人情報の入手・使用 > ⑦使用の主体 > 使用部署"
    assert label_path(z["II/file[]/entrust[]/reentrust_flag"]).endswith("委託事項 > 再委託 > ⑦再委託の有無")
    assert label_path(j["II/file[]/entrust[]/reentrust_flag"]).endswith("委託事項 > ④再委託の有無")
    assert label_path(z["III/file[]/storage_physical_detail"]).endswith(
        "7. 特定個人情報の保管・消去 > リスク1：特定個人情報の漏えい・滅失・毀損リスク > ⑤物理的対策 > 具体的な対策の内容")
    assert label_path(z["IV/audit_content"]) == "Ⅳ その他のリスク対策 > 1. 監査 > ②監査 > 具体的な内容"
    assert label_path(j["V/kiso_date"]) == "Ⅴ 評価実施手続 > 1. 基礎項目評価 > ①実施日"


# ---------------------------------------------------------------- ※ and しきい値

STAR_SPOT_CHECKS = [  # (form, item id, ※) — domain.md's table
    ("全項目", "I/jimu_name", False),
    ("全項目", "I/jimu_content", True),
    ("全項目", "annex1", True),
    ("全項目", "I/target_count", False),
    ("全項目", "I/system[]/name", False),
    ("全項目", "I/mynumber_basis", True),
    ("全項目", "I/network_basis", True),
    ("全項目", "I/dept", False),
    ("全項目", "II/file[]/kind", True),
    ("全項目", "II/file[]/people_count", False),
    ("全項目", "II/file[]/main_items", True),
    ("全項目", "II/file[]/acquire_method", False),
    ("全項目", "II/file[]/users_dept", True),
    ("全項目", "II/file[]/users_count", False),
    ("全項目", "II/file[]/usage_decision", True),
    ("全項目", "II/file[]/entrust_flag", True),
    ("全項目", "II/file[]/entrust[]/scope", True),
    ("全項目", "II/file[]/entrust[]/content", False),
    ("全項目", "II/file[]/entrust[]/contractor", False),
    ("全項目", "II/file[]/entrust[]/reentrust_flag", True),
    ("全項目", "II/file[]/provide_flag", False),
    ("全項目", "II/file[]/provide[]/basis", False),
    ("全項目", "II/file[]/storage_place", True),
    ("全項目", "II/file[]/retention", False),
    ("全項目", "II/file[]/erase", False),
    ("全項目", "III/file[]/acquire_r1_sufficient", True),
    ("全項目", "III/file[]/storage_technical_detail", True),
    ("全項目", "III/file[]/accident", False),
    ("全項目", "III/file[]/accident_prevention", False),
    ("全項目", "III/file[]/storage_deceased", True),
    ("全項目", "IV/self_check", True),
    ("全項目", "IV/education_method", True),
    ("全項目", "V/request_to", False),
    ("全項目", "VI/threshold_result", False),
    ("重点項目", "I/jimu_content", True),
    ("重点項目", "I/target_count", False),
    ("重点項目", "I/network_flag", True),
    ("重点項目", "II/file[]/scope", True),
    ("重点項目", "II/file[]/source", True),
    ("重点項目", "II/file[]/purpose", True),
    ("重点項目", "II/file[]/users_dept", False),
    ("重点項目", "II/file[]/usage", False),
    ("重点項目", "II/file[]/usage_match", False),
    ("重点項目", "II/file[]/entrust_flag", True),
    ("重点項目", "II/file[]/entrust[]/contractor", False),
    ("重点項目", "II/file[]/entrust[]/reentrust_flag", True),
    ("重点項目", "II/file[]/storage_place", True),
    ("重点項目", "III/file[]/use_r2_auth_method", True),
    ("重点項目", "III/file[]/accident", False),
    ("重点項目", "III/file[]/accident_detail", False),
    ("重点項目", "III/audit", True),
    ("重点項目", "III/education", True),
    ("重点項目", "IV/contact", False),
    ("重点項目", "V/kiso_date", False),
]


@pytest.mark.parametrize("name, item_id, star", STAR_SPOT_CHECKS)
def test_star_spot_checks(name, item_id, star):
    assert item_ids(load_form(name))[item_id].star is star


# every ※ item outside Ⅲ/Ⅳ, exactly (domain.md's table)
STARRED_OUTSIDE_RISK = {
    "全項目": {
        "I/jimu_content", "annex1", "I/mynumber_basis", "I/network_flag", "I/network_basis",
        "II/file[]/kind", "II/file[]/scope", "II/file[]/main_items", "II/file[]/source", "II/file[]/purpose",
        "II/file[]/users_dept", "II/file[]/usage", "II/file[]/usage_match", "II/file[]/usage_stats",
        "II/file[]/usage_decision", "II/file[]/entrust_flag", "II/file[]/entrust_count",
        "II/file[]/entrust[]/scope", "II/file[]/entrust[]/reentrust_flag", "II/file[]/storage_place"},
    "重点項目": {
        "I/jimu_content", "I/mynumber_basis", "I/network_flag", "I/network_basis",
        "II/file[]/kind", "II/file[]/scope", "II/file[]/main_items", "II/file[]/source", "II/file[]/purpose",
        "II/file[]/entrust_flag", "II/file[]/entrust_count", "II/file[]/entrust[]/reentrust_flag",
        "II/file[]/storage_place"},
}
RISK_TOPS = {"全項目": ("III", "IV"), "重点項目": ("III",)}


def test_star_outside_risk_measures_exactly(form):
    starred = {i for i, n in item_ids(form).items() if n.is_leaf and n.star and not i.startswith(RISK_TOPS[form.form])}
    assert starred == STARRED_OUTSIDE_RISK[form.form]


def test_risk_measures_are_starred_except_the_accident_question(form):
    """Ⅲ (and Ⅳ on 全項目) is ※ as a whole, through the file group, except the 重大事故 question
    (全項目 7.リスク1⑨, 重点項目 7.②) with its sub-rows."""
    not_starred = {i for i, n in item_ids(form).items()
                   if n.is_leaf and i.startswith(RISK_TOPS[form.form]) and not n.star}
    assert not_starred == {"III/file[]/accident", "III/file[]/accident_detail", "III/file[]/accident_prevention"}
    accident = item_ids(form)["III/file[]/accident"]
    assert accident.options == ("発生あり", "発生なし") and accident.threshold is None
    assert accident.parent.label[0] == ("⑨" if form.form == "全項目" else "②")


def test_star_counts(zen, juten):
    assert zen.star_count() == 128
    assert juten.star_count() == 52


PEOPLE_I = ("1,000人未満", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満", "30万人以上")
PEOPLE_II = ("1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満", "1,000万人以上")
HANDLERS = ("10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満", "500人以上1,000人未満",
            "1,000人以上")


def test_threshold_items(form):
    marked = {i: n for i, n in item_ids(form).items() if n.threshold}
    assert {i: n.threshold for i, n in marked.items()} == {
        "I/target_count": "people", "II/file[]/people_count": "people", "II/file[]/users_count": "handlers"}
    assert marked["I/target_count"].options == PEOPLE_I
    assert marked["II/file[]/people_count"].options == PEOPLE_II
    assert marked["II/file[]/users_count"].options == HANDLERS
    assert all(n.type == "choice" and not n.star for n in marked.values())
    # the 委託先's 取扱者数 is not the evaluating body's: no しきい値
    handlers = item_ids(form)["II/file[]/entrust[]/handlers"]
    assert handlers.options == HANDLERS and handlers.threshold is None


# ---------------------------------------------------------------- types, options, labels

def test_choice_and_checkbox_options(form):
    for node in leaves(form):
        if node.type in ("choice", "checkbox"):
            assert len(node.options) >= 1, label_path(node)
            assert len(set(node.options)) == len(node.options), label_path(node)
            assert set(node.open_options) <= set(node.options), label_path(node)
            for option in node.options:  # printed without their numbers
                assert not re.match(r"^\d+\)", option) and not option.startswith(("[", "＜")), option
        else:
            assert not node.options and not node.open_options, label_path(node)
    ids = item_ids(form)
    assert ids["I/system[]/connections"].open_options == ("その他",)
    assert ids["II/file[]/source"].open_options[-1] == "その他"
    assert ids["II/file[]/provide_flag"].options == ("提供を行っている", "移転を行っている", "行っていない")
    assert ids["II/file[]/entrust_flag"].options == ("委託する", "委託しない")
    assert ids["III/file[]/acquire_r1_sufficient"].options == ("特に力を入れている", "十分である", "課題が残されている")
    assert len(ids["II/file[]/main_items"].options) == 19


def test_every_sufficient_question_has_the_three_options(form):
    sufficient = [n for n in leaves(form) if n.key == "リスクへの対策は十分か"]
    assert len(sufficient) == (22 if form.form == "全項目" else 8)
    assert {n.options for n in sufficient} == {("特に力を入れている", "十分である", "課題が残されている")}
    assert len({n.id for n in sufficient}) == len(sufficient)


def test_dates_and_counts(form):
    ids = item_ids(form)
    dates = {i for i, n in ids.items() if n.type == "date"}
    counts = {i for i, n in ids.items() if n.type == "count"}
    procedure = "VI" if form.form == "全項目" else "V"
    expected = {"cover/published", "II/file[]/start_date", "II/file[]/use_start", f"{procedure}/kiso_date"}
    if form.form == "全項目":
        expected.add("cover/approved")
        # 000 prints 「令和7年7月予定」 and 「—」 there: text, or the validator refuses the document
        assert ids["VI/review_date"].type == ids["VI/approval_submitted"].type == "text"
    assert dates == expected
    assert counts == {"II/file[]/entrust_count", "II/file[]/provide_count", "II/file[]/transfer_count"}


def _strip_numbering(label: str) -> str:
    return NOTE.sub("", PREFIX.sub("", label)).strip()


KEY_NOT_FROM_LABEL = {"approved"}  # 個人情報保護委員会 承認日 【行政機関等のみ】 → 個人情報保護委員会承認日


def test_key_is_label_without_numbering(form):
    for node in form.all_nodes():
        if node.id in KEY_NOT_FROM_LABEL:
            continue
        assert _strip_numbering(node.label) == node.key, label_path(node)


def _numbered_children(node: Node) -> list[Node]:
    """The children of NODE in printed order, a group's own children taking its place."""
    out: list[Node] = []
    for child in node.children:
        out.extend(_numbered_children(child) if child.is_group else [child])
    return out


def test_section_numbering_is_consecutive(form):
    """1. 2. 3. … among siblings (a group's children continue the count: 重点項目 Ⅲ 1.–7. per file,
    then 8.–10.)."""
    for node in form.all_nodes():
        if node.is_leaf:
            continue
        numbers = [int(m.group(1)) for c in _numbered_children(node) if (m := NUMBERED.match(c.label))]
        assert numbers == list(range(1, len(numbers) + 1)), (form.form, node.label, numbers)


def test_circled_numbering_is_consecutive(form):
    """①②③… within each numbered section and each group entry, in printed order; a choice inside the
    section of the same printed row (⑤物理的対策 > ⑤物理的対策) repeats its number."""
    def scope(node: Node) -> Node:
        current = node.parent
        while not (current.is_group or NUMBERED.match(current.label) or current.parent is None):
            current = current.parent
        return current

    sequences: dict[int, tuple[Node, list[str]]] = {}
    for node in form.all_nodes():
        if node.label[0] not in CIRCLED or node.parent is None:
            continue
        if node.parent.label == node.label:
            continue
        owner = scope(node)
        sequences.setdefault(id(owner), (owner, []))[1].append(node.label[0])
    assert sequences
    for owner, circled in sequences.values():
        assert circled == list(CIRCLED[: len(circled)]), (form.form, owner.label, circled)


def test_required_defaults(form):
    ids = item_ids(form)
    optional = {i for i, n in ids.items() if n.is_leaf and not n.required}
    assert {"cover/remarks", "II/file[]/remarks", "II/file[]/besshi", "III/file[]/entrust_none",
            "III/file[]/accident_detail", "II/file[]/entrust[]/reentrust_items"} <= optional
    # most items are required
    assert len(optional) < len(leaves(form)) / 4
    for required in ("I/jimu_name", "I/target_count", "II/file[]/file_name", "II/file[]/storage_place",
                     "III/file[]/acquire_r1_sufficient"):
        assert ids[required].required, required


# ---------------------------------------------------------------- the schema works with document.py

def _sample(node: Node) -> object:
    if node.type == "section":
        return {c.key: _sample(c) for c in node.children}
    if node.is_group:
        return [{c.key: _sample(c) for c in node.children}]
    return {"text": "記載", "choice": node.options[-1] if node.options else None,
            "checkbox": list(node.options[:1]), "count": 2, "date": "令和7年4月1日"}[node.type]


def test_a_document_filled_from_the_schema_validates(form):
    data = {"様式": form.form, "様式版": f"{form.version} {form.yoshiki}"}
    data |= {n.key: _sample(n) for n in form.nodes}
    doc = loaded(data, "sample.yaml")
    assert doc.warnings == []
    assert doc.form is form


def test_half_width_printed_values_match_options(zen):
    """The publishing systems print half-width parentheses; options are written as on the form."""
    data = {"様式": "全項目"} | {n.key: _sample(n) for n in zen.nodes}
    data["特定個人情報ファイルの概要"]["特定個人情報ファイル"][0]["基本情報"]["主な記録項目"] = [
        "4情報(氏名、性別、生年月日、住所)", "その他(口座情報)"]
    doc = loaded(data, "sample.yaml")
    assert doc.warnings == []


# ---------------------------------------------------------------- coverage of the seeds' headings

# Unnumbered headings printed on 様式3/様式4 (independent of the schema files).
KNOWN_HEADINGS = """
評価書番号 評価書名 個人のプライバシー等の権利利益の保護の宣言 特記事項 評価実施機関名 公表日
個人情報保護委員会承認日 法令上の根拠 その必要性 主な記録項目 その妥当性 全ての記録項目 変更の妥当性 使用部署
使用者数 情報の突合 情報の統計分析 権利利益に影響を与え得る決定 権利利益に影響を与える得る決定 委託の有無
対象となる本人の数 対象となる本人の範囲 再委託 提供・移転の有無 期間 保管場所
対象者以外の情報の入手を防止するための措置の内容 必要な情報以外を入手することを防止するための措置の内容
その他の措置の内容 リスクへの対策は十分か リスクに対する措置の内容 入手の際の本人確認の措置の内容
個人番号の真正性確認の措置の内容 特定個人情報の正確性確保の措置の内容 宛名システム等における措置の内容
事務で使用するその他のシステムにおける措置の内容 ユーザ認証の管理 具体的な管理方法 アクセス権限の発効・失効の管理
アクセス権限の管理 特定個人情報の使用の記録 具体的な方法 情報保護管理体制の確認
委託先による特定個人情報の不正入手・不正な使用に関するリスク 委託先による特定個人情報の不正な提供に関するリスク
委託先による特定個人情報の保管・消去に関するリスク 委託契約終了後の不正な使用等のリスク 再委託に関するリスク
特定個人情報ファイルの閲覧者・更新者の制限 具体的な制限方法 特定個人情報ファイルの取扱いの記録
特定個人情報の提供ルール 委託先から他者への提供に関するルールの内容及びルール遵守の確認方法
委託元と委託先間の提供に関するルールの内容及びルール遵守の確認方法 特定個人情報の消去ルール
ルールの内容及びルール遵守の確認方法 委託契約書中の特定個人情報ファイルの取扱いに関する規定 規定の内容
再委託先による特定個人情報ファイルの適切な取扱いの確保 再委託先による特定個人情報ファイルの適切な取扱いの担保
特定個人情報の提供・移転の記録 特定個人情報の提供・移転に関するルール 具体的な対策の内容 その内容
再発防止策の内容 具体的な保管方法 消去手順 手順の内容 実施の有無 従業者に対する教育・啓発 具体的なチェック方法
具体的な内容 個人情報ファイル名 公表場所
特定個人情報の入手(情報提供ネットワークシステムを通じた入手を除く。)におけるその他のリスク及びそのリスクに対する措置
特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置
特定個人情報ファイルの取扱いの委託におけるその他のリスク及びそのリスクに対する措置
特定個人情報の提供・移転(委託や情報提供ネットワークシステムを通じた提供を除く。)におけるその他のリスク及びそのリスクに対する措置
情報提供ネットワークシステムとの接続に伴うその他のリスク及びそのリスクに対する措置
特定個人情報の保管・消去におけるその他のリスク及びそのリスクに対する措置
""".split()

ROMAN_LINE = re.compile(r"^(?:III|II|IV|VI|I|V|Ⅰ|Ⅱ|Ⅲ|Ⅳ|Ⅴ|Ⅵ)[\s\u3000]")
RISK_LINE = re.compile(r"^リスク\d*[:：]")
ENTRY_LINE = re.compile(r"^(システム|委託事項|提供先|移転先)(\d+)$")
ANNEX_LINE = re.compile(r"^[(（](別添|別紙)")
TAG = re.compile(r"<[^>]*>")


def _norm(text: str) -> str:
    """NFKC; ※ and what it qualifies (※(7. ②を除く。)), 【…】 notes and all whitespace removed."""
    text = unicodedata.normalize("NFKC", TAG.sub("", text))
    text = re.sub(r"【[^】]*】", "", text)
    text = re.sub(r"[※*]\s*(\([^)]*\))?", "", text)
    return re.sub(r"\s+", "", text)


def seed_headings(path: Path) -> list[tuple[int, str, str]]:
    """(line, kind, heading) for every heading line of a seed: the first cell of a line that is a
    circled-number label (②事務の内容), a numbered heading (3. 特定個人情報の入手・使用), a Roman one,
    a リスクN： heading, a repeat entry (システム2, 委託事項1) or a known unnumbered heading (使用部署).
    (別添)/(別紙) parts (content, not headings) and the 変更箇所 table are skipped."""
    known = {_norm(h) for h in KNOWN_HEADINGS}
    out: list[tuple[int, str, str]] = []
    skipping = False
    text = path.read_bytes().decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        cells = [TAG.sub("", c).strip() for c in line.split("\t")]
        cells = [c for c in cells if c]
        if not cells:
            continue
        first = cells[0]  # not NFKC here: NFKC turns ② into 2
        if ANNEX_LINE.match(first):
            skipping = True
            continue
        if ROMAN_LINE.match(first):
            skipping = False
        if skipping:
            continue
        # a heading row may carry its check boxes or choices: 6. …との接続 [○] 接続しない(入手)
        head = re.split(r"\[|〔|[<＜]選択肢[>＞]", first)[0].strip()
        if not head:
            continue
        key = _norm(head)
        # value lines that start like headings (1. 本人確認情報の更新 :…, ①中間サーバー…。) are not
        short = len(key) <= 60 and "。" not in key.replace("。)", ")") and ":" not in key
        if head[0] in CIRCLED and short:
            kind = "circled"
        elif RISK_LINE.match(head):
            kind = "risk"
        elif ROMAN_LINE.match(head):
            kind = "roman"
        elif NUMBERED.match(head) and short:
            kind = "numbered"
        elif ENTRY_LINE.match(key):
            kind = "entry"
        elif key in known:
            kind = "known"
        else:
            continue
        out.append((number, kind, head))
    return out


def maps_to_schema(form: Form, kind: str, heading: str) -> bool:
    """Numbered headings must match a label or alias with their number; unnumbered ones may match a
    key too; a repeat entry must match a group's entry label."""
    key = _norm(heading)
    if kind == "entry":
        name = ENTRY_LINE.match(key).group(1)
        return any(n.is_group and n.entry_label == name + "{n}" for n in form.all_nodes())
    for node in form.all_nodes():
        names = [node.label, *node.aliases] + ([node.key] if kind == "known" else [])
        if key in {_norm(n) for n in names}:
            return True
    return False


@pytest.mark.parametrize("name, seed, minimum", [
    ("全項目", SEED_ZENKOUMOKU, 400), ("重点項目", SEED_JUTEN, 90)])
def test_seed_headings_map_to_the_schema(name, seed, minimum):
    form = load_form(name)
    headings = seed_headings(seed)
    assert len(headings) >= minimum  # the parser found the form, not a handful of lines
    kinds = {k for _, k, _ in headings}
    assert {"circled", "numbered", "roman", "known", "entry"} <= kinds
    missed = [(n, h) for n, k, h in headings if not maps_to_schema(form, k, h)]
    mapped = len(headings) - len(missed)
    coverage = mapped / len(headings)
    print(f"\n{seed.name} ({name}): {mapped}/{len(headings)} headings map to the schema ({coverage:.1%})")
    for number, heading in missed:
        print(f"  unmapped line {number}: {heading}")
    assert coverage >= 0.95, missed


def test_coverage_check_can_fail(zen, juten):
    """The matcher is not vacuous: 重点項目 headings do not all fit 全項目, and a made-up one fits neither."""
    assert not maps_to_schema(zen, "circled", "⑦再委託の許諾方法")
    assert not maps_to_schema(juten, "circled", "①NISC政府機関統一基準群")
    assert not maps_to_schema(zen, "numbered", "9. 監査")
    assert maps_to_schema(zen, "circled", "⑫権利利益に影響を与える決定 ※")
    assert not maps_to_schema(zen, "known", "使用部署の妥当性")
