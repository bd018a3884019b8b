"""Bytes a user gives us → text, or one clear line saying why not (Decisions: Encodings and line endings).

One home for the size limit and the encoding checks, so the assessment reader and the importer
refuse UTF-16, UTF-32 and binary data alike.
"""
from __future__ import annotations

from pathlib import Path

from pia_changes.errors import PiaError


def too_large(size: int, limit_bytes: int) -> str:
    return (f"ファイルが大きすぎます（{size / 1048576:.1f} MB、上限 {limit_bytes / 1048576:g} MB、"
            "pia-changes.toml の max_input_mb で変更できます）")


def read_input(path: str | Path, file: str, limit_bytes: int) -> bytes:
    """A user's input file, refused before reading when over the limit (a huge file must not fill
    the memory); every way of failing is one line naming the file."""
    try:
        source = Path(path)
        if source.is_dir():
            raise PiaError("ディレクトリです（ファイルを指定してください）", file=file)
        size = source.stat().st_size
        if size > limit_bytes:
            raise PiaError(too_large(size, limit_bytes), file=file)
        return source.read_bytes()
    except FileNotFoundError:
        raise PiaError("ファイルがありません", file=file) from None
    except OSError as exc:
        raise PiaError(f"ファイルを読めません: {exc.strerror or exc}", file=file) from None


def decode(raw: bytes, file: str, limit_bytes: int) -> str:
    """UTF-8 with or without BOM; anything else is a clear error naming the encoding and the fix."""
    if len(raw) > limit_bytes:
        raise PiaError(too_large(len(raw), limit_bytes), file=file)
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise PiaError("UTF-32 で保存されています。UTF-8 で保存し直してください", file=file)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or looks_utf16(raw[:8192]):
        raise PiaError("UTF-16 で保存されています。UTF-8 で保存し直してください", file=file)
    if b"\x00" in raw[:8192]:
        raise PiaError("バイナリファイルです（YAML のテキストではありません）", file=file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("cp932")
            hint = ("Shift_JIS（CP932）で保存されています。UTF-8 で保存し直してください"
                    "（例: iconv -f CP932 -t UTF-8 元.yaml > 新.yaml）")
        except UnicodeDecodeError:
            hint = "UTF-8 ではありません。UTF-8 で保存し直してください"
        raise PiaError(hint, file=file, line=line) from None
    if not text.strip():
        raise PiaError("空のファイルです", file=file)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_utf16(head: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: ASCII-range characters leave NUL every other byte."""
    if len(head) < 4 or b"\x00" not in head:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) >= 4 and min(even, odd) <= max(even, odd) // 16
