"""Rules of the trailers and of 事前/事後 that mutation testing found unstated (issue 25, "Tests that
bite"; benchmarks/mutation.py): each test fails when its rule is broken, on the real seed 004."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from pia_changes.classify.apply import judge_changes
from pia_changes.classify.rules import ClassifyContext, classify
from pia_changes.classify.trailers import parse_trailers
from pia_changes.config import Config, load_config
from pia_changes.diff.semantic import diff
from pia_changes.document.model import load_text
from pia_changes.errors import PiaError
from pia_changes.git.repo import GitRepo
from pia_changes.table.build import build_table
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import ROOT

KAIGO = (ROOT / "examples" / "kaigo.yaml").read_text(encoding="utf-8")
PATH = "assessments/kaigo.yaml"
DEPT = ("部署: 川口市 福祉部 介護保険課", "部署: 川口市 福祉部 介護保険推進課")
HEAD = ("所属長の役職名: 介護保険課長", "所属長の役職名: 介護保険推進課長")
ROOM = ("生体認証を行っている電算機室の", "外部データセンターの")  # 保管場所 (※) moved: 重要
STORAGE = "II/file[介護保険情報ファイル]/storage_place"
STORAGE_LABEL = "Ⅱ 特定個人情報ファイルの概要 > （1）介護保険情報ファイル > 6. 特定個人情報の保管・消去 > 保管場所"


def edited(*pairs: tuple[str, str]) -> str:
    """Seed 004 with each OLD text replaced where the document says it first: the items come
    before the published 変更箇所 rows, which may quote the same sentence."""
    text = KAIGO
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def judged(message: str, *pairs: tuple[str, str]) -> dict[str, object]:
    """item_id → verdict of each change PAIRS make to seed 004, judged with MESSAGE's trailers."""
    changes = diff(load_text(KAIGO, PATH), load_text(edited(*pairs), PATH)).significant()
    judged = judge_changes(changes, "重点項目", Config(root=ROOT), parse_trailers(message))
    return {j.change.item_id: j for j in judged}


# ---- per-item trailers (Decisions: Trailers) ----------------------------------------------------

def test_a_per_item_trailer_naming_two_changes_applies_to_neither():
    # 「担当部署」 is part of both changes' label paths: it names no one change, so it decides nothing
    out = judged("部署名の変更\n\n説明[担当部署]: 組織改正による。\n提出時期[所属長]: 事前", DEPT, HEAD)
    assert set(out) == {"I/dept", "I/dept_head"}
    assert "組織改正による。" not in {j.verdict.timing_reason for j in out.values()}
    assert (out["I/dept"].timing, out["I/dept_head"].timing) == (None, "事前")  # 所属長: one change


def test_an_item_id_and_a_part_of_the_label_path_both_apply_to_their_change():
    out = judged("部署名の変更\n\n提出時期[I/dept_head]: 事前\n説明[所属長]: 課の名称の変更に伴う。", DEPT, HEAD)
    head = out["I/dept_head"]
    assert (head.timing, head.verdict.timing_reason, head.verdict.manual) == ("事前", "課の名称の変更に伴う。", True)
    assert (out["I/dept"].timing, out["I/dept"].verdict.manual) == (None, False)


def test_a_reason_trailer_is_the_printed_explanation_of_every_change_it_covers():
    out = judged("保管場所の変更\n\n説明: 外部データセンターへの移設に伴う変更。", ROOM)
    (storage,) = out.values()
    assert storage.verdict.important is True
    assert (storage.verdict.timing_reason, storage.verdict.manual) == ("外部データセンターへの移設に伴う変更。", True)


# ---- 事前 means submitted strictly before the 変更日 (Git conventions) ------------------------

@pytest.mark.parametrize(("tag", "timing", "late"), [
    ("2025-05-31", "事前", False),  # the day before the change takes effect
    ("2025-06-01", "事後", True),   # on the day it takes effect: already in force, so late
])
def test_submitted_on_the_change_date_is_after(tmp_path, tag, timing, late):
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: KAIGO})
    sha = repo.commit("保管場所の変更\n\n変更日: 2025-06-01", {PATH: edited(ROOM)})
    repo.git("tag", f"submitted/kaigo/{tag}")
    data = json.loads(repo.cli("generate", PATH, "--format", "json").stdout)
    (row,) = [r for r in data["rows"] if r["source"] == "git"]
    assert (row["important"], row["submitted"], row["timing"]) == (True, True, timing)
    late_ones = [(f["level"], f["commit"], f["item_id"], f["message"]) for f in data["findings"]
                 if f["kind"] == "important_after"]
    assert late_ones == ([("error", sha, STORAGE, f"{STORAGE_LABEL}: 重要な変更が事後に提出されています（変更日 2025-06-01）")]
                         if late else [])


# ---- a warm run prints what a cold one does (Decisions 2026-12-06: Caches hold data) -------------

def test_a_changed_configuration_is_not_answered_from_the_cache(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: KAIGO})
    repo.commit("保管場所の変更\n\n変更日: 2025-06-01", {PATH: edited(ROOM)})

    def wording() -> str:
        result = repo.cli("generate", PATH, "--format", "json")
        assert result.exit_code == 0, result.output
        return [r for r in json.loads(result.stdout)["rows"] if r["source"] == "git"][0]["timing_reason"]

    assert wording() == "重要な変更に当たる。"  # cold; the rows are cached now
    repo.write("pia-changes.toml", '[wording]\nimportant_item = "重要な変更（保管場所の移設）"\n')
    assert wording() == "重要な変更（保管場所の移設）"


# ---- a deferred row says how to settle it once (issue 25) ------------------------------------------

def test_a_deferred_rows_finding_gives_the_decision_instruction_once(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: KAIGO})
    # 教育 twice a year → four times: a measure done more, リスク軽減 only a person can confirm
    repo.commit("教育の回数\n\n変更日: 2025-06-01", {PATH: edited(("教育を年次(年2回)", "教育を年次(年4回)"))})
    data = json.loads(repo.cli("generate", PATH, "--format", "json").stdout)
    (row,) = [r for r in data["rows"] if r["source"] == "git"]
    assert (row["important"], row["needs_review"]) == (True, True)
    (finding,) = [f for f in data["findings"] if f["kind"] == "unresolved_review"]
    assert (finding["commit"], finding["item_id"]) == (row["commit"], row["item_id"])
    assert finding["message"].startswith(f"{row['item']}: 対策の回数・期間が増えています。"), finding["message"]
    assert "「判定: 非重要（リスク軽減）」" in finding["message"]
    assert finding["message"].count("確定してください") == 1, finding["message"]


# ---- a person's 判定 has the last word (Decisions: Trailers) --------------------------------------

HANDLERS = ("使用者数: 100人以上500人未満", "使用者数: 500人以上1,000人未満")  # 500 取扱者 crossed
DOUBLED = ("サーバへのアクセスには", "サーバへのアクセスにはは")  # 保管場所: a doubled particle, 誤字脱字


def only(message: str, *pairs: tuple[str, str]):
    (found,) = judged(message, *pairs).values()
    return found.verdict


def classified(decision: str, *pairs: tuple[str, str]):
    (change,) = diff(load_text(KAIGO, PATH), load_text(edited(*pairs), PATH)).significant()
    return classify(change, ClassifyContext("重点項目", Config(root=ROOT), decision=decision))


def test_a_not_important_decision_names_its_exemption():
    verdict = only("保管場所の修正\n\n判定: 非重要（誤字脱字）", ROOM)
    assert (verdict.important, verdict.reason_code, verdict.manual, verdict.needs_review) == (False, "typo", True, False)
    assert verdict.timing_reason == "誤字脱字の修正であり、重要な変更に当たらない。"
    assert verdict.procedure == ("評価書の修正", "公表")


def test_an_important_decision_keeps_a_threshold_a_threshold():
    verdict = only("使用者の増加\n\n判定: 重要", HANDLERS)
    assert (verdict.important, verdict.reason_code, verdict.manual) == (True, "threshold", True)
    assert verdict.procedure[0] == "新たな評価の実施"
    assert classified("重要", HANDLERS).reason_code == "threshold"
    assert only("部署名\n\n判定: 重要", DEPT).reason_code == "important_item"  # 部署 has no ※: now 重要


def test_not_important_without_a_reason_keeps_an_exemption_found_and_else_is_other_item():
    assert only("", DOUBLED).reason_code == "typo"  # the engine's own verdict first
    assert (classified("非重要", DOUBLED).important, classified("非重要", DOUBLED).reason_code) == (False, "typo")
    assert (classified("非重要", ROOM).important, classified("非重要", ROOM).reason_code) == (False, "other_item")


def test_an_unreadable_decision_is_an_error_naming_the_reasons():
    with pytest.raises(PiaError) as caught:
        classified("非重要（気分）", ROOM)
    assert "判定を読めません: 非重要（気分）" in str(caught.value)
    assert "誤字脱字、組織改正、人事異動" in str(caught.value)


# ---- an unsubmitted 重要な変更 and the 5-year clock (Decisions: Findings; Procedure timing) --------

def findings_on(repo: Repo, today: dt.date, full: bool = False) -> dict[str, list]:
    """kind → levels (FULL: the findings) of the table as it stands on TODAY."""
    with GitRepo.discover(repo.root) as git:
        table = build_table(git, PATH, load_config(repo.root), today=today)
    out: dict[str, list] = {}
    for finding in table.findings:
        out.setdefault(finding.kind, []).append(finding if full else finding.level)
    return out


@pytest.mark.parametrize(("today", "levels"), [
    (dt.date(2025, 4, 30), None),            # 32 days ahead: nothing yet
    (dt.date(2025, 5, 2), ["warning"]),      # 30 days ahead: near (near_days = 30)
    (dt.date(2025, 5, 31), ["warning"]),
    (dt.date(2025, 6, 1), ["error"]),        # in force today, not submitted beforehand
])
def test_an_unsubmitted_important_change_warns_when_near_and_is_an_error_once_in_force(tmp_path, today, levels):
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: KAIGO})
    sha = repo.commit("保管場所の変更\n\n変更日: 2025-06-01", {PATH: edited(ROOM)})
    found = [(f.kind, f.level, f.commit, f.item_id, f.message)
             for kind in findings_on(repo, today, full=True).values() for f in kind]
    # what it is about (its commit and item), and nothing else: a 重要な変更 of a ※ item needs no 判定,
    # so it is no unresolved_review
    assert found == [("important_unsubmitted", level, sha, STORAGE, f"{STORAGE_LABEL}: {UNSUBMITTED[level]}")
                     for level in levels or []]


UNSUBMITTED = {"warning": "重要な変更の変更日 2025-06-01 が近づいています。事前に提出してください",
               "error": "重要な変更の変更日 2025-06-01 を過ぎましたが、事前の提出がありません"}


def test_five_years_after_the_latest_reevaluation_is_a_warning(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: KAIGO})
    repo.git("tag", "-a", "submitted/kaigo/2025-01-01", "-m", "再実施の提出\n\n種別: 再実施")
    # the document's own 基礎項目評価 実施日 (2025-09-05 in seed 004) counts too: the later one runs the clock
    assert "five_years" not in findings_on(repo, dt.date(2030, 9, 5))
    found = findings_on(repo, dt.date(2030, 9, 6), full=True)["five_years"]
    assert [(f.level, f.commit, f.item_id, f.message) for f in found] == [
        ("warning", None, None, "前回の評価の実施（2025-09-05）から5年を経過しています。再実施に努めてください（規則第15条）")]


# ---- how trailers are read --------------------------------------------------------------------------

@pytest.mark.parametrize("end", ["\r\n", "\r"])  # Windows; a lone CR (old Mac OS) is a line end too
def test_trailers_written_with_windows_line_ends_are_read(end):
    trailers = parse_trailers(f"保管場所の変更{end}{end}変更日: 2025-06-01{end}提出時期: 事前{end}")
    assert (trailers.change_date, trailers.timing, trailers.problems) == (dt.date(2025, 6, 1), "事前", [])


def test_git_comment_lines_are_skipped_among_and_after_the_trailers():
    # the file the commit-msg hook reads: a commit template's comment among the trailers, git's own
    # comments after them; neither ends the trailers nor is the last paragraph
    trailers = parse_trailers("保管場所の変更\n\n変更日: 2025-06-01\n# 提出時期: 事前 か 事後\n提出時期: 事前\n\n"
                              "# Please enter the commit message for your changes. Lines starting\n"
                              "# with '#' will be ignored, and an empty message aborts the commit.\n#\n")
    assert (trailers.change_date, trailers.timing, trailers.problems) == (dt.date(2025, 6, 1), "事前", [])


def test_an_unreadable_trailer_is_a_warning_and_the_commit_date_stands_in(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {PATH: KAIGO})
    sha = repo.commit("保管場所の変更\n\n変更日: そのうち", {PATH: edited(ROOM)})  # commit 2: 2025-01-02
    data = json.loads(repo.cli("generate", PATH, "--format", "json").stdout)
    (row,) = [r for r in data["rows"] if r["source"] == "git"]
    assert row["change_date"] == "2025-01-02"
    (finding,) = [f for f in data["findings"] if f["kind"] == "bad_trailer"]
    assert (finding["level"], finding["commit"]) == ("warning", sha)
    assert finding["message"].startswith(f"{sha[:7]}: 変更日 を日付として読めません: そのうち")


# ---- how trailer lines are read (Decisions: Trailers) ----------------------------------------------

def test_an_indented_line_continues_only_a_trailer_of_ours():
    # git's own trailers (Signed-off-by) may wrap too: their continuation is not our 説明's
    trailers = parse_trailers("保管場所の変更\n\n説明: 移設に伴う。\nSigned-off-by: 山田 <y@example.jp>\n  (代理)\n変更日: 2025-06-01")
    assert (trailers.reason, trailers.change_date, trailers.problems) == ("移設に伴う。", dt.date(2025, 6, 1), [])
    wrapped = parse_trailers("保管場所の変更\n\n説明: 外部データセンターへの\n  移設に伴う。")
    assert wrapped.reason == "外部データセンターへの\n移設に伴う。"
    one_space = parse_trailers("保管場所の変更\n\n説明: 外部データセンターへの\n 移設に伴う。")  # as git folds them
    assert one_space.reason == "外部データセンターへの\n移設に伴う。"


def test_an_item_named_with_brackets_and_latin_letters_is_read_whole():
    trailers = parse_trailers("接続の変更\n\n提出時期[I/system[XML連携基盤]/connections]: 事前")
    assert trailers.get("timing", "I/system[XML連携基盤]/connections") == "事前"
    assert trailers.problems == []
