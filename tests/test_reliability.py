"""Reliability through the CLI on real git repositories (issue 21, parts 2–4).

Windows files (UTF-8 with BOM, CRLF) behave exactly like their plain twins; git edge cases
(empty repository, uncommitted file, detached HEAD, shallow clone, rename, merge, bad trailers,
non-UTF-8 messages, tags on other commits, several assessments, unusual paths) give answers, not
tracebacks; every output is written atomically and never overwrites without --force, even when the
run is interrupted. Contract: design.md, Decisions (Encodings and line endings; Overwriting; Git;
Findings). No mocks: repositories in tmp_path, the CLI in-process (CliRunner) or as a process.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pia_changes.cli import cli
from pia_changes.document.model import load_bytes
from tests.helpers.cli import command, invoke
from tests.helpers.documents import JIMU, dump, kaigo
from tests.helpers.gitrepo import Repo
from tests.helpers.seeds import seed_path

PATH = "assessments/kaigo.yaml"


# --- documents -------------------------------------------------------------------------------

def data(**edits) -> dict:
    """The 介護保険 assessment with one システム unless told (EDITS: name, content, people, systems, function)."""
    return kaigo(**{"systems": ("介護保険システム",), **edits})


def document(**edits) -> str:
    """As YAML, multi-line texts as literal blocks (`|`), as staff write them: the hardest case for CRLF."""
    return dump(data(**edits), block=True)


def windows(text: str) -> bytes:
    """The same text as Notepad saves it: UTF-8 with BOM, CRLF."""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


# --- running -----------------------------------------------------------------------------------

def ok(root: Path, *args: str):
    result = invoke(*args, root=root)
    assert result.exit_code == 0, (args, result.output)
    return result


def failed(root: Path, *args: str, words: tuple[str, ...] = ()) -> str:
    """Exit 1 with one clear stderr line containing WORDS."""
    result = invoke(*args, root=root)
    assert result.exit_code == 1, (args, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def generated(root: Path, *files: str) -> dict | list:
    return json.loads(ok(root, "generate", *files, "--format", "json").stdout)


def git_rows(table: dict) -> list[dict]:
    return [r for r in table["rows"] if r["source"] == "git"]


def diffed(root: Path, *args: str) -> list[dict]:
    return json.loads(ok(root, "diff", *args, "--format", "json", "--include-cosmetic").stdout)["changes"]


# === 2. Windows files ===========================================================================

VERSIONS = (
    ("基準の版", document()),
    ("事務の内容\n\n変更日: 2025-06-01", document(content="一行目\n二行目\n")),
    ("システムの追加\n\n変更日: 2025-07-01",
     document(content="一行目\n二行目改\n", systems=("介護保険システム", "宛名システム"), function="資格管理\n")),
)


def _history(root: Path, encode) -> Repo:
    repo = Repo(root)
    for message, text in VERSIONS:
        repo.commit(message, {PATH: encode(text)})
    repo.git("tag", "submitted/kaigo/2025-06-15")
    return repo


def _without_commits(table: dict) -> tuple[list, list]:
    rows = [{k: v for k, v in r.items() if k != "commit"} for r in table["rows"]]
    findings = [(f["kind"], f["level"], f["item_id"]) for f in table["findings"]]
    return rows, findings


def test_bom_crlf_history_generates_exactly_like_its_plain_twin(tmp_path):
    plain = _history(tmp_path / "plain", lambda t: t.encode())
    win = _history(tmp_path / "win", windows)
    assert (win.root / PATH).read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in (win.root / PATH).read_bytes()
    a, b = generated(plain.root, PATH), generated(win.root, PATH)
    assert len(git_rows(a)) == 4  # 事務の内容; システムの追加, 既存システムの機能 …
    assert _without_commits(a) == _without_commits(b)
    assert ok(plain.root, "log", PATH).stdout.count("\n") == ok(win.root, "log", PATH).stdout.count("\n") == 3


def test_bom_crlf_twin_loads_and_diffs_like_the_plain_file(tmp_path):
    text = document(content="一行目\n\n二行目\n")
    (tmp_path / "plain.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "win.yaml").write_bytes(windows(text))
    plain, win = (load_bytes((tmp_path / n).read_bytes(), n) for n in ("plain.yaml", "win.yaml"))
    assert (plain.data, plain.lines) == (win.data, win.lines)
    assert plain.data[JIMU[0]][JIMU[1]]["事務の内容"] == "一行目\n\n二行目\n"
    assert diffed(tmp_path, "plain.yaml", "win.yaml") == []
    assert diffed(tmp_path, "win.yaml", "plain.yaml") == []
    (tmp_path / "new.yaml").write_text(document(content="一行目\n\n三行目\n"), encoding="utf-8")
    (tmp_path / "new-win.yaml").write_bytes(windows(document(content="一行目\n\n三行目\n")))
    expected = diffed(tmp_path, "plain.yaml", "new.yaml")
    assert len(expected) == 1
    for old, new in (("win.yaml", "new.yaml"), ("plain.yaml", "new-win.yaml"), ("win.yaml", "new-win.yaml")):
        assert [{**c, "assessment": None} for c in diffed(tmp_path, old, new)] == [
            {**c, "assessment": None} for c in expected]


def test_line_endings_alone_are_no_change_in_history(tmp_path):
    repo = Repo(tmp_path / "r")
    text = document(content="一行目\n二行目\n")
    repo.commit("基準の版（Windows で保存）", {PATH: windows(text)})
    repo.commit("改行を LF に\n\n変更日: 2025-06-01", {PATH: text.encode()})
    repo.commit("また CRLF に（BOM なし）", {PATH: text.replace("\n", "\r\n").encode()})
    assert git_rows(generated(repo.root, PATH)) == []
    assert diffed(repo.root, "HEAD~2", "HEAD~1") == diffed(repo.root, "HEAD~1", "HEAD") == []
    assert "変更 0 件" in ok(repo.root, "log", PATH).stdout.splitlines()[-1]
    (repo.root / PATH).write_bytes(windows(text))  # working tree against HEAD
    assert diffed(repo.root) == []
    assert ok(repo.root, "diff", "--exit-code").exit_code == 0


# === 3. git edge cases ==========================================================================

def test_empty_repository_is_a_clear_error_everywhere(tmp_path):
    repo = Repo(tmp_path / "r")
    for args in (("generate",), ("log",), ("diff",), ("blame", PATH), ("generate", "--format", "json")):
        failed(repo.root, *args)
    repo.write(PATH, document())  # a file, but no commit yet
    for args in (("generate",), ("generate", PATH), ("log", PATH), ("blame", PATH)):
        failed(repo.root, *args, words=(PATH, "コミットされていません"))


def test_file_never_committed(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("README", {"README.md": "評価書の管理\n"})
    repo.write(PATH, document())
    for args in (("generate", PATH), ("log", PATH), ("blame", PATH)):
        failed(repo.root, *args, words=(PATH, "コミットされていません"))
    result = ok(repo.root, "diff", PATH)
    assert "新しい評価書です" in result.stdout
    assert json.loads(ok(repo.root, "diff", PATH, "--format", "json").stdout)["changes"] == []


def test_detached_head_reads_the_history_up_to_it(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("基準の版", {PATH: document()})
    second = repo.commit("事務の内容\n\n変更日: 2025-06-01", {PATH: document(content="資格管理及び給付を行う。")})
    repo.commit("事務の名称\n\n変更日: 2025-07-01", {PATH: document(content="資格管理及び給付を行う。", name="介護保険の事務")})
    repo.git("checkout", "-q", "--detach", second)
    assert [(r["item_id"], r["commit"]) for r in git_rows(generated(repo.root, PATH))] == [("I/jimu_content", second)]
    assert len(ok(repo.root, "log").stdout.splitlines()) == 2
    assert ok(repo.root, "blame", PATH).stdout.startswith(f"2025-06-01 {second[:7]} 変更 ")
    assert [c["item_id"] for c in diffed(repo.root, "HEAD~1", "HEAD")] == ["I/jimu_content"]
    assert [c["item_id"] for c in diffed(repo.root, "HEAD", "main")] == ["I/jimu_name"]
    assert [r["item_id"] for r in git_rows(generated(repo.root, PATH, "--rev", "main"))] == [
        "I/jimu_content", "I/jimu_name"]


def test_shallow_clone_generates_and_says_how_far_back_it_is_complete(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("基準の版", {PATH: document()})
    repo.commit("事務の内容\n\n変更日: 2025-06-01", {PATH: document(content="資格管理及び給付を行う。")})
    repo.commit("事務の名称\n\n変更日: 2025-07-01", {PATH: document(content="資格管理及び給付を行う。", name="介護保険の事務")})
    repo.commit("事務の内容2\n\n変更日: 2025-08-01", {PATH: document(content="資格管理、給付及び賦課を行う。",
                                                               name="介護保険の事務")})
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone))
    result = ok(clone, "generate", PATH, "--format", "json")
    rows = git_rows(json.loads(result.stdout))
    assert [r["item_id"] for r in rows] == ["I/jimu_content"]  # the boundary commit is the baseline
    assert "浅いクローン" in result.stderr and "2025-01-03 以降" in result.stderr and "--unshallow" in result.stderr
    assert "浅いクローン" not in ok(repo.root, "generate", PATH).stderr
    assert len(ok(clone, "log", PATH).stdout.splitlines()) == 2
    assert "I/jimu_content" in ok(clone, "blame", PATH).stdout
    assert [c["item_id"] for c in diffed(clone, "HEAD~1", "HEAD", PATH)] == ["I/jimu_content"]


def test_renamed_file_keeps_the_rows_from_before_the_rename(tmp_path):
    repo = Repo(tmp_path / "r")
    old, new = "assessments/kaigo.yaml", "assessments/介護保険.yaml"
    repo.commit("基準の版", {old: document()})
    before = repo.commit("事務の内容\n\n変更日: 2025-06-01", {old: document(content="資格管理及び給付を行う。")})
    repo.git("mv", old, new)
    repo.day += 1
    repo.git("commit", "-q", "-m", "ファイル名の変更")
    after = repo.commit("事務の名称\n\n変更日: 2025-07-01", {new: document(content="資格管理及び給付を行う。",
                                                                       name="介護保険の事務")})
    table = generated(repo.root, new)
    assert [(r["item_id"], r["commit"]) for r in git_rows(table)] == [("I/jimu_content", before), ("I/jimu_name", after)]
    assert table["assessment"] == new
    log = ok(repo.root, "log", new).stdout.splitlines()
    assert len(log) == 4 and "基準の版" in log[0] and "変更 0 件" in log[2]
    assert {line.split()[1] for line in ok(repo.root, "blame", new).stdout.splitlines()} == {before[:7], after[:7]}
    # diff across the rename compares the file under its old name (as generate follows it)
    assert [c["item_id"] for c in diffed(repo.root, "HEAD~3", "HEAD", new)] == ["I/jimu_name", "I/jimu_content"]
    assert [c["item_id"] for c in diffed(repo.root, "HEAD~2", new)] == ["I/jimu_name"]


def test_merge_with_a_resolved_conflict_is_one_revision_against_its_first_parent(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("基準の版", {PATH: document()})
    repo.git("checkout", "-q", "-b", "draft")
    draft = repo.commit("下書き: 給付を追加", {PATH: document(content="被保険者の資格管理及び給付を行う。")})
    repo.git("checkout", "-q", "main")
    main_edit = repo.commit("賦課を追加\n\n変更日: 2025-03-01", {PATH: document(content="被保険者の資格管理及び賦課を行う。")})
    repo.day += 1
    conflict = repo.try_git("merge", "-q", "draft")
    assert conflict.returncode != 0 and "CONFLICT" in conflict.stdout + conflict.stderr
    resolved = document(content="被保険者の資格管理、給付及び賦課を行う。")
    merge = repo.commit("下書きの取り込み\n\n変更日: 2025-04-01", {PATH: resolved})
    assert len(repo.git("rev-list", "--parents", "-n", "1", merge).split()) == 3
    rows = git_rows(generated(repo.root, PATH))
    assert [(r["commit"], r["before"], r["after"], r["change_date"]) for r in rows] == [
        (main_edit, "被保険者の資格管理を行う。", "被保険者の資格管理及び賦課を行う。", "2025-03-01"),
        (merge, "被保険者の資格管理及び賦課を行う。", "被保険者の資格管理、給付及び賦課を行う。", "2025-04-01")]
    assert draft not in {r["commit"] for r in rows}
    log = ok(repo.root, "log", PATH).stdout
    assert len(log.splitlines()) == 3 and draft[:7] not in log
    assert ok(repo.root, "blame", PATH).stdout.startswith(f"2025-04-01 {merge[:7]} ")
    assert [c["after"] for c in diffed(repo.root, "HEAD^1", "HEAD")] == ["被保険者の資格管理、給付及び賦課を行う。"]


def test_unreadable_change_date_is_a_warning_naming_the_commit(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("基準の版", {PATH: document()})
    bad = repo.commit("事務の名称\n\n変更日: 2025-13-45", {PATH: document(name="介護保険の事務")})
    table = generated(repo.root, PATH)
    assert [(r["item_id"], r["change_date"]) for r in git_rows(table)] == [("I/jimu_name", "2025-01-02")]  # commit date
    warnings = [f for f in table["findings"] if f["kind"] == "bad_trailer"]
    assert len(warnings) == 1 and warnings[0]["level"] == "warning" and warnings[0]["commit"] == bad
    assert bad[:7] in warnings[0]["message"] and "2025-13-45" in warnings[0]["message"]
    strict = ok(repo.root, "generate", PATH, "--strict")  # pushed history must never block generate
    assert bad[:7] in strict.stderr
    assert ok(repo.root, "log", PATH).stdout.splitlines()[1].startswith(f"2025-01-02 {bad[:7]} 変更 1 件")


def _raw_commit(repo: Repo, header: bytes, message: bytes, files: dict[str, str]) -> str:
    """A commit object written by hand: git commit itself would re-encode the message."""
    for path, text in files.items():
        repo.write(path, text)
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    parent = repo.git("rev-parse", "HEAD")
    body = (f"tree {tree}\nparent {parent}\nauthor a <a@b> 1740000000 +0900\n"
            f"committer a <a@b> 1740000000 +0900\n").encode() + header + b"\n" + message
    sha = repo.git("hash-object", "-t", "commit", "-w", "--stdin", input=body)
    repo.git("update-ref", "HEAD", sha)
    return sha


def test_non_utf8_commit_messages_do_not_crash(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("基準の版", {PATH: document()})
    garbage = _raw_commit(repo, b"", b"\xff\xfe\x82\xa0 \x81\n\n" + "変更日: 2025-06-01\n".encode("cp932"),
                          {PATH: document(name="介護保険の事務")})
    declared = _raw_commit(repo, b"encoding Shift_JIS\n", "事務の内容\n\n変更日: 2025-07-01\n".encode("cp932"),
                           {PATH: document(name="介護保険の事務", content="資格管理及び給付を行う。")})
    unknown = _raw_commit(repo, b"encoding no-such-codec\n", b"\xe4\xbb\x8b\xff\n", {PATH: document(
        name="介護保険の事務", content="資格管理及び給付を行う。", people="30万人以上")})
    rows = git_rows(generated(repo.root, PATH))
    assert [(r["commit"], r["change_date"]) for r in rows] == [  # by 変更日, then commit order
        (garbage, "2025-02-20"),   # the trailer is not readable as UTF-8: the commit date stands in
        (unknown, "2025-02-20"),
        (declared, "2025-07-01")]  # the message's own encoding header is honoured
    log = ok(repo.root, "log", PATH).stdout.splitlines()
    assert len(log) == 4 and "\ufffd" in log[1] and log[2].endswith("事務の内容") and "介\ufffd" in log[3]
    assert len(ok(repo.root, "blame", PATH).stdout.splitlines()) == 3
    ok(repo.root, "diff", "HEAD~3", "HEAD")


def test_submission_tag_on_a_commit_that_does_not_touch_the_file(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.commit("基準の版", {PATH: document()})
    change = repo.commit("事務の内容\n\n変更日: 2025-06-01", {PATH: document(content="資格管理及び給付を行う。")})
    repo.commit("README の更新", {"README.md": "提出前の確認\n"})
    repo.git("tag", "-a", "submitted/kaigo/2025-05-01", "-m", "委員会へ提出")
    later = repo.commit("事務の名称\n\n変更日: 2025-07-01", {PATH: document(content="資格管理及び給付を行う。",
                                                                      name="介護保険の事務")})
    rows = {r["commit"]: r for r in git_rows(generated(repo.root, PATH))}
    assert (rows[change]["submitted"], rows[change]["timing"]) == (True, "事前")
    assert rows[later]["submitted"] is False
    assert "submitted/kaigo/2025-05-01" not in ok(repo.root, "log", PATH).stdout  # the tag is not on a file commit


def test_two_assessments_changed_in_one_commit_get_their_own_rows(tmp_path):
    repo = Repo(tmp_path / "r")
    other = "assessments/jyuki.yaml"
    repo.commit("基準の版", {PATH: document(), other: document(name="住民基本台帳に関する事務")})
    both = repo.commit("両方の修正\n\n変更日: 2025-06-01", {
        PATH: document(content="資格管理及び給付を行う。"),
        other: document(name="住民基本台帳の事務", people="30万人以上")})
    tables = generated(repo.root)
    assert [t["assessment"] for t in tables] == [other, PATH]
    jyuki, kaigo = tables
    assert [r["item_id"] for r in git_rows(jyuki)] == ["I/jimu_name", "I/target_count"]
    assert [r["item_id"] for r in git_rows(kaigo)] == ["I/jimu_content"]
    assert {r["commit"] for t in tables for r in git_rows(t)} == {both}
    assert generated(repo.root, PATH)["rows"] == kaigo["rows"]
    assert [(c["assessment"], c["item_id"]) for c in diffed(repo.root, "HEAD~1", "HEAD")] == [
        (other, "I/jimu_name"), (other, "I/target_count"), (PATH, "I/jimu_content")]
    assert ok(repo.root, "log").stdout.count("== ") == 2


def test_path_with_spaces_and_japanese(tmp_path):
    repo = Repo(tmp_path / "r")
    path = "assessments/介護 保険.yaml"
    repo.commit("基準の版", {path: document()})
    change = repo.commit("事務の内容\n\n変更日: 2025-06-01", {path: document(content="資格管理及び給付を行う。")})
    repo.git("tag", "submitted/2025-05-01")  # a per-file tag cannot be named after a stem with a space
    table = generated(repo.root, path)
    assert table["assessment"] == path
    assert [(r["commit"], r["timing"]) for r in git_rows(table)] == [(change, "事前")]
    assert generated(repo.root)[0]["rows"] == table["rows"]
    assert "介護 保険" in ok(repo.root, "generate").stdout
    assert ok(repo.root, "log", path).stdout.splitlines()[1].startswith(f"2025-06-01 {change[:7]} 変更 1 件")
    assert ok(repo.root, "blame", path, "事務の内容").stdout.startswith(f"2025-06-01 {change[:7]} ")
    assert [c["assessment"] for c in diffed(repo.root, "HEAD~1", "HEAD", path)] == [path]
    (repo.root / path).write_text(document(content="資格管理、給付及び賦課を行う。"), encoding="utf-8")
    assert [c["item_id"] for c in diffed(repo.root, path)] == ["I/jimu_content"]
    out = repo.root / "出力 先" / "変更 箇所.xlsx"
    out.parent.mkdir()
    ok(repo.root, "generate", path, "-o", str(out))
    assert out.stat().st_size > 0


# === 4. writes ==================================================================================

@pytest.fixture
def history(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: document()})
    repo.commit("事務の内容\n\n変更日: 2025-06-01", {PATH: document(content="資格管理及び給付を行う。")})
    return repo


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".tmp-"))


@pytest.mark.parametrize("name", ["out.md", "out.csv", "out.tsv", "out.json", "out.html", "out.xlsx"])
def test_generate_never_overwrites_without_force_and_writes_atomically(history, tmp_path, name):
    target = tmp_path / "outputs" / name
    target.parent.mkdir()
    target.write_bytes(b"a user's own file")
    target.chmod(0o640)
    refused = failed(history.root, "generate", PATH, "-o", str(target), words=("--force",))
    assert str(target) in refused and target.read_bytes() == b"a user's own file"
    ok(history.root, "generate", PATH, "-o", str(target), "--force")
    written = target.read_bytes()
    assert written != b"a user's own file" and len(written) > 100
    assert target.stat().st_mode & 0o777 == 0o640  # the user's permissions are kept
    assert sorted(p.name for p in target.parent.iterdir()) == [name]
    fresh = tmp_path / "outputs" / ("new-" + name)
    ok(history.root, "generate", PATH, "-o", str(fresh))
    assert fresh.read_bytes() == written or name.endswith((".xlsx", ".html"))
    assert _leftovers(target.parent) == []


def test_generate_never_overwrites_the_assessment_itself(history):
    before = (history.root / PATH).read_bytes()
    failed(history.root, "generate", PATH, "-o", str(history.root / PATH), "--format", "md", words=("--force",))
    assert (history.root / PATH).read_bytes() == before


def test_generate_to_a_missing_directory_or_a_directory_is_one_error(history, tmp_path):
    failed(history.root, "generate", PATH, "-o", str(tmp_path / "no" / "such" / "out.md"), words=("ディレクトリ",))
    (tmp_path / "out.md").mkdir()
    usage = invoke("generate", PATH, "-o", str(tmp_path / "out.md"), "--force", root=history.root)
    assert usage.exit_code == 2 and "はディレクトリです" in usage.stderr  # click refuses it as a usage error, in Japanese
    assert not (tmp_path / "no").exists()


def test_import_never_overwrites_without_force_and_keeps_the_old_file_on_failure(tmp_path):
    seed = seed_path("004")
    target = tmp_path / "kaigo.yaml"
    target.write_bytes(b"# staff's edited assessment\n")
    failed(tmp_path, "import", str(seed), "-o", str(target), words=("--force",))
    assert target.read_bytes() == b"# staff's edited assessment\n"
    bad = tmp_path / "bad.txt"
    bad.write_bytes("\x00\x01 バイナリ".encode("utf-16"))
    result = invoke("import", str(bad), "-o", str(target), "--force", root=tmp_path)
    assert result.exit_code == 1 and target.read_bytes() == b"# staff's edited assessment\n"
    ok(tmp_path, "import", str(seed), "-o", str(target), "--force")
    assert load_bytes(target.read_bytes(), "kaigo.yaml").form.form == "重点項目"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt", "kaigo.yaml"]


def test_report_never_overwrites_without_force(history, tmp_path):
    if "report" not in cli.commands:
        pytest.skip("the report command has not landed yet")
    target = tmp_path / "report"
    target.mkdir()
    (target / "index.html").write_text("staff's page", encoding="utf-8")
    failed(history.root, "report", PATH, "-o", str(target), words=("--force",))
    assert (target / "index.html").read_text(encoding="utf-8") == "staff's page"
    ok(history.root, "report", PATH, "-o", str(target), "--force")
    assert (target / "index.html").read_text(encoding="utf-8") != "staff's page"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# --- an interrupted run --------------------------------------------------------------------------

_BIG_MARK = "@@版@@"


def _big_template(systems: int = 60) -> str:
    """A ~100 KB assessment with a marker in one text per version."""
    doc = data(people="30万人以上", systems=tuple(f"システム{i:03d}" for i in range(systems)),
               function="資格の管理を行う。" * 80)
    doc[JIMU[0]][JIMU[1]]["事務の内容"] = f"版{_BIG_MARK}の事務の内容。"
    return dump(doc)


def _fast_import(repo: Repo, start: int, commits: int) -> None:
    """COMMITS versions of a ~100 KB assessment, one commit each, in one `git fast-import`."""
    template = _big_template()
    chunks = []
    for n in range(start, start + commits):
        blob = template.replace(_BIG_MARK, str(n)).encode()
        message = f"版{n}\n\n変更日: 2025-06-01\n".encode()
        chunks += [b"commit refs/heads/main\n",
                   f"committer 評価 太郎 <hyoka@example.jp> {1735693200 + n * 3600} +0900\n".encode(),
                   b"data %d\n%s\n" % (len(message), message)]
        if n == start and start:
            chunks.append(b"from refs/heads/main^0\n")  # continue the existing branch
        chunks += [f"M 100644 inline {PATH}\n".encode(), b"data %d\n%s\n" % (len(blob), blob)]
    repo.git("fast-import", "--quiet", input=b"".join(chunks))
    repo.git("reset", "-q", "--hard", "main")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _reading_blobs(group: int) -> bool:
    """Whether the process group GROUP runs its `git cat-file --batch`: the history is being read."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == group and b"cat-file" in (entry / "cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def _interrupt(root: Path, out: Path) -> subprocess.CompletedProcess | None:
    """Start generate, press Ctrl-C (SIGINT to its process group) once it is reading history.
    None when the run finished first. The child gets SIGINT's default action back: a shell starts a
    background job with SIGINT ignored, the child would inherit that and never see the Ctrl-C."""
    argv = command("generate", "-o", str(out), "--force")
    process = subprocess.Popen(argv, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True, preexec_fn=_default_sigint)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if _reading_blobs(process.pid):
            time.sleep(0.02)  # into the reading of old versions (a first run split across the cores)
            os.killpg(process.pid, signal.SIGINT)
            break
        time.sleep(0.005)
    stdout, stderr = process.communicate(timeout=60)
    done = subprocess.CompletedProcess(argv, process.returncode, stdout, stderr.decode("utf-8", "replace"))
    return None if done.returncode == 0 else done


def test_interrupted_generate_leaves_the_old_output_and_no_temporary_files(tmp_path):
    repo = Repo(tmp_path / "repo")
    _fast_import(repo, 0, 150)
    assert int(repo.git("rev-list", "--count", "HEAD")) == 150
    assert len((repo.root / PATH).read_bytes()) > 100_000
    out = tmp_path / "out.xlsx"
    old = b"PK\x03\x04 the workbook staff last sent to the committee"
    interrupted = None
    for attempt in range(4):
        out.write_bytes(old)
        shutil.rmtree(repo.root / ".git" / "pia-changes", ignore_errors=True)  # a cold cache: the run has work to do
        interrupted = _interrupt(repo.root, out)
        if interrupted is not None:
            break
        _fast_import(repo, 150 * (attempt + 1), 150)  # finished before the signal: a longer history
    assert interrupted is not None, "generate always finished before SIGINT"
    assert interrupted.returncode in (1, 130), interrupted
    assert "Traceback" not in interrupted.stderr, interrupted.stderr
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx", "repo"]
    cached = [p.name for p in (repo.root / ".git" / "pia-changes").rglob("*") if p.is_file()]
    assert [name for name in cached if name.startswith(".") or not name.endswith((".json", ".out"))] == []
