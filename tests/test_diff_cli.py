"""`pia-changes diff` end to end: default revisions, --cached, two files, formats, --exit-code."""
from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from tests.helpers.cli import invoke
from tests.helpers.documents import dump, kaigo_yaml
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import schema

SCHEMA = schema("diff")
PATH = "assessments/kaigo.yaml"


@pytest.fixture
def repo(tmp_path) -> Repo:
    repo = Repo(tmp_path / "repo")
    repo.commit("base", {PATH: kaigo_yaml()})
    repo.commit("内容\n\n変更日: 2025-06-01", {PATH: kaigo_yaml(content="被保険者の資格管理及び給付を行う。")})
    return repo


def changes(result) -> list[tuple[str, str]]:
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    return [(c["item_id"], c["kind"]) for c in data["changes"]]


def test_two_revisions_in_json_follow_the_contract(repo):
    result = repo.cli("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    (change,) = data["changes"]
    assert (change["assessment"], change["item_id"], change["important"], change["required_timing"]) == (
        PATH, "I/jimu_content", True, "事前")
    assert change["after"][slice(*change["spans"]["after"][0])] == "及び給付"
    assert "cosmetic" not in change


def test_default_revisions_working_tree_index_and_one_revision(repo):
    assert changes(repo.cli("diff", "--format", "json")) == []  # clean working tree
    repo.write(PATH, kaigo_yaml(content="被保険者の資格管理及び給付を行う。", name="介護保険の事務"))
    assert changes(repo.cli("diff", "--format", "json")) == [("I/jimu_name", "変更")]
    assert changes(repo.cli("diff", "--cached", "--format", "json")) == []  # nothing staged yet
    repo.git("add", PATH)
    assert changes(repo.cli("diff", "--cached", "--format", "json")) == [("I/jimu_name", "変更")]
    assert sorted(changes(repo.cli("diff", "HEAD~1", "--format", "json"))) == [
        ("I/jimu_content", "変更"), ("I/jimu_name", "変更")]


def test_two_files_without_git_and_cosmetic_changes(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(kaigo_yaml(content="被保険者の資格管理を行う。"), encoding="utf-8")
    b.write_text(kaigo_yaml(content="被保険者の　資格管理を\n行う"), encoding="utf-8")  # spaces, a break, no 。
    plain = invoke("diff", str(a), str(b), "--format", "json")
    assert plain.exit_code == 0 and json.loads(plain.stdout)["changes"] == []
    shown = invoke("diff", str(a), str(b), "--format", "json", "--include-cosmetic")
    data = json.loads(shown.stdout)
    jsonschema.validate(data, SCHEMA)
    assert [(c["item_id"], c["cosmetic"], c["important"]) for c in data["changes"]] == [
        ("I/jimu_content", True, None)]
    assert invoke("diff", str(a), str(b), "--exit-code").exit_code == 0  # cosmetic only


def test_exit_code_text_and_markdown(repo):
    result = repo.cli("diff", "HEAD~1", "HEAD", "--exit-code")
    assert result.exit_code == 1
    assert "[重要]" in result.stdout and "+ 被保険者の資格管理及び給付を行う。" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour codes
    md = repo.cli("diff", "HEAD~1", "HEAD", "--format", "md")
    assert md.exit_code == 0 and "| 項目" in md.stdout and "重要な変更" in md.stdout


def test_legacy_table_edits_are_reported_apart(repo):
    data = yaml.safe_load(kaigo_yaml(content="被保険者の資格管理及び給付を行う。"))
    data["変更箇所"][0]["提出時期に係る説明"] = "重要な変更に当たる。"
    repo.commit("表の説明の修正", {PATH: dump(data)})
    out = json.loads(repo.cli("diff", "HEAD~1", "HEAD", "--format", "json").stdout)
    jsonschema.validate(out, SCHEMA)
    assert out["changes"] == []
    assert [(e["assessment"], e["index"], e["kind"]) for e in out["table_edits"]] == [(PATH, 0, "変更")]
