"""The semantic diff: value helpers first, then whole 重点項目 documents, then properties.

Values are taken from seed 004 (川口市 介護保険に関する事務, tests/data/004_a91eed273516a844.txt).
"""
from __future__ import annotations

import copy
import textwrap
from collections import Counter
from functools import lru_cache

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pia_changes.diff.change import Change, DiffResult, TableEdit
from pia_changes.diff.semantic import diff, diff_data
from pia_changes.document.model import Document
from pia_changes.errors import PiaError
from pia_changes.forms import load_form
from pia_changes.diff.text import (char_spans, cosmetic_key, list_change, paragraphs, similarity,
                                  text_change)
from tests.helpers.documents import loaded

# ②事務の内容 of seed 004, its HTML lists written as lines (as the importer does).
JIMU_CONTENT = """1. 被保険者の資格管理
・転入、年齢到達による資格取得及び転出、死亡等による資格喪失による異動情報を含む住民記録情報の管理を行う。
・被保険者に介護保険被保険者証(以下「被保険者証」という。)を交付する。
2. 保険料の賦課、徴収及び還付
・被保険者の所得等に応じて保険料を決定し、賦課、徴収を行う。
・被保険者に保険料決定通知書を送付する。
・特別徴収、普通徴収により保険料の徴収を行い、過誤納が生じた際は、還付を行う。
3. 要介護認定
・介護保険(要介護・要支援)認定申請書を受理する。
・新規申請分の認定調査を実施する。
・区分変更および更新申請分の認定調査依頼を居宅介護支援事業者等に行う。
・主治医意見書の受理、登録等を行う。
・介護認定審査会を開催し、要介護状態区分等を決定し、被保険者に結果を通知する。
4. 保険給付
・介護サービスの受給者に対して保険給付を行う。
・受給者情報の異動について埼玉県国民健康保険団体連合会(以下「国保連」という。)に台帳を送付する。
※事務に係る申請・届出等について、窓口での受領以外に、電子申請システムでの受領を含む。"""

# 保管場所 of seed 004 (first three paragraphs), as the importer writes it.
HOKAN = """<川口市における措置>
生体認証を行っている電算機室のオートロック扉の内部。サーバへのアクセスにはユーザID・パスワードの認証が必要。
<中間サーバ・プラットフォームにおける措置>
・中間サーバー・プラットフォームはデータセンターに設置している。データセンターへの入館、及びサーバ室への入室を行う際は、警備員などにより顔写真入りの身分証明書と事前申請との照合を行う。
・特定個人情報は、サーバ室に設置された中間サーバのデータベース内に保存され、バックアップもデータベース上に保存される。"""


def marked(text: str, spans) -> list[str]:
    return [text[start:end] for start, end in spans]


# --- value helpers --------------------------------------------------------------------------------

def test_char_spans_mark_the_replaced_words_only():
    before, after = "介護保険システム", "介護保険総合システム"
    spans = char_spans(before, after)
    assert marked(before, spans[0]) == []
    assert marked(after, spans[1]) == ["総合"]


def test_char_spans_absorb_a_short_equal_run_between_longer_edits():
    before, after = "住民記録システムの運用管理", "住民基本台帳システムの保守業務"
    b, a = char_spans(before, after)
    assert marked(after, a) == ["基本台帳", "保守業務"]
    assert marked(before, b) == ["記録", "運用管理"]


def test_paragraphs_split_at_list_items_sentences_and_blank_lines():
    text = "1. 被保険者の資格管理\n・転入を行う。・交付する。\n\n保険料(以下「料」という。)を決定する。"
    pieces = [text[s:e].strip() for s, e in paragraphs(text)]
    assert pieces == ["1. 被保険者の資格管理", "・転入を行う。", "・交付する。",
                      "保険料(以下「料」という。)を決定する。"]
    assert "".join(text[s:e] for s, e in paragraphs(text)) == text


def test_short_text_is_shown_whole():
    before = "介護保険課長"
    before_out, after_out, spans = text_change(before, "介護保険課 課長")
    assert (before_out, after_out) == ("介護保険課長", "介護保険課 課長")
    assert marked(after_out, spans[1]) == [" 課"] or marked(after_out, spans[1]) == ["課 "]


def test_long_text_gives_the_changed_paragraph_only():
    after = JIMU_CONTENT.replace("保険料決定通知書", "保険料額決定通知書")
    before_out, after_out, spans = text_change(JIMU_CONTENT, after)
    assert before_out == "・被保険者に保険料決定通知書を送付する。"
    assert after_out == "・被保険者に保険料額決定通知書を送付する。"
    assert spans == ((), ((9, 10),))


def test_long_text_joins_separate_paragraphs_with_an_ellipsis():
    after = (JIMU_CONTENT.replace("新規申請分", "新規及び区分変更申請分")
             .replace("埼玉県国民健康保険団体連合会", "埼玉県国民健康保険団体連合会等"))
    before_out, after_out, spans = text_change(JIMU_CONTENT, after)
    assert before_out.count("…") == 1 and after_out.count("…") == 1
    assert after_out.startswith("・新規及び区分変更申請分の認定調査を実施する。…・受給者情報")
    assert marked(after_out, spans[1]) == ["及び区分変更", "等"]
    assert spans[0] == ()


def test_added_paragraph_is_shown_with_its_neighbour():
    after = JIMU_CONTENT.replace("・主治医意見書の受理、登録等を行う。\n",
                                 "・主治医意見書の受理、登録等を行う。\n・認定調査員の研修を行う。\n")
    before_out, after_out, spans = text_change(JIMU_CONTENT, after)
    assert before_out == "・主治医意見書の受理、登録等を行う。"
    assert after_out == "・主治医意見書の受理、登録等を行う。\n・認定調査員の研修を行う。"
    assert spans[0] == ()
    assert [s.strip() for s in marked(after_out, spans[1])] == ["・認定調査員の研修を行う。"]


def test_cosmetic_key_ignores_layout_width_and_final_punctuation():
    reflowed = HOKAN[:40] + "\n" + HOKAN[40:90] + "\n  " + HOKAN[90:]
    assert cosmetic_key(reflowed) == cosmetic_key(HOKAN)
    assert cosmetic_key("保険課長ＩＤ。") == cosmetic_key("保険課長ID")
    assert cosmetic_key("転出、死亡") != cosmetic_key("転出死亡")
    assert cosmetic_key("<川口市における措置>") != cosmetic_key("<中間サーバにおける措置>")
    assert cosmetic_key("介護保険課長") != cosmetic_key("介護保険課")
    assert cosmetic_key("再委託しない") != cosmetic_key("再委託する")


def test_list_change_marks_ticked_and_unticked_options():
    before, after, (b, a) = list_change(["庁内連携システム", "その他（認定審査会支援システム）"],
                                        ["庁内連携システム", "税務システム"])
    assert before == "庁内連携システム、その他（認定審査会支援システム）"
    assert after == "庁内連携システム、税務システム"
    assert marked(before, b) == ["その他（認定審査会支援システム）"]
    assert marked(after, a) == ["税務システム"]


def test_list_change_with_keys_marks_entries_out_of_order():
    before, after, (b, a) = list_change(["介護保険システム", "中間サーバ", "電子申請システム"],
                                        ["中間サーバ", "介護保険システム", "電子申請システム"],
                                        keys=([0, 1, 2], [1, 0, 2]))
    assert len(b) == 1 and len(a) == 1
    assert marked(before, b)[0] in ("介護保険システム", "中間サーバ")
    assert marked(before, b) == marked(after, a)


def test_similarity_is_symmetric_and_bounded():
    assert similarity("介護保険システム", "介護保険総合システム") == similarity("介護保険総合システム", "介護保険システム")
    assert 0.6 < similarity("介護保険システム", "介護保険総合システム") < 1
    assert similarity("", "") == 1.0
    assert similarity("中間サーバ", "個人住民税システム") < 0.3


# --- whole documents (重点項目) -------------------------------------------------------------------

SYSTEMS = {
    "介護保険システム": """\
      - システムの名称: 介護保険システム
        システムの機能: |-
          1. 資格・賦課情報管理機能
          ・介護保険資格を管理する機能。
          ・被保険者証を管理する機能。
        他のシステムとの接続: [庁内連携システム]
""",
    "団体内統合宛名システム": """\
      - システムの名称: 団体内統合宛名システム
        システムの機能: 1. 中間サーバ連携機能 東西クラウドセンターに設置される中間サーバと連携するための機能。
        他のシステムとの接続: [庁内連携システム]
""",
    "共通基盤システム(庁内連携システム)": """\
      - システムの名称: 共通基盤システム(庁内連携システム)
        システムの機能: 1. 統合データベース機能 各業務システム間で必要となる連携データを一括管理し、各業務システムへ提供する機能。
        他のシステムとの接続: [既存住民基本台帳システム, 宛名システム等, 税務システム]
""",
    "既存住民基本台帳システム": """\
      - システムの名称: 既存住民基本台帳システム
        システムの機能: 1. 住民基本台帳の記載 転入、出生、職権等により住民基本台帳に新たに住民を記載(住民票を作成)する機能。
        他のシステムとの接続: [庁内連携システム, 住民基本台帳ネットワークシステム]
""",
    "中間サーバ": """\
      - システムの名称: 中間サーバ
        システムの機能: 1. 符号管理機能 符号管理機能は情報照会、情報提供に用いる個人の識別子である「符号」と、「団体内統合宛名番号」とを紐付け、その情報を保管・管理する機能
        他のシステムとの接続: [情報提供ネットワークシステム, 既存住民基本台帳システム, 宛名システム等]
""",
    "電子申請システム": """\
      - システムの名称: 電子申請システム
        システムの機能: 1. 住民向け機能 自らが受けることができるサービスをオンラインで検索及び申請ができる機能
        他のシステムとの接続: []
""",
}
SYSTEM_ORDER = ["介護保険システム", "団体内統合宛名システム", "共通基盤システム(庁内連携システム)",
                "既存住民基本台帳システム", "中間サーバ"]

LEGACY = """\
  - 変更日: 平成29年10月25日
    項目: I 基本情報－6.評価実施機関における担当部署－②所属長
    変更前の記載: 介護保険課長 渡辺 均
    変更後の記載: 介護保険課長 藤波 康彰
    提出時期: 事後
    提出時期に係る説明: 人事異動による変更であり、重要な変更には該当しない
  - 変更日: 平成29年10月25日
    項目: II 特定個人情報ファイルの概要－3特定個人情報の入手・使用－④使用の主体－使用部署
    変更前の記載: 特別債権回収室
    変更後の記載: 特別債権回収課
    提出時期: 事後
    提出時期に係る説明: 組織改正による変更であり、重要な変更には該当しない
  - 変更日: 平成30年11月15日
    項目: I 基本情報－6.評価実施機関における担当部署－②所属長
    変更前の記載: 介護保険課長 藤波 康彰
    変更後の記載: 介護保険課長
    提出時期: 事後
    提出時期に係る説明: 記載廃止による変更であり、重要な変更には該当しない
"""

BASE = """\
様式: 重点項目
表紙:
  評価書番号: "8"
  評価書名: 川口市 介護保険に関する事務 重点項目評価書
  特記事項: 介護保険に関する事務では、事務の一部を外部業者に委託しているが、委託先による不正入手、不正な使用等への対策として、特に業者選定の際に業者の情報保護管理体制を確認するとともに、秘密保持契約を締結している。
  評価実施機関名: 埼玉県川口市長
  公表日: 令和7年12月26日
基本情報:
  特定個人情報ファイルを取り扱う事務:
    事務の名称: 介護保険に関する事務
    事務の内容: |-
@JIMU@
    対象人数: 10万人以上30万人未満
  特定個人情報ファイルを取り扱う事務において使用するシステム:
    システム:
@SYSTEMS@  特定個人情報ファイル名: 介護保険情報ファイル
  評価実施機関における担当部署:
    部署: 川口市 福祉部 介護保険課
    所属長の役職名: 介護保険課長
特定個人情報ファイルの概要:
  特定個人情報ファイル:
    - 特定個人情報ファイル名: 介護保険情報ファイル
      基本情報:
        ファイルの種類: システム用ファイル
        対象となる本人の数: 10万人以上100万人未満
        対象となる本人の範囲: 第1号被保険者及び認定を受けた第2号被保険者とその世帯員。
        保有開始日: 2016/01/01
        事務担当部署: 福祉部介護保険課
      特定個人情報の入手・使用:
        使用目的: 被保険者の資格管理、要介護認定、保険給付及び賦課徴収等介護保険事務を行うため。
      特定個人情報ファイルの取扱いの委託:
        委託の有無: 委託する
        委託件数: 1
        委託事項:
          - 委託事項名: 介護保険システム運用・保守業務
            委託内容: 介護保険における資格・賦課情報管理、要介護認定及び給付情報管理に関するシステムの運用管理及び保守業務
            委託先における取扱者数: 10人以上50人未満
            委託先名: 株式会社日立システムズ
            再委託の有無: 再委託する
      特定個人情報の保管・消去:
        保管場所: |-
@HOKAN@
変更箇所:
@LEGACY@"""


def complete(nodes, data: dict) -> None:
    """Add every key the form requires, empty, so that a fragment validates as a document."""
    for node in nodes:
        if node.type == "section":
            if not isinstance(data.get(node.key), dict):
                data[node.key] = {}
            complete(node.children, data[node.key])
        elif node.key not in data and node.required:
            data[node.key] = None
        if node.is_group:
            for entry in data.get(node.key) or []:
                complete(node.children, entry)


def kaigo_text(systems=SYSTEM_ORDER, edits=(), legacy=LEGACY) -> str:
    text = (BASE.replace("@JIMU@", textwrap.indent(JIMU_CONTENT, " " * 6))
            .replace("@HOKAN@", textwrap.indent(HOKAN, " " * 10))
            .replace("@SYSTEMS@", "".join(SYSTEMS[name] for name in systems))
            .replace("@LEGACY@", legacy))
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def kaigo(systems=SYSTEM_ORDER, edits=(), legacy=LEGACY) -> Document:
    """Seed 004 as a 重点項目 assessment, through the real loader and validator."""
    data = yaml.safe_load(kaigo_text(systems, edits, legacy))
    complete(load_form("重点項目").nodes, data)
    return loaded(data, "kaigo.yaml")


@pytest.fixture(scope="module")
def base() -> Document:
    return kaigo()


def only(result: DiffResult) -> Change:
    assert len(result.changes) == 1, result.changes
    return result.changes[0]


def test_unchanged_document_has_no_changes(base):
    result = diff(base, kaigo())
    assert result.changes == () and result.table_edits == ()


def test_short_text_edit_marks_the_added_words(base):
    change = only(diff(base, kaigo(edits=[("所属長の役職名: 介護保険課長", "所属長の役職名: 介護保険課長 藤波 康彰")])))
    assert change.item_id == "I/dept_head"
    assert change.labels == ("Ⅰ 基本情報", "6. 評価実施機関における担当部署", "②所属長の役職名")
    assert (change.kind, change.before, change.after) == ("変更", "介護保険課長", "介護保険課長 藤波 康彰")
    assert change.spans == ((), ((6, 12),))
    assert change.order == change.node.order and not change.cosmetic and not change.moved


def test_long_text_change_shows_the_changed_paragraph(base):
    new = kaigo(edits=[("保険料決定通知書", "保険料額決定通知書")])
    change = only(diff(base, new))
    assert change.item_id == "I/jimu_content"
    assert change.before == "・被保険者に保険料決定通知書を送付する。"
    assert change.after == "・被保険者に保険料額決定通知書を送付する。"
    assert marked(change.after, change.spans[1]) == ["額"]
    assert change.old_value == JIMU_CONTENT


def test_choice_change_shows_both_options(base):
    change = only(diff(base, kaigo(edits=[("対象人数: 10万人以上30万人未満", "対象人数: 30万人以上")])))
    assert change.item_id == "I/target_count"
    assert (change.kind, change.before, change.after) == ("変更", "10万人以上30万人未満", "30万人以上")
    assert change.spans == (((0, len("10万人以上30万人未満")),), ((0, len("30万人以上")),))


def test_checkbox_ticked_marks_the_new_option(base):
    change = only(diff(base, kaigo(edits=[("他のシステムとの接続: [庁内連携システム]",
                                           "他のシステムとの接続: [庁内連携システム, 税務システム]")])))
    assert change.item_id == "I/system[介護保険システム]/connections"
    assert change.labels[-2:] == ("システム1", "③他のシステムとの接続")
    assert (change.before, change.after) == ("庁内連携システム", "庁内連携システム、税務システム")
    assert change.spans == ((), ((9, 15),))
    assert change.new_value == ["庁内連携システム", "税務システム"]


def test_filled_and_emptied_items_are_new_and_deleted(base):
    remarks = BASE.split("特記事項: ")[1].split("\n")[0]
    new = kaigo(edits=[(remarks, "''"),
                       ("    所属長の役職名: 介護保険課長\n",
                        "    所属長の役職名: 介護保険課長\n  他の評価実施機関: 埼玉県\n")])
    changes = diff(base, new).changes
    assert [(c.item_id, c.kind, c.after) for c in changes] == [
        ("cover/remarks", "削除", None), ("I/other_bodies", "新規", "埼玉県")]
    assert changes[0].before == remarks and changes[0].spans == (((0, len(remarks)),), ())


def test_system_inserted_in_the_middle_is_one_change(base):
    systems = SYSTEM_ORDER[:2] + ["電子申請システム"] + SYSTEM_ORDER[2:]
    change = only(diff(base, kaigo(systems)))
    # shown whole, as publishers print a new entry (Decisions 2026-12-06); its name is the span
    lines = change.after.split("\n")
    assert (change.kind, change.before, lines[0]) == ("新規", None, "①システムの名称 電子申請システム")
    assert any(line.startswith("②システムの機能 ") for line in lines)
    assert [change.after[s:e] for s, e in change.spans[1]] == ["電子申請システム"]
    assert change.item_id == "I/system[電子申請システム]"
    assert change.labels == ("Ⅰ 基本情報", "2. 特定個人情報ファイルを取り扱う事務において使用するシステム",
                             "システム3")
    assert change.node.is_group and change.new_value["システムの名称"] == "電子申請システム"


def test_entry_deleted_in_the_middle_is_one_deletion(base):
    systems = [name for name in SYSTEM_ORDER if name != "団体内統合宛名システム"]
    change = only(diff(base, kaigo(systems)))
    assert (change.kind, change.after) == ("削除", None)
    assert change.before.startswith("①システムの名称 団体内統合宛名システム\n②システムの機能 ")
    assert [change.before[s:e] for s, e in change.spans[0]] == ["団体内統合宛名システム"]
    assert change.item_id == "I/system[団体内統合宛名システム]"
    assert change.labels[-1] == "システム2"  # its position in the old document


def test_rename_is_one_change_on_the_name_plus_one_per_edited_item(base):
    new = kaigo(edits=[("システムの名称: 介護保険システム", "システムの名称: 介護保険総合システム"),
                       ("・被保険者証を管理する機能。", "・被保険者証及び資格者証を管理する機能。")])
    changes = diff(base, new).changes
    assert [(c.item_id, c.kind) for c in changes] == [
        ("I/system[介護保険総合システム]/name", "変更"), ("I/system[介護保険総合システム]/function", "変更")]
    assert (changes[0].before, changes[0].after) == ("介護保険システム", "介護保険総合システム")
    assert marked(changes[0].after, changes[0].spans[1]) == ["総合"]
    assert marked(changes[1].after, changes[1].spans[1]) == ["及び資格者証"]


def test_rename_with_a_new_name_and_the_same_content_is_still_a_rename(base):
    new = kaigo(edits=[("システムの名称: 中間サーバ", "システムの名称: 中間サーバー・プラットフォーム")])
    change = only(diff(base, new))
    assert change.item_id == "I/system[中間サーバー・プラットフォーム]/name"
    assert change.kind == "変更"


def test_pure_reorder_is_one_moved_change(base):
    systems = [SYSTEM_ORDER[1], SYSTEM_ORDER[0]] + SYSTEM_ORDER[2:]
    change = only(diff(base, kaigo(systems)))
    assert change.moved and change.kind == "変更" and change.item_id == "I/system"
    assert change.before == "、".join(SYSTEM_ORDER)
    assert change.after == "、".join(systems)
    assert len(change.spans[0]) == 1 and len(change.spans[1]) == 1
    assert marked(change.before, change.spans[0]) == marked(change.after, change.spans[1])


def test_insertion_is_not_a_reorder(base):
    systems = ["電子申請システム"] + SYSTEM_ORDER
    assert [c.moved for c in diff(base, kaigo(systems)).changes] == [False]


def test_nested_group_item_has_both_entries_in_its_id_and_labels(base):
    new = kaigo(edits=[("委託先名: 株式会社日立システムズ", "委託先名: 株式会社日立システムズ東日本")])
    change = only(diff(base, new))
    assert change.item_id == "II/file[介護保険情報ファイル]/entrust[介護保険システム運用・保守業務]/contractor"
    assert change.labels == ("Ⅱ 特定個人情報ファイルの概要", "（1）介護保険情報ファイル",
                             "4. 特定個人情報ファイルの取扱いの委託", "委託事項1", "③委託先名")


def test_cosmetic_reflow_is_cosmetic_only(base):
    reflowed = (HOKAN.replace("。サーバへの", "。\n          サーバへの").replace("いる。データ", "いる。 データ")
                .removesuffix("。"))
    new = kaigo(edits=[(textwrap.indent(HOKAN, " " * 10), textwrap.indent(reflowed, " " * 10))])
    result = diff(base, new)
    change = only(result)
    assert change.cosmetic and change.item_id == "II/file[介護保険情報ファイル]/storage_place"
    assert result.significant() == ()


def test_cosmetic_width_and_date_notation(base):
    new = kaigo(edits=[("公表日: 令和7年12月26日", "公表日: 2025-12-26"),
                       ("部署: 川口市 福祉部 介護保険課", "部署: 川口市　福祉部　介護保険課")])
    changes = diff(base, new).changes
    assert [c.item_id for c in changes] == ["cover/published", "I/dept"]
    assert all(c.cosmetic for c in changes)


def test_a_real_edit_is_not_cosmetic(base):
    new = kaigo(edits=[("部署: 川口市 福祉部 介護保険課", "部署: 川口市 福祉部 介護保険課、長寿支援課")])
    assert not only(diff(base, new)).cosmetic


def test_legacy_row_edits_are_table_edits_only(base):
    rows = LEGACY.split("  - ")
    inserted = """変更日: 令和2年10月22日
    項目: Ⅱ特定個人情報ファイルの概要ー5特定個人情報の提供・移転ー移転先1②
    変更前の記載: 番号法第9条第2項に基づく条例を定める予定
    変更後の記載: 削除
    提出時期: 事後
    提出時期に係る説明: 予定なしのため削除するものであり、重要な変更には該当しない。
"""
    edited = rows[3].replace("記載廃止による変更", "記載の廃止による変更")
    new = kaigo(legacy="  - ".join(rows[:2] + [inserted, rows[2], edited]))
    result = diff(base, new)
    assert result.changes == ()
    assert [(e.index, e.kind) for e in result.table_edits] == [(1, "新規"), (3, "変更")]
    assert result.table_edits[0] == TableEdit(1, "新規", None, new.legacy_rows[1])
    assert result.table_edits[1].before == base.legacy_rows[2]
    assert result.table_edits[1].after == new.legacy_rows[3]


def test_legacy_row_removed(base):
    rows = LEGACY.split("  - ")
    result = diff(base, kaigo(legacy="  - ".join(rows[:3])))
    assert result.table_edits == (TableEdit(2, "削除", base.legacy_rows[2], None),)


def test_changes_follow_the_form_order_and_entry_position(base):
    new = kaigo(edits=[("委託先名: 株式会社日立システムズ", "委託先名: 株式会社日立システムズ東日本"),
                       ("・介護保険資格を管理する機能。", "・介護保険の資格を管理する機能。"),
                       ("他のシステムとの接続: [情報提供ネットワークシステム, 既存住民基本台帳システム, 宛名システム等]",
                        "他のシステムとの接続: [情報提供ネットワークシステム]"),
                       ("公表日: 令和7年12月26日", "公表日: 令和8年1月15日")])
    assert [c.item_id for c in diff(base, new).changes] == [
        "cover/published", "I/system[介護保険システム]/function", "I/system[中間サーバ]/connections",
        "II/file[介護保険情報ファイル]/entrust[介護保険システム運用・保守業務]/contractor"]


def test_keys_absent_on_both_sides_and_empty_values_are_no_change():
    form = load_form("重点項目")
    old = {"基本情報": {"特定個人情報ファイルを取り扱う事務": {"事務の名称": None}}}
    new = {"基本情報": {"特定個人情報ファイルを取り扱う事務": {"事務の名称": ""}, "評価実施機関における担当部署": {}},
           "未知の見出し": {"x": 1}}
    assert diff_data(form, old, new) == DiffResult(())


def test_documents_of_different_forms_are_refused(base):
    other = Document(path="other.yaml", form=load_form("全項目"), data={}, lines={})
    with pytest.raises(PiaError):
        diff(base, other)


# --- properties -----------------------------------------------------------------------------------

JIMU = ("基本情報", "特定個人情報ファイルを取り扱う事務")
TEXT_PATHS = [JIMU + ("事務の内容",), JIMU + ("事務の名称",), ("表紙", "特記事項"),
              ("基本情報", "評価実施機関における担当部署", "所属長の役職名"),
              ("特定個人情報ファイルの概要", "特定個人情報ファイル", 0, "特定個人情報の保管・消去", "保管場所"),
              ("特定個人情報ファイルの概要", "特定個人情報ファイル", 0, "特定個人情報ファイルの取扱いの委託",
               "委託事項", 0, "委託先名")]
WORDS = st.text(alphabet=list("介護保険システム中間サーバ住民記録の、。・ \n"), max_size=40)
OPTIONS = next(n for n in load_form("重点項目").all_nodes() if n.id == "connections").options
OPS = ["text", "choice", "tick", "delete", "insert", "swap", "rename", "legacy"]


@lru_cache(maxsize=None)
def base_data() -> dict:
    return kaigo().data


def at(tree: dict, path: tuple) -> tuple[object, object]:
    for key in path[:-1]:
        tree = tree[key]
    return tree, path[-1]


@st.composite
def edited(draw) -> dict:
    """The base document after a few random edits of the kinds staff make."""
    tree = copy.deepcopy(base_data())
    systems = tree["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    for op in draw(st.lists(st.sampled_from(OPS), max_size=6)):
        if op == "text":
            parent, key = at(tree, draw(st.sampled_from(TEXT_PATHS)))
            parent[key] = draw(st.one_of(st.none(), WORDS))
        elif op == "choice":
            tree[JIMU[0]][JIMU[1]]["対象人数"] = draw(st.sampled_from(["30万人以上", "1万人以上10万人未満", None]))
        elif op == "legacy" and tree["変更箇所"]:
            del tree["変更箇所"][draw(st.integers(0, len(tree["変更箇所"]) - 1))]
        elif op == "insert":
            entry = {"システムの名称": draw(WORDS), "システムの機能": draw(WORDS), "他のシステムとの接続": []}
            systems.insert(draw(st.integers(0, len(systems))), entry)
        elif systems:
            index = draw(st.integers(0, len(systems) - 1))
            if op == "tick":
                ticked = systems[index]["他のシステムとの接続"]
                option = draw(st.sampled_from(OPTIONS))
                ticked.remove(option) if option in ticked else ticked.append(option)
            elif op == "delete":
                del systems[index]
            elif op == "swap":
                other = draw(st.integers(0, len(systems) - 1))
                systems[index], systems[other] = systems[other], systems[index]
            elif op == "rename":
                systems[index]["システムの名称"] = draw(WORDS)
    return tree


FORM = load_form("重点項目")


@settings(max_examples=60, deadline=None)
@given(edited())
def test_a_document_compared_with_itself_has_no_changes(tree):
    assert diff_data(FORM, tree, copy.deepcopy(tree)) == DiffResult(())


@settings(max_examples=60, deadline=None)
@given(edited(), edited())
def test_diff_is_deterministic(a, b):
    first = diff_data(FORM, a, b)
    again = diff_data(FORM, copy.deepcopy(a), copy.deepcopy(b))
    assert first == again
    assert [c.labels for c in first.changes] == [c.labels for c in again.changes]


SWAPPED = {"新規": "削除", "削除": "新規", "変更": "変更"}


@settings(max_examples=100, deadline=None)
@given(edited(), edited())
def test_new_and_deleted_swap_when_the_arguments_swap(a, b):
    forward, backward = diff_data(FORM, a, b), diff_data(FORM, b, a)
    assert Counter(SWAPPED[c.kind] for c in forward.changes) == Counter(c.kind for c in backward.changes)
    assert (Counter((SWAPPED[c.kind], c.after, c.before) for c in forward.changes if c.kind != "変更")
            == Counter((c.kind, c.before, c.after) for c in backward.changes if c.kind != "変更"))
    assert (Counter((SWAPPED[e.kind], repr(e.after), repr(e.before)) for e in forward.table_edits)
            == Counter((e.kind, repr(e.before), repr(e.after)) for e in backward.table_edits))


def test_a_deleted_entry_is_listed_where_it_stood(base):
    systems = ["電子申請システム"] + [n for n in SYSTEM_ORDER if n != "共通基盤システム(庁内連携システム)"]
    new = kaigo(systems, edits=[("中間サーバ連携機能 東西", "中間サーバ連携機能 東日本・西日本")])
    assert [(c.item_id, c.labels[-1]) for c in diff(base, new).changes] == [
        ("I/system[電子申請システム]", "システム1"),
        ("I/system[団体内統合宛名システム]/function", "②システムの機能"),
        ("I/system[共通基盤システム(庁内連携システム)]", "システム3")]


def test_a_blank_starter_entry_filled_in_is_one_item_change_not_a_delete_and_an_add():
    from pia_changes.document.starter import blank_document
    form = load_form("重点項目")
    old = blank_document(form, entries=1)
    new = copy.deepcopy(old)
    section = new["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]
    section["システム"][0]["システムの名称"] = "介護保険システム"
    changes = diff_data(form, old, new).changes
    assert [(c.kind, c.item_id, c.after) for c in changes] == [
        ("新規", "I/system[介護保険システム]/name", "介護保険システム")]


def test_long_texts_edited_once_align_as_difflib_does():
    """The rolling-hash path of the matcher (texts too long for the window check) gives
    difflib's own opcodes: seed 000's texts, 1-3 characters edited, inserted or removed."""
    import random
    from difflib import SequenceMatcher

    from pia_changes.diff.text import _TextMatcher
    from tests.helpers.seeds import seed_yaml

    text = seed_yaml("000")
    rng = random.Random(11)
    for _ in range(12):
        start = rng.randrange(len(text) - 4000)
        a = text[start:start + rng.choice((2500, 4000))]
        b = list(a)
        for _ in range(rng.choice((1, 1, 2, 3))):
            at = rng.randrange(len(b))
            choice = rng.random()
            if choice < 0.4:
                b[at] = rng.choice("あ、。コ")
            elif choice < 0.7:
                b.insert(at, rng.choice("い\n"))
            else:
                del b[at]
        b = "".join(b)
        assert _TextMatcher(None, a, b, autojunk=False).get_opcodes() == \
            SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def test_without_layout_spans_the_significant_changes_are_the_same():
    """generate asks for no spans of cosmetic changes (it drops them): nothing else may differ."""
    from tests.helpers.documents import kaigo
    reflowed = "\n".join(textwrap.wrap(JIMU_CONTENT.replace("\n", ""), 30))
    old, new = loaded(kaigo(content=JIMU_CONTENT)), loaded(kaigo(content=reflowed, name="介護保険事務"))
    full, lean = diff(old, new), diff(old, new, layout_spans=False)
    assert [c.cosmetic for c in full.changes] == [c.cosmetic for c in lean.changes] and any(
        c.cosmetic for c in full.changes)
    assert full.significant() == lean.significant()
    assert all(c.spans == ((), ()) for c in lean.changes if c.cosmetic)
