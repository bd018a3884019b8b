"""The `pia-changes` command: parse options, call the library, print. No behaviour lives here."""
from __future__ import annotations

import functools
import gc
import os
import sys
from pathlib import Path

import click

from pia_changes.cli_japanese import JapaneseGroup
from pia_changes.errors import InvalidDocument, PiaError, UsageError


class Context:
    def __init__(self, debug: bool) -> None:
        self.debug = debug


def handle_errors(func):
    """Library errors become one stderr line each and exit 1 (2 for usage); --debug re-raises."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_object(Context).debug if ctx.find_object(Context) else False
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            if debug:
                raise
            click.echo(f"エラー: {exc}", err=True)
            sys.exit(2)
        except PiaError as exc:
            if debug:
                raise
            click.echo(str(exc), err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("中断しました（出力ファイルは変更していません）", err=True)
            sys.exit(130)
    return wrapper


@click.group(cls=JapaneseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(file_okay=False), default=None, metavar="PATH",
              help="PATH で起動したものとして実行する（git -C と同じ）")
@click.option("--debug", is_flag=True, help="エラー時にトレースバックを表示する")
@click.version_option(package_name="pia-changes", message="%(prog)s %(version)s",
                      help="バージョンを表示して終了する")
@click.pass_context
def cli(ctx: click.Context, directory: str | None, debug: bool) -> None:
    """特定個人情報保護評価書の変更箇所を git の履歴から作る。"""
    ctx.obj = Context(debug)
    if directory is not None:
        try:
            os.chdir(directory)
        except OSError as exc:
            click.echo(f"{directory}: ディレクトリに移動できません: {exc.strerror}", err=True)
            sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False), metavar="[FILE]...")
@click.option("--warnings", "show_warnings", is_flag=True, help="未記入などの警告をすべて表示する")
@handle_errors
def validate(files: tuple[str, ...], show_warnings: bool) -> None:
    """評価書 YAML を様式に照らして検査する（すべての誤りを一度に表示。FILE を省くと設定の評価書すべて）。"""
    from pia_changes.config import load_config
    from pia_changes.document.model import load
    from pia_changes.workspace import assessment_files, expand_globs

    config = load_config(Path.cwd())
    failed = False
    for file in expand_globs(files) or assessment_files("."):
        try:
            doc = load(file, config.max_input_bytes)
        except InvalidDocument as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            failed = True
            continue
        except PiaError as exc:
            click.echo(str(exc), err=True)
            failed = True
            continue
        empty = [w for w in doc.warnings if w.code == "empty"]
        others = [w for w in doc.warnings if w.code != "empty"]
        for warning in others + (empty if show_warnings else []):
            click.echo(str(warning), err=True)
        summary = f"{file}: OK（{doc.form.title}）"
        if empty and not show_warnings:
            summary += f" 未記入の項目 {len(empty)} 件（--warnings で一覧）"
        click.echo(summary)
    if failed:
        sys.exit(1)


@cli.command("import")
@click.argument("text", type=click.Path(dir_okay=False), metavar="TEXT")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="書き出す評価書 YAML")
@click.option("--form", type=click.Choice(["全項目", "重点項目", "基礎項目"]), help="様式（省略時は本文から判定）")
@click.option("--encoding", metavar="ENCODING", help="文字コードを指定する（例: cp932）")
@click.option("--force", is_flag=True, help="既存の出力ファイルを上書きする")
@handle_errors
def import_command(text: str, output: str, form: str | None, encoding: str | None, force: bool) -> None:
    """公表済みの評価書のテキストから評価書 YAML を作る（変更箇所の表も取り込む）。"""
    from pia_changes.config import load_config
    from pia_changes.errors import PiaError
    from pia_changes.importer import import_text
    from pia_changes.output import write_atomic
    from pia_changes.text.decode import read_input

    if Path(output).exists() and not force:
        raise PiaError("出力先が既にあります（上書きするには --force を付けてください）", file=output)
    raw = read_input(text, text, load_config(Path.cwd()).max_input_bytes)
    result = import_text(raw, text, form=form, encoding=encoding)
    for notice in result.notices:
        click.echo(f"{text}: {notice}", err=True)
    write_atomic(output, result.yaml_text.encode("utf-8"), force)
    click.echo(f"{output}: {result.form}評価書 項目 {result.items_filled}/{result.items_in_schema} 件を取り込み、"
               f"配置 {result.placed} 行 / 未配置 {result.unplaced} 行、変更箇所 {result.legacy_rows} 行")


@cli.command("reconstruct")
@click.argument("text", type=click.Path(dir_okay=False), metavar="TEXT")
@click.option("-o", "output", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="作る git リポジトリのディレクトリ（ないか空のもの）")
@handle_errors
def reconstruct_command(text: str, output: str) -> None:
    """公表済みの評価書のテキストから、変更箇所の表を戻して履歴つきの git リポジトリを作る。"""
    from pia_changes.config import load_config
    from pia_changes.rebuild.reconstruct import reconstruct, summary_lines

    result = reconstruct(text, output, limit_bytes=load_config(Path.cwd()).max_input_bytes)
    for notice in result.notices:
        click.echo(f"{text}: {notice}", err=True)
    for line in summary_lines(result):
        click.echo(line)


def terminal_progress():
    """Progress on stderr for long walks, only on a terminal (silent when piped or redirected)."""
    if not sys.stderr.isatty():
        return None
    import time
    state = {"shown": 0.0, "path": None}

    def show(path: str, done: int, total: int) -> None:
        now = time.monotonic()
        if total < 50 or (now - state["shown"] < 0.2 and done < total):
            return
        state["shown"] = now
        end = "\n" if done >= total else ""
        click.echo(f"\r{path}: 履歴を読んでいます {done}/{total}", err=True, nl=False)
        if end:
            click.echo("", err=True)
    return show


def format_option(choices: tuple[str, ...], default: str | None):
    """--format shared by diff and generate."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        help="出力形式")


def print_findings(findings) -> None:
    from pia_changes.table.findings import finding_text
    if findings:  # one write: a long history has hundreds
        click.echo("\n".join(finding_text(f) for f in findings), err=True)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False), metavar="[FILE]...")
@click.option("--rev", default="HEAD", show_default=True, metavar="REV", help="この版の時点の表を作る")
@format_option(("md", "csv", "tsv", "json", "xlsx", "html"), None)
@click.option("-o", "output", type=click.Path(dir_okay=False), help="出力ファイル（形式は拡張子から）")
@click.option("--force", is_flag=True, help="既存の出力ファイルを上書きする")
@click.option("--layout", type=click.Choice(["standard", "extended"]), default="standard", show_default=True,
              help="standard: 6列 / extended: 墨田区型（項番・項目①〜④・変更区分・備考）")
@click.option("--no-bom", is_flag=True, help="-o の csv/tsv に BOM を付けない（既定では Excel 用に付ける）")
@click.option("--strict", is_flag=True, help="エラーの指摘（重要な変更の事後提出など）があれば終了コード 1")
@handle_errors
def generate(files: tuple[str, ...], rev: str, fmt: str | None, output: str | None, force: bool,
             layout: str, no_bom: bool, strict: bool) -> None:
    """git の履歴から別添「変更箇所」の表を作る（既定は markdown を標準出力へ）。"""
    from pia_changes.table.findings import fails_strict
    from pia_changes.table.generate import generate_output
    from pia_changes.output import write_atomic
    from pia_changes.render import output_format, wants_bom
    from pia_changes.workspace import expand_globs

    fmt = output_format(fmt, output)
    files = tuple(expand_globs(files))
    shown = generate_output(".", list(files), rev, fmt, layout=layout, bom=wants_bom(fmt, output, no_bom),
                            progress=terminal_progress())
    for draft in shown.drafts:
        click.echo(f"{draft}: まだコミットされていないため表に含めていません", err=True)
    if output:
        write_atomic(output, shown.data, force)
        click.echo(f"{output} に書き出しました（{shown.rows} 行）", err=True)
    else:
        click.echo(shown.data, nl=not shown.data.endswith(b"\n"))  # bytes: no decoding of megabytes
    print_findings(shown.findings)
    if strict and fails_strict(shown.findings):
        sys.exit(1)


@cli.command("diff")
@click.argument("args", nargs=-1, metavar="[REV_A [REV_B]] [FILE]")
@click.option("--cached", is_flag=True, help="ステージした内容を HEAD と比べる")
@format_option(("text", "json", "md"), "text")
@click.option("--include-cosmetic", is_flag=True, help="空白・改行・全角半角だけの違いも表示する")
@click.option("--exit-code", is_flag=True, help="体裁以外の変更があれば終了コード 1")
@handle_errors
def diff_command(args: tuple[str, ...], cached: bool, fmt: str, include_cosmetic: bool, exit_code: bool) -> None:
    """版と版の意味のある差分を表示する（[REV_A [REV_B]] [FILE]、または A.yaml B.yaml）。"""
    from pia_changes.diff.shown import diff_output
    from pia_changes.workspace import expand_globs

    text, significant = diff_output(tuple(expand_globs(args, keep_unmatched=True)), cached, fmt, include_cosmetic)
    click.echo(text.decode("utf-8"), nl=False)  # text: click drops the colours when piped
    if exit_code and significant:
        sys.exit(1)


def _one_repository_file(file: str | None):
    from pia_changes.workspace import open_workspace

    ws = open_workspace(".")
    repo, config = ws.repo, ws.config
    targets = ws.targets([file] if file else [])
    if repo.is_shallow():
        click.echo(repo.shallow_warning() or "浅いクローンのため、古い履歴は表示されません", err=True)
    return repo, config, targets


@cli.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False), metavar="[FILE]")
@handle_errors
def log(file: str | None) -> None:
    """版ごとに1行: 日付・コミット・変更数・重要な変更の数・提出タグ。"""
    from pia_changes.table.timeline import log_lines

    repo, config, targets = _one_repository_file(file)
    with repo:
        for path in targets:
            if len(targets) > 1:
                click.echo(click.style(f"== {path}", bold=True))
            for line in log_lines(repo, path, config):
                what = "基準の版" if line.baseline else f"変更 {line.changes} 件"
                important = click.style(f" 重要な変更 {line.important} 件", fg="red") if line.important else ""
                tags = f" [{', '.join(line.tags)}]" if line.tags else ""
                click.echo(f"{line.date.isoformat()} {line.commit[:7]} {what}{important}{tags}  {line.subject}")


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False), metavar="[FILE]...")
@click.option("-o", "output", required=True, type=click.Path(file_okay=False), metavar="DIR", help="書き出すディレクトリ")
@click.option("--force", is_flag=True, help="空でない出力先ディレクトリを置き換える")
@handle_errors
def report(files: tuple[str, ...], output: str, force: bool) -> None:
    """審査する人のための変更履歴の HTML（時系列・新旧対照表・絞り込み・変更箇所の xlsx/csv）をディレクトリに書き出す。"""
    from pia_changes.report import build_report
    from pia_changes.workspace import expand_globs

    result = build_report(output, ".", expand_globs(files), force)
    click.echo(f"{Path(output) / 'index.html'} に書き出しました（評価書 {len(result.tables)} 件）", err=True)
    print_findings([f for t in result.tables for f in t.findings])


@cli.command()
@click.argument("first", required=False, metavar="[FILE]")
@click.argument("second", required=False, metavar="[ITEM]")
@handle_errors
def blame(first: str | None, second: str | None) -> None:
    """各項目が最後に変わった日とコミットを文書の順に（ITEM は項目 ID か項目名の一部。評価書が1つなら FILE は省略可）。"""
    from pia_changes.table.timeline import blame_arguments, blame_lines
    from pia_changes.workspace import open_workspace

    with open_workspace(".") as ws:
        path, item = blame_arguments(ws, first, second)
        if ws.repo.is_shallow():
            click.echo(ws.repo.shallow_warning() or "浅いクローンのため、古い履歴は表示されません", err=True)
        for line in blame_lines(ws.repo, path, ws.config, item):
            click.echo(f"{line.date.isoformat()} {line.commit[:7]} {line.kind} {line.label}  ({line.item_id})")


def parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None):
    """--as-of: ISO or 和暦; anything else is a usage error in Japanese (exit 2)."""
    if value is None:
        return None
    from pia_changes.text.wareki import parse_date
    day = parse_date(value)
    if day is None:
        raise click.BadParameter(f"日付として読めません: {value}（2025-06-01 又は 令和7年6月1日 の形で書いてください）")
    return day


@cli.command("status")
@format_option(("text", "md", "json"), "text")
@click.option("--strict", is_flag=True, help="期限を過ぎた重要な変更など、エラーの手続があれば終了コード 1")
@click.option("--as-of", "as_of", callback=parse_as_of, metavar="DATE",
              help="この日を今日として期限と状況を判断する（計画用。既定は今日）")
@handle_errors
def status_command(fmt: str, strict: bool, as_of) -> None:
    """リポジトリの評価書ごとに、未提出の変更と必要な手続・期限を急ぐ順に表示する。"""
    import datetime as dt

    from pia_changes.status.collect import collect
    from pia_changes.status.render import render_status

    as_of = as_of or dt.date.today()
    report = collect(".", as_of)
    statuses = report.statuses
    for warning in report.warnings:
        click.echo(warning, err=True)
    click.echo(render_status(statuses, fmt, as_of, report.gannen), nl=False)
    print_findings(report.findings)
    for s in statuses:
        if s.error is not None:
            click.echo(f"{s.file}: {s.error}", err=True)
    if any(s.error is not None for s in statuses):
        sys.exit(1)
    if strict and any(a.level == "error" for s in statuses for a in s.actions):
        sys.exit(1)


@cli.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False), metavar="[FILE]...")
@click.option("--commit-msg", "message_file", type=click.Path(dir_okay=False), metavar="MSGFILE",
              help="コミットメッセージのファイル（commit-msg フック）。重要な変更に「変更日:」がなければ終了コード 1")
@click.option("--strict", is_flag=True, help="未確定の要確認・読めないトレーラーがあれば終了コード 1")
@handle_errors
def check_command(files: tuple[str, ...], message_file: str | None, strict: bool) -> None:
    """（git フック用）ステージした評価書を検査し、HEAD からの変更を判定して重要な変更を知らせる。"""
    from pia_changes.classify.check import check, deadline_lines, notice_lines, read_message

    from pia_changes.workspace import expand_globs

    message = read_message(message_file) if message_file else None
    report = check(".", tuple(expand_globs(files)), message, message_file or "")
    for line in report.summaries:
        click.echo(line)
    for item in report.important:
        click.echo("\n".join(notice_lines(item)))
    for line in deadline_lines(report):
        click.echo(line)
    for line in report.errors + report.trailer_problems:
        click.echo(line, err=True)
    print_findings(report.findings)
    reason = report.stop_reason(strict)
    if reason:
        click.echo(f"コミットを中止しました: {reason}", err=True)
        click.echo(f"直してから、もう一度: {report.recovery(message_file)}", err=True)
        sys.exit(1)


@cli.group("hooks")
def hooks_group() -> None:
    """git フック（pre-commit, commit-msg）を入れる・外す（pre-commit を使わない場合）。"""


@hooks_group.command("install")
@click.option("--force", is_flag=True,
              help="既存のフックを pre-commit.local・commit-msg.local に退避し、先に実行するようにつなぐ")
@handle_errors
def hooks_install(force: bool) -> None:
    """pia-changes check を呼ぶ pre-commit と commit-msg のフックを書き込む（core.hooksPath に従う）。"""
    from pia_changes.git.hooks import install

    report = install(".", force)
    for path in report.chained:
        click.echo(f"{path}: 既存のフックを退避しました（pia-changes の前に実行されます）")
    for path in report.written:
        click.echo(f"{path}: フックを書き込みました")


@hooks_group.command("uninstall")
@handle_errors
def hooks_uninstall() -> None:
    """pia-changes のフックだけを外し、退避した pre-commit.local・commit-msg.local を元に戻す。"""
    from pia_changes.git.hooks import uninstall

    report = uninstall(".")
    for path in report.removed:
        click.echo(f"{path}: フックを外しました")
    for path in report.restored:
        click.echo(f"{path}: 退避していたフックを戻しました")
    for path in report.foreign:
        click.echo(f"{path}: pia-changes のフックではないため、そのままにしました", err=True)
    if not (report.removed or report.restored or report.foreign):
        click.echo("pia-changes のフックはありません")


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False), metavar="DIR")
@click.option("--form", type=click.Choice(["全項目", "重点項目", "基礎項目"]), default="全項目", show_default=True,
              help="assessments/hyoukasho.yaml のひな形の様式")
@click.option("--example", is_flag=True, help="例のリポジトリ（履歴つき）を作る")
@click.option("--force", is_flag=True, help="既にあるひな形のファイルを上書きする")
@handle_errors
def init_command(directory: str, form: str, example: bool, force: bool) -> None:
    """評価書を管理するリポジトリを作る（git init、ひな形、設定、フック、README、CI）。"""
    from pia_changes.rebuild.init import init

    report = init(directory, form, example, force)
    if report.git_initialised:
        click.echo(f"{directory}: git リポジトリを作りました")
    for note in report.notes:
        click.echo(f"{directory}: {note}")
    for rel in report.created:
        click.echo(f"作成: {rel}")
    for rel in report.overwritten:
        click.echo(f"上書き: {rel}")
    for rel in report.existing + [r for r in report.kept if r not in report.existing]:
        click.echo(f"既存のため変更なし: {rel}（{report.kept.get(rel, '上書きするには --force')}）")


def main() -> None:
    try:
        cli(prog_name="pia-changes")
    finally:
        # Everything left is freed on exit; the collector's last full pass over it (a history's
        # documents: 15 ms of a first run) finds nothing to free, so it is told to skip it.
        gc.freeze()


if __name__ == "__main__":
    main()
