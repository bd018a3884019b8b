"""A warm `generate` prints exactly what a cold one does (issue 29, item 1): the stored output is
used only while everything it depends on is unchanged. Real repositories (the bundled example),
the CLI as a separate process; "cold" means the caches under .git removed first."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from pia_changes.table.generate import generate_output
from tests.helpers.example import FILE, cli, git

ARGS = ("generate", FILE, "--format", "json")


def outputs(root: Path) -> list[Path]:
    return sorted((root / ".git" / "pia-changes").rglob("outputs/*"))


def shown(root: Path, home: Path, *args: str) -> tuple[bytes, bytes, int]:
    done = cli(root, *(args or ARGS), home=home, check=False)
    return done.stdout, done.stderr, done.returncode


def cold(root: Path, home: Path, *args: str) -> tuple[bytes, bytes, int]:
    shutil.rmtree(root / ".git" / "pia-changes", ignore_errors=True)
    return shown(root, home, *args)


def test_a_second_run_reads_the_stored_output(received, tmp_path):
    first = cold(received, tmp_path)
    assert outputs(received)  # stored
    stamp = {p: p.stat().st_mtime_ns for p in outputs(received)}
    assert shown(received, tmp_path) == first
    assert {p: p.stat().st_mtime_ns for p in outputs(received)} == stamp  # read, not rebuilt


def test_a_new_tag_a_config_edit_and_a_new_commit_give_the_cold_output(received, tmp_path):
    before = cold(received, tmp_path)
    for change in (
        lambda: (received / FILE).write_text(
            (received / FILE).read_text(encoding="utf-8").replace("介護", "介護等", 1), encoding="utf-8")
            and git(received, "commit", "-q", "-a", "-m", "用語を修正"),
        lambda: git(received, "tag", "submitted/kaigo/2099-01-01"),  # the new commit is submitted
        lambda: (received / "pia-changes.toml").write_text(
            (received / "pia-changes.toml").read_text(encoding="utf-8").replace(
                'label_separator = " > "', 'label_separator = " / "'), encoding="utf-8"),
    ):
        change()
        warm = shown(received, tmp_path)
        assert warm[2] == 0, warm[1].decode()
        assert warm != before, "the change shows in the output"
        assert warm == cold(received, tmp_path)
        before = warm


def test_each_format_and_layout_has_its_own_entry(received, tmp_path):
    runs = [("generate", FILE, "--format", fmt, *layout) for fmt in ("md", "csv", "json")
            for layout in ((), ("--layout", "extended"))]
    colds = {args: cold(received, tmp_path, *args) for args in runs}
    for args in runs:
        shown(received, tmp_path, *args)
    for args in reversed(runs):
        assert shown(received, tmp_path, *args) == colds[args]


def test_the_day_is_part_of_the_key(received, monkeypatch):
    """Findings about deadlines change with the day: another day's output is never reused."""
    monkeypatch.chdir(received)
    days = [dt.date(2020, 1, 1), dt.date(2099, 1, 1)]
    warm = [generate_output(".", [FILE], "HEAD", "json", layout="standard", bom=False, today=d) for d in days]
    shutil.rmtree(received / ".git" / "pia-changes")
    fresh = [generate_output(".", [FILE], "HEAD", "json", layout="standard", bom=False, today=d) for d in days]
    assert warm == fresh and warm[0].findings != warm[1].findings


def test_a_changed_or_foreign_stored_output_is_not_shown(received, tmp_path):
    first = cold(received, tmp_path)
    for path in outputs(received):
        if path.suffix == ".out":
            path.write_bytes(path.read_bytes().replace("介護".encode(), "改竄".encode()))
    assert shown(received, tmp_path) == first
    for path in outputs(received):
        if path.suffix == ".json":
            path.write_bytes(b"pia-changes-cache 2 " + b"0" * 64 + b"\n[]")
    assert shown(received, tmp_path) == first


def test_diff_between_two_commits_is_read_back_and_keyed_like_generate(received, tmp_path):
    for args in (("diff", "HEAD~2", "HEAD", FILE, "--format", "json", "--exit-code"),
                 ("diff", "HEAD~2", "HEAD", "--format", "md"), ("diff", "HEAD~1", "HEAD")):
        first = cold(received, tmp_path, *args)
        assert first[2] == 1 or "--exit-code" not in args  # the exit code comes back from the entry too
        assert shown(received, tmp_path, *args) == first
    toml = received / "pia-changes.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('label_separator = " > "', 'label_separator = " / "'),
                    encoding="utf-8")
    args = ("diff", "HEAD~2", "HEAD", FILE, "--format", "json")
    warm = shown(received, tmp_path, *args)
    assert " / " in warm[0].decode() and warm == cold(received, tmp_path, *args)
    for path in outputs(received):
        if path.suffix == ".out":
            path.write_bytes(b'{"changes": [], "table_edits": []}\n')
    assert shown(received, tmp_path, *args) == warm
