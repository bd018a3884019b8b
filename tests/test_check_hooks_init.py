"""check (the hook entry), hooks install/uninstall, init: real git repositories in tmp_path, no mocks.

git runs isolated from the user's configuration (conftest.isolated_git)."""
from __future__ import annotations

import re
import stat
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from pia_changes.classify.check import glob_match
from pia_changes.document.model import load
from pia_changes.forms import load_form
from pia_changes.git.hooks import MARKER
from pia_changes.rebuild.init import starter_yaml
from pia_changes.document.starter import blank_document
from tests.helpers.cli import command, invoke
from tests.helpers.documents import assessment, dump, filled
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import ROOT

DOC = "assessments/jimu.yaml"
PROCEDURE = ("再実施", "住民等の意見聴取", "第三者点検", "委員会への提出", "公表")


def document(form: str = "全項目", **items: str) -> str:
    """A blank assessment with 基本情報 > 特定個人情報ファイルを取り扱う事務 items filled in, as YAML."""
    return dump(assessment(form, **{"事務の名称": "住民基本台帳に関する事務", "事務の内容": "住民の記録を管理する。",
                                    **items}))


def committed(tmp_path: Path, form: str = "全項目", **items: str) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("基準", {DOC: document(form, **items)})
    return repo


def message(repo: Repo, text: str) -> str:
    path = repo.root / ".git" / "COMMIT_EDITMSG"
    path.write_text(text, encoding="utf-8")
    return str(path)


# ---- check, pre-commit stage ----------------------------------------------------------------------

def test_staged_starred_change_prints_the_procedure_and_exits_0(tmp_path):
    repo = committed(tmp_path)
    repo.stage(DOC, document(**{"事務の内容": "住民の記録を管理し、証明書を交付する。"}))
    result = repo.cli("check")
    assert result.exit_code == 0, result.output
    assert f"{DOC}: 重要な変更: Ⅰ 基本情報 > 1. 特定個人情報ファイルを取り扱う事務 > ②事務の内容" in result.stdout
    line = next(line for line in result.stdout.splitlines() if "必要な手続" in line)
    assert [step.split("（")[0] for step in line.split(": ", 1)[1].split(" → ")] == list(PROCEDURE)
    assert "住民等の意見聴取（原則30日以上）" in line and "変更日より前に" in line
    assert f"{DOC}: 変更 1 件、うち重要な変更 1 件" in result.stdout


def test_check_reads_the_index_not_the_working_tree(tmp_path):
    repo = committed(tmp_path)
    repo.stage(DOC, document(**{"事務の内容": "住民の記録を管理し、証明書を交付する。"}))
    repo.write(DOC, document())  # working tree back to HEAD's content, index still changed
    result = repo.cli("check", DOC)
    assert "重要な変更: " in result.stdout


def test_juten_procedure_has_no_hearing(tmp_path):
    repo = committed(tmp_path, "重点項目")
    repo.stage(DOC, document("重点項目", **{"事務の内容": "住民の記録を管理し、証明書を交付する。"}))
    result = repo.cli("check")
    assert "再実施 → 委員会への提出 → 公表" in result.stdout
    assert "意見聴取" not in result.stdout


def test_new_assessment_is_the_baseline(tmp_path):
    repo = Repo(tmp_path / "repo")  # no commit at all yet
    repo.stage(DOC, document())
    result = repo.cli("check")
    assert result.exit_code == 0
    assert "新しい評価書です" in result.stdout and "基準" in result.stdout
    assert "重要な変更: " not in result.stdout
    msg = message(repo, "評価書を登録\n")
    assert repo.cli("check", "--strict", "--commit-msg", msg).exit_code == 0


def test_second_assessment_added_beside_a_committed_one_is_a_baseline(tmp_path):
    repo = committed(tmp_path)
    repo.stage("assessments/other.yaml", document(**{"事務の内容": "別の内容"}))
    result = repo.cli("check", "--strict", "--commit-msg", message(repo, "追加\n"))
    assert result.exit_code == 0
    assert "assessments/other.yaml: 新しい評価書です" in result.stdout


def test_invalid_staged_yaml_exits_1_naming_file_and_line(tmp_path):
    repo = committed(tmp_path)
    repo.stage(DOC, document(**{"対象人数": "たくさん"}))
    repo.write(DOC, document())  # the index is what is checked
    result = repo.cli("check")
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "選択肢にありません" in x)
    number = int(re.match(rf"^{re.escape(DOC)}:(\d+): Ⅰ 基本情報 > .*③対象人数: ", line).group(1))
    staged = repo.git("show", f":{DOC}").splitlines()
    assert staged[number - 1].strip().startswith("対象人数:")


def test_broken_yaml_syntax_exits_1(tmp_path):
    repo = committed(tmp_path)
    repo.stage(DOC, "様式: 全項目\n表紙: [\n")
    result = repo.cli("check")
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(DOC)}:\d+: YAML の構文エラー", result.stderr, re.MULTILINE)


def test_files_outside_the_globs_are_not_checked(tmp_path):
    repo = committed(tmp_path)
    repo.stage("templates/全項目.yaml", "これは評価書ではない: [\n")
    result = repo.cli("check")
    assert result.exit_code == 0 and result.output == ""


def test_nothing_staged_is_silent(tmp_path):
    repo = committed(tmp_path)
    result = repo.cli("check", "--strict", "--commit-msg", message(repo, "別の変更\n"))
    assert result.exit_code == 0 and result.output == ""


# ---- check, commit-msg stage ----------------------------------------------------------------------

@pytest.fixture
def starred_change(tmp_path):
    repo = committed(tmp_path)
    repo.stage(DOC, document(**{"事務の内容": "住民の記録を管理し、証明書を交付する。"}))
    return repo


def test_commit_msg_without_change_date_is_refused(starred_change):
    msg = message(starred_change, "事務の内容を変更\n\n# コメント行\n")
    before = Path(msg).read_bytes()
    result = starred_change.cli("check", "--commit-msg", msg)
    assert result.exit_code == 1
    assert "「変更日: YYYY-MM-DD」" in result.stderr and "事前か事後か" in result.stderr
    assert Path(msg).read_bytes() == before  # never edited


def test_commit_msg_with_change_date_passes(starred_change):
    msg = message(starred_change, "事務の内容を変更\n\n変更日: 2030-04-01\n")
    result = starred_change.cli("check", "--strict", "--commit-msg", msg)
    assert result.exit_code == 0, result.output
    assert "変更日 2030-04-01（あと " in result.stdout


def test_commit_msg_with_wareki_change_date_passes(starred_change):
    msg = message(starred_change, "事務の内容を変更\n\n変更日: 令和12年4月1日\n")
    assert starred_change.cli("check", "--commit-msg", msg).exit_code == 0


def test_decision_not_important_needs_no_change_date(starred_change):
    msg = message(starred_change, "誤記を修正\n\n判定: 非重要（誤字脱字）\n")
    result = starred_change.cli("check", "--strict", "--commit-msg", msg)
    assert result.exit_code == 0, result.output
    assert "重要な変更: " not in result.stdout


def test_per_item_change_date_counts(starred_change):
    msg = message(starred_change, "事務の内容を変更\n\n変更日[事務の内容]: 2030-04-01\n")
    assert starred_change.cli("check", "--commit-msg", msg).exit_code == 0


def test_unreadable_change_date_is_reported_and_refused(starred_change):
    msg = message(starred_change, "事務の内容を変更\n\n変更日: 2030-13-01\n")
    result = starred_change.cli("check", "--commit-msg", msg)
    assert result.exit_code == 1
    assert "変更日 を日付として読めません: 2030-13-01" in result.stderr


def test_non_starred_change_needs_no_change_date(tmp_path):
    repo = committed(tmp_path)
    repo.stage(DOC, document(**{"事務の名称": "住民基本台帳事務"}))
    result = repo.cli("check", "--strict", "--commit-msg", message(repo, "名称を変更\n"))
    assert result.exit_code == 0, result.output
    assert "変更 1 件、うち重要な変更 0 件" in result.stdout


def test_strict_refuses_an_unsettled_review_until_a_decision(tmp_path):
    repo = committed(tmp_path, "重点項目", **{"対象人数": "1万人以上10万人未満"})
    repo.stage(DOC, document("重点項目", **{"対象人数": "30万人以上"}))
    dated = message(repo, "対象人数を更新\n\n変更日: 2030-04-01\n")
    assert repo.cli("check", "--commit-msg", dated).exit_code == 0
    result = repo.cli("check", "--strict", "--commit-msg", dated)
    assert result.exit_code == 1
    assert "しきい値判断の結果の変更" in result.stdout and "判定" in result.stderr
    decided = message(repo, "対象人数を更新\n\n変更日: 2030-04-01\n判定: 重要\n")
    assert repo.cli("check", "--strict", "--commit-msg", decided).exit_code == 0


def test_glob_match():
    assert glob_match("assessments/a.yaml", "assessments/*.yaml")
    assert not glob_match("assessments/sub/a.yaml", "assessments/*.yaml")
    assert glob_match("assessments/sub/a.yaml", "assessments/**/*.yaml")
    assert glob_match("assessments/a.yaml", "./assessments/**/*.yaml")
    assert not glob_match("templates/全項目.yaml", "assessments/*.yaml")


# ---- hooks --------------------------------------------------------------------------------------

def commit(repo: Repo, text: str) -> subprocess.CompletedProcess:
    """A real `git commit`, through whatever hooks are installed."""
    return repo.try_git("commit", "-q", "-m", text)


def test_installed_hooks_refuse_and_accept_real_commits(starred_change):
    repo = starred_change
    result = repo.cli("hooks", "install")
    assert result.exit_code == 0, result.output
    for name in ("pre-commit", "commit-msg"):
        hook = repo.root / ".git" / "hooks" / name
        assert hook.stat().st_mode & stat.S_IXUSR and MARKER in hook.read_text(encoding="utf-8")
    base = repo.head()
    refused = commit(repo, "事務の内容を変更")
    assert refused.returncode != 0 and repo.head() == base
    assert "変更日: YYYY-MM-DD" in refused.stderr + refused.stdout
    accepted = commit(repo, "事務の内容を変更\n\n変更日: 2030-04-01")
    assert accepted.returncode == 0, accepted.stderr
    assert repo.head() != base


def test_installed_hooks_stop_an_invalid_file(tmp_path):
    repo = committed(tmp_path)
    repo.cli("hooks", "install")
    repo.stage(DOC, document(**{"対象人数": "たくさん"}))
    done = commit(repo, "壊れた評価書\n\n判定: 非重要（誤字脱字）")
    assert done.returncode != 0 and "選択肢にありません" in done.stdout + done.stderr


def test_hook_never_runs_text_from_the_message(starred_change):
    repo = starred_change
    repo.cli("hooks", "install")
    commit(repo, "$(touch pwned1) `touch pwned2`; touch pwned3\n\n変更日: $(touch pwned4)")
    assert not list(repo.root.glob("pwned*"))


def test_foreign_hook_is_kept_chained_and_restored(starred_change):
    repo = starred_change
    foreign = "#!/bin/sh\necho ran >> foreign.log\n"
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text(foreign)
    hook.chmod(0o755)
    refused = repo.cli("hooks", "install")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert hook.read_text() == foreign and not (repo.root / ".git" / "hooks" / "commit-msg").exists()

    assert repo.cli("hooks", "install", "--force").exit_code == 0
    assert (repo.root / ".git" / "hooks" / "pre-commit.local").read_text() == foreign
    assert MARKER in hook.read_text(encoding="utf-8")
    assert commit(repo, "事務の内容を変更\n\n変更日: 2030-04-01").returncode == 0
    assert (repo.root / "foreign.log").read_text() == "ran\n"  # the foreign hook ran first

    assert repo.cli("hooks", "install").exit_code == 0  # ours again: no --force needed
    assert repo.cli("hooks", "uninstall").exit_code == 0
    assert hook.read_text() == foreign
    assert not (repo.root / ".git" / "hooks" / "pre-commit.local").exists()
    assert not (repo.root / ".git" / "hooks" / "commit-msg").exists()


def test_uninstall_leaves_foreign_hooks(tmp_path):
    repo = committed(tmp_path)
    hook = repo.root / ".git" / "hooks" / "commit-msg"
    hook.write_text("#!/bin/sh\nexit 0\n")
    result = repo.cli("hooks", "uninstall")
    assert result.exit_code == 0 and hook.read_text() == "#!/bin/sh\nexit 0\n"


def test_hooks_respect_core_hooks_path(tmp_path):
    repo = committed(tmp_path)
    repo.git("config", "core.hooksPath", ".githooks")
    assert repo.cli("hooks", "install").exit_code == 0
    assert (repo.root / ".githooks" / "pre-commit").is_file()
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()


# ---- init ---------------------------------------------------------------------------------------

INIT_FILES = ("assessments/hyoukasho.yaml", "templates/重点項目.yaml", "templates/基礎項目.yaml",
              "pia-changes.toml", ".pre-commit-config.yaml", ".gitattributes", "README.md",
              ".github/workflows/pia-changes.yml")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts[:1]}


def test_init_creates_a_repository_with_valid_starters(tmp_path):
    target = tmp_path / "new" / "hyoka"
    result = invoke("init", str(target), root=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(snapshot(target)) == sorted(INIT_FILES)
    assert (target / ".git").is_dir()
    assert Repo.existing(target).try_git("rev-parse", "--verify", "-q", "HEAD").returncode != 0  # nothing committed
    valid = invoke("validate", "assessments/hyoukasho.yaml", "templates/重点項目.yaml", "templates/基礎項目.yaml",
                   root=target)
    assert valid.exit_code == 0, valid.output
    assert load(target / "assessments/hyoukasho.yaml").form.form == "全項目"


def test_init_is_idempotent_and_lists_existing_files(tmp_path):
    target = tmp_path / "hyoka"
    invoke("init", str(target), root=tmp_path)
    before = snapshot(target)
    again = invoke("init", str(target), "--form", "重点項目", root=tmp_path)
    assert again.exit_code == 0
    assert all(f"既存のため変更なし: {rel}" in again.output for rel in INIT_FILES if rel != "templates/重点項目.yaml")
    assert snapshot(target) == {**before, "templates/全項目.yaml": snapshot(target)["templates/全項目.yaml"]}
    assert "git リポジトリを作りました" not in again.output


def test_init_force_rewrites_only_template_files(tmp_path):
    target = tmp_path / "hyoka"
    invoke("init", str(target), root=tmp_path)
    pristine = snapshot(target)
    (target / "README.md").write_text("書き換えた\n", encoding="utf-8")
    (target / "assessments" / "jyuki.yaml").write_text("様式: 全項目\n", encoding="utf-8")
    (target / "memo.txt").write_text("メモ\n", encoding="utf-8")
    result = invoke("init", str(target), "--force", root=tmp_path)
    assert result.exit_code == 0
    after = snapshot(target)
    assert after["README.md"] == pristine["README.md"]
    assert after["assessments/jyuki.yaml"] == "様式: 全項目\n".encode()
    assert after["memo.txt"] == "メモ\n".encode()
    assert "上書き: README.md" in result.output and "上書き: pia-changes.toml" not in result.output


def test_init_into_an_existing_repository_does_not_reinit(tmp_path):
    repo = committed(tmp_path)
    config_before = (repo.root / ".git" / "config").read_bytes()
    sha = repo.head()
    result = invoke("init", str(repo.root), "--form", "重点項目", root=tmp_path)
    assert result.exit_code == 0
    assert "既存の git リポジトリです" in result.output and "git リポジトリを作りました" not in result.output
    assert repo.head() == sha and (repo.root / ".git" / "config").read_bytes() == config_before
    assert (repo.root / DOC).is_file()  # the assessment already there is untouched
    assert load(repo.root / "assessments/hyoukasho.yaml").form.form == "重点項目"


def test_init_example_writes_the_example_repository(tmp_path):
    result = invoke("init", str(tmp_path / "ex"), "--example", root=tmp_path)  # more in test_reconstruct.py
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ex" / "assessments" / "kaigo.yaml").is_file()
    assert not (tmp_path / "ex" / "assessments" / "hyoukasho.yaml").exists()


@pytest.mark.parametrize("form", ["全項目", "重点項目", "基礎項目"])
def test_starter_is_the_blank_document_with_comments(form):
    text = starter_yaml(form)
    assert yaml.safe_load(text) == blank_document(load_form(form), entries=0)
    if form != "基礎項目":
        assert re.search(r"^    事務の内容:  # ②事務の内容 ※$", text, re.MULTILINE)
        assert re.search(r"^    事務の名称:  # ①事務の名称$", text, re.MULTILINE)
    assert re.search(r"^ +\S*対象人数\S*:  # .*しきい値判断の項目 選択肢: 1,000人未満\S* / 1,000人以上1万人未満 / ",
                     text, re.MULTILINE)
    if form == "基礎項目":  # no ※ on this form (domain.md)
        assert "※" not in text.split("様式版:")[1]


def test_template_hook_configuration_names_the_three_hooks():
    project = ROOT
    hooks = {h["id"]: h for h in yaml.safe_load((project / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["pia-changes-validate"]["entry"] == "pia-changes validate"
    assert hooks["pia-changes-check"]["entry"] == "pia-changes check"
    assert hooks["pia-changes-commit-msg"]["entry"] == "pia-changes check --strict --commit-msg"
    assert hooks["pia-changes-commit-msg"]["stages"] == ["commit-msg"]
    assert all(h["language"] == "python" for h in hooks.values())
    config = yaml.safe_load((project / "repo_template/.pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = [h["id"] for repo in config["repos"] for h in repo["hooks"]]
    assert ids == list(hooks)


# ---- speed --------------------------------------------------------------------------------------

def big_document(repeat: int) -> dict:
    """The 全項目 with two entries per group and every text item a long paragraph."""
    return filled("全項目", entries=2,
                  text=lambda n: f"記載{n}。" + "特定個人情報の取扱いについて適切に管理する。" * repeat)


def test_check_takes_under_half_a_second_on_a_100_kb_assessment(tmp_path):
    repo = Repo(tmp_path / "repo")
    data = big_document(4)
    repo.stage(DOC, dump(data))
    size = len(repo.git("show", f":{DOC}").encode("utf-8"))
    assert 90_000 < size < 150_000
    repo.git("commit", "-q", "-m", "基準")
    data["基本情報"]["特定個人情報ファイルを取り扱う事務"]["事務の内容"] += "証明書を交付する。"
    repo.stage(DOC, dump(data))
    msg = message(repo, "事務の内容を変更\n\n変更日: 2030-04-01\n")
    argv = command("check", "--strict", "--commit-msg", msg)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=repo.root, capture_output=True, text=True)
        timings.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
        assert "重要な変更: " in done.stdout
    assert min(timings) < 0.5, timings
