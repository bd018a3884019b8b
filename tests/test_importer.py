"""The importer against the real seeds (tests/data): golden values read off the seed texts, validation,
determinism, locality of edits, encodings, refusal of texts that are no 評価書, speed."""
from __future__ import annotations

import datetime as dt
import time
from functools import cache

import pytest

from pia_changes.document.model import LEGACY_KEY, UNPLACED_KEY, load_text
from pia_changes.errors import PiaError
from pia_changes.importer import ImportResult, import_text
from tests.helpers import seeds
from tests.helpers.paths import DATA

S000, S001, S002, S004 = (f"{n}.txt" for n in (
    "000_927f6452a1ee0b1f", "001_0fa97ec629ceb12e", "002_eb38df5b06157c45", "004_a91eed273516a844"))
LEGACY_ROWS = {S000: 35, S001: 155, S004: 58}

I, II, III = "基本情報", "特定個人情報ファイルの概要", "特定個人情報ファイルの取扱いプロセスにおけるリスク対策"
SYSTEMS = ("特定個人情報ファイルを取り扱う事務において使用するシステム", "システム")
ENTRUST = "特定個人情報ファイルの取扱いの委託"
PROVIDE = "特定個人情報の提供・移転（委託に伴うものを除く。）"
STORE = "特定個人情報の保管・消去"
III_STORE_R1 = (STORE, "特定個人情報の漏えい・滅失・毀損リスク")


@cache
def imported(seed: str) -> tuple[ImportResult, dict]:
    result = seeds.imported(seed[:3])
    return result, load_text(result.yaml_text, seed).data


def data(seed: str) -> dict:
    return imported(seed)[1]


def get(tree: object, *path: object) -> object:
    for key in path:
        tree = tree[key]
    return tree


def files(seed: str, top: str = II) -> list[dict]:
    return data(seed)[top]["特定個人情報ファイル"]


def column(entries: list[dict], key: str) -> list:
    return [entry[key] for entry in entries]


# ---------------------------------------------------------------------------------------- 000 (長野市, 全項目)

def test_000_cover_and_basic_information():
    d = data(S000)
    assert d["様式"] == "全項目" and "様式版" not in d  # 000 prints no 様式 revision
    assert get(d, "表紙", "評価書番号") == "1"
    assert get(d, "表紙", "評価書名") == "住民基本台帳に関する事務 全項目評価書"
    assert get(d, "表紙", "評価実施機関名") == "長野市長"
    jimu = get(d, I, "特定個人情報ファイルを取り扱う事務")
    assert jimu["事務の名称"] == "住民基本台帳に関する事務"
    assert jimu["対象人数"] == "30万人以上"
    assert jimu["事務の内容"].startswith("市町村(特別区を含む。)(以下「市町村」という。)が住民を対象とする")
    assert get(d, I, "情報提供ネットワークシステムによる情報連携", "実施の有無") == "実施する"  # printed 「[实施する]」
    assert get(d, I, "評価実施機関における担当部署") == {"部署": "地域・市民生活部 市民窓口課", "所属長の役職名": "課長"}
    assert get(d, I, "他の評価実施機関") == "—"


def test_000_systems():
    systems = get(data(S000), I, *SYSTEMS)
    names = column(systems, "システムの名称")
    assert len(names) == 7  # システム8 is printed without a name: dropped
    assert names[0].startswith("住民記録システム【既存住民基本台帳システムと同義")
    assert names[1].startswith("住民基本台帳ネットワークシステム(市町村CS)")
    assert names[2:] == ["総合窓口支援システム", "番号連携サーバ(団体内統合宛名システム)", "中間サーバー",
                         "証明書発行システム", "申請管理システム"]
    assert systems[0]["他のシステムとの接続"] == [
        "庁内連携システム", "住民基本台帳ネットワークシステム", "宛名システム等",
        "その他（証明書発行システム、総合窓口支援システム、申請管理システム）"]
    assert systems[2]["他のシステムとの接続"] == ["庁内連携システム", "その他（証明書発行システム、申請管理システム）"]
    assert systems[5]["システムの機能"].split("\n") == [
        "1. 連携機能 :既存住基システムと証明書情報を連携する。",
        "2. コンビニ交付機能 :コンビニ交付センターからの要求に応答して証明書交付を行う。"]


def test_000_files_and_records():
    ii = files(S000)
    assert column(ii, "特定個人情報ファイル名") == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    assert get(ii[0], "基本情報", "ファイルの種類") == "システム用ファイル"
    assert get(ii[0], "基本情報", "対象となる本人の数") == "10万人以上100万人未満"
    assert get(ii[1], "基本情報", "記録される項目") == "10項目以上50項目未満"
    assert get(ii[0], "基本情報", "保有開始日") == dt.date(2015, 8, 1)
    assert get(ii[2], "基本情報", "保有開始日") == dt.date(2015, 10, 2)
    assert get(ii[2], "特定個人情報の入手・使用", "使用開始日") == dt.date(2015, 10, 5)
    assert get(ii[1], "基本情報", "主な記録項目") == ["個人番号", "4情報（氏名、性別、生年月日、住所）"]
    records = files(S000, "特定個人情報ファイル記録項目")
    assert column(records, "特定個人情報ファイル名") == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    assert records[0]["記録項目"].startswith("1. 宛名番号\n2. 住民票コード\n3. 個人番号")
    assert data(S000)["事務の内容"].startswith("「(1)住民基本台帳ファイル」を取り扱う事務の内容")


def test_000_entrust():
    entrust = files(S000)[0][ENTRUST]
    assert entrust["委託の有無"] == "委託する" and entrust["委託件数"] == 2
    items = entrust["委託事項"]
    assert column(items, "委託事項名") == ["既存住基システム運用支援及び保守業務委託", "住民票の写し等証明書の発行"]
    assert column(items, "委託先名") == ["富士通Japan株式会社 長野公共ビジネス部", "株式会社 エイジック"]
    assert column(items, "取扱いを委託する特定個人情報ファイルの範囲") == ["特定個人情報ファイルの全体"] * 2
    assert column(items, "委託先における取扱者数") == ["10人以上50人未満"] * 2
    # the second entry prints its 再委託の有無 inside an HTML cell after the 「再委託」 heading
    assert [entry["再委託"]["再委託の有無"] for entry in items] == ["再委託しない", "再委託しない"]
    assert items[1]["対象となる本人の範囲"] == "「2. ③対象となる本人の範囲」と同範囲。"
    assert files(S000)[1][ENTRUST]["委託事項"] == []  # an entry printed empty is dropped


def test_000_provide_and_store():
    ii = files(S000)
    provide = ii[0][PROVIDE]
    assert provide["提供・移転の有無"] == ["提供を行っている", "移転を行っている"]
    assert (provide["提供件数"], provide["移転件数"]) == (60, 62)
    assert provide["提供先"][0]["提供先名"].startswith("番号法第19条第8号(特定時個人情報の提供の制限)")
    assert provide["提供先"][1]["提供先名"] == "長野市教育委員会"
    assert provide["提供先"][0]["提供方法"] == ["情報提供ネットワークシステム"]
    assert provide["移転先"][0]["移転先名"].startswith("市長部局(番号法第19条第8号")
    assert provide["移転先"][0]["移転する情報の対象となる本人の数"] == "10万人以上100万人未満"
    assert provide["別紙"].startswith("(別紙1) 番号法第19条第8号に基づく利用特定個人情報の提供に関する命令第2条の表")
    assert column(ii[1][PROVIDE]["提供先"], "提供先名") == ["都道府県", "都道府県及び地方公共団体情報システム機構(機構)"]
    assert get(ii[0], STORE, "保管期間", "期間") == "20年以上"
    assert get(ii[1], STORE, "保管場所").startswith("セキュリティゲートにて入退室管理を行っている部屋に設置したサーバ内")


def test_000_risk_measures():
    iii = files(S000, III)
    assert column(iii, "特定個人情報ファイル名") == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    acquire = "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）"
    assert get(iii[0], acquire, "目的外の入手が行われるリスク", "リスクへの対策は十分か") == "十分である"
    use_r2 = ("特定個人情報の使用", "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク")
    assert get(iii[0], *use_r2, "ユーザ認証の管理", "ユーザ認証の管理") == "行っている"
    assert get(iii[1], *use_r2, "ユーザ認証の管理", "具体的な管理方法") == "・ユーザIDと生体認証による操作者認証を行う。"
    assert get(iii[0], ENTRUST, "委託しない") == []
    assert get(iii[1], ENTRUST, "委託しない") == ["委託しない"]
    reentrust = "再委託先による特定個人情報ファイルの適切な取扱いの確保"
    assert get(iii[0], ENTRUST, reentrust, reentrust) == "十分に行っている"
    link = "情報提供ネットワークシステムとの接続"
    assert get(iii[0], link, "接続しない") == ["接続しない（入手）"]
    assert get(iii[1], link, "接続しない") == ["接続しない（入手）", "接続しない（提供）"]
    r1 = get(iii[0], *III_STORE_R1)
    assert r1["NISC政府機関統一基準群"] == "政府機関ではない"
    assert r1["バックアップ"] == "十分に行っている"  # its label is lost in the text: placed by its options
    assert get(iii[1], *III_STORE_R1, "安全管理規程") == "十分に整備している"  # label lost too
    assert get(iii[2], *III_STORE_R1, "死者の個人番号", "死者の個人番号") == "保管していない"


def test_000_other_measures_disclosure_procedure():
    d = data(S000)
    assert get(d, "その他のリスク対策", "監査", "自己点検", "自己点検") == "十分に行っている"
    assert get(d, "その他のリスク対策", "従業者に対する教育・啓発", "従業者に対する教育・啓発") == "十分に行っている"
    disclosure = get(d, "開示請求、問合せ", "特定個人情報の開示・訂正・利用停止請求")
    assert disclosure["手数料等"] == "無料" and disclosure["個人情報ファイル簿の公表"] == "行っている"
    assert disclosure["公表場所"].startswith("総務部 文書情報管理課 https://www.city.nagano.nagano.jp/")
    assert get(d, "評価実施手続", "基礎項目評価") == {
        "実施日": dt.date(2025, 6, 1), "しきい値判断結果": "基礎項目評価及び全項目評価の実施が義務付けられる"}
    assert get(d, "評価実施手続", "国民・住民等からの意見の聴取", "実施日・期間") == "令和7年6月6日から令和7年7月5日までの30日間"
    assert get(d, "評価実施手続", "第三者点検", "実施日") == "令和7年7月予定"


# ---------------------------------------------------------------------------------------- 004 (川口市, 重点項目)

def test_004_cover_and_basic_information():
    d = data(S004)
    assert (d["様式"], d["様式版"]) == ("重点項目", "令和6年10月 様式3")
    assert get(d, "表紙", "評価書番号") == "8"
    assert get(d, "表紙", "評価書名") == "川口市 介護保険に関する事務 重点項目評価書"
    assert get(d, "表紙", "評価実施機関名") == "埼玉県川口市長"
    assert get(d, "表紙", "公表日") == dt.date(2025, 12, 26)
    assert get(d, "表紙", "特記事項").startswith("介護保険に関する事務では、事務の一部を外部業者に委託しているが")
    jimu = get(d, I, "特定個人情報ファイルを取り扱う事務")
    assert jimu["事務の名称"] == "介護保険に関する事務"
    assert jimu["事務の内容"].split("\n")[:3] == [
        "1. 被保険者の資格管理",
        "・転入、年齢到達による資格取得及び転出、死亡等による資格喪失による異動情報を含む住民記録情報の管理を行う。",
        "・被保険者に介護保険被保険者証(以下「被保険者証」という。)を交付する。"]
    assert jimu["対象人数"] is None  # 004 prints the option list without a choice
    assert get(d, I, "特定個人情報ファイル名") == "介護保険情報ファイル"
    assert get(d, I, "情報提供ネットワークシステムによる情報連携", "実施の有無") == "実施する"
    assert get(d, I, "評価実施機関における担当部署") == {"部署": "川口市 福祉部 介護保険課", "所属長の役職名": "介護保険課長"}


def test_004_systems():
    systems = get(data(S004), I, *SYSTEMS)
    assert column(systems, "システムの名称") == [
        "介護保険システム", "団体内統合宛名システム", "共通基盤システム(庁内連携システム)", "既存住民基本台帳システム",
        "中間サーバ", "個人住民税システム", "電子申請システム"]
    assert systems[0]["他のシステムとの接続"] == ["庁内連携システム", "その他（認定審査会支援システム）"]
    assert systems[4]["他のシステムとの接続"] == ["情報提供ネットワークシステム", "既存住民基本台帳システム", "宛名システム等"]
    assert systems[6]["他のシステムとの接続"] == []  # boxes printed, none ticked


def test_004_file_overview():
    (f,) = files(S004)
    assert f["特定個人情報ファイル名"] == "介護保険情報ファイル"
    basic = f["基本情報"]
    assert (basic["ファイルの種類"], basic["対象となる本人の数"], basic["記録される項目"]) == (
        "システム用ファイル", "10万人以上100万人未満", "100項目以上")
    assert basic["保有開始日"] == dt.date(2016, 1, 1)  # printed 2016/01/01
    use = f["特定個人情報の入手・使用"]
    assert use["使用開始日"] == dt.date(2016, 1, 1)  # printed 平成28年1月1日
    assert use["使用の主体"]["使用者数"] == "100人以上500人未満"  # on the line below its label
    assert use["使用目的"] == "被保険者の資格管理、要介護認定、保険給付及び賦課徴収等介護保険事務を行うため。"
    entrust = f[ENTRUST]
    assert (entrust["委託の有無"], entrust["委託件数"]) == ("委託する", 1)
    (item,) = entrust["委託事項"]
    assert item["委託事項名"] == "介護保険システム運用・保守業務"
    assert item["委託先名"] == "株式会社日立システムズ"
    assert item["委託先における取扱者数"] == "10人以上50人未満"
    assert item["再委託の有無"] == "再委託する"
    assert item["再委託"]["再委託事項"] == "保守及びリース物件の搬入・現地調整等の委託。"
    provide = f[PROVIDE]
    assert provide["提供・移転の有無"] == ["提供を行っている"]
    assert (provide["提供件数"], provide["移転件数"]) == (21, 10)
    (to,) = provide["提供先"]
    assert to["提供先名"] == "番号法第19条第8号に基づく主務省令第2条の表の第1欄に定める情報照会者(別紙1参照)"
    assert to["提供方法"] == ["情報提供ネットワークシステム", "その他（電話回線）"]
    assert to["時期・頻度"] == "随時"
    (transfer,) = provide["移転先"]  # 004 omits the 「移転先1」 line: its items still make the entry
    assert transfer["移転方法"] == ["庁内連携システム"]
    assert transfer["法令上の根拠"] == "番号法第9条第1項別表の第1欄に定める者(別紙2参照)"
    assert provide["別紙"].startswith("(別紙1)番号法第19条第8号に基づく主務省令第2条別表に定める事務")
    assert f[STORE]["保管場所"].split("\n")[:2] == [
        "<川口市における措置>",
        "生体認証を行っている電算機室のオートロック扉の内部。サーバへのアクセスにはユーザID・パスワードの認証が必要。"]


def test_004_risks_disclosure_procedure():
    d = data(S004)
    (f,) = files(S004, "リスク対策")
    assert f["特定個人情報ファイル名"] == "介護保険課情報ファイル"  # as printed in Ⅲ
    acquire = "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）"
    assert get(f, acquire, "目的外の入手が行われるリスク", "リスクへの対策は十分か") == "十分である"
    reentrust = "再委託先による特定個人情報ファイルの適切な取扱いの担保"
    assert get(f, ENTRUST, "委託先における不正な使用等のリスク", reentrust, reentrust) == "十分に行っている"
    assert get(f, "情報提供ネットワークシステムとの接続", "接続しない") == []
    r1 = get(f, *III_STORE_R1)
    assert r1["事故発生時手順の策定・周知"] == "十分に行っている"
    accident = "過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか"
    assert r1[accident][accident] == "発生なし"  # printed on a line of its own, label lost
    assert get(d, "リスク対策", "監査", "実施の有無") == ["自己点検"]
    assert get(d, "リスク対策", "従業者に対する教育・啓発", "従業者に対する教育・啓発") == "十分に行っている"
    assert get(d, "開示請求、問合せ", "特定個人情報の開示・訂正・利用停止請求", "請求先") == (
        "川口市総務部行政管理課情報公開文書係 川口市青木2-1-1 048-258-1641")
    assert get(d, "評価実施手続", "基礎項目評価") == {
        "実施日": dt.date(2025, 9, 5), "しきい値判断結果": "基礎項目評価及び重点項目評価の実施が義務付けられる"}
    assert get(d, "評価実施手続", "国民・住民等からの意見の聴取", "方法") == "—"


# ---------------------------------------------------------------------------------------- 001 (墨田区, PDF layout)

def test_001_pdf_layout_best_effort():
    d = data(S001)
    assert (d["様式"], d["様式版"]) == ("全項目", "令和6年10月 様式4")
    jimu = get(d, I, "特定個人情報ファイルを取り扱う事務")
    assert (jimu["事務の名称"], jimu["対象人数"]) == ("住民基本台帳に関する事務", "30万人以上")
    assert get(d, I, "情報提供ネットワークシステムによる情報連携", "実施の有無") == "実施する"
    assert get(d, I, "評価実施機関における担当部署") == {"部署": "区民部窓口課", "所属長の役職名": "窓口課長"}
    ii = files(S001)
    assert column(ii, "特定個人情報ファイル名") == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    assert get(ii[0], "基本情報", "ファイルの種類") == "システム用ファイル"
    assert get(ii[0], "基本情報", "対象となる本人の数") == "10万人以上100万人未満"
    assert get(ii[0], "基本情報", "保有開始日") == dt.date(2015, 10, 1)  # 「平成２７年１０月１日」
    assert get(ii[2], "基本情報", "保有開始日") == dt.date(2015, 10, 5)
    entrust = ii[0][ENTRUST]
    assert entrust["委託の有無"] == "委託する"
    # each entry's rows come before its 「委託事項n」 heading in the layout's order
    assert column(entrust["委託事項"], "委託事項名") == [
        "既存住基システム等の運用保守業務", "個人番号カード交付等関連業務", "住民基本台帳等の入力業務",
        "住民票の写し等の郵送請求処理業務、電話対応業務", "証明書自動交付システムの運用保守"]
    assert column(entrust["委託事項"], "委託先名")[:2] == ["株式会社ジーシーシー", "キャリアリンク株式会社"]
    iii = files(S001, III)
    assert column(iii, "特定個人情報ファイル名") == ["住民基本台帳ファイル", "本人確認情報ファイル", "送付先情報ファイル"]
    use_r2 = ("特定個人情報の使用", "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク")
    assert get(iii[1], *use_r2, "ユーザ認証の管理", "具体的な管理方法") == "生体認証による操作者認証を行う。"
    disclosure = get(d, "開示請求、問合せ", "特定個人情報の開示・訂正・利用停止請求")
    assert (disclosure["手数料等"], disclosure["個人情報ファイル簿の公表"]) == ("無料", "行っている")
    assert get(d, "評価実施手続", "基礎項目評価", "実施日") == dt.date(2020, 6, 11)


def test_001_choice_whose_closing_bracket_the_layout_moved():
    """「[ 1万人以上10万人未満」 (its 「]」 printed elsewhere) is the answer of the choice above it."""
    provide = files(S001)[0][PROVIDE]
    assert provide["提供先"][0]["提供する情報の対象となる本人の数"] == "10万人以上100万人未満"
    entrust = files(S001)[0][ENTRUST]["委託事項"]
    assert [get(e, "再委託", "再委託の有無") for e in entrust[:2]] == ["再委託する", "再委託しない"]


def test_001_count_printed_away_from_its_label():
    """「（ 5 ）　件」 printed before 「委託の有無」 (between 委託事項1's rows) is the file's 委託件数."""
    assert files(S001)[0][ENTRUST]["委託件数"] == 5


def test_001_unplaced_text_is_kept_with_its_lines():
    result, d = imported(S001)
    lines = (DATA / S001).read_text(encoding="utf-8").split("\n")
    assert d[UNPLACED_KEY] and result.unplaced > 0
    for entry in d[UNPLACED_KEY]:
        first, last = (int(x) for x in entry["行"].split("-"))
        assert 1 <= first <= last <= len(lines)
        assert entry["本文"].split("\n")[0].replace(" ", "")[:6] in "".join(lines[first - 1:last]).replace(" ", "")


def test_001_imports_fast():
    raw = (DATA / S001).read_bytes()
    start = time.perf_counter()
    import_text(raw, S001)
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------------------------------- all seeds

@pytest.mark.parametrize("seed", [S000, S001, S002, S004])
def test_import_validates_and_reports(seed):
    result = imported(seed)[0]
    assert load_text(result.yaml_text, seed).form.form == result.form
    assert result.items_in_schema > result.items_filled > 0
    assert result.placed + result.unplaced == sum(1 for line in (DATA / seed).read_text().split("\n") if line.strip())
    print(f"\n{seed}: {result.form} ({result.layout}) items {result.items_filled}/{result.items_in_schema}, "
          f"lines placed {result.placed}, unplaced {result.unplaced}, legacy rows {result.legacy_rows}")


@pytest.mark.parametrize("seed", sorted(LEGACY_ROWS))
def test_legacy_rows(seed):
    result, d = imported(seed)
    assert result.legacy_rows == len(d[LEGACY_KEY]) == LEGACY_ROWS[seed]
    assert all(row["出典行"] for row in d[LEGACY_KEY])


def test_002_without_cover_is_read_by_its_labels():
    result, d = imported(S002)
    assert result.form == "全項目" and any("判定" in n for n in result.notices)
    assert get(d, I, "特定個人情報ファイルを取り扱う事務", "対象人数") == "30万人以上"
    assert get(d, I, "評価実施機関における担当部署", "所属長の役職名") == "住民情報課長"


@pytest.mark.parametrize("seed", [S000, S001, S004])
def test_deterministic(seed):
    raw = (DATA / seed).read_bytes()
    assert import_text(raw, seed).yaml_text == import_text(raw, seed).yaml_text


def test_line_endings_and_bom_do_not_matter():
    raw = (DATA / S004).read_bytes()
    assert import_text(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"), S004).yaml_text == imported(S004)[0].yaml_text


def flat(tree: object, path: tuple = ()) -> dict:
    if isinstance(tree, dict):
        return {k: v for key, value in tree.items() for k, v in flat(value, path + (key,)).items()}
    if isinstance(tree, list) and tree and all(isinstance(e, dict) for e in tree):
        return {k: v for i, e in enumerate(tree) for k, v in flat(e, path + (i,)).items()}
    return {path: tree}


@pytest.mark.parametrize(("seed", "old", "new", "changed"), [
    (S004, "③委託先名\t株式会社日立システムズ", "③委託先名\t株式会社日立ソリューションズ",
     (II, "特定個人情報ファイル", 0, ENTRUST, "委託事項", 0, "委託先名")),
    (S000, "②所属長の役職名\t課長", "②所属長の役職名\t市民窓口課長",
     (I, "評価実施機関における担当部署", "所属長の役職名")),
    (S000, "⑤保有開始日\t平成27年10月2日", "⑤保有開始日\t平成27年10月3日",
     (II, "特定個人情報ファイル", 2, "基本情報", "保有開始日")),
])
def test_one_line_edit_changes_only_that_item(seed, old, new, changed):
    text = (DATA / seed).read_text(encoding="utf-8")
    assert text.count(old) == 1
    before = flat(data(seed))
    after = flat(load_text(import_text(text.replace(old, new).encode(), seed).yaml_text, seed).data)
    assert before.keys() == after.keys()
    assert [path for path in before if before[path] != after[path]] == [changed]


def test_cp932_copy_imports_the_same():
    text = (DATA / S004).read_text(encoding="utf-8").replace("—", "―")  # U+2014 has no CP932 code
    utf8 = import_text(text.encode("utf-8"), S004)
    sjis = import_text(text.encode("cp932"), S004)
    assert sjis.yaml_text == utf8.yaml_text
    assert any("CP932" in n for n in sjis.notices) and not utf8.notices
    assert import_text(text.encode("cp932"), S004, encoding="cp932").yaml_text == utf8.yaml_text


@pytest.mark.parametrize("raw", [
    "議事録\n\n1. 開会\n2. 報告事項\n本日の会議では予算について審議した。\n".encode(),
    "# README\n\nThis is not an assessment.\n".encode("cp932"),
])
def test_not_an_assessment_is_refused(raw):
    with pytest.raises(PiaError, match="特定個人情報保護評価書のテキストとして読めません"):
        import_text(raw, "minutes.txt")


@pytest.mark.parametrize(("raw", "message"), [
    ("評価書".encode("utf-16"), "UTF-16"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "バイナリ"),
    (b"  \n\n", "空"),
])
def test_unreadable_input_is_refused(raw, message):
    with pytest.raises(PiaError, match=message):
        import_text(raw, "input.txt")


def test_forced_form_wins_with_a_notice():
    result = import_text((DATA / S004).read_bytes(), S004, form="全項目")
    assert result.form == "全項目" and any("指定どおり" in n for n in result.notices)


def test_pdf_rules_read_another_layout():
    """The PDF reader is not tuned to 001: 004 flowed one cell a line (as pdftotext prints a table) keeps its values."""
    text = (DATA / S004).read_text(encoding="utf-8")
    flowed = import_text(text.replace("\t", "\n").encode(), S004)
    assert flowed.layout == "pdf"
    tabbed = {k: v for k, v in flat(data(S004)).items() if k[0] not in (LEGACY_KEY, UNPLACED_KEY) and v not in (None, [])}
    pdf = flat(load_text(flowed.yaml_text, S004).data)
    same = [k for k in tabbed if pdf.get(k) == tabbed[k]]
    assert len(same) >= 0.95 * len(tabbed)
    assert pdf[(II, "特定個人情報ファイル", 0, ENTRUST, "委託事項", 0, "委託先名")] == "株式会社日立システムズ"
