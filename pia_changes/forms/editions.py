"""The 様式 editions published since 平成26年, and what moved between them (issue 26, item 4).

A cover prints its edition: 「[平成30年5月 様式4]」. A document of an older edition is imported into
the current form (the schemas' `version`): an item that an older edition prints under another label
is placed where the current form has it (its older labels count for the label matcher and the body
reader alike), and what the current form cannot hold stays under 未配置, with a notice naming the
edition. The table holds only what a source shows; nothing is mapped from recollection.

The editions (the 委員会's own texts could not be read here; each is known from covers that print it):
- 平成26年4月 — the first 様式 (特定個人情報保護評価指針, 平成26年特定個人情報保護委員会告示第4号): 大阪市
  地方税事務 全項目評価書 (公表 平成29年12月11日, 「平成 26 年 4 月様式 4」), 笛吹市 個人住民税関係事務
  重点項目評価書 (平成30年6月18日, 「[ 平成 26 年 4 月様式 3]」), 赤磐市 and 和光市 基礎項目評価書 (様式2);
  copies on docsplayer.net and expydoc.com (search corpus "pages").
- 平成28年1月 — the 特定個人情報保護委員会 became the 個人情報保護委員会 on 平成28年1月1日; named in issue 26.
  No published copy of this edition was found.
- 平成29年5月 — printed on the 委員会's 基礎項目評価書 記載要領 「[平成29年5月 様式2]」 (123deta.com copy).
- 平成30年5月 — after the 指針 review of 平成30年5月21日 (平成30年個人情報保護委員会告示第2号, ppc.go.jp):
  札幌市 介護保険に関する事務 全項目評価書 (令和2年11月24日, 「[平成30年5月 様式4]」, pdfslide.net copy).
- 令和6年10月 — the current one (指針 revised 令和6年3月22日, applied from 令和6年10月1日): seeds 001 and 004.

What moved (MOVED, each entry with its source):
- 「②所属長」 → 「②所属長の役職名」 (Ⅰ 担当部署, all three forms) from 平成30年5月: 赤磐市's 平成26年4月
  様式2 prints ②所属長; 004's 変更箇所 row of 平成30年11月15日 turns 「介護保険課長 藤波 康彰」 into
  「介護保険課長」 as 「記載廃止による変更」, i.e. the name is no longer asked for; 様式3/4 of 令和6年10月
  print ②所属長の役職名.
- 「特定個人情報保護委員会承認日」 → 「個人情報保護委員会 承認日」 (全項目 cover) from 平成28年1月: 大阪市's
  平成26年4月 様式4 cover prints the older name of the 委員会.
- 重点項目 Ⅲ 7 「⑨過去3年以内に、…重大事故が発生したか」 → 「②…」 from 平成30年5月: 004's rows up to
  平成30年11月15日 print ⑨, those from 令和2年10月22日 on print ②. A commentary on the 平成26年 指針
  (nihombashi-sr.com, 2015) cites 重点項目 Ⅲ7 ② already, so ⑨ may be 川口市's own; either way it
  names the same item.

What the current form lacks: no item of an older edition could be shown, from a source, to be missing
from the 令和6年10月 form, so there is no list of them. A rule stands in (importer/obsolete.py): in an
older edition's tab-separated text, a row whose numbered label (「⑦…」, 「3. …」, 「リスク2：…」) no label
of the current form or of this table matches goes whole to 未配置, named in a notice.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from pia_changes.text.normalise import nfkc
from pia_changes.text.wareki import parse_date


@dataclass(frozen=True)
class Edition:
    name: str  # as the cover prints it: 平成30年5月

    @property
    def start(self) -> dt.date:
        day = parse_date(f"{self.name}1日")
        assert day is not None, self.name
        return day


EDITIONS = tuple(Edition(n) for n in ("平成26年4月", "平成28年1月", "平成29年5月", "平成30年5月", "令和6年10月"))
CURRENT = EDITIONS[-1]
YOSHIKI = {"2": "基礎項目", "3": "重点項目", "4": "全項目"}


@dataclass(frozen=True)
class Moved:
    """An item an older edition printed under LABEL; PATH is its node in the current form (ids from the
    top section, sub-sections included), printed so up to and including the edition UNTIL."""

    form: str
    path: str
    label: str
    until: str


MOVED = (
    *(Moved(form, "I/dept_section/dept_head", "②所属長", "平成29年5月") for form in ("全項目", "重点項目", "基礎項目")),
    *(Moved("全項目", "cover/approved", label, "平成26年4月")
      for label in ("特定個人情報保護委員会承認日", "特定個人情報保護委員会承認日【行政機関等のみ】")),
    *(Moved("重点項目", path, "⑨過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか", "平成29年5月")
      for path in ("III/file/storage/storage_r1/accident_section",
                   "III/file/storage/storage_r1/accident_section/accident")),
)


@dataclass(frozen=True)
class CoverEdition:
    """The cover's 「[平成30年5月 様式4]」: the edition as printed, the form it names, the known
    edition it follows (the latest published on or before it), None for a date before 平成26年4月."""

    printed: str  # 平成30年5月 (NFKC, no spaces)
    yoshiki: str  # 4
    edition: Edition | None

    @property
    def version(self) -> str:
        """The value of 様式版: 「平成30年5月 様式4」."""
        return f"{self.printed} 様式{self.yoshiki}"

    @property
    def form(self) -> str | None:
        return YOSHIKI.get(self.yoshiki)


# 「[令和６年10月　様式４]」「[ 平成 26 年 4 月様式 3]」「平成 26 年 4 月様式 4」 (brackets lost by the extraction)
_COVER = re.compile(r"[\[［〔【(（]?\s*((?:令和|平成)\s*(?:元|\d{1,2})\s*年\s*\d{1,2}\s*月)\s*様式\s*(\d)\s*[\]］〕】)）]?")


def read_cover_edition(line: str) -> CoverEdition | None:
    """The edition a cover line prints, bracketed or standing alone on its line (extractions drop the
    brackets); None for any other line."""
    text = nfkc(line).strip()
    m = _COVER.search(text)
    if m is None or (not _bracketed(m[0]) and m[0].strip() != text):
        return None
    printed = "".join(m[1].split())
    day = parse_date(f"{printed}1日")
    if day is None:
        return None
    known = [e for e in EDITIONS if e.start <= day]
    return CoverEdition(printed, m[2], known[-1] if known else None)


def _bracketed(text: str) -> bool:
    return text.lstrip()[:1] in "[［〔【(（" and text.rstrip()[-1:] in "]］〕】)）"


def is_older(edition: Edition | None) -> bool:
    return edition is not None and edition != CURRENT


@lru_cache(maxsize=None)
def _moved_by_form(form: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for moved in MOVED:
        if moved.form == form:
            out.setdefault(moved.path, []).append(moved.label)
    return {path: tuple(labels) for path, labels in out.items()}


def older_labels(form: str, path: str) -> tuple[str, ...]:
    """Labels the older editions printed for the item at PATH of FORM (any edition: a 変更箇所 table
    runs across editions, 004's from 平成28年 to 令和7年)."""
    return _moved_by_form(form).get(path, ())
