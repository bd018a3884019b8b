"""Output of `diff`: coloured text for a terminal (click strips colour when piped), markdown, json."""
from __future__ import annotations

import json

from pia_changes.diff.revisions import Compared
from pia_changes.table.rows import diff_json


def diff_json_text(results: list[Compared], include_cosmetic: bool, separator: str) -> str:
    """`{"changes": [...], "table_edits": [...]}` (design.md: CLI contract)."""
    payload = {
        "changes": [diff_json(r.assessment, c, v, separator) for r in results
                    for c, v in zip(r.result.changes, r.verdicts) if include_cosmetic or not c.cosmetic],
        "table_edits": [{"assessment": r.assessment, "index": e.index, "kind": e.kind,
                         "before": e.before, "after": e.after} for r in results for e in r.result.table_edits],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n"


def _verdict_text(verdict) -> str:
    if verdict.important is None:
        return "体裁のみ"
    head = "重要な変更" if verdict.important else "重要な変更ではない"
    return head + ("（要確認）" if verdict.needs_review else "")


def diff_text(results: list[Compared], include_cosmetic: bool, separator: str) -> str:
    import click

    lines: list[str] = []
    for cmp in results:
        shown = [(c, v) for c, v in zip(cmp.result.changes, cmp.verdicts) if include_cosmetic or not c.cosmetic]
        lines.append(click.style(f"== {cmp.assessment}（変更 {len(shown)} 件）", bold=True))
        if cmp.notice:
            lines.append(cmp.notice)
        for change, verdict in shown:
            mark = click.style("[重要] ", fg="red", bold=True) if verdict.important else ""
            moved = "（並び順）" if change.moved else ""
            lines.append(f"{mark}{change.kind}{moved}  {change.label(separator)}")
            if change.before is not None:
                lines += [click.style(f"  - {line}", fg="red") for line in change.before.split("\n")]
            if change.after is not None:
                lines += [click.style(f"  + {line}", fg="green") for line in change.after.split("\n")]
            lines.append(click.style(f"  → {_verdict_text(verdict)}: {verdict.timing_reason}", fg="yellow"))
        for edit in cmp.result.table_edits:
            lines.append(f"変更箇所の表の編集: {edit.index + 1}行目 {edit.kind}")
    return "\n".join(lines) + "\n"


def diff_markdown(results: list[Compared], include_cosmetic: bool, separator: str) -> str:
    """One GitHub table per assessment, cells escaped as generate's are and not padded."""
    from pia_changes.render.markdown import cell as md_cell, table_lines

    def cell(text: str | None) -> str:
        return md_cell(text or "")

    parts = []
    for cmp in results:
        rows = [[cell(c.label(separator)), c.kind, cell(c.before), cell(c.after), _verdict_text(v),
                 cell(v.timing_reason)]
                for c, v in zip(cmp.result.changes, cmp.verdicts) if include_cosmetic or not c.cosmetic]
        parts.append(f"## {cmp.assessment}\n")
        if cmp.notice:
            parts.append(cmp.notice + "\n")
        parts.append("\n".join(table_lines(["項目", "区分", "変更前", "変更後", "判定", "説明"], rows)) + "\n")
    return "\n".join(parts)
