"""Reproduction of the published 変更箇所 tables from rebuilt git histories (README: Reproduction).

    python benchmarks/reproduce_seeds.py [--data DIR] [--seeds 000,001,004] [--keep DIR] [--verbose] [--json]

For each seed: `pia-changes reconstruct` into a temporary directory, `pia-changes generate --format
json` there, and the published rows held against the computed ones. Prints per seed the published
rows, the reproducible ones (and why the others are not), how many come back (Decisions:
Reproduced) and with the published 提出時期. With --json the last line is one JSON object
(tests/schemas/reproduce_seeds.schema.json). Targets: ≥ 95% of the reproducible rows reproduced,
≥ 95% of those with the published 提出時期. The logic lives in pia_changes/rebuild/reproduction.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pia_changes.rebuild.reproduction import main

DEFAULT_DATA = ROOT / "tests" / "data"

if __name__ == "__main__":
    sys.exit(main(default_data=DEFAULT_DATA))
