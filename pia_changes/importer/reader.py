"""Bytes of a published 評価書's text extraction → str (Decisions: Encodings and line endings).

UTF-8 with or without BOM is the ordinary case. Shift_JIS/CP932 is detected and read with a notice;
`encoding` forces one. UTF-16 and binary data are refused with a clear message. Text extractions
carry the odd broken byte, so a UTF-8 text with a few invalid bytes is read with U+FFFD in their
place (and a notice) rather than refused or mistaken for CP932.
"""
from __future__ import annotations

import codecs

from pia_changes.errors import PiaError
from pia_changes.text.decode import looks_utf16

_REPLACED_SHARE = 0.001  # above this share of broken UTF-8 sequences, try CP932 first


def read_text(raw: bytes, source_name: str, encoding: str | None = None) -> tuple[str, list[str]]:
    """The decoded text with LF line endings, and the notices to show the user."""
    notices: list[str] = []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or looks_utf16(raw[:8192]):
        raise PiaError("UTF-16 で保存されたテキストです。UTF-8 で保存し直してください", file=source_name)
    if encoding is not None:
        text = _forced(raw, encoding, source_name, notices)
    elif b"\x00" in raw[:65536]:
        raise PiaError("バイナリファイルです（評価書から書き出したテキストを指定してください）", file=source_name)
    else:
        text = _detected(raw, notices)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PiaError("空のファイルです", file=source_name)
    return text, notices


def _forced(raw: bytes, encoding: str, source_name: str, notices: list[str]) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise PiaError(f"未知の文字コードです: {encoding}", file=source_name) from None
    text = raw.decode(encoding, errors="replace")
    if broken := text.count("\ufffd") - raw.decode(encoding, errors="ignore").count("\ufffd"):
        notices.append(f"文字コード {encoding} で読めないバイトが {broken} 箇所あり、� に置き換えました")
    return text


def _detected(raw: bytes, notices: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8-sig", errors="replace")
    broken = text.count("\ufffd")
    if broken <= max(3, len(text) * _REPLACED_SHARE):
        notices.append(f"UTF-8 として読めないバイトが {broken} 箇所あり、� に置き換えました")
        return text
    try:
        cp932 = raw.decode("cp932")
    except UnicodeDecodeError:
        notices.append(f"UTF-8 として読めないバイトが {broken} 箇所あり、� に置き換えました"
                       "（文字コードが違う場合は --encoding で指定してください）")
        return text
    notices.append("Shift_JIS（CP932）のテキストとして読みました（違う場合は --encoding で指定してください）")
    return cp932
