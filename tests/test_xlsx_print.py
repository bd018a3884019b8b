"""The xlsx table prints whole (Decisions 2026-12-06: Office outputs; issue #28, item 1).

Fast tests check the row heights and the 「（続き）」 rows on seed 000's published table; the print
tests convert real `generate` output with LibreOffice and read the PDF back with pdftotext: every
cell's text must be in the PDF, so a row too short for its text (LibreOffice clips it) fails.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

from pia_changes.render import render
from pia_changes.render.columns import printed_rows
from pia_changes.render.xlsxfit import (MAX_ROW_PT, height_for, max_lines, split_to_fit,
                                        wrapped_lines)
from pia_changes.table.rows import Row, Table
from tests.helpers.cli import invoke
from tests.helpers.documents import dump
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import DATA
from tests.helpers.seeds import seed_path

CONTINUED = "（続き）"
FIRST_DATA_ROW = 3
_SPACE = re.compile(r"\s+")


def seed_table(seed: str = "000") -> Table:
    """A seed's published 変更箇所 table as legacy rows, as `generate` makes them from an import."""
    rows = []
    for line in (DATA / "published_changes.jsonl").read_text("utf-8").splitlines():
        r = json.loads(line)
        if not r["seed"].startswith(seed):
            continue
        legacy = {k: r[k] for k in ("date_raw", "item_raw", "before", "after", "timing", "timing_reason")}
        rows.append(Row(change_date=dt.date.fromisoformat(r["date_iso"]) if r["date_iso"] else None,
                        item=r["item_raw"], item_id=None, kind="変更", before=r["before"], after=r["after"],
                        timing=r["timing"], timing_reason=r["timing_reason"], source="legacy",
                        important=None, legacy=legacy))
    return Table(f"assessments/{seed}.yaml", "全項目", f"seed {seed}", tuple(rows))


def sheet_rows(ws) -> list[list[str]]:
    return [["" if c.value is None else str(c.value) for c in row]
            for row in ws.iter_rows(min_row=FIRST_DATA_ROW)]


def logical_rows(ws) -> list[list[str]]:
    """The worksheet's rows with each 「（続き）」 row's pieces appended to the row it continues."""
    out: list[list[str]] = []
    for cells in sheet_rows(ws):
        if CONTINUED in cells and out:
            out[-1] = [a if b in ("", CONTINUED) else a + b for a, b in zip(out[-1], cells)]
        else:
            out.append(cells)
    return out


def squeeze(text: str) -> str:
    return _SPACE.sub("", text)


# --- heights, without LibreOffice -----------------------------------------------------------------

def test_wrapping_counts_east_asian_width_and_line_breaks():
    assert wrapped_lines("あ" * 23, 48) == 1 and wrapped_lines("あ" * 24, 48) == 2
    assert wrapped_lines("①" * 24, 48) == 2               # East Asian ambiguous counts 2
    assert wrapped_lines("一\n二\r\n三", 48) == 3 and wrapped_lines("", 48) == 1
    assert wrapped_lines("a" * 36, 48) == 1 and wrapped_lines("a" * 37, 48) == 2
    assert height_for(1, 10) == 20 and height_for(2, 10) == 36
    assert height_for(max_lines(10), 10) <= MAX_ROW_PT < height_for(max_lines(10) + 1, 10)


def test_a_long_text_is_cut_after_a_sentence_into_pieces_that_fit():
    sentence = "住民基本台帳ネットワークシステムとの接続は専用回線で行い、通信を暗号化する。"
    text = "\n".join(sentence * 3 for _ in range(12))
    pieces = split_to_fit(text, 48, 25)
    assert len(pieces) > 1
    for start, end in pieces:
        assert wrapped_lines(text[start:end], 48) <= 25
        assert text[start:end].endswith("。")
    left_out = [text[e:s] for (_, e), (s, _) in zip(pieces, pieces[1:])]
    assert set(left_out) <= {"", "\n"} and pieces[0][0] == 0 and pieces[-1][1] == len(text)
    one_word = "x" * 5000  # no boundary at all: cut where the lines are full
    assert "".join(one_word[s:e] for s, e in split_to_fit(one_word, 48, 25)) == one_word


def test_rows_get_heights_and_seed_000_continues_on_a_second_row():
    table = seed_table("000")
    ws = openpyxl.load_workbook(io.BytesIO(render([table], "xlsx", single=True))).active
    heights = [ws.row_dimensions[r].height for r in range(FIRST_DATA_ROW, ws.max_row + 1)]
    assert all(h is not None for h in heights), "every data row needs an explicit height"
    assert max(heights) <= MAX_ROW_PT and min(heights) >= height_for(1, 10)
    assert ws.row_dimensions[2].height is not None
    rows = sheet_rows(ws)
    for cells, height in zip(rows, heights):  # each row as high as its longest cell needs
        widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(len(cells))]
        assert height == height_for(max(wrapped_lines(t, w) for t, w in zip(cells, widths)), 10)
    continued = [i for i, cells in enumerate(rows) if cells[1] == CONTINUED]
    assert continued, "seed 000 has rows longer than 409 pt (rows 30 and 33 of its table)"
    assert all(rows[i][0] == "" and rows[i][4] == "" for i in continued)
    assert ws.cell(FIRST_DATA_ROW + continued[0], 3).border.top.style == "dotted"
    expected = [[squeeze(c) for c in p.cells] for p in printed_rows(table)]
    assert [[squeeze(c) for c in r] for r in logical_rows(ws)] == expected


# --- printed with LibreOffice ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def office() -> dict[str, str]:
    """soffice and pdftotext and a Japanese font, or a visible skip; under CI (CI=true) they must
    be there (.ci/run installs them as root)."""
    tools = {name: shutil.which(name) for name in ("soffice", "pdftotext", "fc-list")}
    missing = [name for name, path in tools.items() if path is None]
    if not missing:
        fonts = subprocess.run([tools["fc-list"], ":lang=ja", "family"], capture_output=True, text=True).stdout
        missing += [] if fonts.strip() else ["日本語フォント"]
    if missing:
        reason = (f"xlsx の印刷テストに必要な {', '.join(missing)} がありません（apt-get install "
                  "libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-crosextra-carlito）")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return tools  # type: ignore[return-value]


def printed_text(office: dict[str, str], xlsx: Path) -> list[str]:
    """The PDF LibreOffice prints from XLSX, as text, one string per page (whitespace removed)."""
    profile = xlsx.parent / "lo-profile"
    subprocess.run([office["soffice"], f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(xlsx.parent), str(xlsx)],
                   check=True, capture_output=True, timeout=600)
    pdf = xlsx.with_suffix(".pdf")
    text = subprocess.run([office["pdftotext"], "-raw", str(pdf), "-"], check=True,
                          capture_output=True, timeout=120).stdout.decode("utf-8")
    return [squeeze(page) for page in text.split("\f") if page.strip()]


def assert_prints_whole(office: dict[str, str], xlsx: Path, tables: int) -> dict[str, int]:
    """Every cell (each piece of a continued one) is in the PDF; the header row is on every page."""
    workbook = openpyxl.load_workbook(xlsx)
    assert len(workbook.worksheets) == tables
    pages = printed_text(office, xlsx)
    whole = "".join(pages)
    cells = missing = 0
    lost = []
    for ws in workbook.worksheets:
        for r, cells_of_row in enumerate(sheet_rows(ws), start=FIRST_DATA_ROW):
            for text in cells_of_row:
                if not squeeze(text):
                    continue
                cells += 1
                if squeeze(text) not in whole:
                    missing += 1
                    lost.append(f"{ws.title}!{r}: {text[:40]}…")
    assert not lost, f"{missing} of {cells} cells are cut in the printout: {lost[:5]}"
    for ws in workbook.worksheets:
        assert all(ws.row_dimensions[r].height <= MAX_ROW_PT for r in range(FIRST_DATA_ROW, ws.max_row + 1))
    assert all("変更前の記載" in page and "提出時期に係る説明" in page for page in pages)
    return {"cells": cells, "pages": len(pages)}


@pytest.mark.slow  # LibreOffice prints the whole example: 15–30 s
def test_the_example_prints_whole(office, tmp_path):
    root = tmp_path / "example"
    assert invoke("init", str(root), "--example", root=tmp_path).exit_code == 0
    out = tmp_path / "変更箇所.xlsx"
    assert invoke("generate", "-o", str(out), root=root).exit_code == 0
    figures = assert_prints_whole(office, out, tables=2)
    assert figures["cells"] > 500
    if os.environ.get("PIA_CHANGES_SCREENSHOTS") and shutil.which("pdftoppm"):  # =docs: docs/xlsx_print.png
        page = Path(os.environ["PIA_CHANGES_SCREENSHOTS"]) / "xlsx_print"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(out.with_suffix(".pdf")), str(page)], check=True, timeout=120)


@pytest.mark.slow  # 300 commits, then LibreOffice: 30 s and more
def test_a_300_row_table_prints_whole(office, tmp_path):
    repo = history_of_300_commits(tmp_path / "repo")
    out = tmp_path / "変更箇所.xlsx"
    result = invoke("generate", "-o", str(out), root=repo.root)
    assert result.exit_code == 0, result.output
    assert len(logical_rows(openpyxl.load_workbook(out).active)) >= 300
    figures = assert_prints_whole(office, out, tables=1)
    assert figures["cells"] >= 300 * 5


KEYS = (("基本情報", "特定個人情報ファイルを取り扱う事務", "事務の内容"),
        ("基本情報", "個人番号の利用", "法令上の根拠"),
        ("基本情報", "情報提供ネットワークシステムによる情報連携", "法令上の根拠"))


def seed_sentences() -> list[str]:
    """Sentences of seed 000's published text: real wording, lengths and mixed scripts."""
    text = seed_path("000").read_text("utf-8")
    text = re.sub(r"<[^>]+>", "", text)
    return [s + "。" for s in re.split(r"。", text) if 8 <= len(s.strip()) <= 300 and "\t" not in s]


def history_of_300_commits(root: Path) -> Repo:
    """A 重点項目 starter filled in, then 300 commits, each rewriting one of three text items with
    1 to 15 of seed 000's sentences (every tenth a long one that needs 「（続き）」 rows), written
    with git fast-import: real commits with 変更日 trailers, in seconds."""
    assert invoke("init", str(root), "--form", "重点項目", root=root.parent).exit_code == 0
    repo = Repo(root)
    path = "assessments/hyoukasho.yaml"
    data = yaml.safe_load((root / path).read_text("utf-8"))
    data["表紙"]["評価書名"] = "テスト市 住民基本台帳に関する事務 重点項目評価書"
    data["基本情報"]["特定個人情報ファイルを取り扱う事務"]["事務の名称"] = "住民基本台帳に関する事務"
    repo.commit("基準の版", {path: dump(data)},
                date="2019-12-01T10:00:00+09:00")
    sentences = seed_sentences()
    branch = repo.git("symbolic-ref", "HEAD")
    stream = []
    for n in range(300):
        count = 15 if n % 10 == 9 else 1 + n % 5
        start = (n * 13) % (len(sentences) - count)
        section, group, key = KEYS[n % 3]
        data[section][group][key] = "".join(sentences[start:start + count]) + f"（第{n + 1}版）"
        body = dump(data).encode("utf-8")
        day = dt.date(2020, 1, 1) + dt.timedelta(days=n * 5)
        message = f"{key}の更新 {n + 1}\n\n変更日: {day.isoformat()}\n".encode("utf-8")
        stamp = int(dt.datetime(day.year, day.month, day.day, 10).timestamp())
        stream.append(f"commit {branch}\n".encode())
        stream.append(f"committer 評価 太郎 <hyoka@example.jp> {stamp} +0900\n".encode("utf-8"))
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if n == 0:
            stream.append(f"from {branch}^0\n".encode())
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body))
    repo.git("fast-import", "--quiet", input=b"".join(stream))
    repo.git("reset", "-q", "--hard", "HEAD")
    assert repo.git("rev-list", "--count", "HEAD") == "301"
    return repo
