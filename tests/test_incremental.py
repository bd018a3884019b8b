"""The speed work must not change results: the incremental parse of a history (ChunkParser), the
validation memo, the cached rows of generate and the cheaper keys of the diff all give exactly
what the plain path gives (Decisions: Speed)."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
from pathlib import Path

import pytest

from pia_changes.diff.semantic import _plain_row_keys, _row_key, legacy_edits
from pia_changes.document.model import load_text
from pia_changes.errors import PiaError
from pia_changes.table.cache import RevisionLoader
from pia_changes.git.repo import GitRepo
from pia_changes.document.chunks import ChunkParser, LineMap
from pia_changes.document.yamlread import parse
from pia_changes.text.decode import decode
from tests.helpers.cli import run_process
from tests.helpers.gitrepo import Repo
from tests.helpers.paths import TESTS
from tests.helpers.seeds import seed_yaml

BAD = TESTS / "bad_inputs"
LIMIT = 20 * 1024 * 1024


def whole(raw: bytes, file: str = "x.yaml"):
    """(data, lines, warnings) or the error text, the plain way."""
    try:
        doc = load_text(decode(raw, file, LIMIT), file)
    except PiaError as exc:
        return str(exc)
    return doc.data, dict(doc.lines), [str(w) for w in doc.warnings]


def incremental(loader: RevisionLoader, raw: bytes, file: str = "x.yaml"):
    try:
        doc = loader.load_bytes(raw, file)
    except PiaError as exc:
        return str(exc)
    return doc.data, dict(doc.lines), [str(w) for w in doc.warnings]


_PLAIN_VALUE = re.compile(r"^\s*(?:- )?[^\s#:-][^:]*: [^|>'\"&*!\[{%@`\s]")


def mutations(text: str, rng: random.Random, count: int) -> list[str]:
    """Successive versions: plain values edited, lines removed or repeated, blocks repeated, and
    now and then something odd (a tab, an anchor, a duplicate key, a marker, a comment)."""
    versions = []
    lines = text.split("\n")
    odd = ["\tkey: tab", "dup: &a 1", "  - *a", "---", "# コメント", "...", "%YAML 1.1", "- 項目",
           "  ? 長いキー", "  : 値", "表紙:", "  [a, [b]]: 1", "x: {a: 1}", "   ", "-bad: 1"]
    for _ in range(count):
        edited = list(lines)
        broken = False
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            plain = [i for i, line in enumerate(edited) if _PLAIN_VALUE.match(line)]
            if kind < 0.75 and plain:
                at = rng.choice(plain)
                edited[at] += rng.choice(["を追加", "。", " 改", "１", "（変更）"])
                continue
            at = rng.randrange(len(edited))
            broken = True
            if kind < 0.8:
                del edited[at]
            elif kind < 0.85:
                edited.insert(at, edited[rng.randrange(len(edited))])
            elif kind < 0.9:
                start = rng.randrange(len(edited))
                edited[at:at] = edited[start:start + rng.randint(2, 40)]
            elif kind < 0.97:
                edited.insert(at, rng.choice(odd))
            else:
                edited[at] = edited[at].replace("  ", " ", 1)
        versions.append("\n".join(edited))
        if not broken and rng.random() < 0.9:
            lines = edited  # a history drifts; sometimes it goes back
    return versions


@pytest.mark.parametrize("seed", [pytest.param("000", marks=pytest.mark.slow), pytest.param("001", marks=pytest.mark.slow),
                                  "002", "004"])
def test_incremental_parse_of_a_history_equals_the_whole_parse(seed):
    """000 and 001, the two 全項目 seeds, take 10–45 s: slow."""
    text = seed_yaml(seed)
    rng = random.Random(int(seed) + 7)
    loader = RevisionLoader(None, LIMIT)  # type: ignore[arg-type]
    chunked = 0
    for version in [text] + mutations(text, rng, 60):
        raw = version.encode("utf-8")
        assert incremental(loader, raw) == whole(raw)
        tree = ChunkParser().parse(raw)
        chunked += tree is not None
    assert chunked > 10  # the plain versions do take the incremental path


def test_crlf_bom_and_the_bad_input_corpus_take_the_whole_parse_with_its_errors():
    loader = RevisionLoader(None, LIMIT)  # type: ignore[arg-type]
    text = seed_yaml("002")
    variants = [text.replace("\n", "\r\n").encode(), b"\xef\xbb\xbf" + text.encode(), b"", b"   \n",
                text.encode("utf-16"), text.encode("cp932", "replace")]
    variants += [path.read_bytes() for path in sorted(BAD.glob("*.yaml"))]
    for raw in variants:
        assert incremental(loader, raw) == whole(raw)


def test_line_map_looks_up_like_the_flat_dict():
    raw = seed_yaml("001").encode()
    tree = ChunkParser().parse(raw)
    full = parse(raw.decode(), "x")
    assert isinstance(tree.lines, LineMap) and tree.lines == full.lines and dict(tree.lines) == full.lines
    for path, line in full.lines.items():
        assert tree.lines[path] == line and path in tree.lines
    assert ("no", "such") not in tree.lines and tree.lines.get(("no",)) is None
    assert len(tree.lines) == len(full.lines)
    on_line = {line for line in full.lines.values()}
    for line in range(1, raw.count(b"\n") + 2):  # the reverse lookup of document.splice
        found = tree.lines.path_at(line)
        assert (found is not None and full.lines[found] == line) == (line in on_line), line


def test_unchanged_blocks_are_shared_between_versions():
    parser = ChunkParser()
    text = seed_yaml("001")
    first = parser.parse(text.encode()).data
    second = parser.parse(text.replace("住民基本台帳ファイル", "住民基本台帳ファイル ", 1).encode()).data
    shared = [key for key in first if first[key] is second[key]]
    assert len(shared) >= len(first) - 2


_SPLICEABLE = re.compile(r"^( *)([^\s\-#'\"&*!|>%@`?:,\[\]{}][^:#,\[\]{}]*): ([^\s\-#'\"&*!|>%@`?:,\[\]{}][^#,\[\]{}]*)$")


def test_values_edited_in_place_are_spliced_and_give_the_whole_parse():
    """One-line plain values edited in place are put into the previous tree (document.splice):
    the document keeps the very line map of the version before. Every other edit, and every
    value whose reading depends on its surroundings, takes the usual parse, with its result."""
    text = seed_yaml("004")
    lines = text.split("\n")
    plain = [i for i, line in enumerate(lines) if _SPLICEABLE.match(line) and ": " not in line.split(": ", 1)[1]]
    assert len(plain) > 20
    rng = random.Random(11)
    loader = RevisionLoader(None, LIMIT)  # type: ignore[arg-type]
    incremental(loader, text.encode())
    spliced = 0
    for n in range(40):
        edited = list(lines)
        for at in rng.sample(plain, rng.randint(1, 4)):
            key = edited[at].split(": ", 1)[0]
            edited[at] = f"{key}: " + rng.choice(["市民課", "yes", "2025-01-01", "1", "~", "a#b", "a:b", f"第{n}版"])
        raw = "\n".join(edited).encode()
        spliced += loader.splicer.splice(raw) is not None
        assert incremental(loader, raw) == whole(raw)  # invalid values too: the same errors
        lines = edited
    assert spliced >= 35
    # edits that are not a plain value in place: the usual parse
    at = next(i for i in plain if lines[i].startswith("    "))  # a value inside a section, not the 様式
    indent, key = re.match(r"( *)([^:]+)", lines[at]).groups()
    for variant in [f"{key}: 'quoted'", f"{key}: a #comment", f"{key}: 1,000", f"{key}: [a]", f"{key}: a\u2028b",
                    f" {key}: shifted", f"{key}: a: b", f"{key}:", f"{key}2: renamed", f"{key}: a\x7fb"]:
        raw = "\n".join(lines[:at] + [indent + variant] + lines[at + 1:]).encode()
        assert loader.splicer.splice(raw) is None, variant
        assert incremental(loader, raw) == whole(raw)
        incremental(loader, "\n".join(lines).encode())
    for odd in ("a\ufeffb", "true", "0x1F", "2025-02-30", "null 値", "y"):  # read by the loader itself
        raw = "\n".join(lines[:at] + [f"{indent}{key}: {odd}"] + lines[at + 1:]).encode()
        assert incremental(loader, raw) == whole(raw), odd
        incremental(loader, "\n".join(lines).encode())
    # a value continued on the next line: its first line alone is not the value
    continued = lines[:at + 1] + [indent + "  続きの行"] + lines[at + 1:]
    incremental(loader, "\n".join(continued).encode())
    edited = list(continued)
    edited[at] = f"{indent}{key}: 書き換え"
    raw = "\n".join(edited).encode()
    assert loader.splicer.splice(raw) is None
    assert incremental(loader, raw) == whole(raw)
    # inside a flow collection spanning lines, the same looking line is an entry of it
    flow = lines + ["別紙: [先頭,", "  名前: 値", "  ]"]
    incremental(loader, "\n".join(flow).encode())
    raw = "\n".join(flow[:-2] + ["  名前: 新しい値", "  ]"]).encode()
    assert incremental(loader, raw) == whole(raw)
    raw = "\n".join(flow[:-2] + ["  名前: 値, 二つ目", "  ]"]).encode()
    assert loader.splicer.splice(raw) is None
    assert incremental(loader, raw) == whole(raw)


def test_changed_lines_are_found_line_by_line_or_not_at_all():
    from pia_changes.document.splice import _MOST, _changed_lines
    assert _changed_lines(b"a\nb\n", b"a\nb\n") == []
    assert _changed_lines(b"k: a", b"k: b") == [(0, b"k: a", b"k: b")]
    assert _changed_lines(b"x\nk: a\ny", b"x\nk: bb\ny") == [(1, b"k: a", b"k: bb")]
    assert _changed_lines(b"a\nb\nc\nd", b"a\nc\nd\ne") == [(1, b"b", b"c"), (2, b"c", b"d"), (3, b"d", b"e")]
    assert _changed_lines(b"a\nb", b"a\nb\n") is None  # a line more
    assert _changed_lines(b"a\nb\n", b"a\nb") is None
    assert _changed_lines(b"a\nb", b"a\nb\nc") is None
    assert _changed_lines(b"a\nb\nc", b"a\nbc") is None
    many = b"\n".join(b"k: %d" % i for i in range(_MOST + 1))
    assert _changed_lines(many, many.replace(b"k: ", b"k: x")) is None
    assert len(_changed_lines(many, many.replace(b"k: 1", b"k: y"))) < _MOST
    text = seed_yaml("001").encode()
    lines = text.split(b"\n")
    for at in (0, 1, len(lines) // 2, len(lines) - 2, len(lines) - 1):
        edited = list(lines)
        edited[at] += "改".encode()
        assert _changed_lines(text, b"\n".join(edited)) == [(at, lines[at], edited[at])]


def test_row_keys_equal_exactly_when_the_plain_keys_do(monkeypatch):
    rng = random.Random(3)
    values = ["a", "b", "", None, 1, 2, True, False, 0, dt.date(2025, 1, 1), dt.date(2025, 1, 2), "1", "True"]
    rows = [{k: rng.choice(values) for k in rng.sample(["項番", "変更日", "項目", "提出時期"], rng.randint(1, 4))}
            for _ in range(300)]
    keys = _plain_row_keys(rows)
    assert keys is not None
    plain = [_row_key(r) for r in rows]
    for i in range(len(rows)):
        for j in range(len(rows)):
            assert (keys[i] == keys[j]) == (plain[i] == plain[j])
    for extra in ({"項番": 1.0}, {"項番": [1]}, {1: "x"}, "row", {"d": dt.datetime(2025, 1, 1)}):
        assert _plain_row_keys(rows + [extra]) is None
    pairs = [(rng.sample(rows, 40), rng.sample(rows, 45)) for _ in range(30)]
    fast = [legacy_edits(a, b) for a, b in pairs]
    monkeypatch.setattr("pia_changes.diff.semantic._plain_row_keys", lambda rows: None)
    assert fast == [legacy_edits(a, b) for a, b in pairs]


# ---- generate: the second run (cached rows) gives what the first gave ------------------------------

def _history(root: Path, commits: int = 14) -> Repo:
    """Seed 002 and COMMITS edits of the history benchmark (a sentence, a choice, an entry …)."""
    import yaml
    from history_bench import Editor, dump_section  # benchmarks/ is on pytest's pythonpath
    data = yaml.safe_load(seed_yaml("002"))
    editor = Editor(data, seed=5)
    repo = Repo(root)
    def text() -> str:
        return "".join(dump_section(k, v) for k, v in data.items())
    repo.commit("基準", {"assessments/jyuki.yaml": text()})
    for n in range(1, commits + 1):
        _, subject = editor.edit(n)
        repo.commit(f"{subject}\n\n変更日: 2025-{1 + n % 12:02d}-15", {"assessments/jyuki.yaml": text()})
        if n == 6:
            repo.git("tag", "submitted/2025-02-01")
    return repo


def _generate(root: Path) -> tuple[str, str]:
    done = run_process("generate", "assessments/jyuki.yaml", "--format", "json", cwd=root, text=False, check=True)
    return done.stdout.decode(), done.stderr.decode()


def test_generate_cold_warm_and_after_a_new_commit_agree(tmp_path):
    repo = _history(tmp_path / "repo")
    cold = _generate(repo.root)
    assert json.loads(cold[0])["rows"]
    cache = repo.root / ".git" / "pia-changes"
    assert list(cache.rglob("pairs/*.json"))
    assert _generate(repo.root) == cold  # warm: from the cached rows
    text = (repo.root / "assessments/jyuki.yaml").read_text(encoding="utf-8")
    repo.commit("もう一つ\n\n変更日: 2025-09-01",
                {"assessments/jyuki.yaml": text.replace("評価書名: ", "評価書名: 改訂 ", 1)})
    warm = _generate(repo.root)
    shutil.rmtree(cache)
    assert _generate(repo.root) == warm  # one new commit on a warm cache = a cold run


def test_an_invalid_old_version_is_skipped_alike_cold_and_warm(tmp_path):
    repo = Repo(tmp_path / "repo")
    text = seed_yaml("002")
    repo.commit("基準", {"assessments/jyuki.yaml": text})
    repo.commit("壊れた版", {"assessments/jyuki.yaml": text + "\n表紙: 重複\n"})
    repo.commit("直した版\n\n変更日: 2025-03-01", {"assessments/jyuki.yaml": text.replace("住民", "区民", 1)})
    cold = _generate(repo.root)
    assert "様式に合わないため比較から外しました" in cold[1]
    assert _generate(repo.root) == cold


def test_second_diff_reads_the_parsed_revisions_from_the_cache(tmp_path):
    repo = Repo(tmp_path / "repo")
    text = seed_yaml("002")
    repo.commit("基準", {"assessments/jyuki.yaml": text})
    repo.commit("改訂", {"assessments/jyuki.yaml": text.replace("住民", "区民", 1)})
    command = ("diff", "HEAD~1", "HEAD", "assessments/jyuki.yaml", "--format", "json")
    first = run_process(*command, cwd=repo.root, text=False)
    cached = list((repo.root / ".git" / "pia-changes").rglob("*.json"))
    assert len([p for p in cached if p.parent.name != "outputs"]) == 2  # both revisions, parsed
    assert [p.suffix for p in cached if p.parent.name == "outputs"] == [".json"]  # and the output
    second = run_process(*command, cwd=repo.root, text=False)
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
    with GitRepo.discover(repo.root) as opened:
        assert opened.resolve(opened.resolve("HEAD")) == opened.resolve("HEAD")
