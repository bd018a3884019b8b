"""history.py against real git repositories built in tmp_path (no mocks)."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from pia_changes.document.model import load_text
from pia_changes.errors import PiaError
from pia_changes.table.cache import DocumentCache, PairCache
from pia_changes.git.repo import GitRepo, SubmissionTag
from pia_changes.classify.trailers import Decision, parse_trailers
from tests.helpers.documents import blank, dump, filled
from tests.helpers.gitrepo import JST, Repo

FORM = "重点項目"


@pytest.fixture
def repo(tmp_path) -> Repo:
    return Repo(tmp_path / "repo")


@pytest.fixture
def git_repo(repo):
    with GitRepo.discover(repo.root) as opened:
        yield opened


# ---- revisions ---------------------------------------------------------------------------------

def test_revisions_oldest_first_with_dates_parents_and_blobs(repo, git_repo):
    shas = [repo.commit(f"版{i}", {"assessments/jyuki.yaml": f"v: {i}\n"}) for i in range(3)]
    repo.commit("関係ないファイル", {"README.md": "x\n"})
    revisions = git_repo.file_revisions("assessments/jyuki.yaml")
    assert [r.sha for r in revisions] == shas
    assert [r.parent for r in revisions] == [None, shas[0], shas[1]]
    assert [r.message for r in revisions] == ["版0\n", "版1\n", "版2\n"]
    assert revisions[1].author_date == dt.datetime(2025, 1, 2, 10, tzinfo=JST)
    assert revisions[1].commit_date.utcoffset() == dt.timedelta(hours=9)
    assert [git_repo.read_blob(r.blob) for r in revisions] == [b"v: 0\n", b"v: 1\n", b"v: 2\n"]
    assert {r.path for r in revisions} == {"assessments/jyuki.yaml"}
    assert git_repo.file_revisions(repo.root / "assessments" / "jyuki.yaml") == revisions  # absolute path
    assert git_repo.file_revisions("assessments/jyuki.yaml", rev=shas[1]) == revisions[:2]


def test_rename_is_followed_with_the_path_at_each_commit(repo, git_repo):
    old, new = "評価書/住民 基本台帳.yaml", "assessments/jyuki.yaml"
    first = repo.commit("作成", {old: "a: 1\nb: 2\nc: 3\n"})
    (repo.root / "assessments").mkdir()
    repo.git("mv", old, new)
    renamed = repo.commit("改名")
    edited = repo.commit("編集", {new: "a: 1\nb: 2\nc: 4\n"})
    revisions = git_repo.file_revisions(new)
    assert [(r.sha, r.path) for r in revisions] == [(first, old), (renamed, new), (edited, new)]
    assert revisions[0].blob == revisions[1].blob  # a pure rename keeps the content
    assert git_repo.read_at(first, old) == b"a: 1\nb: 2\nc: 3\n"
    assert git_repo.read_at(first, new) is None


def test_merge_is_one_revision_against_its_first_parent(repo, git_repo):
    path = "assessments/jyuki.yaml"
    base = repo.commit("基準", {path: "a: 1\nb: 1\n"})
    repo.git("checkout", "-q", "-b", "draft")
    repo.commit("下書き1", {path: "a: 2\nb: 1\n"})
    repo.commit("下書き2", {path: "a: 3\nb: 1\n"})
    repo.git("checkout", "-q", "main")
    main_side = repo.commit("本線の別ファイル", {"README.md": "x\n"})
    repo.day += 1
    repo.git("merge", "-q", "--no-ff", "draft", "-m", "下書きを反映\n\n変更日: 2025-04-01")
    merge = repo.git("rev-parse", "HEAD")
    revisions = git_repo.file_revisions(path)
    assert [r.sha for r in revisions] == [base, merge]
    assert revisions[1].parent == main_side
    assert git_repo.read_blob(revisions[1].blob) == b"a: 3\nb: 1\n"
    assert revisions[1].trailers.change_date == dt.date(2025, 4, 1)


def test_deleted_file_has_no_blob(repo, git_repo):
    path = "assessments/old.yaml"
    repo.commit("作成", {path: "a: 1\n"})
    (repo.root / path).unlink()
    deleted = repo.commit("廃止")
    revisions = git_repo.file_revisions(path)
    assert revisions[-1].sha == deleted and revisions[-1].blob is None and revisions[-1].path == path


def test_path_with_spaces_and_japanese(repo, git_repo):
    path = "評価書 一覧/介護 保険（第1号）.yaml"
    repo.commit("作成", {path: "名前: 介護\n"})
    repo.commit("編集", {path: "名前: 介護保険\n"})
    assert len(git_repo.file_revisions(path)) == 2
    assert git_repo.read_at("HEAD", path) == "名前: 介護保険\n".encode()
    repo.write(path, "名前: 介護保険事務\n")
    assert git_repo.changed_files("HEAD") == [path]
    repo.git("add", path)
    assert git_repo.read_index(path) == "名前: 介護保険事務\n".encode()
    assert git_repo.changed_files("HEAD", cached=True) == [path]


def test_non_utf8_commit_messages_do_not_crash(repo, git_repo):
    path = "a.yaml"
    first = repo.commit("作成", {path: "a: 1\n"})
    trailer = "変更日: 2025-06-01\n".encode("cp932")
    # Raw commit objects: git commit itself would re-encode the message.
    for header, subject in ((b"", b"Shift_JIS \x82\xa0\xff"), (b"encoding x-no-such-codec\n", b"\xff\xfe")):
        parent, tree = repo.git("rev-parse", "HEAD", "HEAD^{tree}").split()
        body = (f"tree {tree}\nparent {parent}\nauthor a <a@b> 1735689600 +0900\n"
                f"committer a <a@b> 1735689600 +0900\n").encode() + header + b"\n" + subject + b"\n\n" + trailer
        commit = repo.git("hash-object", "-t", "commit", "-w", "--stdin", input=body)
        repo.git("update-ref", "HEAD", commit)
        repo.commit("編集", {path: f"a: {len(header)}\n"})
    repo.git("-c", "i18n.commitEncoding=cp932", "commit", "-q", "--allow-empty", "-F", "-",
             input="説明変更\n\n".encode("cp932") + trailer)  # with an encoding header
    revisions = git_repo.file_revisions(path)
    assert revisions[0].sha == first and len(revisions) == 3
    messages = [git_repo.message(c) for c in repo.git("rev-list", "HEAD").split()]
    assert messages[0] == "説明変更\n\n変更日: 2025-06-01\n"
    assert messages[2].startswith("\ufffd\ufffd\n")  # unknown codec: read as UTF-8, bad bytes replaced
    assert messages[4].startswith("Shift_JIS \ufffd\ufffd\ufffd\n")
    assert all(parse_trailers(m).problems == [] for m in messages)


# ---- repository states ---------------------------------------------------------------------------

def test_discover_from_a_subdirectory_and_outside_a_repository(repo, tmp_path):
    repo.commit("作成", {"assessments/a.yaml": "a: 1\n"})
    with GitRepo.discover(repo.root / "assessments" / "a.yaml") as opened:
        assert opened.root == repo.root.resolve()
        assert opened.git_dir == (repo.root / ".git").resolve()
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(PiaError, match="git リポジトリではありません"):
        GitRepo.discover(outside)


def test_empty_repository(repo, git_repo):
    assert git_repo.head() is None
    assert git_repo.file_revisions("assessments/a.yaml") == []
    assert git_repo.first_commit_date() is None
    assert not git_repo.is_shallow()
    repo.write("assessments/a.yaml", "a: 1\n")
    repo.git("add", "-A")
    assert git_repo.changed_files(None, cached=True) == ["assessments/a.yaml"]
    assert git_repo.read_index("assessments/a.yaml") == b"a: 1\n"
    with pytest.raises(PiaError, match="リビジョンが見つかりません"):
        git_repo.resolve("HEAD")


def test_file_never_committed_has_no_revisions(repo, git_repo):
    repo.commit("作成", {"assessments/a.yaml": "a: 1\n"})
    repo.write("assessments/new.yaml", "a: 1\n")
    assert git_repo.file_revisions("assessments/new.yaml") == []
    assert git_repo.read_at("HEAD", "assessments/new.yaml") is None
    assert git_repo.read_index("assessments/new.yaml") is None


def test_detached_head(repo, git_repo):
    first = repo.commit("作成", {"a.yaml": "a: 1\n"})
    repo.commit("編集", {"a.yaml": "a: 2\n"})
    repo.git("checkout", "-q", "--detach", first)
    assert git_repo.head() == first
    assert [r.sha for r in git_repo.file_revisions("a.yaml")] == [first]
    assert len(git_repo.file_revisions("a.yaml", rev="main")) == 2


def test_resolve_and_is_ancestor(repo, git_repo):
    first = repo.commit("作成", {"a.yaml": "a: 1\n"})
    second = repo.commit("編集", {"a.yaml": "a: 2\n"})
    assert git_repo.resolve("HEAD~1") == first
    assert git_repo.resolve(second[:10]) == second
    for bad in ("no-such-branch", "--output=/tmp/x", ""):
        with pytest.raises(PiaError):
            git_repo.resolve(bad)
    assert git_repo.is_ancestor(first, second) and git_repo.is_ancestor(second, "main")
    assert not git_repo.is_ancestor(second, first)
    assert git_repo.changed_files(first, second) == ["a.yaml"]
    with pytest.raises(PiaError):
        git_repo.relpath("../outside.yaml")


def test_several_revisions_resolved_at_once_and_the_missing_one_named(repo, git_repo):
    first = repo.commit("作成", {"a.yaml": "a: 1\n"})
    second = repo.commit("編集", {"a.yaml": "a: 2\n"})
    repo.git("tag", "v1", first)
    assert git_repo.resolve_all(["HEAD~1", "HEAD", "v1", second]) == [first, second, first, second]
    with pytest.raises(PiaError, match="no-such-branch"):
        git_repo.resolve_all(["HEAD", "no-such-branch"])
    with pytest.raises(PiaError, match="使えない"):
        git_repo.resolve_all(["HEAD", "--output=/tmp/x"])
    tree = repo.git("rev-parse", "HEAD^{tree}")
    with pytest.raises(PiaError):  # a tree is not a commit
        git_repo.resolve_all(["HEAD", tree])


def test_shallow_clone_is_detected(repo, tmp_path):
    for i in range(3):
        repo.commit(f"版{i}", {"a.yaml": f"a: {i}\n"})
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    with GitRepo.discover(clone) as shallow, GitRepo.discover(repo.root) as full:
        assert shallow.is_shallow() and not full.is_shallow()
        assert len(shallow.file_revisions("a.yaml")) == 1
        assert shallow.first_commit_date() == dt.datetime(2025, 1, 3, 10, tzinfo=JST)
        assert full.first_commit_date() == dt.datetime(2025, 1, 1, 10, tzinfo=JST)
        assert "2025-01-03" in shallow.shallow_warning() and "--unshallow" in shallow.shallow_warning()
        assert full.shallow_warning() is None


def test_many_blobs_are_read_through_one_cat_file_process(repo, git_repo):
    for i in range(40):
        repo.commit(f"版{i}", {"a.yaml": f"a: {i}\n" + "x" * i})
    revisions = git_repo.file_revisions("a.yaml")
    pid = git_repo.cat_file_pid
    assert pid is not None  # messages were read through it
    contents = [git_repo.read_blob(r.blob) for r in revisions]
    assert contents == [f"a: {i}\n".encode() + b"x" * i for i in range(40)]
    assert git_repo.cat_file_pid == pid
    git_repo.close()
    assert git_repo.cat_file_pid is None
    assert git_repo.read_blob(revisions[0].blob) == b"a: 0\n"  # restarts lazily
    with pytest.raises(PiaError):
        git_repo.read_blob("0" * 40)


def test_blobs_asked_ahead_and_left_unread_do_not_shift_the_answers(repo, git_repo):
    for i in range(6):
        repo.commit(f"版{i}", {"a.yaml": f"a: {i}\n"})
    blobs = [r.blob for r in git_repo.file_revisions("a.yaml")]
    git_repo.read_ahead(blobs[1])
    git_repo.read_ahead(blobs[2])
    assert git_repo.read_blob(blobs[2]) == b"a: 2\n"  # the answer for 1 is skipped
    git_repo.read_ahead(blobs[3])
    assert git_repo.read_blob(blobs[5]) == b"a: 5\n"  # asked ahead, then something else wanted
    git_repo.read_ahead("0" * 40)
    with pytest.raises(PiaError):
        git_repo.read_blob("0" * 40)
    git_repo.read_ahead(blobs[4])
    git_repo.close()  # answers pending when the process stops are forgotten
    assert [git_repo.read_blob(b) for b in blobs] == [f"a: {i}\n".encode() for i in range(6)]


# ---- submission tags -----------------------------------------------------------------------------

def test_submission_tags(repo, git_repo):
    first = repo.commit("作成", {"assessments/jyuki.yaml": "a: 1\n"})
    second = repo.commit("編集", {"assessments/jyuki.yaml": "a: 2\n"})
    tagger_date = "2025-09-30T12:00:00+09:00"  # tagged months after the date in the name
    repo.git("tag", "-a", "submitted/jyuki/2025-03-01", first, "-m", "提出", date=tagger_date)
    repo.git("tag", "-a", "submitted/jyuki/2025-06-01", second, "-m", "再実施\n\n種別: 再実施", date=tagger_date)
    repo.git("tag", "submitted/2025-07-01", second)  # lightweight, repository-wide
    repo.git("tag", "-a", "submitted/kaigo/2025-08-01", second, "-m", "提出\n\n種別：再実施\n")
    for bad in ("submitted/jyuki/2025-13-01", "submitted/jyuki/令和7年6月1日", "submitted/a/b/2025-01-01"):
        repo.git("tag", bad, first)
    repo.git("tag", "v1.0", first)
    tags = git_repo.tags("submitted/")
    tagged = dt.datetime.fromisoformat(tagger_date)
    kaigo_tagged = tags[3].tagged  # the fixture's own date for commit 2
    assert kaigo_tagged is not None
    assert tags == [
        SubmissionTag("submitted/jyuki/2025-03-01", "jyuki", dt.date(2025, 3, 1), first, False, tagged),
        SubmissionTag("submitted/jyuki/2025-06-01", "jyuki", dt.date(2025, 6, 1), second, True, tagged, "再実施"),
        SubmissionTag("submitted/2025-07-01", None, dt.date(2025, 7, 1), second, False, None),  # lightweight
        SubmissionTag("submitted/kaigo/2025-08-01", "kaigo", dt.date(2025, 8, 1), second, True, kaigo_tagged,
                      "再実施"),  # 種別 read after NFKC: the full-width colon too
    ]
    assert len(tags.warnings) == 3 and all("読み飛ばしました" in w for w in tags.warnings)
    assert any("2025-13-01" in w for w in tags.warnings)
    assert git_repo.is_ancestor(first, tags[1].target) and not git_repo.is_ancestor(second, tags[0].target)


def test_tags_with_another_prefix(repo, git_repo):
    head = repo.commit("作成", {"a.yaml": "a: 1\n"})
    repo.git("tag", "公表/2025-01-05", head)
    repo.git("tag", "submitted/2025-01-06", head)
    tags = git_repo.tags("公表/")
    assert [(t.name, t.date) for t in tags] == [("公表/2025-01-05", dt.date(2025, 1, 5))]
    assert git_repo.tags("none/") == [] and git_repo.tags("none/").warnings == []


# ---- trailers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("2025-06-01", dt.date(2025, 6, 1)),
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("令和1年5月1日", dt.date(2019, 5, 1)),
    ("平成31年4月1日", dt.date(2019, 4, 1)),
    ("令和７年６月１日", dt.date(2025, 6, 1)),
])
def test_change_date_trailer(written, expected):
    trailers = parse_trailers(f"事務の内容を更新\n\n本文。\n\n変更日: {written}\n")
    assert trailers.change_date == expected and trailers.problems == []


def test_all_trailers_with_per_item_values_and_full_width_colon():
    trailers = parse_trailers(
        "委託先の変更\n\n詳しい説明。\n\n"
        "変更日：2025-06-01\n"
        "提出時期: 事前\n"
        "説明: 契約更新に伴う変更。\n"
        "判定: 非重要（組織改正）\n"
        "変更日[I/jimu_content]: 令和7年7月1日\n"
        "提出時期［I/jimu_content］：事後\n"
        "判定[II/file[住民基本台帳ファイル]/entrust[窓口]/contractor]: 重要\n"
        "Signed-off-by: 評価 太郎 <hyoka@example.jp>\n")
    assert trailers.problems == []
    assert trailers.change_date == dt.date(2025, 6, 1)
    assert trailers.timing == "事前"
    assert trailers.reason == "契約更新に伴う変更。"
    assert trailers.decision == Decision(important=False, reason="組織改正", reason_code="org_rename")
    assert trailers.per_item["I/jimu_content"] == {"change_date": dt.date(2025, 7, 1), "timing": "事後"}
    assert trailers.per_item["II/file[住民基本台帳ファイル]/entrust[窓口]/contractor"] == {
        "decision": Decision(important=True)}
    assert trailers.get("timing", "I/jimu_content") == "事後"
    assert trailers.get("timing", "I/other") == "事前"


def test_ascii_aliases():
    trailers = parse_trailers("Update\n\nChange-Date: 2025-06-01\nsubmission: 事後\nReason: 誤記の修正\n"
                              "Decision: 非重要(誤字脱字)\n")
    assert (trailers.change_date, trailers.timing, trailers.reason) == (dt.date(2025, 6, 1), "事後", "誤記の修正")
    assert trailers.decision == Decision(important=False, reason="誤字脱字", reason_code="typo")


def test_only_the_last_paragraph_counts_and_comments_are_ignored():
    message = ("件名\n\n変更日: 2020-01-01 は本文中の言及\n\n説明: 一行目\n  続きの行\n変更日: 2025-06-01\n"
               "# Please enter the commit message\n"
               "# ------------------------ >8 ------------------------\n変更日: 1999-01-01\n")
    trailers = parse_trailers(message)
    assert trailers.change_date == dt.date(2025, 6, 1)
    assert trailers.reason == "一行目\n続きの行"
    assert parse_trailers("件名だけ").change_date is None
    assert parse_trailers("").problems == []


@pytest.mark.parametrize("line, problem", [
    ("変更日: 来月1日", "日付として読めません"),
    ("変更日: 2025-02-30", "日付として読めません"),
    ("変更日[I/x]: そのうち", "変更日[I/x]"),
    ("提出時期: 事中", "「事前」か「事後」"),
    ("判定: たぶん重要", "判定 を読めません"),
    ("判定: 非重要（気分）", "判定 を読めません"),
    ("判定: 非重要", "判定 を読めません"),
    ("説明:", "値が空です"),
    ("変更日[]: 2025-01-01", "項目名が空"),
])
def test_unreadable_trailers_are_problems_not_exceptions(line, problem):
    trailers = parse_trailers(f"件名\n\n{line}\n")
    assert len(trailers.problems) == 1 and problem in trailers.problems[0]
    assert trailers.change_date is None and trailers.timing is None and trailers.decision is None


def test_conflicting_repeated_trailer_keeps_the_first():
    trailers = parse_trailers("件名\n\n変更日: 2025-06-01\n変更日: 2025-07-01\n説明: 一\n説明: 二\n")
    assert trailers.change_date == dt.date(2025, 6, 1) and trailers.reason == "一\n二"
    assert len(trailers.problems) == 1 and "2回" in trailers.problems[0]


def test_every_exemption_reason_has_a_code():
    codes = {parse_trailers(f"x\n\n判定: 非重要（{why}）").decision.reason_code
             for why in ("誤字脱字", "組織改正", "人事異動", "法令改正", "リスク軽減", "記載例", "その他")}
    assert codes == {"typo", "org_rename", "personnel", "law_change", "risk_reduced", "national_example",
                     "other_item"}


# ---- document cache ------------------------------------------------------------------------------

def test_cache_returns_an_equal_document_without_parsing_again(repo, git_repo):
    long_text = "特定個人情報を取り扱う事務の内容。" * 20
    text = dump(filled(FORM, entries=30, nested=0, text=lambda n: f"記載{n}。{long_text}"))
    repo.commit("作成", {"assessments/jyuki.yaml": text})
    blob = git_repo.file_revisions("assessments/jyuki.yaml")[0].blob
    fresh = load_text(text, "assessments/jyuki.yaml")

    cold = DocumentCache(git_repo)
    start = time.perf_counter()
    first = cold.load(blob, "assessments/jyuki.yaml")
    miss_time = time.perf_counter() - start
    assert first == fresh and (cold.misses, cold.hits) == (1, 0)
    assert cold.path(blob).is_file() and cold.path(blob).is_relative_to(git_repo.git_dir / "pia-changes" / "cache")

    warm = DocumentCache(git_repo)  # a second run
    hit_times = []
    for _ in range(3):
        start = time.perf_counter()
        cached = warm.load(blob, "assessments/jyuki.yaml")
        hit_times.append(time.perf_counter() - start)
    assert (warm.misses, warm.hits) == (0, 3)
    assert cached == fresh and cached.warnings == fresh.warnings and cached.lines == fresh.lines
    assert cached.form is fresh.form
    assert min(hit_times) < miss_time
    other_name = warm.load(blob, "old/jyuki.yaml")  # the display name is not part of the key
    assert other_name.path == "old/jyuki.yaml" and other_name.data == fresh.data


def test_cache_key_has_format_and_package_version(repo, git_repo):
    repo.commit("作成", {"a.yaml": dump(blank(FORM))})
    blob = git_repo.file_revisions("a.yaml")[0].blob
    cache = DocumentCache(git_repo)
    from importlib.metadata import version
    assert cache.directory.name == f"2-{version('pia-changes')}"
    assert cache.path(blob).parent == cache.directory
    with pytest.raises(PiaError):
        cache.path("../../escape")


def test_pair_results_are_packed_per_run_and_packs_merged_when_many(repo, git_repo):
    repo.commit("作成", {"a.yaml": dump(blank(FORM))})
    for run in range(2 * PairCache.MERGE_AT):
        cache = PairCache(git_repo, "salt")
        assert cache.get(cache.key("rows", str(run))) is None
        cache.put(cache.key("rows", str(run)), ("rows of run", run))
        cache.flush()
        assert len(list(cache.directory.glob("pack-*.json"))) < PairCache.MERGE_AT
    fresh = PairCache(git_repo, "salt")
    assert [fresh.get(fresh.key("rows", str(run))) for run in range(2 * PairCache.MERGE_AT)] == \
        [("rows of run", run) for run in range(2 * PairCache.MERGE_AT)]
    other = PairCache(git_repo, "another configuration")
    assert other.get(other.key("rows", "0")) is None
    for pack in fresh.directory.glob("pack-*.json"):
        pack.write_bytes(pack.read_bytes().replace(b"rows of run", b"rows of rub"))  # not ours any more
    assert PairCache(git_repo, "salt").get(fresh.key("rows", "0")) is None


def test_corrupt_cache_file_is_ignored_and_rewritten(repo, git_repo):
    text = dump(blank(FORM))
    repo.commit("作成", {"a.yaml": text})
    blob = git_repo.file_revisions("a.yaml")[0].blob
    cache = DocumentCache(git_repo)
    cache.load(blob, "a.yaml")
    cache.path(blob).write_bytes(b"\x80\x05garbage")
    again = DocumentCache(git_repo)
    assert again.load(blob, "a.yaml") == load_text(text, "a.yaml")
    assert again.misses == 1
    assert DocumentCache(git_repo).load(blob, "a.yaml").data == again.load(blob, "a.yaml").data
    assert not list(cache.directory.glob(".tmp-*"))  # no temp files left behind


def test_invalid_documents_are_not_cached(repo, git_repo):
    repo.commit("作成", {"a.yaml": "様式: 重点項目\n未知の項目: 1\n"})
    blob = git_repo.file_revisions("a.yaml")[0].blob
    cache = DocumentCache(git_repo)
    with pytest.raises(PiaError):
        cache.load(blob, "a.yaml")
    assert not cache.path(blob).exists()
