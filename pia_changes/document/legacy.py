"""Legacy rows: the 変更箇所 table an assessment had before it came into git (Decisions: Legacy rows).

They live in the assessment YAML under `変更箇所` as mappings keyed by the printed column names,
raw (HTML kept), and are carried into every generated table unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

from pia_changes.forms.labelpath import join_labels

LEGACY_KEY = "変更箇所"

# YAML key (printed column) -> key of the `legacy` object in generate's JSON.
COLUMNS: dict[str, str] = {
    "項番": "kouban",
    "変更日": "date_raw",
    "項目": "item_raw",
    "変更区分": "change_kind",
    "変更前の記載": "before",
    "変更後の記載": "after",
    "提出時期": "timing",
    "提出時期に係る説明": "timing_reason",
    "備考": "note",
}
# The extended (墨田区) layout prints 項目 in up to four cells; `項目` is then their join_labels join.
ITEM_PARTS = ("項目①", "項目②", "項目③", "項目④")
SOURCE_LINES = "出典行"  # 1-based line range(s) in the imported text, e.g. "1480-1485"
ALLOWED_KEYS = frozenset(COLUMNS) | frozenset(ITEM_PARTS) | {SOURCE_LINES}


@dataclass(frozen=True)
class LegacyRow:
    """One published row, its printed columns as printed (HTML kept, "" where blank): the one
    reading of the Japanese column keys (COLUMNS) for the table, the reconstruction and renderers."""

    date_raw: str
    item_raw: str
    before: str | None
    after: str | None
    timing: str
    timing_reason: str
    kouban: str | None
    change_kind: str
    note: str | None
    raw: dict            # the mapping as written, for the JSON `legacy` object and diff's table_edits

    @classmethod
    def read(cls, row: dict) -> LegacyRow:
        def text(key: str) -> str | None:
            return None if row.get(key) is None else str(row[key])
        kouban = row.get("項番")
        return cls(
            date_raw=str(row.get("変更日") or ""), item_raw=item_raw(row) or "",
            before=text("変更前の記載"), after=text("変更後の記載"),
            timing=str(row.get("提出時期") or "").strip(), timing_reason=str(row.get("提出時期に係る説明") or ""),
            kouban=None if kouban in (None, "") else str(kouban),
            change_kind=str(row.get("変更区分") or "").strip(), note=text("備考"), raw=row)


def legacy_table(rows: object) -> list[LegacyRow]:
    """The rows under `変更箇所`, read (anything but a mapping is validation's business)."""
    return [LegacyRow.read(r) for r in (rows or []) if isinstance(r, dict)]


def item_raw(row: dict) -> str | None:
    """The 項目 as printed: the single cell, or the extended layout's cells joined by " > "."""
    if row.get("項目") not in (None, ""):
        return str(row["項目"])
    parts = [str(row[k]) for k in ITEM_PARTS if row.get(k) not in (None, "")]
    return join_labels(parts) if parts else None


def legacy_object(row: dict) -> dict:
    """The `legacy` object of generate's JSON: every printed column, raw, null where absent."""
    out = {json_key: row.get(yaml_key) for yaml_key, json_key in COLUMNS.items()}
    out["item_raw"] = item_raw(row)
    return out
