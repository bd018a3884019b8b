"""`reconstruct`: a published 評価書 → a new git repository with its rebuilt history (README: Reproduction).

The published 変更箇所 rows are undone newest first on the imported document (pia_changes.rebuild.undo);
what could be undone is replayed as commits, one per (変更日, 提出時期) group, each followed by a
submission tag that gives the group its 提出時期; what could not stays a legacy row, with the reason.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pia_changes.classify.evaluation import published_decision
from pia_changes.rebuild.cells import Cell, read_cell
from pia_changes.document.model import DEFAULT_LIMIT, load_text
from pia_changes.errors import PiaError
from pia_changes.forms import Form, Node
from pia_changes.forms.rowmatch import match_row
from pia_changes.git.repo import GitRepo
from pia_changes.importer import import_text
from pia_changes.importer.build import dump_yaml
from pia_changes.document.legacy import LEGACY_KEY, LegacyRow, legacy_table
from pia_changes.rebuild.undo import (
    ENTRY_DELETED,
    NO_CHANGE,
    NO_ENTRY,
    NO_ITEM,
    NO_TIMING,
    NOT_FOUND,
    NOT_OPTION,
    Outcome,
    Slot,
    fail,
    item_id,
    numbered,
    remove_at,
    set_at,
    slots_for,
    undo,
)
from pia_changes.text.wareki import format_wareki, parse_date
from pia_changes.text.decode import too_large

JST = dt.timezone(dt.timedelta(hours=9))
TIMINGS = ("事前", "事後")
ASSESSMENTS_DIR = "assessments"
CONFIG_FILE = "pia-changes.toml"


@dataclass
class RowPlan:
    """One published row and what became of it."""

    index: int                    # 0-based position in the published table
    row: dict
    label: str
    date: dt.date | None          # the 変更日 used (printed, or the documented fallback)
    date_printed: bool
    timing: str
    before: Cell
    after: Cell
    group: int | None = None
    replayed: bool = False
    reason: str | None = None
    node: Node | None = None
    item_ids: tuple[str, ...] = ()  # the item's id after and before the undo (entry names may change)
    commit: str | None = None

    @property
    def number(self) -> int:
        """1-based row number in the published table."""
        return self.index + 1


@dataclass
class Group:
    date: dt.date
    timing: str
    rows: list[int] = field(default_factory=list)  # indices into Plan.rows, published order
    data: dict | None = None                       # the document as this group's commit holds it
    commit: str | None = None
    tag: str | None = None


@dataclass
class Plan:
    form: Form
    baseline: dict
    rows: list[RowPlan]
    groups: list[Group]            # oldest first; only groups with replayed rows
    undated_date: dt.date | None   # the date given to rows without a printed 変更日
    undated_source: str | None     # "公表日" or "newest+1"

    def legacy_rows(self) -> list[dict]:
        return [r.row for r in self.rows if not r.replayed]

    def document(self, data: dict) -> str:
        """DATA as committed: the rows not replayed stay its legacy rows."""
        out = dict(data)
        out[LEGACY_KEY] = self.legacy_rows()
        return dump_yaml(out)

    @property
    def not_replayed(self) -> list[RowPlan]:
        return [r for r in self.rows if not r.replayed]


# ---- planning -------------------------------------------------------------------------------------

def undated_fallback(data: dict, printed: list[dt.date]) -> tuple[dt.date | None, str | None]:
    """The 変更日 for rows that print none: the cover's 公表日, else the day after the newest printed date."""
    cover = data.get("表紙") if isinstance(data.get("表紙"), dict) else {}
    published = parse_date(cover.get("公表日")) if cover else None
    if published is not None:
        return published, "公表日"
    if printed:
        return max(printed) + dt.timedelta(days=1), "newest+1"
    return None, None


def plan(data: dict, form: Form) -> Plan:
    """Undo the published rows of DATA (a parsed assessment) newest first; the groups to commit."""
    published = legacy_table(data.get(LEGACY_KEY))
    printed = [d for d in (parse_date(r.date_raw) for r in published) if d is not None]
    fallback, source = undated_fallback(data, printed)
    rows: list[RowPlan] = []
    for index, row in enumerate(published):
        day = parse_date(row.date_raw)
        rows.append(RowPlan(index=index, row=row.raw, label=row.item_raw, date=day or fallback,
                            date_printed=day is not None, timing=row.timing,
                            before=read_cell(row.before, "before"), after=read_cell(row.after, "after")))
    keys = sorted({(r.date, r.timing) for r in rows if r.timing in TIMINGS and r.date is not None},
                  key=lambda k: (k[0], TIMINGS.index(k[1])))
    groups = [Group(day, timing) for day, timing in keys]
    position = {(g.date, g.timing): i for i, g in enumerate(groups)}
    for r in rows:
        if r.timing not in TIMINGS:
            r.reason = NO_TIMING
        elif r.date is None:
            r.reason = "変更日がなく、公表日もない"
        else:
            r.group = position[(r.date, r.timing)]
    work = copy.deepcopy(data)  # its legacy rows are replaced when a version is written
    for gi in range(len(groups) - 1, -1, -1):
        groups[gi].data = copy.deepcopy(work)
        members = [r for r in rows if r.group == gi]
        for r in reversed(members):
            _replay(form, work, r)
        groups[gi].rows = [r.index for r in members if r.replayed]
    kept = [g for g in groups if g.rows]
    return Plan(form, work, rows, kept, fallback if any(not r.date_printed for r in rows) else None,
                source if any(not r.date_printed for r in rows) else None)


def _replay(form: Form, work: dict, r: RowPlan) -> None:
    """Undo row R on WORK when it is reproducible; else record why not."""
    published = LegacyRow.read(r.row)
    match = match_row(form, r.label, published.before, published.after) if r.label.strip() else None
    if match is None:
        r.reason = NO_ITEM
        return
    r.node = match.node
    if r.before.key and r.before.key == r.after.key:
        r.reason = NO_CHANGE
        return
    if match.node.is_group and r.after.deleted:
        r.reason = ENTRY_DELETED  # 「移転先1 … 削除」: the entry went, and one cell cannot rebuild it
        return
    whole = match.node.is_group and r.before.empty
    found = slots_for(form, work, match, r.label, whole)
    if isinstance(found, str):
        r.reason = found
        return
    outcomes = [undo(form, work, slot, r.before, r.after) for slot in found]
    good = [o for o in outcomes if o.ok]
    if not good and r.before.empty and not match.node.is_group:
        good = [o for o in (_whole_entry(form, work, o.slot, r) for o in outcomes if o.slot) if o.ok]
    if not good and outcomes and all(o.reason == NOT_OPTION for o in outcomes):
        good = [o for o in _explanations(form, work, outcomes, r) if o.ok]
    if not good:
        r.reason = _reason(outcomes)
        return
    chosen = good[0]
    slot = chosen.slot
    assert slot is not None
    after_id = item_id(form, work, slot)
    if chosen.remove:
        remove_at(work, slot.path)
        r.item_ids = (after_id,)
    else:
        set_at(work, slot.path, chosen.value)
        before_id = item_id(form, work, slot)
        r.item_ids = (after_id,) if before_id == after_id else (after_id, before_id)
    r.node = slot.node
    r.replayed = True


def _whole_entry(form: Form, work: dict, slot: Slot, r: RowPlan) -> Outcome:
    """A row naming an entry's items one after another (「移転先43 移転先名称①…⑦時期・頻度」) with an
    empty 変更前 added the whole entry: undo it on the innermost entry around SLOT."""
    chain = slot.node.ancestors()
    groups = [n for n in chain if n.is_group]
    if not groups or not numbered(groups[-1]):
        return fail(NOT_FOUND)
    path: list = []
    steps = iter(slot.path)
    for node in chain[:chain.index(groups[-1]) + 1]:  # keys down to the group, then its index
        path.append(next(steps))
        if node.is_group:
            path.append(next(steps))
    return undo(form, work, Slot(groups[-1], tuple(path), whole_entry=True), r.before, r.after)


def _explanations(form: Form, work: dict, outcomes: list[Outcome], r: RowPlan) -> list[Outcome]:
    """A choice printed with its explanation under one label (「ユーザ認証の管理」 → 行っている +
    具体的な管理方法): cells that are no option are tried on the text items beside the choice."""
    out = []
    for o in outcomes:
        slot = o.slot
        if slot is None or slot.node.parent is None:
            continue
        for sibling in slot.node.parent.children:
            if sibling.type == "text":
                out.append(undo(form, work, Slot(sibling, slot.path[:-1] + (sibling.key,)), r.before, r.after))
    return out


def _reason(outcomes: list[Outcome]) -> str:
    reasons = [o.reason for o in outcomes if o.reason]
    if not reasons:
        return NO_ENTRY
    if len(set(reasons)) == 1:
        return reasons[0]
    return NOT_FOUND if NOT_FOUND in reasons else reasons[0]


# ---- writing the repository -----------------------------------------------------------------------

@dataclass
class Written:
    root: Path
    commits: list[str] = field(default_factory=list)     # baseline first
    tags: list[str] = field(default_factory=list)
    plans: dict[str, Plan] = field(default_factory=dict)  # assessment path → plan


def _at(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=JST) + dt.timedelta(minutes=minute)


def _commit_day(group: Group) -> dt.date:
    """A 事前 group is committed (and submitted) the day before its 変更日; a 事後 one on it."""
    return group.date - dt.timedelta(days=1) if group.timing == "事前" else group.date


def _tag_day(group: Group) -> dt.date:
    return group.date + dt.timedelta(days=-1 if group.timing == "事前" else 1)


def _message(plan: Plan, group: Group, path: str) -> str:
    rows = [plan.rows[i] for i in group.rows]
    when = format_wareki(group.date)
    lines = [f"{PurePosixPath(path).stem}: {when}の変更（{group.timing}、{len(rows)}行）", "",
             "公表された変更箇所の表から再現した版（pia-changes reconstruct）。表の行:"]
    for r in rows:
        label = " ".join(r.label.split())
        lines.append(f"- {r.number}行目 {label[:80]}")
    lines += ["", f"変更日: {group.date.isoformat()}", f"提出時期: {group.timing}", *_decisions(rows)]
    return "\n".join(lines) + "\n"


def _decisions(rows: list[RowPlan]) -> list[str]:
    """The publisher's published verdict on each row's item as a 判定 trailer: the rebuilt table
    then says 重要 where the publisher did and not 重要 where it did not, instead of the engine's
    要確認 on a decision already made (and a declared_after error on a row the publisher called not
    重要). Ambiguous 説明 and an item two rows of the group judge differently get none."""
    verdicts: dict[str, set[str]] = {}
    for r in rows:
        verdict = published_decision(LegacyRow.read(r.row).timing_reason)
        if verdict is not None and r.item_ids:
            verdicts.setdefault(r.item_ids[0], set()).add(verdict)
    return [f"判定[{item}]: {found.pop()}" for item, found in verdicts.items() if len(found) == 1]


def ensure_empty_dir(target: Path) -> None:
    """reconstruct writes into an absent or empty directory only (Decisions: Overwriting)."""
    if target.exists():
        if not target.is_dir():
            raise PiaError("出力先がディレクトリではありません", file=str(target))
        if any(target.iterdir()):
            raise PiaError("出力先のディレクトリが空ではありません（空のディレクトリか、まだない名前を指定してください）",
                           file=str(target))


def write_history(root: Path, plans: dict[str, Plan], extra: dict[str, bytes], repo: GitRepo | None = None,
                  tag_prefix: str = "submitted/") -> Written:
    """Commit the baselines of PLANS (path → plan) with EXTRA files, then every group of every
    plan by date (事前 before 事後, then path), and tag each file's submissions."""
    own = repo is None
    repo = repo or GitRepo.init(root, branch="main")
    written = Written(root=root, plans=dict(plans))
    try:
        events = sorted(((g.date, TIMINGS.index(g.timing), path, i) for path, p in plans.items()
                         for i, g in enumerate(p.groups)))
        days = [_commit_day(plans[path].groups[i]) for _, _, path, i in events]
        days += [_tag_day(plans[path].groups[i]) for _, _, path, i in events]
        start = (min(days) if days else dt.date.today()) - dt.timedelta(days=1)
        minute = 0
        files = {path: p.document(p.baseline).encode("utf-8") for path, p in plans.items()}
        files.update(extra)
        stems = "、".join(PurePosixPath(p).stem for p in plans)
        written.commits.append(repo.commit_files(
            files, f"基準の版: {stems}\n\n公表された評価書から、変更箇所の表の行を戻して作った最初の版"
                   "（pia-changes reconstruct）。戻せなかった行は変更箇所（legacy rows）に残しています。\n",
            _at(start, minute)))
        for day, _, path, i in events:
            minute += 1
            p = plans[path]
            group = p.groups[i]
            assert group.data is not None
            sha = repo.commit_files({path: p.document(group.data).encode("utf-8")}, _message(p, group, path),
                                    _at(max(_commit_day(group), start), minute))
            group.commit = sha
            for index in group.rows:
                p.rows[index].commit = sha
            written.commits.append(sha)
        for path, p in plans.items():
            written.tags += _tag(repo, path, p, tag_prefix)
    finally:
        if own:
            repo.close()
    return written


def _tag(repo: GitRepo, path: str, p: Plan, prefix: str) -> list[str]:
    """One tag per group, dated before a 事前 group's 変更日 and after a 事後 one's; groups wanting
    the same date share one tag on the later commit (it covers both, and both keep their timing)."""
    stem = PurePosixPath(path).stem
    by_day: dict[dt.date, Group] = {}
    for group in p.groups:  # oldest first: the later group wins a shared date
        by_day[_tag_day(group)] = group
    names = []
    for day, group in sorted(by_day.items()):
        name = f"{prefix}{stem}/{day.isoformat()}"
        covered = [g for g in p.groups if _tag_day(g) == day]
        what = "、".join(f"{format_wareki(g.date)}の変更（{g.timing}）" for g in covered)
        assert group.commit is not None
        repo.create_tag(name, group.commit, f"提出: {format_wareki(day)}\n\n{what}を含む版の提出（再現）。\n",
                        _at(day, 0))
        for g in covered:
            g.tag = name
        names.append(name)
    return names


# ---- the command ---------------------------------------------------------------------------------

@dataclass
class Reconstruction:
    written: Written
    path: str              # the assessment, repository-relative
    plan: Plan
    notices: list[str]


def plan_text(raw: bytes, name: str) -> tuple[Plan, list[str]]:
    """Import a published 評価書's text and plan its history."""
    result = import_text(raw, name)
    doc = load_text(result.yaml_text, name)
    return plan(doc.data, doc.form), list(result.notices)


def config_bytes() -> bytes:
    from pia_changes.rebuild.init import template_dir
    return (template_dir() / CONFIG_FILE).read_bytes()


def reconstruct(text: str | Path, out_dir: str | Path, raw: bytes | None = None,
                limit_bytes: int = DEFAULT_LIMIT) -> Reconstruction:
    """`pia-changes reconstruct TEXT -o DIR`: DIR must be absent or empty; on a failure it is left
    as it was found."""
    source = Path(text)
    target = Path(out_dir)
    ensure_empty_dir(target)  # before the (slow) import
    if raw is None:
        try:
            size = source.stat().st_size
            if size > limit_bytes:
                raise PiaError(too_large(size, limit_bytes), file=str(text))
            raw = source.read_bytes()
        except FileNotFoundError:
            raise PiaError("ファイルがありません", file=str(text)) from None
        except IsADirectoryError:
            raise PiaError("ディレクトリです（評価書のテキストを指定してください）", file=str(text)) from None
    the_plan, notices = plan_text(raw, str(text))
    ensure_empty_dir(target)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    path = f"{ASSESSMENTS_DIR}/{source.stem}.yaml"
    try:
        written = write_history(target, {path: the_plan}, {CONFIG_FILE: config_bytes()})
    except BaseException:
        _empty(target, remove=created)
        raise
    return Reconstruction(written, path, the_plan, notices)


def _empty(target: Path, remove: bool) -> None:
    """Undo a half-written repository: DIR was absent or empty before."""
    import shutil

    if remove:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def summary_lines(result: Reconstruction) -> list[str]:
    """What `reconstruct` prints: the repository, then every row left as a legacy row, with why."""
    p, w = result.plan, result.written
    replayed = [r for r in p.rows if r.replayed]
    lines = [(f"{w.root}: {result.path} を作りました（コミット {len(w.commits)} 件 = 基準の版 + 変更 "
             f"{len(w.commits) - 1} 件、提出タグ {len(w.tags)} 件）"),
             f"変更箇所 {len(p.rows)} 行のうち {len(replayed)} 行を履歴に戻しました。"]
    if p.undated_date is not None:
        source = "表紙の公表日" if p.undated_source == "公表日" else "印字された最新の変更日の翌日"
        count = sum(1 for r in p.rows if not r.date_printed)
        lines.append(f"変更日のない {count} 行は {p.undated_date.isoformat()}（{source}）の変更としました。")
    left = p.not_replayed
    if left:
        lines.append(f"次の {len(left)} 行は戻せないため、変更箇所（git 管理前の行）として残しました:")
        for r in left:
            label = " ".join(r.label.split()) or "（項目なし）"
            lines.append(f"  {r.number}行目 {label[:60]}: {r.reason}")
    return lines
