"""誤字脱字 (domain.md: Exempt changes to ※ items): "a small edit that changes no term". Each edit
below is made in a real sentence of seed 004; those that touch a word which turns the meaning, a
name, a katakana term or a whole word are never a mere typo."""
from __future__ import annotations

import pytest

from pia_changes.classify.exemptions import is_typo
from pia_changes.classify.textedits import common_ends, whole_word_within

CLOUD = ("また、ガバメントクラウドに起因しない事象の場合は、地方公共団体に業務アプリケーションサービスを提供する"
         "ASP又はガバメントクラウド運用管理補助者が対応するものとする。")
LOGIN = ("ユーザIDによる識別とパスワード設定されたICカードによる認証を実施しており、認証後は利用機能の認可機能により、"
         "そのユーザがシステム上で利用可能な機能を制限することで不正利用が行えない対策を実施している。")
EDUCATION = ("①IPA(情報処理推進機構)が提供する最新の情報セキュリティ教育用資料等を基にセキュリティ教育資材を作成し、"
             "中間サーバー・プラットフォームの運用に携わる職員及び事業者に対し、運用規則(接続運用規程等)や情報セキュリティに"
             "関する教育を年次(年2回)及び随時(新規要員着任時)実施することとしている。")
ACQUIRE = ("・住民からの情報入手にあたっては、対象以外の情報を入手することのないよう、本人の個人番号カード又は通知カード、"
           "及び番号法、番号法施行令及び番号法施行規則に定めるものの確認を厳格に行う。")
HEADED = ("＜川口市における措置＞ 介護保険課長が指定した職員のみが端末を操作する。 ＜中間サーバー・プラットフォームにおける措置＞ "
          "中間サーバー・プラットフォームの運用に携わる職員に教育を実施している。")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize(("text", "old", "new"), [
    (CLOUD, "対応するものとする", "対応するものとするる"),           # a character typed twice
    (LOGIN, "そのユーザが", "そのユーザーが"),                        # 長音 only
    (CLOUD, "場合は、地方", "場合はは、地方の"),                      # two slips in two places
    (CLOUD, "起因しない事象", "起因しない時象"),                      # a slip next to a negation, which stays
    (LOGIN, "による識別", "にぼる識別"),                              # one kana between kana, no word of its own
])
def test_a_few_characters_that_change_no_term_are_a_typo(text, old, new):
    assert is_typo(text, edit(text, old, new))
    assert is_typo(edit(text, old, new), text)


def test_three_characters_replaced_are_a_new_word_even_where_the_text_writes_it_elsewhere():
    other = ("ITリテラシーの高い運用担当者によるセキュリティリスクの低減、及び技術力の高い運用担当者による"
             "均一的で安定したシステム運用、監視を実現する。")
    slip = other.replace("運用担当者", "運送荷受者", 1)
    assert not is_typo(slip, other)  # 誤字 swaps a character or two (TYPO_MAX_SWAP)


@pytest.mark.parametrize("text", [
    "及び随時(新規要員着任時)に、中間サーバー・プラットフォームの運用に携わる職員に教育を実施している。",
    "年次(年2回)及び随時(新規要員着任時)に、中間サーバー・プラットフォームの運用に携わる職員に教育を実施している。",
])
def test_a_slip_in_a_word_that_turns_the_meaning_is_no_typo_at_the_texts_first_character_too(text):
    slip = text.replace("及び", "及ぴ", 1)
    assert not is_typo(text, slip)
    assert not is_typo(slip, text)


def test_a_word_corrected_to_the_one_the_text_writes_elsewhere_is_a_typo():
    typo = edit(HEADED, "＜川口市における措置＞", "＜川口市における指直＞")
    assert is_typo(typo, HEADED)      # 指直 → 措置, as the next heading writes it
    assert not is_typo(HEADED, typo)  # the other way a new word appears: no typo


@pytest.mark.parametrize(("text", "old", "new"), [
    (CLOUD, "起因しない", "起因しい"),                 # one character of 「ない」 dropped: the negation goes
    (CLOUD, "起因しない", "起因しなない"),             # …or a character typed into it
    (LOGIN, "パスワード", "パスワート"),               # a katakana term changed
    (EDUCATION, "実施することとしている", "委託することとしている"),  # a whole word replaced: a new term
    (HEADED, "介護保険課長", "介護保健課長"),          # a post named by its organisation, one character changed
    (EDUCATION, "①IPA", "②IPA"),                      # the very first character, a number
    (CLOUD, "補助者が対応", "補助者とともに対応"),       # one character for four: who responds changes
    (CLOUD, "運用管理補助者", "運用管理補佐役"),        # two characters inside a compound: another post
    (CLOUD, "ASP又はガバメント", "ASP及びガバメント"),  # 又は → 及び: either party, or both
    (LOGIN, "認証を実施しており", "認証を確実に実施しており"),  # a whole word put in: how, not a slip
    (ACQUIRE, "対象以外の情報", "対象の情報"),        # 以外 dropped: the information not to obtain is now the target's
])
def test_an_edit_touching_a_term_or_the_meaning_is_no_typo(text, old, new):
    assert not is_typo(text, edit(text, old, new))
    assert not is_typo(edit(text, old, new), text)


def test_slips_far_apart_are_each_a_small_edit():
    """At most three places, a few characters in all: the text between two slips is not edited."""
    typo = edit(edit(CLOUD, "地方公共団体に業務", "地方公共団体にに業務"), "対応するものとする", "対応するものとするる")
    assert is_typo(CLOUD, typo)
    assert is_typo(typo, CLOUD)


def test_a_word_typed_twice_at_the_texts_start_is_a_typo():
    text = "全ての住民の情報を保有し、住民票に記載されている住民全員の記録を常に正確に更新・管理・提供する。"
    assert is_typo("全て" + text, text)


def test_a_few_characters_means_at_most_three_places():
    """TYPO_MAX_EDITS: three slips far apart are a typo, a fourth makes it a rewrite."""
    three = edit(edit(edit(CLOUD, "場合は、", "場合はは、"), "団体に業務", "団体にに業務"), "対応するもの", "対応するるもの")
    assert is_typo(CLOUD, three)
    assert not is_typo(CLOUD, edit(three, "提供するASP", "提供するるASP"))
    # …and five characters in all: three places of two kana each are six
    six = edit(edit(edit(CLOUD, "事象の場合は", "事象のその場合は"), "対応するもの", "対応をもするもの"),
               "提供するASP", "提供するそのASP")
    assert not is_typo(CLOUD, six)
    assert is_typo(CLOUD, edit(edit(CLOUD, "事象の場合は", "事象のその場合は"), "対応するもの", "対応をもするもの"))


@pytest.mark.parametrize(("old", "new", "typo"), [
    ("年次研修を行うこと", "年次研修をを行うこと", True),   # one character in ten: a typo
    ("年次研修を行う", "年次研修をを行う", False),          # …in seven: the text is too short to tell
])
def test_the_text_must_be_ten_times_as_long_as_the_slip(old, new, typo):
    assert is_typo(old, new) is typo


@pytest.mark.parametrize(("text", "start", "end", "whole"), [
    ("確認を厳格に行う", 3, 6, True),   # 「厳格に」 taken out or put in: a word
    ("確認を厳格に行う", 3, 5, True),   # the word alone, a kana after it
    ("住民を厳格に", 2, 6, True),       # the piece opens with a kana, the word inside it
    ("厳格に行う", 0, 3, True),         # at the text's start
    ("住民基本台帳", 2, 4, False),      # 「基本」 inside a compound: 住民基本台帳
    ("住民基本", 2, 4, False),          # …at the text's end
    ("住基本", 1, 3, False),            # …one character in
    ("確認を厳格台帳", 3, 5, False),     # a run that goes on after the piece
])
def test_a_whole_word_stands_apart_from_the_words_around_it(text, start, end, whole):
    assert whole_word_within(text, start, end) is whole


def test_common_ends_are_the_longest_shared_head_then_tail():
    """The classifier aligns only between the common ends: checked against a plain scan."""
    import random
    rng = random.Random(25)
    for _ in range(500):
        a = "".join(rng.choice("甲乙丙") for _ in range(rng.randrange(0, 12)))
        b = "".join(rng.choice("甲乙丙") for _ in range(rng.randrange(0, 12)))
        head = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        ra, rb = a[head:][::-1], b[head:][::-1]
        tail = next((i for i, (x, y) in enumerate(zip(ra, rb)) if x != y), min(len(ra), len(rb)))
        assert common_ends(a, b) == (head, tail), (a, b)
