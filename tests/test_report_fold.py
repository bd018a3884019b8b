"""Folding in the report's 新旧対照表 (issue #28, item 7): long unchanged text is folded around the
changes, the change is in view without scrolling, the control unfolds the rest, nothing is lost
and everything stays escaped.

The real case: the example repository's 川口市 別紙 list (seed 004), 2,427 characters in one
paragraph, with a one-character change 69 characters from its end.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from pia_changes.report import build_report
from pia_changes.report.fold import MIN_FOLD, anchors, fold, position_of, unchanged_before
from pia_changes.report.taisho import change_row
from pia_changes.table.rows import Row
from tests.helpers.cli import invoke

BESSHI = "II/file[介護保険情報ファイル]/besshi"
SCREENSHOTS = "PIA_CHANGES_SCREENSHOTS"
_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _SPACE.sub("", text)


# --- the folding itself ---------------------------------------------------------------------------

SENTENCE = "番号法第19条第8号に基づく主務省令第2条の表に定める事務"


def cut(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    out, pos = [], 0
    for s, e in spans:
        out += [(text[pos:s], False), (text[s:e], True)]
        pos = e
    return [p for p in out + [(text[pos:], False)] if p[0]]


def test_a_change_near_the_end_of_a_long_text_keeps_only_its_context():
    text = "、".join(f"{SENTENCE}{i}" for i in range(80))  # one paragraph of 2,500 characters
    at = len(text) - 40
    segments = fold(cut(text, [(at, at + 1)]), [(at, at + 1)], [(at, at + 1)])
    assert "".join(s.text for s in segments) == text          # nothing lost
    kinds = [s.kind for s in segments]
    assert kinds == ["folded", "plain", "changed", "plain"]
    assert len(segments[1].text) <= 100 and segments[1].text.startswith(SENTENCE[:5])  # starts at a clause
    assert len(segments[0].text) > 2000


def test_context_is_at_most_two_lines_and_short_runs_stay_shown():
    lines = [f"{i}行目 {SENTENCE}" for i in range(30)]
    text = "\n".join(lines)
    at = text.index("15行目")
    segments = fold(cut(text, [(at, at + 2)]), [(at, at + 2)], [(at, at + 2)])
    shown = "".join(s.text for s in segments if s.kind != "folded")
    assert shown.count("\n") <= 2 * 2 and "14行目" in shown and "13行目" not in shown
    short = "あ" * (MIN_FOLD + 150)
    assert [s.kind for s in fold(cut(short, [(100, 101)]), [(100, 101)], [])] == ["plain", "changed", "plain"]


def test_an_insertion_on_one_side_keeps_the_same_place_in_view_on_the_other():
    before = "、".join(f"{SENTENCE}{i}" for i in range(60))
    at = before.index(f"{SENTENCE}50")
    after = before[:at] + "追加の事務、" + before[at:]
    inserted = [(at, at + len("追加の事務、"))]
    assert unchanged_before(at + 6, inserted) == at and position_of(at, []) == at
    assert anchors([], inserted) == [(at, at)]
    left = fold([(before, False)], [], inserted)
    shown = "".join(s.text for s in left if s.kind == "plain")
    assert before[at - 20:at + 20] in shown and [s.kind for s in left] == ["folded", "plain", "folded"]
    assert [s.kind for s in fold([(before, False)], [], [])] == ["plain"]  # no change point: no fold


def test_folded_text_is_escaped_and_in_the_page():
    hostile = '<script>alert("x")</script><b>太字</b>&amp;'
    before = hostile + SENTENCE * 60 + "旧"
    after = hostile + SENTENCE * 60 + "新"
    row = Row(change_date=dt.date(2025, 6, 1), item="Ⅰ 基本情報 > ②事務の内容", item_id="I/content",
              kind="変更", before=before, after=after, timing="事前", timing_reason="重要な変更に当たる。",
              source="git", labels=("Ⅰ 基本情報", "②事務の内容"),
              spans={"before": [[len(before) - 1, len(before)]], "after": [[len(after) - 1, len(after)]]},
              important=True, reason_code="important_item")
    html = change_row(row, [], gannen=True)
    assert "<script>" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;太字&lt;/b&gt;&amp;amp;") == 2
    folded = len(before) - 1 - 100  # all but the changed character and the 100 before it
    assert html.count(f'aria-expanded="false">…（{folded:,}文字省略）表示する</button>') == 2
    assert '<u class="chg">新</u>' in html


# --- in a real browser ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_report(tmp_path_factory) -> tuple[Path, dict]:
    """The report of the example repository, and the 別紙 row as `generate` computes it."""
    root = tmp_path_factory.mktemp("fold") / "example"
    assert invoke("init", str(root), "--example").exit_code == 0
    out = root.parent / "report"
    build_report(out, root)
    tables = json.loads(invoke("generate", "--format", "json", root=root).stdout)
    row = next(r for t in tables for r in t["rows"] if r["item_id"] == BESSHI)
    return out, row


def test_a_one_character_change_at_the_end_of_a_long_cell_is_in_view(example_report, browser, tmp_path):
    from selenium.webdriver.common.by import By

    out, data = example_report
    assert len(data["after"]) > 2000 and data["spans"]["after"] == [[2358, 2359]]
    page = next(p for p in out.glob("*.html") if BESSHI in p.read_text("utf-8"))
    browser.get(page.resolve().as_uri())
    row = browser.find_element(By.CSS_SELECTOR, f'tr[data-item="{BESSHI}"]')
    cell = row.find_element(By.CSS_SELECTOR, "td.after")
    # the row's top just under the sticky filter bar, as a reviewer arriving at it sees it
    browser.execute_script("const bar = document.getElementById('filters').getBoundingClientRect();"
                           "window.scrollBy(0, arguments[0].getBoundingClientRect().top - bar.height - 8);", row)
    view = browser.execute_script(
        "const [cell, chg] = [arguments[0], arguments[0].querySelector('u.chg')];"
        "const c = cell.getBoundingClientRect(), u = chg.getBoundingClientRect();"
        "const bar = document.getElementById('filters').getBoundingClientRect();"
        "return {top: c.top, height: c.height, chgTop: u.top, chgBottom: u.bottom, inner: innerHeight,"
        "        bar: bar.bottom};", cell)
    assert view["bar"] <= view["top"] <= view["chgTop"] and view["chgBottom"] <= view["inner"], view
    assert view["height"] < 400, view
    assert cell.find_element(By.CSS_SELECTOR, "u.chg").text == data["after"][2358:2359]
    own_text = browser.execute_script(  # the cell's text without the control's label: all of it is in the page
        "const copy = arguments[0].cloneNode(true);"
        "copy.querySelectorAll('button.unfold').forEach(b => b.remove()); return copy.textContent;", cell)
    assert own_text == data["after"]
    browser.execute_script(  # the screenshot: the revision's heading, then its 新旧対照表
        "const bar = document.getElementById('filters').getBoundingClientRect();"
        "window.scrollBy(0, arguments[0].closest('section').getBoundingClientRect().top - bar.height - 8);", row)
    browser.save_screenshot(str(tmp_path / "report_folded.png"))
    if os.environ.get(SCREENSHOTS):  # PIA_CHANGES_SCREENSHOTS=docs refreshes docs/report_folded.png
        browser.save_screenshot(str(Path(os.environ[SCREENSHOTS]) / "report_folded.png"))

    control = cell.find_element(By.CSS_SELECTOR, "button.unfold")
    assert re.fullmatch(r"…（[0-9,]+文字省略）表示する", control.text)
    folded = cell.find_element(By.CSS_SELECTOR, ".folded")
    assert not folded.is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert folded.is_displayed() and not control.is_displayed()  # paper cannot be clicked: print shows all
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert not folded.is_displayed()
    control.click()
    assert control.get_attribute("aria-expanded") == "true" and not control.is_displayed()
    assert squeeze(cell.text) == squeeze(data["after"])        # the whole text, nothing else
    assert cell.size["height"] > 4 * view["height"]

    search = browser.find_element(By.ID, "f-q")               # a search hit inside folded text unfolds it
    before_cell = row.find_element(By.CSS_SELECTOR, "td.before")
    hidden_word = next(w for w in (data["before"][i:i + 12] for i in range(200, 2000)) if not re.search(r"\s", w))
    assert hidden_word not in before_cell.text
    search.send_keys(hidden_word)
    assert hidden_word in before_cell.text
