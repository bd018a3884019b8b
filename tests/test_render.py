"""The renderers over hand-built tables: every format read back with its own reader."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from html import escape

import jsonschema
import openpyxl
import pytest

from pia_changes.errors import UsageError
from pia_changes.render import FORMATS, format_from_path, render
from pia_changes.render.columns import EXTENDED, STANDARD, item_cells, kouban_cells, section_cell
from pia_changes.render.xlsx import sheet_title
from pia_changes.table.rows import Finding, Row, Table
from tests.helpers.paths import ROOT, schema

SCHEMA = schema("generate")
SCRIPT = "<script>alert(1)</script>"
QUOTES = '"quotes" & entities'
LONG_BEFORE = "住民票の写しの交付を行う。" * 20 + "旧システムで処理する。"
LONG_AFTER = "住民票の写しの交付を行う。" * 20 + "新システムで処理する。"
SPAN_START = len("住民票の写しの交付を行う。" * 20)


def legacy_row(**over) -> Row:
    legacy = {"kouban": "１２", "date_raw": "平成30年6月8日",
              "item_raw": "Ⅱ > （３）送付先情報ファイル > ２．基本情報 > ③対象となる本人の範囲",
              "before": "区域内の住民<br>（転出者を含む）", "after": "<p>区域内の住民 &amp; 転出者</p>",
              "timing": "事後", "timing_reason": "誤字脱字の修正のため、重要な変更に当たらない。",
              "change_kind": "変更", "note": "備考あり"}
    fields = dict(change_date=None, item=legacy["item_raw"], item_id=None, kind="変更",
                  before="区域内の住民\n（転出者を含む）", after="区域内の住民 & 転出者",
                  timing="事後", timing_reason=legacy["timing_reason"], source="legacy",
                  important=False, legacy=legacy)
    fields.update(over)
    return Row(**fields)


def git_row(**over) -> Row:
    labels = ("Ⅰ 基本情報", "2. 特定個人情報ファイルを取り扱う事務において使用するシステム",
              "システム1", "①システムの名称")
    fields = dict(change_date=dt.date(2025, 6, 1), item=" > ".join(labels),
                  item_id="I/system[住民記録システム]/name", kind="変更", before="住民記録システム",
                  after="住民記録システム（標準準拠）", timing="事前", timing_reason="重要な変更に当たる。",
                  source="git", labels=labels, spans={"before": [], "after": [[8, 14]]},
                  submitted=True, required_timing="事前", important=True,
                  reason_code="important_item", commit="a" * 40,
                  procedure=("再実施", "住民等の意見聴取", "第三者点検", "委員会への提出", "公表"))
    fields.update(over)
    return Row(**fields)


def review_row() -> Row:
    labels = ("Ⅱ 特定個人情報ファイルの概要", "（１）住民基本台帳ファイル", "3. 特定個人情報の入手・使用",
              "④使用の主体", "使用部署")
    return git_row(change_date=dt.date(2025, 7, 1), item=" > ".join(labels), labels=labels,
                   item_id="II/file[住民基本台帳ファイル]/users_dept", before=LONG_BEFORE,
                   after=LONG_AFTER, timing="事後", important=False, required_timing=None,
                   spans={"before": [[SPAN_START, SPAN_START + 1]], "after": [[SPAN_START, SPAN_START + 1]]},
                   timing_reason="漏えいその他の事態を発生させるリスクを明らかに軽減させる変更であり、"
                                 "重要な変更に当たらない。（要確認）",
                   reason_code="risk_reduced", needs_review=True, review_reason="リスク軽減の判断",
                   procedure=())


def moved_row() -> Row:
    labels = ("Ⅰ 基本情報", "2. 特定個人情報ファイルを取り扱う事務において使用するシステム")
    return git_row(change_date=dt.date(2019, 5, 1), item=" > ".join(labels), labels=labels,
                   item_id="I/system", before="システム1: 甲\nシステム2: 乙",
                   after="システム1: 乙\nシステム2: 甲", timing="事後", important=False,
                   required_timing=None, reason_code="other_item", moved=True,
                   spans={"before": [], "after": []},
                   timing_reason="その他の項目の変更であり、事前の提出・公表が義務付けられない。",
                   procedure=())


def hostile_row() -> Row:
    return git_row(change_date=dt.date(2025, 8, 1), before=SCRIPT, after=QUOTES,
                   spans={"before": [[0, 8]], "after": [[1, 7]]})


def jyuki() -> Table:
    return Table(
        assessment="assessments/jyuki.yaml", form="全項目",
        title="住民基本台帳に関する事務 全項目評価書",
        rows=(legacy_row(), git_row(), review_row(), moved_row(), hostile_row()),
        findings=(Finding("f-1a2b3c4d", "error", "important_after", "重要な変更が事後です", "a" * 40,
                          "I/system[住民記録システム]/name"),
                  Finding("f-5e6f7a8b", "warning", "unresolved_review", "要確認の行があります")),
        complete_since=dt.date(2024, 1, 1))


def kaigo() -> Table:
    return Table(assessment="assessments/kaigo.yaml", form="重点項目", title="介護保険に関する事務",
                 rows=(git_row(),))


# --- dispatch ---------------------------------------------------------------------------------

def test_format_from_path():
    assert [format_from_path(f"out/x.{e}") for e in ("md", "csv", "tsv", "json", "xlsx", "html")] \
        == list(FORMATS)
    assert format_from_path("X.HTM") == "html"
    assert format_from_path("table.txt") is None and format_from_path("table") is None


def test_unknown_format_and_layout_are_usage_errors():
    with pytest.raises(UsageError):
        render([jyuki()], "pdf", single=True)
    with pytest.raises(UsageError):
        render([jyuki()], "md", layout="wide", single=True)


def test_md_does_not_import_openpyxl():
    code = ("import sys, datetime as dt\n"
            "from pia_changes.table.rows import Table\n"
            "from pia_changes.render import render\n"
            "render([Table('a.yaml', '全項目', 'T', ())], 'md', single=True)\n"
            "assert 'openpyxl' not in sys.modules, 'openpyxl imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- markdown ---------------------------------------------------------------------------------

def test_markdown():
    text = render([jyuki()], "md", single=True).decode("utf-8")
    lines = text.splitlines()
    assert "## 住民基本台帳に関する事務 全項目評価書（assessments/jyuki.yaml）" in lines
    header = next(line for line in lines if line.startswith("| 変更日"))
    assert [c.strip() for c in header.strip("|").split("|")] == list(STANDARD)
    assert "令和7年6月1日" in text and "令和元年5月1日" in text
    assert "平成30年6月8日" in text                       # legacy date_raw as printed
    assert "区域内の住民<br>（転出者を含む）" in text      # legacy HTML → text → <br>
    assert "システム1: 甲<br>システム2: 乙" in text
    assert "（要確認）" in text
    assert "履歴は 2024-01-01 以降のみ完全です" in text
    assert "- エラー[f-1a2b3c4d]: 重要な変更が事後です" in lines
    assert "- 警告[f-5e6f7a8b]: 要確認の行があります" in lines
    assert "<script" not in text and "&lt;script>" in text


def test_markdown_escapes_pipes_and_obeys_gannen():
    row = git_row(change_date=dt.date(2019, 5, 1), after="A | B")
    text = render([Table("a.yaml", "全項目", "T", (row,))], "md", gannen=False, single=True).decode()
    assert r"A \| B" in text and "令和1年5月1日" in text and "令和元年" not in text
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len({line.count("|") - line.count(r"\|") for line in table_lines}) == 1


def test_markdown_several_tables_sorted():
    text = render([kaigo(), jyuki()], "md", single=False).decode()
    assert text.index("assessments/jyuki.yaml") < text.index("assessments/kaigo.yaml")


# --- csv / tsv --------------------------------------------------------------------------------

def _csv_rows(data: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_csv_reads_back():
    data = render([jyuki()], "csv", single=True)
    assert not data.startswith("\ufeff".encode()) and b"\r\n" in data
    rows = _csv_rows(data)
    assert rows[0] == list(STANDARD)
    assert len(rows) == 1 + len(jyuki().rows)
    legacy, important = rows[1], rows[2]
    assert legacy[0] == "平成30年6月8日"
    assert legacy[2] == "区域内の住民\n（転出者を含む）" and legacy[3] == "区域内の住民 & 転出者"
    assert important[0] == "2025-06-01" and important[3] == "住民記録システム（標準準拠）"
    assert rows[3][5].endswith("（要確認）") and rows[3][2] == LONG_BEFORE
    assert rows[5][2] == SCRIPT and rows[5][3] == QUOTES


def test_csv_bom_and_tsv():
    data = render([jyuki()], "csv", bom=True, single=True)
    assert data.startswith("\ufeff".encode("utf-8"))
    assert _csv_rows(data)[0][0] == "変更日"
    tsv = render([jyuki()], "tsv", layout="extended", single=True)
    rows = _csv_rows(tsv, "\t")
    assert rows[0] == list(EXTENDED) and rows[2][1] == "2025-06-01"


def test_csv_of_two_tables_is_a_usage_error():
    for fmt in ("csv", "tsv"):
        with pytest.raises(UsageError, match="FILE を指定してください"):
            render([jyuki(), kaigo()], fmt, single=False)


# --- json -------------------------------------------------------------------------------------

def test_json_single_is_one_object():
    data = json.loads(render([jyuki()], "json", single=True))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert isinstance(data, dict) and data == jyuki().to_json()
    assert data["rows"][0]["legacy"]["before"] == "区域内の住民<br>（転出者を含む）"
    assert data["rows"][1]["change_date"] == "2025-06-01"


def test_json_several_is_array_sorted_by_path():
    raw = render([kaigo(), jyuki()], "json", single=False)
    data = json.loads(raw)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [d["assessment"] for d in data] == ["assessments/jyuki.yaml", "assessments/kaigo.yaml"]
    assert "住民基本台帳" in raw.decode("utf-8") and '\n  {\n    "assessment"' in raw.decode()
    assert isinstance(json.loads(render([jyuki()], "json", single=False)), list)


# --- xlsx -------------------------------------------------------------------------------------

def _workbook(tables, **kw):
    return openpyxl.load_workbook(io.BytesIO(render(tables, "xlsx", single=len(tables) == 1, **kw)))


def test_xlsx_looks_like_the_official_annex():
    ws = _workbook([jyuki()]).active
    assert ws["A1"].value == "（別添）変更箇所" and ws["A1"].font.b
    assert ws["C1"].value == "住民基本台帳に関する事務 全項目評価書"
    assert [c.value for c in ws[2]] == list(STANDARD)
    assert all(c.font.b and c.fill.fgColor.rgb == "FFD9D9D9" for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.fitToWidth) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["A3"].value == "平成30年6月8日" and ws["A4"].value == "令和7年6月1日"
    assert ws["A6"].value == "令和元年5月1日"
    assert ws["C3"].value == "区域内の住民\n（転出者を含む）"
    assert ws["D5"].value == LONG_AFTER                # spans underlined, text unchanged
    rich = openpyxl.load_workbook(io.BytesIO(render([jyuki()], "xlsx", single=True)), rich_text=True)
    underlined = [b.text for b in rich.active["D5"].value if getattr(b, "font", None) and b.font.u]
    assert underlined == ["新"]
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for c in row:
            assert c.border.left.style == "thin" and c.border.bottom.style == "thin"
            assert c.alignment.wrap_text
    assert ws.column_dimensions["C"].width > 2 * ws.column_dimensions["A"].width


def test_xlsx_one_sheet_per_table_and_deterministic():
    wb = _workbook([kaigo(), jyuki()], layout="extended")
    assert wb.sheetnames == ["住民基本台帳に関する事務 全項目評価書", "介護保険に関する事務"]
    assert [c.value for c in wb.worksheets[0][2]] == list(EXTENDED)
    assert wb.worksheets[0]["A4"].value == "13"
    one = render([jyuki()], "xlsx", single=True)
    assert one == render([jyuki()], "xlsx", single=True)
    # pinned, not merely fast: zip entry times and the document's dates do not follow the clock
    with zipfile.ZipFile(io.BytesIO(one)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = openpyxl.load_workbook(io.BytesIO(one)).properties
    assert props.created == props.modified == dt.datetime(2025, 8, 1)   # latest 変更日


def test_xlsx_sheet_titles_are_valid_and_unique():
    used: set[str] = set()
    long = Table("a.yaml", "全項目", "住民基本台帳[本庁]: 事務/窓口*?\\ に関する事務 全項目評価書 その二", ())
    titles = [sheet_title(long, used), sheet_title(long, used), sheet_title(Table("b", "全項目", "", ()), used)]
    assert len(set(titles)) == 3
    for title in titles:
        assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    wb = _workbook([long, Table("b.yaml", "全項目", long.title, ())])
    assert len(set(wb.sheetnames)) == 2


# --- html -------------------------------------------------------------------------------------

def test_html_escapes_every_text():
    hostile = Table("evil<x>.yaml", "全項目", SCRIPT, (hostile_row(),),
                    (Finding("f-1", "error", "bad_trailer", SCRIPT),))
    text = render([hostile, jyuki()], "html", single=False).decode("utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<td><mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;</td>" in text
    assert f"<h2>{escape(SCRIPT)}（evil&lt;x&gt;.yaml）</h2>" in text
    assert "&quot;<mark>quotes</mark>&quot; &amp; entities" in text
    assert "evil&lt;x&gt;.yaml" in text


def test_html_page_is_self_contained_and_marks_rows():
    text = render([jyuki()], "html", single=True).decode("utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="ja">' in text
    assert "src=" not in text and "href=" not in text and "@import" not in text
    assert text.count('<tr class="important"') == 2           # git_row and hostile_row
    assert '<tr class="review"' in text and 'class="moved"' in text
    assert "令和7年6月1日" in text and "（要確認）" in text
    assert '<li class="error">エラー[f-1a2b3c4d]: 重要な変更が事後です</li>' in text
    assert "<mark>新</mark>システムで処理する。" in text
    assert "".join(f"<th scope=\"col\">{h}</th>" for h in STANDARD) in text


# --- extended layout --------------------------------------------------------------------------

def test_extended_item_cells():
    assert item_cells(git_row()) == ("Ⅰ", "2. 特定個人情報ファイルを取り扱う事務において使用するシステム",
                                     "システム1", "①システムの名称")
    assert item_cells(review_row()) == ("Ⅱ", "（１）住民基本台帳ファイル", "3. 特定個人情報の入手・使用",
                                        "④使用の主体 > 使用部署")
    short = git_row(labels=("Ⅵ 評価実施手続", "①実施日"))
    assert item_cells(short) == ("Ⅵ", "", "", "①実施日")
    assert section_cell("（別添1）事務の内容") == "別添1"
    # a legacy row of an extended table: its 項目①–④ come back as printed
    assert item_cells(legacy_row()) == ("Ⅱ", "（３）送付先情報ファイル", "２．基本情報", "③対象となる本人の範囲")
    # a legacy row of a standard table keeps its one 項目 cell whole, " > " and all
    standard = legacy_row(legacy={**legacy_row().legacy, "kouban": None, "change_kind": None, "note": None})
    assert item_cells(standard) == (standard.item, "", "", "")


def test_extended_kouban_continues_from_legacy():
    rows = (legacy_row(), legacy_row(legacy={**legacy_row().legacy, "kouban": 3}), git_row(), git_row())
    assert kouban_cells(rows) == ["１２", "3", "13", "14"]
    assert kouban_cells((git_row(), git_row())) == ["1", "2"]
    text = render([jyuki()], "csv", layout="extended", single=True).decode()
    body = _csv_rows(text.encode())
    assert [r[0] for r in body[1:]] == ["１２", "13", "14", "15", "16"]
    assert body[1][6] == "変更" and body[1][11] == "備考あり"
    assert body[4][11] == "並び順の変更"                       # the moved row
    assert body[4][2:6] == ["Ⅰ", "", "", "2. 特定個人情報ファイルを取り扱う事務において使用するシステム"]


def test_extended_markdown_has_all_columns():
    text = render([jyuki()], "md", layout="extended", single=True).decode()
    header = next(line for line in text.splitlines() if line.startswith("| 項番"))
    assert [c.strip() for c in header.strip("|").split("|")] == list(EXTENDED)
    assert "| １２ " in text and "| 13 " in text
