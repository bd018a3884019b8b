"""generate end to end: real repositories with commits, trailers and tags → the 変更箇所 table."""
from __future__ import annotations

import json

import jsonschema
import pytest

from tests.helpers.cli import command
from tests.helpers.documents import kaigo_yaml
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import schema

SCHEMA = schema("generate")


@pytest.fixture
def history(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    path = "assessments/kaigo.yaml"
    repo.commit("基準の版", {path: kaigo_yaml()})
    repo.commit("事務の内容に給付を追加\n\n変更日: 2025-06-01", {path: kaigo_yaml(content="被保険者の資格管理及び給付を行う。")})
    repo.git("tag", "-a", "submitted/kaigo/2025-05-01", "-m", "提出")
    repo.commit("事務の名称の修正\n\n変更日: 令和7年7月1日", {path: kaigo_yaml(
        content="被保険者の資格管理及び給付を行う。", name="介護保険の事務")})
    repo.git("tag", "submitted/kaigo/2025-08-01")
    repo.commit("対象人数の更新\n\n変更日: 2025-09-01\n提出時期: 事前", {path: kaigo_yaml(
        content="被保険者の資格管理及び給付を行う。", name="介護保険の事務", people="30万人以上")})
    repo.git("tag", "submitted/kaigo/2025-09-10")
    return repo


def test_json_rows_follow_the_contract_order_and_timing(history):
    result = history.cli("generate", "assessments/kaigo.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    rows = data["rows"]
    assert [r["source"] for r in rows] == ["legacy", "legacy", "git", "git", "git"]
    legacy = rows[0]
    assert legacy["after"] == "新\n二行目" and legacy["important"] is True and legacy["change_date"] == "2024-04-01"
    assert legacy["legacy"]["date_raw"] == "令和6年4月1日"
    content, name, people = rows[2:]
    assert (content["item_id"], content["change_date"], content["timing"], content["submitted"]) == (
        "I/jimu_content", "2025-06-01", "事前", True)
    assert content["important"] is True and content["required_timing"] == "事前"
    assert "住民等の意見聴取" not in content["procedure"]  # 重点項目
    assert content["spans"]["after"] and content["after"][slice(*content["spans"]["after"][0])] == "及び給付"
    assert (name["item_id"], name["change_date"], name["timing"], name["important"], name["reason_code"]) == (
        "I/jimu_name", "2025-07-01", "事後", False, "other_item")
    assert people["reason_code"] == "threshold" and people["needs_review"] is True
    assert people["timing"] == "事前" and people["manual"] is True  # 提出時期 trailer
    kinds = {f["kind"] for f in data["findings"]}
    assert {"blank_timing", "threshold", "unresolved_review"} <= kinds
    assert "important_after" not in kinds


def test_an_important_change_submitted_after_its_date_is_an_error_finding_and_strict_fails(history):
    path = "assessments/kaigo.yaml"
    history.commit("事務の内容に賦課を追加\n\n変更日: 2025-10-01", {path: kaigo_yaml(
        content="被保険者の資格管理、給付及び賦課を行う。", name="介護保険の事務", people="30万人以上")})
    history.git("tag", "submitted/kaigo/2025-10-15")
    result = history.cli("generate", path, "--format", "json")
    data = json.loads(result.stdout)
    errors = [f for f in data["findings"] if f["kind"] == "important_after"]
    assert len(errors) == 1 and errors[0]["level"] == "error" and errors[0]["item_id"] == "I/jimu_content"
    assert history.cli("generate", path, "--strict").exit_code == 1
    history.write("pia-changes.toml", f'[findings]\nacknowledged = ["{errors[0]["id"]}"]\n')
    history.commit("判定の確定\n\n判定[対象人数]: 非重要（その他）")  # settles nothing in the document: no change
    acknowledged = json.loads(history.cli("generate", path, "--format", "json").stdout)["findings"]
    assert [f["acknowledged"] for f in acknowledged if f["kind"] == "important_after"] == [True]


def test_decision_trailer_settles_a_review_and_is_recorded_as_manual(tmp_path):
    repo = Repo(tmp_path / "r")
    path = "assessments/kaigo.yaml"
    repo.commit("base", {path: kaigo_yaml()})
    repo.commit("人数\n\n変更日: 2025-09-01\n判定: 非重要（その他）", {path: kaigo_yaml(people="30万人以上")})
    row = json.loads(repo.cli("generate", path, "--format", "json").stdout)["rows"][-1]
    assert (row["important"], row["needs_review"], row["manual"]) == (False, False, True)


def test_per_item_change_date_applies_to_that_item_only(tmp_path):
    repo = Repo(tmp_path / "r")
    path = "assessments/kaigo.yaml"
    repo.commit("base", {path: kaigo_yaml()})
    repo.commit("二つの修正\n\n変更日: 2025-06-01\n変更日[I/jimu_name]: 2025-04-01",
                {path: kaigo_yaml(name="介護保険の事務", content="被保険者の資格管理を行う事務。")})
    rows = json.loads(repo.cli("generate", path, "--format", "json").stdout)["rows"][2:]
    assert [(r["item_id"], r["change_date"]) for r in rows] == [
        ("I/jimu_name", "2025-04-01"), ("I/jimu_content", "2025-06-01")]


def test_rev_gives_the_table_as_it_stood(history):
    rows = json.loads(history.cli("generate", "assessments/kaigo.yaml", "--rev", "HEAD~1",
                          "--format", "json").stdout)["rows"]
    assert [r["item_id"] for r in rows if r["source"] == "git"] == ["I/jimu_content", "I/jimu_name"]


def test_markdown_by_default_with_wareki_dates(history):
    result = history.cli("generate")
    assert result.exit_code == 0
    assert "| 変更日" in result.stdout and "令和7年6月1日" in result.stdout and "令和6年4月1日" in result.stdout


def test_xlsx_is_written_atomically_and_reads_back(history, tmp_path):
    from openpyxl import load_workbook
    out = tmp_path / "変更箇所.xlsx"
    assert history.cli("generate", "-o", str(out)).exit_code == 0
    sheet = load_workbook(out).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "令和7年7月1日" in values and "事前" in values
    before = out.read_bytes()
    refused = history.cli("generate", "-o", str(out))
    assert refused.exit_code == 1 and "--force" in refused.stderr and out.read_bytes() == before
    assert history.cli("generate", "-o", str(out), "--force").exit_code == 0


def test_usage_errors_exit_2(history):
    assert history.cli("generate", "--format", "xlsx").exit_code == 2
    history.commit("二つ目", {"assessments/jyuki.yaml": kaigo_yaml()})
    result = history.cli("generate", "--format", "csv")
    assert result.exit_code == 2 and "FILE" in result.stderr


def test_uncommitted_assessment_is_a_clear_error(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.write("assessments/kaigo.yaml", kaigo_yaml())
    result = repo.cli("generate", "assessments/kaigo.yaml")
    assert result.exit_code == 1 and "コミットされていません" in result.stderr


def test_a_draft_assessment_does_not_block_the_others(history):
    history.write("assessments/draft.yaml", kaigo_yaml())  # never committed
    result = history.cli("generate", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [t["assessment"] for t in json.loads(result.stdout)] == ["assessments/kaigo.yaml"]
    assert "assessments/draft.yaml: まだコミットされていない" in result.stderr


def test_progress_on_a_terminal_only(tmp_path):
    import os
    import subprocess
    repo = Repo(tmp_path / "long")
    path = "assessments/kaigo.yaml"
    for n in range(55):
        repo.commit(f"版{n}\n\n変更日: 2025-06-01", {path: kaigo_yaml(content=f"被保険者の資格管理を行う。（{n}）")})
    argv = command("generate", path, "--format", "json")  # this interpreter's, whatever PATH holds
    master, slave = os.openpty()
    done = subprocess.run(argv, cwd=repo.root, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert done.returncode == 0 and "履歴を読んでいます 55/55".encode() in shown
    piped = subprocess.run(argv, cwd=repo.root, capture_output=True)
    assert "履歴を読んでいます".encode() not in piped.stderr


def test_markdown_rows_are_not_padded_to_the_widest_cell(history):
    lines = [line for line in history.cli("generate").stdout.splitlines() if line.startswith("|")]
    assert len(lines) >= 4 and all("  |" not in line for line in lines)
    assert lines[1] == "|---|---|---|---|---|---|"


def test_rev_counts_the_tags_dated_up_to_that_revision(tmp_path):
    repo = Repo(tmp_path / "r")
    path = "assessments/kaigo.yaml"
    repo.commit("base", {path: kaigo_yaml()})                                  # 2025-01-01
    repo.commit("内容\n\n変更日: 2025-06-01", {path: kaigo_yaml(content="被保険者の資格管理及び給付を行う。")})
    repo.commit("README だけ", {"README.md": "メモ\n"})                      # 2025-01-03
    repo.git("tag", "submitted/kaigo/2025-01-03", "HEAD")
    repo.commit("README だけ 2", {"README.md": "メモ2\n"})                   # 2025-01-04
    repo.git("tag", "submitted/kaigo/2025-01-04", "HEAD")
    rows = json.loads(repo.cli("generate", path, "--rev", "HEAD~1", "--format", "json").stdout)["rows"]
    (row,) = [r for r in rows if r["source"] == "git"]
    assert (row["submitted"], row["timing"]) == (True, "事前")  # the tag after the file's last commit counts
    assert json.loads(repo.cli("generate", path, "--rev", "HEAD~2", "--format", "json").stdout)["rows"][-1][
        "submitted"] is False
