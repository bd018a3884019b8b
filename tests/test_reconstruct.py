"""reconstruct, the reproduction of the published 変更箇所 tables, and the example repository.

The figures come from the project's own seed copies in tests/data/ (README: Reproduction): every
seed is reconstructed once per session, `generate --format json` runs in each rebuilt repository,
and the targets of design.md (Quality bars: Reproduction) are asserted on the result.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import PurePosixPath
import sys
from importlib import resources

import jsonschema
import pytest
import yaml

from pia_changes.classify.evaluation import published_decision
from pia_changes.rebuild.cells import read_cell, read_options
from pia_changes.document.model import load_text
from pia_changes.forms import load_form
from pia_changes.git.repo import GitRepo
from pia_changes.document.legacy import LEGACY_KEY
from pia_changes.rebuild.reproduction import TARGET, measure_seeds
from pia_changes.rebuild.reproduction import main as reproduce_main
from pia_changes.rebuild.undo import DESCRIPTION, GAPS, NOT_FOUND, Slot, undo, undo_text
from tests.helpers.cli import invoke
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import DATA, ROOT, schema
from tests.helpers.seeds import seed_path

SCHEMA = schema("reproduce_seeds")
PUBLISHED = [json.loads(line) for line in (DATA / "published_changes.jsonl").read_text(encoding="utf-8").splitlines()
             if line.strip()]


def published(seed: str, row_no: int) -> dict:
    return next(r for r in PUBLISHED if r["seed"].startswith(seed) and r["row_no"] == row_no)


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return measure_seeds(DATA, tmp_path_factory.mktemp("reproduce"))


# ---- the quality bar --------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", ["000", "001", "004"])
def test_reproducible_rows_come_back_with_their_timing(figures, seed):
    f = figures[seed]
    assert f.total == sum(1 for r in PUBLISHED if r["seed"].startswith(seed))
    assert f.reproducible >= 5
    assert f.reproduced >= TARGET * f.reproducible, [r.plan.number for r in f.rows if not r.reproduced]
    assert f.timing_agree >= TARGET * f.reproduced
    assert f.tag_timing_agree >= TARGET * f.reproduced  # the submission tags alone give the 提出時期
    assert sum(f.reasons.values()) == f.total - f.reproducible and all(f.reasons)


def test_rows_with_a_blank_timing_stay_legacy_rows(figures):
    blank = [r for r in figures["000"].reconstruction.plan.rows if not r.timing]
    assert len(blank) == 5 and all(not r.replayed and r.reason == "提出時期が空欄" for r in blank)


def test_undated_rows_get_the_day_after_the_newest_printed_date(figures):
    plan = figures["001"].reconstruction.plan
    undated = [r for r in plan.rows if not r.date_printed]
    assert len(undated) == 18 and {r.timing for r in undated} == {"事前", "事後"}
    assert plan.undated_date == dt.date(2023, 6, 29) and plan.undated_source == "newest+1"
    assert all(r.date == dt.date(2023, 6, 29) for r in undated)


def test_benchmark_last_line_follows_the_schema(tmp_path, capsys):
    assert reproduce_main(["--data", str(DATA), "--seeds", "004", "--json", "--keep", str(tmp_path / "w")],
                          default_data=DATA) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("== 004: published 58")
    with pytest.raises(jsonschema.ValidationError):  # the schema wants all three seeds
        jsonschema.validate(json.loads(out[-1]), SCHEMA)
    assert set(json.loads(out[-1])["004"]) >= {"total", "reproducible", "reproduced", "timing_agree"}


@pytest.mark.slow
def test_benchmark_script_prints_all_seeds_in_the_schema():
    script = ROOT / "benchmarks" / "reproduce_seeds.py"
    done = subprocess.run([sys.executable, str(script), "--json"], capture_output=True, check=True)
    last = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
    jsonschema.validate(last, SCHEMA)
    for seed in ("000", "001", "004"):
        assert last[seed]["reproduced"] >= TARGET * last[seed]["reproducible"]


# ---- undo on real published rows ---------------------------------------------------------------------

def test_undo_replaces_only_what_changed_and_keeps_the_documents_layout():
    row = published("001", 85)  # 指紋認証設備 → 生体認証設備
    current = "・サーバー室は専用の部屋とする。\n・出入口には機械による入退室を管理する生体認証設備を設置する。\n・監視カメラを設置する。"
    out = undo_text(current, read_cell(row["before"], "before"), read_cell(row["after"], "after"))
    assert out.ok
    assert out.value == current.replace("生体認証", "指紋認証")


def test_undo_keeps_full_width_characters_the_cell_shares_with_the_document():
    row = published("004", 2)  # 所属長: 渡辺 均 → 藤波 康彰
    out = undo_text("介護保険課長　藤波　康彰", read_cell(row["before"], "before"), read_cell(row["after"], "after"))
    assert out.ok and out.value.startswith("介護保険課長　") and out.value.replace(" ", "").replace("　", "") == "介護保険課長渡辺均"


def test_undo_fills_the_gaps_of_elided_cells_from_the_document():
    row = published("004", 25)  # 「1. 被保険者の資格管理 以下略」 + a sentence added
    current = ("1. 被保険者の資格管理\n・資格を管理する。\n"
               "※事務に係る申請・届出等について、窓口での受領以外に、電子申請システムでの受領を含む。")
    out = undo_text(current, read_cell(row["before"], "before"), read_cell(row["after"], "after"))
    assert out.ok and out.value.rstrip() == "1. 被保険者の資格管理\n・資格を管理する。"


def test_undo_removes_text_announced_as_appended():
    row = published("001", 155)  # 「左記に下記内容を追加する。＜ガバメントクラウドにおける措置＞…」
    after = read_cell(row["after"], "after")
    assert after.appended and not after.key.startswith("左記")
    old = "〈中間サーバー・プラットフォームにおける措置〉\n統一した設備環境による高レベルのセキュリティ管理を実現する。"
    current = old + "\n" + after.norm.text
    out = undo_text(current, read_cell(row["before"], "before"), after)
    assert out.ok and out.value.strip() == old


def test_undo_of_cells_that_are_descriptions_or_misfit_says_why():
    deleted = published("000", 12)  # 変更後 「削除」 while the item still has text
    out = undo_text("図中 住基GWシステム", read_cell(deleted["before"], "before"), read_cell(deleted["after"], "after"))
    assert not out.ok and out.reason == DESCRIPTION
    described = published("000", 2)  # 「左記1から7に下記8と9を追記。」 with text the document does not hold
    out = undo_text("1. 住民基本台帳新規記載増", read_cell(described["before"], "before"),
                    read_cell(described["after"], "after"))
    assert not out.ok and out.reason == NOT_FOUND
    mismatched = undo_text("A X B", read_cell("A(略)B(略)C", "before"), read_cell("A(略)B", "after"))
    assert not mismatched.ok and mismatched.reason == GAPS


def test_undo_of_checkboxes_sets_the_options_of_the_before_cell():
    form = load_form("重点項目")
    node = next(n for n in _walk(form) if n.id == "connections")
    row = published("004", 40)  # [○]その他（収納管理システム） → （収納管理システム、証明書コンビニ交付システム）
    data = {"v": ["庁内連携システム", "その他（収納管理システム、証明書コンビニ交付システム）"]}
    out = undo(form, data, Slot(node, ("v",)), read_cell(row["before"], "before"), read_cell(row["after"], "after"))
    assert out.ok and out.value == ["庁内連携システム", "その他（収納管理システム）"]
    unticked = published("004", 35)  # [○] 住民基本台帳ネットワークシステム → [ ]
    data = {"v": ["庁内連携システム", "その他（中間サーバ）"]}
    out = undo(form, data, Slot(node, ("v",)), read_cell(unticked["before"], "before"),
               read_cell(unticked["after"], "after"))
    assert out.ok and out.value == ["庁内連携システム", "住民基本台帳ネットワークシステム", "その他（中間サーバ）"]
    assert [o.checked for o in read_options(read_cell(unticked["after"]), node.options, node.open_options)] == [False]


def test_an_added_group_entry_is_undone_by_removing_it(figures):
    plan = figures["001"].reconstruction.plan
    row = plan.rows[142]  # 143: 委託事項３ 住民基本台帳等の入力業務, 新規
    assert row.replayed and row.item_ids == ("II/file[住民基本台帳ファイル]/entrust[住民基本台帳等の入力業務]",)
    entries = plan.baseline["特定個人情報ファイルの概要"]["特定個人情報ファイル"][0]["特定個人情報ファイルの取扱いの委託"]["委託事項"]
    assert "住民基本台帳等の入力業務" not in [e.get("委託事項名") for e in entries]


def _walk(form):
    from pia_changes.forms import walk
    return walk(form.nodes)


# ---- the repository ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kaigo_repo(tmp_path_factory):
    target = tmp_path_factory.mktemp("r") / "kaigo"
    result = invoke("reconstruct", str(seed_path("004")), "-o", str(target))
    assert result.exit_code == 0, result.output
    return target, result.output


def test_reconstruct_writes_a_baseline_and_one_commit_per_date_and_timing(kaigo_repo):
    root, output = kaigo_repo
    path = "assessments/004_a91eed273516a844.yaml"
    assert (root / path).is_file() and (root / "pia-changes.toml").is_file()
    with GitRepo.discover(root) as repo:
        revisions = repo.file_revisions(path)
        tags = repo.tags()
        groups = [(r.trailers.change_date, r.trailers.timing) for r in revisions[1:]]
        legacy = [len(yaml.safe_load(repo.read_blob(r.blob))[LEGACY_KEY]) for r in revisions]
        for r in revisions:
            load_text(repo.read_blob(r.blob).decode("utf-8"), path)  # every version validates
    assert len(revisions) == 1 + len(groups) == 9 and revisions[0].trailers.change_date is None
    assert groups == sorted(groups, key=lambda g: (g[0], g[1] == "事後")) and len(set(groups)) == len(groups)
    assert (dt.date(2025, 12, 26), "事前") in groups and (dt.date(2025, 12, 26), "事後") in groups
    replayed = int(output.split("のうち ")[1].split(" 行")[0])
    assert len(set(legacy)) == 1 and legacy[0] == 58 - replayed  # the replayed rows left the legacy list
    assert "行目" in output and "変更後の記載が項目の現在の値に見つからない" in output
    by_target = {t.target: t for t in tags}
    for revision in revisions[1:]:
        tag = by_target[revision.sha]
        assert tag.name == f"submitted/004_a91eed273516a844/{tag.date.isoformat()}" and tag.stem == PurePosixPath(path).stem
        change_date, timing = revision.trailers.change_date, revision.trailers.timing
        assert (tag.date < change_date) if timing == "事前" else (tag.date > change_date)
        assert revision.author_date.date() == (change_date - dt.timedelta(days=1) if timing == "事前" else change_date)


def test_generate_on_the_rebuilt_repository_reproduces_the_rows(kaigo_repo):
    root, _ = kaigo_repo
    result = invoke("-C", str(root), "generate", "--format", "json")
    assert result.exit_code == 0
    table = json.loads(result.stdout)[0]
    git_rows = [r for r in table["rows"] if r["source"] == "git"]
    assert git_rows and all(r["timing"] in ("事前", "事後") and r["submitted"] for r in git_rows)
    dept = [r for r in git_rows if r["item_id"] == "I/dept_head"]
    assert next((r["change_date"], r["before"], r["after"]) for r in dept) == (
        "2017-10-25", "介護保険課長渡辺 均", "介護保険課長藤波 康彰")


def test_reconstruct_refuses_a_directory_that_is_not_empty(tmp_path):
    target = tmp_path / "full"
    target.mkdir()
    (target / "memo.txt").write_text("メモ\n", encoding="utf-8")
    result = invoke("reconstruct", str(seed_path("004")), "-o", str(target))
    assert result.exit_code == 1 and "空ではありません" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["memo.txt"]
    missing = invoke("reconstruct", str(tmp_path / "none.txt"), "-o", str(tmp_path / "x"))
    assert missing.exit_code == 1 and not (tmp_path / "x").exists()


def test_reconstruct_into_an_empty_directory(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    assert invoke("reconstruct", str(seed_path("000")), "-o", str(target)).exit_code == 0
    assert (target / "assessments" / "000_927f6452a1ee0b1f.yaml").is_file()


# ---- the example repository --------------------------------------------------------------------------

def test_the_example_texts_ship_inside_the_package():
    folder = resources.files("pia_changes.examples")
    assert folder.joinpath("kaigo.txt").read_bytes() == seed_path("004").read_bytes()
    assert folder.joinpath("jyuki.txt").read_bytes() == seed_path("000").read_bytes()
    pyproject = ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8")
    assert '"pia_changes.examples" = ["*.txt"]' in pyproject


def test_init_example_builds_both_histories_and_generate_prints_both_tables(tmp_path):
    target = tmp_path / "example"
    result = invoke("init", str(target), "--example")
    assert result.exit_code == 0, result.output
    assert "作成: assessments/kaigo.yaml" in result.output and "既存のため変更なし" not in result.output
    md = invoke("-C", str(target), "generate")
    assert md.exit_code == 0
    assert "住民基本台帳に関する事務 全項目評価書（assessments/jyuki.yaml）" in md.stdout
    assert "川口市 介護保険に関する事務 重点項目評価書（assessments/kaigo.yaml）" in md.stdout
    tables = json.loads(invoke("-C", str(target), "generate", "--format", "json").stdout)
    assert [t["assessment"] for t in tables] == ["assessments/jyuki.yaml", "assessments/kaigo.yaml"]
    assert all(any(r["source"] == "git" for r in t["rows"]) for t in tables)
    with GitRepo.discover(target) as repo:
        names = [t.name for t in repo.tags()]
        dates = [r.trailers.change_date for path in ("assessments/kaigo.yaml", "assessments/jyuki.yaml")
                 for r in repo.file_revisions(path)[1:]]
        log = Repo.existing(target).git("log", "--format=%H", "--reverse").split()
        order = repo.file_revisions("assessments/kaigo.yaml") + repo.file_revisions("assessments/jyuki.yaml")
    assert any(n.startswith("submitted/kaigo/") for n in names) and any(n.startswith("submitted/jyuki/") for n in names)
    assert not any(n.count("/") == 1 for n in names)  # per-file tags only
    commit_dates = {r.sha: r.trailers.change_date for r in order if r.trailers.change_date}
    in_order = [commit_dates[sha] for sha in log if sha in commit_dates]
    assert in_order == sorted(in_order) and len(in_order) == len(dates)  # interleaved by date
    status = Repo.existing(target).git("status", "--porcelain", "assessments", "pia-changes.toml")
    assert status == ""  # the example's files are committed


def test_the_example_follows_the_publishers_verdicts_so_strict_generate_passes(tmp_path):
    # each reconstructed commit records the publisher's verdict as 判定[ITEM]: the rows 川口市 called
    # not 重要 (「番号法及び主務省令の改正による変更であり、重要な変更には該当しない。」, 「国の記載例により
    # 記載変更」), committed 事後 as published, are no declared_after errors of the engine's making
    target = tmp_path / "example"
    assert invoke("init", str(target), "--example").exit_code == 0
    strict = invoke("-C", str(target), "generate", "--strict")
    assert strict.exit_code == 0, strict.stderr
    assert "エラー" not in strict.stderr
    messages = Repo.existing(target).git("log", "--format=%B")
    assert "判定[I/mynumber_basis]: 非重要（法令改正）" in messages
    assert "判定[I/dept_head]: 非重要（人事異動）" in messages
    rows = {(r["change_date"], r["item_id"]): r for t in json.loads(invoke(
        "-C", str(target), "generate", "--format", "json").stdout) for r in t["rows"] if r["source"] == "git"}
    row = rows[("2025-12-26", "I/mynumber_basis")]
    assert (row["important"], row["reason_code"], row["manual"], row["timing"]) == (False, "law_change", True, "事後")


@pytest.mark.parametrize(("reason", "decision"), [
    ("番号法及び主務省令の改正による変更であり、重要な変更には該当しない。", "非重要（法令改正）"),
    ("組織改正による変更であり、重要な変更には該当しない", "非重要（組織改正）"),  # 改正, yet an organisation
    ("人事異動による変更であり、重要な変更には該当しない", "非重要（人事異動）"),
    ("国の記載例により記載変更", "非重要（記載例）"),
    ("介護保険電子申請本格運用開始前の見直しであり、重要な変更にあたらない。", "非重要（その他）"),
    ("重要な変更", "重要"),
    ("重大事故の発生により記載するもの。", None),  # says neither: no 判定
])
def test_a_published_explanation_read_as_a_decision(reason, decision):
    assert published_decision(reason) == decision


def test_init_example_needs_a_repository_without_commits(tmp_path):
    target = tmp_path / "used"
    Repo(target).commit("x", {"x.txt": "x\n"})
    result = invoke("init", str(target), "--example")
    assert result.exit_code == 1 and "コミットのない" in result.stderr
    assert not (target / "assessments").exists()
