"""`diff` of the largest 全項目 pair: our semantic diff vs DeepDiff, in the library and as processes.

The pair: seed 001 (墨田区 全項目, ~480 KB) imported, and the same document after 20 realistic
edits, each declared below with the changes it must produce (non-cosmetic changes, cosmetic ones,
legacy table edits). Every edit is also checked on its own, so a miscount names its edit.

Measured in one run (Decisions: Speed), medians, each pair alternated A B A B:
- library: `diff_data(form, old, new)` vs `DeepDiff(old, new, ignore_order=True)` and
  `DeepDiff(old, new)`, all on the same two already-loaded plain trees (target ≥ 30×
  against ignore_order=True);
- process: `pia-changes diff HEAD~1 HEAD assessments/x.yaml --format json` in a scratch
  repository holding the two versions as two commits, warm cache (each timed run follows a
  run of its own), vs `python -c` loading both files with yaml.safe_load and running
  DeepDiff(ignore_order=True) (target ≥ 5×); the same script with yaml.CSafeLoader is shown
  beside it (no target).

Usage: python benchmarks/diff_bench.py [--quick] [--runs N] [--json]
"""
from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import (LARGEST_ZENKOUMOKU, bytecode_cache, emitted, frequent_departments, import_seed, paired,  # noqa: E402
                    python, replace_everywhere, run_process, speed_parser, timed)

LIBRARY_TARGET = 80.0
PROCESS_TARGET = 5.0

# --- where things are in the 全項目 document ---------------------------------------------------

SYSTEMS = ("基本情報", "特定個人情報ファイルを取り扱う事務において使用するシステム", "システム")
FILES = ("特定個人情報ファイルの概要", "特定個人情報ファイル")
RISK_FILES = ("特定個人情報ファイルの取扱いプロセスにおけるリスク対策", "特定個人情報ファイル")
RECORD_FILES = ("特定個人情報ファイル記録項目", "特定個人情報ファイル")
PROVIDE = "特定個人情報の提供・移転（委託に伴うものを除く。）"
ENTRUST = "特定個人情報ファイルの取扱いの委託"
REQUEST = ("開示請求、問合せ", "特定個人情報の開示・訂正・利用停止請求", "請求先")
INQUIRY = ("開示請求、問合せ", "特定個人情報ファイルの取扱いに関する問合せ", "連絡先")


def at(data: dict, *keys):
    for key in keys:
        data = data[key]
    return data


def file0(data: dict) -> dict:
    return at(data, *FILES)[0]


# --- the edits ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Edit:
    name: str
    changes: int        # non-cosmetic changes `diff` must report
    cosmetic: int       # cosmetic ones (shown only with --include-cosmetic)
    table_edits: int    # edits of the legacy 変更箇所 rows
    apply: Callable[[dict], None]


def _text_star(d: dict) -> None:  # 1 change
    measures = at(d, *RISK_FILES)[0]["特定個人情報の使用"]
    key = "特定個人情報の使用におけるその他のリスク及びそのリスクに対する措置"
    measures[key] += "\n・端末の画面は離席時に自動でロックする。"


def _insert_system(d: dict) -> None:  # 1 新規 in the middle, not N renumbered entries
    at(d, *SYSTEMS).insert(3, {"システムの名称": "コンビニ交付システム",
                               "システムの機能": "コンビニエンスストア等での証明書交付に係る本人確認と証明書データの作成",
                               "他のシステムとの接続": ["住民基本台帳ネットワークシステム", "宛名システム等"]})


def _rename_contractor(d: dict) -> None:  # 1 change on 委託先名
    file0(d)[ENTRUST]["委託事項"][1]["委託先名"] = "株式会社ヒューマンリソシア"


def _tick_checkbox(d: dict) -> None:  # 1 change on 入手元
    file0(d)["特定個人情報の入手・使用"]["入手元"].append("地方公共団体・地方独立行政法人")


def _change_choice(d: dict) -> None:  # 1 change on 使用者数
    file0(d)["特定個人情報の入手・使用"]["使用の主体"]["使用者数"] = "500人以上1,000人未満"


def _delete_provide(d: dict) -> None:  # 1 削除, the entries after it are not changes
    del file0(d)[PROVIDE]["提供先"][3]


def _reorder_transfer(d: dict) -> None:  # 1 moved, nothing else
    group = file0(d)[PROVIDE]["移転先"]
    group.insert(10, group.pop(3))


def _reflow(d: dict) -> None:  # cosmetic: the same text wrapped at another width
    basic = file0(d)["基本情報"]
    text = basic["その必要性"].replace("\n", "")
    basic["その必要性"] = "\n".join(textwrap.wrap(text, 30))


def _wareki_to_iso(d: dict) -> None:  # cosmetic: the base has 平成27年6月1日 (see base_document)
    at(d, *FILES)[1]["特定個人情報の入手・使用"]["使用開始日"] = dt.date(2015, 6, 1)


def _legacy_row(d: dict) -> None:  # a table edit, never a change
    d["変更箇所"][3]["提出時期に係る説明"] = "その他の項目の変更であり、事前の提出・公表が義務付けられていない。"


def _long_paragraph(d: dict) -> None:  # 1 change in a ※ text over 200 characters
    storage = file0(d)["特定個人情報の保管・消去"]
    storage["保管場所"] = storage["保管場所"].replace("監視カメラ、", "監視カメラ、静脈認証、")


def _append_entrust(d: dict) -> None:  # 1 新規 at the end
    group = file0(d)[ENTRUST]["委託事項"]
    entry = copy.deepcopy(group[2])
    entry.update({"委託事項名": "マイナンバーカード臨時交付窓口運営業務",
                  "委託内容": "臨時交付窓口での交付事務の補助", "委託先名": "株式会社パソナ"})
    group.append(entry)


def _fill_count(d: dict) -> None:  # 1 新規 on 委託件数
    file0(d)[ENTRUST]["委託件数"] = 6


def _empty_text(d: dict) -> None:  # 1 削除 on 情報の統計分析
    file0(d)["特定個人情報の入手・使用"]["情報の統計分析"] = None


def _untick_checkbox(d: dict) -> None:  # 1 change on 入手方法
    file0(d)["特定個人情報の入手・使用"]["入手方法"].remove("その他")


def _rename_transfer(d: dict) -> None:  # a rename is one change on the name item
    entry = next(e for e in file0(d)[PROVIDE]["移転先"] if e["移転先名"] == "区民部 国保年金課")
    entry["移転先名"] = "区民部 国保年金課（国民年金係）"


def _width(d: dict) -> None:  # cosmetic: full-width digits in an address
    request = at(d, *REQUEST[:2])
    request[REQUEST[2]] = request[REQUEST[2]].replace("〒130-8640", "〒１３０－８６４０")


def _risk_choice(d: dict) -> None:  # 1 change on a ※ choice
    at(d, *RISK_FILES)[0]["特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）"][
        "誤った情報を提供・移転してしまうリスク、誤った相手に提供・移転してしまうリスク"]["リスクへの対策は十分か"] = "特に力を入れている"


def _record_items(d: dict) -> None:  # 1 change on 記録項目
    at(d, *RECORD_FILES)[1]["記録項目"] += "\u3000９９\u3000電子証明書シリアル番号"


def _phone(d: dict) -> None:  # 1 change on 連絡先
    inquiry = at(d, *INQUIRY[:2])
    inquiry[INQUIRY[2]] = inquiry[INQUIRY[2]].replace("5608-6102", "5608-6103")


EDITS = [
    Edit("text edit in a ※ item", 1, 0, 0, _text_star),
    Edit("システム inserted in the middle", 1, 0, 0, _insert_system),
    Edit("委託先 renamed", 1, 0, 0, _rename_contractor),
    Edit("checkbox ticked", 1, 0, 0, _tick_checkbox),
    Edit("choice changed", 1, 0, 0, _change_choice),
    Edit("提供先 deleted in the middle", 1, 0, 0, _delete_provide),
    Edit("移転先 pure reorder", 1, 0, 0, _reorder_transfer),
    Edit("cosmetic reflow", 0, 1, 0, _reflow),
    Edit("和暦 → ISO date notation", 0, 1, 0, _wareki_to_iso),
    Edit("legacy 変更箇所 row edited", 0, 0, 1, _legacy_row),
    Edit("one paragraph of a long ※ text", 1, 0, 0, _long_paragraph),
    Edit("委託事項 appended", 1, 0, 0, _append_entrust),
    Edit("委託件数 filled in", 1, 0, 0, _fill_count),
    Edit("text emptied", 1, 0, 0, _empty_text),
    Edit("checkbox unticked", 1, 0, 0, _untick_checkbox),
    Edit("移転先 renamed", 1, 0, 0, _rename_transfer),
    Edit("full-width digits (cosmetic)", 0, 1, 0, _width),
    Edit("※ choice in Ⅲ changed", 1, 0, 0, _risk_choice),
    Edit("記録項目 extended", 1, 0, 0, _record_items),
    Edit("telephone number changed", 1, 0, 0, _phone),
]


def base_document(tmp: Path) -> dict:
    """Seed 001 as imported, with one date written in 和暦 as staff often type it."""
    import yaml
    data = yaml.load(import_seed(LARGEST_ZENKOUMOKU, tmp / "seed.yaml").read_text(encoding="utf-8"),
                     Loader=yaml.CSafeLoader)
    at(data, *FILES)[1]["特定個人情報の入手・使用"]["使用開始日"] = "平成27年6月1日"
    return data


def dump(data: dict) -> str:
    import yaml
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=10**9)


def edited(base: dict, edits: list[Edit]) -> dict:
    new = copy.deepcopy(base)
    for edit in edits:
        edit.apply(new)
    return new


def counted(result) -> tuple[int, int, int]:
    cosmetic = sum(1 for c in result.changes if c.cosmetic)
    return len(result.changes) - cosmetic, cosmetic, len(result.table_edits)


def deepdiff_count(report) -> int:
    """Reported items over all of DeepDiff's categories."""
    return sum(len(v) if hasattr(v, "__len__") else 1 for v in report.values())


# --- the scratch repository for the process measurement ----------------------------------------

def scratch_repository(root: Path, old_text: str, new_text: str) -> Path:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "評価 太郎", "GIT_AUTHOR_EMAIL": "h@example.jp",
                            "GIT_COMMITTER_NAME": "評価 太郎", "GIT_COMMITTER_EMAIL": "h@example.jp"})
    root.mkdir(parents=True)
    git("init", "-q", "-b", "main")
    (root / "assessments").mkdir()
    target = root / "assessments" / "x.yaml"
    target.write_text(old_text, encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "基準の版")
    target.write_text(new_text, encoding="utf-8")
    git("commit", "-q", "-am", "20 の変更\n\n変更日: 2026-04-01")
    return root


@contextlib.contextmanager
def collector_off():
    """No garbage collection inside a timed call, as timeit does: the copies made just before
    would otherwise be collected on the clock of whichever side comes next."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def library_ratio(form, old: dict, new: dict, runs: int, repeat: int) -> dict:
    """diff_data against DeepDiff(ignore_order=True) on the same loaded trees, each timed call on
    fresh copies of both (made before the clock starts), so nothing keyed on object identity
    carries over from one call to the next (issue 29)."""
    from deepdiff import DeepDiff

    from pia_changes.diff.semantic import diff_data

    def ours() -> float:  # one diff takes milliseconds: time REPEAT of them
        pairs = [(copy.deepcopy(old), copy.deepcopy(new)) for _ in range(repeat)]
        with collector_off():
            start = time.perf_counter()
            for a, b in pairs:
                diff_data(form, a, b)
            return (time.perf_counter() - start) / repeat

    def theirs() -> float:
        a, b = copy.deepcopy(old), copy.deepcopy(new)
        with collector_off():
            start = time.perf_counter()
            DeepDiff(a, b, ignore_order=True)
            return time.perf_counter() - start

    ours_s, theirs_s = paired(ours, theirs, runs)
    return {"ours_s": ours_s, "deepdiff_ignore_order_s": theirs_s, "ratio": theirs_s / ours_s}


def second_run(argv: list[str], cwd: Path) -> Callable[[], float]:
    """Run once (warms the cache), time the second run."""
    def run() -> float:
        run_process(argv, cwd)
        return run_process(argv, cwd)
    return run


def main(argv: list[str] | None = None) -> dict:
    parser = speed_parser(__doc__)
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 9)
    lib_runs = 5 if args.quick else 7  # medians of 3 calls of a millisecond moved by 20 % in CI

    from deepdiff import DeepDiff

    from pia_changes.diff.semantic import diff_data
    from pia_changes.forms import load_form

    form = load_form("全項目")
    tmp = Path(tempfile.mkdtemp(prefix="diff-bench-"))
    bytecode_cache(tmp)
    try:
        base = base_document(tmp)
        # each edit on its own, then all of them
        per_edit = []
        for edit in EDITS:
            got = counted(diff_data(form, base, edited(base, [edit])))
            want = (edit.changes, edit.cosmetic, edit.table_edits)
            per_edit.append({"edit": edit.name, "declared": list(want), "reported": list(got), "ok": got == want})
        new = edited(base, EDITS)
        declared = tuple(sum(getattr(e, f) for e in EDITS) for f in ("changes", "cosmetic", "table_edits"))
        reported = counted(diff_data(form, base, new))
        dd_ignore = deepdiff_count(DeepDiff(base, new, ignore_order=True))
        dd_plain = deepdiff_count(DeepDiff(base, new))

        many = copy.deepcopy(base)
        renamed = {name: f"{name[:-1]}・改{name[-1]}" for name in frequent_departments(base, 3)}
        many_paths = set().union(*(replace_everywhere(many, old, new) for old, new in renamed.items()))
        many_reported = counted(diff_data(form, base, many))
        library = {"edits": library_ratio(form, base, new, lib_runs, 5 if args.quick else 20),
                   "many": library_ratio(form, base, many, lib_runs, 3 if args.quick else 10)}
        _, lib_dd_plain = paired(timed(lambda: diff_data(form, base, new)), timed(lambda: DeepDiff(base, new)), lib_runs)

        # whole processes
        exe = shutil.which("pia-changes") or "pia-changes"
        process = {}
        for name, after in (("edits", new), ("many", many)):
            old_text, new_text = dump(base), dump(after)
            repo = scratch_repository(tmp / name / "repo", old_text, new_text)
            (tmp / name / "a.yaml").write_text(old_text, encoding="utf-8")
            (tmp / name / "b.yaml").write_text(new_text, encoding="utf-8")
            ours_argv = [exe, "diff", "HEAD~1", "HEAD", "assessments/x.yaml", "--format", "json"]
            out = subprocess.run(ours_argv, cwd=repo, capture_output=True, check=False)
            changes = len(json.loads(out.stdout)["changes"]) if out.returncode in (0, 1) else None
            script = ("import yaml; from deepdiff import DeepDiff; "
                      "a = yaml.load(open({a!r}, encoding='utf-8'), Loader=yaml.{loader}); "
                      "b = yaml.load(open({b!r}, encoding='utf-8'), Loader=yaml.{loader}); "
                      "DeepDiff(a, b, ignore_order=True)")
            files = {"a": str(tmp / name / "a.yaml"), "b": str(tmp / name / "b.yaml")}
            safe = [python(), "-c", script.format(**files, loader="SafeLoader")]
            csafe = [python(), "-c", script.format(**files, loader="CSafeLoader")]
            proc_ours, proc_safe = paired(second_run(ours_argv, repo), lambda: run_process(safe), runs)
            proc_ours2, proc_csafe = paired(second_run(ours_argv, repo), lambda: run_process(csafe), runs)
            process[name] = {"ours_s": proc_ours, "safe_load_deepdiff_s": proc_safe, "csafe_load_deepdiff_s": proc_csafe,
                             "ratio": proc_safe / proc_ours, "ratio_csafe": proc_csafe / proc_ours2,
                             "cli_changes": changes, "document_kb": round(len(new_text.encode()) / 1024)}
        cli_changes = process["edits"]["cli_changes"]

        result = {
            "document_kb": process["edits"]["document_kb"],
            "edits": len(EDITS), "per_edit": per_edit,
            "declared": {"changes": declared[0], "cosmetic": declared[1], "table_edits": declared[2]},
            "reported": {"changes": reported[0], "cosmetic": reported[1], "table_edits": reported[2]},
            "cli_changes": cli_changes,
            "counts_ok": reported == declared and all(p["ok"] for p in per_edit) and cli_changes == declared[0],
            "deepdiff_ignore_order_count": dd_ignore, "deepdiff_count": dd_plain,
            "many": {"renamed": renamed, "values": len(many_paths), "reported": list(many_reported),
                     "cli_changes": process["many"]["cli_changes"],
                     "counts_ok": many_reported == (len(many_paths), 0, 0) == (process["many"]["cli_changes"], 0, 0)},
            "library": {**library["edits"], "deepdiff_s": lib_dd_plain,
                        "ratio_plain": lib_dd_plain / library["edits"]["ours_s"], "many": library["many"]},
            "process": {**process["edits"], "many": process["many"]},
            "targets": {"library": LIBRARY_TARGET, "process": PROCESS_TARGET},
        }
        return emitted(result, report, args.json)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(r: dict) -> None:
    print(f"document: {r['document_kb']} KB, {r['edits']} edits")
    for p in r["per_edit"]:
        mark = "ok " if p["ok"] else "BAD"
        print(f"  {mark} {p['edit']:<34} declared {p['declared']} reported {p['reported']}  (changes, cosmetic, table_edits)")
    d, g = r["declared"], r["reported"]
    print(f"all edits: declared {d['changes']} changes + {d['cosmetic']} cosmetic + {d['table_edits']} table edits; "
          f"diff_data {g['changes']} + {g['cosmetic']} + {g['table_edits']}; CLI json {r['cli_changes']} changes; "
          f"DeepDiff(ignore_order=True) {r['deepdiff_ignore_order_count']} items, DeepDiff() {r['deepdiff_count']} items")
    m = r["many"]
    print(f"many changes: {', '.join(f'{a} → {b}' for a, b in m['renamed'].items())} in {m['values']} values; "
          f"diff_data {m['reported'][0]} changes, CLI json {m['cli_changes']}")
    for case, lib, proc in (("edits", r["library"], r["process"]), ("many", r["library"]["many"], r["process"]["many"])):
        print(f"{case:5} library : diff_data {lib['ours_s'] * 1000:.1f} ms | DeepDiff(ignore_order=True) "
              f"{lib['deepdiff_ignore_order_s'] * 1000:.0f} ms → {lib['ratio']:.0f}x (target ≥ {LIBRARY_TARGET:g}x)")
        print(f"{case:5} process : pia-changes diff (warm) {proc['ours_s'] * 1000:.0f} ms | safe_load+DeepDiff "
              f"{proc['safe_load_deepdiff_s'] * 1000:.0f} ms → {proc['ratio']:.1f}x (target ≥ {PROCESS_TARGET:g}x) | "
              f"CSafeLoader+DeepDiff {proc['csafe_load_deepdiff_s'] * 1000:.0f} ms → {proc['ratio_csafe']:.1f}x (no target)")
    print(f"library : DeepDiff() {r['library']['deepdiff_s'] * 1000:.0f} ms → {r['library']['ratio_plain']:.0f}x (no target)")


if __name__ == "__main__":
    main()
