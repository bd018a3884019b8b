"""和暦 ⇄ ISO dates. Published documents and trailers write 令和7年6月1日, 令和元年, 平成31年 alike."""
from __future__ import annotations
from pia_changes.text.normalise import nfkc

import datetime as dt
import re

ERAS = (  # (name, first day); newest first
    ("令和", dt.date(2019, 5, 1)),
    ("平成", dt.date(1989, 1, 8)),
    ("昭和", dt.date(1926, 12, 25)),
)
_WAREKI = re.compile(r"^(令和|平成|昭和)\s*(元|\d{1,2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$|^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")


def parse_date(value: object) -> dt.date | None:
    """A date from ISO (2025-06-01, 2016/01/01), 西暦 (2025年6月1日) or 和暦 text; None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    text = nfkc(str(value)).strip()
    try:
        if m := _ISO.match(text):
            year, month, day = (g for g in m.groups() if g is not None)
            return dt.date(int(year), int(month), int(day))
        if m := _WAREKI.match(text):
            start = dict(ERAS)[m[1]]
            year = start.year + (1 if m[2] == "元" else int(m[2])) - 1
            return dt.date(year, int(m[3]), int(m[4]))
    except ValueError:
        return None
    return None


def format_wareki(day: dt.date, gannen: bool = True) -> str:
    """令和7年6月1日; the first year of an era prints 元年 unless gannen is False."""
    for name, start in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            year_text = "元" if year == 1 and gannen else str(year)
            return f"{name}{year_text}年{day.month}月{day.day}日"
    return day.isoformat()
