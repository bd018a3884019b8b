"""Legacy rows: the 変更箇所 table an assessment had before it came into git (Decisions: Legacy rows).

They live in the assessment YAML under `変更箇所` as mappings keyed by the printed column names,
raw (HTML kept), and are carried into every generated table unchanged.
"""
from __future__ import annotations

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
# The extended (墨田区) layout prints 項目 in up to four cells; `項目` is then their " > " join.
ITEM_PARTS = ("項目①", "項目②", "項目③", "項目④")
SOURCE_LINES = "出典行"  # 1-based line range(s) in the imported text, e.g. "1480-1485"
ALLOWED_KEYS = frozenset(COLUMNS) | frozenset(ITEM_PARTS) | {SOURCE_LINES}


def item_raw(row: dict) -> str | None:
    """The 項目 as printed: the single cell, or the extended layout's cells joined by " > "."""
    if row.get("項目") not in (None, ""):
        return str(row["項目"])
    parts = [str(row[k]) for k in ITEM_PARTS if row.get(k) not in (None, "")]
    return " > ".join(parts) if parts else None


def legacy_object(row: dict) -> dict:
    """The `legacy` object of generate's JSON: every printed column, raw, null where absent."""
    out = {json_key: row.get(yaml_key) for yaml_key, json_key in COLUMNS.items()}
    out["item_raw"] = item_raw(row)
    return out
