"""YAML slips explained in Japanese, at the line the user typed (issue 28, item 5).

Staff type the assessment with a Japanese IME, which gives 「：」 for ":" and 「　」 for " ", and
write sentences holding ": " or " #". libyaml then says "mapping values are not allowed in this
context", in English, and often at the line *after* the slip (a 「：」 line reads as text that
continues onto the next line, where the ": " is refused). So the raw lines from the error back
to the slip are read for the usual causes, and the message names the cause and the fix. Other
parser errors are translated from libyaml's fixed problem texts.

A value losing its end to a comment (「内線 #123」 reads as 「内線」) is no error at all; it is
found by comparing the raw lines with the parsed values, and reported as a warning.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from pia_changes.errors import Problem

FULLWIDTH_COLON = "全角のコロン「：」が使われています。半角の「: 」にしてください"
FULLWIDTH_INDENT = "行頭に全角スペースがあります。半角スペースで字下げしてください"
COLON_IN_VALUE = "値の中に「: 」があります。値を引用符で囲んでください（例: キー: \"値: 続き\"）"
TAB_INDENT = "インデントにタブ文字が使われています。空白に置き換えてください"

# libyaml's problem texts (scanner.c, parser.c, composer) → what to tell a member of staff
_PROBLEMS = (
    ("mapping values are not allowed", "ここに「: 」は書けません（字下げと「キー: 値」の形を確かめてください）"),
    ("could not find expected ':'", "「キー: 値」の「: 」が見つかりません"),
    ("did not find expected key", "キーがあるべき位置にありません（字下げを確かめてください）"),
    ("did not find expected '-' indicator", "リストの「- 」があるべき位置にありません（字下げを確かめてください）"),
    ("block sequence entries are not allowed", "ここに「- 」は書けません（字下げを確かめてください）"),
    ("did not find expected node content", "値がありません（「]」「}」「,」から値を始めるなら引用符で囲んでください）"),
    ("did not find expected ',' or ']'", "「[」に対応する「]」がありません（「[」から始まる値は引用符で囲んでください）"),
    ("did not find expected ',' or '}'", "「{」に対応する「}」がありません（「{」から始まる値は引用符で囲んでください）"),
    ("found unexpected end of stream", "引用符（\" または '）が閉じられていません"),
    ("found unknown escape character", "二重引用符の中の「\\」の使い方が正しくありません（「\\\\」と書くか、一重引用符で囲んでください）"),
    ("found character that cannot start any token", "この位置の文字（` @ % など）から値を始められません。値を引用符で囲んでください"),
    ("did not find expected alphabetic or numeric character", "「&」「*」から値を始められません。値を引用符で囲んでください"),
    ("did not find expected comment or line break", "この行の後ろに余分な文字があります（値を引用符で囲んでください）"),
    ("but found another document", "1つのファイルに文書が2つ以上あります（途中の「---」の行を消してください）"),
    ("found unexpected document indicator", "値の途中に「---」又は「...」の行があります（値を引用符で囲んでください）"),
    ("found a tab character", TAB_INDENT),
)
# errors whose start (the key, the opening quote or bracket) is what the user typed wrong
_AT_CONTEXT = ("could not find expected ':'", "found unexpected end of stream", "did not find expected ',' or")
_LOOK_BACK = 30  # lines from the error back to the slip: a plain text may run over several lines


def syntax_message(problem: str, problem_line: int | None, context_line: int | None,
                   lines: list[str]) -> tuple[str, int | None]:
    """(message, line) for a libyaml syntax error reported at PROBLEM_LINE (1-based)."""
    if problem_line is not None:
        slip = find_slip(lines, problem_line)
        if slip is not None:
            return slip
    if context_line is not None and any(p in problem for p in _AT_CONTEXT):
        problem_line = context_line
    for english, japanese in _PROBLEMS:
        if english in problem:
            return f"YAML の構文エラー: {japanese}", problem_line
    return ("YAML の構文エラー: この行か直前の行の書き方（字下げ・「: 」・引用符）を確かめてください",
            problem_line)


def find_slip(lines: list[str], line: int) -> tuple[str, int] | None:
    """The nearest IME slip at or before LINE, back to the last plain `key:` line before it."""
    for number in range(min(line, len(lines)), max(line - _LOOK_BACK, 0), -1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip(" ").startswith("#"):
            continue
        message = slip(text)
        if message is not None:
            return message, number
        if number < line and _CLEAN_KEY.match(text):
            return None  # a well-formed key line: the slip is not above it
    return None


_INDENT = re.compile(r"^[ \t\u3000]*")
_CLEAN_KEY = re.compile(r"^ *(?:- +)?[^\s:#\-\u3000][^:#\u3000]*:(?: |$)")
_KEY_VALUE = re.compile(r"^ *(?:- +)*(?P<key>\"[^\"]*\"|'[^']*'|[^\s\"'#:\-][^:#]*?): +(?P<value>\S.*)$")
_COMMENT = re.compile(r"\s#.*$")


def slip(text: str) -> str | None:
    """What is wrong with one raw line, if it is one of the usual slips."""
    indent = _INDENT.match(text).group(0)  # type: ignore[union-attr]
    if "\t" in indent:
        return TAB_INDENT
    if "\u3000" in indent:
        return FULLWIDTH_INDENT
    code = _COMMENT.sub("", text).rstrip()
    if "：" in code and ": " not in code and not code.endswith(":"):
        return FULLWIDTH_COLON
    found = _KEY_VALUE.match(code)
    if found is not None:
        value = found.group("value")
        if value[0] not in "\"'|>[{&*!" and (": " in value or value.endswith(":")):
            return COLON_IN_VALUE
    return None


# ---- values cut short by a comment ------------------------------------------------------------

_CUT = re.compile(r"^(?P<lead>[^#\n]*?\S) #(?P<rest>\S[^\n]*)$", re.MULTILINE)


def comment_warnings(text: str, data: object, lines: dict[tuple, int], file: str) -> list[Problem]:
    """Warnings for ` #…` after a value that YAML read as a comment, where the parsed value does
    not hold that text: 「電話: 内線 #123」 is 「内線」. A comment written the usual way, `# ` with a
    space (the starters' 「  # ①事務の名称」), is taken as meant."""
    if " #" not in text:
        return []
    wanted: dict[int, str] = {}
    for found in _CUT.finditer(text):
        if ": " in found.group("lead") or found.group("lead").lstrip().startswith("- "):
            wanted[text.count("\n", 0, found.start()) + 1] = "#" + found.group("rest")
    if not wanted:
        return []
    out = []
    for path, number in _leaf_lines(lines, wanted):
        value = _value_at(data, path)
        lost = wanted[number]
        word = re.split(r"[\s\"']", lost, maxsplit=1)[0]  # in a quoted value the quote follows it
        if isinstance(value, (str, int, float)) and word not in str(value):
            out.append(Problem(file, number, path, "comment_in_value",
                               f"「 {lost}」はコメントとして読み捨てられています。値に含めるには、値全体を"
                               "引用符（\"…\"）で囲んでください", level="warning"))
    return out


def _leaf_lines(lines: dict[tuple, int], wanted: dict[int, str]) -> Iterable[tuple[tuple, int]]:
    """(path, line) of the deepest path on each wanted line."""
    best: dict[int, tuple] = {}
    for path, number in lines.items():
        if number in wanted and len(path) >= len(best.get(number, ())):
            best[number] = path
    return ((path, number) for number, path in sorted(best.items()))


def _value_at(data: object, path: tuple) -> object:
    for step in path:
        if isinstance(step, int) and isinstance(data, list) and 0 <= step < len(data):
            data = data[step]
        elif isinstance(data, dict) and step in data:
            data = data[step]
        else:
            return None
    return data
