"""Findings: what `generate` and `check` tell staff is wrong (Decisions: Findings, exit codes and --strict)."""
from __future__ import annotations

import hashlib

from pia_changes.table.rows import Finding

STRICT_KINDS = frozenset({"unresolved_review"})  # errors under --strict besides error-level ones
LEVEL_NAMES = {"error": "エラー", "warning": "警告", "info": "情報"}
SETTLE_REVIEW = "コミットメッセージに「判定: 重要」又は「判定: 非重要（理由）」を書いて確定してください"


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


def finding_text(finding: Finding) -> str:
    """One finding as staff read it on stderr and in md: 「エラー[f-1a2b3c4d]（確認済み）: …」."""
    mark = "（確認済み）" if finding.acknowledged else ""
    return f"{LEVEL_NAMES.get(finding.level, finding.level)}[{finding.id}]{mark}: {finding.message}"


def review_message(label: str, review_reason: str | None) -> str:
    """The unresolved_review message, the same at commit time and in the table. A deferred
    exemption's reason already names the 判定 that settles it (rules.deferred_review): the
    general instruction is added only where the reason gives none, so staff read it once."""
    reason = review_reason or "判定の確認が必要です"
    return f"{label}: {reason}" if "「判定:" in reason else f"{label}: {reason}（{SETTLE_REVIEW}）"
