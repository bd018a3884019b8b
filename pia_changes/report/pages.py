"""Whole HTML pages of the report: self-contained (inline CSS and JS, no fonts or CDN), so they
open from file:// on a reviewer's laptop with no network.

The Content-Security-Policy allows only this page's own style and script, by hash: even a
document text that escaped escaping could not run.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
from functools import lru_cache
from html import escape
from importlib import resources
from string import Template
from urllib.parse import quote

from pia_changes.render.html import STYLE as TABLE_STYLE
from pia_changes.render.html import table_section
from pia_changes.text.wareki import format_wareki
from pia_changes.report.model import AssessmentView, section_names, section_of
from pia_changes.status.model import AssessmentStatus
from pia_changes.report.taisho import finding_items, head_row, revision_sections, timeline

PAGE = Template("""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pia-changes report">
<title>$title</title>
<style>$style</style>
</head>
<body>
$body
<script>$script</script>
</body>
</html>
""")


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page(title: str, body: str) -> str:
    style = TABLE_STYLE + _asset("report.css")
    script = _asset("report.js")
    csp = (f"default-src 'none'; style-src {_hash(style)}; script-src {_hash(script)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    return PAGE.substitute(csp=csp, title=escape(title), style=style, body=body, script=script)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _href(name: str) -> str:
    return _e(quote(name))


def assessment_page(view: AssessmentView, gannen: bool, index_link: bool) -> str:
    table = view.table
    latest = view.revisions[-1]
    back = '<p class="no-print"><a href="index.html">← 評価書の一覧</a></p>' if index_link else ""
    header = (f'{back}<header><p class="meta">特定個人情報保護評価書 変更履歴</p><h1>{_e(table.title)}</h1>'
              f'<p class="meta"><code>{_e(table.assessment)}</code>・{_e(table.form)}評価書・'
              f'最新の版 <code>{_e(latest.short)}</code>'
              f'（{_e(format_wareki(latest.revision.author_date.date(), gannen))}）</p>'
              f'<p class="filter-state" id="filter-state"></p></header>')
    nav = ('<nav class="toc"><a href="#timeline">時系列</a><a href="#taisho">新旧対照表</a>'
           '<a href="#table">別添「変更箇所」</a></nav>')
    summary = (f'<p>版 {len(view.revisions)} 件（基準の版を含む）・変更 {len(view.git_rows)} 件・'
               f'<strong>重要な変更 {view.important} 件</strong>・要確認 {view.review} 件・提出 {len(view.tags)} 回</p>')
    notes = "".join(f'<p class="note">{_e(n)}</p>' for n in table.notes)
    if table.complete_since:
        notes += f'<p class="note">浅いクローンのため、履歴は {_e(table.complete_since.isoformat())} 以降のみです。</p>'
    findings = ""
    if table.findings:
        findings = (f'<h2 id="findings">指摘事項（{len(table.findings)} 件）</h2>'
                    f'<ul class="findings">{finding_items(table.findings)}</ul>')
    body = [header, nav, summary, notes, findings,
            '<h2 id="timeline">時系列（版と提出）</h2>', timeline(view, gannen),
            _filters(view), '<h2 id="taisho">新旧対照表（新しい版から）</h2>',
            '<p class="legend meta">変更された文字に<u class="chg">下線</u>を引いています。'
            '色付きの行は重要な変更、黄色の枠は要確認です。</p>',
            revision_sections(view, gannen), _table_part(view, gannen)]
    return page(f"{table.title} 変更履歴", "\n".join(b for b in body if b))


def _filters(view: AssessmentView) -> str:
    options = "".join(f'<option value="{_e(s)}">{_e(name)}</option>' for s, name in section_names(view.table.rows))
    return ('<form id="filters" class="filters" role="search" aria-label="絞り込み" hidden>'
            '<label><input type="checkbox" name="important" id="f-important"> 重要な変更のみ</label>'
            '<label><input type="checkbox" name="review" id="f-review"> 要確認のみ</label>'
            f'<label>章 <select name="section" id="f-section"><option value="">すべて</option>{options}</select></label>'
            '<label>検索 <input type="search" name="q" id="f-q" placeholder="項目名・記載内容・説明"></label>'
            '<output id="filter-count" class="count"></output></form>')


def _table_part(view: AssessmentView, gannen: bool) -> str:
    downloads = (f'<p class="downloads">ダウンロード: <a href="{_href(view.xlsx)}" download>{_e(view.xlsx)}</a>'
                 f'<a href="{_href(view.csv)}" download>{_e(view.csv)}</a></p>')
    lines = table_section(view.table, "standard", gannen,
                          row_attrs=lambda r: {"data-row": "table", "data-section": section_of(r)},
                          title="別添「変更箇所」", with_findings=False)
    lines.insert(2, downloads)  # under the heading
    return '<div class="table-section" id="table">' + "\n".join(lines) + "</div>"


def index_page(views: list[AssessmentView], gannen: bool, today: dt.date) -> str:
    """The portfolio: every assessment with the state of its procedure (status), most urgent
    first, each linked to its page; then every action with its last day."""
    from pia_changes.status.render import ACTION_HEADER, HEADER, action_rows, assessment_cells
    statuses = {v.page: v.status or AssessmentStatus(v.table.assessment) for v in views}
    ordered = sorted(views, key=lambda v: statuses[v.page].urgency())
    head = head_row(*HEADER, "版", "変更", "重要な変更", "要確認", "未確認のエラー", "ダウンロード")
    rows = []
    for v in ordered:
        status = statuses[v.page]
        cells = [_e(c) for c in assessment_cells(status, gannen)]
        cells[1] = f'<a href="{_href(v.page)}">{_e(v.table.title)}</a><br><code>{_e(v.table.assessment)}</code>'
        rows.append(
            f'<tr class="level-{_e(status.level or "none")}">' + "".join(f"<td>{c}</td>" for c in cells)
            + f'<td class="num">{len(v.revisions)}</td><td class="num">{len(v.git_rows)}</td>'
            f'<td class="num">{v.important}</td><td class="num">{v.review}</td><td class="num">{v.open_errors()}</td>'
            f'<td><a href="{_href(v.xlsx)}" download>xlsx</a> <a href="{_href(v.csv)}" download>csv</a></td></tr>')
    pages = {statuses[v.page].file: v.page for v in views}
    actions = []
    for action, status, cells in action_rows(list(statuses.values()), gannen):
        shown = [_e(c) for c in cells]
        shown[2] = f'<a href="{_href(pages[status.file])}"><code>{_e(status.file)}</code></a>'
        actions.append(f'<tr class="level-{_e(action.level)}">' + "".join(f"<td>{c}</td>" for c in shown) + "</tr>")
    listing = (f'<h2 id="actions">手続と期限（急ぐ順、{len(actions)} 件）</h2>'
               f'<table class="assessments actions">{head_row(*ACTION_HEADER)}<tbody>{"".join(actions)}</tbody></table>'
               if actions else '<p>必要な手続はありません。</p>')
    body = ('<header><p class="meta">特定個人情報保護評価書 変更履歴</p><h1>評価書の一覧と手続の状況</h1>'
            f'<p class="meta">{_e(format_wareki(today, gannen))} 現在・評価書 {len(views)} 件・'
            '未提出（重要）は提出タグに含まれていない変更の数（うち重要な変更）</p></header>'
            f'<table class="assessments portfolio">{head}<tbody>{"".join(rows)}</tbody></table>{listing}')
    return page("評価書の一覧と手続の状況 変更履歴", body)
