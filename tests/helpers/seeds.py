"""The project's copies of published 評価書 (tests/data, see its README), by seed number."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from pia_changes.importer import ImportResult, import_text
from tests.helpers.paths import DATA


def seed_path(number: str) -> Path:
    """tests/data/NUMBER_<hash>.txt."""
    (path,) = DATA.glob(f"{number}_*.txt")
    return path


@cache
def imported(number: str) -> ImportResult:
    """Seed NUMBER through the importer (once per test session)."""
    path = seed_path(number)
    return import_text(path.read_bytes(), path.name)


def seed_yaml(number: str) -> str:
    return imported(number).yaml_text
