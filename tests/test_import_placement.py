"""Body placement of PDF flow text (issue #26, item 3), checked against the seed texts themselves: values
the layout printed away from their labels, checkbox rows it interleaved, option lists in several columns,
page furniture, and the 未配置 promise (nothing a document says is lost) over every seed."""
from __future__ import annotations

import difflib
import re
import unicodedata

import pytest

from pia_changes.document.model import LEGACY_KEY, UNPLACED_KEY, load_text
from pia_changes.forms import load_form, walk
from pia_changes.importer import import_text
from pia_changes.text.normalise import compare_key, html_to_text
from pia_changes.text.wareki import parse_date
from tests.helpers import seeds

II = "特定個人情報ファイルの概要"
USE = "特定個人情報の入手・使用"


def data(number: str) -> dict:
    result = seeds.imported(number)
    return load_text(result.yaml_text, number).data


def seed_lines(number: str) -> list[str]:
    return seeds.seed_path(number).read_text(encoding="utf-8").split("\n")


def block_from(lines: list[str], start: str) -> list[str]:
    """The lines of the (first) paragraph, up to a blank line, that starts with START, read off the document."""
    first = next(k for k, line in enumerate(lines) if line.startswith(start))
    out = []
    for line in lines[first:]:
        if not line.strip():
            break
        out.append(line)
    return out


def files(number: str) -> list[dict]:
    return data(number)[II]["特定個人情報ファイル"]


# ---------------------------------------------------------------------------------------- 001 (PDF layout)

def test_001_unplaced_lines_within_target():
    assert seeds.imported("001").unplaced <= 60


def test_001_values_printed_before_their_labels():
    """Two text blocks come out before 「②事務の内容」 and 「②システムの機能」, which the layout printed with
    nothing beside them: the blocks are their values, in order."""
    lines = seed_lines("001")
    jimu = block_from(lines, "市区町村が住民を対象とする行政を適切に行い")
    kinou = block_from(lines, "①住民基本台帳管理機能")
    first_label = next(k for k, line in enumerate(lines) if line.strip().startswith("②事務の内容"))
    assert lines.index(jimu[0]) < lines.index(kinou[0]) < first_label  # printed before the labels
    d = data("001")
    assert compare_key(d["基本情報"]["特定個人情報ファイルを取り扱う事務"]["事務の内容"]) == compare_key("".join(jimu))
    system1 = d["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"][0]
    assert system1["システムの名称"].startswith("既存住民基本台帳システム")
    assert compare_key(system1["システムの機能"]) == compare_key("".join(kinou))


def test_001_value_printed_after_other_rows():
    """Each file's 「⑧使用方法」 stands alone; its text comes after the 使用の主体 rows (or the 入手元 boxes)."""
    lines = seed_lines("001")
    starts = ["・各種申請・届出があった際に情報を検索する。", "・住民票の記載事項の変更又は新規作成が生じた場合",
              "既存住基システムから個人番号の通知対象者の情報を抽出し"]
    for entry, start in zip(files("001"), starts):
        assert compare_key(entry[USE]["使用方法"]) == compare_key("".join(block_from(lines, start)))


def test_001_checkbox_rows_interleaved_by_the_layout():
    """The 入手元 and 入手方法 boxes come out mixed; each ticked box goes to the row whose option it names."""
    lines = seed_lines("001")
    ticked = [line for line in lines[660:700] if re.search(r"○\s*\]", line)]
    assert any("地方公共団体・地方独立行政法人" in line for line in ticked)  # printed among 入手方法's boxes
    source = files("001")[0][USE]
    assert source["入手元"] == ["本人又は本人の代理人", "行政機関・独立行政法人等", "地方公共団体・地方独立行政法人"]
    assert source["入手方法"] == ["紙", "庁内連携システム", "その他"]


def test_001_option_list_in_columns_keeps_the_marked_option():
    """「2) 1,000人以上1万人未満」「4) 10万人以上30万人未満」 side by side are the form's list, not answers:
    the answer is the option the document prints in brackets beside the label (「③対象人数 [ 30万人以上」)."""
    lines = seed_lines("001")
    assert "2) 1,000人以上1万人未満" in lines and "4) 10万人以上30万人未満" in lines
    marked = next(line for line in lines if line.strip().startswith("③対象人数"))
    assert marked.split("[")[1].strip() == "30万人以上"
    assert data("001")["基本情報"]["特定個人情報ファイルを取り扱う事務"]["対象人数"] == "30万人以上"


def test_option_list_in_columns_with_the_answer_ticked_in_it():
    """The same choice with its answer marked inside a two-column list instead of beside the label: the
    ticked option is the answer, the other options (in either column) stay the form's list."""
    lines = seed_lines("001")
    at = next(k for k, line in enumerate(lines) if line.strip().startswith("③対象人数"))
    lines[at:at + 1] = [" ③対象人数", "", "＜選択肢＞", "1) 1,000人未満 2) 1,000人以上1万人未満",
                        "3) 1万人以上10万人未満 [ ○ ] 4) 10万人以上30万人未満", "5) 30万人以上"]
    result = import_text("\n".join(lines).encode(), "marked.txt")
    d = load_text(result.yaml_text, "marked.txt").data
    assert d["基本情報"]["特定個人情報ファイルを取り扱う事務"]["対象人数"] == "10万人以上30万人未満"
    assert result.unplaced == seeds.imported("001").unplaced


def test_001_label_wrapped_over_four_lines():
    lines = seed_lines("001")
    iii = data("001")["特定個人情報ファイルの取扱いプロセスにおけるリスク対策"]["特定個人情報ファイル"][0]
    value = iii["特定個人情報ファイルの取扱いの委託"]["特定個人情報の提供ルール"]
    label = "委託先から他者への提供に関するルールの内容及びルール遵守の確認方法"
    assert compare_key(value[label]) == compare_key("".join(block_from(lines, "・委託先から他者への特定個人情報の提供は一切認めない")))


def test_001_label_cut_after_a_shorter_label():
    """「特定個人情報の提供・移転」 (a heading of its own) then 「の記録」: the longer label, not a heading and a
    stray line."""
    lines = seed_lines("001")
    cut = [k + 1 for k, line in enumerate(lines) if line.strip() == "の記録"]
    assert len(cut) == 3 and all(lines[k - 2].strip() == "特定個人情報の提供・移転" for k in cut)
    unplaced = {k for entry in data("001")[UNPLACED_KEY]
                for k in range(int(entry["行"].split("-")[0]), int(entry["行"].split("-")[1]) + 1)}
    assert not unplaced & set(cut)


def test_000_text_row_whose_label_cell_is_empty():
    """000 prints 情報連携's ②法令上の根拠 as a row with an empty label cell, right after ①実施の有無."""
    lines = seed_lines("000")
    at = next(k for k, line in enumerate(lines) if line.startswith("①実施の有無"))
    row = next(line for line in lines[at + 1:] if line.strip() and not line.strip().startswith("1)"))
    assert row.startswith("\t") and "番号法第19条第8号" in row
    linked = data("000")["基本情報"]["情報提供ネットワークシステムによる情報連携"]
    assert compare_key(linked["法令上の根拠"]) == compare_key(html_to_text(row))


def test_001_annex_text_printed_before_its_heading():
    """（別添1） 事務の内容's flow description comes out before the annex's heading: it opens the annex."""
    lines = seed_lines("001")
    annex = compare_key(data("001")["事務の内容"])
    for start in ("1-①　区民から、転入", "6-①　戸籍附票情報を更新すると", "1　住民異動に伴う本人確認情報の更新"):
        assert compare_key(block_from(lines, start)[0]) in annex
    assert annex.index(compare_key("1-①　区民から、転入")) < annex.index(compare_key("6-②　転入時に既存住基システム"))


def test_page_numbers_and_running_titles_are_furniture():
    """001 with a page number and the title repeated every ~150 lines (at blank lines, as pdftotext prints a
    page break) imports to the same items."""
    lines = seed_lines("001")
    title = lines[1]
    out, page, since = [], 1, 0
    for k, line in enumerate(lines):
        out.append(line)
        since += 1
        if k > 40 and since > 150 and not line.strip():
            page, since = page + 1, 0
            out += [f"{page} / 76 ページ", "", title, ""]
    paged = import_text("\n".join(out).encode(), "paged.txt")
    plain = data("001")
    again = load_text(paged.yaml_text, "paged.txt").data
    skip = {UNPLACED_KEY, LEGACY_KEY}
    assert page > 50
    assert {k: v for k, v in again.items() if k not in skip} == {k: v for k, v in plain.items() if k not in skip}
    assert paged.unplaced == seeds.imported("001").unplaced


def _flat(tree: object, path: tuple = ()):
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _flat(value, path + (key,))
    elif isinstance(tree, list) and tree and isinstance(tree[0], dict):
        for n, value in enumerate(tree):
            yield from _flat(value, path + (n,))
    else:
        yield path, tree


def test_pdf_rules_on_000_flowed_one_cell_a_line():
    """000 printed one cell a line (as pdftotext prints a table): the PDF rules, the values they move away
    from their lines included, keep what the tab-separated import reads."""
    text = seeds.seed_path("000").read_text(encoding="utf-8")
    flowed = import_text(text.replace("\t", "\n").encode(), "flowed.txt")
    assert flowed.layout == "pdf"
    tabbed = {k: v for k, v in _flat(data("000")) if k[0] not in (LEGACY_KEY, UNPLACED_KEY) and v not in (None, [])}
    pdf = dict(_flat(load_text(flowed.yaml_text, "flowed.txt").data))
    same = [k for k in tabbed if pdf.get(k) == tabbed[k]]
    assert len(same) >= 0.93 * len(tabbed)


# ---------------------------------------------------------------------------------------- the 未配置 promise

_MARKS = re.compile(r"※?[(（][^()（）]*を除く。?[)）]|[<＜〈]?選択肢[>＞〉]?|\d{1,2}\)|[①-⑳ⅠⅡⅢⅣⅤⅥ]|[～~〜]|"
                    r"[\[\]〔〕【】()○〇◯●※*\-—―ー－‐・:：、。]")
_TABLE_WORDS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明", "項番", "変更区分",
                "備考", "(前回の評価書)", "項目一覧", "変更箇所", "特定個人情報保護評価書")


def _form_words(form_name: str) -> list[str]:
    """Everything the form itself prints: labels, keys, options, headings among options, entry stems."""
    form = load_form(form_name)
    words = {compare_key(w) for w in _TABLE_WORDS} | {compare_key(form.title)}
    for node in walk(form.nodes):
        for word in (node.key, node.label, *node.aliases, *node.options, *node.headings, node.entry_label or ""):
            word = compare_key(word.replace("{n}", "").replace("{name}", ""))
            if len(word) >= 2:
                words.add(word)
    return sorted(words, key=len, reverse=True)


def _leaves(tree: object):
    if isinstance(tree, dict):
        for value in tree.values():
            yield from _leaves(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _leaves(value)
    elif tree is not None:
        yield tree.isoformat() if hasattr(tree, "isoformat") else tree


def _letters(text: str) -> int:
    return sum(unicodedata.category(ch)[0] in "LN" for ch in text)


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_nothing_the_document_says_is_dropped(number):
    """Every word of every line is in the imported file (an item's value, a legacy row, 未配置 with its line
    number) or is the form's own printing (a label, an option, the list of options, a heading)."""
    result = seeds.imported(number)
    d = load_text(result.yaml_text, number).data
    blob = "\x00".join(compare_key(x) for x in _leaves(d))
    words = _form_words(result.form)
    table = set()
    for row in d[LEGACY_KEY]:
        for part in row["出典行"].split(","):
            first, _, last = part.partition("-")
            table.update(range(int(first) - 1, int(last or first)))
    lines = seed_lines(number)
    for entry in d[UNPLACED_KEY]:  # kept under its own line numbers
        first, last = (int(x) for x in entry["行"].split("-"))
        assert compare_key(entry["本文"])[:6] in compare_key(html_to_text("".join(lines[first - 1:last])))
    lost = []
    for k, line in enumerate(lines):
        if k in table:
            continue
        for token in html_to_text(_MARKS.sub(" ", line) if "を除く" in line else line).split():
            day = parse_date(token)
            key = compare_key(day.isoformat() if day else token)
            if key in blob or compare_key(token) in blob or any(key in w for w in words):
                continue
            if token.startswith("[") and difflib.get_close_matches(key.strip("[]"), words, n=1, cutoff=0.75):
                continue  # a misprinted option (「[实施する]」) is read as the option
            for word in words:
                key = key.replace(word, "\x01")
            pieces = [p for p in _MARKS.sub("\x01", key).split("\x01") if _letters(p) >= 2]
            if any(p not in blob for p in pieces):
                lost.append((k + 1, token))
    assert lost == []
