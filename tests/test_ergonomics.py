"""Command ergonomics a new user tripped over (issue 28, item 6): validate without FILE, wildcards
the tool expands itself (Windows shells pass them through), blame without FILE and in document
order, diff's markdown unpadded, the md findings in Japanese, hooks and init saying what they did,
and the example repository's README naming its own files. Real repositories, the real CLI."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_changes.cli import cli
from pia_changes.rebuild.init import template_dir
from tests.helpers.documents import SYSTEMS, dump, kaigo
from tests.helpers.gitrepo import Repo


def document(name: str = "介護保険に関する事務", content: str = "被保険者の資格管理を行う。",
             people: str = "10万人以上30万人未満", functions: tuple[str, str] = ("資格管理", "給付管理")) -> str:
    """The 介護保険 assessment with two システム entries of their own 機能."""
    data = kaigo(name=name, content=content, people=people)
    data[SYSTEMS[0]][SYSTEMS[1]][SYSTEMS[2]] = [
        {"システムの名称": s, "システムの機能": f, "他のシステムとの接続": []}
        for s, f in zip(("介護保険システム", "宛名システム"), functions)]
    return dump(data)


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args], prog_name="pia-changes", catch_exceptions=False)


@pytest.fixture
def two(tmp_path) -> Repo:
    """A repository with two committed assessments and a stray invalid YAML outside the globs."""
    repo = Repo(tmp_path / "repo")
    repo.commit("基準", {"assessments/kaigo.yaml": document(), "assessments/jyuki.yaml": document(name="住基"),
                         "notes/draft.yaml": "様式: 不明\n"})
    return repo


# --- validate without FILE, wildcards -------------------------------------------------------

def test_validate_without_file_checks_the_configured_assessments(two):
    result = run(two.root, "validate")
    assert result.exit_code == 0, result.output
    assert [line.split(" 未記入")[0] for line in result.stdout.splitlines()] == [
        "assessments/jyuki.yaml: OK（重点項目評価書）", "assessments/kaigo.yaml: OK（重点項目評価書）"]


def test_validate_without_file_from_a_subdirectory_names_files_from_there(two):
    result = run(two.root / "notes", "validate")
    assert result.exit_code == 0, result.output
    assert "../assessments/kaigo.yaml: OK（重点項目評価書）" in [line.split(" 未記入")[0] for line in
                                                              result.stdout.splitlines()]


def test_validate_without_file_fails_on_an_invalid_assessment(two):
    (two.root / "assessments" / "kaigo.yaml").write_text("様式: 不明\n", encoding="utf-8")
    result = run(two.root, "validate")
    assert result.exit_code == 1
    assert result.stderr.startswith("assessments/kaigo.yaml:1: 未知の様式です")


def test_validate_expands_a_wildcard_the_shell_passed_through(two, monkeypatch):
    monkeypatch.chdir(two.root)
    result = CliRunner().invoke(cli, ["validate", "assessments/*.yaml"])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["assessments/jyuki.yaml",
                                                                            "assessments/kaigo.yaml"]
    recursive = CliRunner().invoke(cli, ["validate", "**/kaigo.yaml"])
    assert recursive.exit_code == 0 and recursive.stdout.startswith("assessments/kaigo.yaml: OK")


def test_a_wildcard_matching_nothing_is_one_japanese_error(two, monkeypatch):
    monkeypatch.chdir(two.root)
    result = CliRunner().invoke(cli, ["validate", "assessments/*.yml"])
    assert result.exit_code == 1
    assert result.stderr == "assessments/*.yml: 一致するファイルがありません\n"


def test_generate_report_check_and_diff_expand_wildcards(two, monkeypatch):
    monkeypatch.chdir(two.root)
    two.commit("内容を変更\n\n変更日: 2025-06-01",
               {"assessments/kaigo.yaml": document(content="被保険者の資格管理及び給付を行う。")})
    one = CliRunner().invoke(cli, ["generate", "assessments/ka*.yaml", "--format", "json"])
    assert one.exit_code == 0, one.output
    assert one.stdout.lstrip().startswith("{") and '"assessment": "assessments/kaigo.yaml"' in one.stdout
    both = CliRunner().invoke(cli, ["generate", "assessments/*.yaml", "--format", "json"])
    assert both.exit_code == 0, both.output
    assert both.stdout.lstrip().startswith("[")
    report = CliRunner().invoke(cli, ["report", "assessments/ka*.yaml", "-o", str(two.root.parent / "out")])
    assert report.exit_code == 0, report.output
    assert "評価書 1 件" in report.stderr
    (two.root / "assessments" / "jyuki.yaml").write_text(document(name="住基", content="住民票の写しを交付する。"),
                                                        encoding="utf-8")
    two.git("add", "assessments/jyuki.yaml")
    check = CliRunner().invoke(cli, ["check", "assessments/jy*.yaml"])
    assert check.exit_code == 0, check.output
    assert "重要な変更" in check.stdout
    diff = CliRunner().invoke(cli, ["diff", "HEAD", "assessments/jy*.yaml"])
    assert diff.exit_code == 0, diff.output
    assert "住民票の写しを交付する。" in diff.stdout and "kaigo" not in diff.stdout


# --- blame ------------------------------------------------------------------------------------

@pytest.fixture
def history(tmp_path) -> Repo:
    """Items changed in the reverse of their document order."""
    repo = Repo(tmp_path / "repo")
    path = "assessments/kaigo.yaml"
    repo.commit("基準", {path: document()})
    repo.commit("システム2\n\n変更日: 2025-02-01", {path: document(functions=("資格管理", "宛名管理"))})
    repo.commit("システム1\n\n変更日: 2025-03-01", {path: document(functions=("資格管理等", "宛名管理"))})
    repo.commit("対象人数\n\n変更日: 2025-04-01", {path: document(functions=("資格管理等", "宛名管理"),
                                                                 people="30万人以上")})
    repo.commit("名称\n\n変更日: 2025-05-01", {path: document(name="介護保険の事務", people="30万人以上",
                                                             functions=("資格管理等", "宛名管理"))})
    return repo


def test_blame_lists_items_in_document_order(history):
    result = run(history.root, "blame", "assessments/kaigo.yaml")
    assert result.exit_code == 0, result.output
    ids = [re.search(r"\((\S+)\)$", line).group(1) for line in result.stdout.splitlines()]
    assert ids == ["I/jimu_name", "I/target_count", "I/system[介護保険システム]/function",
                   "I/system[宛名システム]/function"]


def test_blame_takes_item_without_file_when_there_is_one_assessment(history):
    result = run(history.root, "blame", "対象人数")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2025-04-01 ") and "(I/target_count)" in result.stdout
    assert len(result.stdout.splitlines()) == 1
    assert run(history.root, "blame").stdout == run(history.root, "blame", "assessments/kaigo.yaml").stdout


def test_blame_item_alone_with_several_assessments_asks_for_the_file(two):
    result = run(two.root, "blame", "対象人数")
    assert result.exit_code == 2
    assert "評価書が 2 件あります" in result.stderr and "assessments/kaigo.yaml" in result.stderr


# --- markdown ---------------------------------------------------------------------------------

def test_diff_markdown_is_not_padded(history):
    long = "被保険者の資格管理を行う。" * 40
    (history.root / "assessments" / "kaigo.yaml").write_text(
        document(name="介護保険の事務", content=long, people="30万人以上", functions=("資格管理等", "宛名管理")),
        encoding="utf-8")
    (history.root / "assessments" / "kaigo.yaml").write_text(
        (history.root / "assessments" / "kaigo.yaml").read_text(encoding="utf-8").replace(
            "30万人以上", "10万人以上30万人未満"), encoding="utf-8")
    result = run(history.root, "diff", "--format", "md")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("|")]
    assert len(rows) == 4  # header, rule, 事務の内容, 対象人数
    assert rows[1] == "|---|---|---|---|---|---|"
    assert all("  |" not in line and "|  " not in line for line in rows), rows


def test_markdown_findings_say_error_and_warning_in_japanese(history):
    path = "assessments/kaigo.yaml"
    history.commit("事務の内容\n\n変更日: 2025-06-01", {path: document(
        name="介護保険の事務", content="被保険者の資格管理及び給付を行う。", people="30万人以上",
        functions=("資格管理等", "宛名管理"))})
    history.git("tag", "submitted/kaigo/2025-07-01")  # the 重要な変更 was submitted after its 変更日
    result = run(history.root, "generate")
    assert result.exit_code == 0, result.output
    findings = result.stdout.split("### 指摘事項", 1)[1].strip().splitlines()
    assert any(line.startswith("- エラー[f-") for line in findings)
    assert any(line.startswith("- 警告[f-") for line in findings)
    assert "[error]" not in result.stdout and "[warning]" not in result.stdout


# --- hooks and init say what they did -------------------------------------------------------------

def test_hooks_install_prints_the_files_it_wrote(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.git("config", "core.hooksPath", ".githooks")
    result = run(repo.root, "hooks", "install")
    assert result.exit_code == 0, result.output
    written = [Path(line.split(": ")[0]) for line in result.stdout.splitlines()]
    assert written == [repo.root / ".githooks" / "pre-commit", repo.root / ".githooks" / "commit-msg"]
    assert all(p.is_file() and "pia-changes-hook" in p.read_text(encoding="utf-8") for p in written)


def test_hooks_install_names_the_real_local_files_and_no_placeholder(tmp_path):
    repo = Repo(tmp_path / "repo")
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    refused = run(repo.root, "hooks", "install")
    assert refused.exit_code == 1
    assert f"既存のフックがあります: {hook}（--force を付けると pre-commit.local に退避し" in refused.stderr
    helps = run(repo.root, "hooks", "install", "--help").output + run(repo.root, "hooks", "--help").output
    assert "{名前}" not in refused.stderr + helps and "pre-commit.local" in helps
    forced = run(repo.root, "hooks", "install", "--force")
    assert f"{hook}.local: 既存のフックを退避しました" in forced.stdout
    assert f"{hook}: フックを書き込みました" in forced.stdout


def test_init_again_with_another_form_says_what_it_kept(tmp_path):
    target = tmp_path / "hyoka"
    assert run(tmp_path, "init", str(target)).exit_code == 0
    (target / "assessments" / "kaigo.yaml").write_text(document(), encoding="utf-8")
    (target / "templates" / "重点項目.yaml").unlink()
    again = run(tmp_path, "init", str(target), "--form", "重点項目")
    assert again.exit_code == 0, again.output
    lines = again.stdout.splitlines()
    assert ("既存のため変更なし: assessments/hyoukasho.yaml（様式は全項目のままです。"
            "重点項目のひな形は templates/重点項目.yaml にあります）") in lines
    assert "既存のため変更なし: assessments/kaigo.yaml（評価書です。変更していません）" in lines
    assert "作成: templates/重点項目.yaml" in lines
    assert (target / "templates" / "重点項目.yaml").read_text(encoding="utf-8").count("様式: 重点項目") == 1
    assert "様式: 全項目" in (target / "assessments" / "hyoukasho.yaml").read_text(encoding="utf-8")


# --- the example repository's README -----------------------------------------------------------

def test_every_example_readme_edit_applies_to_the_template():
    from pia_changes.rebuild.example import example_readme

    text = example_readme((template_dir() / "README.md").read_bytes()).decode("utf-8")
    assert "hyoukasho" not in text
    assert "`assessments/kaigo.yaml`" in text and "`assessments/jyuki.yaml`" in text


def test_example_repository_readme_names_its_real_files(tmp_path):
    target = tmp_path / "example"
    assert run(tmp_path, "init", str(target), "--example").exit_code == 0
    readme = (target / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"assessments/[\w.-]+\.yaml", readme))
    assert {"assessments/kaigo.yaml", "assessments/jyuki.yaml"} <= named
    assert "hyoukasho" not in readme
    assert all((target / p).is_file() for p in named if p not in ("assessments/kokuho.yaml",)), named
    assert "submitted/kaigo/" in readme
