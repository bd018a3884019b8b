"""組織の名称の変更 (domain.md: Exempt changes to ※ items): which edits only rename an organisation.

Formal when the configured renames explain the edit, or two names of the same kind keep part of
the name; a person confirms any other organisation swapped for another. Never a place (a room,
building or data centre) or a system, and never inside 保管場所, where only configured renames apply.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from pia_changes.classify.textedits import common_ends, edits, word_around, word_tail
from pia_changes.forms import Node
from pia_changes.text.normalise import compare_key

ORG_SUFFIXES = ("課", "室", "係", "部", "局", "所", "署", "庁", "省", "センター", "会社", "機構", "協会",
                "組合", "法人", "担当", "委員会", "事業団", "公社", "連合会", "支社", "支店", "グループ",
                "責任者", "管理者")  # …and posts (特定個人情報管理責任者): named by the organisation
PLACE_SUFFIXES = ("庁舎", "棟", "館", "階", "ビル", "施設", "倉庫", "書庫", "金庫", "ルーム", "サーバ", "サーバー",
                  "データセンター", "クラウド", "拠点", "電算室", "電算機室", "サーバ室", "サーバー室", "機械室",
                  "マシン室", "端末", "システム")
PLACE_ITEM_WORDS = ("保管場所", "場所")
ORG_KINDS = (("省", "庁", "委員会"), ("部", "局"), ("課", "室", "担当", "グループ", "センター"), ("係",),
             ("所", "署", "支社", "支店"), ("会社", "法人", "機構", "協会", "組合", "事業団", "公社", "連合会"),
             ("責任者", "管理者"))
_ORG_UNIT = re.compile(r"(?<=[部局課室係省庁])(?=[\u4e00-\u9fff\u30a1-\u30fa])")
_ORG_DOT = re.compile(r"(?<=[\u4e00-\u9fff])・(?=[\u4e00-\u9fff])")
ORG_STRETCH_MAX = 80  # characters from the first to the last edit of an organisation swap
COMPANY_STEM = 3  # characters a renamed company keeps of its name (富士通ジャパン → 富士通Japan)
COMPANY_PREFIXES = ("株式会社", "有限会社", "合同会社", "一般社団法人", "一般財団法人", "公益財団法人")


def is_org_word(word: str) -> bool:
    return len(word) >= 3 and (word.endswith(ORG_SUFFIXES) or word.startswith(COMPANY_PREFIXES))


def org_renamed(a: str, b: str, renames: dict[str, str]) -> bool:
    """組織改正: the edit is exactly the configured old names replaced by their new names."""
    ka, kb = compare_key(a), compare_key(b)
    pairs = [(compare_key(old), compare_key(new)) for old, new in renames.items()]
    pairs = sorted((p for p in pairs if p[0] and p[0] != p[1] and p[0] in ka), key=lambda p: -len(p[0]))
    if not pairs or ka == kb:
        return False
    for n, (old, _) in enumerate(pairs):
        ka = ka.replace(old, f"\x00{n}\x00")
    for n, (_, new) in enumerate(pairs):
        ka = ka.replace(f"\x00{n}\x00", new)
    return ka == kb


def org_word_swapped(node: Node, a: str, b: str, renamed: bool = True) -> bool:
    """Every edit stays inside one organisation or company name. RENAMED: swapped for a name of
    the same kind that keeps part of it (マイナンバー課 → マイナンバー推進課, 地域・市民生活部 →
    市民生活部): plainly the same body renamed; else any organisation for another (法務省 →
    出入国在留管理庁, 課 → 係), which a person must confirm. Never in an item that says where the
    data is kept (a room or data centre there is a place: only the configured renames apply), and
    never a place or a system on either side (domain.md: 組織の名称の変更)."""
    if any(w in node.key + node.label for w in PLACE_ITEM_WORDS):
        return False
    ka, kb = (_ORG_DOT.sub("", compare_key(x)) for x in (a, b))  # 地域・市民生活部: one name
    if _differing_stretch(ka, kb) > ORG_STRETCH_MAX:  # a rename touches one short stretch
        return False
    ops = edits(ka, kb)
    if not ka or not kb or not ops:
        return False
    for _, i1, i2, j1, j2 in ops:
        changed = ka[i1:i2] + kb[j1:j2]
        if re.search(r"[、,・/()（）「」\d]|及び|並びに", changed):
            return False
        word_a, word_b = word_around(ka, i1, i2), word_around(kb, j1, j2)
        head_a = word_a[:len(word_a) - len(word_tail(ka, i2))]
        head_b = word_b[:len(word_b) - len(word_tail(kb, j2))]
        whole = _org_pair(word_a, word_b, renamed)
        leading = _org_pair(head_a, head_b, renamed)  # 法務省情報連携端末 → 出入国在留管理庁情報連携端末
        if word_a == word_b or not (whole or leading):
            return False
    return True


def _differing_stretch(a: str, b: str) -> int:
    """The length of the longer side once the common head and tail are cut off."""
    head, tail = common_ends(a, b)
    return max(len(a), len(b)) - head - tail


def _org_pair(a: str, b: str, renamed: bool) -> bool:
    """Both plainly organisation names, neither a place nor a system; RENAMED: of one kind
    (課/室, 部/局 …) and sharing a stem of two characters or more besides the suffix."""
    if not (is_org_word(a) and is_org_word(b)) or any(w.endswith(PLACE_SUFFIXES) for w in (a, b)):
        return False
    if not renamed:
        return True
    if all("会社" in w for w in (a, b)):  # a company reorganising itself and its own units
        corp_a, corp_b = (re.sub("|".join(COMPANY_PREFIXES), "", w.split("会社")[0] + "会社") for w in (a, b))
        return SequenceMatcher(None, corp_a, corp_b, autojunk=False).find_longest_match(
            0, len(corp_a), 0, len(corp_b)).size >= COMPANY_STEM
    units_a, units_b = _ORG_UNIT.split(a), _ORG_UNIT.split(b)  # 川口市福祉部|介護保険課
    left = [u for u in units_a if u and u not in units_b]
    right = [u for u in units_b if u and u not in units_a]
    if len(left) != 1 or len(right) != 1:
        return False
    old, new = left[0], right[0]
    stem_a, stem_b = (w[:len(w) - len(_org_suffix(w) or "")] for w in (old, new))
    shared = SequenceMatcher(None, stem_a, stem_b, autojunk=False).find_longest_match(0, len(stem_a), 0, len(stem_b))
    return _org_kind(old) == _org_kind(new) and shared.size >= 2


def _org_suffix(word: str) -> str | None:
    return max((s for s in ORG_SUFFIXES if word.endswith(s)), key=len, default=None)


def _org_kind(word: str) -> int | None:
    """Which of ORG_KINDS a name belongs to, by its prefix (株式会社…) or its longest suffix."""
    if word.startswith(COMPANY_PREFIXES):
        return next(n for n, kind in enumerate(ORG_KINDS) if "会社" in kind)
    suffix = _org_suffix(word)
    return next((n for n, kind in enumerate(ORG_KINDS) if suffix in kind), None)
