"""generate's output files as Office users meet them (issue 28, items 2 and 3): a csv or tsv
written with -o opens in Excel without 文字化け (a BOM), and an -o extension that names no
format is refused before anything is written. Real repositories, the real CLI."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia_changes.cli import cli
from tests.helpers.documents import dump, kaigo
from tests.helpers.gitrepo import Repo

BOM = "\ufeff".encode("utf-8")


def document(content: str) -> str:
    return dump(kaigo(content=content))


@pytest.fixture
def repo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("基準の版", {"assessments/kaigo.yaml": document("被保険者の資格管理を行う。")})
    repo.commit("給付を追加\n\n変更日: 2025-06-01",
                {"assessments/kaigo.yaml": document("被保険者の資格管理及び給付を行う。")})
    return repo


def run(repo: Repo, *args: str):
    return CliRunner().invoke(cli, ["-C", str(repo.root), *args], catch_exceptions=False)


@pytest.mark.parametrize("name, delimiter", [("変更箇所.csv", ","), ("変更箇所.tsv", "\t")])
def test_csv_and_tsv_files_carry_a_bom_and_iso_dates(repo, name, delimiter):
    out = repo.root / name
    result = run(repo, "generate", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(BOM) and not data.startswith(BOM + BOM)
    rows = list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8")), delimiter=delimiter))
    assert rows[0][0] == "変更日"
    assert rows[1][0] == "2025-06-01"  # ISO: Excel reads it as a date


def test_no_bom_drops_it(repo):
    out = repo.root / "x.csv"
    assert run(repo, "generate", "-o", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith("変更日".encode("utf-8"))


def test_format_csv_into_a_file_without_a_csv_extension_still_has_the_bom(repo):
    out = repo.root / "table.txt"
    assert run(repo, "generate", "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(BOM)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "md"])
def test_stdout_never_carries_a_bom(repo, fmt):
    result = run(repo, "generate", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert not result.stdout_bytes.startswith(BOM) and "\ufeff" not in result.stdout


def test_json_file_has_no_bom(repo):
    out = repo.root / "x.json"
    assert run(repo, "generate", "assessments/kaigo.yaml", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"{") and json.loads(data)["rows"]


def test_the_old_bom_flag_is_gone(repo):
    result = run(repo, "generate", "--format", "csv", "--bom")
    assert result.exit_code == 2


def listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts}


@pytest.mark.parametrize("name", ["x.pdf", "table", "変更箇所.docx"])
def test_an_extension_that_names_no_format_is_a_usage_error_and_writes_nothing(repo, name):
    before = listing(repo.root)
    result = run(repo, "generate", "-o", str(repo.root / name))
    assert result.exit_code == 2
    assert "拡張子" in result.stderr and "--format" in result.stderr
    assert listing(repo.root) == before  # no file, no temporary file beside it


def test_a_format_contradicting_the_extension_is_a_usage_error(repo):
    before = listing(repo.root)
    result = run(repo, "generate", "--format", "csv", "-o", str(repo.root / "x.xlsx"))
    assert result.exit_code == 2 and "食い違" in result.stderr
    assert listing(repo.root) == before
