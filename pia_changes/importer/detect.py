"""Which form and edition a text is: the title line 「特定個人情報保護評価書（全項目評価書）」 (spaces and
half-width brackets too: 「特定個人情報保護評価書 ( 全項目評価書 )」), the cover's 「[平成30年5月 様式4]」
(any edition since 平成26年, forms.editions), or, when the extraction starts after the cover, the
top-level headings only one form prints (「Ⅰ 関連情報」 is 基礎項目's), else the form whose labels the
text prints most (with a notice)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pia_changes.errors import PiaError
from pia_changes.forms import FORM_FILES, load_form
from pia_changes.forms.editions import CURRENT, Edition, is_older, read_cover_edition
from pia_changes.importer.schema_index import label_index, squashed
from pia_changes.text.normalise import nfkc, squeeze

_TITLE = re.compile(r"(全項目|重点項目|基礎項目)評価書")
_FULL_TITLE = re.compile(r"特定個人情報保護評価書[(（]?(全項目|重点項目|基礎項目)評価書[)）]?")
_HEAD_LINES = 80  # the cover sits at the top; 001's scrambled cover still prints both within it
_MIN_LABELS = 8  # distinct labels of one form a text must print to be taken for it without a title


@dataclass(frozen=True)
class Detected:
    form: str
    version: str | None  # 「令和6年10月 様式3」 as printed (NFKC, one space), or None
    title_lines: frozenset[int]  # indexes of the title and 様式 lines: structure, not content
    notices: tuple[str, ...] = ()
    edition: Edition | None = None  # the known edition the cover's follows; None when it prints none


def detect_form(lines: list[str], forced: str | None, source_name: str) -> Detected:
    """The form of LINES; FORCED (the user's --form) wins over what the text says, with a notice."""
    title, cover, used = _cover(lines)
    version = cover.version if cover else None
    edition = cover.edition if cover else None
    notices = _edition_notices(cover)
    if forced is not None:
        if forced not in FORM_FILES:
            raise PiaError(f"未知の様式です: {forced}（全項目・重点項目・基礎項目のいずれか）", file=source_name)
        if title and title != forced:
            notices.append(f"本文は{title}評価書ですが、指定どおり{forced}として取り込みました")
        return Detected(forced, version, frozenset(used), tuple(notices), edition)
    if title:
        return Detected(title, version, frozenset(used), tuple(notices), edition)
    form, heading = _by_headings(lines)
    if form is not None:
        notices.append(f"題名も様式の表示もないため、見出し「{heading}」から{form}評価書と判定しました"
                       "（違う場合は --form で指定してください）")
        return Detected(form, version, frozenset(used), tuple(notices), edition)
    form, labels = _by_labels(lines)
    if form is None:
        raise PiaError("特定個人情報保護評価書のテキストとして読めません（表紙の「特定個人情報保護評価書（全項目評価書）」"
                       "などの題名も「[令和6年10月 様式4]」も、「Ⅰ 基本情報」などの項目名も見つかりません）",
                       file=source_name)
    notices.append(f"題名も様式の表示もないため、項目名（{labels} 種）から{form}評価書と判定しました"
                   "（違う場合は --form で指定してください）")
    return Detected(form, version, frozenset(used), tuple(notices), edition)


def _edition_notices(cover) -> list[str]:
    if cover is None or not (cover.edition is None or is_older(cover.edition)):
        return []
    if cover.edition is None:
        return [f"表紙の様式の版［{cover.version}］は平成26年4月より前の日付です。現行の様式（{CURRENT.name}）として"
                "取り込みました"]
    return [f"表紙の様式は［{cover.version}］（{cover.edition.name}版）です。現行の様式（{CURRENT.name}）に"
            "合わせて取り込みました。版によって移動した項目は現行の位置に置き、現行の様式に置けない記載は未配置に"
            "残しています"]


def _cover(lines: list[str]):
    title = cover = None
    used: list[int] = []
    for j, line in enumerate(lines[:_HEAD_LINES]):
        text = nfkc(line).strip()
        if title is None and (found := _title(text)) is not None:
            title, alone = found
            if alone:
                used.append(j)
        elif cover is None and (cover := read_cover_edition(text)) is not None:
            used.append(j)
            if title is None and cover.form:
                title = cover.form
    return title, cover, used


def _title(text: str) -> tuple[str, bool] | None:
    """The form a title line names, and whether the line holds the title alone (a line that goes on
    with 「評価書番号 評価書名 …」, as some extractions print the cover, keeps its content)."""
    flat = squeeze(text)
    if m := _FULL_TITLE.search(flat):
        return m[1], len(flat) - len(m[0]) < 4
    if (m := _TITLE.search(text)) and "特定個人情報保護評価書" in text and len(text) < 40:
        return m[1], True
    return None


def _by_headings(lines: list[str]) -> tuple[str | None, str]:
    """The form whose own top-level headings the text prints as lines of their own, when only one
    form's do: 「Ⅰ 関連情報」「Ⅱ しきい値判断項目」 are 基礎項目's, 「Ⅵ 評価実施手続」 全項目's."""
    own: dict[str, tuple[str, str]] = {}
    seen_in: dict[str, set[str]] = {}
    for name in FORM_FILES:
        for top in load_form(name).nodes:
            key = squashed(top.label)
            seen_in.setdefault(key, set()).add(name)
            own[key] = (name, top.label)
    printed = {squashed(line.split("\t")[0]) for line in lines if line.strip()}
    forms = {own[key] for key in printed if key in own and len(seen_in[key]) == 1}
    names = {name for name, _ in forms}
    if len(names) != 1:
        return None, ""
    return names.pop(), min(label for _, label in forms)


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
