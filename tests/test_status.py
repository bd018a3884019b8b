"""`pia-changes status` on real repositories holding the real seeds (004 as examples/kaigo.yaml,
000 imported): pending changes, their actions and due days (Decisions 2026-12-06: status,
Procedure timing), the JSON contract checked with a FormatChecker."""
from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from tests.helpers.gitrepo import Repo
from tests.helpers.paths import ROOT, schema
from tests.helpers.seeds import seed_yaml

KAIGO = (ROOT / "examples" / "kaigo.yaml").read_text(encoding="utf-8")
ROOM = "生体認証を行っている電算機室のオートロック扉の内部"
DATA_CENTRE = "外部データセンターのオートロック扉の内部"
VALIDATOR = jsonschema.Draft202012Validator(schema("status"), format_checker=jsonschema.FormatChecker())
DAY = dt.timedelta(days=1)


def status(repo: Repo, *args: str, code: int = 0) -> list[dict]:
    result = repo.cli("status", "--format", "json", *args)
    assert result.exit_code == code, result.output
    data = json.loads(result.stdout)
    VALIDATOR.validate(data)
    return data


def by_file(data: list[dict]) -> dict[str, dict]:
    return {record["file"]: record for record in data}


def actions(record: dict) -> dict[str, dict]:
    return {a["kind"]: a for a in record["actions"]}


def test_the_format_checker_rejects_a_date_that_is_not_one():
    """The validator the tests use checks dates: a record with a bad date must fail it."""
    bad = [{"file": "a.yaml", "name": None, "form": None, "last_submission": "2025-02-30",
            "last_reevaluation": None, "reevaluation_due": None, "unsubmitted_changes": None,
            "unsubmitted_important": None, "actions": []}]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(bad)


def test_example_repository(tmp_path):
    repo = Repo(tmp_path / "example", init=False)
    from tests.helpers.cli import invoke
    assert invoke("init", str(repo.root), "--example").exit_code == 0
    data = status(repo, "--as-of", "2026-01-01")
    assert sorted(r["file"] for r in data) == ["assessments/jyuki.yaml", "assessments/kaigo.yaml"]
    for record in data:
        stem = record["file"].split("/")[1].removesuffix(".yaml")
        tags = repo.git("tag", "--list", f"submitted/{stem}/*").split()
        assert record["last_submission"] == max(t.rsplit("/", 1)[1] for t in tags)
        assert record["error"] is None and record["unsubmitted_changes"] == 0
    text = repo.cli("status", "--as-of", "2026-01-01")
    assert text.exit_code == 0 and "令和8年1月1日 現在" in text.stdout
    assert "assessments/kaigo.yaml" in text.stdout and "assessments/jyuki.yaml" in text.stdout
    md = repo.cli("status", "--format", "md", "--as-of", "2026-01-01").stdout
    assert "| 状況 | 評価書 |" in md


@pytest.fixture(scope="module")
def jyuki() -> str:
    return seed_yaml("000")


@pytest.fixture
def zen(tmp_path, jyuki) -> Repo:
    """A 全項目 assessment (seed 000) submitted as 実施 on 2025-01-05, then a 重要な変更 taking
    effect on 2025-06-01 that no submission covers."""
    repo = Repo(tmp_path / "zen")
    repo.commit("基準の版", {"assessments/jyuki.yaml": jyuki})
    repo.git("tag", "-a", "-m", "評価の実施\n\n種別: 実施", "submitted/jyuki/2025-01-05")
    edited = jyuki.replace("富士通Japan株式会社 長野公共ビジネス部", "株式会社ガバメントクラウド", 1)
    assert edited != jyuki
    repo.commit("委託先の変更\n\n変更日: 2025-06-01\n判定: 重要", {"assessments/jyuki.yaml": edited})
    return repo


def test_an_important_change_of_a_zenkoumoku_assessment_needs_the_whole_chain(zen):
    [record] = status(zen, "--as-of", "2025-03-01")
    assert (record["form"], record["unsubmitted_changes"], record["unsubmitted_important"]) == ("全項目", 1, 1)
    assert (record["last_submission"], record["last_reevaluation"]) == ("2025-01-05", "2025-01-05")
    assert record["reevaluation_due"] == "2030-01-05"
    found = actions(record)
    change = dt.date(2025, 6, 1)
    submit = change - DAY
    review = submit - 14 * DAY
    hearing = review - (30 + 30) * DAY
    assert {k: found[k]["due"] for k in ("public_comment", "third_party_review", "submit_before")} == {
        "public_comment": hearing.isoformat(), "third_party_review": review.isoformat(),
        "submit_before": submit.isoformat()}
    assert found["annual_review"]["due"] == "2026-01-05"
    assert {a["level"] for a in record["actions"]} == {"info"}
    assert found["public_comment"]["item_ids"] and found["public_comment"]["change_date"] == "2025-06-01"
    assert "令和7年3月18日" in found["public_comment"]["message"]  # 和暦 in the message
    assert "new_assessment" not in found and "submit_promptly" not in found


def test_levels_follow_the_as_of_day_and_strict_fails_on_errors(zen):
    [record] = status(zen, "--as-of", "2025-04-01")
    levels = {k: a["level"] for k, a in actions(record).items()}
    assert (levels["public_comment"], levels["third_party_review"], levels["submit_before"]) == ("warning", "info", "info")
    assert zen.cli("status", "--strict", "--as-of", "2025-04-01").exit_code == 0
    [record] = status(zen, "--as-of", "2025-06-01")
    assert {actions(record)[k]["level"] for k in ("public_comment", "third_party_review", "submit_before")} == {"error"}
    assert zen.cli("status", "--as-of", "2025-06-01").exit_code == 0
    assert zen.cli("status", "--strict", "--as-of", "2025-06-01").exit_code == 1
    text = zen.cli("status", "--as-of", "2025-06-01").stdout
    assert text.index("エラー") < text.index("予定")  # most urgent first


def test_a_submission_covering_the_change_clears_it(zen):
    zen.git("tag", "submitted/jyuki/2025-05-20")
    [record] = status(zen, "--as-of", "2025-06-10")
    assert (record["unsubmitted_changes"], record["last_submission"]) == (0, "2025-05-20")
    assert set(actions(record)) == {"reevaluation_due", "annual_review"}
    assert actions(record)["annual_review"]["due"] == "2026-05-20"  # no 見直し tag: the latest submission


def test_lead_times_come_from_the_config_and_a_short_hearing_is_warned(zen):
    zen.commit("設定", {"pia-changes.toml": "[procedure]\npublic_comment_days = 20\nsubmission_days = 7\n"})
    result = zen.cli("status", "--format", "json", "--as-of", "2025-03-01")
    assert "原則30日以上" in result.stderr
    found = actions(json.loads(result.stdout)[0])
    review = dt.date(2025, 5, 31) - 7 * DAY
    assert found["third_party_review"]["due"] == review.isoformat()
    assert found["public_comment"]["due"] == (review - 50 * DAY).isoformat()
    zen.commit("設定", {"pia-changes.toml": "[procedure]\npublic_comment_days = -1\n"})
    bad = zen.cli("status")
    assert bad.exit_code == 1 and "public_comment_days" in bad.stderr
    zen.commit("設定", {"pia-changes.toml": "[procedure]\npublic_coment_days = 45\n"})  # misspelt
    bad = zen.cli("status")
    assert bad.exit_code == 1 and "public_coment_days" in bad.stderr and "public_comment_days のことですか" in bad.stderr


def test_reevaluation_and_review_clocks_follow_the_kind_of_tag(zen):
    zen.git("tag", "-a", "-m", "修正\n\n種別: 修正", "submitted/jyuki/2025-05-20")
    zen.git("tag", "-a", "-m", "見直し\n\n種別: 見直し", "submitted/jyuki/2025-05-25")
    [record] = status(zen, "--as-of", "2030-02-01")
    assert (record["last_reevaluation"], record["reevaluation_due"]) == ("2025-01-05", "2030-01-05")
    found = actions(record)
    assert found["reevaluation_due"]["level"] == "warning" and found["annual_review"]["due"] == "2026-05-25"
    zen.git("tag", "-a", "-m", "再実施\n\n種別: 再実施", "submitted/jyuki/2029-12-01")
    [record] = status(zen, "--as-of", "2030-02-01")
    assert (record["last_reevaluation"], record["reevaluation_due"]) == ("2029-12-01", "2034-12-01")


@pytest.fixture
def kaigo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "kaigo")
    repo.commit("基準の版", {"assessments/kaigo.yaml": KAIGO.replace("対象人数: null", "対象人数: 10万人以上30万人未満")})
    repo.git("tag", "submitted/kaigo/2025-01-03")
    return repo


def test_a_juten_assessment_submits_and_corrections_are_published_promptly(kaigo):
    moved = KAIGO.replace(ROOM, DATA_CENTRE).replace("対象人数: null", "対象人数: 10万人以上30万人未満")
    kaigo.commit("保管場所\n\n変更日: 2025-04-01", {"assessments/kaigo.yaml": moved})
    kaigo.commit("誤字\n\n変更日: 2025-04-10\n判定: 非重要（誤字脱字）",
                 {"assessments/kaigo.yaml": moved.replace("被保険者の資格管理", "被保険者の資格の管理", 1)})
    [record] = status(kaigo, "--as-of", "2026-01-01")
    by_kind = actions(record)
    assert {"submit_before", "submit_promptly"} <= set(by_kind)
    assert not {"public_comment", "third_party_review", "new_assessment"} & set(by_kind)  # 重点項目: submission only
    assert (by_kind["submit_before"]["due"], by_kind["submit_before"]["level"]) == ("2025-03-31", "error")
    assert by_kind["submit_promptly"]["due"] == "2025-05-10"
    assert by_kind["submit_promptly"]["level"] == "warning"  # never an error
    assert (record["unsubmitted_changes"], record["unsubmitted_important"]) == (2, 1)


def test_a_threshold_crossing_to_zenkoumoku_needs_a_new_assessment_and_the_chain(kaigo):
    kaigo.commit("対象人数\n\n変更日: 2025-09-01", {"assessments/kaigo.yaml": KAIGO.replace("対象人数: null", "対象人数: 30万人以上")})
    [record] = status(kaigo, "--as-of", "2025-02-01")
    found = actions(record)
    assert {"new_assessment", "public_comment", "third_party_review", "submit_before"} <= set(found)
    assert found["new_assessment"]["due"] == found["public_comment"]["due"]  # done before 意見聴取 starts
    assert found["new_assessment"]["item_ids"] == found["public_comment"]["item_ids"]


def test_an_invalid_assessment_is_listed_with_its_error_and_the_others_still_are(kaigo):
    kaigo.commit("壊れた評価書", {"assessments/broken.yaml": "様式: 全項目\n表紙: [1, 2\n"})
    kaigo.git("tag", "submitted/nosuch/2025-01-04")
    result = kaigo.cli("status", "--format", "json", "--as-of", "2025-02-01")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    VALIDATOR.validate(data)
    records = by_file(data)
    assert records["assessments/broken.yaml"]["error"] and records["assessments/broken.yaml"]["actions"] == []
    assert records["assessments/kaigo.yaml"]["error"] is None
    assert data[0]["file"] == "assessments/broken.yaml"  # listed first: it needs fixing
    assert "submitted/nosuch/2025-01-04" in result.stderr  # a tag naming no assessment


def test_as_of_that_is_not_a_date_is_a_japanese_usage_error(kaigo):
    result = kaigo.cli("status", "--as-of", "来週")
    assert result.exit_code == 2
    assert "--as-of" in result.stderr and "日付として読めません" in result.stderr
    assert kaigo.cli("status", "--as-of", "令和7年2月1日").exit_code == 0


def test_one_commit_across_twenty_assessments_gives_each_table_its_row_and_status_lists_all(tmp_path, jyuki):
    """The 標準化 case: the same 委託先 renamed in 20 assessments made from seeds 000 and 004."""
    sources = {"000": (jyuki, "富士通Japan株式会社 長野公共ビジネス部", "住民基本台帳に関する事務 全項目評価書"),
               "004": (KAIGO, "株式会社日立システムズ", "川口市 介護保険に関する事務 重点項目評価書")}
    repo = Repo(tmp_path / "twenty")
    files, renamed = {}, {}
    for n in range(20):
        text, contractor, title = sources["000" if n % 2 else "004"]
        path = f"assessments/a{n:02d}.yaml"
        files[path] = text.replace(title, f"{title}（その{n + 1}）", 1)
        renamed[path] = files[path].replace(contractor, "株式会社標準化クラウド", 1)
    repo.commit("基準の版", files)
    repo.git("tag", "submitted/2025-01-05")
    repo.commit("委託先の変更（標準化）\n\n変更日: 2025-10-01", renamed)
    result = repo.cli("generate", "--format", "json")
    tables = json.loads(result.stdout)
    tables = tables if isinstance(tables, list) else tables["assessments"]
    assert len(tables) == 20
    for table in tables:
        git = [r for r in table["rows"] if r["source"] == "git"]
        assert [r["after"] for r in git] == ["株式会社標準化クラウド"], table["assessment"]
    data = status(repo, "--as-of", "2025-08-01")
    assert sorted(r["file"] for r in data) == sorted(files)
    assert all(r["unsubmitted_changes"] == 1 and r["name"].endswith("）") for r in data)
    text = repo.cli("status", "--as-of", "2025-08-01").stdout
    assert all(path in text for path in files)


def test_check_commit_msg_names_the_actions_and_their_due_days(zen, tmp_path):
    """The hook dates the steps with the same code as status (a 全項目 assessment: the chain)."""
    text = (zen.root / "assessments/jyuki.yaml").read_text(encoding="utf-8")
    zen.stage("assessments/jyuki.yaml", text.replace("株式会社ガバメントクラウド", "株式会社標準化クラウド", 1))
    message = tmp_path / "MSG"
    message.write_text("委託先の変更\n\n変更日: 2099-06-01\n判定: 重要\n", encoding="utf-8")
    result = zen.cli("check", "--commit-msg", str(message))
    assert result.exit_code == 0, result.output
    submit = dt.date(2099, 5, 31)
    review = submit - 14 * DAY
    from pia_changes.text.wareki import format_wareki
    for day, step in ((review - 60 * DAY, "住民等の意見聴取を"), (review, "第三者点検を"), (submit, "委員会への提出を")):
        assert f"{step} {format_wareki(day)} までに" in result.stdout
    message.write_text("委託先の変更\n\n判定: 重要\n", encoding="utf-8")
    refused = zen.cli("check", "--commit-msg", str(message))
    assert refused.exit_code == 1 and "までに" not in refused.stdout  # no 変更日: nothing to date


def test_the_report_index_is_the_portfolio_in_headless_chromium(kaigo, tmp_path, browser):
    """Several assessments: index.html lists each with its status, most urgent first, linked to
    its page, and every action with its last day."""
    from selenium.webdriver.common.by import By
    from pia_changes.report import build_report

    moved = KAIGO.replace(ROOM, DATA_CENTRE).replace("対象人数: null", "対象人数: 10万人以上30万人未満")
    title = "テスト市 <b>後期高齢者</b> 重点項目評価書"
    kaigo.commit("別の評価書", {"assessments/koki.yaml": KAIGO.replace(
        "川口市 介護保険に関する事務 重点項目評価書", title)})
    kaigo.git("tag", "submitted/koki/2025-01-20")
    kaigo.commit("保管場所\n\n変更日: 2025-04-01", {"assessments/kaigo.yaml": moved})
    out = tmp_path / "report"
    build_report(out, kaigo.root, today=dt.date(2025, 4, 2))
    browser.get((out / "index.html").resolve().as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "table.portfolio tbody tr")
    assert [r.get_attribute("class") for r in rows] == ["level-error", "level-info"]
    assert "assessments/kaigo.yaml" in rows[0].text and "1（1）" in rows[0].text
    assert "<b>後期高齢者</b>" in rows[1].text  # document text is escaped, never markup
    first = rows[0].find_element(By.CSS_SELECTOR, "td:first-child")
    assert first.value_of_css_property("background-color") == "rgba(176, 0, 32, 1)"
    actions = browser.find_elements(By.CSS_SELECTOR, "table.actions tbody tr")
    assert actions[0].get_attribute("class") == "level-error" and "委員会への提出" in actions[0].text
    assert "令和7年3月31日" in actions[0].text
    browser.save_screenshot(str(tmp_path / "portfolio.png"))
    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    assert browser.current_url.endswith("/kaigo.html")
    assert "変更履歴" in browser.title


def test_one_walk_for_many_files_gives_what_follow_gives_each(tmp_path):
    """preload_revisions (one `git log` for every assessment) must equal file_revisions' own
    `--follow` walk, or leave the file to it: renames, a file moved in from elsewhere, a deleted
    and re-added file, a merged branch."""
    from pia_changes.git.repo import GitRepo

    repo = Repo(tmp_path / "walk")
    repo.commit("作成", {"assessments/a.yaml": "a: 1\n", "assessments/b.yaml": "b: 1\n" * 40,
                         "docs/c.yaml": "c: 1\n" * 40, "assessments/d.yaml": "d: 1\n"})
    repo.commit("編集", {"assessments/a.yaml": "a: 2\n", "README.md": "x\n"})
    repo.git("mv", "assessments/b.yaml", "assessments/b2.yaml")
    repo.git("mv", "docs/c.yaml", "assessments/c.yaml")
    repo.commit("改名")
    repo.git("rm", "-q", "assessments/d.yaml")
    repo.commit("削除")
    repo.commit("再作成", {"assessments/d.yaml": "d: 2\n"})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("枝での編集", {"assessments/a.yaml": "a: 3\n"})
    repo.commit("枝での編集2", {"assessments/d.yaml": "d: 3\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("本線の編集", {"assessments/b2.yaml": "b: 2\n" * 40})
    repo.git("merge", "-q", "--no-ff", "-m", "マージ\n\n変更日: 2025-06-01", "topic")
    paths = ["assessments/a.yaml", "assessments/b2.yaml", "assessments/c.yaml", "assessments/d.yaml"]
    with GitRepo.discover(repo.root) as walked, GitRepo.discover(repo.root) as followed:
        walked.preload_revisions(paths)
        preloaded = {path for path, _ in walked._revisions}
        assert {"assessments/a.yaml", "assessments/d.yaml"} <= preloaded  # taken from the one walk
        for path in paths:
            assert walked.file_revisions(path) == followed.file_revisions(path), path
