"""Writing outputs without ever losing a user's file (Decisions: Overwriting).

Every write goes to a temporary file beside the target and is renamed over it only when
complete, so an interrupted run (Ctrl-C, a crash) leaves the old file as it was.
"""
from __future__ import annotations

import contextlib
import os
import signal
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from pia_changes.errors import PiaError


def write_atomic(path: str | Path, data: bytes, force: bool = False) -> None:
    target = Path(path)
    if target.exists() and not force:
        raise PiaError("出力先が既にあります（上書きするには --force を付けてください）", file=str(path))
    if target.is_dir():
        raise PiaError("出力先がディレクトリです", file=str(path))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise PiaError("出力先のディレクトリがありません", file=str(path))
    tmp = temp_name(parent, f".{target.name}.", ".tmp")
    try:
        with os.fdopen(os.open(tmp, NEW_FILE, 0o600), "wb") as fh:  # inside the try: see temp_name
            os.fchmod(fh.fileno(), _mode(target))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def temp_name(directory: Path, prefix: str, suffix: str = "") -> Path:
    """A fresh name for a temporary file in DIRECTORY, to create with `os.open(name, NEW_FILE)`
    inside the caller's try. Unlike tempfile.mkstemp, the caller knows the name before the file
    exists, so a Ctrl-C arriving just as it is created still finds it to remove."""
    return Path(directory) / f"{prefix}{secrets.token_hex(8)}{suffix}"


def _mode(target: Path) -> int:
    """The existing file's mode, else what a plain open() would give (mkstemp's 0600 is too private)."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    return 0o666 & ~_umask()


def write_directory(path: str | Path, fill: Callable[[Path], None], force: bool = False) -> None:
    """Build a whole directory with FILL(tmp) in a temporary directory beside PATH, then swap it in.

    An existing non-empty PATH needs FORCE. The old directory is renamed aside, the new one
    renamed into place, and only then the old one deleted; if the second rename fails the old
    one is put back. A failure inside FILL leaves PATH as it was.
    """
    target = Path(path)
    check_directory(target, force)
    with _interrupts_deferred():  # Ctrl-C between creating and owning the temporary directory
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        fill(tmp)
        with _interrupts_deferred():  # the swap is never left half done
            _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def _interrupts_deferred():
    """Hold SIGINT/SIGTERM for a few system calls; they are delivered right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def check_directory(target: Path, force: bool) -> None:
    """What write_directory refuses, checked before a long build."""
    if target.exists() and not target.is_dir():
        raise PiaError("出力先がファイルです（ディレクトリを指定してください）", file=str(target))
    if target.is_dir() and any(target.iterdir()) and not force:
        raise PiaError("出力先のディレクトリが空ではありません（置き換えるには --force を付けてください）", file=str(target))
    if not target.parent.is_dir():
        raise PiaError("出力先の親ディレクトリがありません", file=str(target))


def _swap(new: Path, target: Path) -> None:
    if not target.exists():
        os.rename(new, target)  # replaces an empty directory created meanwhile, never a full one
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=new.parent))
    os.rename(target, old / "previous")
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old / "previous", target)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
