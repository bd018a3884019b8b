"""`check` as a pre-commit hook runs it, against the least a hook could do (issue 29).

The repository: seed 001 (墨田区 全項目, ~480 KB) imported and committed, then one ※ text edited
and staged, as a staff member does before `git commit`. Measured in one run, medians of
alternated runs, whole processes, bytecode compiled first:
- ours: `pia-changes check assessments/x.yaml` (what the pre-commit hook runs, warm: the
  committed version's parse is cached under .git by the first run);
- baseline: `python -c` loading the staged file once with `yaml.CSafeLoader` (target ≤ 3×);
- shown beside it, no target: the same check with no cache at all (both versions parsed), the
  worst case of a first commit after the cache was removed.

Usage: python benchmarks/check_bench.py [--quick] [--runs N] [--json]
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import (LARGEST_ZENKOUMOKU, bytecode_cache, emitted, import_seed, paired, python,  # noqa: E402
                    run_process, speed_parser)

TARGET = 3.0
FILE = "assessments/x.yaml"


def staged_repository(root: Path, seed_yaml: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "評価 太郎", "GIT_AUTHOR_EMAIL": "h@example.jp",
           "GIT_COMMITTER_NAME": "評価 太郎", "GIT_COMMITTER_EMAIL": "h@example.jp"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)

    (root / "assessments").mkdir(parents=True)
    git("init", "-q", "-b", "main")
    text = seed_yaml.read_text(encoding="utf-8")
    (root / FILE).write_text(text, encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "基準の版")
    marker = "事務の内容: "
    at = text.index(marker) + len(marker)
    (root / FILE).write_text(text[:at] + "証明書の交付を追加する。" + text[at:], encoding="utf-8")
    git("add", FILE)


def main(argv: list[str] | None = None) -> dict:
    parser = speed_parser(__doc__)
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 11)
    tmp = Path(tempfile.mkdtemp(prefix="check-bench-"))
    bytecode_cache(tmp)
    try:
        repo = tmp / "repo"
        staged_repository(repo, import_seed(LARGEST_ZENKOUMOKU, tmp / "seed.yaml"))
        ours = [shutil.which("pia-changes") or "pia-changes", "check", FILE]
        done = subprocess.run(ours, cwd=repo, capture_output=True, text=True, check=False)
        important = "重要な変更" in done.stdout
        load = [python(), "-c", "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8'), "
                "Loader=yaml.CSafeLoader)", str(repo / FILE)]
        ours_s, load_s = paired(lambda: run_process(ours, repo), lambda: run_process(load, repo), runs)

        def uncached() -> float:
            shutil.rmtree(repo / ".git" / "pia-changes", ignore_errors=True)
            return run_process(ours, repo)
        cold_s, load2_s = paired(uncached, lambda: run_process(load, repo), runs)
        result = {"exit": done.returncode, "reports_the_change": important, "check_s": ours_s, "load_s": load_s,
                  "ratio": ours_s / load_s, "cold_s": cold_s, "cold_ratio": cold_s / load2_s, "target": TARGET}
        return emitted(result, report, args.json)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(r: dict) -> None:
    print(f"check (pre-commit, one staged edit): {r['check_s'] * 1000:.0f} ms | CSafeLoader load {r['load_s'] * 1000:.0f} ms "
          f"→ {r['ratio']:.2f}x (target ≤ {TARGET:g}x); the edit reported: {r['reports_the_change']}")
    print(f"the same with no cache at all: {r['cold_s'] * 1000:.0f} ms → {r['cold_ratio']:.2f}x (no target)")


if __name__ == "__main__":
    main()
