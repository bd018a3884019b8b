"""Older editions (issue 26, item 4): seed 004's cover rewritten to each edition published since
平成26年 and to the title variants extractions print; the edition goes to 様式版, and an item an older
edition labelled otherwise (forms.editions.MOVED) lands where the current form has it."""
from __future__ import annotations

import pytest
import yaml

from pia_changes.forms import load_form, walk
from pia_changes.forms.editions import CURRENT, EDITIONS, MOVED
from pia_changes.forms.labelpath import node_path
from pia_changes.forms.rowmatch import match_row
from pia_changes.importer import import_text
from pia_changes.importer.detect import detect_form
from tests.helpers.paths import DATA

SEED = (DATA / "004_a91eed273516a844.txt").read_text(encoding="utf-8")
COVER = "[令和6年10月 様式3]"
TITLE = "特定個人情報保護評価書(重点項目評価書)"


def _import(text: str) -> tuple[dict, list[str]]:
    result = import_text(text.encode("utf-8"), "seed004.txt")
    return yaml.safe_load(result.yaml_text), result.notices


@pytest.mark.parametrize("edition", [e.name for e in EDITIONS])
def test_each_edition_is_recorded_and_its_moved_items_land_where_they_are_now(edition):
    assert COVER in SEED and "②所属長の役職名\t" in SEED
    text = SEED.replace(COVER, f"[{edition} 様式3]")
    if edition != CURRENT.name:  # the older editions asked for 「②所属長」 (forms.editions)
        text = text.replace("②所属長の役職名\t", "②所属長\t")
    data, notices = _import(text)
    assert data["様式版"] == f"{edition} 様式3"
    dept = data["基本情報"]["評価実施機関における担当部署"]
    assert dept["所属長の役職名"] == "介護保険課長"
    assert not any("所属長" in entry["本文"] for entry in data["未配置"])
    older = [n for n in notices if "現行の様式" in n]
    assert bool(older) == (edition != CURRENT.name)
    if older:
        assert edition in older[0] and CURRENT.name in older[0]


@pytest.mark.parametrize("cover", ["[ 平成 26 年 4 月様式 3]", "平成 26 年 4 月様式 3", "［平成２６年４月　様式３］"])
def test_cover_lines_as_extractions_print_them(cover):
    data, _ = _import(SEED.replace(COVER, cover))
    assert data["様式版"] == "平成26年4月 様式3"


@pytest.mark.parametrize("title", ["特定個人情報保護評価書 ( 重点項目評価書 )", "特定個人情報保護評価書（ 重点項目評価書 ）",
                                   "特定個人情報 保護評価書 (重点項目評価書)"])
def test_titles_with_spaces_and_half_width_brackets(title):
    lines = SEED.replace(TITLE, title).replace(COVER, "").split("\n")
    detected = detect_form(lines, None, "seed004.txt")
    assert detected.form == "重点項目" and detected.notices == ()


def test_a_title_line_that_goes_on_keeps_its_content():
    """「特定個人情報保護評価書 ( 基礎項目評価書 ) 評価書番号評価書名 2 …」: the form is read from it, the
    line itself stays content."""
    lines = ["特定個人情報保護評価書 ( 基礎項目評価書 ) 評価書番号評価書名 2 個人住民税関係事務基礎項目評価書"]
    detected = detect_form(lines, None, "x.txt")
    assert detected.form == "基礎項目" and 0 not in detected.title_lines


def _outline(form_name: str) -> list[str]:
    """A document's headings as the form prints them, one a line, without title or cover."""
    return [n.label for n in walk(load_form(form_name).nodes) if n.type == "section" and n.id != "cover"]


def test_a_kiso_document_is_known_by_its_heading_kanren_jouhou():
    detected = detect_form(_outline("基礎項目"), None, "kiso.txt")
    assert detected.form == "基礎項目"
    assert "Ⅰ 関連情報" in detected.notices[0]


def test_headings_only_one_form_prints_decide_without_a_title():
    lines = SEED.replace(TITLE, "").replace(COVER, "").split("\n")
    assert detect_form(lines, None, "seed004.txt").form == "重点項目"


@pytest.mark.parametrize("moved", MOVED, ids=lambda m: f"{m.form}:{m.label[:8]}")
def test_the_table_labels_of_older_editions_find_the_current_item(moved):
    """A 変更箇所 row written under an older edition's label (004's 「②所属長」 of 平成29年) is placed on
    the item the edition table names."""
    form = load_form(moved.form)
    assert moved.until in {e.name for e in EDITIONS}
    section = {"I": "Ⅰ 基本情報", "III": "Ⅲ リスク対策", "cover": "表紙"}[moved.path.split("/")[0]]
    match = match_row(form, f"{section}－{moved.label}", None, None)
    assert match is not None
    assert node_path(match.node) in (moved.path, *(node_path(c) for c in walk([_node(form, moved.path)])))


def _node(form, path):
    return next(n for n in walk(form.nodes) if node_path(n) == path)


def test_an_item_the_current_form_lacks_goes_to_unplaced_with_a_notice():
    """An older edition's row whose numbered label the current form does not have is kept whole under
    未配置 and named in a notice, not read as the continuation of the item above."""
    lines = SEED.replace(COVER, "[平成26年4月 様式3]").split("\n")
    at = next(j for j, line in enumerate(lines) if line.startswith("②所属長の役職名\t"))
    lines.insert(at + 1, "③旧様式の項目\t旧様式の記載")
    data, notices = _import("\n".join(lines))
    assert data["基本情報"]["評価実施機関における担当部署"]["所属長の役職名"] == "介護保険課長"
    assert {"行": f"{at + 2}-{at + 2}", "本文": "③旧様式の項目 旧様式の記載"} in data["未配置"]
    assert any(f"{at + 2}行目「③旧様式の項目」" in n for n in notices)


def test_the_current_edition_reads_seed_004_unchanged():
    """The obsolete-item rule applies to older editions only, and finds nothing in 004 itself."""
    current, _ = _import(SEED)
    older, notices = _import(SEED.replace(COVER, "[平成30年5月 様式3]"))
    # 004's own 未配置 holds only the notes printed beside unticked boxes (「その他 (…)」), kept since they are text
    assert current["未配置"] == older["未配置"]
    assert all(entry["行"] in ("103-103", "111-112") for entry in current["未配置"])
    assert not any("現行の様式にないもの" in notice for notice in notices)
    assert {k: v for k, v in current.items() if k != "様式版"} == {k: v for k, v in older.items() if k != "様式版"}


def test_the_commission_older_name_on_the_cover_of_a_zenkoumoku():
    """「特定個人情報保護委員会承認日」 (平成26年4月) is the cover's 個人情報保護委員会承認日."""
    seed = (DATA / "000_927f6452a1ee0b1f.txt").read_text(encoding="utf-8")
    label = "個人情報保護委員会 承認日 【行政機関等のみ】\n"
    assert label in seed
    text = seed.replace("特定個人情報保護評価書(全項目評価書)\n", "特定個人情報保護評価書(全項目評価書)\n[平成26年4月 様式4]\n", 1)
    text = text.replace(label, "特定個人情報保護委員会承認日 【行政機関等のみ】\t令和2年4月1日\n")
    data, _ = _import(text)
    assert data["様式版"] == "平成26年4月 様式4"
    assert str(data["表紙"]["個人情報保護委員会承認日"]) == "2020-04-01"
