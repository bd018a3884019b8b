"""The example repository of `pia-changes init DIR --example` (Decisions: The example repository).

Two published 評価書 shipped with the package — seed 004 as `assessments/kaigo.yaml`, seed 000 as
`assessments/jyuki.yaml` — are reconstructed (pia_changes.rebuild.reconstruct) and their rebuilt
histories committed interleaved by date in one repository, each file with its own submission tags
(`submitted/kaigo/…`, `submitted/jyuki/…`), with `pia-changes.toml`. `generate` there prints both
変更箇所 tables.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from pia_changes.errors import PiaError
from pia_changes.git.repo import GitRepo
from pia_changes.rebuild.reconstruct import (
    ASSESSMENTS_DIR,
    CONFIG_FILE,
    config_bytes,
    plan_text,
    write_history,
)

SOURCES = {"kaigo": "kaigo.txt", "jyuki": "jyuki.txt"}  # assessment stem → shipped text


def example_texts() -> dict[str, bytes]:
    """The shipped texts by assessment stem."""
    folder = resources.files("pia_changes.examples")
    return {stem: folder.joinpath(name).read_bytes() for stem, name in SOURCES.items()}


def write_example(directory: str | Path) -> list[str]:
    """Build the example history in DIRECTORY, a git repository without commits; the paths it
    wrote (committed), relative to DIRECTORY."""
    root = Path(directory)
    with GitRepo.discover(root) as repo:
        if repo.head() is not None:
            raise PiaError("例のリポジトリは、まだコミットのない新しいリポジトリにしか作れません", file=str(root))
        paths = [f"{ASSESSMENTS_DIR}/{stem}.yaml" for stem in SOURCES]
        existing = [p for p in paths + [CONFIG_FILE] if (root / p).exists()]
        if existing:
            raise PiaError(f"例のファイルが既にあります: {', '.join(existing)}", file=str(root))
        plans = {}
        for stem, raw in example_texts().items():
            plans[f"{ASSESSMENTS_DIR}/{stem}.yaml"], _ = plan_text(raw, f"{stem}.txt")
        write_history(root, plans, {CONFIG_FILE: config_bytes()}, repo=repo)
    return sorted(plans) + [CONFIG_FILE]
