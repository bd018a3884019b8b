"""The five compliance faults a new user found (issue: compliance verdicts on ordinary git
workflows), each on a real repository holding the real seed 004 (examples/kaigo.yaml)."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.helpers.gitrepo import Repo
from tests.helpers.paths import ROOT, schema

KAIGO = (ROOT / "examples" / "kaigo.yaml").read_text(encoding="utf-8")
SCHEMA = schema("generate")
PATH = "assessments/kaigo.yaml"
ROOM = "生体認証を行っている電算機室のオートロック扉の内部"
DATA_CENTRE = "外部データセンターのオートロック扉の内部"
JIMU = "被保険者の資格管理"


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # the loader refuses anchors and aliases
        return True


def table(repo: Repo, *args: str) -> dict:
    result = repo.cli("generate", PATH, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    return data


def git_rows(data: dict) -> list[dict]:
    return [r for r in data["rows"] if r["source"] == "git"]


def kinds(data: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in data["findings"]:
        out.setdefault(f["kind"], []).append(f)
    return out


def with_a_new_system() -> str:
    """Seed 004 with a third system, a copy of the first under a new name."""
    data = yaml.safe_load(KAIGO)
    systems = data["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    added = copy.deepcopy(systems[0])
    added["システムの名称"] = "介護認定審査会支援システム"
    systems.insert(2, added)
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)


def without_the_last_system(function: str | None = None) -> str:
    """Seed 004 without its last system (電子申請システム); with FUNCTION, that system's 機能 instead."""
    data = yaml.safe_load(KAIGO)
    systems = data["基本情報"]["特定個人情報ファイルを取り扱う事務において使用するシステム"]["システム"]
    if function is None:
        systems.pop()
    else:
        systems[-1]["システムの機能"] = function
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)


@pytest.fixture
def repo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: KAIGO})
    return repo


# ---- 1. exemption on no evidence ---------------------------------------------------------------

def test_storage_moved_to_a_data_centre_is_important_and_counted_by_the_hook(repo):
    assert ROOM in KAIGO
    repo.write(PATH, KAIGO.replace(ROOM, DATA_CENTRE))
    repo.git("add", PATH)
    diff = json.loads(repo.cli("diff", "--cached", "--format", "json").stdout)["changes"]
    assert [(c["important"], c["reason_code"], c["needs_review"]) for c in diff] == [(True, "important_item", False)]
    assert "組織改正" not in diff[0]["timing_reason"]
    check = repo.cli("check")
    assert "うち重要な変更 1 件" in check.stdout and "組織改正" not in check.output


# ---- 2. 重要な変更 declared 事後 -----------------------------------------------------------------

def test_important_change_declared_after_is_an_error_that_strict_fails_on(repo):
    repo.commit("保管場所の変更\n\n変更日: 2025-01-02\n提出時期: 事後", {PATH: KAIGO.replace(ROOM, DATA_CENTRE)})
    repo.git("tag", "submitted/kaigo/2025-01-10")
    data = table(repo)
    [row] = git_rows(data)
    assert (row["timing"], row["important"]) == ("事後", True)
    found = kinds(data)
    assert [(f["level"], f["commit"], f["item_id"], f["message"]) for f in found["declared_after"]] == [(
        "error", row["commit"], row["item_id"],
        (f"{row['item']}: 重要な変更がコミットで事後と宣言されています（変更日 2025-01-02）。"
         "重要な変更は事前に提出しなければなりません"))]
    assert "important_after" not in found  # declared_after replaces it for that row
    assert repo.cli("generate", PATH, "--strict").exit_code == 1


def test_check_commit_msg_prints_declared_after_and_never_fails_on_it(repo, tmp_path):
    repo.write(PATH, KAIGO.replace(ROOM, DATA_CENTRE))
    repo.git("add", PATH)
    message = tmp_path / "MSG"
    message.write_text("保管場所の変更\n\n変更日: 2025-01-02\n提出時期: 事後\n", encoding="utf-8")
    for extra in ((), ("--strict",)):
        result = repo.cli("check", "--commit-msg", str(message), *extra)
        assert result.exit_code == 0, result.output
        assert "エラー[" in result.stderr and "事後と記録します" in result.stderr


# ---- 3. tags follow renames --------------------------------------------------------------------

def test_submission_tags_follow_a_git_mv_and_unknown_stems_are_reported(repo):
    repo.commit("事務の内容\n\n変更日: 2025-03-01", {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1)})
    repo.git("tag", "submitted/kaigo/2025-02-01")
    repo.git("mv", PATH, "assessments/kaigo-hoken.yaml")
    renamed = repo.commit("ファイル名の変更")
    repo.git("tag", "submitted/kaigi/2025-02-02")  # a typo
    data = repo.cli("generate", "assessments/kaigo-hoken.yaml", "--format", "json")
    result = json.loads(data.stdout)
    [row] = git_rows(result)
    assert (row["submitted"], row["timing"]) == (True, "事前")
    found = kinds(result)
    assert "important_unsubmitted" not in found
    # a warning about the tag (its name is the item), on the commit it points to, saying how to fix it
    assert [(f["level"], f["commit"], f["item_id"], f["message"]) for f in found["unmatched_tag"]] == [(
        "warning", renamed, "submitted/kaigi/2025-02-02",
        ("提出タグ submitted/kaigi/2025-02-02 はどの評価書にも当たりません（submitted/<評価書のファイル名（拡張子なし）>/"
         "YYYY-MM-DD の形にしてください。改名した評価書は pia-changes.toml の former_names に旧名を書いてください）"))]
    log = repo.cli("log", "assessments/kaigo-hoken.yaml").stdout
    assert "submitted/kaigo/2025-02-01" in log


def test_a_tag_under_the_old_name_after_a_rename_is_a_warning_that_it_submits_nothing(repo):
    """After `git mv`, a tag still named for the old file points where no file has that name: it
    submits nothing, and says so (the change stays unsubmitted otherwise without a word why)."""
    repo.git("mv", PATH, "assessments/kaigo-hoken.yaml")
    repo.commit("ファイル名の変更")
    renamed_change = repo.commit("事務の内容\n\n変更日: 2025-03-01",
                                 {"assessments/kaigo-hoken.yaml": KAIGO.replace(JIMU, "被保険者の資格の管理", 1)})
    repo.git("tag", "submitted/kaigo/2025-02-01")  # the old name, on the renamed file's commit
    data = json.loads(repo.cli("generate", "assessments/kaigo-hoken.yaml", "--format", "json").stdout)
    [row] = git_rows(data)
    assert row["submitted"] is False
    assert [(f["level"], f["commit"], f["item_id"], f["message"]) for f in kinds(data)["unmatched_tag"]] == [(
        "warning", renamed_change, "submitted/kaigo/2025-02-01",
        "提出タグ submitted/kaigo/2025-02-01 の指すコミットには kaigo という名前の評価書がなく、何も提出しません"
        "（改名の後は新しい名前で、評価書のあるコミットにタグを付けてください）")]
    repo.git("tag", "submitted/kaigo-hoken/2025-02-02")
    data = json.loads(repo.cli("generate", "assessments/kaigo-hoken.yaml", "--format", "json").stdout)
    assert [r["submitted"] for r in git_rows(data)] == [True]
    assert [f["item_id"] for f in kinds(data)["unmatched_tag"]] == ["submitted/kaigo/2025-02-01"]


def test_a_rename_git_cannot_detect_is_declared_with_former_names(repo):
    repo.commit("事務の内容\n\n変更日: 2025-03-01", {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1)})
    repo.git("tag", "submitted/kaigo/2025-02-01")
    (repo.root / PATH).unlink()
    # every line rewritten (each value quoted): git sees a deletion and a new file, not a rename
    rewritten = yaml.dump(yaml.safe_load(KAIGO.replace(JIMU, "被保険者の資格の管理", 1)), Dumper=_NoAliases,
                          allow_unicode=True, sort_keys=False, default_style='"', width=60)
    repo.commit("改名と書き直し", {"assessments/hoken.yaml": rewritten})
    assert [r for r in repo.git("log", "--follow", "--format=%h", "--", "assessments/hoken.yaml").split()] == [
        repo.git("rev-parse", "--short", "HEAD")]
    repo.commit("事務の内容\n\n変更日: 2025-06-01", {"assessments/hoken.yaml": rewritten.replace("被保険者の資格の管理", "被保険者資格の管理", 1)})
    undeclared = json.loads(repo.cli("generate", "--format", "json").stdout)
    assert "unmatched_tag" in {f["kind"] for t in undeclared for f in t["findings"]}
    assert last_submission(repo) is None
    repo.commit("旧名を宣言", {"pia-changes.toml": '[assessment."assessments/hoken.yaml"]\n'
                                                   'former_names = ["assessments/kaigo.yaml"]\n'})
    declared = json.loads(repo.cli("generate", "--format", "json").stdout)
    assert "unmatched_tag" not in {f["kind"] for t in declared for f in t["findings"]}
    assert last_submission(repo) == "2025-02-01"  # the tag of the old name is hoken.yaml's submission
    # the old name counts only where the file had no history of its own: a tag under the old name
    # made after the rename names no file there, and submits nothing of hoken.yaml
    repo.git("tag", "submitted/kaigo/2025-05-01")
    assert last_submission(repo) == "2025-02-01"
    assert [r["submitted"] for t in json.loads(repo.cli("generate", "--format", "json").stdout)
            for r in git_rows(t)] == [False]


def last_submission(repo: Repo) -> str | None:
    """`status`'s date of the last submission of the repository's one assessment."""
    [status] = json.loads(repo.cli("status", "--format", "json").stdout)
    return status["last_submission"]


def test_a_repository_wide_tag_submits_the_assessment_and_the_files_own_tags_after_it_count(repo):
    """`submitted/YYYY-MM-DD` submits every assessment (README: Git conventions); it does not end
    the reading of the tags: the file's own tag dated after it submits the next change."""
    repo.commit("事務の内容\n\n変更日: 2025-03-01", {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1)})
    repo.git("tag", "submitted/2025-02-01")
    repo.commit("保管場所の変更\n\n変更日: 2025-06-01",
                {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1).replace(ROOM, DATA_CENTRE)})
    repo.git("tag", "submitted/kaigo/2025-05-01")
    data = table(repo)
    assert [(r["change_date"], r["important"], r["submitted"], r["timing"]) for r in git_rows(data)] == [
        ("2025-03-01", False, True, "事前"), ("2025-06-01", True, True, "事前")]
    assert "important_unsubmitted" not in kinds(data) and "important_after" not in kinds(data)


def test_an_earlier_tag_of_another_assessment_does_not_hide_this_ones(repo):
    """Tags are read oldest first (by the date in the name): one of another assessment of the
    repository, dated before this one's, is passed over and this one's still submits."""
    repo.commit("事務の内容\n\n変更日: 2025-03-01", {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1),
                                                  "assessments/choju.yaml": KAIGO})
    repo.git("tag", "submitted/choju/2025-02-01")
    repo.git("tag", "submitted/kaigo/2025-02-15")
    data = table(repo)
    assert [(r["change_date"], r["submitted"], r["timing"]) for r in git_rows(data)] == [("2025-03-01", True, "事前")]
    assert "unmatched_tag" not in kinds(data)


def test_a_tag_on_a_commit_where_the_assessment_was_deleted_submits_nothing(repo):
    """Tags follow the file that had the stem at the tagged commit (Decisions 2026-12-06): where
    the file had been deleted there is none, so the tag submits no revision of it, not even one
    of the same file added again later."""
    repo.commit("事務の内容\n\n変更日: 2025-01-15", {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1)})
    repo.git("rm", "-q", PATH)
    repo.commit("評価書の削除")
    repo.git("tag", "submitted/kaigo/2025-02-01")
    repo.commit("事務の内容\n\n変更日: 2025-03-01", {PATH: KAIGO.replace(JIMU, "被保険者資格の管理", 1)})
    assert [row["submitted"] for row in git_rows(table(repo))] == [False, False]


def test_a_tag_made_long_after_its_date_is_backdated(repo):
    repo.commit("事務の内容\n\n変更日: 2025-03-01", {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1)})
    repo.git("tag", "-a", "submitted/kaigo/2025-02-01", "-m", "提出", date="2025-04-01T10:00:00+09:00")
    found = kinds(table(repo))
    assert [f["level"] for f in found["backdated_tag"]] == ["warning"]
    assert "submitted/kaigo/2025-02-01" in found["backdated_tag"][0]["message"]


@pytest.mark.parametrize(("tagged", "backdated"), [("2025-02-08", False), ("2025-02-09", True)])
def test_a_tag_is_backdated_only_more_than_seven_days_after_its_date(repo, tagged, backdated):
    repo.commit("事務の内容\n\n変更日: 2025-03-01", {PATH: KAIGO.replace(JIMU, "被保険者の資格の管理", 1)})
    repo.git("tag", "-a", "submitted/kaigo/2025-02-01", "-m", "提出", date=f"{tagged}T10:00:00+09:00")
    found = kinds(table(repo)).get("backdated_tag", [])
    messages = [f["message"] for f in found]
    assert bool(messages) is backdated
    assert all((f["commit"], f["item_id"]) == (repo.head(), "submitted/kaigo/2025-02-01") for f in found)
    if backdated:  # the message gives the day it names, how late and when it was made
        assert messages == [("提出タグ submitted/kaigo/2025-02-01 は名前の日付 2025-02-01 の 8 日後（2025-02-09）に"
                             "作られています。提出日の記録を確認してください")]


def test_the_threshold_warning_names_the_crossing_row_and_no_other(repo):
    """使用者数 across 500 on a 重点項目 requires a 全項目評価書 (domain.md, しきい値): that row, and
    only that row, is a `threshold` warning in the table's findings."""
    crossing = KAIGO.replace("使用者数: 100人以上500人未満", "使用者数: 500人以上1,000人未満", 1)
    repo.commit("使用者数\n\n変更日: 2025-03-01", {PATH: crossing.replace(JIMU, "被保険者の資格の管理", 1)})
    data = table(repo)
    users = [r["item_id"] for r in git_rows(data) if r["item_id"].endswith("users_count")]
    found = kinds(data)["threshold"]
    [row] = [r for r in git_rows(data) if r["item_id"] == users[0]]
    assert "取扱者数が500人以上" in row["review_reason"]
    # the message is the row's label and why the crossing matters (the classifier's review reason)
    assert [(f["level"], f["commit"], f["item_id"], f["message"]) for f in found] == [
        ("warning", row["commit"], users[0], f"{row['item']}: {row['review_reason']}")]


# ---- 4. the table never runs backwards ----------------------------------------------------------

def test_a_correction_of_a_pending_change_merges_into_it(repo):
    typo = KAIGO.replace(ROOM, DATA_CENTRE.replace("データ", "デタ"))
    repo.commit("保管場所\n\n変更日: 令和9年1月15日", {PATH: typo})
    fixed = repo.commit("誤字の訂正", {PATH: KAIGO.replace(ROOM, DATA_CENTRE)})
    data = table(repo)
    [row] = git_rows(data)
    assert row["change_date"] == "2027-01-15" and row["commit"] == fixed
    assert ROOM.split("の")[0] in row["before"] and DATA_CENTRE in row["after"] and "デタ" not in row["after"]
    [finding] = kinds(data)["date_order"]
    assert finding["level"] == "info" and (finding["commit"], finding["item_id"]) == (fixed, row["item_id"])
    assert finding["message"].startswith("Ⅱ 特定個人情報ファイルの概要 > （1）介護保険情報ファイル > 6. 特定個人情報の保管・消去 > 保管場所: コミット")
    assert finding["message"].endswith("の訂正とみなし、一つの行にしました")


def test_a_correction_made_on_the_day_the_change_takes_effect_is_not_merged(repo):
    # commit 2 (2025-01-02) takes effect on 2025-01-03, the day commit 3 is made: in force, not pending
    repo.commit("保管場所\n\n変更日: 2025-01-03", {PATH: KAIGO.replace(ROOM, DATA_CENTRE.replace("データ", "デタ"))})
    repo.commit("誤字の訂正", {PATH: KAIGO.replace(ROOM, DATA_CENTRE)})
    data = table(repo)
    assert [r["change_date"] for r in git_rows(data)] == ["2025-01-03", "2025-01-03"]
    assert "date_order" not in kinds(data)


def test_rows_after_a_merged_correction_are_kept(repo):
    repo.commit("保管場所\n\n変更日: 令和9年1月15日", {PATH: KAIGO.replace(ROOM, DATA_CENTRE.replace("データ", "デタ"))})
    repo.commit("誤字の訂正", {PATH: KAIGO.replace(ROOM, DATA_CENTRE)})
    repo.commit("事務の内容\n\n変更日: 2027-04-01",
                {PATH: KAIGO.replace(ROOM, DATA_CENTRE).replace(JIMU, "被保険者の資格の管理", 1)})
    assert [r["change_date"] for r in git_rows(table(repo))] == ["2027-01-15", "2027-04-01"]


def test_a_dated_correction_stays_apart_and_an_earlier_date_is_a_warning(repo):
    repo.commit("保管場所\n\n変更日: 令和9年1月15日", {PATH: KAIGO.replace(ROOM, DATA_CENTRE.replace("データ", "デタ"))})
    fixed = repo.commit("誤字の訂正\n\n変更日: 2026-12-01", {PATH: KAIGO.replace(ROOM, DATA_CENTRE)})
    data = table(repo)
    assert [r["change_date"] for r in git_rows(data)] == ["2026-12-01", "2027-01-15"]
    [finding] = kinds(data)["date_order"]
    assert finding["level"] == "warning" and (finding["commit"], finding["item_id"]) == (fixed, git_rows(data)[0]["item_id"])
    assert "変更日 2026-12-01 が、前の変更（" in finding["message"] and "変更日 2027-01-15）より前です" in finding["message"]


def test_a_correction_of_a_submitted_change_is_not_merged(repo):
    repo.commit("保管場所\n\n変更日: 令和9年1月15日", {PATH: KAIGO.replace(ROOM, DATA_CENTRE.replace("データ", "デタ"))})
    repo.git("tag", "submitted/kaigo/2025-01-05")
    repo.commit("誤字の訂正", {PATH: KAIGO.replace(ROOM, DATA_CENTRE)})
    data = table(repo)
    assert len(git_rows(data)) == 2
    assert [f["level"] for f in kinds(data)["date_order"]] == ["warning"]


def test_a_pending_change_undone_before_its_date_leaves_no_row(repo):
    repo.commit("保管場所\n\n変更日: 令和9年1月15日", {PATH: KAIGO.replace(ROOM, DATA_CENTRE)})
    repo.commit("取りやめ", {PATH: KAIGO})  # withdrawn before it took effect and before submission
    data = table(repo)
    assert git_rows(data) == []
    [finding] = kinds(data)["date_order"]
    assert finding["level"] == "info" and "元に戻したため、どちらも表に載せません" in finding["message"]


def test_a_new_system_withdrawn_before_its_date_leaves_no_row(repo):
    repo.commit("システムの追加\n\n変更日: 令和9年1月15日", {PATH: with_a_new_system()})
    repo.commit("システムの追加を取りやめ", {PATH: KAIGO})
    data = table(repo)  # never in force, never submitted: neither a 新規 nor a 削除 row
    assert git_rows(data) == []
    assert "元に戻したため、どちらも表に載せません" in kinds(data)["date_order"][0]["message"]


def test_a_system_deletion_withdrawn_before_its_date_leaves_no_row(repo):
    repo.commit("システムの削除\n\n変更日: 令和9年1月15日", {PATH: without_the_last_system()})
    repo.commit("システムの削除を取りやめ", {PATH: KAIGO})
    data = table(repo)  # the system never left: 変更前 before the deletion is 変更後 after the correction
    assert git_rows(data) == []
    assert "元に戻したため、どちらも表に載せません" in kinds(data)["date_order"][0]["message"]


def test_a_system_deleted_and_added_back_changed_before_its_date_is_one_row_on_that_date(repo):
    repo.commit("システムの削除\n\n変更日: 令和9年1月15日", {PATH: without_the_last_system()})
    repo.commit("システムを戻して機能を変更", {PATH: without_the_last_system("1. 住民向け機能 申請ができる機能")})
    data = table(repo)  # a correction of a pending change takes its 変更日 (Decisions 2026-12-06)
    assert [r["change_date"] for r in git_rows(data)] == ["2027-01-15"]
    assert [f["level"] for f in kinds(data)["date_order"]] == ["info"]


# ---- 5. a new entry shows its contents ----------------------------------------------------------

def test_a_new_system_shows_its_items(repo):
    repo.commit("システムの追加\n\n変更日: 2025-02-01", {PATH: with_a_new_system()})
    [row] = git_rows(table(repo))
    assert row["kind"] == "新規" and row["item"].endswith("システム3")
    lines = row["after"].split("\n")
    assert lines[0] == "①システムの名称 介護認定審査会支援システム"
    assert any(line.startswith("②システムの機能 ") for line in lines)
    assert any(line.startswith("③他のシステムとの接続 ") for line in lines)


# ---- the hook says when it stops a commit --------------------------------------------------------

def test_a_refused_commit_a_says_so_and_the_recovery_command_works(repo):
    repo.cli("hooks", "install")
    repo.write(PATH, KAIGO.replace(ROOM, DATA_CENTRE))
    env_python = str(Path(sys.executable).parent)
    done = subprocess.run(["git", "commit", "-a", "-m", "保管場所の変更"], cwd=repo.root, capture_output=True,
                          text=True, env={**_env(), "PATH": env_python + ":" + _env()["PATH"]})
    assert done.returncode != 0
    assert done.stderr.count("コミットを中止しました: ") == 1
    recovery = done.stderr.split("直してから、もう一度: ")[1].strip()
    assert recovery.startswith(f"git add -- {PATH} && git commit -e -F ")
    assert repo.git("diff", "--cached", "--name-only") == ""  # git commit -a left it unstaged
    message = Path(recovery.split(" -F ")[1])
    message = message if message.is_absolute() else repo.root / message
    message.write_text("保管場所の変更\n\n変更日: 2025-02-01\n", encoding="utf-8")
    retry = recovery.replace("git commit -e -F", "git commit -F")  # no editor in a test
    done = subprocess.run(retry, shell=True, cwd=repo.root, capture_output=True, text=True,
                          env={**_env(), "PATH": env_python + ":" + _env()["PATH"]})
    assert done.returncode == 0, done.stderr
    assert "変更日: 2025-02-01" in repo.git("log", "-1", "--format=%B")


def _env() -> dict[str, str]:
    import os
    return dict(os.environ)
