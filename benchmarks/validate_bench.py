"""`pia-changes validate` on the largest document vs a script that only runs yaml.safe_load.

The document: seed 001 (墨田区 全項目) imported, its per-file parts copied under new file names until
it holds at least 2,000 items (see timing.large_document).

Usage: python benchmarks/validate_bench.py [--runs N] [--json]
Both are whole processes; the ratio is measured in one run (Decisions: Speed).
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from timing import large_document, paired, python, run_process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    try:
        doc, items = large_document(tmp / "large.yaml")
        exe = shutil.which("pia-changes") or "pia-changes"
        ours, base = paired(lambda: run_process([exe, "validate", str(doc)]),
                            lambda: run_process([python(), "-c", f"import yaml; yaml.safe_load(open({str(doc)!r}, encoding='utf-8'))"]),
                            args.runs)
        result = {"document_kb": round(doc.stat().st_size / 1024), "items": items,
                  "validate_s": round(ours, 4), "safe_load_s": round(base, 4), "ratio": round(base / ours, 2)}
        print(f"document: {result['document_kb']} KB, {result['items']} items")
        print(f"pia-changes validate (whole process): {ours:.3f} s median")
        print(f"python -c yaml.safe_load            : {base:.3f} s median")
        print(f"validate is {base / ours:.2f}x faster than safe_load alone")
        if args.json:
            print(json.dumps(result))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
