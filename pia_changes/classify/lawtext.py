"""法令改正に伴う条項等の変更: is an edit only a law renamed or renumbered?

Two texts are compared after reducing each law citation to a canonical form: the long title of
番号法 to 番号法, 漢数字 to digits, the numbers of 第N条/項/号 masked (番号法第19条第7号 → 第8号,
規則の条ずれ), 別表第二 and its successor 「番号法第19条第8号に基づく利用特定個人情報の提供に関する
命令（第2条の表）」 (and the 主務省令 of 別表第二) to one token, 別表第一 to 別表 (令和6年の改正).
When a table was renamed that way, the lists of 項 numbers printed with it are renumbered too and
are masked as well; without such a rename a changed list of 項 is new content, not renumbering.
"""
from __future__ import annotations
from pia_changes.text.normalise import squeeze

import re
from functools import lru_cache
from collections.abc import Callable

_KANJI_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"第([〇一二三四五六七八九十百千]+)")
_BANGO_TITLE = re.compile(r"行政手続き?における特定の個人を識別するための番号の利用等に関する法律"
                          r"(?:\(以下[「『]?番号法[」』]?という。?\))?")
_ARTICLE = re.compile(r"第\d+(条|項|号)(?:の\d+)?")
_TABLE2_NEW = re.compile(r"番号法第#条第#号(?:\([^)]*\))?に基づく(?:利用法?特定個人情報の提供に関する命令|主務省令)"
                         r"(?:\(以下[^)]*\))?(?:第#条の?表)?")
_TABLE2_OLD = re.compile(r"(?:番号法第#条第#号(?:\([^)]*\))?(?:及び)?)?別表第2(?!\d)")
_TABLE2_ORDINANCE = re.compile(r"番号法別表第2の主務省令で定める事務及び情報を定める命令")
_TABLE1_ORDINANCE = re.compile(r"番号法別表(?:第1)?の主務省令で定める事務を定める命令")
_TABLE1 = re.compile(r"別表第1(?!\d)")
_NUMBER_LIST = re.compile(r"\d+(?:の\d+)?(?:[、,]\d+(?:の\d+)?)+")


def _kanji_to_int(text: str) -> int:
    total, digit = 0, 0
    for char in text:
        if char in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[char]
        else:
            total += (digit or 1) * _KANJI_UNITS[char]
            digit = 0
    return total + digit


@lru_cache(maxsize=256)  # each rule that reads a change asks for the same texts' keys
def _plain(text: str) -> str:
    text = squeeze(text)
    text = _BANGO_TITLE.sub("番号法", text)
    text = _KANJI_NUMBER.sub(lambda m: f"第{_kanji_to_int(m.group(1))}", text)
    return _ARTICLE.sub(lambda m: f"第#{m.group(1)}", text)


@lru_cache(maxsize=256)  # each rule that reads a change asks for the same texts' keys
def _tables(text: str) -> str:
    text = text.replace("別表第2における", "表における")  # (別表第二における情報提供の根拠) → (表における…)
    text = _TABLE2_ORDINANCE.sub("〈別表第二〉", text)
    text = _TABLE2_NEW.sub("〈別表第二〉", text)
    text = _TABLE2_OLD.sub("〈別表第二〉", text)
    text = _TABLE1_ORDINANCE.sub("〈別表第一命令〉", text)
    return _TABLE1.sub("別表", text)


def law_renumbered(a: str, b: str, small_edit: Callable[[str, str], bool]) -> bool:
    """True when a and b differ and agree once their law citations are reduced to one form.

    `small_edit(x, y)` decides whether a remaining difference is a typo-sized one (000 row 17
    also drops a 「を」 while renaming the table).
    """
    pa, pb = _plain(a), _plain(b)
    ta, tb = _tables(pa), _tables(pb)
    if squeeze(a) == squeeze(b):
        return False
    if "第#" not in ta + tb and "別表" not in ta + tb:
        return False
    if ta == tb or small_edit(ta, tb):
        return True
    table_renamed = _NUMBER_LIST.sub("#", pa) != _NUMBER_LIST.sub("#", pb)
    if not table_renamed:
        return False
    la, lb = _NUMBER_LIST.sub("#", ta), _NUMBER_LIST.sub("#", tb)
    return la == lb or small_edit(la, lb)


_TABLE2_CITED = re.compile(r"別表第2(?!\d)")
_TABLE1_CITED = re.compile(r"別表第1(?!\d)")
_TABLE2_SUCCESSOR = re.compile(r"番号法第#条第#号(?:\([^)]*\))?に基づく(?:利用法?特定個人情報の提供に関する命令|主務省令)")
_TABLE1_SUCCESSOR = re.compile(r"番号法第#条第#項(?:\([^)]*\))?別表(?!第\d)")


def law_table_replaced(a: str, b: str) -> bool:
    """The tables of 番号法 replaced by their successors (令和6年の改正): the before cites
    別表第二 (or 別表第一) and the after no longer does but cites the successor — 「番号法第19条
    第8号に基づく利用特定個人情報の提供に関する命令」 (or 番号法第9条第1項 別表). The 項 lists
    printed with the old table cannot be compared with the new ones: a person confirms that no
    情報連携 or 利用事務 was added."""
    pa, pb = _plain(a), _plain(b)
    table2 = bool(_TABLE2_CITED.search(pa)) and not _TABLE2_CITED.search(pb) and bool(_TABLE2_SUCCESSOR.search(pb))
    table1 = bool(_TABLE1_CITED.search(pa)) and not _TABLE1_CITED.search(pb) and bool(_TABLE1_SUCCESSOR.search(pb))
    return table2 or table1
