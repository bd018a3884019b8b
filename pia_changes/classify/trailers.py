"""Commit-message trailers: 変更日, 提出時期, 説明, 判定 — commit-wide or per item (Decisions: Trailers).

Pushed history cannot be edited, so nothing here raises: an unreadable trailer becomes a problem
(Japanese text) and the caller lets the commit date stand in.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from dataclasses import dataclass, field

from pia_changes.text.wareki import parse_date
from pia_changes.text.normalise import nfkc

# Trailer name (NFKC, casefolded) → field of Trailers.
KEYS = {
    "変更日": "change_date", "change-date": "change_date",
    "提出時期": "timing", "submission": "timing",
    "説明": "reason", "reason": "reason",
    "判定": "decision", "decision": "decision",
}
TIMINGS = ("事前", "事後")
# 判定: 非重要（理由） — 理由 → reason code (Decisions: Reason codes and default wording).
EXEMPTIONS = {
    "誤字脱字": "typo", "組織改正": "org_rename", "人事異動": "personnel", "法令改正": "law_change",
    "リスク軽減": "risk_reduced", "記載例": "national_example", "その他": "other_item",
}
_NAMES = {"change_date": "変更日", "timing": "提出時期", "reason": "説明", "decision": "判定"}
_KEY = re.compile(r"^(?P<key>[^\s:：\[［]+)\s*")
_COLON = re.compile(r"^\s*[:：]\s*")
_SCISSORS = re.compile(r"^# -+ >8 -+$", re.MULTILINE)
_DECISION = re.compile(r"^非重要\s*\((?P<why>[^)]*)\)$")


@dataclass(frozen=True)
class Decision:
    """判定: a person's decision. reason_code is None for 重要: the classifier keeps its own
    important code (important_item or threshold)."""

    important: bool
    reason: str | None = None        # the printed 理由 (誤字脱字 …), None for 重要
    reason_code: str | None = None   # typo, org_rename, … for 非重要


@dataclass(frozen=True)
class Trailers:
    change_date: dt.date | None = None
    timing: str | None = None          # 事前 | 事後
    reason: str | None = None          # 説明
    decision: Decision | None = None   # 判定
    per_item: dict[str, dict[str, object]] = field(default_factory=dict)  # ITEM → {field: value}
    problems: list[str] = field(default_factory=list)

    def get(self, name: str, item: str | None = None) -> object:
        """The value of field NAME for ITEM (as written in the trailer), else the commit-wide one."""
        if item is not None and name in self.per_item.get(item, {}):
            return self.per_item[item][name]
        return getattr(self, name)


@lru_cache(maxsize=1024)
def parse_trailers(message: str) -> Trailers:
    """The result is shared between callers (a commit's message is read at each step): treat it
    as read-only. Read the trailers of the last paragraph of MESSAGE (also a commit-msg file with comments)."""
    values: dict[str, object] = {}
    per_item: dict[str, dict[str, object]] = {}
    problems: list[str] = []
    for name, item, raw in _trailer_lines(_last_paragraph(message)):
        label = _NAMES[name] + (f"[{item}]" if item is not None else "")
        if item == "":
            problems.append(f"{_NAMES[name]}[] の項目名が空です")
            continue
        value = _convert(name, raw, label, problems)
        if value is None:
            continue
        target = values if item is None else per_item.setdefault(item, {})
        _store(target, name, value, label, problems)
    return Trailers(per_item=per_item, problems=problems, **values)  # type: ignore[arg-type]


def _last_paragraph(message: str) -> list[str]:
    """Lines of the last paragraph; git's comment lines and everything after the scissors dropped."""
    message = message.replace("\r\n", "\n").replace("\r", "\n")
    if m := _SCISSORS.search(message):
        message = message[: m.start()]
    paragraph: list[str] = []
    current: list[str] = []
    for line in message.split("\n"):
        if line.startswith("#"):
            continue
        if line.strip():
            current.append(line)
        elif current:
            paragraph, current = current, []
    return current or paragraph


def _trailer_lines(lines: list[str]):
    """(field, item or None, value) for each known trailer; indented lines continue the previous one."""
    found: list[list] = []
    previous_known = False
    for line in lines:
        if line[:1].isspace():
            if previous_known and found:
                found[-1][2] += "\n" + line.strip()
            continue
        parsed = _split(line.strip())
        name = KEYS.get(nfkc(parsed[0]).casefold()) if parsed else None
        previous_known = name is not None
        if parsed and name is not None:
            item = None if parsed[1] is None else nfkc(parsed[1]).strip()
            found.append([name, item, parsed[2].strip()])
    return [tuple(f) for f in found]


def _split(line: str) -> tuple[str, str | None, str] | None:
    """KEY[ITEM]: VALUE → (KEY, ITEM or None, VALUE). ITEM may hold brackets itself (item ids do)."""
    m = _KEY.match(line)
    if not m:
        return None
    rest, item = line[m.end():], None
    if rest[:1] in ("[", "［"):
        depth = 0
        for i, char in enumerate(rest):
            depth += 1 if char in "[［" else -1 if char in "]］" else 0
            if depth == 0:
                item, rest = rest[1:i], rest[i + 1:]
                break
        else:
            return None
    colon = _COLON.match(rest)
    return (m["key"], item, rest[colon.end():]) if colon else None


def _convert(name: str, raw: str, label: str, problems: list[str]) -> object:
    if not raw:
        problems.append(f"{label} の値が空です")
        return None
    if name == "change_date":
        day = parse_date(raw)
        if day is None:
            problems.append(f"{label} を日付として読めません: {raw}（2025-06-01 または 令和7年6月1日 の形で）")
        return day
    if name == "timing":
        text = nfkc(raw).strip()
        if text not in TIMINGS:
            problems.append(f"{label} は「事前」か「事後」で書いてください: {raw}")
            return None
        return text
    if name == "decision":
        return _decision(raw, label, problems)
    return raw


def _decision(raw: str, label: str, problems: list[str]) -> Decision | None:
    text = nfkc(raw).strip()
    if text == "重要":
        return Decision(important=True)
    m = _DECISION.match(text)
    if m and m["why"].strip() in EXEMPTIONS:
        why = m["why"].strip()
        return Decision(important=False, reason=why, reason_code=EXEMPTIONS[why])
    problems.append(f"{label} を読めません: {raw}（「重要」または「非重要（理由）」、理由は "
                    f"{'・'.join(EXEMPTIONS)} のいずれか）")
    return None


def _store(target: dict[str, object], name: str, value: object, label: str, problems: list[str]) -> None:
    """A repeated 説明 adds a line; a repeated other trailer must agree with the first."""
    if name not in target:
        target[name] = value
    elif name == "reason":
        target[name] = f"{target[name]}\n{value}"
    elif target[name] != value:
        problems.append(f"{label} が2回、違う値で書かれています（最初の値を使います）")
