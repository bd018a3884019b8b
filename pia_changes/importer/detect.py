"""Which form a text is: the title line 「特定個人情報保護評価書（全項目評価書）」, the cover's
「[令和6年10月 様式4]」, or, when the extraction starts after the cover, the form whose labels the
text prints most (with a notice)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pia_changes.errors import PiaError
from pia_changes.forms import FORM_FILES, load_form
from pia_changes.importer.schema_index import label_index
from pia_changes.text.normalise import nfkc

_TITLE = re.compile(r"(全項目|重点項目|基礎項目)評価書")
_YOSHIKI = re.compile(r"[\[［〔【]\s*((?:令和|平成)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月)\s*様式\s*(\d)\s*[\]］〕】]")
_YOSHIKI_FORMS = {"2": "基礎項目", "3": "重点項目", "4": "全項目"}
_HEAD_LINES = 80  # the cover sits at the top; 001's scrambled cover still prints both within it
_MIN_LABELS = 8  # distinct labels of one form a text must print to be taken for it without a title


@dataclass(frozen=True)
class Detected:
    form: str
    version: str | None  # 「令和6年10月 様式3」 as printed (NFKC, one space), or None
    title_lines: frozenset[int]  # indexes of the title and 様式 lines: structure, not content
    notices: tuple[str, ...] = ()


def detect_form(lines: list[str], forced: str | None, source_name: str) -> Detected:
    """The form of LINES; FORCED (the user's --form) wins over what the text says, with a notice."""
    title, version, used = _cover(lines)
    notices: list[str] = []
    if forced is not None:
        if forced not in FORM_FILES:
            raise PiaError(f"未知の様式です: {forced}（全項目・重点項目・基礎項目のいずれか）", file=source_name)
        if title and title != forced:
            notices.append(f"本文は{title}評価書ですが、指定どおり{forced}として取り込みました")
        return Detected(forced, version, frozenset(used), tuple(notices))
    if title:
        return Detected(title, version, frozenset(used), ())
    form, labels = _by_labels(lines)
    if form is None:
        raise PiaError("特定個人情報保護評価書のテキストとして読めません（表紙の「特定個人情報保護評価書（全項目評価書）」"
                       "などの題名も「[令和6年10月 様式4]」も、「Ⅰ 基本情報」などの項目名も見つかりません）",
                       file=source_name)
    notices.append(f"題名も様式の表示もないため、項目名（{labels} 種）から{form}評価書と判定しました"
                   "（違う場合は --form で指定してください）")
    return Detected(form, version, frozenset(used), tuple(notices))


def _cover(lines: list[str]) -> tuple[str | None, str | None, list[int]]:
    title = version = None
    used: list[int] = []
    for j, line in enumerate(lines[:_HEAD_LINES]):
        text = nfkc(line).strip()
        if title is None and (m := _TITLE.search(text)) and "特定個人情報保護評価書" in text and len(text) < 40:
            title = m[1]
            used.append(j)
        elif version is None and (m := _YOSHIKI.search(text)):
            version = "".join(m[1].split()) + f" 様式{m[2]}"
            used.append(j)
            yoshiki_form = _YOSHIKI_FORMS.get(m[2])
            if title is None and yoshiki_form:
                title = yoshiki_form
    return title, version, used


def _by_labels(lines: list[str]) -> tuple[str | None, int]:
    """The form whose labels (numbered, as printed) most lines start with."""
    best: tuple[int, str | None] = (0, None)
    for name in FORM_FILES:
        index = label_index(load_form(name))
        seen = set()
        for line in lines:
            hit = index.cell(line.split("\t")[0])
            if hit is not None and index.is_primary(hit.key):
                seen.add(hit.key)
        if len(seen) > best[0]:
            best = (len(seen), name)
    return (best[1], best[0]) if best[0] >= _MIN_LABELS else (None, best[0])
