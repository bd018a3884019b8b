"""click in Japanese: its usage errors, the usage line and the help headings (Decisions: Errors
are data — every message a user sees is Japanese, click's own usage errors included).

click's texts go through gettext, and there is no Japanese catalogue; installing one would change
the whole process. Instead the command classes here translate click's exceptions where they
surface (parsing a command line, resolving a subcommand) into `JapaneseUsageError`, which prints
「使い方: …」 and 「エラー: …」 and keeps click's exit code 2. The messages are built from the
exception's data (the option, the parameter, its choices), not from click's English sentence;
where only the sentence holds the value (a bad path, a bad number) it is read from it, and an
unknown sentence becomes a general Japanese message rather than leaking English.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

USAGE_PREFIX = "使い方: "
HELP_TEXT = "このヘルプを表示して終了する"
_HEADINGS = {"Options": "オプション", "Commands": "コマンド", "Arguments": "引数",
             "Positional arguments": "引数"}
_HELP_EXTRAS = (("[default: ", "[既定: "), ("; required]", "; 必須]"), ("[required]", "[必須]"),
                ("env var: ", "環境変数: "))
_ARGUMENTS = {"FILE": "評価書のファイル", "TEXT": "公表済みの評価書のテキスト", "DIR": "ディレクトリ",
              "ITEM": "項目", "ARGS": "版またはファイル"}


class JapaneseFormatter(click.HelpFormatter):
    """Help text with Japanese headings, 「使い方:」 and 「既定:」."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_PREFIX)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _help_extras(text)) for term, text in rows], col_max, col_spacing)


def _help_extras(text: str) -> str:
    for english, japanese in _HELP_EXTRAS:
        text = text.replace(english, japanese)
    return text


class JapaneseContext(click.Context):
    formatter_class = JapaneseFormatter


class JapaneseUsageError(click.UsageError):
    """A usage error already in Japanese; shown as click shows one, in Japanese (exit code 2)."""

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            click.echo(ctx.get_usage(), file=file, err=file is None, color=ctx.color)
            if ctx.command.get_help_option(ctx) is not None:
                names = ctx.command.get_help_option_names(ctx)
                click.echo(f"詳しくは「{ctx.command_path} {max(names, key=len)}」を見てください。\n",
                           file=file, err=file is None, color=ctx.color)
        click.echo(f"エラー: {self.format_message()}", file=file, err=file is None,
                   color=ctx.color if ctx else None)


class Interrupted(click.ClickException):
    """Ctrl-C or end of input while click itself was reading (click would print "Aborted!")."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("中断しました")

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, file=file, err=file is None)


# click >= 8.2 / 8.4; older versions raise plain UsageErrors, read by _sentence
_HELP_SHOWN = getattr(click.exceptions, "NoArgsIsHelpError", ())
_NO_SUCH_COMMAND = getattr(click.exceptions, "NoSuchCommand", ())


@contextmanager
def japanese_errors(ctx: click.Context) -> Iterator[None]:
    """Translate click's exceptions raised inside the block; CTX is the command's context, for
    the errors click raises without one (an option missing its value)."""
    try:
        yield
    except JapaneseUsageError:
        raise
    except _HELP_SHOWN:
        raise  # it prints the help text, which the formatter already puts in Japanese
    except click.UsageError as exc:
        raise JapaneseUsageError(usage_message(exc), exc.ctx or ctx) from None
    except (click.Abort, KeyboardInterrupt, EOFError):
        raise Interrupted() from None


class _Japanese:
    """What a command and a group share: the context (formatter), 「[オプション]」, the help
    option's text, and parse errors translated."""

    context_class = JapaneseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[オプション]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with japanese_errors(ctx):
            return super().parse_args(ctx, args)  # type: ignore[misc]


class JapaneseCommand(_Japanese, click.Command):
    pass


class JapaneseGroup(_Japanese, click.Group):
    """The `pia-changes` group: its commands and subgroups (`hooks`) are Japanese too; a
    subcommand's name is resolved (「コマンドはありません」) inside `invoke`."""

    command_class = JapaneseCommand
    group_class = type  # subgroups are JapaneseGroups

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "コマンド [引数]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with japanese_errors(ctx):
            return super().invoke(ctx)


# ---- messages --------------------------------------------------------------------------------

def usage_message(exc: click.UsageError) -> str:
    """The Japanese message for one of click's usage errors."""
    if isinstance(exc, click.NoSuchOption):
        return f"オプション {exc.option_name} はありません" + _did_you_mean(exc.possibilities)
    if isinstance(exc, click.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.BadParameter):
        return _bad_parameter(exc)
    if isinstance(exc, click.BadOptionUsage):
        return _bad_option_usage(exc.option_name, exc.message)
    if isinstance(exc, _NO_SUCH_COMMAND):
        return _no_such_command(exc.command_name, exc.possibilities, exc.ctx)
    return _sentence(exc.message, exc.ctx)


def _did_you_mean(possibilities: list[str] | None) -> str:
    return f"（{'、'.join(possibilities)} のことですか？）" if possibilities else ""


def _name(param: click.Parameter | None, ctx: click.Context | None) -> str:
    """How a parameter is named in a message: its longest option name, or an argument's
    metavar with what it stands for (FILE（評価書のファイル））."""
    if param is None:
        return "引数"
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    metavar = re.sub(r"[\[\].]", "", param.human_readable_name)  # [FILE]... → FILE
    meaning = _ARGUMENTS.get(metavar)
    return f"{metavar}（{meaning}）" if meaning else metavar


def _missing(exc: click.MissingParameter) -> str:
    param = exc.param
    if isinstance(param, click.Option):
        what = f"（{param.help}）" if param.help else ""
        return f"オプション {_name(param, exc.ctx)}{what}を指定してください"
    if param is not None and isinstance(param.type, click.Choice):
        return f"{_name(param, exc.ctx)}を指定してください（{_choices(param.type)} のいずれか）"
    return f"{_name(param, exc.ctx)}を指定してください"


def _choices(kind: click.Choice) -> str:
    return "・".join(str(c) for c in kind.choices)


_QUOTED = r"(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_PATH_PROBLEMS = {
    "does not exist": "「{value}」はありません",
    "is a file": "「{value}」はファイルです（ディレクトリを指定してください）",
    "is a directory": "「{value}」はディレクトリです（ファイルを指定してください）",
    "is not readable": "「{value}」を読めません（権限を確かめてください）",
    "is not writable": "「{value}」に書き込めません（権限を確かめてください）",
    "is not executable": "「{value}」を実行できません",
}


def _value_in(message: str) -> str | None:
    """The value click quoted with repr() in its sentence."""
    import ast  # only on an error: the start-up of every command stays lean

    found = re.search(_QUOTED, message)
    if found is None:
        return None
    try:
        return str(ast.literal_eval(found.group("value")))
    except (ValueError, SyntaxError):
        return found.group("value")[1:-1]


def _bad_parameter(exc: click.BadParameter) -> str:
    param, message = exc.param, exc.message or ""
    name = _name(param, exc.ctx)
    value = _value_in(message)
    shown = f"「{value}」" if value is not None else "その値"
    kind = param.type if param is not None else None
    if isinstance(kind, click.Choice):
        return f"{name} に{shown}は指定できません（{_choices(kind)} のいずれか）"
    if isinstance(kind, click.Path):
        for english, japanese in _PATH_PROBLEMS.items():
            if english in message and value is not None:
                return f"{name}: " + japanese.format(value=value)
    if kind is not None and getattr(kind, "name", "") in ("integer", "integer range"):
        return f"{name} には整数を指定してください（{shown}は整数ではありません）"
    if kind is not None and getattr(kind, "name", "") in ("float", "float range"):
        return f"{name} には数を指定してください（{shown}は数ではありません）"
    if not message.isascii():  # our own callback's message, already Japanese
        return f"{name}: {message}"
    return f"{name} に{shown}は指定できません"


def _bad_option_usage(option: str, message: str) -> str:
    if "requires" in message:
        return f"オプション {option} には値が必要です"
    if "does not take a value" in message:
        return f"オプション {option} は値を取りません"
    return f"オプション {option} の使い方が正しくありません"


_EXTRA = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$", re.S)
_NO_SUCH_COMMAND_SENTENCE = re.compile(r"^No such command " + _QUOTED)


def _sentence(message: str, ctx: click.Context | None) -> str:
    """A usage error click raised with only a sentence (ctx.fail)."""
    if found := _EXTRA.match(message):
        return f"余分な引数があります: {found.group('args')}"
    if message == "Missing command.":
        return f"コマンドを指定してください（{_commands(ctx)}）"
    if _NO_SUCH_COMMAND_SENTENCE.match(message):
        return _no_such_command(_value_in(message) or "", None, ctx)
    return "コマンドの指定が正しくありません（--help で使い方を確かめてください）"


def _no_such_command(name: str, possibilities: list[str] | None, ctx: click.Context | None) -> str:
    return f"コマンド「{name}」はありません" + (_did_you_mean(possibilities) or f"（{_commands(ctx)}）")


def _commands(ctx: click.Context | None) -> str:
    group = ctx.command if ctx is not None else None
    names = sorted(group.commands) if isinstance(group, click.Group) else []
    return "使えるコマンド: " + "、".join(names) if names else "--help で一覧を見てください"
