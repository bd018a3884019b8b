"""Golden cases for `diff`, one folder per case, the way dyff keeps one per reported bug (style.md).

tests/cases/<name>/ holds before.yaml and after.yaml, a real seed cut down to the sections the case
needs (the first line of each says which seed and which edit), and expected.json, the whole output
of `pia-changes diff before.yaml after.yaml --format json` plus the options listed in an optional
`args` file. Every bug fixed in the diff gets a folder. To accept a deliberate change of the output,
run with PIA_CHANGES_UPDATE_GOLDEN=1: expected.json is rewritten (those runs skip, never pass);
review the files' diff before committing them.
"""
from __future__ import annotations

import json
import os

import jsonschema
import pytest

from tests.helpers.cli import invoke
from tests.helpers.paths import TESTS, schema

CASES = TESTS / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
UPDATE = "PIA_CHANGES_UPDATE_GOLDEN"


def diff_output(folder) -> str:
    args = (folder / "args").read_text(encoding="utf-8").split() if (folder / "args").is_file() else []
    result = invoke("diff", "before.yaml", "after.yaml", "--format", "json", *args, root=folder)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", result.stderr
    return result.stdout


@pytest.mark.parametrize("name", NAMES)
def test_diff_gives_the_golden_output(name):
    folder = CASES / name
    output = diff_output(folder)
    if os.environ.get(UPDATE):
        (folder / "expected.json").write_text(output, encoding="utf-8")
        pytest.skip(f"{UPDATE}: expected.json rewritten")
    assert output == (folder / "expected.json").read_text(encoding="utf-8")


def test_every_case_is_a_folder_of_three_files_and_its_output_keeps_the_contract():
    assert len(NAMES) >= 20
    for name in NAMES:
        folder = CASES / name
        files = {p.name for p in folder.iterdir()}
        assert {"before.yaml", "after.yaml", "expected.json"} <= files <= {"before.yaml", "after.yaml",
                                                                          "expected.json", "args"}, name
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        jsonschema.validate(expected, schema("diff"))
        assert expected["changes"] or expected["table_edits"], f"{name}: a case shows a change"
