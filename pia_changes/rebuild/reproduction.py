"""How far `generate` on a reconstructed repository gives the published rows back (README: Reproduction).

For one published 評価書: reconstruct it into a directory, run `pia-changes generate FILE --format
json` there, and hold every reproducible published row against the computed rows of its item and
commit (Decisions: Reproduced). benchmarks/reproduce_seeds.py prints the figures; the tests assert
the targets on them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from pia_changes.rebuild.cells import Cell, normalise, read_cell, read_options
from pia_changes.config import load_config
from pia_changes.git.repo import GitRepo
from pia_changes.table.submissions import assessment_tags
from pia_changes.rebuild.reconstruct import Reconstruction, RowPlan, reconstruct
from pia_changes.table.build import first_containing
from pia_changes.diff.text import EXCERPT_JOIN
from pia_changes.text.wareki import parse_date


@dataclass
class RowResult:
    plan: RowPlan
    reproduced: bool = False
    timing: str | None = None          # the computed row's 提出時期
    tag_timing: str | None = None      # what the submission tags alone give
    candidates: int = 0                # computed rows of the item and commit

    @property
    def timing_agrees(self) -> bool:
        return self.reproduced and self.timing == self.plan.timing

    @property
    def tag_timing_agrees(self) -> bool:
        return self.reproduced and self.tag_timing == self.plan.timing


@dataclass
class SeedFigures:
    seed: str
    total: int
    reproducible: int
    reproduced: int
    timing_agree: int
    tag_timing_agree: int
    reasons: Counter = field(default_factory=Counter)   # why rows are not reproducible
    rows: list[RowResult] = field(default_factory=list)
    reconstruction: Reconstruction | None = None

    def as_json(self) -> dict:
        return {"total": self.total, "reproducible": self.reproducible, "reproduced": self.reproduced,
                "timing_agree": self.timing_agree, "timing_agree_tags": self.tag_timing_agree,
                "not_reproducible": dict(self.reasons)}


def generate_json(repo_dir: Path, path: str) -> dict:
    """`pia-changes generate PATH --format json` run in REPO_DIR, as a user would run it."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "pia_changes.cli", "-C", str(repo_dir), "generate", path,
                           "--format", "json"], capture_output=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"generate failed: {done.stderr.decode('utf-8', 'replace')}")
    return json.loads(done.stdout.decode("utf-8"))


def measure(text: Path, out_dir: Path, seed: str | None = None) -> SeedFigures:
    """Reconstruct TEXT into OUT_DIR (absent or empty) and measure the reproduction."""
    rec = reconstruct(text, out_dir)
    table = generate_json(out_dir, rec.path)
    computed = [r for r in table["rows"] if r["source"] == "git"]
    with GitRepo.discover(out_dir) as repo:
        revisions = repo.file_revisions(rec.path)
        tags = assessment_tags(repo, rec.path, revisions, repo.tags(), load_config(out_dir))
        results = [_judge(r, computed, repo, tags) for r in rec.plan.rows if r.replayed]
    reasons = Counter(r.reason for r in rec.plan.rows if not r.replayed)
    return SeedFigures(
        seed=seed or text.name[:3], total=len(rec.plan.rows), reproducible=len(results),
        reproduced=sum(r.reproduced for r in results), timing_agree=sum(r.timing_agrees for r in results),
        tag_timing_agree=sum(r.tag_timing_agrees for r in results), reasons=reasons, rows=results,
        reconstruction=rec)


def _judge(plan: RowPlan, computed: list[dict], repo: GitRepo, tags: list) -> RowResult:
    result = RowResult(plan)
    mine = [c for c in computed if c["commit"] == plan.commit and c["item_id"] in plan.item_ids]
    result.candidates = len(mine)
    for row in mine:
        if reproduces(row, plan):
            result.reproduced = True
            result.timing = row["timing"]
            tag = first_containing(repo, plan.commit or "", tags)
            day = parse_date(row["change_date"])
            if tag is not None and day is not None:
                result.tag_timing = "事前" if tag.date < day else "事後"
            break
    return result


# ---- Decisions: Reproduced --------------------------------------------------------------------------

def reproduces(row: dict, plan: RowPlan) -> bool:
    """Whether computed ROW reproduces the published row PLAN (same item and commit already checked)."""
    if not (row.get("before") or row.get("after")):
        return False
    node = plan.node
    if row["item_id"].endswith("]") and row["kind"] in ("新規", "削除"):
        return _whole_entry(row, plan)
    kind = node.type if node is not None and not row["item_id"].endswith("]") else "text"
    if kind in ("choice", "checkbox") and node is not None:
        return all(_options_side(node, pub, row.get(side), row["spans"][side] if row.get("spans") else [])
                   for side, pub in (("before", plan.before), ("after", plan.after)))
    if kind in ("date", "count"):
        return all(_scalar_side(kind, pub, row.get(side)) for side, pub in
                   (("before", plan.before), ("after", plan.after)))
    spans = row.get("spans") or {"before": [], "after": []}
    # 「左記に下記内容を追加する。」: an insertion; the left cell it prints stays as it was
    before = read_cell("", "before") if plan.after.appended else plan.before
    before, after = changed_pieces(before, plan.after)
    return all(text_side(pub, row.get(side), spans[side]) for side, pub in
               (("before", before), ("after", after)))


def _whole_entry(row: dict, plan: RowPlan) -> bool:
    """An added or deleted entry is printed whole, each publisher in its own layout (labels on
    lines of their own, options in 【】 or ［〇］): the values it shows, its spans, decide."""
    side = "after" if row["kind"] == "新規" else "before"
    pub, text = getattr(plan, side), row.get(side) or ""
    spans = (row.get("spans") or {}).get(side) or [[0, len(text)]]
    return pub.has_text and all(normalise(text[s:e]).key in pub.key for s, e in spans)


def changed_pieces(before: Cell, after: Cell) -> tuple[Cell, Cell]:
    """Cells with gaps that line up: the pieces both print alike are context (「1. 被保険者の資格管理
    以下略」 on both sides), not the change; only the others are compared."""
    if not before.gaps or before.gaps != after.gaps:
        return before, after
    keep = [i for i, (b, a) in enumerate(zip(before.piece_keys(), after.piece_keys())) if b != a]
    if len(keep) == len(before.pieces):
        return before, after
    return (replace(before, pieces=tuple(before.pieces[i] for i in keep) or ((0, 0),)),
            replace(after, pieces=tuple(after.pieces[i] for i in keep) or ((0, 0),)))


MIN_PIECE = 8  # a piece of a cell with gaps that shows where the computed text is


def text_side(pub: Cell, text: str | None, spans: list) -> bool:
    """Normalised computed TEXT contains the published cell or is contained in it, paragraph group
    by paragraph group (「…」 joins them); the changed spans inside the matching stretch occur in
    the published cell."""
    if not pub.has_text:
        return True
    if not text:
        return False
    start = 0
    for part in text.split(EXCERPT_JOIN):
        end = start + len(part)
        if _part_matches(pub, part, start, spans):
            return True
        start = end + len(EXCERPT_JOIN)
    return False


def _part_matches(pub: Cell, part: str, offset: int, spans: list) -> bool:
    norm = normalise(part)
    if not norm.key:
        return False
    m = pub.pattern.search(norm.key)
    if m is not None:
        lo, hi = m.start(), m.end()
    elif any(norm.key in pub.key[a:b] for a, b in pub.pieces):
        lo, hi = 0, len(norm.key)
    elif pub.gaps and any(b - a >= MIN_PIECE and pub.key[a:b] in norm.key for a, b in pub.pieces):
        lo, hi = 0, len(norm.key)  # a piece shown, the rest what the publisher elided: spans decide
    else:
        return False
    for s, e in spans:
        s, e = s - offset, e - offset
        if e <= 0 or s >= len(part):
            continue
        keys = [k for k in range(len(norm.key)) if s <= norm.starts[k] < e and lo <= k < hi]
        if keys and norm.key[keys[0]:keys[-1] + 1] not in pub.key:
            return False
    return True


def _options_side(node, pub: Cell, text: str | None, spans: list) -> bool:
    wanted = read_options(pub, node.options, node.open_options)
    if wanted is None:
        return False
    shown = read_options(read_cell(text or "", "before"), node.options, node.open_options) if text else []
    if shown is None:
        return False
    keys = {o.key for o in shown}
    bases = {o.base for o in shown}
    for option in wanted:
        bare = option.key == normalise(option.base).key
        present = option.key in keys or (bare and option.base in bases)
        if present != option.checked:
            return False
    for s, e in spans:
        piece = normalise((text or "")[s:e]).key
        if piece and piece not in pub.key:
            return False
    return True


def _scalar_side(kind: str, pub: Cell, text: str | None) -> bool:
    if pub.empty:
        return not text
    if kind == "date":
        return parse_date(pub.norm.text.strip()) == parse_date(text)
    digits = "".join(ch for ch in pub.key if ch.isdigit())
    return bool(text) and digits == "".join(ch for ch in normalise(str(text)).key if ch.isdigit())


# ---- the benchmark's report ---------------------------------------------------------------------------

SEEDS = ("000", "001", "004")
TARGET = 0.95
THIRD = 1 / 3


def seed_text(data: Path, seed: str) -> Path:
    found = sorted(Path(data).glob(f"{seed}_*.txt"))
    if not found:
        raise FileNotFoundError(f"no text for seed {seed} under {data}")
    return found[0]


def measure_seeds(data: Path, work: Path, seeds: tuple[str, ...] = SEEDS) -> dict[str, SeedFigures]:
    return {seed: measure(seed_text(data, seed), Path(work) / seed, seed) for seed in seeds}


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else f"{part}/0"


def report_lines(figures: dict[str, SeedFigures], verbose: bool = False) -> list[str]:
    lines: list[str] = []
    for seed, f in figures.items():
        lines.append(f"== {seed}: published {f.total}, reproducible {_pct(f.reproducible, f.total)}, "
                     f"reproduced {_pct(f.reproduced, f.reproducible)}, timing agreement "
                     f"{_pct(f.timing_agree, f.reproduced)} (from the tags alone {_pct(f.tag_timing_agree, f.reproduced)})")
        for reason, count in f.reasons.most_common():
            lines.append(f"   not reproducible: {count:>3}  {reason}")
        if f.total and f.reproducible / f.total < THIRD:
            lines.append("   under a third reproducible: " + why_low(f))
        missed = [r for r in f.rows if not r.reproduced or not r.timing_agrees]
        if verbose or missed:
            for r in (f.rows if verbose else missed):
                state = "ok" if r.reproduced else f"NOT reproduced ({r.candidates} computed rows of the item)"
                if r.reproduced and not r.timing_agrees:
                    state = f"timing {r.timing} vs published {r.plan.timing}"
                label = " ".join(r.plan.label.split())[:70]
                lines.append(f"   row {r.plan.number:>3} {state}: {label}")
    total = {k: sum(getattr(f, k) for f in figures.values())
             for k in ("total", "reproducible", "reproduced", "timing_agree", "tag_timing_agree")}
    lines.append(f"== all: published {total['total']}, reproducible {_pct(total['reproducible'], total['total'])}, "
                 f"reproduced {_pct(total['reproduced'], total['reproducible'])}, timing agreement "
                 f"{_pct(total['timing_agree'], total['reproduced'])} "
                 f"(tags alone {_pct(total['tag_timing_agree'], total['reproduced'])})")
    return lines


def why_low(f: SeedFigures) -> str:
    """The main reasons, in words: most rows are not found because the document text differs."""
    top = ", ".join(f"{reason} ({count})" for reason, count in f.reasons.most_common(3))
    return (f"{f.total - f.reproducible} of {f.total} rows cannot be undone on the imported text; "
            f"the commonest reasons: {top}")


def main(argv: list[str] | None = None, default_data: Path | None = None) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="Reproduce the published 変更箇所 tables from rebuilt histories.")
    parser.add_argument("--data", type=Path, default=default_data, required=default_data is None,
                        help="directory holding the seed texts (NNN_*.txt)")
    parser.add_argument("--seeds", default=",".join(SEEDS), help="comma-separated seed numbers")
    parser.add_argument("--keep", type=Path, help="build the repositories here (absent or empty) and keep them")
    parser.add_argument("--verbose", action="store_true", help="list every reproducible row")
    parser.add_argument("--json", action="store_true", help="end with one JSON line (reproduce_seeds.schema.json)")
    args = parser.parse_args(argv)
    seeds = tuple(s.strip() for s in args.seeds.split(",") if s.strip())
    with tempfile.TemporaryDirectory(prefix="pia-reproduce-") as tmp:
        work = args.keep or Path(tmp)
        figures = measure_seeds(args.data, work, seeds)
        for line in report_lines(figures, args.verbose):
            print(line)
    if args.json:
        print(json.dumps({seed: f.as_json() for seed, f in figures.items()}, ensure_ascii=False))
    return 0
