"""`status` over a repository of many assessments vs `git log -p -- assessments/` (the floor).

The repository (issue 30, item 6): ASSESSMENTS assessments made from the seeds (000 長野市 全項目
and 004 川口市 重点項目 imported, each with its own 評価書名), then COMMITS commits, each editing
one assessment (round robin) with the small realistic edits of history_bench.py and a 変更日
trailer; each assessment gets TAGS submission tags `submitted/<stem>/DATE` (the first annotated
「種別: 実施」). Written through one `git fast-import` (each assessment's versions one after the
other, so they delta well), then packed with `git gc`.

Measured in one run, medians, alternated, as whole processes with compiled bytecode:
- cold: `pia-changes status --format json` with the cache under .git removed (target ≤ 2.5×);
- warm: the same, a second run (target ≤ 0.4×);
- floor: `git log -p -- assessments/`.

Usage: python benchmarks/status_bench.py [--quick] [--assessments N] [--commits N] [--runs N] [--json]
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from history_bench import Editor, dump_section  # noqa: E402
from timing import SEEDS, bytecode_cache, cold_and_warm, emitted, import_seed, python, speed_parser  # noqa: E402

COLD_TARGET = 2.5
WARM_TARGET = 0.4
JST = dt.timezone(dt.timedelta(hours=9))
START = dt.datetime(2012, 4, 1, 10, 0, tzinfo=JST)
SEED_FORMS = (("000", "全項目"), ("004", "重点項目"))


def seed_trees(tmp: Path) -> list[tuple[dict, str]]:
    import yaml
    out = []
    for number, form in SEED_FORMS:
        (text,) = SEEDS.glob(f"{number}_*.txt")
        path = import_seed(text, tmp / f"seed{number}.yaml")
        out.append((yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader), form))
    return out


def build_repository(root: Path, assessments: int, commits: int, tags: int, seeds: list[tuple[dict, str]]) -> dict:
    """Commit n (1…COMMITS) edits assessment n mod ASSESSMENTS; commit 0 adds them all."""
    import copy
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    git = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE)
    assert git.stdin is not None
    marks: dict[tuple[int, int], int] = {}  # (assessment, commit) → blob mark
    subjects: dict[int, str] = {}
    mark = 0
    size = 0
    for a in range(assessments):
        data, form = seeds[a % len(seeds)]
        data = copy.deepcopy(data)
        data["表紙"]["評価書名"] = f"{data['表紙'].get('評価書名') or '評価書'}（その{a + 1}）"
        editor = Editor(data, seed=a, form=form)
        sections = {key: dump_section(key, value) for key, value in data.items()}
        for n in [0, *range(a or assessments, commits + 1, assessments)]:
            if n:
                keys, subjects[n] = editor.edit(n // assessments)
                sections.update((key, dump_section(key, data[key])) for key in keys)
            blob = "".join(sections.values()).encode("utf-8")
            mark += 1
            size = max(size, len(blob))
            git.stdin.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(blob)) + blob + b"\n")
            marks[(a, n)] = mark
    commit_marks = {}
    for n in range(commits + 1):
        when = START + dt.timedelta(hours=12 * n)
        mark += 1
        commit_marks[n] = mark
        if n == 0:
            message = "評価書を取り込み（基準の版）\n"
            changed = [(a, marks[(a, 0)]) for a in range(assessments)]
        else:
            message = f"{subjects[n]}\n\n変更日: {(when + dt.timedelta(days=20)).date().isoformat()}\n"
            changed = [(n % assessments, marks[(n % assessments, n)])]
        body = message.encode("utf-8")
        stamp = f"{int(when.timestamp())} +0900"
        git.stdin.write(b"commit refs/heads/main\nmark :%d\n" % mark
                        + f"author 評価 太郎 <hyoka@example.jp> {stamp}\ncommitter 評価 太郎 <hyoka@example.jp> {stamp}\n".encode()
                        + b"data %d\n" % len(body) + body + (b"from :%d\n" % commit_marks[n - 1] if n else b"")
                        + b"".join(b"M 100644 :%d assessments/a%02d.yaml\n" % (m, a) for a, m in changed) + b"\n")
    count = 0
    for a in range(assessments):
        mine = [n for n in range(a or assessments, commits + 1, assessments)]
        for t in range(tags):
            # spread over the assessment's commits, a day after one; the last few stay pending
            n = mine[(t + 1) * len(mine) // (tags + 1) - 1] if len(mine) > tags else 0
            day = (START + dt.timedelta(hours=12 * n + 24)).date().isoformat()
            name = f"submitted/a{a:02d}/{day}"
            text = ("提出\n\n種別: 実施\n" if t == 0 else "提出\n").encode("utf-8")
            git.stdin.write(f"tag {name}\nfrom :{commit_marks[n]}\n"
                            f"tagger 評価 太郎 <hyoka@example.jp> {int(START.timestamp()) + 43200 * n + 86400} +0900\n".encode()
                            + b"data %d\n" % len(text) + text + b"\n")
            count += 1
    git.stdin.close()
    if git.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run(["git", "gc", "-q"], cwd=root, check=True)
    return {"assessments": assessments, "commits": commits + 1, "tags": count, "largest_kb": round(size / 1024)}


def schema_errors(records: list) -> int | None:
    """How many errors the output has against tests/schemas/status.schema.json, dates checked;
    None without jsonschema (the test extra has it)."""
    try:
        import jsonschema
    except ImportError:
        return None
    schema = json.loads((SEEDS.parent / "schemas" / "status.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return sum(1 for _ in validator.iter_errors(records))


def main(argv: list[str] | None = None) -> dict:
    parser = speed_parser(__doc__, "one run of each after a warm-up (CI); still 50 x 5,000: the targets are for those")
    parser.add_argument("--assessments", type=int, default=None)
    parser.add_argument("--commits", type=int, default=None)
    parser.add_argument("--tags", type=int, default=10)
    args = parser.parse_args(argv)
    assessments = args.assessments or 50
    commits = args.commits or 5000
    runs = args.runs or (1 if args.quick else 5)
    tmp = Path(tempfile.mkdtemp(prefix="status-bench-"))
    bytecode_cache(tmp)
    try:
        subprocess.run([python(), "-m", "compileall", "-q", str(Path(__file__).resolve().parent.parent / "pia_changes")],
                       check=True, capture_output=True)
        repo = tmp / "repo"
        built = build_repository(repo, assessments, commits, args.tags, seed_trees(tmp))
        exe = shutil.which("pia-changes") or "pia-changes"
        status = [exe, "status", "--format", "json", "--as-of", "2030-01-01"]
        timings = cold_and_warm(status, repo, ["git", "log", "-p", "--", "assessments/"], runs)
        out = subprocess.run(status, cwd=repo, capture_output=True, check=False)
        records = json.loads(out.stdout)
        valid = schema_errors(records)
        result = {
            **built, "listed": len(records), "errors": sum(1 for r in records if r["error"]), "schema_errors": valid,
            "pending": sum(r["unsubmitted_changes"] or 0 for r in records),
            **timings,
            "targets": {"cold": COLD_TARGET, "warm": WARM_TARGET},
        }
        return emitted(result, report, args.json)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(r: dict) -> None:
    print(f"repository: {r['assessments']} assessments (largest {r['largest_kb']} KB), {r['commits']} commits, "
          f"{r['tags']} tags, packed; status lists {r['listed']} ({r['errors']} unreadable, {r['pending']} pending changes)")
    print(f"git log -p -- assessments/ (floor): {r['floor_s'] * 1000:.0f} ms")
    print(f"status cold (no cache): {r['cold_s'] * 1000:.0f} ms → {r['cold_ratio']:.2f}x floor (target ≤ {COLD_TARGET}x)")
    print(f"status warm (2nd run) : {r['warm_s'] * 1000:.0f} ms → {r['warm_ratio']:.2f}x floor (target ≤ {WARM_TARGET}x)")


if __name__ == "__main__":
    main()
