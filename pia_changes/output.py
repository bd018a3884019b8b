"""Writing outputs without ever losing a user's file (Decisions: Overwriting).

Every write goes to a temporary file beside the target and is renamed over it only when
complete, so an interrupted run (Ctrl-C, a crash) leaves the old file as it was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import PiaError


def write_atomic(path: str | Path, data: bytes, force: bool = False) -> None:
    target = Path(path)
    if target.exists() and not force:
        raise PiaError("出力先が既にあります（上書きするには --force を付けてください）", file=str(path))
    if target.is_dir():
        raise PiaError("出力先がディレクトリです", file=str(path))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise PiaError("出力先のディレクトリがありません", file=str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        os.fchmod(fd, _mode(target))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _mode(target: Path) -> int:
    """The existing file's mode, else what a plain open() would give (mkstemp's 0600 is too private)."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
