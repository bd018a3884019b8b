"""`hooks install|uninstall`: plain git hooks (pre-commit, commit-msg) that run `pia-changes check`.

Our hooks are marked by one comment line (MARKER); anything else in the hooks directory is a
foreign hook. Install refuses to replace one without --force, and with --force keeps it as
`<name>.local`, which our hook runs first (chaining). Uninstall removes only marked hooks and
puts a chained `.local` back. The scripts are fixed text: nothing from a document or a commit
message is ever executed; the only variable part is the interpreter path, shell-quoted.
"""
from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pia_changes.errors import PiaError
from pia_changes.git.repo import GitRepo
from pia_changes.output import write_atomic

MARKER = "# pia-changes-hook: この行は pia-changes hooks install が書いた目印です（消さないでください）"
HOOKS = {
    "pre-commit": "check",
    "commit-msg": 'check --strict --commit-msg "$1"',
}

_SCRIPT = """#!/bin/sh
{marker}
# {name}: 評価書の変更を pia-changes check で確かめます。外すには pia-changes hooks uninstall。
hook_dir=$(dirname "$0")
if [ -x "$hook_dir/{name}.local" ]; then
    "$hook_dir/{name}.local" "$@" || exit $?
fi
if command -v pia-changes >/dev/null 2>&1; then
    exec pia-changes {args}
fi
exec {python} -m pia_changes.cli {args}
"""


@dataclass
class HookReport:
    written: list[Path] = field(default_factory=list)
    chained: list[Path] = field(default_factory=list)    # foreign hooks kept as .local and run first
    removed: list[Path] = field(default_factory=list)
    restored: list[Path] = field(default_factory=list)   # .local hooks put back
    foreign: list[Path] = field(default_factory=list)    # left alone


def script(name: str) -> str:
    return _SCRIPT.format(marker=MARKER, name=name, args=HOOKS[name], python=shlex.quote(sys.executable))


def is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return MARKER in head.splitlines()


def install(start: str | Path = ".", force: bool = False) -> HookReport:
    """Write our hooks into the repository's hooks directory (core.hooksPath respected)."""
    with GitRepo.discover(start) as repo:
        directory = repo.hooks_dir()
    directory.mkdir(parents=True, exist_ok=True)
    report = HookReport()
    blocked = []
    for name in HOOKS:
        target, local = directory / name, directory / f"{name}.local"
        if _exists(target) and not is_ours(target):
            if not force:
                blocked.append(target)
            elif _exists(local):
                raise PiaError(f"{local.name} が既にあるため、既存のフックを退避できません（手で整理してください）",
                               file=str(target))
    if blocked:
        names = "、".join(str(p) for p in blocked)
        kept = "、".join(p.with_name(f"{p.name}.local").name for p in blocked)
        raise PiaError(f"既存のフックがあります: {names}（--force を付けると {kept} に退避し、"
                       "先に実行するようにつなぎます）")
    for name in HOOKS:
        target, local = directory / name, directory / f"{name}.local"
        if _exists(target) and not is_ours(target):
            os.replace(target, local)
            report.chained.append(local)
        write_atomic(target, script(name).encode("utf-8"), force=True)
        target.chmod(0o755)
        report.written.append(target)
    return report


def uninstall(start: str | Path = ".") -> HookReport:
    """Remove our hooks only; a chained `<name>.local` goes back to `<name>`."""
    with GitRepo.discover(start) as repo:
        directory = repo.hooks_dir()
    report = HookReport()
    for name in HOOKS:
        target, local = directory / name, directory / f"{name}.local"
        if _exists(target) and not is_ours(target):
            report.foreign.append(target)
            continue
        if _exists(target):
            target.unlink()
            report.removed.append(target)
        if _exists(local) and not _exists(target):
            os.replace(local, target)
            report.restored.append(target)
    return report


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()
