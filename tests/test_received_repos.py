"""A repository received from someone else (issue #27): its caches hold data, git runs nothing
it names, concurrent runs agree, broken objects and read-only copies are handled.

Real repositories in tmp dirs (the example of `pia-changes init --example`), real git, the CLI
as a separate process, no mocks. A trap is a command that creates a file in MARKERS: a test
fails when any file appears there.
"""
from __future__ import annotations

import os
import pickle
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest

from tests.helpers.cli import command
from tests.helpers.example import FILE, _env, cache_files, cli, generate, git
from tests.helpers.paths import ROOT

PACKAGE = ROOT / "pia_changes"


class _Payload:
    """What an attacker puts into a cache file: unpickling it runs a shell command."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def test_a_crafted_cache_entry_runs_no_code(received, tmp_path, cold):
    marker = tmp_path / "crafted-entry-ran"
    assert generate(received, tmp_path) == cold  # writes the cache
    payload = pickle.dumps(_Payload(f"touch {marker}"))
    files = cache_files(received)
    assert files
    # every current entry, and the names the pickle-era format (1) used
    current = next((received / ".git" / "pia-changes" / "cache").iterdir())
    old = current.parent / f"1-{current.name.partition('-')[2]}"
    (old / "pairs").mkdir(parents=True)
    blobs = git(received, "rev-list", "--objects", "--all").split()
    files += [old / f"{sha}.pickle" for sha in blobs if re.fullmatch(r"[0-9a-f]{40}", sha)][:50]
    files += [old / "pairs" / p.with_suffix(".pickle").name for p in cache_files(received) if p.parent.name == "pairs"]
    for path in files:
        path.write_bytes(payload)
    assert generate(received, tmp_path) == cold
    cli(received, "report", "-o", str(tmp_path / "report"), home=tmp_path)
    cli(received, "diff", "HEAD~3", "HEAD", FILE, "--format", "json", home=tmp_path)
    assert not marker.exists()


def test_the_package_unpickles_and_unmarshals_nothing():
    found = [str(p) for p in PACKAGE.rglob("*.py") if re.search(r"\b(pickle|marshal)\b", p.read_text("utf-8"))]
    assert found == []


def _trap(root: Path, markers: Path) -> None:
    """Configuration a stranger could put into .git/config and .gitattributes: each program
    it names would create a file in MARKERS."""
    markers.mkdir()
    hooks = root / "evil-hooks"
    hooks.mkdir()
    for name in ("post-index-change", "post-checkout", "reference-transaction", "pre-commit"):
        (hooks / name).write_text(f"#!/bin/sh\ntouch {markers}/hook-{name}\n")
        (hooks / name).chmod(0o755)
    for key, value in {"core.fsmonitor": f"touch {markers}/fsmonitor; echo",
                       "core.pager": f"touch {markers}/pager; cat",
                       "core.hooksPath": str(hooks),
                       "filter.x.clean": f"touch {markers}/clean; cat",
                       "filter.x.smudge": f"touch {markers}/smudge; cat",
                       "filter.x.process": f"touch {markers}/process",
                       "filter.x.required": "true",
                       "diff.x.textconv": f"touch {markers}/textconv; cat",
                       "diff.external": f"touch {markers}/external-diff",
                       "core.sshCommand": f"touch {markers}/ssh"}.items():
        git(root, "config", key, value)
    with (root / ".gitattributes").open("a") as fh:
        fh.write("* filter=x diff=x\n")


def test_repository_config_and_attributes_start_no_program(received, tmp_path):
    markers = tmp_path / "markers"
    _trap(received, markers)
    # the trap is live: git itself, run by hand, falls into it
    subprocess.run(["git", "status", "--short"], cwd=received, env=_env(tmp_path), capture_output=True)
    assert (markers / "fsmonitor").exists()
    for marker in markers.iterdir():
        marker.unlink()
    text = (received / FILE).read_text(encoding="utf-8")
    (received / FILE).write_text(text.replace("介護", "介護等", 1), encoding="utf-8")  # a working-tree edit
    for args in (["log"], ["log", FILE], ["diff"], ["diff", "--cached"], ["diff", "HEAD~1", "HEAD", FILE],
                 ["blame", FILE], ["generate", FILE], ["report", "-o", str(tmp_path / "report")]):
        cli(received, *args, home=tmp_path)
    assert sorted(p.name for p in markers.iterdir()) == []


def test_garbage_truncated_and_tampered_entries_give_the_cold_output(received, tmp_path, cold):
    assert generate(received, tmp_path) == cold
    files = cache_files(received)
    for n, path in enumerate(files):
        data = path.read_bytes()
        if n % 3 == 0:
            path.write_bytes(data[:len(data) // 2])                            # truncated
        elif n % 3 == 1:
            path.write_bytes(b"\x00garbage\xff" * 7)                             # garbage
        else:
            path.write_bytes(data.replace("変更".encode(), "改ざん".encode()))    # content changed, not re-signed
    assert generate(received, tmp_path) == cold
    assert generate(received, tmp_path) == cold  # the rebuilt cache
    assert not [p for p in cache_files(received) if p.name.startswith(".tmp-")]


def test_another_users_cache_is_not_trusted(received, tmp_path, cold):
    """Entries signed by someone else (the sender) are foreign: rebuilt, same output."""
    sender, reviewer = tmp_path / "sender", tmp_path / "reviewer"
    assert generate(received, sender) == cold
    pairs = [p for p in cache_files(received) if p.parent.name == "pairs"]
    for path in pairs:  # what a sender could do: change a recorded text, signing with their own key
        path.write_bytes(path.read_bytes().replace("変更".encode(), "改ざん".encode()))
    assert generate(received, reviewer) == cold


def test_a_new_tag_or_config_edit_makes_the_warm_run_equal_a_cold_one(received, tmp_path):
    generate(received, tmp_path)
    head = git(received, "rev-parse", "HEAD")
    git(received, "tag", "-a", "-m", "提出", "submitted/kaigo/2099-01-01", head)
    warm = generate(received, tmp_path)
    shutil.rmtree(received / ".git" / "pia-changes")
    assert warm == generate(received, tmp_path)
    config = received / "pia-changes.toml"
    text = config.read_text(encoding="utf-8")
    assert 'label_separator = " > "' in text
    config.write_text(text.replace('label_separator = " > "', 'label_separator = " ／ "'), encoding="utf-8")
    warm = generate(received, tmp_path)
    assert " ／ ".encode() in warm
    shutil.rmtree(received / ".git" / "pia-changes")
    assert warm == generate(received, tmp_path)


def test_four_concurrent_cold_runs_agree(received, tmp_path, cold):
    argv = command("generate", FILE, "--format", "json")
    runs = [subprocess.Popen(argv, cwd=received, env=_env(tmp_path), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0 and b"Traceback" not in err, err.decode()
        assert out == cold
    assert generate(received, tmp_path) == cold  # the cache they left
    assert not [p for p in cache_files(received) if p.name.startswith(".tmp-")]


def _old_revision(root: Path) -> tuple[str, str]:
    """(commit, blob) of the third version of FILE: an old revision."""
    commit = git(root, "log", "--reverse", "--format=%H", "--", FILE).split()[2]
    return commit, git(root, "rev-parse", f"{commit}:{FILE}")


def _loose(root: Path, sha: str) -> Path:
    path = root / ".git" / "objects" / sha[:2] / sha[2:]
    assert path.is_file(), "the example repository keeps loose objects"
    path.chmod(0o644)
    return path


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_broken_blob_of_an_old_revision_is_skipped_naming_its_commit(received, tmp_path, damage):
    commit, blob = _old_revision(received)
    obj = _loose(received, blob)
    if damage == "missing":
        obj.unlink()
    else:
        obj.write_bytes(obj.read_bytes()[: obj.stat().st_size // 2])
    done = cli(received, "generate", FILE, "--format", "json", home=tmp_path)
    stderr = done.stderr.decode()
    assert f"コミット {commit[:7]} の版を git から読めないため比較から外しました" in stderr
    assert cli(received, "generate", FILE, "--format", "json", home=tmp_path).stdout == done.stdout  # warm: alike
    cli(received, "log", FILE, home=tmp_path)
    cli(received, "blame", FILE, home=tmp_path)


def test_a_corrupt_commit_is_named_without_a_traceback(received, tmp_path):
    commit, _ = _old_revision(received)
    _loose(received, commit).write_bytes(b"garbage")
    done = cli(received, "generate", FILE, home=tmp_path, check=False)
    assert done.returncode == 1
    assert commit in done.stderr.decode() and "git fsck" in done.stderr.decode()


def _as_nobody() -> tuple[list[str], dict[str, str]] | str:
    """How to run the CLI as `nobody` (argv prefix, extra environment), or why it is not
    possible here. The interpreter of this venv may live under root's home (pyenv), which
    nobody cannot enter: the system's interpreter of the same version then runs the package
    and this venv's libraries from PYTHONPATH."""
    if os.geteuid() != 0:
        return "not root"
    paths = sysconfig.get_paths()
    extra = {"PYTHONPATH": os.pathsep.join([str(PACKAGE.parent), paths["purelib"], paths["platlib"]]),
             "PYTHONDONTWRITEBYTECODE": "1"}
    system = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, system):
        try:
            done = subprocess.run([python, "-c", "import pia_changes.cli"], user=65534, group=65534, cwd="/",
                                  env={**os.environ, **extra}, capture_output=True)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return [python, "-m", "pia_changes.cli"], extra
    return "no interpreter here that nobody may run imports the package"


def test_a_read_only_repository_works_without_a_cache(example, tmp_path, cold):
    """As root, chmod does not stop writes, so the run is made as `nobody` on a root-owned copy
    (which git would refuse as dubious ownership without safe.directory: the test trusts it)."""
    base = Path(tempfile.mkdtemp(prefix="pia-ro-"))
    try:
        base.chmod(0o755)
        root = base / "repo"
        shutil.copytree(example, root, symlinks=True)
        shutil.rmtree(root / ".git" / "pia-changes", ignore_errors=True)
        for path in [root, *root.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode & ~0o222)
        home = base / "home"
        home.mkdir()
        trust = home / "gitconfig"
        trust.write_text("[safe]\n\tdirectory = *\n")
        env = _env(home, GIT_CONFIG_GLOBAL=str(trust))
        prefix, extra = command(), {}
        if os.access(root / ".git", os.W_OK):
            nobody = _as_nobody()
            if isinstance(nobody, str):
                pytest.skip(f"the copy stays writable for this user (root ignores chmod) and {nobody}")
            prefix, more_env = nobody
            env.update(more_env)
            os.chown(home, 65534, 65534)
            extra = {"user": 65534, "group": 65534}
        done = subprocess.run([*prefix, "generate", FILE, "--format", "json"], cwd=root, env=env,
                              capture_output=True, **extra)
        assert done.returncode == 0 and done.stderr.decode().count("Traceback") == 0, done.stderr.decode()
        assert done.stdout == cold
        assert not (root / ".git" / "pia-changes").exists()
    finally:
        for path in [base, *base.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(base, ignore_errors=True)


def test_a_cache_that_cannot_be_written_leaves_the_output_correct(received, tmp_path, cold):
    (received / ".git" / "pia-changes").write_bytes(b"")  # a file where the cache directory goes
    assert generate(received, tmp_path) == cold


def test_dubious_ownership_says_how_to_trust_the_repository(received, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a repository owned by another user needs root (chown)")
    for path in [received, *received.rglob("*")]:
        os.lchown(path, 65534, 65534)
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    done = subprocess.run(command("log", FILE), cwd=received,
                          env=_env(tmp_path, GIT_CONFIG_GLOBAL=str(empty)), capture_output=True)
    stderr = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in stderr
    assert f"git config --global --add safe.directory {received}" in stderr
    assert "信頼できる場合だけ" in stderr and len(stderr.strip().splitlines()) == 1
    empty.write_text(f"[safe]\n\tdirectory = {received}\n")
    again = subprocess.run(command("log", FILE), cwd=received,
                           env=_env(tmp_path, GIT_CONFIG_GLOBAL=str(empty)), capture_output=True)
    assert again.returncode == 0, again.stderr.decode()
