"""YAML typed with a Japanese IME (issue 28, item 5): the slip is named in Japanese, at the line
the user typed, with the fix; a value cut short by ` #` is a warning. Real files, the real CLI."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from pia_changes.cli import cli
from pia_changes.rebuild.init import starter_yaml

DOC = "hyoukasho.yaml"
FULLWIDTH_COLON = "全角のコロン「：」が使われています。半角の「: 」にしてください"
FULLWIDTH_INDENT = "行頭に全角スペースがあります。半角スペースで字下げしてください"
COLON_IN_VALUE = "値の中に「: 」があります。値を引用符で囲んでください"


def starter() -> list[str]:
    """The 重点項目 starter with the 事務 filled in, as staff begin."""
    text = starter_yaml("重点項目")
    text = text.replace("    事務の名称:  # ①事務の名称", "    事務の名称: 介護保険に関する事務  # ①事務の名称")
    text = text.replace("    事務の内容:  # ②事務の内容 ※", "    事務の内容: 被保険者の資格管理を行う。  # ②事務の内容 ※")
    return text.split("\n")


def number(lines: list[str], start: str) -> int:
    return next(i for i, line in enumerate(lines, 1) if line.startswith(start))


def typed(tmp_path, monkeypatch, start: str, new: str) -> tuple[object, int]:
    """Replace the line beginning with START by NEW, validate; (result, that line's number)."""
    monkeypatch.chdir(tmp_path)
    lines = starter()
    n = number(lines, start)
    lines[n - 1] = new
    (tmp_path / DOC).write_text("\n".join(lines), encoding="utf-8")
    return CliRunner().invoke(cli, ["validate", DOC]), n


def english(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{3,}(?: [A-Za-z]{2,})+", text)


@pytest.mark.parametrize("start, new", [
    ("    事務の名称:", "    事務の名称：介護保険に関する事務"),                 # a key line in the middle
    ("    事務の名称:", "    事務の名称：介護保険に関する事務  # ①事務の名称"),  # with the starter's comment
    ("    事務の内容:", "    事務の内容：被保険者の資格管理を行う。"),
    ("  評価実施機関名:", "  評価実施機関名：川口市"),
])
def test_fullwidth_colon_is_named_at_its_own_line(tmp_path, monkeypatch, start, new):
    result, n = typed(tmp_path, monkeypatch, start, new)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{DOC}:{n}: {FULLWIDTH_COLON}"]


@pytest.mark.parametrize("start, new", [
    ("    事務の名称:", "　　事務の名称: 介護保険に関する事務"),
    ("    事務の内容:", "　　事務の内容: 被保険者の資格管理を行う。"),
    ("    事務の名称:", "  　事務の名称: 介護保険に関する事務"),
])
def test_fullwidth_space_indentation_is_named_at_its_own_line(tmp_path, monkeypatch, start, new):
    result, n = typed(tmp_path, monkeypatch, start, new)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{DOC}:{n}: {FULLWIDTH_INDENT}"]


def test_fullwidth_space_that_parses_as_an_unknown_key_gets_the_same_fix(tmp_path, monkeypatch):
    result, n = typed(tmp_path, monkeypatch, "表紙:", "　表紙:")  # YAML reads 「　表紙」 as a key
    assert result.exit_code == 1
    assert f"{DOC}:{n}: 様式にない項目「　表紙」です。{FULLWIDTH_INDENT}" in result.stderr.splitlines()


def test_colon_inside_a_value_is_named_with_the_quoting_fix(tmp_path, monkeypatch):
    result, n = typed(tmp_path, monkeypatch, "    事務の名称:", "    事務の名称: 介護保険: 資格管理")
    assert result.exit_code == 1
    line, = result.stderr.splitlines()
    assert line.startswith(f"{DOC}:{n}: {COLON_IN_VALUE}")


def test_quoted_colon_inside_a_value_is_fine(tmp_path, monkeypatch):
    result, _ = typed(tmp_path, monkeypatch, "    事務の名称:", '    事務の名称: "介護保険: 資格管理"')
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("new, words", [
    ('    事務の名称: "介護保険に関する事務', "引用符"),    # libyaml stops at the end of the file
    ("    事務の名称: [介護保険", "「]」がありません"),       # and at the next line
    ("    事務の名称: `介護保険`", "引用符で囲んで"),
])
def test_other_syntax_errors_are_japanese_at_the_typed_line(tmp_path, monkeypatch, new, words):
    result, n = typed(tmp_path, monkeypatch, "    事務の名称:", new)
    assert result.exit_code == 1
    line, = result.stderr.splitlines()
    assert line.startswith(f"{DOC}:{n}: YAML の構文エラー: ") and words in line
    assert not english(line), line


def test_the_parser_english_never_shows(tmp_path, monkeypatch):
    for new in ("    事務の名称：介護", "　　事務の名称: 介護", "    事務の名称: 介護: 保険", "    事務の名称: @介護"):
        result, _ = typed(tmp_path, monkeypatch, "    事務の名称:", new)
        assert "mapping values" not in result.stderr and not english(result.stderr), result.stderr


# --- a value cut short by a comment ------------------------------------------------------------

def test_text_after_space_hash_taken_as_a_comment_is_a_warning_with_its_line(tmp_path, monkeypatch):
    result, n = typed(tmp_path, monkeypatch, "    事務の名称:", "    事務の名称: 介護保険課 #内線123")
    assert result.exit_code == 0, result.output
    warning = f"{DOC}:{n}: 警告: 「 #内線123」はコメントとして読み捨てられています。"
    assert any(line.startswith(warning) for line in result.stderr.splitlines()), result.stderr
    assert "引用符" in result.stderr


@pytest.mark.parametrize("new", [
    "    事務の名称: 介護保険に関する事務  # ①事務の名称",   # the starter's own comment, kept
    '    事務の名称: "介護保険課 #内線123"',                  # quoted: the text is in the value
    "    事務の名称: 介護保険課#内線123",                     # no space: YAML keeps it
])
def test_no_warning_where_the_value_keeps_its_text_or_the_comment_is_meant(tmp_path, monkeypatch, new):
    result, _ = typed(tmp_path, monkeypatch, "    事務の名称:", new)
    assert result.exit_code == 0, result.output
    assert "コメントとして" not in result.stderr
