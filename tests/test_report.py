"""report end to end: a real repository (trailers, tags, an important change, a needs_review
change, hostile document text) → the HTML directory, checked as text and in headless Chromium."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from pia_changes.cli import cli
from pia_changes.errors import PiaError
from pia_changes.output import write_directory
from pia_changes.report import build_report
from pia_changes.report.names import inside, stem_for, unique_stems
from tests.helpers.documents import dump, kaigo
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import ROOT

PATH = "assessments/kaigo.yaml"
TODAY = dt.date(2025, 11, 1)
HOSTILE = "<script>alert(1)</script> \"引用\" 'single' &amp; &lt; を含む"
CONTENT = "被保険者の資格管理及び給付を行う。"
CHECK = "情報セキュリティの専門家による第三者点検を受けた。"
LEGACY = [{"変更日": "令和6年4月1日", "項目": "V 評価実施手続－1. 基礎項目評価－①実施日", "変更前の記載": "<p>令和4年3月2日</p>",
           "変更後の記載": "令和6年4月1日", "提出時期": "事後", "提出時期に係る説明": "その他の項目の変更"}]


def document(legacy: list | None = None, check: str = "第三者点検を受けた。", **edits) -> str:
    """The 介護保険 assessment (EDITS: name, content, people, title) with 第三者点検 > 方法 CHECK."""
    return dump(kaigo(legacy=legacy or [], check=check, **edits))


@pytest.fixture
def history(tmp_path) -> Repo:
    """Five revisions: baseline; an important change submitted 事前; a hostile text submitted 事後
    (important_after, acknowledged below); a threshold change (needs_review) with a change in Ⅴ;
    an important change submitted 事後 (not acknowledged)."""
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: document()})
    repo.commit("事務の内容に給付を追加\n\n変更日: 2025-06-01", {PATH: document(content=CONTENT)})
    repo.git("tag", "-a", "submitted/kaigo/2025-05-01", "-m", "提出")
    repo.commit('<b>名称</b>の修正 & "引用" <script>alert(2)</script>\n\n変更日: 令和7年7月1日',
                {PATH: document(name="介護保険の事務", content=CONTENT + HOSTILE)})
    repo.git("tag", "submitted/kaigo/2025-08-01")
    repo.commit("対象人数の更新\n\n変更日: 2025-09-01\n提出時期: 事前",
                {PATH: document(name="介護保険の事務", content=CONTENT + HOSTILE, people="30万人以上", check=CHECK)})
    repo.git("tag", "submitted/kaigo/2025-09-10")
    repo.commit("事務の内容に賦課を追加\n\n変更日: 2025-10-01",
                {PATH: document(name="介護保険の事務", content="賦課も行う。" + CONTENT + HOSTILE, people="30万人以上",
                                check=CHECK)})
    repo.git("tag", "submitted/kaigo/2025-10-15")
    findings = json.loads(repo.cli("generate", PATH, "--format", "json").stdout)["findings"]
    first = [f["id"] for f in findings if f["kind"] == "important_after"][0]
    repo.commit("確認済みの指摘", {"pia-changes.toml": f'[findings]\nacknowledged = ["{first}"]\n'})
    return repo


@pytest.fixture
def report_dir(history, tmp_path) -> Path:
    out = tmp_path / "report"
    build_report(out, history.root, today=TODAY)
    return out


def test_one_assessment_gives_index_and_the_tables_beside_it(report_dir):
    assert sorted(p.name for p in report_dir.iterdir()) == ["index.html", "変更箇所.csv", "変更箇所.xlsx"]
    rows = list(csv.reader(io.StringIO((report_dir / "変更箇所.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:2] == ["変更日", "項目"] and len(rows) == 1 + 6
    from openpyxl import load_workbook
    values = [c.value for r in load_workbook(report_dir / "変更箇所.xlsx").worksheets[0].iter_rows() for c in r]
    assert "令和7年10月1日" in values
    text = (report_dir / "index.html").read_text(encoding="utf-8")
    assert f'href="{quote("変更箇所.xlsx")}" download' in text


def test_the_page_is_offline_and_shows_timeline_taisho_and_findings(report_dir):
    text = (report_dir / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", text) and "@import" not in text and "url(" not in text
    assert text.count("<script>") == 1 and "Content-Security-Policy" in text
    assert "script-src 'sha256-" in text and "unsafe-inline" not in text
    for heading in ("時系列（版と提出）", "新旧対照表", "別添「変更箇所」"):
        assert heading in text
    # 和暦 dates: commits, 変更日, submissions
    assert "令和7年1月2日" in text and "変更日 令和7年6月1日" in text and "令和7年8月1日 提出" in text
    assert text.count('data-row="change"') == 6 and text.count('data-row="table"') == 6
    assert text.count('class="change important') == 4  # three 事務の内容 changes and the threshold row
    review = re.findall(r'<tr class="change[^"]*\breview\b[^"]*"', text)
    assert len(review) == 1 and "要確認</span>" in text and "要確認: " in text
    # changed characters underlined from the spans
    assert '<u class="chg">及び給付</u>' in text
    # findings: the acknowledged one shown as such, the other an open error
    assert 'class="error acknowledged"' in text and "確認済み" in text
    assert re.search(r'<li class="error" data-finding="f-[0-9a-f]{8}">', text)
    assert 'class="change important finding acknowledged"' in text
    assert 'class="change important finding"' in text


def test_document_and_commit_text_is_escaped(report_dir):
    text = (report_dir / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text and "alert(1)" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text           # document text
    assert "&lt;b&gt;名称&lt;/b&gt;の修正 &amp; &quot;引用&quot;" in text    # commit subject
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text
    assert "&amp;amp; &amp;lt;" in text and "&#x27;single&#x27;" in text  # entities stay text


def test_existing_directory_needs_force_and_is_swapped_whole(history, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "old.txt").write_text("前の内容", encoding="utf-8")
    with pytest.raises(PiaError, match="--force"):
        build_report(out, history.root, today=TODAY)
    assert (out / "old.txt").exists()
    result = history.cli("report", "-o", str(out))
    assert result.exit_code == 1 and "--force" in result.stderr
    result = history.cli("report", "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "old.txt").exists() and (out / "index.html").exists()
    assert "重要な変更が事後に提出されています" in result.stderr  # findings printed like generate
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "report"]  # no temporary left beside


def test_an_empty_directory_is_used_without_force(history, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    build_report(out, history.root, today=TODAY)
    assert (out / "index.html").exists()


def test_a_failed_build_leaves_the_old_directory(tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")

    def fail(tmp: Path) -> None:
        (tmp / "index.html").write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_directory(out, fail, force=True)
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report"]


def test_force_never_replaces_the_repository(history):
    for target in (history.root, history.root / "assessments", history.root.parent):
        result = history.cli("report", "-o", str(target), "--force")
        assert result.exit_code == 1 and "リポジトリまたは評価書" in result.stderr
    assert (history.root / PATH).exists()


def test_several_assessments_get_one_safe_page_each(history, tmp_path):
    japanese = "assessments/住民基本台帳.yaml"
    title = "テスト市 住民基本台帳に関する事務 <i>評価書</i>"
    history.commit("住基の評価書", {japanese: document(title=title, legacy=LEGACY)})
    history.commit("住基の修正\n\n変更日: 2025-10-20",
                   {japanese: document(title=title, name="住民基本台帳の事務", legacy=LEGACY)})
    out = tmp_path / "report"
    result = build_report(out, history.root, today=TODAY)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["index.html", "kaigo.html", "住民基本台帳.html", "変更箇所_kaigo.xlsx", "変更箇所_kaigo.csv",
                            "変更箇所_住民基本台帳.xlsx", "変更箇所_住民基本台帳.csv"])
    assert result.files[0] == "index.html"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="kaigo.html"' in index and f'href="{quote("住民基本台帳.html")}"' in index
    assert "&lt;i&gt;評価書&lt;/i&gt;" in index
    page = (out / "住民基本台帳.html").read_text(encoding="utf-8")
    assert 'href="index.html"' in page and "住民基本台帳の事務" in re.sub(r"<[^>]+>", "", page)
    assert "公表済みの変更箇所 1 行" in page and 'data-section="Ⅴ"' in page  # the legacy row, its 「V」 read as Ⅴ
    assert "&lt;p&gt;" not in page and "令和6年4月1日" in page
    one = tmp_path / "one"
    assert history.cli("report", japanese, "-o", str(one)).exit_code == 0
    assert sorted(p.name for p in one.iterdir()) == ["index.html", "変更箇所.csv", "変更箇所.xlsx"]
    assert "住民基本台帳の事務" in re.sub(r"<[^>]+>", "", (one / "index.html").read_text(encoding="utf-8"))


def test_file_names_from_hostile_paths_stay_inside_the_directory(tmp_path):
    hostile = ["../../評価書/住民基本台帳.yaml", "/etc/passwd", "..", "a/../../b.yaml", "assessments/.hidden.yaml",
               "index.yaml", "x" * 300 + ".yaml", "a b/c<d>&e.yaml", "..\\..\\win.yaml", "assessments/CON.yaml"]
    stems = unique_stems(hostile)
    assert stem_for("../../評価書/住民基本台帳.yaml") == "評価書_住民基本台帳"
    assert len(set(s.casefold() for s in stems.values())) == len(hostile)
    for stem in stems.values():
        assert re.fullmatch(r"[\w-]+", stem) and not stem.startswith(".") and len(stem) <= 60
        assert stem.casefold() not in ("index", "con")
        target = inside(tmp_path, f"{stem}.html")
        assert target.resolve().parent == tmp_path.resolve()
    for bad in ("../x.html", "a/b.html", "..", ""):
        with pytest.raises(ValueError):
            inside(tmp_path, bad)


def test_report_command_is_documented():
    assert "report" in cli.commands and cli.commands["report"].help
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pia-changes report" in readme


# --- in a real browser (the `browser` fixture: conftest.py) ------------------------------------------

def test_the_page_works_in_headless_chromium(report_dir, browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    browser.get((report_dir / "index.html").resolve().as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 — the document's <script> must not have run
    assert browser.execute_script("return document.scripts.length") == 1
    assert "<script>alert(1)</script>" in browser.find_element(By.TAG_NAME, "body").text

    def shown() -> list:
        return [r for r in browser.find_elements(By.CSS_SELECTOR, 'tr[data-row="change"]') if r.is_displayed()]

    filters = browser.find_element(By.ID, "filters")
    assert filters.is_displayed()  # the script ran under the page's CSP
    assert len(shown()) == 6
    important = browser.find_elements(By.CSS_SELECTOR, "tr.change.important")
    plain = browser.find_elements(By.CSS_SELECTOR, "tr.change:not(.important)")
    assert len(important) == 4 and len(plain) == 2
    def background(row) -> str:
        return row.find_element(By.CSS_SELECTOR, "td.after").value_of_css_property("background-color")

    assert background(important[0]) != background(plain[0]) == "rgba(0, 0, 0, 0)"
    browser.save_screenshot(str(tmp_path / "report.png"))

    browser.find_element(By.ID, "f-important").click()
    assert len(shown()) == 4 and all("important" in r.get_attribute("class") for r in shown())
    assert not plain[0].is_displayed()
    assert "4 / 6" in browser.find_element(By.ID, "filter-count").text
    browser.find_element(By.ID, "f-important").click()

    browser.find_element(By.ID, "f-review").click()
    assert [r.get_attribute("data-item") for r in shown()] == ["I/target_count"]
    browser.find_element(By.ID, "f-review").click()

    search = browser.find_element(By.ID, "f-q")
    search.send_keys("賦課")
    assert len(shown()) == 1 and "賦課" in shown()[0].text
    revisions = [s for s in browser.find_elements(By.CSS_SELECTOR, "section.revision[data-group]") if s.is_displayed()]
    assert len(revisions) == 1  # revisions with nothing left to show are hidden
    search.clear()
    search.send_keys("存在しない語")
    assert shown() == []
    search.clear()
    search.send_keys(" ")
    assert len(shown()) == 6

    from selenium.webdriver.support.select import Select
    section = Select(browser.find_element(By.ID, "f-section"))
    assert [o.text for o in section.options] == ["すべて", "Ⅰ 基本情報", "Ⅴ 評価実施手続"]
    section.select_by_value("Ⅴ")
    assert [r.get_attribute("data-item") for r in shown()] == ["V/review_method"]
    browser.save_screenshot(str(tmp_path / "report-filtered.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not filters.is_displayed()
    assert important[0].value_of_css_property("break-inside") == "avoid"
    assert "絞り込み: 章 Ⅴ" in browser.find_element(By.ID, "filter-state").text  # a printout says it is filtered

