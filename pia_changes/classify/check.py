"""`check`: the git-hook entry — validate the staged assessments and classify the staged change
against HEAD (Decisions: check).

Pre-commit stage: notices only; timing is not judged, because the message (and so the 変更日)
does not exist yet. Commit-msg stage: the message's trailers apply (判定, 説明, per item), and a
重要な変更 without 変更日 is refused: the date decides 事前 or 事後, and guessing it is the error
this tool exists to prevent. The message is only read, never edited.
"""
from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from pia_changes.classify.apply import judge_changes
from pia_changes.config import Config, LeadTimes
from pia_changes.diff.semantic import diff
from pia_changes.document.model import Document
from pia_changes.errors import InvalidDocument, PiaError
from pia_changes.table.findings import FindingCollector, fails_strict, review_message
from pia_changes.git.repo import GitRepo
from pia_changes.workspace import open_workspace
from pia_changes.table.cache import DocumentCache
from pia_changes.table.rows import Finding
from pia_changes.classify.rules import HEARING, NEW_ASSESSMENT
from pia_changes.classify.trailers import Trailers, parse_trailers


@dataclass(frozen=True)
class ImportantChange:
    """One 重要な変更 (or しきい値 crossing) in the staged change, with what it requires."""

    assessment: str
    label: str
    procedure: tuple[str, ...]
    change_date: dt.date | None = None   # from the message's trailers (commit-msg stage)


@dataclass
class CheckReport:
    summaries: list[str] = field(default_factory=list)        # one line per assessment looked at
    important: list[ImportantChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)           # validation problems: exit 1
    findings: tuple[Finding, ...] = ()                        # unresolved reviews
    trailer_problems: list[str] = field(default_factory=list) # unreadable trailers (commit-msg stage)
    refusal: str | None = None                                # commit-msg: why the message is refused
    checked: list[str] = field(default_factory=list)          # the assessment paths looked at
    lead_times: LeadTimes = field(default_factory=LeadTimes)  # [procedure], to date the steps
    gannen: bool = True

    @property
    def failed(self) -> bool:
        """Exit 1 whatever the options: invalid staged files, or a refused message."""
        return bool(self.errors) or self.refusal is not None

    def fails_strict(self) -> bool:
        """Exit 1 under --strict: unsettled reviews, or trailers that cannot be read (the message
        can still be fixed now; once pushed it cannot). A declared 事後 never fails: recording a
        late change must stay possible (Decisions 2026-12-06: declared_after)."""
        failing = [f for f in fails_strict(self.findings) if f.kind != "declared_after"]
        return bool(failing or self.trailer_problems)

    def stop_reason(self, strict: bool) -> str | None:
        """Why the commit is stopped, in one sentence; None when it goes ahead."""
        if self.errors:
            return "評価書が様式に合いません（上の指摘を直してください）"
        if self.refusal:
            return self.refusal
        if strict and self.fails_strict():
            return ("読めないトレーラーがあります" if self.trailer_problems else
                    "判定が確定していない変更があります（上の指摘のとおり「判定: 重要」又は「判定: 非重要（理由）」を書いてください）")
        return None

    def recovery(self, message_name: str | None) -> str:
        """A command that retries the commit. A refused `git commit -a` leaves the change
        unstaged, so the checked files are staged again first."""
        add = "git add -- " + " ".join(shlex.quote(p) for p in self.checked) + " && " if self.checked else ""
        retry = f"git commit -e -F {shlex.quote(message_name)}" if message_name else "git commit"
        return add + retry


def check(start: str | Path = ".", files: tuple[str, ...] | list[str] = (), message: str | None = None,
          message_name: str = "COMMIT_EDITMSG") -> CheckReport:
    """Check the staged assessments (FILES, else those the config's globs match) against HEAD.

    MESSAGE is the commit message (commit-msg stage) or None (pre-commit stage)."""
    with open_workspace(start) as ws:
        repo, config = ws.repo, ws.config
        head = repo.head()
        trailers = parse_trailers(message) if message is not None else None
        report = CheckReport(lead_times=config.procedure, gannen=config.gannen)
        findings = FindingCollector(config.acknowledged)
        changed = False
        documents = DocumentCache(repo, config.max_input_bytes)  # HEAD's version was parsed before
        for path in staged_assessments(repo, config, files, head):
            report.checked.append(path)
            changed |= _check_one(repo, documents, head, path, config, trailers, report, findings)
        if trailers is not None and changed:
            report.trailer_problems = [f"{message_name}: {p}" for p in trailers.problems]
            report.refusal = _refusal(report.important, message_name)
        report.findings = findings.all()
    return report


def staged_assessments(repo: GitRepo, config: Config, files, head: str | None) -> list[str]:
    """Repository-relative paths: FILES as given (pre-commit passes the staged ones), else every
    staged path that the config's globs match."""
    if files:
        return [repo.relpath(Path(f).absolute()) for f in files]
    staged = repo.changed_files(head, cached=True)
    return [p for p in staged if any(glob_match(p, g) for g in config.assessments)]


def glob_match(path: str, pattern: str) -> bool:
    """Path.glob's meaning on a '/'-separated relative path: `*` within one level, `**` any depth."""
    return _match(path.split("/"), pattern.removeprefix("./").split("/"))


def _match(parts: list[str], patterns: list[str]) -> bool:
    if not patterns:
        return not parts
    if patterns[0] == "**":
        return any(_match(parts[i:], patterns[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], patterns[0]) and _match(parts[1:], patterns[1:])


def _check_one(repo: GitRepo, documents: DocumentCache, head: str | None, path: str, config: Config,
               trailers: Trailers | None, report: CheckReport, findings: FindingCollector) -> bool:
    """Validate the staged PATH and classify it against HEAD; True when it holds changes. Both
    versions are parsed through the DocumentCache: HEAD's by generate or an earlier check, the
    staged one by the pre-commit stage for the commit-msg stage (and for generate once committed)."""
    old_raw = repo.read_at(head, path) if head is not None else None
    new_raw = repo.read_index(path)
    if new_raw is None:
        if old_raw is None:
            report.errors.append(f"{path}: ステージされていません（git add でステージしてください）")
            return False
        report.summaries.append(f"{path}: 評価書が削除されています")
        return True
    new = _load(documents, new_raw, path, report.errors)
    if new is None:
        return False
    if old_raw is None:
        report.summaries.append(f"{path}: 新しい評価書です（{new.form.title}）。このコミットが基準になります"
                                "（項目ごとの判定はしません）")
        return True
    try:
        old = documents.load_bytes(old_raw, f"HEAD:{path}")
        changes = list(diff(old, new).significant())
    except PiaError as exc:
        message = "様式に合いません" if isinstance(exc, InvalidDocument) else exc.message
        report.summaries.append(f"{path}: HEAD の版と比べられないため、新しい評価書として扱います（{message}）")
        return True
    count = _classify(path, changes, new.form.form, config, trailers, report, findings)
    report.summaries.append(f"{path}: 変更 {len(changes)} 件、うち重要な変更 {count} 件")
    return bool(changes)


def _classify(path: str, changes: list, form: str, config: Config, trailers: Trailers | None,
              report: CheckReport, findings: FindingCollector) -> int:
    """Judge each change with the trailers that apply to it; the number of 重要な変更, deferred
    (要確認) ones counted in: a proposed exemption counts until a 判定 trailer confirms it."""
    count = 0
    for judged in judge_changes(changes, form, config, trailers):
        verdict, label = judged.verdict, judged.change.label(config.label_separator)
        if verdict.needs_review and not verdict.manual:
            findings.add("warning", "unresolved_review", f"{path}: {review_message(label, verdict.review_reason)}",
                         item_id=judged.change.item_id)
        if trailers is not None and judged.declared_after:
            findings.add("error", "declared_after", f"{path}: {label}: 重要な変更を事後と記録します。重要な変更は"
                         "事前に提出しなければなりません（記録はできますが、generate はエラーとして報告します）",
                         item_id=judged.change.item_id)
        if verdict.important:  # a proposed exemption is 重要（要確認） until a 判定 settles it
            count += 1
            report.important.append(ImportantChange(path, label, verdict.procedure, judged.change_date))
    return count


def _load(documents: DocumentCache, raw: bytes, path: str, errors: list[str]) -> Document | None:
    try:
        return documents.load_bytes(raw, path)
    except InvalidDocument as exc:
        errors.extend(str(p) for p in exc.problems)
    except PiaError as exc:
        errors.append(str(exc))
    return None


def _refusal(important: list[ImportantChange], message_name: str) -> str | None:
    undated = [item for item in important if item.change_date is None]
    if not undated:
        return None
    return (f"{message_name}: 重要な変更（{len(undated)} 件）を含むため、コミットメッセージに「変更日: YYYY-MM-DD」の"
            "トレーラーが必要です。変更日（変更が効力を持つ日）で提出時期が事前か事後かが決まるため、"
            "推測で記録することはできません。メッセージの最後の段落に「変更日: 2025-06-01」"
            "（和暦の「令和7年6月1日」も可）の行を書いてコミットし直してください。"
            "重要な変更に当たらない場合は「判定: 非重要（理由）」を書いてください"
            "（理由: 誤字脱字・組織改正・人事異動・法令改正・リスク軽減・記載例・その他）。"
            f"書いたメッセージは {message_name} に残っています。")


def notice_lines(item: ImportantChange, today: dt.date | None = None) -> list[str]:
    """The notice for one 重要な変更: what it is and the procedure, due before the 変更日."""
    today = today or dt.date.today()
    kind = "しきい値判断の結果の変更" if item.procedure[:1] == (NEW_ASSESSMENT,) else "重要な変更"
    steps = " → ".join(f"{s}（原則30日以上）" if s == HEARING else s for s in item.procedure)
    if item.change_date is None:
        due, note = "変更日", ""
    elif item.change_date <= today:
        due, note = f"変更日 {item.change_date.isoformat()} ", "（変更日を過ぎています。このままでは事後の提出になります）"
    else:
        due, note = f"変更日 {item.change_date.isoformat()}（あと {(item.change_date - today).days} 日）", ""
    return [f"{item.assessment}: {kind}: {item.label}", f"  {due}より前に必要な手続: {steps}{note}"]


def deadline_lines(report: CheckReport, today: dt.date | None = None) -> list[str]:
    """The steps the dated 重要な変更 need and the last day for each, per assessment, dated by
    the same code as `status` (imported only here: the pre-commit stage never needs it)."""
    dated = [item for item in report.important if item.change_date is not None]
    if not dated:
        return []
    from pia_changes.status.actions import Pending, change_actions
    today = today or dt.date.today()
    lines = []
    for path in dict.fromkeys(item.assessment for item in dated):
        pending = [Pending(i.change_date, i.label, True, i.procedure) for i in dated if i.assessment == path]
        lines.append(f"{path}: 必要な手続と期限（pia-changes.toml の [procedure] による）:")
        lines += [f"  - {a.message}" for a in change_actions(pending, report.lead_times, today, report.gannen)]
    return lines


def read_message(path: str | Path) -> str:
    """The commit message file as git leaves it for the commit-msg hook (comments included)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise PiaError("コミットメッセージのファイルがありません", file=str(path)) from None
    except OSError as exc:
        raise PiaError(f"コミットメッセージを読めません: {exc.strerror}", file=str(path)) from None
    return raw.decode("utf-8-sig", "replace")
