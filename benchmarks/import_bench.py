"""How many 変更箇所 rows the importer reads back whole, per layout of the robustness corpus and per seed.

    python benchmarks/import_bench.py [--reader import|legacy|table] [--only NAME] [--verbose] [--json]

The corpus (tests/data/layouts, made by make_corpus.py there) re-flows the published rows of the seeds
into PDF flow text in layouts nobody tuned the importer to. For each layout the text goes through the
whole importer (`pia-changes import`, here `import_text`), and its `変更箇所` rows are held against the
layout's expected rows: a row counts when all six columns (変更日, 項目, 変更前の記載, 変更後の記載, 提出時期,
提出時期に係る説明) are equal as Decisions: Comparing text says (NFKC, HTML to text, all whitespace
removed). Rows are paired in order (longest common subsequence), so one lost or split row costs itself
and not the rows after it. The seeds are scored the same way against tests/data/published_changes.jsonl.

--reader legacy runs the table reader of legacy_table.py alone, --reader table the evidence reader alone
(quicker than a whole import; for comparing readers). Targets (issue #26): >= 98% of the corpus's rows,
no layout below 95%. The last line with --json is one JSON object.
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pia_changes.document import legacy  # noqa: E402
from pia_changes.text.normalise import compare_key  # noqa: E402

DATA = ROOT / "tests" / "data"
LAYOUTS = DATA / "layouts"
SEEDS = ("000_927f6452a1ee0b1f.txt", "004_a91eed273516a844.txt", "001_0fa97ec629ceb12e.txt")
FIELDS = (("date_raw", "変更日"), ("item_raw", "項目"), ("before", "変更前の記載"), ("after", "変更後の記載"),
          ("timing", "提出時期"), ("timing_reason", "提出時期に係る説明"))
TARGET_TOTAL, TARGET_LAYOUT = 0.98, 0.95


def expected_key(row: dict) -> tuple[str, ...]:
    return tuple(compare_key(row[name]) for name, _ in FIELDS)


def read_key(row: dict) -> tuple[str, ...]:
    return tuple(compare_key(legacy.item_raw(row) if key == "項目" else row.get(key)) for _, key in FIELDS)


def read_rows(path: Path, reader: str) -> list[dict]:
    """The 変更箇所 rows that READER gets from the text at PATH."""
    raw = path.read_bytes()
    if reader == "import":
        from pia_changes.importer import import_text
        data = yaml.load(import_text(raw, path.name).yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return data.get(legacy.LEGACY_KEY) or []
    lines = raw.decode("utf-8").split("\n")
    if reader == "legacy":
        from pia_changes.importer.legacy_table import find_legacy_rows
        return find_legacy_rows(lines)[0]
    from pia_changes.importer.table_reader import read_tables
    return read_tables(lines)[0]


def score(expected: list[dict], rows: list[dict]) -> dict:
    """Expected rows read back whole (paired in order), and which columns differ in the pairs that are not."""
    want = [expected_key(row) for row in expected]
    got = [read_key(row) for row in rows]
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    equal = sum(block.size for block in matcher.get_matching_blocks())
    columns: dict[str, int] = {}
    misses = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for k in range(i1, i2):
            j = j1 + k - i1
            pair = got[j] if tag == "replace" and j < j2 else None
            differ = [name for (name, _), a, b in zip(FIELDS, want[k], pair) if a != b] if pair else ["missing"]
            for name in differ:
                columns[name] = columns.get(name, 0) + 1
            misses.append({"row": k + 1, "differ": differ})
    return {"expected": len(expected), "read": len(rows), "equal": equal, "columns": columns, "misses": misses}


def corpus(only: str | None) -> list[tuple[str, Path, list[dict]]]:
    out = []
    for path in sorted(LAYOUTS.glob("*.txt")):
        if only and only not in path.stem:
            continue
        expected_path = path.with_suffix("").with_suffix(".expected.jsonl")
        expected = [json.loads(line) for line in expected_path.read_text(encoding="utf-8").splitlines()]
        out.append((path.stem, path, expected))
    return out


def seeds(only: str | None) -> list[tuple[str, Path, list[dict]]]:
    published = [json.loads(line) for line in (DATA / "published_changes.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(seed.split("_")[0], DATA / seed, [row for row in published if row["seed"] == seed])
            for seed in SEEDS if not only or only in seed]


def measure(reader: str, only: str | None) -> dict:
    result: dict = {"reader": reader, "layouts": {}, "seeds": {}}
    for group, items in (("layouts", corpus(only)), ("seeds", seeds(only))):
        for name, path, expected in items:
            start = time.perf_counter()
            rows = read_rows(path, reader)
            result[group][name] = {**score(expected, rows), "seconds": round(time.perf_counter() - start, 3)}
    layouts = result["layouts"].values()
    total = sum(f["expected"] for f in layouts)
    equal = sum(f["equal"] for f in layouts)
    result["total"] = {"expected": total, "equal": equal, "share": round(equal / total, 4) if total else None}
    worst = min((f["equal"] / f["expected"] for f in layouts), default=None)
    result["worst_layout_share"] = round(worst, 4) if worst is not None else None
    result["targets"] = {"total": TARGET_TOTAL, "layout": TARGET_LAYOUT}
    return result


def report(result: dict, verbose: bool) -> list[str]:
    lines = [f"reader: {result['reader']}", f"{'layout':40} {'equal':>9} {'share':>7} {'read':>5}  differing columns"]
    for group in ("layouts", "seeds"):
        for name, f in result[group].items():
            share = f["equal"] / f["expected"] if f["expected"] else 0
            cols = ", ".join(f"{k} {v}" for k, v in sorted(f["columns"].items()))
            lines.append(f"{name:40} {f['equal']:>4}/{f['expected']:<4} {share:>7.1%} {f['read']:>5}  {cols}")
            if verbose:
                lines.extend(f"    row {m['row']}: {', '.join(m['differ'])}" for m in f["misses"])
        if group == "layouts" and result["total"]["expected"]:
            t = result["total"]
            lines.append(f"{'corpus':40} {t['equal']:>4}/{t['expected']:<4} {t['share']:>7.1%}   "
                         f"(targets: >= {TARGET_TOTAL:.0%} overall, >= {TARGET_LAYOUT:.0%} per layout; "
                         f"worst layout {result['worst_layout_share']:.1%})")
            lines.append("seeds (against published_changes.jsonl, six columns):")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reader", choices=("import", "legacy", "table"), default="import")
    parser.add_argument("--only", help="layouts and seeds whose name contains this")
    parser.add_argument("--verbose", action="store_true", help="list the rows that differ")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    result = measure(args.reader, args.only)
    print("\n".join(report(result, args.verbose)))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
