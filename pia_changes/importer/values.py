"""PlacedText text → the typed value of a schema node (choice, checkbox, count, date, text).

Publishing systems print a choice as 「[30万人以上]」, 「[<input type="checkbox"/> 十分である]」,
「〔 10万人以上100万人未満 〕」 or, in PDF text, 「[ 再委託する」 with the bracket lost; a checkbox set as
「[○] 庁内連携システム」 or `<input checked>` boxes; the option list 「<選択肢> 1) … 2) …」 beside them is
form furniture, never the value.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from functools import lru_cache

from pia_changes.forms import Node
from pia_changes.text.normalise import html_to_text, nfkc
from pia_changes.text.wareki import parse_date

_TAGGED = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_HTML_BREAK_BEFORE = re.compile(r"(?=<(?:p|ul|ol|table|tr|div|h[1-6])\b)|(?<=</ul>)|(?<=</ol>)", re.IGNORECASE)
_BULLET = re.compile(r"[ \u3000]+(?=・)")
_INPUT_CHECKED = re.compile(r"<input\b[^>]*\bchecked\b[^>]*>", re.IGNORECASE)
_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_WS = re.compile(r"\s+")
_CHOICES_MARK = re.compile(r"[<〈]?\s*選択肢\s*[>〉]?")
_NUMBERED = re.compile(r"(?<![\d,])\d{1,2}\s*\)\s*")
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}\s*\)\s*")
_BRACKET = re.compile(r"[\[〔【]\s*([^\[\]〔〕【】\n]*?)\s*[\]〕】]")
_OPEN_BRACKET = re.compile(r"[\[〔【]\s*([^\[\]〔〕【】\n]+?)\s*$", re.MULTILINE)
_MARK = re.compile(r"(?:\[\s*([○〇◯●✓✔Oo])?|([○〇◯●✓✔])?)\s*\]\s*([^\[\]]*)")
_COUNT = re.compile(r"\(\s*(\d*)\s*\)\s*件")
_PARENS = re.compile(r"^\s*\(\s*(.*?)\s*\)?\s*$", re.DOTALL)
_FILE_NO = re.compile(r"^\s*[(（]\s*[\d０-９]+\s*[)）]\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff]")




def norm(text: str) -> str:
    """Comparison form of an option: NFKC, no whitespace."""
    return _WS.sub("", nfkc(text))


def clean_text(fragment: str) -> str:
    """One cell or line as plain text: HTML paragraphs, list items and 「・」 bullets on lines of their own."""
    text = fragment.replace("\t", " ")
    if _TAGGED.search(text):
        text = _HTML_BREAK_BEFORE.sub("\n", text)
        text = _BULLET.sub("\n", text)
        text = html_to_text(text)
    lines = [_CONTROL.sub("", line).rstrip().lstrip(" ") for line in text.replace("\u2028", "\n").split("\n")]
    return "\n".join(line for line in lines if line).strip("\n")


def text_value(fragments: list[str]) -> str | None:
    parts = [t for t in (clean_text(f) for f in fragments) if t]
    return "\n".join(parts) if parts else None


def file_name(value: str | None) -> str | None:
    """「(1)住民基本台帳ファイル」 → 「住民基本台帳ファイル」: the entry number is the list position."""
    if value is None:
        return None
    return _FILE_NO.sub("", value, count=1).strip() or None


def _choice_text(raw: str) -> str:
    """Checked boxes as [○], other inputs dropped (an unchecked box inside the brackets shows the choice)."""
    text = _INPUT_CHECKED.sub("[○]", raw)
    text = _INPUT.sub("", text)
    return nfkc(html_to_text(text.replace("\t", " ")))


@lru_cache(maxsize=512)
def _options(node: Node) -> tuple[tuple[str, str], ...]:
    """(normalised, printed) options, longest first so 「1,000人以上1万人未満」 wins over 「1,000人未満」."""
    return tuple(sorted(((norm(o), o) for o in node.options), key=lambda p: -len(p[0])))


def option_of(text: str, node: Node, fuzzy: bool = False) -> str | None:
    """The option TEXT names (whole), or an open option followed by its free text."""
    key = norm(text)
    if not key:
        return None
    for n, printed in _options(node):
        if key == n:
            return printed
    for n, printed in _options(node):
        if printed in node.open_options and key.startswith(n):
            return _open_value(printed, text[len(text) - len(text.lstrip()):])
    if fuzzy:
        close = difflib.get_close_matches(key, [n for n, _ in _options(node)], n=2, cutoff=0.75)
        if len(close) == 1:
            return dict(_options(node))[close[0]]
    return None


def _open_value(option: str, text: str) -> str:
    """「その他 (証明書発行システム)」 → 「その他（証明書発行システム）」; empty or no brackets → 「その他」."""
    rest = nfkc(text).strip()
    n_opt = norm(option)
    i = 0
    consumed = 0
    while i < len(rest) and consumed < len(n_opt):  # skip the option's own characters, spaces ignored
        if not rest[i].isspace():
            consumed += 1
        i += 1
    inner = rest[i:].strip()
    if not inner.startswith("("):
        return option
    m = _PARENS.match(inner)
    inner = (m[1] if m else inner).strip(" ()（）")
    return f"{option}（{inner}）" if inner else option


def choice_value(raw: str, node: Node, loose: bool = False) -> str | None:
    """The chosen option of a choice cell; LOOSE (PDF text) also reads an option printed outside any bracket."""
    text = _choice_text(raw)
    for m in _MARK.finditer(text):  # a checked box: [○] option, or [○] 4) option inside the list
        if (m[1] or m[2]) and (value := _lead(_LIST_NUMBER.sub("", m[3]), node)) is not None:
            return value
    brackets = [m[1] for m in _BRACKET.finditer(text)]
    for inner in brackets:
        if (value := option_of(inner, node)) is not None:
            return value
    if loose:
        for m in _OPEN_BRACKET.finditer(text):
            if (value := option_of(m[1], node)) is not None:
                return value
    if (value := _outside_lists(text, node)) is not None:
        return value
    for inner in brackets:
        if (value := option_of(inner, node, fuzzy=True)) is not None:
            return value
    return None


def _outside_lists(text: str, node: Node) -> str | None:
    """An option printed once outside the numbered option list (「<input> 十分に行っている 1) …」)."""
    rest = _CHOICES_MARK.sub(" ", text)
    for n, printed in _options(node):
        rest = re.sub(r"\d{1,2}\s*\)\s*" + r"\s*".join(map(re.escape, n)), " ", rest)
    found = []
    squeezed = _WS.sub("", rest)
    for n, printed in _options(node):
        if n in squeezed:
            found.append(printed)
            squeezed = squeezed.replace(n, " ")
    return found[0] if len(found) == 1 else None


def checkbox_value(raw: str, node: Node) -> list[str] | None:
    """The ticked options in the form's order; [] when boxes are printed but none is ticked; None when no box."""
    text = _WS.sub(" ", nfkc(html_to_text(raw.replace("\t", " "))))
    seen_box = False
    ticked: dict[str, str] = {}
    for m in _MARK.finditer(text):
        label = m[3].strip()
        if not (m[1] or m[2]):
            seen_box = seen_box or m[0].lstrip().startswith("[") or option_of(_lead(label, node) or "", node) is not None
            continue
        seen_box = True
        value = _lead(label, node)
        if value is not None:
            base = next(o for o in node.options if value == o or value.startswith(o + "（"))
            if len(value) > len(ticked.get(base, "")):  # 「その他」 ticked twice: the one with its text
                ticked[base] = value
    if not seen_box:
        return None
    return [ticked[o] for o in node.options if o in ticked]


def _lead(label: str, node: Node) -> str | None:
    """The option LABEL starts with (the longest), with an open option's text in brackets."""
    key = norm(label)
    for n, printed in _options(node):
        if key.startswith(n):
            if printed in node.open_options:
                return _open_value(printed, label)
            return printed
    return None


def count_value(raw: str, prefix: str | None = None) -> int | None:
    """「(2) 件」 → 2; with PREFIX, only the count printed right after it (「提供を行っている (60) 件」)."""
    text = _choice_text(raw)
    if prefix is not None:
        m = re.search(r"\s*".join(map(re.escape, norm(prefix))) + r"\s*\]?\s*\(\s*(\d*)\s*\)\s*件", text)
    else:
        m = _COUNT.search(text)
    return int(m[1]) if m and m[1] else None


def date_value(fragments: list[str]) -> dt.date | None:
    text = text_value(fragments)
    if text is None:
        return None
    return parse_date(text.split("\n")[0].strip())


def is_furniture(raw: str, all_options: frozenset[str]) -> bool:
    """A line of form furniture: the option list, 〈選択肢〉, brackets and marks alone, 「(2) 件」, 「※」."""
    text = _CHOICES_MARK.sub(" ", _choice_text(raw))
    text = _COUNT.sub(" ", text)
    if re.fullmatch(r"[\s\[\]〔〕【】()○〇◯●※*\-]*", text):
        return True
    pieces = _NUMBERED.split(text)
    if len(pieces) < 2:
        return False
    for piece in pieces:  # a box ticked beside one option of the list (「[ ○ ] 4) …」) is still the list
        piece = piece.strip(" []〔〕【】○〇◯●✓✔")
        if piece and norm(piece) not in all_options:
            return False
    return True


def mentions(raw: str, node: Node) -> float:
    """How well the boxes of a line name NODE's options: 2 an option as printed, 1 an open option with
    its text in brackets, 0.5 an option glued to other text (「その他住民票関係情報」 for 「その他」), else 0."""
    text = _WS.sub(" ", nfkc(html_to_text(raw.replace("\t", " "))))
    best = 0.0
    for m in _MARK.finditer(text):
        key = norm(m[3])
        for n, printed in _options(node):
            if key == n:
                best = max(best, 2.0)
            elif key.startswith(n):
                best = max(best, 1.0 if printed in node.open_options and key[len(n)] == "(" else 0.5)
    return best


def completes_option(previous: str, fragment: str, node: Node) -> bool:
    """FRAGMENT is the rest of an option whose beginning ends PREVIOUS (「] その」 then 「他」: the layout
    wrapped 「その他」 in a narrow cell)."""
    text = _WS.sub(" ", nfkc(html_to_text(previous.replace("\t", " "))))
    tail = norm(re.split(r"[\[\]]", text)[-1])
    joined = tail + norm(fragment)
    return bool(tail) and any(n.startswith(joined) or joined.startswith(n) and len(n) > len(tail)
                              for n, _ in _options(node) if n.startswith(tail) and n != tail)


def is_heading(raw: str, node: Node) -> bool:
    """RAW is one of the headings the form prints among NODE's options (「・識別情報」)."""
    key = norm(raw).lstrip("・")
    return any(key == norm(h) for h in node.headings)


def has_marks(raw: str) -> bool:
    text = nfkc(html_to_text(raw.replace("\t", " ")))
    return bool(re.search(r"\[\s*[○〇◯●✓✔Oo]?\s*\]|[○〇◯●]\s*\]|\[\s*[○〇◯●]|^\s*\]\s*\S", text))


def bracket_options(raw: str, loose: bool = False) -> list[str]:
    """Texts printed in choice brackets on a line (「[十分に整備している]」), for finding a lost label; LOOSE
    (PDF text) also an option whose closing bracket the layout moved away (「[ 1万人以上10万人未満」)."""
    text = _choice_text(raw)
    found = [m[1] for m in _BRACKET.finditer(text)]
    if loose:
        found += [m[1] for m in _OPEN_BRACKET.finditer(text)]
    return [inner for inner in found if inner.strip()]


def leftover(raw: str, node: Node, all_options: tuple[str, ...] = (), value: object = None) -> bool:
    """Whether a choice/checkbox/count cell holds text beyond its options, marks and list (to keep in 未配置).
    ALL_OPTIONS (the form's, longest first) covers stray options of other rows in a list; text in brackets
    counts unless the VALUE holds it (an open option's 「その他（…）」), so no bracketed note is lost."""
    text = _COUNT.sub(" ", _CHOICES_MARK.sub(" ", _choice_text(raw)))
    squeezed = _WS.sub("", text)
    held = [norm(item) for item in (value if isinstance(value, list) else [value]) if item]
    for n in sorted(held + [n for n, _ in _options(node)] + [norm(node.label), norm(node.key)], key=len, reverse=True):
        squeezed = squeezed.replace(n, "")
    squeezed = re.sub(r"\d{1,2}\)(" + "|".join(map(re.escape, all_options)) + ")", "", squeezed) if all_options else squeezed
    for heading in node.headings:
        squeezed = squeezed.replace(norm(heading), "")
    squeezed = re.sub(r"\([^()]*\)?", lambda m: "" if any(m[0].rstrip(")") in h for h in held) else m[0], squeezed)
    if node.type == "choice":
        squeezed = _BRACKET.sub("", squeezed)
    squeezed = re.sub(r"\d{1,2}\)|[\[\]〔〕【】()○〇◯●※*\-—―ー－‐]", "", squeezed)
    return sum(unicodedata.category(ch)[0] in "LN" for ch in squeezed) >= 4
