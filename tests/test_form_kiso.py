"""The 基礎項目評価書 (様式2) form schema: pia_changes/forms/kiso.yaml."""
from __future__ import annotations

import re

import pytest

from pia_changes.document.model import load_text
from pia_changes.errors import InvalidDocument
from pia_changes.forms import Node, load_form

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
ROMAN = "ⅠⅡⅢⅣⅤⅥ"
NUMBERED = re.compile(r"^(\d+)\. ")           # 1. 対象人数
PREFIX = re.compile(rf"^(?:[{ROMAN}] |\d+\. |[{CIRCLED}])")


@pytest.fixture(scope="module")
def form():
    return load_form("基礎項目")


def items(form) -> dict[str, Node]:
    """item id → leaf. The form has no repeat groups: top section id / leaf id."""
    out: dict[str, Node] = {}
    for node in form.all_nodes():
        if node.is_leaf:
            top = (node.ancestors() or [node])[0]
            item_id = f"{top.id}/{node.id}"
            assert item_id not in out, item_id
            out[item_id] = node
    return out


def label_path(node: Node) -> str:
    return " > ".join([a.label for a in node.ancestors()] + [node.label])


def test_header(form):
    assert form.form == "基礎項目"
    assert form.title == "基礎項目評価書"
    assert form.yoshiki == "様式2"
    assert form.version == "令和6年10月"
    assert load_form("基礎項目") is form


def test_top_sections_in_printed_order(form):
    assert [(n.id, n.label) for n in form.nodes] == [
        ("cover", "表紙"),
        ("I", "Ⅰ 関連情報"),
        ("II", "Ⅱ しきい値判断項目"),
        ("III", "Ⅲ しきい値判断結果"),
        ("IV", "Ⅳ リスク対策"),
    ]
    assert all(n.type == "section" for n in form.nodes)


def test_no_change_table_in_schema(form):
    assert not any("変更箇所" in n.key or "変更箇所" in n.label for n in form.all_nodes())


def test_cover_items(form):
    cover = form.top("表紙")
    assert [c.key for c in cover.children] == [
        "評価書番号", "評価書名", "個人のプライバシー等の権利利益の保護の宣言", "特記事項",
        "評価実施機関名", "公表日"]
    assert cover.child_by_key("公表日").type == "date"
    assert "宣言" in cover.child_by_id("declaration").aliases
    # 記載要領: 特記事項は「なし」又は無記入で構いません
    assert cover.child_by_key("特記事項").required is False


def test_no_star_items(form):
    """No ※ on 様式2: neither copy of the form prints one, not even on Ⅰ 3/Ⅰ 4 (※ on 様式3/4)."""
    assert form.star_count() == 0
    assert [n.id for n in form.all_nodes() if n.star] == []


@pytest.mark.parametrize("item_id, key, kind", [
    ("I/jimu_name", "事務の名称", "text"),
    ("I/jimu_content", "事務の概要", "text"),
    ("I/system_names", "システムの名称", "text"),
    ("I/file_names", "特定個人情報ファイル名", "text"),
    ("I/mynumber_basis", "法令上の根拠", "text"),
    ("I/network_flag", "実施の有無", "choice"),
    ("I/network_basis", "法令上の根拠", "text"),
    ("I/dept", "部署", "text"),
    ("I/dept_head", "所属長の役職名", "text"),
    ("I/other_bodies", "他の評価実施機関", "text"),
    ("II/target_count", "評価対象の事務の対象人数は何人か", "choice"),
    ("II/target_count_asof", "いつ時点の計数か", "text"),
    ("II/handlers", "特定個人情報ファイル取扱者数は500人以上か", "choice"),
    ("II/handlers_asof", "いつ時点の計数か", "text"),
    ("II/accident", "過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか", "choice"),
    ("III/result", "しきい値判断結果", "choice"),
    ("IV/submitted_forms", "提出する特定個人情報保護評価書の種類", "choice"),
])
def test_shared_item_ids(form, item_id, key, kind):
    node = items(form)[item_id]
    assert (node.key, node.type) == (key, kind)


def test_label_paths(form):
    by_id = items(form)
    assert label_path(by_id["I/jimu_content"]) == "Ⅰ 関連情報 > 1. 特定個人情報ファイルを取り扱う事務 > ②事務の概要"
    assert label_path(by_id["I/network_flag"]) == \
        "Ⅰ 関連情報 > 4. 情報提供ネットワークシステムによる情報連携 > ①実施の有無"
    assert label_path(by_id["I/other_bodies"]) == "Ⅰ 関連情報 > 6. 他の評価実施機関"
    assert label_path(by_id["II/target_count"]) == \
        "Ⅱ しきい値判断項目 > 1. 対象人数 > 評価対象の事務の対象人数は何人か"
    assert label_path(by_id["II/handlers_asof"]) == "Ⅱ しきい値判断項目 > 2. 取扱者数 > いつ時点の計数か"


def test_threshold_items(form):
    marked = {i: n for i, n in items(form).items() if n.threshold}
    assert {i: n.threshold for i, n in marked.items()} == {
        "II/target_count": "people", "II/handlers": "handlers", "II/accident": "accident"}
    people = marked["II/target_count"].options
    assert people == ("1,000人未満（任意実施）", "1,000人以上1万人未満", "1万人以上10万人未満",
                      "10万人以上30万人未満", "30万人以上")
    assert marked["II/handlers"].options == ("500人以上", "500人未満")
    assert marked["II/accident"].options == ("発生あり", "発生なし")
    assert all(n.type == "choice" for n in marked.values())


def test_result_and_risk_choices(form):
    by_id = items(form)
    results = by_id["III/result"].options
    assert len(results) == 4
    assert sum("全項目評価" in o for o in results) == 1 and sum("重点項目評価" in o for o in results) == 1
    assert by_id["IV/submitted_forms"].options == (
        "基礎項目評価書", "基礎項目評価書及び重点項目評価書", "基礎項目評価書及び全項目評価書")
    risk = [n for i, n in by_id.items() if i.startswith("IV/") and n.key.endswith("リスクへの対策は十分か")]
    assert len(risk) == 9  # 入手, 使用×2, 委託, 提供・移転, 接続×2, 保管・消去, 人手を介在させる作業
    for node in risk:
        assert node.options == ("特に力を入れている", "十分である", "課題が残されている"), node.id
    assert by_id["IV/audit"].options == ("自己点検", "内部監査", "外部監査")
    assert by_id["IV/education"].options == ("特に力を入れて行っている", "十分に行っている", "十分に行っていない")
    areas = [c.label for c in form.top("リスク対策").children]
    assert [NUMBERED.match(a).group(1) for a in areas] == [str(n) for n in range(1, 12)]


def test_every_leaf_carries_printed_numbering(form):
    """Outside the cover, a leaf is numbered itself (①, 2.) or sits right under a numbered heading
    (1. 対象人数, or the section itself as with Ⅲ しきい値判断結果)."""
    for node in form.all_nodes():
        if not node.is_leaf or node.ancestors()[0].id == "cover":
            continue
        own = node.label[0] in CIRCLED or NUMBERED.match(node.label)
        parent = node.parent.type == "section" and PREFIX.match(node.parent.label)
        assert own or parent, label_path(node)
        assert node.label, node.id


def test_numbering_is_consecutive(form):
    for node in form.all_nodes():
        circled = [c.label[0] for c in node.children if c.label[0] in CIRCLED]
        assert circled == list(CIRCLED[: len(circled)]), node.id
        numbered = [int(m.group(1)) for c in node.children if (m := NUMBERED.match(c.label))]
        assert numbered == list(range(1, len(numbered) + 1)), node.id


def test_key_is_label_without_numbering(form):
    for node in form.all_nodes():
        assert PREFIX.sub("", node.label) == node.key, node.label


def test_uncertain_nodes_are_marked(form):
    by_id = items(form)

    def flagged(node: Node) -> bool:
        return bool(node.uncertain) or any(a.uncertain for a in node.ancestors())

    # not seen on any 様式2 text: Ⅱ 2/3 below their headings, Ⅲ, all of Ⅳ, 所属長の役職名
    for item_id in ("II/handlers", "II/handlers_asof", "II/accident", "III/result", "I/dept_head"):
        assert by_id[item_id].uncertain, item_id
    assert all(flagged(n) for i, n in by_id.items() if i.startswith(("III/", "IV/")))
    # confirmed on the 平成26年4月 様式2 copies
    for item_id in ("I/jimu_name", "I/jimu_content", "I/network_flag", "II/target_count_asof",
                    "cover/published"):
        assert not flagged(by_id[item_id]), item_id
    assert "expydoc.com" in form.notes and "123deta.com" in form.notes and "※" in form.notes


SAMPLE = """\
様式: 基礎項目
様式版: 令和6年10月 様式2
表紙:
  評価書番号: "3"
  評価書名: 国民年金に関する事務 基礎項目評価書
  個人のプライバシー等の権利利益の保護の宣言: 〇〇町は、…宣言する。
  特記事項:
  評価実施機関名: 〇〇町長
  公表日: 令和7年4月1日
関連情報:
  特定個人情報ファイルを取り扱う事務:
    事務の名称: 国民年金に関する事務
    事務の概要: 国民年金法に基づく届出の受理等
    システムの名称: 国民年金システム
  特定個人情報ファイル名: 国民年金ファイル
  個人番号の利用:
    法令上の根拠: 番号法第9条第1項
  情報提供ネットワークシステムによる情報連携:
    実施の有無: 実施する
    法令上の根拠: 番号法第19条第8号
  評価実施機関における担当部署:
    部署: 住民課
    所属長の役職名: 住民課長
  他の評価実施機関: なし
  特定個人情報の開示・訂正・利用停止請求:
    請求先: 総務課
  特定個人情報ファイルの取扱いに関する問合せ:
    連絡先: 総務課
しきい値判断項目:
  対象人数:
    評価対象の事務の対象人数は何人か: {people}
    いつ時点の計数か: 令和7年3月31日時点
  取扱者数:
    特定個人情報ファイル取扱者数は500人以上か: 500人未満
    いつ時点の計数か: 令和7年3月31日時点
  重大事故:
    過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか: 発生なし
しきい値判断結果:
  しきい値判断結果: 基礎項目評価の実施が義務付けられる
リスク対策:
  提出する特定個人情報保護評価書の種類: 基礎項目評価書
  特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）:
    目的外の入手が行われるリスクへの対策は十分か: 十分である
  特定個人情報の使用:
    目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスクへの対策は十分か: 十分である
    権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスクへの対策は十分か: 十分である
  特定個人情報ファイルの取扱いの委託:
    委託しない: [委託しない]
  特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）:
    提供・移転しない: []
    不正な提供・移転が行われるリスクへの対策は十分か: 課題が残されている
  情報提供ネットワークシステムとの接続:
    接続しない: []
    目的外の入手が行われるリスクへの対策は十分か: 十分である
    不正な提供が行われるリスクへの対策は十分か: 十分である
  特定個人情報の保管・消去:
    特定個人情報の漏えい・滅失・毀損リスクへの対策は十分か: 特に力を入れている
  人手を介在させる作業:
    人手を介在させる作業はない: []
    人為的ミスが発生するリスクへの対策は十分か: 十分である
    判断の根拠: 二人による確認
  監査:
    実施の有無: [自己点検]
  従業者に対する教育・啓発:
    従業者に対する教育・啓発: 十分に行っている
  最も優先度が高いと考えられる対策:
    最も優先度が高いと考えられる対策: 従業者に対する教育・啓発
    当該対策は十分か【再掲】: 十分である
    判断の根拠: 年1回の研修
"""


def test_a_filled_form_validates():
    # half-width parentheses as the publishing system prints them still match (NFKC)
    doc = load_text(SAMPLE.format(people="1,000人未満(任意実施)"), "kiso.yaml")
    assert doc.form.form == "基礎項目"
    # 特記事項 blank, 委託先… absent (委託しない), unticked 「…しない」 boxes: all allowed, no warning
    assert doc.warnings == []


def test_a_band_outside_the_options_is_refused():
    with pytest.raises(InvalidDocument) as err:
        load_text(SAMPLE.format(people="5万人"), "kiso.yaml")
    [problem] = err.value.problems
    assert "選択肢にありません" in problem.message
    assert problem.label == "Ⅱ しきい値判断項目 > 1. 対象人数 > 評価対象の事務の対象人数は何人か"
