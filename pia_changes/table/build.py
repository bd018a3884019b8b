"""Assemble the 変更箇所 table of one assessment: legacy rows + one row per classified change.

Row order (Decisions: Row order): legacy rows as published, then computed rows by 変更日, then
commit order, then the diff's document order. 提出時期 comes from submission tags (Decisions:
変更日 and 提出時期); what is wrong becomes findings.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pia_changes.diff.change import Change, Classification
from pia_changes.classify.apply import judge_changes, trailer_values
from pia_changes.config import Config
from pia_changes.diff.semantic import diff
from pia_changes.document.model import Document
from pia_changes.errors import PiaError
from pia_changes.gcpause import cycle_collection_paused
from pia_changes.table.findings import FindingCollector, review_message
from pia_changes.table.corrections import merge_corrections
from pia_changes.table.submissions import assessment_tags
from pia_changes.table.cache import DocumentCache, PairCache, RevisionLoader
from pia_changes.table.cachedir import config_salt
from pia_changes.table import datafile
from pia_changes.table.workers import parts_for, run_parts
from pia_changes.git.repo import GitObjectError, GitRepo, Revision, SubmissionTag
from pia_changes.document.legacy import LegacyRow, legacy_object, legacy_table
from pia_changes.classify.publisher import publisher_important
from pia_changes.table.rows import Row, Table, change_row
from pia_changes.text.normalise import html_to_text
from pia_changes.text.wareki import parse_date

FIVE_YEARS = dt.timedelta(days=5 * 365 + 1)


@dataclass
class Computed:
    """One computed change with everything its row needs."""

    change: Change
    verdict: Classification
    revision: Revision
    change_date: dt.date
    timing: str
    submitted: bool
    manual_timing: bool
    dated: bool = False        # the 変更日 came from a trailer, not the commit date


@dataclass
class History:
    """An assessment's revisions with their documents and computed changes, oldest first."""

    path: str
    revisions: list[Revision]
    documents: list[Document | None]
    tags: list[SubmissionTag]
    computed: list[Computed]
    findings: FindingCollector

    @property
    def current(self) -> Document:
        return self.documents[-1]  # type: ignore[return-value]


Progress = Callable[[str, int, int], None]  # (assessment, revisions done, revisions in all)


def read_history(repo: GitRepo, path: str, config: Config, rev: str = "HEAD",
                 today: dt.date | None = None, several: bool = False,
                 progress: Progress | None = None, pairs: PairCache | None = None) -> History:
    """Walk the file's commits, diff each against the previous, classify, time each change.

    Each commit's classified changes are kept under .git (PairCache, keyed by the commit, both
    blobs and the configuration), so a second run parses no history; the first parses it
    incrementally (RevisionLoader). Documents are loaded when asked for (History.documents).
    PAIRS shared by a caller reading many assessments (status) is read once and flushed by it."""
    today = today or dt.date.today()
    revisions = repo.file_revisions(path, rev)
    if not revisions or revisions[-1].blob is None:
        raise PiaError("この評価書はまだコミットされていません（最初のコミットが基準になります）", file=path)
    findings = FindingCollector(config.acknowledged)
    docs = _Documents(repo, revisions, config)
    own = pairs is None
    pairs = PairCache(repo, config_salt(config)) if pairs is None else pairs
    computed: list[Computed] = []
    with cycle_collection_paused():  # parsing and classifying make millions of small objects
        _in_parts(repo, path, docs, config, pairs, progress)
        steps = _steps(docs, pairs, findings)
        cutoff = repo.commit_date(rev).date() if rev != "HEAD" else None  # tags dated up to REV
        tags = _submissions(repo, path, revisions, config, cutoff, findings, several)
        try:
            for step in steps:
                if progress is not None:
                    progress(path, step[1] + 1, len(revisions))
                revision = revisions[step[1]]
                computed += _revision_rows(repo, revision, _pair(docs, step, pairs, config), tags, today, findings)
        finally:  # an interrupted first run keeps what it computed
            if own:
                pairs.flush()
    docs.keep_current()
    return History(path, revisions, docs, tags, computed, findings)


class _Documents(Sequence):
    """The versions of the file, None where deleted or invalid, parsed when first asked for:
    oldest first through one RevisionLoader (incremental), the current one through the
    DocumentCache when nothing parsed it yet."""

    def __init__(self, repo: GitRepo, revisions: list[Revision], config: Config) -> None:
        self.revisions = revisions
        self.loader = RevisionLoader(repo, config.max_input_bytes)
        self.cache = DocumentCache(repo, config.max_input_bytes)
        self.loaded: dict[int, Document | None] = {}

    def __len__(self) -> int:
        return len(self.revisions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]
        if index not in self.loaded:
            rev = self.revisions[index]
            if rev.blob is None:
                self.loaded[index] = None
            elif index == len(self) - 1:
                self.loaded[index] = self.cache.load(rev.blob, rev.path)
            else:
                try:
                    self.loaded[index] = self.loader.load(rev.blob, rev.path)
                except PiaError:
                    self.loaded[index] = None
        return self.loaded[index]

    def load(self, index: int) -> Document:
        """Version INDEX, validated; raises its InvalidDocument/PiaError. The next version is asked
        for once this one is read, so git inflates it while this one is parsed: a version that had
        to be parsed is mostly followed by another."""
        rev = self.revisions[index]
        raw = self.loader.repo.read_blob(rev.blob)  # type: ignore[arg-type]
        following = self.revisions[index + 1] if index + 1 < len(self.revisions) else None
        if following is not None and following.blob is not None:
            self.loader.repo.read_ahead(following.blob)
        doc = self.loader.load_bytes(raw, rev.path)
        self.loaded[index] = doc
        return doc

    def keep_current(self) -> None:
        """The current version, when parsed here, goes to the DocumentCache for the next run."""
        last = len(self) - 1
        doc = self.loaded.get(last)
        if doc is not None:
            self.cache.store(self.revisions[last].blob, doc)  # type: ignore[arg-type]


def _steps(docs: _Documents, pairs: PairCache, findings: FindingCollector
           ) -> list[tuple[int, int, str, object]]:
    """(previous version, version, pair key, cached rows or None) for each version diffed against
    the last valid one before it. An invalid OLD version cannot be fixed any more (pushed
    history), so it is a warning naming its commit and is skipped; an invalid current version
    is an error to fix. What is known from the cache is not parsed again."""
    revisions = docs.revisions
    last = len(revisions) - 1
    steps = []
    previous: int | None = None
    for index, rev in enumerate(revisions):
        if rev.blob is None:
            continue
        bad_key = pairs.key("invalid", rev.blob, rev.path)
        bad = pairs.get(bad_key) if index != last else None
        if isinstance(bad, str):
            _skip(docs, index, bad, findings)
            continue
        if previous is None:
            if index != last and pairs.get(pairs.key("valid", rev.blob, rev.path)) is True:
                previous = index
                continue
        else:
            key = pairs.key("rows", rev.sha, revisions[previous].blob, rev.blob)
            cached = pairs.get(key)
            if cached is not None:
                steps.append((previous, index, key, cached))
                previous = index
                continue
        try:
            docs.load(index)
        except PiaError as exc:
            if index == last:
                raise
            first = str(exc).split("\n")[0]
            if not isinstance(exc, GitObjectError):  # a missing object may come back: not cached
                pairs.put(bad_key, first)
            _skip(docs, index, first, findings, unreadable=isinstance(exc, GitObjectError))
            continue
        if previous is None:
            pairs.put(pairs.key("valid", rev.blob, rev.path), True)
        else:
            steps.append((previous, index, pairs.key("rows", rev.sha, revisions[previous].blob, rev.blob), None))
        previous = index
    return steps


def _pair(docs: _Documents, step: tuple[int, int, str, object], pairs: PairCache, config: Config
          ) -> list[tuple[Change, Classification]]:
    """The classified changes of one step of _steps: from the cache, else computed and kept."""
    previous, index, key, cached = step
    classified = _thaw(cached) if cached is not None else None
    if classified is None:
        classified = _classified(docs.revisions[index], docs[previous], docs[index], config)
        pairs.put(key, _freeze(classified, docs[index].form.form))
    return classified


_PART_LEAST = 32  # versions to compute that repay a part's fork and whole first parse


def _in_parts(repo: GitRepo, path: str, docs: _Documents, config: Config, pairs: PairCache,
              progress: Progress | None) -> None:
    """A first run over a long history computes its steps in parts, one per core, each part from
    the version before its first (table.workers); the walk that follows reads them from PAIRS as
    a second run would, and computes itself whatever a part left out (a part that met an invalid
    version, say), so the table never depends on the split. This process takes the last part,
    which holds the current version (the table needs it), and reports progress for it."""
    revisions = docs.revisions
    todo = [i for i in range(1, len(revisions)) if revisions[i].blob and revisions[i - 1].blob
            and pairs.get(pairs.key("rows", revisions[i].sha, revisions[i - 1].blob, revisions[i].blob)) is None]
    parts = parts_for(len(todo), _PART_LEAST)
    if parts < 2 or datafile.cache_secret() is None:  # a child's results reach us only through the cache
        return
    cuts = [todo[len(todo) * k // parts] for k in range(parts)] + [len(revisions)]

    def part(k: int) -> None:  # 0: the last part, here
        low, high = cuts[parts - 1 - k], cuts[parts - k]
        here = repo if k == 0 else repo.forked()
        report = None
        if k:
            pairs.new = {}  # a child writes what it computed, nothing more
        elif progress is not None:  # the other parts go as fast
            report = lambda i: progress(path, len(revisions) * (i + 1) // (high - low + 1), len(revisions))  # noqa: E731
        mine = _Documents(here, revisions[low - 1:high], config)
        try:
            _fill(mine, config, pairs, report)
        except PiaError:
            pass  # the walk meets it again and reports it
        finally:
            pairs.flush(merge=False)
            if k:
                here.close()
        if high == len(revisions) and mine.loaded.get(len(mine) - 1) is not None:
            docs.loaded[len(revisions) - 1] = mine.loaded[len(mine) - 1]

    run_parts(part, parts)
    pairs.reload()


def _fill(docs: _Documents, config: Config, pairs: PairCache, report: Callable[[int], None] | None) -> None:
    for step in _steps(docs, pairs, FindingCollector(frozenset())):
        if report is not None:
            report(step[1])
        if step[3] is None:
            _pair(docs, step, pairs, config)


def _skip(docs: _Documents, index: int, message: str, findings: FindingCollector, unreadable: bool = False) -> None:
    rev = docs.revisions[index]
    docs.loaded[index] = None
    why = "を git から読めない" if unreadable else "は様式に合わない"
    findings.add("warning", "invalid_revision",
                 f"コミット {rev.sha[:7]} の版{why}ため比較から外しました: {message}", commit=rev.sha)


_FROZEN = 2  # the layout of a cached pair below


def _freeze(classified: list[tuple[Change, Classification]], form: str) -> datafile.Plain:
    """Classified changes as plain lists, one a change, its verdict's fields after its own: the
    schema node by its position in the form, a typed value equal to its shown text (most texts)
    as 0 instead of a second copy, any other through datafile.encode (a list [value]). Half
    the size and a third of the time of tagged tuples and records, written and read."""
    rows = []
    for c, v in classified:
        rows.append([c.item_id, list(c.labels), c.kind, c.before, c.after, c.node.order,
                     _typed(c.old_value, c.before), _typed(c.new_value, c.after),
                     [n for span in c.spans[0] for n in span], [n for span in c.spans[1] for n in span],
                     c.moved, c.cosmetic, c.order, v.important, v.reason_code, v.timing_reason, v.needs_review,
                     v.review_reason, v.required_timing, list(v.procedure), v.manual])
    return datafile.Plain([_FROZEN, form, rows])


def _typed(value: object, shown: str | None) -> object:
    return 0 if type(value) is str and value == shown else [datafile.encode(value)]


def _thaw(cached: object) -> list[tuple[Change, Classification]] | None:
    """What _freeze froze (as kept in memory, or read back from a pack); None for anything else
    (an older layout: computed again)."""
    if isinstance(cached, datafile.Plain):
        cached = cached.value
    if not (isinstance(cached, list) and len(cached) == 3 and cached[0] == _FROZEN):
        return None
    try:
        nodes = _form_nodes(cached[1])
        out = []
        for (item_id, labels, kind, before, after, node, old, new, spans_before, spans_after, moved, cosmetic,
             order, important, reason_code, timing_reason, needs_review, review_reason, required_timing,
             procedure, manual) in cached[2]:
            change = Change(item_id=item_id, labels=tuple(labels), kind=kind, before=before, after=after,
                            node=nodes[node], old_value=before if old == 0 else old[0],
                            new_value=after if new == 0 else new[0],
                            spans=(_pairs(spans_before), _pairs(spans_after)), moved=moved, cosmetic=cosmetic,
                            order=order)
            out.append((change, Classification(important, reason_code, timing_reason, needs_review, review_reason,
                                               required_timing, tuple(procedure), manual)))
        return out
    except (PiaError, IndexError, TypeError, ValueError):
        return None


def _pairs(flat: list[int]) -> tuple[tuple[int, int], ...]:
    it = iter(flat)
    return tuple(zip(it, it))


@lru_cache(maxsize=None)
def _form_nodes(form: str) -> list:
    from pia_changes.forms import load_form, walk
    return list(walk(load_form(form).nodes))


def build_table(repo: GitRepo, path: str, config: Config, rev: str = "HEAD",
                today: dt.date | None = None, several: bool = False,
                progress: Progress | None = None, pairs: PairCache | None = None) -> Table:
    """The table of the assessment at PATH (repository-relative) as it stood at REV."""
    today = today or dt.date.today()
    hist = read_history(repo, path, config, rev, today, several, progress, pairs)
    return table_from_history(repo, hist, config, today)


def table_from_history(repo: GitRepo, hist: History, config: Config, today: dt.date) -> Table:
    """The table of a history already read (the report needs both); adds the table's findings
    to hist.findings."""
    path, current, findings = hist.path, hist.current, hist.findings
    rows = [legacy_row(r) for r in legacy_table(current.legacy_rows)]
    for row in rows:
        if not row.timing:
            findings.add("warning", "blank_timing", f"変更箇所の行（{row.item}）の提出時期が空欄です", item_id=row.item_id)
    merged = merge_corrections(hist.computed, findings, config.label_separator)
    computed = sorted(merged, key=lambda c: c.change_date)  # stable: commit order, then document order
    rows += [_row(c, config) for c in computed]
    _timing_findings(computed, today, config, findings)
    _five_years(current, hist.tags, today, findings)
    complete = hist.revisions[0].commit_date.date() if repo.is_shallow() else None
    if complete is not None:
        findings.add("warning", "shallow_history",
                     f"浅いクローンのため、表は {complete.isoformat()} 以降の履歴から作りました"
                     "（それより前の変更は表にありません。完全な表には git fetch --unshallow）")
    title = str(((current.data.get("表紙") or {}).get("評価書名")) or path)
    return Table(path, current.form.form, title, tuple(rows), findings.all(), complete)


def _submissions(repo: GitRepo, path: str, revisions: list[Revision], config: Config, cutoff: dt.date | None,
                 findings: FindingCollector, several: bool) -> list[SubmissionTag]:
    tags = repo.tags(config.tag_prefix)
    for warning in tags.warnings:
        findings.add("warning", "bad_trailer", warning)
    dated = [t for t in tags if cutoff is None or t.date <= cutoff]
    repo.preload_ancestry([t.target for t in dated])
    mine = assessment_tags(repo, path, revisions, dated, config)
    if several and any(t.stem is None for t in mine):
        findings.add("warning", "repo_wide_tag",
                     "複数の評価書があるリポジトリにリポジトリ全体の提出タグがあります（"
                     f"{config.tag_prefix}<ファイル名>/日付 の形にしてください）")
    return sorted(mine, key=lambda t: t.date)


def legacy_row(row: LegacyRow) -> Row:
    """A published row carried over unchanged (Decisions: Legacy rows)."""
    reason = html_to_text(row.timing_reason)
    return Row(
        change_date=parse_date(row.date_raw), item=row.item_raw, item_id=None,
        kind=row.change_kind if row.change_kind in ("変更", "新規", "削除") else "変更",
        before=_text(row.before), after=_text(row.after),
        timing=row.timing, timing_reason=reason, source="legacy",
        important=publisher_important(reason), legacy=legacy_object(row.raw), kouban=row.kouban,
    )


def _text(value: object) -> str | None:
    return None if value is None else html_to_text(str(value))


def _classified(revision: Revision, old: Document, new: Document, config: Config
                ) -> list[tuple[Change, Classification]]:
    """The commit's changes (cosmetic ones left out), each classified with its trailers."""
    changes = diff(old, new, layout_spans=False).significant()
    return [(j.change, j.verdict) for j in judge_changes(changes, new.form.form, config, revision.trailers)]


def _revision_rows(repo: GitRepo, revision: Revision, classified: list[tuple[Change, Classification]],
                   tags: list[SubmissionTag], today: dt.date, findings: FindingCollector) -> list[Computed]:
    """Each classified change with its 変更日 and 提出時期 (from the trailers and the tags)."""
    trailers = revision.trailers
    for problem in trailers.problems:
        findings.add("warning", "bad_trailer", f"{revision.sha[:7]}: {problem}（コミット日を使います）",
                     commit=revision.sha)
    changes = [change for change, _ in classified]
    submission = first_containing(repo, revision.sha, tags) if classified else None
    out = []
    for change, verdict in classified:
        values = trailer_values(trailers, change, changes)
        declared, manual_timing = values["change_date"], values["timing"]
        day = declared or revision.author_date.date()  # type: ignore[operator]
        submitted_on = submission.date if submission else today
        timing = manual_timing or ("事前" if submitted_on < day else "事後")
        out.append(Computed(change, verdict, revision, day, timing, submission is not None,
                            manual_timing is not None, declared is not None))
    return out


def first_containing(repo: GitRepo, commit: str, tags: list[SubmissionTag]) -> SubmissionTag | None:
    for tag in tags:  # oldest first
        if repo.is_ancestor(commit, tag.target):
            return tag
    return None


def _row(c: Computed, config: Config) -> Row:
    return change_row(c.change, c.verdict, config.label_separator, change_date=c.change_date, timing=c.timing,
                      submitted=c.submitted, manual=c.verdict.manual or c.manual_timing, commit=c.revision.sha)


def _timing_findings(computed: list[Computed], today: dt.date, config: Config,
                     findings: FindingCollector) -> None:
    for c in computed:
        sha, item, label = c.revision.sha, c.change.item_id, c.change.label(config.label_separator)
        if c.verdict.needs_review and not c.verdict.manual:
            findings.add("warning", "unresolved_review", review_message(label, c.verdict.review_reason), sha, item)
        if c.verdict.reason_code == "threshold":
            findings.add("warning", "threshold", f"{label}: {c.verdict.review_reason or 'しきい値判断の結果が変わります'}",
                         sha, item)
        if not c.verdict.important:
            continue
        if c.manual_timing and c.timing == "事後":  # Decisions 2026-12-06: declared_after
            findings.add("error", "declared_after",
                         f"{label}: 重要な変更がコミットで事後と宣言されています（変更日 {c.change_date.isoformat()}）。"
                         "重要な変更は事前に提出しなければなりません", sha, item)
        elif c.submitted and c.timing == "事後":
            findings.add("error", "important_after",
                         f"{label}: 重要な変更が事後に提出されています（変更日 {c.change_date.isoformat()}）", sha, item)
        elif not c.submitted and c.change_date <= today:
            findings.add("error", "important_unsubmitted",
                         f"{label}: 重要な変更の変更日 {c.change_date.isoformat()} を過ぎましたが、事前の提出がありません",
                         sha, item)
        elif not c.submitted and (c.change_date - today).days <= config.near_days:
            findings.add("warning", "important_unsubmitted",
                         f"{label}: 重要な変更の変更日 {c.change_date.isoformat()} が近づいています。事前に提出してください",
                         sha, item)


def _five_years(doc: Document, tags: list[SubmissionTag], today: dt.date, findings: FindingCollector) -> None:
    """The 5-year clock runs from the latest 再実施 tag and the document's 基礎項目評価 ①実施日."""
    dates = [t.date for t in tags if t.reevaluation]
    kiso = doc_value(doc, "kiso_date")
    if (day := parse_date(kiso)) is not None:
        dates.append(day)
    if dates and today - max(dates) > FIVE_YEARS:
        findings.add("warning", "five_years",
                     f"前回の評価の実施（{max(dates).isoformat()}）から5年を経過しています。再実施に努めてください（規則第15条）")


def doc_value(doc: Document, node_id: str) -> object:
    """The value of the first item with NODE_ID outside any repeat group, or None."""
    from pia_changes.document.model import key_path
    from pia_changes.forms import walk
    for node in walk(doc.form.nodes):
        if node.id == node_id and not any(a.is_group for a in node.ancestors()):
            value: object = doc.data
            for key in key_path(node, None):
                value = value.get(key) if isinstance(value, dict) else None
            return value
    return None
