"""Where the tests' own files are: the project root, tests/data (seeds, published rows), tests/schemas."""
from __future__ import annotations

import json
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
DATA = TESTS / "data"


def schema(name: str) -> dict:
    """tests/schemas/NAME.schema.json: the output contract of a command or benchmark."""
    return json.loads((TESTS / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
