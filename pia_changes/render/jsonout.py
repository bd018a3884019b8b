"""generate --format json: exactly the contract of design.md (Table.to_json, Row.to_json)."""
from __future__ import annotations

import json

from pia_changes.table.rows import Table


def render(tables: list[Table], *, single: bool) -> bytes:
    """One object when the user named FILE, else an array (even of one), in the caller's order."""
    data = tables[0].to_json() if single else [t.to_json() for t in tables]
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
