"""The `pia-changes` command: parse options, call the library, print. No behaviour lives here."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from .errors import InvalidDocument, PiaError, UsageError


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(file_okay=False), default=None,
              help="PATH で起動したものとして実行する（git -C と同じ）")
@click.option("--debug", is_flag=True, help="エラー時にトレースバックを表示する")
@click.version_option(package_name="pia-changes")
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
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--warnings", "show_warnings", is_flag=True, help="未記入などの警告をすべて表示する")
@handle_errors
def validate(files: tuple[str, ...], show_warnings: bool) -> None:
    """評価書 YAML を様式に照らして検査する（すべての誤りを一度に表示）。"""
    from .config import load_config
    from .document import load

    config = load_config(Path.cwd())
    failed = False
    for file in files:
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
        empty = [w for w in doc.warnings if w.message == "未記入です"]
        others = [w for w in doc.warnings if w.message != "未記入です"]
        for warning in others + (empty if show_warnings else []):
            click.echo(str(warning), err=True)
        summary = f"{file}: OK（{doc.form.title}）"
        if empty and not show_warnings:
            summary += f" 未記入の項目 {len(empty)} 件（--warnings で一覧）"
        click.echo(summary)
    if failed:
        sys.exit(1)


def main() -> None:
    cli(prog_name="pia-changes")


if __name__ == "__main__":
    main()
