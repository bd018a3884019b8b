"""`generate` over a long history vs `git log -p` of the same file (the floor).

Two histories, each COMMITS commits with a 変更日 trailer and a few submission tags (one annotated
再実施), built with `git fast-import`, then packed with `git gc`, as real repositories are
(Decisions: Speed):
- sparse: seed 001 (墨田区 全項目, ~480 KB) imported, then small realistic edits, one place per
  commit (a sentence in a ※ text, a choice, a checkbox, an entry added, renamed or removed, a
  reflow, a legacy row corrected);
- dense: seed 000 (長野市 全項目) imported, then each commit renames its most frequent department
  (課) in every place it appears, as a reorganisation does: about 7 rows per commit.

Measured in one run, medians of alternated runs (issue 29):
- floor: `git log -p -- assessments/x.yaml`, best of 3;
- cold: `pia-changes generate assessments/x.yaml --format json`, the first run after the cache
  under .git is removed (target ≤ 2.5× the floor);
- warm: the best of the next 2 runs (target ≤ 0.4× the floor);
- peak RSS of a cold run (target < 300 MB): a first run split across the cores runs in several
  processes, so the largest one's peak times their number (and, for comparison, the peak of the
  run in one process, PIA_CHANGES_JOBS=1).

Usage: python benchmarks/history_bench.py [--quick] [--commits N] [--runs N] [--only sparse|dense] [--json]
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import (SEEDS, LARGEST_ZENKOUMOKU, bytecode_cache, cold_and_warm, emitted, frequent_departments,  # noqa: E402
                    import_seed, peak_rss_mb, replace_everywhere, speed_parser)

COLD_TARGET = 2.5
WARM_TARGET = 0.4
RSS_TARGET_MB = 300
FILE = "assessments/x.yaml"
JST = dt.timezone(dt.timedelta(hours=9))


# --- the edits ---------------------------------------------------------------------------------

class Editor:
    """Small edits of the data tree, chosen by a seeded generator; each returns the top-level key
    it touched (so only that section is dumped again) and the commit subject."""

    def __init__(self, data: dict, seed: int = 17, form: str = "全項目") -> None:
        from pia_changes.forms import load_form
        self.data = data
        self.rng = random.Random(seed)
        self.form = load_form(form)
        self.added: list[tuple[tuple, int]] = []  # entries this history appended: (group path, index)
        self.texts, self.choices, self.checkboxes, self.groups = [], [], [], []
        self._collect(self.form.nodes, data, ())

    def _collect(self, nodes, value, path) -> None:
        for node in nodes:
            if not isinstance(value, dict) or node.key not in value:
                continue
            here = path + (node.key,)
            inner = value[node.key]
            if node.type == "section":
                self._collect(node.children, inner, here)
            elif node.is_group:
                if isinstance(inner, list) and inner:
                    self.groups.append((here, node))
                    for i, entry in enumerate(inner):
                        self._collect(node.children, entry, here + (i,))
            elif node.type == "text" and isinstance(inner, str) and len(inner) > 10:
                self.texts.append((here, node))
            elif node.type == "choice" and isinstance(inner, str) and len(node.options) > 1:
                self.choices.append((here, node))
            elif node.type == "checkbox" and isinstance(inner, list) and len(node.options) > 2:
                self.checkboxes.append((here, node))

    def get(self, path):
        value = self.data
        for key in path:
            value = value[key]
        return value

    def put(self, path, new) -> None:
        self.get(path[:-1])[path[-1]] = new

    def edit(self, n: int) -> tuple[set[str], str]:
        key, subject = self._edit(n)
        return {key}, subject

    def _edit(self, n: int) -> tuple[str, str]:
        kinds = [self.sentence] * 5 + [self.choice] * 2 + [self.checkbox] * 2 + [self.entry, self.rename,
                                                                                  self.reflow]
        if n % 25 == 0:
            return self.legacy_row()
        return self.rng.choice(kinds)()

    def sentence(self):
        path, node = self.rng.choice(self.texts)
        text = self.get(path)
        if self.rng.random() < 0.5:
            self.put(path, text + f"\n・{self.rng.choice(['研修', '点検', '監査', '訓練'])}を年{self.rng.randint(1, 4)}回実施する。")
        else:
            at = self.rng.randrange(len(text))
            self.put(path, text[:at] + self.rng.choice("あいうえおかきくけこ") + text[at + 1:])
        return path[0], f"{node.label}を修正"

    def choice(self):
        path, node = self.rng.choice(self.choices)
        current = self.get(path)
        self.put(path, self.rng.choice([o for o in node.options if o != current]))
        return path[0], f"{node.label}を変更"

    def checkbox(self):
        path, node = self.rng.choice(self.checkboxes)
        ticked = list(self.get(path))
        option = self.rng.choice(node.options)
        if option in ticked and len(ticked) > 1:
            ticked.remove(option)
        elif option not in ticked:
            ticked.append(option)
        self.put(path, ticked)
        return path[0], f"{node.label}を更新"

    def entry(self):
        if self.added and self.rng.random() < 0.4:  # remove an entry this history added
            path, index = self.added.pop(self.rng.randrange(len(self.added)))
            group = self.get(path)
            del group[index]
            self.added = [(p, i - 1 if p == path and i > index else i) for p, i in self.added]
            return path[0], "委託・提供先を削除"
        path, node = self.rng.choice(self.groups)
        group = self.get(path)
        template = next((e for e in group if isinstance(e, dict) and e.get(node.identity_node().key)), group[0])
        clone = copy.deepcopy(template)
        ident = node.identity_node().key
        if ident in clone:
            clone[ident] = f"{clone.get(ident) or node.label}（追加{len(self.added) + 1}）"
        group.append(clone)
        self.added.append((path, len(group) - 1))
        return path[0], f"{node.label}を追加"

    def rename(self):
        if not self.added:
            return self.sentence()
        path, index = self.rng.choice(self.added)
        _, node = next(g for g in self.groups if g[0] == path)
        entry = self.get(path)[index]
        ident = node.identity_node().key
        entry[ident] = str(entry.get(ident)) + "改"
        return path[0], f"{node.label}の名称を変更"

    def reflow(self):
        path, node = self.rng.choice(self.texts)
        text = self.get(path).replace("\n", "")
        self.put(path, "\n".join(textwrap.wrap(text, self.rng.choice([38, 44, 50]))))
        return path[0], "体裁の修正"

    def legacy_row(self):
        rows = self.data["変更箇所"]
        row = rows[self.rng.randrange(len(rows))]
        row["備考"] = (row.get("備考") or "") + "（誤記訂正）"
        return "変更箇所", "変更箇所の表の誤記を訂正"


class DepartmentRenamer:
    """The dense history: one department renamed everywhere per commit (the one that the most
    values mention, so the rule holds for any seed)."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.name = frequent_departments(data, 1)[0]

    def edit(self, n: int) -> tuple[set[str], str]:
        old, new = self.name, f"{self.name[:-1].rstrip('0123456789')}{n}{self.name[-1]}"
        touched = {path[0] for path in replace_everywhere(self.data, old, new)}
        self.name = new
        return touched, f"組織改正により{old}を{new}に名称変更"


# --- building the repository -------------------------------------------------------------------

def dump_section(key: str, value: object) -> str:
    import yaml
    return yaml.dump({key: value}, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10**9)


def build_repository(root: Path, commits: int, seed_yaml: Path, dense: bool = False) -> dict:
    """The history, written through one `git fast-import`, then `git gc`."""
    import yaml
    data = yaml.load(seed_yaml.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    sections = {key: dump_section(key, value) for key, value in data.items()}
    editor = DepartmentRenamer(data) if dense else Editor(data)
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    stream = bytearray()
    start = dt.datetime(2020, 4, 1, 10, 0, tzinfo=JST)
    tags: list[tuple[str, int, str | None]] = []
    for n in range(commits + 1):
        when = start + dt.timedelta(days=4 * n)
        if n == 0:
            subject, body = "評価書を取り込み（基準の版）", ""
        else:
            keys, subject = editor.edit(n)
            for key in keys:
                sections[key] = dump_section(key, data[key])
            body = f"\n\n変更日: {(when + dt.timedelta(days=10)).date().isoformat()}"
        blob = "".join(sections.values()).encode("utf-8")
        stamp = f"{int(when.timestamp())} +0900"
        message = (subject + body + "\n").encode("utf-8")
        stream += b"blob\nmark :%d\ndata %d\n" % (2 * n + 1, len(blob)) + blob + b"\n"
        stream += (b"commit refs/heads/main\nmark :%d\n" % (2 * n + 2)
                   + f"author 評価 太郎 <hyoka@example.jp> {stamp}\ncommitter 評価 太郎 <hyoka@example.jp> {stamp}\n".encode()
                   + b"data %d\n" % len(message) + message
                   + (b"from :%d\n" % (2 * n) if n else b"")
                   + b"M 100644 :%d %s\n\n" % (2 * n + 1, FILE.encode()))
        if n and n % max(commits // 5, 1) == 0:
            day = (when + dt.timedelta(days=1)).date().isoformat()
            tags.append((f"submitted/{day}", 2 * n + 2, "種別: 再実施" if len(tags) == 2 else None))
    for name, mark, annotation in tags:
        if annotation is None:
            stream += f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode()
        else:
            text = f"提出\n\n{annotation}\n".encode("utf-8")
            stream += (f"tag {name}\nfrom :{mark}\ntagger 評価 太郎 <hyoka@example.jp> {int(start.timestamp())} +0900\n".encode()
                       + b"data %d\n" % len(text) + text + b"\n")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    subprocess.run(["git", "gc", "-q"], cwd=root, check=True)
    return {"commits": commits + 1, "tags": len(tags), "file_kb": round(len(blob) / 1024)}


# --- measuring -----------------------------------------------------------------------------------

HISTORIES = {"sparse": (LARGEST_ZENKOUMOKU, False), "dense": (SEEDS / "000_927f6452a1ee0b1f.txt", True)}


def measure(tmp: Path, name: str, commits: int, runs: int) -> dict:
    seed, dense = HISTORIES[name]
    repo = tmp / name
    built = build_repository(repo, commits, import_seed(seed, tmp / f"{name}.yaml"), dense=dense)
    exe = shutil.which("pia-changes") or "pia-changes"
    generate = [exe, "generate", FILE, "--format", "json"]
    timings = cold_and_warm(generate, repo, ["git", "log", "-p", "--", FILE], runs)
    cache = repo / ".git" / "pia-changes"
    shutil.rmtree(cache, ignore_errors=True)
    rss_mb = peak_rss_mb(generate, repo)
    parts = len(list(cache.rglob("pairs/pack-*.json")))  # a split first run leaves a pack per part
    shutil.rmtree(cache, ignore_errors=True)
    alone_mb = peak_rss_mb(generate, repo, {"PIA_CHANGES_JOBS": "1"})
    out = subprocess.run(generate, cwd=repo, capture_output=True, check=False)
    rows = len(json.loads(out.stdout)["rows"]) if out.stdout.strip().startswith(b"{") else None
    # the peak of the largest process, times the processes: what the split run may hold at once
    return {**built, "rows": rows, **timings, "parts": parts, "peak_rss_mb": rss_mb * parts,
            "peak_rss_process_mb": rss_mb, "peak_rss_one_process_mb": alone_mb}


def main(argv: list[str] | None = None) -> dict:
    parser = speed_parser(__doc__, "few runs (CI); still 300 commits: the targets are for those")
    parser.add_argument("--commits", type=int, default=None)
    parser.add_argument("--only", choices=sorted(HISTORIES), help="one history only")
    args = parser.parse_args(argv)
    commits = args.commits or 300
    runs = args.runs or (3 if args.quick else 5)
    tmp = Path(tempfile.mkdtemp(prefix="history-bench-"))
    bytecode_cache(tmp)
    try:
        result = {name: measure(tmp, name, commits, runs) for name in HISTORIES if args.only in (None, name)}
        result["targets"] = {"cold": COLD_TARGET, "warm": WARM_TARGET, "peak_rss_mb": RSS_TARGET_MB}
        return emitted(result, report, args.json)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(result: dict) -> None:
    for name in HISTORIES:
        if name not in result:
            continue
        r = result[name]
        print(f"{name}: {r['commits']} commits of a {r['file_kb']} KB assessment, {r['tags']} tags, packed; "
              f"generate gives {r['rows']} rows")
        print(f"  git log -p (floor, best of 3): {r['floor_s'] * 1000:.0f} ms")
        print(f"  generate cold (no cache)     : {r['cold_s'] * 1000:.0f} ms → {r['cold_ratio']:.2f}x floor (target ≤ {COLD_TARGET}x)")
        print(f"  generate warm (best of 2)    : {r['warm_s'] * 1000:.0f} ms → {r['warm_ratio']:.2f}x floor (target ≤ {WARM_TARGET}x)")
        print(f"  peak RSS, cold               : {r['peak_rss_mb']:.0f} MB at most in {r['parts']} processes "
              f"(≤ {r['peak_rss_process_mb']:.0f} MB each; {r['peak_rss_one_process_mb']:.0f} MB in one, "
              f"PIA_CHANGES_JOBS=1; target < {RSS_TARGET_MB} MB)")


if __name__ == "__main__":
    main()
