"""The importer's 変更箇所 table reader against the published rows of the real seeds (tests/data)."""
from __future__ import annotations

import json
import time
import unicodedata
from functools import cache

import pytest

from pia_changes.document import legacy
from pia_changes.importer.legacy_table import find_legacy_rows
from pia_changes.text.normalise import compare_key
from tests.helpers.paths import DATA

SEEDS = {  # seed -> rows that must come out fully equal (all published: 35, 155, 58)
    "000_927f6452a1ee0b1f.txt": 35,
    "001_0fa97ec629ceb12e.txt": 150,
    "004_a91eed273516a844.txt": 58,
}
FIELDS = {"kouban": "項番", "date_raw": "変更日", "change_kind": "変更区分", "before": "変更前の記載",
          "after": "変更後の記載", "timing": "提出時期", "timing_reason": "提出時期に係る説明", "note": "備考"}


@cache
def seed_lines(seed: str) -> list[str]:
    return (DATA / seed).read_text(encoding="utf-8", errors="replace").split("\n")


@cache
def parsed(seed: str) -> tuple[list[dict], set[int]]:
    return find_legacy_rows(seed_lines(seed))


def published(seed: str) -> list[dict]:
    with open(DATA / "published_changes.jsonl", encoding="utf-8") as fh:
        return [row for row in map(json.loads, fh) if row["seed"] == seed]


def differing(pub: dict, row: dict) -> list[str]:
    """The published fields whose cell differs from the row's after compare_key."""
    out = [field for field, key in FIELDS.items() if compare_key(pub[field]) != compare_key(row.get(key))]
    if compare_key(pub["item_raw"]) != compare_key(legacy.item_raw(row)):
        out.append("item_raw")
    return out


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_rows_match_published(seed: str) -> None:
    rows, _ = parsed(seed)
    pub = published(seed)
    failures = {n: differing(p, r) for n, (p, r) in enumerate(zip(pub, rows), 1) if differing(p, r)}
    equal = len(pub) - len(failures) - max(0, len(pub) - len(rows))
    print(f"\n{seed}: {equal}/{len(pub)} rows equal, {len(rows)} rows read; differing: {failures}")
    assert len(rows) == len(pub)
    assert equal >= SEEDS[seed]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_rows_are_legacy_rows(seed: str) -> None:
    rows, used = parsed(seed)
    for pub, row in zip(published(seed), rows):
        assert set(row) <= legacy.ALLOWED_KEYS
        assert row[legacy.SOURCE_LINES] == pub["source_lines"]
        first, last = (int(x) for x in row[legacy.SOURCE_LINES].split("-"))
        assert set(range(first - 1, last)) <= used


def test_tab_separated_golden_cells() -> None:
    rows, used = parsed("000_927f6452a1ee0b1f.txt")
    assert rows[0]["変更日"] == "令和7年6月1日" and rows[0]["提出時期"] == "事前" and rows[0]["提出時期に係る説明"] == "補記"
    assert [n for n, row in enumerate(rows, 1) if row["提出時期"] == ""] == [24, 25, 29, 30, 33]
    assert rows[29]["変更前の記載"].startswith("<p><長野市における措置></p>")  # HTML kept as printed
    assert rows[-1]["変更後の記載"].startswith("総務部 文書情報管理課 https://www.city.nagano.naga")
    lines = seed_lines("000_927f6452a1ee0b1f.txt")
    toc, heading = [j for j, line in enumerate(lines) if compare_key(line) == "(別添3)変更箇所"]
    assert heading in used and toc not in used  # the table of contents is not the table

    rows, used = parsed("004_a91eed273516a844.txt")
    assert rows[0]["変更日"] == "平成28年10月18日" and rows[0]["変更前の記載"] == "－"
    assert rows[1]["変更後の記載"] == "介護保険課長 藤波 康彰"
    assert rows[-1]["変更後の記載"] == "令和7年9月5日" and rows[-1]["提出時期"] == "事後"
    lines = seed_lines("004_a91eed273516a844.txt")
    heading = [j for j, line in enumerate(lines) if compare_key(line) == "(別添2)変更箇所"][-1]  # [0]: contents
    rules = [j for j, line in enumerate(lines) if line.startswith("-----")]  # 「-------------	--	---	…」
    assert [j in used for j in rules] == [j > heading for j in rules] and any(j > heading for j in rules)
    assert not any("---" in cell for row in rows for cell in row.values())


def test_pdf_flow_golden_cells() -> None:
    rows, used = parsed("001_0fa97ec629ceb12e.txt")
    first = rows[0]
    assert (first["項番"], first["変更日"], first["変更区分"], first["提出時期"]) == ("1", "平成30年6月8日", "変更", "事後")
    assert [first[k] for k in legacy.ITEM_PARTS] == [
        "Ⅰ", "２．特定個人情報ファイル\nを取り扱う事務において使\n用するシステム", "システム２", "②システムの機能"]
    assert first["変更前の記載"].startswith("①本人確認情報の更新\n　既存住基システムにおいて住")
    row45 = rows[44]  # 「45 平成30年6月8日 Ⅱ 別紙２ 項番１１７ － 変更 削除 事後 法令改正の変更。」
    assert legacy.item_raw(row45) == "Ⅱ > 別紙２ > 項番１１７ > －"
    assert (row45["変更前の記載"], row45["変更後の記載"], row45["提出時期に係る説明"]) == ("", "削除", "法令改正の変更。")
    assert [row["項番"] for row in rows[135:140]] == ["136", "136", "137", "138", ""]  # 136 printed twice, one none
    assert rows[136]["変更日"] == "令和5年6月28日" and rows[137]["変更日"] == ""
    assert rows[-1]["項番"] == "153" and rows[-1]["提出時期"] == "事前" and rows[-1]["提出時期に係る説明"] == "重要な変更"
    lines = seed_lines("001_0fa97ec629ceb12e.txt")
    headings = [j for j, line in enumerate(lines) if "変更箇所" in line]
    assert headings[0] not in used  # 「（別添３）　変更箇所」 in the table of contents
    assert headings[1] not in used  # 「（別添３）変更箇所 … 別紙４のとおり」: a pointer, no rows
    assert set(headings[2:]) <= used and set(range(headings[2], len(lines))) - used <= {len(lines) - 1}


def test_flow_seed_parses_fast() -> None:
    lines = seed_lines("001_0fa97ec629ceb12e.txt")
    start = time.perf_counter()
    find_legacy_rows(lines)
    assert time.perf_counter() - start < 0.5


def test_text_without_a_table_gives_no_rows() -> None:
    assert find_legacy_rows(seed_lines("002_eb38df5b06157c45.txt")) == ([], set())
    assert find_legacy_rows([]) == ([], set())
    toc = ["項目一覧", "Ⅰ　基本情報", "（別添３）　変更箇所", "", "Ⅴ　開示請求、問合せ"]
    assert find_legacy_rows(toc) == ([], set())


# ---------------------------------------------------------------- pdftotext -layout, rendered here

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    out, cur = [], ""
    for ch in text:
        if _width(cur + ch) > width:
            out, cur = [*out, cur], ""
        cur += ch
    return [*out, cur]


COLUMNS = [("変更日", 16), ("項目", 22), ("変更前の記載", 22), ("変更後の記載", 22), ("提出時期", 10),
           ("提出時期に係る説明", 20)]
LAYOUT_ROWS = [
    ("令和7年6月1日", "Ⅰ 基本情報 ２．システム ①システムの名称", "住民記録システム（既存住基システム）", "住民記録システム",
     "事前", "補記"),
    ("令和7年6月1日", "Ⅱ ファイルの概要", "－", "[○]その他（申請管理システム）", "", "住民基本台帳システムの標準化による"),
    ("令和7年7月1日", "Ⅴ 開示請求", "総務部 総務課", "地域・市民生活部 市民窓口課", "事後", "事務分掌に基づく修正"),
]


def _layout_text() -> list[str]:
    """A 変更箇所 table as pdftotext -layout prints it: padded columns, wrapped cells, a page break."""
    def line(cells: list[str]) -> str:
        return "".join(cell + " " * (width + 2 - _width(cell)) for cell, (_, width) in zip(cells, COLUMNS)).rstrip()
    header = line([label for label, _ in COLUMNS])
    out = ["本文の終わり", "", "（別添３）変更箇所", "", header]
    for n, row in enumerate(LAYOUT_ROWS):
        wrapped = [_wrap(cell, width) for cell, (_, width) in zip(row, COLUMNS)]
        out += [line([w[i] if i < len(w) else "" for w in wrapped]) for i in range(max(map(len, wrapped)))]
        if n == 1:
            out += ["", "- 12 -", "", "（別添３）変更箇所", "", header]
    return out + ["", "（別紙１）事務の内容", "本文"]


def test_pdf_layout_columns_from_header_positions() -> None:
    lines = _layout_text()
    rows, used = find_legacy_rows(lines)
    keys = [label for label, _ in COLUMNS]
    assert [[compare_key(row[k]) for k in keys] for row in rows] == [[compare_key(c) for c in r] for r in LAYOUT_ROWS]
    assert rows[0]["変更前の記載"] == "住民記録システム（既存\n住基システム）"  # the PDF line break kept
    assert used == set(range(2, len(lines) - 2))  # heading .. last row, page break included; 別紙１ left alone
