"""Where the caches live and what makes them this tool's: the cache format and the package
version. Kept apart from the caches themselves so that a warm run that only reads a stored
result (table.outputcache) imports nothing of the parser, the diff or the classifier."""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from pia_changes.git.repo import GitRepo

CACHE_FORMAT = 2  # format 1 held Python objects: never read again


@lru_cache(maxsize=None)
def package_version() -> str:
    """The installed version, as importlib.metadata gives it. Read from the distribution's own
    files on sys.path first (in the same order): importing importlib.metadata would cost more
    than the rest of a cached `diff` (Decisions: Speed)."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("pia_changes-") and name.endswith(".dist-info"):
                return name[len("pia_changes-"):-len(".dist-info")]
            if name in ("pia_changes.egg-info", "pia_changes.dist-info"):
                return _metadata_version(os.path.join(entry or ".", name)) or _slow_version()
    return _slow_version()


def _metadata_version(directory: str) -> str | None:
    for file in ("PKG-INFO", "METADATA"):
        try:
            with open(os.path.join(directory, file), encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("Version:"):
                        return line[8:].strip()
                    if not line.strip():
                        break
        except OSError:
            continue
    return None


def _slow_version() -> str:
    from importlib import metadata
    try:
        return metadata.version("pia-changes")
    except metadata.PackageNotFoundError:
        return "0"


def cache_root(repo: GitRepo) -> Path:
    """Where this version of the tool keeps its caches: a new format or version starts afresh."""
    return repo.git_dir / "pia-changes" / "cache" / f"{CACHE_FORMAT}-{package_version()}"


def config_salt(config: object) -> str:
    """What a pair's rows depend on besides the two versions and the commit: every setting of
    pia-changes.toml (sets sorted, so the salt is the same in every process)."""
    def plain(value: object) -> object:
        if isinstance(value, (set, frozenset)):
            return sorted(map(repr, value))
        if isinstance(value, dict):
            return sorted((repr(k), repr(v)) for k, v in value.items())
        return repr(value)
    return repr(sorted((k, plain(v)) for k, v in vars(config).items() if k != "root"))
