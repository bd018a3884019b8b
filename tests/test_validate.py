"""`pia-changes validate` (and diff/generate, which read the same files): bad input → one clear line each.

Every test writes a real file in tmp_path and runs the real CLI (CliRunner in-process; a
subprocess where the input could crash or exhaust the interpreter). Documents are built by
`tests.helpers.documents.filled` (every item a valid value), dumped and then edited as TEXT; the expected line numbers are computed from that text, never from the parser under test.
Contract: design.md, CLI contract (`FILE:LINE: LABEL: message`, exit 1) and Decisions
(Validation and empty values; Encodings and line endings).
"""
from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

import pytest

from pia_changes.document.model import load_text
from pia_changes.errors import InvalidDocument
from tests.helpers.cli import invoke, run_process
from tests.helpers.documents import dump, filled
from tests.helpers.gitrepo import Repo

FORM_NAME = "重点項目"
DOC = "doc.yaml"
OPTIONS_PEOPLE = "1,000人未満、1,000人以上1万人未満、1万人以上10万人未満、10万人以上30万人未満、30万人以上"
JIMU = "Ⅰ 基本情報 > 1. 特定個人情報ファイルを取り扱う事務"
SYSTEMS = "Ⅰ 基本情報 > 2. 特定個人情報ファイルを取り扱う事務において使用するシステム"
AUDIT = "Ⅲ リスク対策 > 8. 監査 > 実施の有無"


# --- documents ------------------------------------------------------------------------------

def filled_data() -> dict:
    """Every leaf a valid value; every text a unique one (記載1, 記載2 …)."""
    return filled(FORM_NAME, 1)


def filled_text() -> str:
    return dump(filled_data())


def line_no(text: str, prefix: str, after: str | None = None, nth: int = 1) -> int:
    """1-based number of the nth line starting with PREFIX (below the first line starting with AFTER)."""
    lines = text.split("\n")
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if line.startswith(after)) + 1
    hits = [i for i in range(start, len(lines)) if lines[i].startswith(prefix)]
    assert len(hits) >= nth, f"no line {nth} starting with {prefix!r}"
    if nth == 1 and after is None:
        assert len(hits) == 1, f"{prefix!r} is ambiguous: lines {[h + 1 for h in hits]}"
    return hits[nth - 1] + 1


def replace_line(text: str, prefix: str, new: str, after: str | None = None) -> tuple[str, int]:
    """TEXT with the line starting with PREFIX replaced by NEW (which may span lines); its line number."""
    n = line_no(text, prefix, after)
    lines = text.split("\n")
    lines[n - 1] = new
    return "\n".join(lines), n


# --- running ----------------------------------------------------------------------------------

@pytest.fixture
def cwd(tmp_path, monkeypatch) -> Path:
    """Run in tmp_path so file names in messages are relative and pia-changes.toml is ours."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def validate(*files: str, warnings: bool = False):
    return invoke("validate", *(["--warnings"] if warnings else []), *files)


def error_lines(result) -> list[str]:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    return result.stderr.splitlines()


def one_error(result, prefix: str, *words: str) -> str:
    """Exit 1, exactly one stderr line, starting with PREFIX and containing every word."""
    lines = error_lines(result)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(prefix), (line, prefix)
    for word in words:
        assert word in line, (word, line)
    return line


# --- the baseline ----------------------------------------------------------------------------

def test_filled_document_is_valid_and_silent(cwd):
    write(cwd / DOC, filled_text())
    result = validate(DOC)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{DOC}: OK（重点項目評価書）\n"
    assert result.stderr == ""


# --- schema errors ---------------------------------------------------------------------------

def test_unknown_key_names_closest_valid_key(cwd):
    text, _ = replace_line(filled_text(), "  評価書番号: ", "  評価書番号: 記載1\n  評価書番: 12")
    n = line_no(text, "  評価書番: ")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: 表紙: ", "様式にない項目「評価書番」です", "（「評価書番号」ではありませんか）")


def test_problems_are_data_with_item_path_and_code():
    """Errors as data (Decisions 2026-12-06): the CLI line is one rendering of them."""
    text, _ = replace_line(filled_text(), "  評価書番号: ", "  評価書番号: 記載1\n  評価書番: 12")
    text = text.replace("  評価書名: ", "  評価書名: x\n  評価書名: ", 1)
    with pytest.raises(InvalidDocument) as err:
        load_text(text, "doc.yaml")
    found = {(p.code, p.item_path) for p in err.value.problems}
    assert ("unknown_item", ("表紙", "評価書番")) in found
    assert any(code == "duplicate_key" for code, _ in found)
    unknown = next(p for p in err.value.problems if p.code == "unknown_item")
    assert str(unknown) == f"doc.yaml:{unknown.line}: 表紙: {unknown.message}"


def test_unknown_key_inside_group_entry(cwd):
    text, _ = replace_line(filled_text(), "      システムの機能: ", "      システムの機能: 記載9\n      システムの昨日: x")
    n = line_no(text, "      システムの昨日: ")
    write(cwd / DOC, text)
    line = one_error(validate(DOC), f"{DOC}:{n}: {SYSTEMS} > ", "様式にない項目「システムの昨日」です",
                     "「システムの機能」ではありませんか")
    assert "システム1: " in line


def test_unknown_top_level_key(cwd):
    text = filled_text() + "変更履歴: []\n"
    n = line_no(text, "変更履歴:")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: 様式にない項目「変更履歴」です", "「変更箇所」ではありませんか")


def test_misspelt_key_reports_missing_item_and_unknown_key(cwd):
    text, n = replace_line(filled_text(), "  評価書番号: ", "  評価書番: 記載1")
    write(cwd / DOC, text)
    parent = line_no(text, "表紙:")
    assert error_lines(validate(DOC)) == [
        f"{DOC}:{parent}: 表紙 > 評価書番号: 必須の項目「評価書番号」がありません",
        f"{DOC}:{n}: 表紙: 様式にない項目「評価書番」です（「評価書番号」ではありませんか）",
    ]


def test_mapping_where_text_expected(cwd):
    text, n = replace_line(filled_text(), "    事務の名称: ", "    事務の名称:\n      名前: 住民基本台帳事務")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: {JIMU} > ①事務の名称: ", "文章で記入してください")


def test_list_where_text_expected(cwd):
    text, n = replace_line(filled_text(), "    事務の内容: ", "    事務の内容: [一, 二]")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: {JIMU} > ②事務の内容: ", "文章で記入してください")


def _audit(value: object) -> tuple[str, int]:
    data = filled_data()
    data["リスク対策"]["監査"]["実施の有無"] = value
    text = dump(data)
    return text, line_no(text, "    実施の有無: ", after="  監査:")


def test_string_where_checkbox_list_expected(cwd):
    text, n = _audit("自己点検")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: {AUDIT}: ", "チェックした選択肢をリストで書いてください")


def test_checkbox_option_not_listed(cwd):
    text, n = _audit("[自己点検, 抜き打ち検査]")
    write(cwd / DOC, text.replace("'[自己点検, 抜き打ち検査]'", "[自己点検, 抜き打ち検査]"))
    one_error(validate(DOC), f"{DOC}:{n}: {AUDIT}: ",
              "選択肢にありません: 抜き打ち検査", "（選べるもの: 自己点検、内部監査、外部監査）")


@pytest.mark.parametrize("value, shown", [("-3", "-3"), ("三件", "三件"), ("1.5", "1.5"), ("'3'", "3"),
                                          ("true", "True")])
def test_count_must_be_a_non_negative_integer(cwd, value, shown):
    text, n = replace_line(filled_text(), "      委託件数: ", f"      委託件数: {value}")
    write(cwd / DOC, text)
    line = one_error(validate(DOC), f"{DOC}:{n}: Ⅱ 特定個人情報ファイルの概要 > ",
                     f"4. 特定個人情報ファイルの取扱いの委託 > 委託件数: 件数は 0 以上の整数で書いてください: {shown}")
    assert line.endswith(f": {shown}")


def test_count_zero_is_valid(cwd):
    text, _ = replace_line(filled_text(), "      委託件数: ", "      委託件数: 0")
    write(cwd / DOC, text)
    assert validate(DOC).exit_code == 0


def test_choice_not_among_options_lists_them(cwd):
    text, n = replace_line(filled_text(), "    対象人数: ", "    対象人数: 5人")
    write(cwd / DOC, text)
    line = one_error(validate(DOC), f"{DOC}:{n}: {JIMU} > ③対象人数: ", "選択肢にありません: 5人")
    assert line.endswith(f"（選べるもの: {OPTIONS_PEOPLE}）")


def test_choice_open_option_with_free_text_is_valid(cwd):
    text, _ = replace_line(filled_text(), "      - 情報提供ネットワークシステム", "      - その他（証明書発行システム）")
    write(cwd / DOC, text)
    assert validate(DOC).exit_code == 0


@pytest.mark.parametrize("value", ["令和7年2月30日", "あした", "R7.6.1", "20250601", "'2025-13-01'"])
def test_date_item_that_is_not_a_date(cwd, value):
    text, n = replace_line(filled_text(), "  公表日: ", f"  公表日: {value}")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: 表紙 > 公表日: ", "日付として読めません", "2025-06-01 または 令和7年6月1日")


def test_unquoted_impossible_date_names_the_item(cwd):
    text, n = replace_line(filled_text(), "  公表日: ", "  公表日: 2025-02-30")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: 表紙 > 公表日: ", "日付として読めません")


def test_missing_required_item(cwd):
    text, _ = replace_line(filled_text(), "    事務の名称: ", "")
    text = text.replace("\n\n", "\n")
    parent = line_no(text, "  特定個人情報ファイルを取り扱う事務:")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{parent}: {JIMU} > ①事務の名称: ", "必須の項目「事務の名称」がありません")


def test_missing_top_level_section(cwd):
    data = filled_data()
    del data["開示請求、問合せ"]
    write(cwd / DOC, dump(data))
    one_error(validate(DOC), f"{DOC}:1: Ⅳ 開示請求、問合せ: ", "「Ⅳ 開示請求、問合せ」がありません")


def test_optional_item_may_be_absent(cwd):
    text, _ = replace_line(filled_text(), "  特記事項: ", "")
    write(cwd / DOC, text.replace("\n\n", "\n"))
    assert validate(DOC).exit_code == 0


def test_empty_values_are_warnings_only(cwd):
    text, published = replace_line(filled_text(), "  公表日: ", "  公表日: null")
    text, content = replace_line(text, "    事務の内容: ", '    事務の内容: ""')
    text, _ = replace_line(text, "    対象人数: ", "    対象人数:")
    text, _ = replace_line(text, "      委託件数: ", "      委託件数: ~")
    text, _ = replace_line(text, "  特記事項: ", "  特記事項: ''")  # optional: no warning at all
    people = line_no(text, "    対象人数:")
    write(cwd / DOC, text)
    result = validate(DOC)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{DOC}: OK（重点項目評価書） 未記入の項目 3 件（--warnings で一覧）\n"
    assert result.stderr == ""
    listed = validate(DOC, warnings=True)
    assert listed.exit_code == 0
    assert listed.stdout == f"{DOC}: OK（重点項目評価書）\n"
    assert listed.stderr.splitlines() == [
        f"{DOC}:{published}: 表紙 > 公表日: 警告: 未記入です",
        f"{DOC}:{content}: {JIMU} > ②事務の内容: 警告: 未記入です",
        f"{DOC}:{people}: {JIMU} > ③対象人数: 警告: 未記入です",
    ]


def test_unplaced_text_is_a_warning(cwd):
    text = filled_text() + "未配置:\n- 行: 1480\n  本文: どこにも入らなかった文\n"
    n = line_no(text, "未配置:")
    write(cwd / DOC, text)
    result = validate(DOC)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [f"{DOC}:{n}: 未配置: 警告: 取り込みで配置できなかった本文が 1 件あります"]


def test_duplicate_keys(cwd):
    text, _ = replace_line(filled_text(), "  評価書名: ", "  評価書名: 記載2\n  評価書番号: '2'")
    first = line_no(text, "  評価書番号: 記載1")
    second = line_no(text, "  評価書番号: '2'")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{second}: ", f"キー「評価書番号」が重複しています（{first}行目にもあります）")


@pytest.mark.parametrize("first, second", [("住民記録システム", "住民記録システム"),
                                           ("住民記録システムA", "住民記録システムＡ")])  # NFKC
def test_duplicate_identity_in_repeat_group(cwd, first, second):
    data = filled_data()
    systems = data["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    systems[0]["システムの名称"] = first
    systems.append({**copy.deepcopy(systems[0]), "システムの名称": second, "システムの機能": "別の機能"})
    text = dump(data)
    n = line_no(text, "    - システムの名称: ", nth=2)
    write(cwd / DOC, text)
    line = one_error(validate(DOC), f"{DOC}:{n}: {SYSTEMS} > ",
                     f"「{second}」が重複しています（1番目と同じ名前）")
    assert "システム2: " in line


def test_distinct_group_identities_are_valid(cwd):
    data = filled_data()
    systems = data["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    systems.append({**copy.deepcopy(systems[0]), "システムの名称": "宛名システム"})
    write(cwd / DOC, dump(data))
    assert validate(DOC).exit_code == 0


def test_label_path_of_group_entry_matches_contract(cwd):
    data = filled_data()
    systems = data["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    systems[0]["他のシステムとの接続"] = "庁内連携システム"
    text = dump(data)
    n = line_no(text, "      他のシステムとの接続: 庁内連携システム")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: {SYSTEMS} > システム1 > ③他のシステムとの接続: ",
              "チェックした選択肢をリストで書いてください")


def test_legacy_row_with_invalid_change_date(cwd):
    text, _ = replace_line(filled_text(), "変更箇所: []",
                           "変更箇所:\n- 項番: 1\n  変更日: 令和7年2月30日\n  項目: Ⅰ 基本情報\n  変更前の記載: 旧\n  変更後の記載: 新")
    n = line_no(text, "  変更日: 令和7年2月30日")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: 変更箇所 > 1行目: ", "変更日を日付として読めません: 令和7年2月30日")


def test_legacy_row_with_valid_or_blank_date_is_valid(cwd):
    text, _ = replace_line(filled_text(), "変更箇所: []",
                           "変更箇所:\n- 変更日: 令和元年5月1日\n  項目: Ⅰ\n- 変更日: ''\n  項目: Ⅱ\n- 変更日: 2025-06-01\n  項目: Ⅲ")
    write(cwd / DOC, text)
    assert validate(DOC).exit_code == 0


# --- form header and document shape -----------------------------------------------------------

def test_unknown_form(cwd):
    text, n = replace_line(filled_text(), "様式: ", "様式: 簡易項目")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "未知の様式です: 簡易項目", "全項目・重点項目・基礎項目")


def test_unknown_form_on_a_later_line(cwd):
    text = "# 評価書\n\n" + filled_text().replace("様式: 重点項目\n", "").replace("様式版:", "様式: 重点\n様式版:")
    n = line_no(text, "様式: 重点")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "未知の様式です: 重点")


def test_missing_form(cwd):
    text, _ = replace_line(filled_text(), "様式: ", "")
    write(cwd / DOC, text.lstrip("\n"))
    one_error(validate(DOC), f"{DOC}:1: ", "「様式」がありません", "全項目・重点項目・基礎項目")


@pytest.mark.parametrize("content", ["- 様式: 重点項目\n- 表紙: {}\n", "重点項目評価書\n", "42\n"])
def test_valid_yaml_that_is_not_a_mapping(cwd, content):
    write(cwd / DOC, content)
    one_error(validate(DOC), f"{DOC}:1: ", "「キー: 値」の対応（マッピング）で書いてください")


# --- YAML level ------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["\t評価書名: 記載2", "  \t評価書名: 記載2", "\t  評価書名: 記載2"])
def test_tab_in_indentation(cwd, bad):
    text, n = replace_line(filled_text(), "  評価書名: ", bad)
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "インデントにタブ文字が使われています", "空白に置き換えてください")


def test_tab_inside_a_value_is_fine(cwd):
    text, _ = replace_line(filled_text(), "  評価書名: ", "  評価書名: \"住民\\t基本台帳\"")
    write(cwd / DOC, text)
    assert validate(DOC).exit_code == 0


def test_truncated_yaml_is_a_syntax_error(cwd):
    text = filled_text()
    cut = text.index("記載20")
    write(cwd / DOC, text[:cut] + '"記載')
    n = text[:cut].count("\n") + 1
    one_error(validate(DOC), f"{DOC}:{n}: ", "YAML の構文エラー")


def test_control_character_is_one_line_with_its_line_number(cwd):
    text, n = replace_line(filled_text(), "  評価書名: ", "  評価書名: \"改ページ\x0c入り\"")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ")


def test_control_character_is_refused(cwd):
    text, _ = replace_line(filled_text(), "  評価書名: ", "  評価書名: \"改ページ\x0c入り\"")
    write(cwd / DOC, text)
    lines = error_lines(validate(DOC))
    assert len(lines) == 1 and lines[0].startswith(f"{DOC}:") and "制御文字" in lines[0], lines


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!python/object:os.system", "!!binary aGVsbG8=",
                                 "!!python/object/apply:os.system", "!custom 値"])
def test_non_core_tag_on_a_scalar(cwd, tag):
    text, n = replace_line(filled_text(), "  評価書名: ", f"  評価書名: {tag}")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "使えないタグです")


@pytest.mark.parametrize("edit", [
    ("      他のシステムとの接続:", "      他のシステムとの接続: !!python/object/apply:os.system"),
    ("表紙:", "表紙: !!python/object:__main__.Payload"),
    ("      他のシステムとの接続:", "      他のシステムとの接続: !!omap"),
])
def test_non_core_tag_on_a_collection(cwd, edit):
    text, n = replace_line(filled_text(), *edit)
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "使えないタグです")


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi"))


def test_alias_bomb_is_refused_fast_with_bounded_memory(tmp_path):
    write(tmp_path / "bomb.yaml", BOMB)  # 9 levels of 9: 387 420 489 leaves if expanded
    started = time.monotonic()
    done = run_process("validate", "bomb.yaml", cwd=tmp_path, memory_bytes=1 << 30, timeout=30)
    assert time.monotonic() - started < 10
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines
    for line in lines:
        assert re.fullmatch(r"bomb\.yaml:\d+: アンカー・エイリアス（& と \*）は使えません", line), line


def test_single_alias_in_a_document_is_refused(cwd):
    text, _ = replace_line(filled_text(), "  評価書名: ", "  評価書名: &name 記載2")
    text, _ = replace_line(text, "    事務の名称: ", "    事務の名称: *name")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:", "アンカー・エイリアス（& と *）は使えません")


def test_alias_is_reported_at_its_own_line(cwd):
    text, _ = replace_line(filled_text(), "  評価書名: ", "  評価書名: &name 記載2")
    text, n = replace_line(text, "    事務の名称: ", "    事務の名称: *name")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "アンカー・エイリアス")


def test_merge_key_is_refused(cwd):
    text, n = replace_line(filled_text(), "  評価書番号: ", "  評価書番号: 記載1\n  <<: {評価書名: x}")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n + 1}: ", "マージキー（<<）は使えません")


def test_merge_key_is_refused_in_one_line(cwd):
    text, n = replace_line(filled_text(), "  評価書番号: ", "  評価書番号: 記載1\n  <<: {評価書名: x}")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n + 1}: ")


@pytest.mark.parametrize("depth", [65, 200, 5000])
def test_deeply_nested_flow_structure(cwd, depth):
    text = filled_text() + "未配置: " + "[" * depth + "]" * depth + "\n"
    n = line_no(text, "未配置: ")
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "入れ子が深すぎます")


def test_deeply_nested_block_structure(cwd):
    # 未配置's value is level 1 (one line below it), the first level over 64 is level 65.
    text = filled_text() + "未配置:\n" + "".join("  " * i + "k:\n" for i in range(1, 100)) + "  " * 100 + "k: x\n"
    n = line_no(text, "未配置:") + 65
    write(cwd / DOC, text)
    one_error(validate(DOC), f"{DOC}:{n}: ", "入れ子が深すぎます（64 段まで）")


def test_nesting_at_the_limit_is_not_refused_for_depth(cwd):
    text = filled_text() + "未配置: " + "[" * 64 + "]" * 64 + "\n"
    write(cwd / DOC, text)
    result = validate(DOC)
    assert "入れ子が深すぎます" not in result.output
    assert result.exit_code == 0


def test_pathologically_deep_nesting_does_not_crash(tmp_path):
    write(tmp_path / DOC, "未配置: " + "[" * 30_000 + "]" * 30_000 + "\n")
    done = run_process("validate", DOC, cwd=tmp_path, timeout=60)
    assert done.returncode == 1, done.returncode
    assert re.fullmatch(rf"{DOC}(:1)?: 入れ子が深すぎます.*\n", done.stderr), done.stderr[-500:]


# --- bytes: encodings, binary, empty, size ----------------------------------------------------

def test_shift_jis_file_names_the_encoding_and_the_fix(cwd):
    text = "# hyoka-sho\n# encoding test\n" + filled_text()
    write(cwd / DOC, text.encode("cp932"))
    one_error(validate(DOC), f"{DOC}:3: ", "Shift_JIS（CP932）で保存されています", "UTF-8 で保存し直してください",
              "iconv -f CP932 -t UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom"])
def test_utf16_file(cwd, encoding):
    raw = ("\ufeff" + filled_text()).encode("utf-16-be") if encoding == "utf-16-be-bom" else filled_text().encode("utf-16")
    write(cwd / DOC, raw)
    one_error(validate(DOC), f"{DOC}: ", "UTF-16 で保存されています", "UTF-8 で保存し直してください")


@pytest.mark.parametrize("encoding, name", [("utf-32", "UTF-32"), ("utf-16-le", "UTF-16")])
def test_other_unicode_encodings_are_named(cwd, encoding, name):
    write(cwd / DOC, filled_text().encode(encoding))
    one_error(validate(DOC), f"{DOC}: ", f"{name} で保存されています")


@pytest.mark.parametrize("raw", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00\x06\x00",
                                 "様式: 重点項目\n表紙:\x00\n".encode()])
def test_binary_file(cwd, raw):
    write(cwd / DOC, raw)
    one_error(validate(DOC), f"{DOC}: ", "バイナリファイルです")


@pytest.mark.parametrize("raw", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf", b"\r\n\r\n", b"# only a comment\n"])
def test_empty_file(cwd, raw):
    write(cwd / DOC, raw)
    one_error(validate(DOC), f"{DOC}: ", "空のファイルです")


def test_file_over_max_input_mb_is_refused_before_parsing(cwd):
    write(cwd / "pia-changes.toml", "max_input_mb = 1\n")
    big = filled_text() + "# " + "x" * (2 * 1024 * 1024) + "\n"
    write(cwd / DOC, big)
    write(cwd / "broken.yaml", big + "表紙: [\n")  # refused for its size, not parsed: no syntax error
    lines = error_lines(validate(DOC, "broken.yaml"))
    assert len(lines) == 2
    for name, line in zip((DOC, "broken.yaml"), lines):
        assert line.startswith(f"{name}: ファイルが大きすぎます（2.0 MB、上限 1 MB"), line
        assert "max_input_mb" in line
    (cwd / "pia-changes.toml").unlink()  # the default limit (20 MB) takes the same file
    assert validate(DOC).exit_code == 0


def test_huge_file_is_refused_without_reading_it(tmp_path):
    with (tmp_path / DOC).open("wb") as fh:
        fh.truncate(3 * 1024 ** 3)  # sparse: no disk used
    done = run_process("validate", DOC, cwd=tmp_path, memory_bytes=1 << 30, timeout=60)
    assert "Traceback" not in done.stderr, done.stderr[-300:]
    assert done.returncode == 1
    assert done.stderr.startswith(f"{DOC}: ファイルが大きすぎます")


def test_missing_file(cwd):
    one_error(validate("missing.yaml"), "missing.yaml: ", "ファイルがありません")


@pytest.mark.parametrize("kind", ["not_a_directory", "symlink_loop"])
def test_unreadable_path_is_one_line(cwd, kind):
    write(cwd / DOC, filled_text())
    if kind == "symlink_loop":
        (cwd / "loop.yaml").symlink_to("loop.yaml")
        target = "loop.yaml"
    else:
        target = f"{DOC}/x.yaml"
    result = invoke("validate", target)
    one_error(result, f"{target}: ")


# --- all at once, several files, twins --------------------------------------------------------

def test_all_errors_at_once_sorted_by_line(cwd):
    """Three errors found in the order 公表日, 対象人数, 変更箇所 (legacy rows are checked last) but
    written with 変更箇所 first: printed in line order."""
    text, _ = replace_line(filled_text(), "変更箇所: []", "")
    text, _ = replace_line(text, "様式版: ", "様式版: 令和6年10月 様式3\n変更箇所:\n- 変更日: 昨年\n  項目: 表紙")
    text, published = replace_line(text, "  公表日: ", "  公表日: [2025-06-01]")
    text, people = replace_line(text, "    対象人数: ", "    対象人数: 100万人")
    legacy = line_no(text, "- 変更日: 昨年")
    assert legacy < published < people
    write(cwd / DOC, text)
    lines = error_lines(validate(DOC))
    assert [line.split(": ", 1)[0] for line in lines] == [f"{DOC}:{legacy}", f"{DOC}:{published}", f"{DOC}:{people}"]
    assert "変更日を日付として読めません: 昨年" in lines[0]
    assert lines[1].startswith(f"{DOC}:{published}: 表紙 > 公表日: 日付として読めません")
    assert lines[2].startswith(f"{DOC}:{people}: {JIMU} > ③対象人数: 選択肢にありません: 100万人")


def test_duplicate_key_does_not_hide_schema_errors(cwd):
    text, first = replace_line(filled_text(), "  評価書番号: ", "  評価書番号: 記載1\n  評価書番号: 記載1")
    text, people = replace_line(text, "    対象人数: ", "    対象人数: 100万人")
    write(cwd / DOC, text)
    lines = error_lines(validate(DOC))
    assert [line.split(": ", 1)[0] for line in lines] == [f"{DOC}:{first + 1}", f"{DOC}:{people}"]


def test_several_files_each_reported(cwd):
    write(cwd / "good.yaml", filled_text())
    write(cwd / "bad.yaml", replace_line(filled_text(), "    対象人数: ", "    対象人数: 5人")[0])
    write(cwd / "empty.yaml", "")
    result = validate("good.yaml", "bad.yaml", "empty.yaml")
    lines = error_lines(result)
    assert result.stdout == "good.yaml: OK（重点項目評価書）\n"
    assert lines[0].startswith("bad.yaml:14: ")
    assert lines[1] == "empty.yaml: 空のファイルです"
    assert len(lines) == 2


def _twins(text: str) -> dict[str, bytes]:
    crlf = text.replace("\n", "\r\n").encode()
    return {"plain.yaml": text.encode(), "bom.yaml": b"\xef\xbb\xbf" + text.encode(),
            "crlf.yaml": crlf, "bomcrlf.yaml": b"\xef\xbb\xbf" + crlf}


def test_bom_and_crlf_twins_validate_exactly_like_the_plain_file(cwd):
    text, _ = replace_line(filled_text(), "    事務の内容: ", "    事務の内容: |\n      一行目\n      二行目")
    text, _ = replace_line(text, "  公表日: ", "  公表日: null")
    text, _ = replace_line(text, "    対象人数: ", "    対象人数: ''")
    outputs = {}
    for name, raw in _twins(text).items():
        write(cwd / name, raw)
        plain, listed = validate(name), validate(name, warnings=True)
        assert plain.exit_code == listed.exit_code == 0, plain.output
        outputs[name] = tuple(r.output.replace(name, "FILE") for r in (plain, listed))
    assert outputs["plain.yaml"][0] == "FILE: OK（重点項目評価書） 未記入の項目 2 件（--warnings で一覧）\n"
    assert len(set(outputs.values())) == 1, outputs


def test_bom_and_crlf_twins_report_the_same_errors_and_lines(cwd):
    text, _ = replace_line(filled_text(), "  公表日: ", "  公表日: 明日")
    text, _ = replace_line(text, "    対象人数: ", "    対象人数: 100万人")
    text += "ほげ: 1\n"
    outputs = {}
    for name, raw in _twins(text).items():
        write(cwd / name, raw)
        lines = error_lines(validate(name))
        outputs[name] = [line.replace(name, "FILE") for line in lines]
    assert len(outputs["plain.yaml"]) == 3
    assert all(lines == outputs["plain.yaml"] for lines in outputs.values()), outputs


def test_form_name_with_suffix_and_full_width_is_accepted(cwd):
    text, _ = replace_line(filled_text(), "様式: ", "様式: 重点項目評価書")
    write(cwd / DOC, text)
    assert validate(DOC).exit_code == 0


# --- the other commands that read assessment files --------------------------------------------

def test_diff_of_two_files_reports_the_bad_one(cwd):
    write(cwd / "a.yaml", filled_text())
    text, n = replace_line(filled_text(), "    対象人数: ", "    対象人数: 5人")
    write(cwd / "b.yaml", text)
    one_error(invoke("diff", "a.yaml", "b.yaml"), f"b.yaml:{n}: {JIMU} > ③対象人数: ", "選択肢にありません")
    write(cwd / "c.yaml", filled_text().encode("cp932"))
    one_error(invoke("diff", "c.yaml", "a.yaml"), "c.yaml:1: ", "Shift_JIS（CP932）")


def _repo_with(root: Path, *versions: str) -> list[str]:
    """A repository whose assessments/doc.yaml went through VERSIONS, one commit each."""
    repo = Repo(root)
    return [repo.commit(f"版{i + 1}", {f"assessments/{DOC}": text}) for i, text in enumerate(versions)]


def test_diff_against_an_invalid_head_names_the_revision(cwd):
    bad, n = replace_line(filled_text(), "    対象人数: ", "    対象人数: 5人")
    _repo_with(cwd, bad)
    write(cwd / "assessments" / DOC, filled_text())
    one_error(invoke("diff"), f"HEAD:assessments/{DOC}:{n}: {JIMU} > ③対象人数: ", "選択肢にありません")


def test_generate_with_an_invalid_head_is_one_error_per_problem(cwd):
    bad, n = replace_line(filled_text(), "    対象人数: ", "    対象人数: 5人")
    _repo_with(cwd, filled_text(), bad)
    line = one_error(invoke("generate"), f"assessments/{DOC}:{n}: {JIMU} > ③対象人数: ", "選択肢にありません: 5人")
    assert "Traceback" not in line


def test_generate_names_the_revision_of_an_invalid_old_version(cwd):
    bad, n = replace_line(filled_text(), "    対象人数: ", "    対象人数: 5人")
    shas = _repo_with(cwd, bad, filled_text())
    assert validate(f"assessments/{DOC}").exit_code == 0
    result = invoke("generate", f"assessments/{DOC}", "--format", "json")  # pushed history cannot be fixed: it must not block
    assert result.exit_code == 0, result.stderr
    warnings = [f["message"] for f in json.loads(result.stdout)["findings"] if shas[0][:7] in f["message"]]
    assert len(warnings) == 1 and f"assessments/{DOC}:{n}: " in warnings[0] and "選択肢にありません" in warnings[0]
