"""Cache files that hold data, never code (Decisions 2026-12-06, Caches hold data).

A repository copied by zip or USB carries its `.git/`, caches included, so everything read here
comes from someone else until proven otherwise. Hence:

- the format is JSON, decoded by the standard library into plain values; the few types JSON
  lacks (tuples, dates, mappings with non-string keys, the frozen records in RECORDS) are tagged
  and rebuilt from a fixed list, so no file can name a class or a function to call;
- every file carries a keyed BLAKE2b digest of its key and content, made with a secret that
  lives in the user's own cache directory (never in the repository): an entry written by
  anyone else — a received repository, another tool, an older format — fails the check and is
  ignored, so it can neither run code nor change a table;
- writes go to a temporary file renamed over the target (atomic, several processes at once),
  and are best effort: a full disk or a read-only repository only makes the next run slower.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from pia_changes.output import NEW_FILE, temp_name

MAGIC = b"pia-changes-cache 2 "   # first bytes of every file; the number is the file format
_MARK = "\x00"                    # tag keys start with it; a data mapping using it is tagged itself
_TUPLE, _MAP, _DATE, _DATETIME, _RECORD = "\x00t", "\x00m", "\x00d", "\x00T", "\x00r"
_TEXT_BYTES = "\x00u"             # bytes that are UTF-8 text, stored as the text
_SCALARS = (str, int, float, bool, type(None))


class Uncacheable(TypeError):
    """A value this format cannot hold exactly: the result is simply not cached."""


# ---- the secret that makes an entry ours -------------------------------------------------------

def _key_path() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:  # no home directory: no cache
        return None
    return root / "pia-changes" / "cache-key"


@lru_cache(maxsize=None)
def cache_secret() -> bytes | None:
    """This user's secret (32 random bytes, created once, mode 0600), or None when it can be
    neither read nor made — then nothing is cached. Created with a hard link, which fails when
    another process made one first, so concurrent first runs agree on one secret."""
    path = _key_path()
    if path is None:
        return None
    for _ in range(2):
        try:
            data = path.read_bytes()
            return data if len(data) == 32 else None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = temp_name(path.parent, ".key-")
            try:
                with os.fdopen(os.open(temp, NEW_FILE, 0o600), "wb") as fh:
                    fh.write(secrets.token_bytes(32))
                try:
                    os.link(temp, path)
                except FileExistsError:
                    pass  # another process won: read its secret
                except OSError:  # no hard links here: the last writer wins (only slower)
                    os.replace(temp, path)
            finally:
                temp.unlink(missing_ok=True)
        except OSError:
            return None
    return None


def _digest(secret: bytes, key: str, payload: bytes) -> bytes:
    mac = hashlib.blake2b(key=secret, digest_size=32, person=b"pia-changes")
    mac.update(key.encode("utf-8") + b"\0")
    mac.update(payload)
    return mac.hexdigest().encode("ascii")


# ---- values ↔ JSON -------------------------------------------------------------------------------

RECORDS: dict[str, type] = {}  # frozen dataclasses a cache may hold, by name (see register)


def register(cls: type) -> type:
    """Allow instances of the dataclass CLS in cache files (rebuilt with its own fields only)."""
    RECORDS[cls.__name__] = cls
    return cls


@dataclasses.dataclass(frozen=True)
class Plain:
    """A value already made of JSON's own types (lists, not tuples; mappings with text keys not
    starting with the tag mark), written as it is: a caller that freezes thousands of records
    in that shape spares their walk through `encode` (40 ms of 2,700 classified changes). It
    reads back as that plain value."""

    value: object


def encode(value: object) -> object:
    """VALUE as JSON-ready data; Uncacheable for anything not rebuilt exactly by decode."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Plain:
        return value.value  # type: ignore[attr-defined]
    if kind is list:
        return [encode(v) for v in value]
    if kind is dict:
        if all(type(k) is str and not k.startswith(_MARK) for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {_MAP: [[encode(k), encode(v)] for k, v in value.items()]}
    if kind is tuple:
        return {_TUPLE: [encode(v) for v in value]}
    if kind is dt.datetime:
        return {_DATETIME: value.isoformat()}
    if kind is bytes:
        try:
            return {_TEXT_BYTES: value.decode("utf-8")}
        except UnicodeDecodeError:
            raise Uncacheable("bytes") from None
    if kind is dt.date:
        return {_DATE: value.isoformat()}
    if RECORDS.get(kind.__name__) is kind:
        return {_RECORD: [kind.__name__, {f.name: encode(getattr(value, f.name))
                                          for f in dataclasses.fields(kind)}]}
    raise Uncacheable(kind.__name__)


def _record(spec: list) -> object:
    name, fields = spec
    cls = RECORDS[name]
    if set(fields) != {f.name for f in dataclasses.fields(cls)}:
        raise ValueError("record fields differ")
    return cls(**fields)


_DECODERS = {
    _TUPLE: tuple,
    _MAP: lambda pairs: {k: v for k, v in pairs},
    _DATE: dt.date.fromisoformat,
    _DATETIME: dt.datetime.fromisoformat,
    _RECORD: _record,
    _TEXT_BYTES: lambda text: text.encode("utf-8"),
}


def _hook(obj: dict) -> object:
    if len(obj) == 1:
        for key, value in obj.items():
            if key[:1] == _MARK:
                return _DECODERS[key](value)  # an unknown tag: KeyError, a miss
    return obj


def decode(payload: bytes) -> object:
    return json.loads(payload.decode("utf-8"), object_hook=_hook)  # strict UTF-8 first: faster than json's own


# ---- files ---------------------------------------------------------------------------------------

def read(path: Path, key: str) -> object | None:
    """The value stored under KEY at PATH, or None when absent, foreign, truncated, garbage, of
    another format or written for another key: the caller then computes it afresh."""
    secret = cache_secret()
    if secret is None:
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    head, _, payload = raw.partition(b"\n")
    if not head.startswith(MAGIC) or not hmac.compare_digest(head[len(MAGIC):], _digest(secret, key, payload)):
        return None
    try:
        return decode(payload)
    except (ValueError, KeyError, TypeError, RecursionError):
        return None


def write(path: Path, key: str, value: object) -> bool:
    """Store VALUE under KEY at PATH atomically; False when it was not stored (no secret, a value
    the format cannot hold, a full disk, a read-only repository): only the next run is slower."""
    secret = cache_secret()
    if secret is None:
        return False
    try:
        payload = json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (Uncacheable, ValueError, RecursionError):
        return False
    return write_bytes(path, MAGIC + _digest(secret, key, payload) + b"\n" + payload)


def write_bytes(path: Path, data: bytes) -> bool:
    """DATA at PATH atomically (temporary file renamed over it); False when it could not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = temp_name(path.parent, ".tmp-")
        try:
            with os.fdopen(os.open(temp, NEW_FILE, 0o600), "wb") as fh:  # inside the try: see temp_name
                fh.write(data)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
