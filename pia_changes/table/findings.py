"""Findings: what `generate` and `check` tell staff is wrong (Decisions: Findings, exit codes and --strict)."""
from __future__ import annotations

import hashlib

from pia_changes.table.rows import Finding

STRICT_KINDS = frozenset({"unresolved_review"})  # errors under --strict besides error-level ones


def finding_id(commit: str | None, item_id: str | None, kind: str) -> str:
    """Stable across runs and machines: derived from what the finding is about, nothing else."""
    key = f"{commit or ''}\0{item_id or ''}\0{kind}".encode("utf-8")
    return "f-" + hashlib.sha1(key).hexdigest()[:8]


class FindingCollector:
    """Collects findings once each (same id twice is one finding), marking acknowledged ones."""

    def __init__(self, acknowledged: frozenset[str]) -> None:
        self.acknowledged = acknowledged
        self.found: dict[str, Finding] = {}

    def add(self, level: str, kind: str, message: str, commit: str | None = None,
            item_id: str | None = None) -> None:
        fid = finding_id(commit, item_id, kind)
        if fid not in self.found:
            self.found[fid] = Finding(fid, level, kind, message, commit, item_id, fid in self.acknowledged)

    def all(self) -> tuple[Finding, ...]:
        return tuple(self.found.values())


def fails_strict(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """Findings that make --strict exit 1: error level (and unresolved reviews), not acknowledged."""
    return [f for f in findings if not f.acknowledged and (f.level == "error" or f.kind in STRICT_KINDS)]
