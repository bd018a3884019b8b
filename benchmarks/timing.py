"""Timing helpers for the benchmarks: whole processes and library calls, medians of repeated runs.

Machines here are noisy, so every figure is reported as a ratio against a baseline measured in
the same run, alternating the two (A B A B …) so drift hits both alike.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data"
LARGEST_ZENKOUMOKU = SEEDS / "001_0fa97ec629ceb12e.txt"


def speed_parser(doc: str, quick_help: str = "few runs (CI)") -> argparse.ArgumentParser:
    """The options every speed benchmark takes (a script adds its own)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="end with one JSON line (tests/test_benchmarks.py)")
    return parser


def emitted(result: dict, report: Callable[[dict], None], as_json: bool) -> dict:
    """RESULT printed for people, and as one JSON line last when asked."""
    report(result)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    return result


def run_process(argv: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{argv} failed: {done.stderr.decode('utf-8', 'replace')[-400:]}")
    return elapsed


_RSS_PROBE = ("import os, subprocess, sys\n"
              "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
              "print(os.wait4(child.pid, 0)[2].ru_maxrss)")


def peak_rss_mb(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """The peak resident set of the largest of one process and the processes it waits for (git,
    the parts of a split run). Started from a small probe process: a child forked from this one
    would count this process's own memory (the copy before exec) as its peak. ENV is added."""
    done = subprocess.run([sys.executable, "-c", _RSS_PROBE, *argv], cwd=cwd, capture_output=True, check=True,
                          env={**os.environ, **(env or {})})
    return int(done.stdout) / 1024


def paired(a: Callable[[], float], b: Callable[[], float], runs: int, warmup: int = 1) -> tuple[float, float]:
    """Median seconds of A and of B, run alternately after a warm-up of each."""
    for _ in range(warmup):
        a(), b()
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(a())
        times_b.append(b())
    return statistics.median(times_a), statistics.median(times_b)


def cold_and_warm(command: list[str], repo: Path, floor: list[str], runs: int) -> dict:
    """COMMAND in REPO against FLOOR, alternated: cold with the caches under .git removed before
    each run; warm the best of two runs after one that fills them; the floor the best of three
    (the targets of Decisions: Speed are ratios of these)."""
    cache = repo / ".git" / "pia-changes"

    def cold() -> float:
        shutil.rmtree(cache, ignore_errors=True)
        return run_process(command, repo)

    def warm() -> float:
        run_process(command, repo)
        return min(run_process(command, repo) for _ in range(2))

    def best_floor() -> float:
        return min(run_process(floor, repo) for _ in range(3))

    cold_s, floor_s = paired(cold, best_floor, runs)
    warm_s, floor2_s = paired(warm, best_floor, runs)
    return {"cold_s": cold_s, "warm_s": warm_s, "floor_s": floor_s, "floor2_s": floor2_s,
            "cold_ratio": cold_s / floor_s, "warm_ratio": warm_s / floor2_s}


def timed(func: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        func()
        return time.perf_counter() - start
    return run


def bytecode_cache(tmp: Path) -> None:
    """Let the processes measured here (both sides) keep compiled bytecode, as an installed
    package has it: some machines set PYTHONDONTWRITEBYTECODE, which would make every run
    compile the whole package again. The bytecode goes under TMP, not into the source tree."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")


def python() -> str:
    return sys.executable


def import_seed(text: Path, out: Path) -> Path:
    """The seed imported with our own importer (what a municipality's file looks like)."""
    from pia_changes.importer import import_text
    result = import_text(text.read_bytes(), text.name)
    out.write_text(result.yaml_text, encoding="utf-8")
    return out


def count_items(data: object) -> int:
    """Leaf values of a document: every scalar or checkbox list under the form's sections."""
    if isinstance(data, dict):
        return sum(count_items(v) for k, v in data.items() if k not in ("変更箇所", "未配置"))
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        return sum(count_items(v) for v in data)
    return 1


def large_document(out: Path, at_least: int = 2000) -> tuple[Path, int]:
    """Seed 001 imported, its per-file parts (Ⅱ, Ⅲ, 記録項目) copied under new file names until the
    document holds AT_LEAST items: a municipality with more 特定個人情報ファイル."""
    import yaml
    data = yaml.safe_load(import_seed(LARGEST_ZENKOUMOKU, out).read_text(encoding="utf-8"))
    groups = [value for value in data.values() if isinstance(value, dict)
              for inner in value.values() if isinstance(inner, list) and inner and isinstance(inner[0], dict)
              for value in [inner] if any("ファイル名" in str(k) for k in inner[0])]
    originals = [list(group) for group in groups]
    copy = 1
    while count_items(data) < at_least and originals:
        copy += 1
        for group, entries in zip(groups, originals):
            for entry in entries:
                clone = yaml.safe_load(yaml.safe_dump(entry, allow_unicode=True))
                for key in clone:
                    if "ファイル名" in str(key) and isinstance(clone[key], str):
                        clone[key] = f"{clone[key]}（写し{copy}）"
                group.append(clone)
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
    return out, count_items(data)


# --- edits that touch many places: a reorganisation renames a department everywhere -------------

_DEPARTMENT = re.compile(r"[一-龥ァ-ヶー]{2,8}課")


def text_values(value: object, path: tuple = ()):
    """(path, text) of every string of a document outside its 変更箇所 and 未配置."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in ("変更箇所", "未配置"):
                yield from text_values(inner, path + (key,))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from text_values(inner, path + (i,))
    elif isinstance(value, str):
        yield path, value


def frequent_departments(data: dict, count: int) -> list[str]:
    """The COUNT names ending in 課 that the most values mention (a rule, so any seed has them)."""
    mentions: dict[str, int] = {}
    for _, text in text_values(data):
        for name in set(_DEPARTMENT.findall(text)):
            mentions[name] = mentions.get(name, 0) + 1
    ranked = sorted(mentions, key=lambda name: (-mentions[name], name))
    return [name for name in ranked if not any(name in other or other in name for other in ranked[:ranked.index(name)])][:count]


def replace_everywhere(data: dict, old: str, new: str) -> set[tuple]:
    """OLD → NEW in every text value, in place; the paths of the values changed."""
    touched = set()
    for path, text in list(text_values(data)):
        if old in text:
            target = data
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = text.replace(old, new)
            touched.add(path)
    return touched
