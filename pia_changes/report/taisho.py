"""The history part of a page: the timeline of revisions and submissions, and per revision a
新旧対照表 (変更前 / 変更後 with the changed characters underlined, as official ones print them).

Every piece of document or commit text goes through html.escape (`_e`).
"""
from __future__ import annotations

import datetime as dt
from html import escape

from pia_changes.classify.rules import DECISION_REASONS
from pia_changes.render.columns import pieces, text_cell
from pia_changes.table.findings import LEVEL_NAMES
from pia_changes.table.rows import Finding, Row
from pia_changes.text.wareki import format_wareki
from pia_changes.report.fold import fold
from pia_changes.report.model import AssessmentView, RevisionView, row_findings, section_of

REASON_NAMES = {"important_item": "※の項目の変更", "threshold": "しきい値判断の変更",
                **{code: name for name, code in DECISION_REASONS.items()}}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _day(day: dt.date, gannen: bool) -> str:
    return _e(format_wareki(day, gannen))


def head_row(*names: str) -> str:
    return "<thead><tr>" + "".join(f'<th scope="col">{_e(n)}</th>' for n in names) + "</tr></thead>"


def finding_items(findings: tuple[Finding, ...] | list[Finding], label: str = "") -> str:
    """<li>s of findings; acknowledged ones stay listed, marked 確認済み. LABEL: the item label
    their messages start with, left out where the item is shown beside them."""
    out = []
    for f in findings:
        message = f.message[len(label) + 2:] if label and f.message.startswith(label + ": ") else f.message
        classes = f.level + (" acknowledged" if f.acknowledged else "")
        ack = '<span class="badge ack">確認済み</span>' if f.acknowledged else ""
        out.append(f'<li class="{classes}" data-finding="{_e(f.id)}">{ack}'
                   f'{_e(LEVEL_NAMES.get(f.level, f.level))}: {_e(message)} <code>{_e(f.id)}</code></li>')
    return "".join(out)


def finding_badges(findings: tuple[Finding, ...]) -> str:
    """Counts per level, acknowledged ones apart: 「エラー 1」「確認済み 1」."""
    counts: dict[tuple[str, bool], int] = {}
    for f in findings:
        key = ("ack", True) if f.acknowledged else (f.level, False)
        counts[key] = counts.get(key, 0) + 1
    names = {**LEVEL_NAMES, "ack": "確認済み"}
    return "".join(f' <span class="badge finding {level}">{names.get(level, level)} {n}</span>'
                   for (level, _), n in sorted(counts.items()))


def timeline(view: AssessmentView, gannen: bool) -> str:
    """Revisions and submissions in one chronological table (a submission after the revision
    of the same day)."""
    events: list[tuple[dt.date, int, str]] = []
    if view.legacy_rows:
        events.append((dt.date.min, 0, f'<tr class="legacy"><td class="date">（git 管理以前）</td>'
                                 f'<td colspan="5">公表済みの変更箇所 {view.legacy_rows} 行（下の別添「変更箇所」の先頭）</td></tr>'))
    for rev in view.revisions:
        events.append((rev.revision.author_date.date(), 1, _timeline_revision(rev, gannen)))
    for tag in view.tags:
        again = "（再実施）" if tag.reevaluation else ""
        events.append((tag.date, 2, f'<tr class="submission"><td class="date">{_day(tag.date, gannen)}</td>'
                                    f'<td colspan="5">提出{_e(again)} <code>{_e(tag.name)}</code>'
                                    f'（{_revision_link(view, tag.target)} の版）</td></tr>'))
    events.sort(key=lambda e: e[:2])
    head = head_row("日付（コミット・提出）", "版・出来事", "変更", "重要な変更", "要確認", "提出")
    return f'<table class="timeline">{head}<tbody>' + "".join(e[2] for e in events) + "</tbody></table>"


def _revision_link(view: AssessmentView, sha: str) -> str:
    """A link to the revision's 新旧対照表; a tag on a commit that did not touch the file gets none."""
    for rev in view.revisions:
        if rev.revision.sha == sha:
            return f'<a href="#{_e(rev.anchor)}"><code>{_e(rev.short)}</code></a>'
    return f"<code>{_e(sha[:7])}</code>"


def _timeline_revision(rev: RevisionView, gannen: bool) -> str:
    classes = ["revision"] + (["has-important"] if rev.important else []) + \
        (["has-finding"] if any(not f.acknowledged for f in rev.findings) else [])
    subject = rev.revision.message.split("\n", 1)[0]
    what = "基準の版" if rev.baseline else f"{len(rev.rows)} 件"
    return (f'<tr class="{" ".join(classes)}"><td class="date">{_day(rev.revision.author_date.date(), gannen)}</td>'
            f'<td><a href="#{_e(rev.anchor)}"><code>{_e(rev.short)}</code></a> {_e(subject)}'
            f'{_change_dates(rev.rows, gannen)}{finding_badges(rev.findings)}</td>'
            f'<td class="num">{_e(what)}</td><td class="num">{rev.important or ""}</td>'
            f'<td class="num">{rev.review or ""}</td><td>{_submission(rev, gannen)}</td></tr>')


def _change_dates(rows: tuple[Row, ...], gannen: bool) -> str:
    """変更日 beside the commit date, which is only when it was recorded."""
    days = sorted({r.change_date for r in rows if r.change_date})
    if not days:
        return ""
    text = format_wareki(days[0], gannen) + ("" if len(days) == 1 else "〜" + format_wareki(days[-1], gannen))
    return f' <span class="meta">変更日 {_e(text)}</span>'


def _submission(rev: RevisionView, gannen: bool) -> str:
    if rev.submission is None:
        return '<span class="badge unsubmitted">未提出</span>'
    return f'<span class="badge submitted">{_day(rev.submission.date, gannen)} 提出</span>'


def revision_sections(view: AssessmentView, gannen: bool) -> str:
    return "".join(_revision_section(rev, gannen) for rev in reversed(view.revisions))


def _revision_section(rev: RevisionView, gannen: bool) -> str:
    revision = rev.revision
    subject, _, body = revision.message.partition("\n")
    head = (f'<h3><time datetime="{revision.author_date.date().isoformat()}">'
            f'{_day(revision.author_date.date(), gannen)}</time> 「{_e(subject)}」 '
            f'<code>{_e(rev.short)}</code></h3>')
    facts = [_submission(rev, gannen)] + [f'<code>{_e(t.name)}</code>' for t in rev.tags]
    if rev.rows:
        facts.insert(0, f"変更 {len(rev.rows)} 件・重要な変更 {rev.important} 件・要確認 {rev.review} 件")
    meta = f'<p class="meta">{"　".join(facts)}</p>'
    message = ""
    if body.strip():
        message = (f'<details class="message"><summary>コミットメッセージ</summary>'
                   f'<pre>{_e(revision.message.strip())}</pre></details>')
    own = [f for f in rev.findings if not any(r.item_id == f.item_id for r in rev.rows)]
    findings = f'<ul class="findings">{finding_items(own)}</ul>' if own else ""
    if rev.baseline:
        content = '<p class="note">基準の版です（この版から比較を始めます。これより前の変更は別添「変更箇所」の公表済みの行にあります）。</p>'
    elif not rev.rows:
        content = '<p class="note">意味のある変更はありません（体裁だけの変更、または変更箇所の表の編集）。</p>'
    else:
        content = _taisho(rev, gannen)
    group = " data-group" if rev.rows else ""
    return f'<section class="revision" id="{_e(rev.anchor)}"{group}>{head}{meta}{message}{findings}{content}</section>'


def _taisho(rev: RevisionView, gannen: bool) -> str:
    cols = '<colgroup><col class="item"><col class="text"><col class="text"><col class="verdict"></colgroup>'
    head = head_row("項目", "変更前", "変更後", "判定・提出時期に係る説明")
    rows = "".join(change_row(row, row_findings(row, rev.findings), gannen) for row in rev.rows)
    return f'<table class="taisho">{cols}{head}<tbody>{rows}</tbody></table>'


def change_row(row: Row, findings: list[Finding], gannen: bool) -> str:
    """One changed item: label path and badges | 変更前 | 変更後 | classification and reason."""
    classes = ["change"] + [c for c, on in (("important", row.important), ("review", row.needs_review),
                                            ("finding", bool(findings)),
                                            ("acknowledged", bool(findings) and all(f.acknowledged for f in findings)))
                            if on]
    path = "".join(f"<li>{_e(label)}</li>" for label in row.labels) or f"<li>{_e(row.item)}</li>"
    badges = [f'<span class="badge kind">{_e(row.kind)}{"（並び順）" if row.moved else ""}</span>']
    if row.important:
        badges.append('<span class="badge important">重要な変更</span>')
    if row.needs_review:
        badges.append('<span class="badge review">要確認</span>')
    timing = f"変更日 {format_wareki(row.change_date, gannen)}・提出時期 {row.timing}" if row.change_date else row.timing
    item = (f'<th scope="row" class="item"><ol class="path">{path}</ol><div>{"".join(badges)}</div>'
            f'<div class="meta date">{_e(timing)}</div></th>')
    return (f'<tr class="{" ".join(classes)}" data-row="change" data-section="{_e(section_of(row))}" '
            f'data-item="{_e(row.item_id or "")}">{item}{_text(row, "before")}{_text(row, "after")}'
            f'{_verdict(row, findings)}</tr>')


def _text(row: Row, side: str) -> str:
    """A 変更前/変更後 cell: changed characters underlined, long unchanged text far from them
    folded behind a control (fold.py); every piece escaped."""
    text = text_cell(row, side)
    if not text:
        return f'<td class="{side}"><span class="empty">（なし）</span></td>'
    other = "after" if side == "before" else "before"
    inner = "".join(_segment(s.text, s.kind) for s in
                    fold(pieces(text, row, side), _spans(row, side, len(text)),
                         _spans(row, other, len(text_cell(row, other)))))
    return f'<td class="{side}">{inner}</td>'


def _spans(row: Row, side: str, length: int) -> list[tuple[int, int]]:
    """A computed row's changed spans on SIDE, clipped to its text (legacy rows have none)."""
    if row.source != "git":
        return []
    spans = ((max(s, 0), min(e, length)) for s, e in (row.spans or {}).get(side) or [])
    return [(s, e) for s, e in spans if s < e]


def _segment(text: str, kind: str) -> str:
    if kind == "changed":
        return f'<u class="chg">{_e(text)}</u>'
    if kind == "plain":
        return _e(text)
    label = f"…（{len(text):,}文字省略）表示する"
    return (f'<span class="fold"><button type="button" class="unfold" aria-expanded="false">{_e(label)}</button>'
            f'<span class="folded">{_e(text)}</span></span>')


def _verdict(row: Row, findings: list[Finding]) -> str:
    judged = "重要な変更" if row.important else "重要な変更ではない"
    reason = REASON_NAMES.get(row.reason_code or "", row.reason_code or "")
    parts = [f"<p><strong>{_e(judged)}</strong>（{_e(reason)}）{'・トレーラーによる指定あり' if row.manual else ''}</p>",
             f'<p class="reason">{_e(row.timing_reason)}</p>']
    if row.needs_review:
        parts.append(f'<p class="review-reason">要確認: {_e(row.review_reason or "判定の確認が必要です")}</p>')
    if row.important and row.procedure:
        parts.append(f'<p class="meta">必要な手続: {_e("・".join(row.procedure))}</p>')
    if findings:
        parts.append(f'<ul class="findings">{finding_items(findings, row.item)}</ul>')
    return f'<td class="verdict">{"".join(parts)}</td>'
