"""benchmarks/eval_classifier.py: the classifier against the publishers' own labels, with targets."""
from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from pia_changes.classify.evaluation import (
    AMBIGUOUS,
    OUR_ERROR,
    PUBLISHER_INCONSISTENT,
    SCHEMA_KEYS,
    evaluate,
    load_rows,
    named_exemption,
)
from pia_changes.classify.publisher import publisher_important
from tests.helpers.paths import DATA, ROOT, schema

SCRIPT = ROOT / "benchmarks" / "eval_classifier.py"
PUBLISHED = DATA / "published_changes.jsonl"
SCHEMA = schema("eval_classifier")


def run(*args: str) -> tuple[list[str], dict]:
    """Run the script as CI does; return its lines and its last (--json) line, checked against the schema."""
    done = subprocess.run([sys.executable, str(SCRIPT), *args, "--json"], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", check=True)
    lines = done.stdout.rstrip("\n").splitlines()
    figures = json.loads(lines[-1])
    jsonschema.Draft202012Validator(SCHEMA).validate(figures)
    assert set(figures) == set(SCHEMA_KEYS) == set(SCHEMA["required"])
    return lines, figures


@pytest.fixture(scope="module")
def project():
    return run()


def test_project_data_meets_the_targets(project):
    _, f = project
    assert f["rows"] == 248
    assert f["mapped_rows"] >= 0.9 * f["rows"]
    assert f["agreement"] >= 0.90
    assert f["important_recall"] >= 0.8
    assert f["false_not_important"] == 0
    assert f["needs_review_rate"] <= 0.25


def test_default_data_is_the_project_copy(project):
    assert run("--data", str(PUBLISHED))[1] == project[1]


def test_report_has_per_seed_figures_confusion_and_disagreements(project):
    lines, _ = project
    text = "\n".join(lines)
    for seed in ("000_", "001_", "004_", "overall"):
        assert f"== {seed}" in text
    assert text.count("publisher important") >= 4 and text.count("publisher not important") >= 4
    assert OUR_ERROR in text and PUBLISHER_INCONSISTENT in text and AMBIGUOUS in text
    assert "unmapped rows" in text


def test_overall_figures_are_consistent_with_the_rows():
    evaluation = evaluate(load_rows(PUBLISHED))
    f, c = evaluation.overall.figures, evaluation.overall.confusion
    assert sum(c.values()) == f["consistent_rows"] == f["decided_rows"] + f["deferred_rows"]
    decided = c[(True, True)] + c[(True, False)] + c[(False, True)] + c[(False, False)]
    assert decided == f["decided_rows"]
    assert f["agreement"] == pytest.approx((c[(True, True)] + c[(False, False)]) / f["decided_rows"])
    found = c[(True, True)] + c[(True, "deferred")]  # a deferred important row counts as found
    assert f["important_recall"] == pytest.approx(found / (found + c[(True, False)]))
    assert f["deferred_rows"] <= 0.25 * f["mapped_rows"]
    assert f["publisher_inconsistent"] == f["unambiguous_rows"] - f["consistent_rows"]
    errors = [r for r in evaluation.disagreements() if r.kind == OUR_ERROR]
    assert len(errors) == c[(True, False)] + c[(False, True)]
    # classify never sees the publisher's 提出時期, 変更日 or 説明: the change carries only the cells
    row = evaluation.results[0]
    assert row.change is not None and "補記" not in repr(row.change)


def test_reading_the_publisher_label():
    assert publisher_important("重要な変更") is True
    assert publisher_important("重要な変更にあたるため") is True
    assert publisher_important("誤字脱字の修正のため、重要な変更に当たらない。") is False
    assert publisher_important("その他の項目の変更であり、事前の提出・公表が義務付けられていない。") is False
    assert publisher_important("法改正による修正") is None
    assert publisher_important("補記") is None
    assert named_exemption("法令改正によるものであり、重要な変更にあたらない") == "law"
    assert named_exemption("組織改正による変更であり、重要な変更には該当しない") is not None
    assert named_exemption("特定個人情報保護評価指針…に定める重要な変更に当たらないため。") is None


SMALL = [
    {  # a ※ item (①入手元) gains a source: 重要な変更
        "seed": "900_test.txt", "municipality": "テスト市", "form": "全項目", "business": "テスト事務",
        "row_no": 1, "kouban": None, "date_raw": "令和7年4月1日", "date_iso": "2025-04-01",
        "item_raw": "Ⅱ > （１）住民基本台帳ファイル > ３．特定個人情報の入手・使用 > ①入手元",
        "change_kind": None, "before": "本人又は本人の代理人",
        "after": "本人又は本人の代理人<br>地方公共団体・地方独立行政法人（他市区町村）",
        "timing": "事前", "timing_reason": "重要な変更", "note": None, "source_lines": "1-1",
    },
    {  # a one-character typo in a ※ item (⑥使用目的)
        "seed": "900_test.txt", "municipality": "テスト市", "form": "全項目", "business": "テスト事務",
        "row_no": 2, "kouban": None, "date_raw": "令和7年4月1日", "date_iso": "2025-04-01",
        "item_raw": "Ⅱ > （１）住民基本台帳ファイル > ３．特定個人情報の入手・使用 > ⑥使用目的",
        "change_kind": "変更",
        "before": "住民基本台帳法に基づき、住民の居住関係を公証し、住民に関する記録を正確かつ統一的に行うため。住民の届出に基ずく記載を行う。",
        "after": "住民基本台帳法に基づき、住民の居住関係を公証し、住民に関する記録を正確かつ統一的に行うため。住民の届出に基づく記載を行う。",
        "timing": "事後", "timing_reason": "誤字脱字の修正のため、重要な変更に当たらない。", "note": None,
        "source_lines": "2-2",
    },
    {  # 「補記」: the publisher's label says nothing
        "seed": "900_test.txt", "municipality": "テスト市", "form": "全項目", "business": "テスト事務",
        "row_no": 3, "kouban": None, "date_raw": "令和7年4月1日", "date_iso": "2025-04-01",
        "item_raw": "Ⅰ > ２．特定個人情報ファイルを取り扱う事務において使用するシステム > システム１ > ②システムの機能",
        "change_kind": None, "before": "住民記録の管理", "after": "住民記録の管理（異動届の受付を含む。）",
        "timing": "事前", "timing_reason": "補記", "note": None, "source_lines": "3-3",
    },
]


def test_small_data_file(tmp_path):
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in SMALL), encoding="utf-8")
    lines, f = run("--data", str(data))
    assert f == {"agreement": 1.0, "consistent_rows": 2, "decided_rows": 2, "deferred_rows": 0,
                 "unambiguous_rows": 2, "publisher_inconsistent": 0,
                 "important_recall": 1.0, "false_not_important": 0, "needs_review_rate": 0.0,
                 "mapped_rows": 3, "rows": 3}
    results = evaluate(SMALL).results
    assert [(r.ours.important, r.ours.reason_code) for r in results] == [
        (True, "important_item"), (False, "typo"), (False, "other_item")]
    assert [r.kind for r in results] == [None, None, AMBIGUOUS]
    assert results[0].change.item_id == "II/file[#1]/source"
    assert any(" 3  ambiguous" in line for line in lines)
