"""The bundled example repository (`pia-changes init --example`) as tests receive it: the CLI run
as a separate process with no user or system git config and its own cache secret, and fixtures
for a cold copy and its output."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import command

FILE = "assessments/kaigo.yaml"


def _env(home: Path, **extra: str) -> dict[str, str]:
    """No user or system git config; the cache secret under HOME (one user's own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", XDG_CACHE_HOME=str(home / "cache"),
               HOME=str(home))
    env.update(extra)
    return env


def cli(root: Path, *args: str, home: Path, check: bool = True, **popen) -> subprocess.CompletedProcess:
    done = subprocess.run(command(*args), cwd=root, env=_env(home),
                          capture_output=True, **popen)
    assert "Traceback" not in done.stderr.decode("utf-8", "replace"), done.stderr.decode()
    if check:
        assert done.returncode == 0, done.stderr.decode()
    return done


def generate(root: Path, home: Path) -> bytes:
    return cli(root, "generate", FILE, "--format", "json", home=home).stdout


def git(root: Path, *args: str) -> str:
    who = {f"GIT_{role}_{what}": value for role in ("AUTHOR", "COMMITTER")
           for what, value in (("NAME", "評価 太郎"), ("EMAIL", "hyoka@example.jp"))}
    done = subprocess.run(["git", *args], cwd=root, env=_env(root.parent, **who), capture_output=True, check=True)
    return done.stdout.decode().strip()


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".git" / "pia-changes").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """The example repository, built once (loose objects, as init leaves them), and its cold output."""
    base = tmp_path_factory.mktemp("example")
    subprocess.run(command("init", str(base / "repo"), "--example"),
                   env=_env(base), capture_output=True, check=True)
    return base / "repo"


@pytest.fixture
def received(example, tmp_path) -> Path:
    """A fresh copy of the example, as a reviewer receives it (no cache yet)."""
    root = tmp_path / "received"
    shutil.copytree(example, root, symlinks=True)
    shutil.rmtree(root / ".git" / "pia-changes", ignore_errors=True)
    return root


@pytest.fixture
def cold(example, tmp_path_factory) -> bytes:
    """generate's output on a cold copy (computed once per test that asks)."""
    home = tmp_path_factory.mktemp("cold-home")
    root = home / "repo"
    shutil.copytree(example, root, symlinks=True)
    shutil.rmtree(root / ".git" / "pia-changes", ignore_errors=True)
    return generate(root, home)
