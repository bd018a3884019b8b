"""A first run split across processes (table.workers, Decisions: Speed) gives the very table,
findings and caches of a run in one process, whatever the split meets at its cuts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.helpers.cli import command
from tests.helpers.documents import dump, kaigo
from tests.helpers.gitrepo import Repo

PATH = "assessments/kaigo.yaml"
COMMITS = 100  # 99 steps: up to 3 parts of at least 32 (build._PART_LEAST)
BROKEN = b"\xe8\xa1\xa8\xe7\xb4\x99: [\n"  # "表紙: [" — not YAML: a version the walk skips


def versions(broken: set[int]) -> list[bytes]:
    """COMMITS versions of a 介護保険 assessment: 事務の内容 edited in each, 対象人数 (a しきい値
    item: 重要) every 25th, the versions in BROKEN invalid."""
    out = []
    for n in range(COMMITS):
        people = ("10万人以上30万人未満", "30万人以上")[n // 25 % 2]
        doc = kaigo(content=f"被保険者の資格管理を行う。（第{n}版）", people=people,
                    systems=tuple(f"介護保険システム{i}" for i in range(12)))
        out.append(BROKEN + b"# %d\n" % n if n in broken else dump(doc).encode("utf-8"))
    return out


def history(root: Path, broken: set[int] = frozenset()) -> Repo:
    """The versions committed one a day with a 変更日 trailer, in one `git fast-import`."""
    repo = Repo(root)
    chunks = []
    for n, blob in enumerate(versions(broken)):
        message = f"第{n}版\n\n変更日: 2025-{n // 28 + 1:02d}-{n % 28 + 1:02d}\n".encode()
        chunks += [b"commit refs/heads/main\n",
                   f"committer 評価 太郎 <hyoka@example.jp> {1735693200 + n * 86400} +0900\n".encode(),
                   b"data %d\n%s\n" % (len(message), message),
                   f"M 100644 inline {PATH}\n".encode(), b"data %d\n%s\n" % (len(blob), blob)]
    repo.git("fast-import", "--quiet", input=b"".join(chunks))
    repo.git("reset", "-q", "--hard", "main")
    return repo


def cold(root: Path, jobs: int) -> tuple[str, str, int]:
    """(stdout, stderr, packs written) of a first `generate --format json` in JOBS parts at most."""
    shutil.rmtree(root / ".git" / "pia-changes", ignore_errors=True)
    done = subprocess.run(command("generate", PATH, "--format", "json"), cwd=root, capture_output=True,
                          encoding="utf-8", env={**os.environ, "PIA_CHANGES_JOBS": str(jobs)}, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr, len(list((root / ".git" / "pia-changes").rglob("pairs/pack-*.json")))


def test_a_split_first_run_gives_the_table_of_one_process(tmp_path):
    repo = history(tmp_path / "repo")
    alone, alone_err, packs = cold(repo.root, 1)
    assert packs == 1
    table = json.loads(alone)
    assert len([r for r in table["rows"] if r["source"] == "git"]) == 99 + 3  # 事務の内容 each, 対象人数 3 times
    for jobs in (2, 3):
        split, split_err, packs = cold(repo.root, jobs)
        assert packs == jobs  # each part left its results: the work was split
        assert (split, split_err) == (alone, alone_err)
    for outputs in (False, True):  # the output read back; the classified changes read back
        if outputs:
            for kept in (repo.root / ".git" / "pia-changes").rglob("outputs"):
                shutil.rmtree(kept)
        again = subprocess.run(command("generate", PATH, "--format", "json"), cwd=repo.root, capture_output=True,
                               encoding="utf-8", timeout=120)
        assert (again.stdout, again.stderr) == (alone, alone_err)
        assert len(list((repo.root / ".git" / "pia-changes").rglob("pairs/pack-*.json"))) == 3  # nothing computed


def test_invalid_versions_at_the_cuts_are_reported_once_and_bridged(tmp_path):
    """Cuts of 99 steps fall at versions 50 (two parts) and 34, 67 (three): invalid versions there
    and just before are the base a part would start from, or its first step."""
    repo = history(tmp_path / "repo", broken={33, 34, 49, 50, 67})
    alone, alone_err, _ = cold(repo.root, 1)
    assert alone_err.count("様式に合わない") == 5
    for jobs in (2, 3):
        split, split_err, packs = cold(repo.root, jobs)
        assert (split, split_err) == (alone, alone_err)
        assert packs == jobs + 1  # the walk computed the steps across the invalid versions itself


def test_parts_follow_the_work_the_setting_and_the_threads(monkeypatch):
    import threading

    from pia_changes.table.workers import parts_for
    monkeypatch.setenv("PIA_CHANGES_JOBS", "3")
    assert [parts_for(n, 32) for n in (0, 63, 64, 95, 96, 1000)] == [1, 1, 2, 2, 3, 3]
    monkeypatch.setenv("PIA_CHANGES_JOBS", "1")
    assert parts_for(1000, 32) == 1
    monkeypatch.setenv("PIA_CHANGES_JOBS", "3")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert parts_for(1000, 32) == 1  # a fork would copy this thread only, with the others' locks
    finally:
        release.set()
        other.join()
    assert parts_for(1000, 32) == 3


def test_a_shared_cache_keeps_what_earlier_assessments_computed(tmp_path, monkeypatch):
    """status reads many assessments through one PairCache and flushes it at the end: a split
    run of a later assessment, with no progress shown, must not drop what earlier ones computed."""
    from pia_changes.config import load_config
    from pia_changes.git.repo import GitRepo
    from pia_changes.table.build import read_history
    from pia_changes.table.cache import PairCache
    from pia_changes.table.cachedir import config_salt

    repo = history(tmp_path / "repo")
    monkeypatch.setenv("PIA_CHANGES_JOBS", "2")
    config = load_config(repo.root)
    with GitRepo.discover(repo.root) as opened:
        pairs = PairCache(opened, config_salt(config))
        earlier = pairs.key("rows", "an earlier assessment's commit")
        pairs.put(earlier, True)
        read_history(opened, PATH, config, pairs=pairs)  # split, no progress callback
        pairs.flush()
        assert PairCache(opened, config_salt(config)).get(earlier) is True
