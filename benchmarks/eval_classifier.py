"""The classifier against the publishers' own labels: agreement, recall, review rate.

    python benchmarks/eval_classifier.py [--data PATH] [--json]

--data takes any file in the format of tests/data/published_changes.jsonl (default: that file);
with --json the last line is one JSON object (tests/schemas/eval_classifier.schema.json).
The logic lives in pia_changes/classify/evaluation.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pia_changes.classify.evaluation import main

DEFAULT_DATA = ROOT / "tests" / "data" / "published_changes.jsonl"

if __name__ == "__main__":
    sys.exit(main(default_data=DEFAULT_DATA))
