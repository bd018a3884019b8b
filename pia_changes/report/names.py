"""File names inside the report directory, derived from assessment paths that we do not trust.

A name is one path component made of letters (Japanese included), digits, `-` and `_`: no `/`,
no `..`, no leading dot, bounded in length, unique among the report's files.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath

INDEX = "index.html"
TABLE_STEM = "変更箇所"
MAX_STEM = 60            # characters; 60 × 3 bytes of UTF-8 stays far below NAME_MAX (255 bytes)
_UNSAFE = re.compile(r"[^\w-]+")
_RESERVED = {"index", "con", "prn", "aux", "nul"}


def stem_for(assessment: str) -> str:
    """assessments/住民基本台帳.yaml → assessments_住民基本台帳; ../../x.yaml → x."""
    path = PurePosixPath(unicodedata.normalize("NFC", assessment.replace("\\", "/")))
    parts = [p for p in path.parts if p not in ("", ".", "..", "/")]
    if parts:
        parts[-1] = PurePosixPath(parts[-1]).stem
    stem = _UNSAFE.sub("_", "_".join(parts)).strip("_")
    if len(stem) > MAX_STEM:
        stem = stem[:MAX_STEM - 9] + "_" + _digest(assessment)
    if not stem or stem.casefold() in _RESERVED:
        stem = f"{stem}_{_digest(assessment)}".lstrip("_")
    return stem


def unique_stems(assessments: list[str]) -> dict[str, str]:
    """Assessment path → stem without the directory they all share (assessments/), the same
    stem never given twice (ignoring case, as on macOS)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    common = _common_directory(assessments)
    for path in assessments:
        stem = stem_for(path[len(common):])
        if stem.casefold() in used:
            stem = f"{stem[:MAX_STEM - 9]}_{_digest(path)}"
        used.add(stem.casefold())
        out[path] = stem
    return out


def inside(directory: Path, name: str) -> Path:
    """DIRECTORY/NAME, refusing any name that would not be a plain file directly inside it."""
    target = directory / name
    if PurePosixPath(name).name != name or name in ("", ".", "..") or target.resolve().parent != directory.resolve():
        raise ValueError(f"unsafe file name in the report: {name!r}")
    return target


def _common_directory(paths: list[str]) -> str:
    """The leading "dir/" that every path shares, "" when none."""
    dirs = [p.rsplit("/", 1)[0] + "/" if "/" in p else "" for p in paths]
    common = dirs[0] if dirs else ""
    while common and not all(d.startswith(common) for d in dirs):
        common = common[:-1].rsplit("/", 1)[0] + "/" if "/" in common[:-1] else ""
    return common


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
