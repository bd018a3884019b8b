"""Mutation testing of the classification, exemption, trailer and timing code (issue 25, "Tests
that bite"): mutmut changes the code one small fault at a time and runs the tests that reach it;
a fault no test notices (a surviving mutant) is a rule the tests do not state.

Not in CI: it takes hours on one core. Run from anywhere:

    python benchmarks/mutation.py            # run mutmut on SCOPE (one process), then report
    python benchmarks/mutation.py --children 2  # the same, two test processes at once
    python benchmarks/mutation.py --report   # report the results of the last run
    python benchmarks/mutation.py --report --survivors  # …and list the surviving mutants by name
    python benchmarks/mutation.py --recheck --sample 300
        # after new tests: run the survivors again, and 300 mutants not yet checked drawn at random
        # (a whole run takes hours on one core; a sample of the rest estimates its ratio)

mutmut's settings (which files, which tests) are in pyproject.toml [tool.mutmut]; its working
copy goes to mutants/ (ignored by git). `mutmut show NAME` prints one mutant's diff. Survivors
judged harmless are listed, with why, in benchmarks/mutation_survivors.md.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Module → the functions in scope ("*": all of it). Of the table code only what judges timing:
# 変更日 against the first submission (事前/事後), the findings on it, which tags count, and the
# corrections that keep dates from running backwards; not the cache or the document loading.
SCOPE = {
    "pia_changes.classify.rules": ("*",),
    "pia_changes.classify.exemptions": ("*",),
    "pia_changes.classify.orgnames": ("*",),
    "pia_changes.classify.textedits": ("*",),
    "pia_changes.classify.trailers": ("*",),
    "pia_changes.classify.apply": ("*",),
    "pia_changes.table.build": ("_revision_rows", "first_containing", "_timing_findings", "_five_years"),
    "pia_changes.table.submissions": ("path_at", "assessment_tags", "tag_findings", "_submitting_nothing"),
    "pia_changes.table.corrections": ("*",),
}
KILLED = {1, 3, 36, -24, 24, 152, 255}  # a failing test, pytest's internal error, or a timeout
NOT_RUN = {None, 2, 34}                  # not checked yet, interrupted, skipped


def patterns() -> list[str]:
    """mutmut's mutant-name globs for SCOPE (x_NAME__mutmut_N; methods are xǁClassǁNAME)."""
    out = []
    for module, functions in SCOPE.items():
        out += [f"{module}.x{'' if f == '*' else '_' + f + '__mutmut_'}*" for f in functions]
    return out


def results() -> dict[str, dict[str, int | None]]:
    """Module → {mutant name: mutmut's exit code} for the mutants in SCOPE, from mutants/*.meta."""
    out: dict[str, dict[str, int | None]] = {}
    globs = patterns()
    for module in SCOPE:
        meta = ROOT / "mutants" / (module.replace(".", "/") + ".py.meta")
        if not meta.exists():
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        out[module] = {name: code for name, code in codes.items() if any(fnmatch(name, g) for g in globs)}
    return out


def survivors() -> list[str]:
    return sorted(name for codes in results().values() for name, code in codes.items()
                  if code not in KILLED and code not in NOT_RUN)


def sample(count: int) -> list[str]:
    """COUNT mutants of SCOPE not checked yet, drawn at random (the same draw each time)."""
    unchecked = sorted(name for codes in results().values() for name, code in codes.items() if code in NOT_RUN)
    return sorted(random.Random(25).sample(unchecked, min(count, len(unchecked))))


def refresh_copy() -> None:
    """mutmut copies the project into mutants/ once and keeps the copy of a file it does not mutate:
    drop those copies (they are copied again) and the test map, so a run sees the current code and tests."""
    mutated = {ROOT / "mutants" / (m.replace(".", "/") + ".py") for m in SCOPE}
    for path in (ROOT / "mutants" / "pia_changes").rglob("*.py"):
        if path not in mutated:
            path.unlink()
    (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)


def report(show_survivors: bool) -> float | None:
    """Killed/survived per module and the total ratio; the ratio counts the mutants checked."""
    found = results()
    if not found:
        print("mutants/ に結果がありません。先に python benchmarks/mutation.py を実行してください", file=sys.stderr)
        return None
    total: Counter = Counter()
    print(f"{'module':<34} {'killed':>7} {'survived':>9} {'no tests':>9} {'not run':>8} {'killed %':>9}")
    for module, codes in found.items():
        count = _count(codes.values())
        total.update(count)
        print(f"{module:<34} {count['killed']:>7} {count['survived']:>9} {count['no tests']:>9} "
              f"{count['not run']:>8} {_ratio(count):>9}")
    print(f"{'total':<34} {total['killed']:>7} {total['survived']:>9} {total['no tests']:>9} "
          f"{total['not run']:>8} {_ratio(total):>9}")
    if show_survivors:
        print("\n".join(survivors()))
    checked = total["killed"] + total["survived"] + total["no tests"]
    summary = {"killed": total["killed"], "checked": checked, "not_run": total["not run"],
               "killed_ratio": round(total["killed"] / checked, 4) if checked else None}
    print(json.dumps(summary))
    return summary["killed_ratio"]


def _count(codes) -> Counter:
    count: Counter = Counter()
    for code in codes:
        if code in KILLED:
            count["killed"] += 1
        elif code in NOT_RUN:
            count["not run"] += 1
        elif code in (5, 33):
            count["no tests"] += 1
        else:
            count["survived"] += 1
    return count


def _ratio(count: Counter) -> str:
    checked = count["killed"] + count["survived"] + count["no tests"]
    return f"{100 * count['killed'] / checked:.1f}" if checked else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", action="store_true", help="only report the last run's results")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--recheck", action="store_true", help="run the surviving mutants again")
    parser.add_argument("--sample", type=int, default=0, help="run this many unchecked mutants, drawn at random")
    parser.add_argument("--children", type=int, default=1,
                        help="test processes at once (default 1: the machine is usually shared)")
    parser.add_argument("names", nargs="*", help="mutant names or globs to run instead of the whole SCOPE")
    args = parser.parse_args()
    if not args.report:
        names = list(args.names) + (survivors() if args.recheck else []) + sample(args.sample)
        if args.recheck or args.sample:
            refresh_copy()
        run = subprocess.run(["mutmut", "run", "--max-children", str(args.children), *(names or patterns())],
                             check=False, cwd=ROOT)
        if run.returncode not in (0, 1):
            return run.returncode
    ratio = report(args.survivors)
    return 0 if ratio is not None else 1


if __name__ == "__main__":
    sys.exit(main())
