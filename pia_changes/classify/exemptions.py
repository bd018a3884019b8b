"""The exempt kinds of change to a ※ item (domain.md: Exempt changes to ※ items).

A change to a ※ item is not a 重要な変更 when it does not vary, to a considerable degree, the risk
of 漏えいその他の事態 (規則第11条, 指針第6の2(2)). Two strengths of that judgement live here:
`formal_exemption` recognises the formal kinds with confidence (誤字脱字, 組織改正 from the
configured renames, 人事異動, 法令改正 renumbering); `proposed_exemption` recognises the kinds a
person must confirm (リスク軽減, 国の記載例, an organisation rename nobody configured). Both read
only the text and the schema node through general rules: the same code meets tables of
municipalities nobody here has seen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pia_changes.forms import Node
from pia_changes.classify.lawtext import law_renumbered, law_table_replaced
from pia_changes.classify.orgnames import is_org_word, org_renamed, org_word_swapped
from pia_changes.classify.textedits import edits, terms, whole_word_within, word_around
from pia_changes.text.normalise import compare_key, html_to_text, nfkc

TYPO_MAX_CHARS = 5      # 誤字脱字: "a few characters" changed in all …
TYPO_MAX_EDITS = 3      # … in at most this many places …
TYPO_MIN_RATIO = 10     # … of a text at least ten times as long as the edit
TYPO_MAX_SWAP = 2       # 誤字 swaps a character or two; a longer swap is a new word, not a typo

_BLANKS = {"", "－", "—", "-", "ー", "―", "‐", "−", "─"}
_KATAKANA = re.compile(r"[\u30a1-\u30fa]")
_DIGIT_OR_REF = re.compile(r"[0-9条項号]")
# Words that turn a sentence's meaning round: an edit touching them is never a mere typo. The
# conjunctions too: 「甲又は乙が対応する」 and 「甲及び乙が対応する」 name different parties.
_MEANING = re.compile(r"ない|なし|無|不|非|未|否|禁|以上|以下|以外|以内|未満|超|除|全|のみ|限|可|必|要|廃止|停止|削除"
                      r"|又は|及び|並びに|若しくは")
_LAW_WORD = re.compile(r"法律|法令|条例|政令|省令|府令|規則|告示|命令|施行令|要綱|(?<![方手用作寸技文])法")
# Vocabulary of safety measures (domain.md step 4: a stronger measure) …
MEASURE_TERMS = ("暗号", "施錠", "鍵", "二要素", "多要素", "生体", "認証", "パスワード", "監視", "ログ",
                 "記録", "研修", "教育", "点検", "監査", "チェック", "制限", "限定", "防止", "承認", "入退室",
                 "入退館", "警備", "照合", "ウイルス", "ウィルス", "ファイアウォール", "遮断", "消去",
                 "溶解", "粉砕", "権限", "セキュリティ", "フィルター", "複数人", "誓約", "罰則", "訓練")
# … and of new parties or routes: an added measure that brings one is a new way of handling
# the data (a cloud, a contractor), not a plain reduction of risk (domain.md step 5).
EXPOSURE_TERMS = ("クラウド", "事業者", "委託", "外部", "第三者", "提供", "移転", "連携", "持ち出", "持出",
                  "民間", "共有", "公開", "送信", "接続", "データセンター")
# New parties or places that handle the data (EXPOSURE_TERMS without the words a measure's
# own text uses for its materials: 「IPA が提供する資料」).
HANDLING_TERMS = tuple(t for t in EXPOSURE_TERMS if t not in ("提供", "共有", "公開"))
MEASURE_VERBS = ("行っている", "定めている", "残している", "制限している", "整備している", "周知している",
                 "遵守している", "実施している")
MEASURE_LABELS = ("リスク対策", "措置", "対策", "保管場所")
MEASURE_ITEM_WORD = "措置"  # Ⅲ's 「…措置の内容」 items list measures and nothing else
SCOPE_LABELS = ("範囲", "記録項目", "記録される項目", "入手元", "使用目的", "使用部署")
# Parts of the form written from the national 記載例 (中間サーバー, 住基ネット, J-LIS …).
NATIONAL_MARKERS = ("中間サーバ", "情報提供ネットワークシステム", "住基ネット", "住民基本台帳ネットワーク",
                    "地方公共団体情報システム機構", "J-LIS", "ガバメントクラウド")
_LIST_MARKER = re.compile(r"[・･●○◯■□◆◇※]|[①-⑳]|[(（][0-9０-９]{1,2}[)）]|(?:(?<=^)|(?<=\n)|(?<=\s))[0-9０-９]{1,2}[.．、)）]")
_CHOUON = re.compile(r"(?<=[\u30a1-\u30fa])ー(?![\u30a1-\u30fa\u30fc])")
_PUNCT = re.compile(r"[、。，．,.]")
_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ", "あいうえおつやゆよわアイウエオツヤユヨワカケ")
# Words that narrow a scope: deleting one widens it (「（死亡者を除く。）」 dropped).
_NARROWING = re.compile(r"除く|除き|除外|以外|のみ|限る|限り|限定|ただし|但し|に限")
_CITATION_NUMBER = re.compile(r"(第?)\d+(?=(?:条|項|号|の項))")
_NATIONAL_KEYS = tuple(nfkc(m) for m in NATIONAL_MARKERS)  # as the texts they are looked for in


@dataclass(frozen=True)
class Exemption:
    """A recognised exempt kind; `review` says why a person must confirm it (None: confident)."""

    code: str
    review: str | None = None


def as_text(typed: object, shown: str | None) -> str:
    """The text the rules read: the typed value when it is text or a list, else the shown cell."""
    if isinstance(typed, str):
        value = typed
    elif isinstance(typed, (list, tuple)):
        value = "\n".join(str(v) for v in typed)
    elif typed is not None and not isinstance(typed, dict):
        value = str(typed)
    else:
        value = shown or ""
    value = html_to_text(value)
    return "" if value.strip() in _BLANKS else value


# ---- formal kinds (confident) ------------------------------------------------------------

def is_typo(a: str, b: str) -> bool:
    """誤字脱字: a few characters in a long text, touching no digit, 条/項/号, name, law or measure.

    誤字 swaps a character or two, 脱字 adds a few, 衍字 drops a few or a passage printed twice
    in a row. Texts are compared by compare_key, so a change of width or spacing alone counts
    as a (formal) correction too.
    """
    a, b = compare_key(a), compare_key(b)
    if not a or not b:
        return False
    if len(b) - len(a) > TYPO_MAX_CHARS:  # the edits add more than that (only deletions are
        return False                      # forgiven as duplicates): skip the costly alignment
    ops = edits(a, b)
    if not ops:
        return True
    small = [e for e in ops if not _removes_duplicate(a, e)]
    if not small:
        return True
    changed = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in small)
    if len(small) > TYPO_MAX_EDITS or changed > TYPO_MAX_CHARS or changed * TYPO_MIN_RATIO > max(len(a), len(b)):
        return False
    return all(_harmless_edit(a, b, e) for e in small)


def _removes_duplicate(a: str, edit: tuple[str, int, int, int, int]) -> bool:
    tag, i1, i2, _, _ = edit
    piece = a[i1:i2]
    return tag == "delete" and len(piece) >= 2 and (a[max(0, i1 - len(piece)):i1] == piece or a[i2:i2 + len(piece)] == piece)


def _harmless_edit(a: str, b: str, edit: tuple[str, int, int, int, int]) -> bool:
    tag, i1, i2, j1, j2 = edit
    if tag == "replace" and max(i2 - i1, j2 - j1) > TYPO_MAX_SWAP:
        return False
    changed = a[i1:i2] + b[j1:j2]
    if tag == "replace" and a[i1:i2].translate(_SMALL_KANA) == b[j1:j2].translate(_SMALL_KANA):
        return True  # スキヤナ → スキャナ: the size of a kana, not the word
    context = a[max(0, i1 - 1):i2 + 1] + "|" + b[max(0, j1 - 1):j2 + 1]
    if _DIGIT_OR_REF.search(changed) or _KATAKANA.search(changed) or _MEANING.search(context):
        return False
    if (tag == "delete" and whole_word_within(a, i1, i2)) or (tag == "insert" and whole_word_within(b, j1, j2)):
        return False  # a word taken out or put in (確認を厳格に行う → 確認を行う), not a slip inside one
    word_a, word_b = word_around(a, i1, i2), word_around(b, j1, j2)
    if tag == "replace" and max(i2 - i1, j2 - j1) >= 2:
        # two characters replaced are a new term (実施 → 委託, 補助者 → 補佐役), unless the text itself
        # writes the new word elsewhere and the old one nowhere else (<…における指直> → <…における措置>)
        if not (b.count(word_b) > 1 and a.count(word_a) == 1):
            return False
    if any(is_org_word(w) or is_org_word(w.removesuffix("長")) or _LAW_WORD.search(w) for w in (word_a, word_b)):
        return False  # a name: an organisation, the post it names (介護保険課長), a law
    return terms(word_a, MEASURE_TERMS) == terms(word_b, MEASURE_TERMS)


def personnel_changed(node: Node, a: str, b: str) -> bool:
    """人事異動: on a 所属長 item, the title stays and one named person replaces another (a name
    dropped is the form no longer printing it, not a transfer)."""
    if "所属長" not in node.key + node.label:
        return False
    ta, tb = _title_and_name(a), _title_and_name(b)
    if ta is None or tb is None or ta[0] != tb[0] or ta[1] == tb[1] or not (ta[1] and tb[1]):
        return False
    return all(len(name) <= 12 and not re.search(r"\d", name) for name in (ta[1], tb[1]))


def _title_and_name(text: str) -> tuple[str, str] | None:
    """Split 「介護保険課長 渡辺 均」 into the title and the name (the name may be absent)."""
    text = nfkc(text).strip()
    if not text:
        return None
    head, _, rest = text.partition(" ")
    if rest or head.endswith("長"):
        return head, re.sub(r"\s+", "", rest)
    cut = text.rfind("長")  # no space: the title ends at its last 長 (課長, 部長, 所長 …)
    return (text[:cut + 1], text[cut + 1:]) if cut > 0 else None


def formal_exemption(node: Node, a: str, b: str, renames: dict[str, str]) -> Exemption | None:
    """The formal kinds, recognised with confidence (domain.md, sketch step 3)."""
    if personnel_changed(node, a, b):
        return Exemption("personnel")
    if renames and org_renamed(a, b, renames):
        return Exemption("org_rename")
    if org_word_swapped(node, a, b):  # both sides plainly names of the same kind
        return Exemption("org_rename")
    if a and b and law_renumbered(a, b, is_typo):
        return Exemption("law_change")
    # a box ticked or unticked is a choice made, never a slip, however short its label (その他, 紙)
    if (node.type != "checkbox" and is_typo(a, b)) or (a and b and _wording_key(a) == _wording_key(b)):
        return Exemption("typo")  # 長音 (サーバー/サーバ), list markers, punctuation: no term changed
    return None


# ---- kinds a person confirms ---------------------------------------------------------------

def proposed_exemption(node: Node, labels: tuple[str, ...], a: str, b: str,
                       old: object, new: object) -> Exemption | None:
    """The kinds that need a human judgement (domain.md, sketch step 4): proposed, never silent."""
    for rule in (_choice_improved, _scope_narrowed, _measure_added, _measure_strengthened, _measure_increased):
        found = rule(node, labels, a, b, old, new)
        if found:
            return Exemption("risk_reduced", found)
    if a and b and law_table_replaced(a, b):
        return Exemption("law_change",
                         "番号法の別表から後継の命令等への根拠規定の書換え（法令改正）と推定しました。"
                         "情報連携・利用事務の追加がないか確認してください。")
    if org_word_swapped(node, a, b, renamed=False):
        return Exemption("org_rename",
                         "組織名の変更と推定しました。組織改正による名称変更であれば pia-changes.toml の"
                         " [organisation] renames に登録すると自動で判定されます。")
    if a and b and law_numbers_changed(a, b):
        return Exemption("law_change",
                         "条・項・号の番号だけが変わっています。法令改正による番号の移動か、利用事務の差替えかを確認してください。")
    if node.type == "text" and (_national_rewording(labels, a, b) or _national_measures_rewritten(node, labels, a, b)):
        return Exemption("national_example",
                         "国の記載例に合わせた記載の変更と推定しました（内容の追加なし）。記載例との一致を確認してください。")
    return None


def _choice_improved(node: Node, labels, a: str, b: str, old, new) -> str | None:
    """A choice moved toward the better answer: up a ranked scale (特に力を入れている > 十分である >
    課題が残されている), or a measure now taken (行っていない → 行っている, 定めていない → 定めている)."""
    if node.type != "choice" or not node.options:
        return None
    ia, ib = _option_index(node, a), _option_index(node, b)
    if ia is None or ib is None or ia == ib:
        return None
    was, now = node.options[ia], node.options[ib]
    ranked = "特に力を入れ" in node.options[0]  # the scale of リスクへの対策は十分か, best first
    taken = "ない" in was and "ない" not in now and now.endswith(MEASURE_VERBS) and _is_measure_item(node, labels)
    if not (ranked and ib < ia or taken):
        return None
    return f"「{was}」から「{now}」への変更です。リスクが明らかに軽減されたか確認してください。"


def _option_index(node: Node, value: str) -> int | None:
    """The option a value starts with (open options carry text after it); the longest wins."""
    key = compare_key(value)
    found = [(len(compare_key(o)), n) for n, o in enumerate(node.options) if key.startswith(compare_key(o))]
    return max(found)[1] if found else None


def _scope_narrowed(node: Node, labels, a: str, b: str, old, new) -> str | None:
    """Scope narrowed: entries removed from a 範囲/記録項目/入手元… item, or する → しない."""
    if node.type == "choice" and a and b:
        if "しない" in b and "しない" not in a and "する" in a:
            return f"「{a}」から「{b}」への変更です。取扱いの範囲が狭まりリスクが明らかに軽減されるか確認してください。"
        return None
    if not any(w in node.key + node.label for w in SCOPE_LABELS):
        return None
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        narrowed = set(map(str, new)) < set(map(str, old))
    else:
        ka, kb = compare_key(a), compare_key(b)
        ops = edits(ka, kb)
        deleted = "".join(ka[i1:i2] for _, i1, i2, _, _ in ops)
        narrowed = (bool(kb) and bool(ops) and all(tag == "delete" for tag, *_ in ops)
                    and not _NARROWING.search(deleted)
                    and all(_whole_element(ka, i1, i2) for _, i1, i2, _, _ in ops))
    if not narrowed:
        return None
    return "記載の削除のみで範囲が狭まっています。取扱いの範囲が縮小しリスクが明らかに軽減されるか確認してください。"


def _is_measure_item(node: Node, labels: tuple[str, ...]) -> bool:
    names = [n.label for n in [*node.ancestors(), node]] + list(labels)
    return any(w in name for name in names for w in MEASURE_LABELS)


def _measure_added(node: Node, labels, a: str, b: str, old, new) -> str | None:
    """A measure added: the text only grows, by words of safety measures, bringing no new party."""
    if not _is_measure_item(node, labels):
        return None
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):  # ticks of measures (監査 …)
        gained = set(map(str, new)) - set(map(str, old))
        if gained and set(map(str, old)) < set(map(str, new)):
            return f"対策の追加（{'・'.join(sorted(gained))}）のみです。リスクが明らかに軽減されるか確認してください。"
        return None
    ka, kb = compare_key(a), compare_key(b)
    ops = edits(ka, kb)
    if not ops or any(tag != "insert" for tag, *_ in ops):
        return None
    added = "".join(kb[j1:j2] for _, _, _, j1, j2 in ops)
    if terms(added, EXPOSURE_TERMS) - terms(ka, EXPOSURE_TERMS):
        return None
    if not terms(added, MEASURE_TERMS):
        # an item that is itself a list of measures (「…措置の内容」): what is added there is a measure
        if MEASURE_ITEM_WORD not in node.key + node.label:
            return None
        return "対策の記載の追加のみです。リスクが明らかに軽減されるか確認してください。"
    named = "・".join(sorted(terms(added, MEASURE_TERMS)))
    return f"対策の記載（{named}）の追加のみです。リスクが明らかに軽減されるか確認してください。"


def _measure_strengthened(node: Node, labels, a: str, b: str, old, new) -> str | None:
    """A measure strengthened: new measure words, none lost, no new party, no new negation."""
    if not _is_measure_item(node, labels) or not a or not b:
        return None
    ka, kb = compare_key(a), compare_key(b)
    gained = terms(kb, MEASURE_TERMS) - terms(ka, MEASURE_TERMS)
    if not gained or terms(ka, MEASURE_TERMS) - terms(kb, MEASURE_TERMS):
        return None
    if terms(kb, EXPOSURE_TERMS) - terms(ka, EXPOSURE_TERMS):
        return None
    inserted = "".join(kb[j1:j2] for _, _, _, j1, j2 in edits(ka, kb))
    if re.search(r"ない|ず[、。]|不要|廃止|停止", inserted):
        return None
    return f"対策が強化されています（{'・'.join(sorted(gained))}）。リスクが明らかに軽減されるか確認してください。"


@lru_cache(maxsize=256)  # each rule that reads a change asks for the same texts' keys
def _wording_key(text: str) -> str:
    """Text without list markers, final 長音 of katakana words, punctuation and spacing."""
    text = _CHOUON.sub("", text)
    text = _LIST_MARKER.sub("", text)
    text = nfkc(text)
    return _PUNCT.sub("", re.sub(r"\s+", "", text))


def _national(labels: tuple[str, ...], *texts: str) -> bool:
    """A 記載例 part: named in the text or a heading (not in a heading's 「（…を除く。）」)."""
    where = "".join(re.sub(r"[（(][^）)]*[）)]", "", label) for label in labels) + "".join(texts)
    where = nfkc(where)
    return any(m in where for m in _NATIONAL_KEYS)


def _national_rewording(labels: tuple[str, ...], a: str, b: str) -> bool:
    """A 記載例 text reworded without added content: short words swapped or dropped, no digit,
    law, party or negation brought in, and no measure word lost."""
    if not (a and b and _national(labels, a, b)):
        return False
    ka, kb = _wording_key(a), _wording_key(b)
    ops = edits(ka, kb)
    if not ops:
        return False
    inserted = "".join(kb[j1:j2] for _, _, _, j1, j2 in ops)
    deleted = sum(i2 - i1 for _, i1, i2, _, _ in ops)
    if len(inserted) > deleted or any(tag == "insert" for tag, *_ in ops):
        return False
    if any(i2 - i1 > 30 or (tag == "delete" and i2 - i1 > 4) for tag, i1, i2, _, _ in ops):
        return False
    if re.search(r"\d", inserted) or _LAW_WORD.search(inserted) or terms(inserted, EXPOSURE_TERMS):
        return False
    if re.search(r"ない|不|非|無", inserted):
        return False
    return not (terms(ka, MEASURE_TERMS) - terms(kb, MEASURE_TERMS))


def law_numbers_changed(a: str, b: str) -> bool:
    """Only the numbers of 条・項・号 citations differ (「別表の100の項」 → 「別表の101の項」): a
    renumbering by a law, or other 事務 cited — the text cannot tell, a person can."""
    ka, kb = compare_key(a), compare_key(b)
    if ka == kb or not _CITATION_NUMBER.search(ka):
        return False
    return _CITATION_NUMBER.sub(r"\1#", ka) == _CITATION_NUMBER.sub(r"\1#", kb)


def _measure_increased(node: Node, labels, a: str, b: str, old, new) -> str | None:
    """A measure done more (年2回 → 年4回, 7年 → 10年 of logs): only numbers changed, each upward."""
    if not _is_measure_item(node, labels) or not a or not b:
        return None
    ka, kb = compare_key(a), compare_key(b)
    numbers_a, numbers_b = re.findall(r"\d+", ka), re.findall(r"\d+", kb)
    if re.sub(r"\d+", "#", ka) != re.sub(r"\d+", "#", kb) or len(numbers_a) != len(numbers_b):
        return None
    pairs = [(int(x), int(y)) for x, y in zip(numbers_a, numbers_b) if x != y]
    if not pairs or any(y < x for x, y in pairs):
        return None
    return "対策の回数・期間が増えています。リスクが明らかに軽減されるか確認してください。"


def _national_measures_rewritten(node: Node, labels: tuple[str, ...], a: str, b: str) -> bool:
    """A measure of a 記載例 part (中間サーバー …) rewritten with every measure word kept and no new
    party that handles the data: possibly the national wording, which only a person can confirm."""
    if not (_is_measure_item(node, labels) and _national(labels, a, b) and a and b):
        return False
    ka, kb = compare_key(a), compare_key(b)
    if re.sub(r"\d+", "#", ka) == re.sub(r"\d+", "#", kb):  # numbers only: done more or less, not wording
        return False
    if len(terms(kb, MEASURE_TERMS)) < len(terms(ka, MEASURE_TERMS)):
        return False
    # words in parentheses name documents (「(接続運用規程等)」), not new parties
    plain_a, plain_b = (re.sub(r"[(（][^)）]*[)）]", "", k) for k in (ka, kb))
    return not (terms(plain_b, HANDLING_TERMS) - terms(plain_a, HANDLING_TERMS))


_ELEMENT_EDGE = re.compile(r"[、,・/\n。]|及び|又は|並びに|若しくは|とその")


def _whole_element(text: str, start: int, end: int) -> bool:
    """TEXT[start:end] is whole list elements (「、乙」, 「及び乙」) or a parenthesis: deleting a
    qualifier inside an element (「認定を受けた」第2号被保険者) widens the scope instead."""
    piece = text[start:end]
    if piece.startswith(("（", "(")) and piece.endswith(("）", ")")):
        return True
    before = start == 0 or bool(_ELEMENT_EDGE.search(text[max(0, start - 4):start] + piece[:4]))
    after = end == len(text) or bool(_ELEMENT_EDGE.search(piece[-4:] + text[end:end + 4]))
    return before and after
