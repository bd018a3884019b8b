"""The speed benchmarks in quick mode (few runs), with the targets of issue 29. Every figure is a
ratio measured in one run, both sides alternated, so a slow or busy machine slows both alike;
what remains is noise, hence the 20 % slack."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers.paths import ROOT

BENCHMARKS = ROOT / "benchmarks"
# CI fails on a ratio more than 20% past its target (issue 29): the figures of a quick run on a
# shared machine move by about that much.
SLACK = 1.2
pytestmark = pytest.mark.slow  # about three minutes: CI runs them, `-m "not slow"` skips them locally


def run_quick(script: str) -> dict:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--quick", "--json"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def diff_result() -> dict:
    return run_quick("diff_bench.py")


def test_diff_reports_exactly_the_declared_changes(diff_result):
    for edit in diff_result["per_edit"]:
        assert edit["reported"] == edit["declared"], edit
    assert diff_result["reported"] == diff_result["declared"]
    assert diff_result["declared"] == {"changes": 16, "cosmetic": 3, "table_edits": 1}
    assert diff_result["cli_changes"] == diff_result["declared"]["changes"]
    assert diff_result["counts_ok"] is True


def test_diff_library_against_deepdiff(diff_result):
    """Each timed call on fresh copies of both trees (issue 29): the target is 80× for the 20
    declared edits and for the three global renames alike."""
    library = diff_result["library"]
    assert diff_result["targets"]["library"] == 80
    assert library["ratio"] >= diff_result["targets"]["library"] / SLACK, library
    assert library["many"]["ratio"] >= diff_result["targets"]["library"] / SLACK, library


def test_many_changes_are_each_reported(diff_result):
    many = diff_result["many"]
    assert len(many["renamed"]) == 3 and many["values"] >= 20
    assert many["counts_ok"], many


def test_diff_process_against_a_deepdiff_script(diff_result):
    process = diff_result["process"]
    assert diff_result["targets"]["process"] == 5
    assert process["ratio"] >= diff_result["targets"]["process"] / SLACK, process
    assert process["many"]["ratio"] >= diff_result["targets"]["process"] / SLACK, process


def test_check_as_a_hook_against_loading_the_file():
    result = run_quick("check_bench.py")
    assert result["exit"] == 0 and result["reports_the_change"]
    assert result["ratio"] <= result["target"] * SLACK, result


@pytest.fixture(scope="module")
def history_result() -> dict:
    """300 commits of each history, 3 runs of each measure: about a minute, so it runs in CI (the
    targets are for 300 commits; fewer would measure start-up, not history)."""
    return run_quick("history_bench.py")


def test_generate_over_a_sparse_history_against_git_log(history_result):
    sparse, targets = history_result["sparse"], history_result["targets"]
    assert sparse["commits"] == 301 and sparse["rows"] > 300
    assert sparse["cold_ratio"] <= targets["cold"] * SLACK, sparse
    assert sparse["warm_ratio"] <= targets["warm"] * SLACK, sparse


def test_generate_over_a_dense_history_against_git_log(history_result):
    """One department renamed in all its places per commit: about 2,700 rows. Its first run is
    split across the cores (on one core it runs in one process: about 2.9× the floor, within the
    20 % this test allows)."""
    dense, targets = history_result["dense"], history_result["targets"]
    assert dense["commits"] == 301 and dense["rows"] > 2000
    assert dense["cold_ratio"] <= targets["cold"] * SLACK, dense
    assert dense["warm_ratio"] <= targets["warm"] * SLACK, dense
    assert dense["peak_rss_mb"] < targets["peak_rss_mb"], dense


def test_status_over_50_assessments_and_5000_commits_against_git_log():
    """status (issue 30, item 6): the same repository as the full run, one run of each side after
    a warm-up, about two minutes."""
    result = run_quick("status_bench.py")
    assert (result["assessments"], result["commits"], result["tags"]) == (50, 5001, 500)
    assert result["listed"] == 50 and result["errors"] == 0 and result["pending"] > 0
    assert result["schema_errors"] == 0  # the JSON of 50 assessments, dates checked
    assert result["cold_ratio"] <= result["targets"]["cold"] * SLACK, result
    assert result["warm_ratio"] <= result["targets"]["warm"] * SLACK, result
