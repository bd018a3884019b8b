"""Every message is Japanese, click's own usage errors included (issue 28, item 4; Decisions:
Errors are data). The test walks every command of the `pia-changes` group, subgroups included,
and gives each a wrong command line of every kind click can refuse: an unknown option, a bad
choice, a path of the wrong kind, an option without its value, a flag with a value, a missing
argument, an extra argument, an unknown subcommand. Each must exit 2 with no English sentence."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pia_changes.cli import cli

BAD = "ダメな値"
# words of click's English messages; none may survive the translation
ENGLISH = re.compile(r"\b(Usage|Error|Invalid|Missing|No such|Try|Got|unexpected|extra|argument|option|"
                     r"command|value|does not|is not|one of|exist|directory|file|Aborted|requires|help)\b")


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in group.commands.items():
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from commands(command, path + (name,))


def filled(command: click.Command, place: Path, optional: bool = True) -> list[str]:
    """The command's required options and its arguments (the optional ones too, unless not
    OPTIONAL) with plausible values: what must be there for click to reach its later checks."""
    args: list[str] = []
    for param in command.params:
        if param.required and isinstance(param, click.Option):
            args += [param.opts[0], str(place / "out")]
    for param in command.params:
        if isinstance(param, click.Argument) and (param.required or optional):
            args.append(str(place / "in.yaml"))
    return args


def wrong_lines(path: tuple[str, ...], command: click.Command, place: Path) -> Iterator[list[str]]:
    """Every wrong command line for COMMAND that click itself refuses."""
    yield [*path, "--no-such-option"]
    if isinstance(command, click.Group):
        yield [*path, "no-such-command"]
        return
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        name = max(param.opts, key=len)
        if param.is_flag:
            if name.startswith("--"):
                yield [*path, f"{name}=はい"]  # a flag takes no value
            continue
        yield [*path, name]  # an option without its value
        if isinstance(param.type, click.Choice):
            yield [*path, name, BAD]
        if isinstance(param.type, click.Path) and not param.type.dir_okay:
            yield [*path, name, str(place)]  # a directory where a file is wanted
        if isinstance(param.type, click.Path) and not param.type.file_okay:
            yield [*path, name, str(place / "a-file.txt")]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if any(a.required for a in arguments):
        yield list(path)  # a required argument missing
    if all(a.nargs != -1 for a in arguments):
        yield [*path, *filled(command, place), "extra-one", "extra-two"]
    for arg in arguments:
        if isinstance(arg.type, click.Path) and not arg.type.dir_okay:
            yield [*path, *[str(place) if a == str(place / "in.yaml") else a
                            for a in filled(command, place, optional=False)]] if arg.required else [*path, str(place)]


def assert_japanese(result, line: list[str], place: Path) -> None:
    shown = " ".join(line)
    assert result.exit_code == 2, f"{shown}: exit {result.exit_code}\n{result.output}"
    text = result.stderr
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), f"{shown}: no Japanese\n{text}"
    assert "使い方:" in text or "エラー:" in text, f"{shown}\n{text}"
    scrubbed = text
    for given in sorted(line, key=len, reverse=True):  # what we typed may come back quoted
        scrubbed = scrubbed.replace(given, "GIVEN")
    scrubbed = scrubbed.replace(str(place), "PLACE")
    scrubbed = re.sub(r"(?<![\w-])-{1,2}[A-Za-z][\w-]*", "", scrubbed)  # option names
    scrubbed = re.sub(r"pia-changes( [a-z-]+)*", "", scrubbed)  # the command path
    assert not ENGLISH.search(scrubbed), f"{shown}: English left\n{text}"
    sentence = re.search(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b", scrubbed)
    assert sentence is None, f"{shown}: English sentence {sentence.group(0)!r}\n{text}"


def test_every_command_refuses_a_wrong_command_line_in_japanese(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    runner = CliRunner()
    seen = 0
    lines = [["no-such-command"], ["--no-such-option"], ["-C"], ["-C", str(tmp_path / "a-file.txt"), "log"]]
    for path, command in commands(cli):
        lines += list(wrong_lines(path, command, tmp_path))
    for line in lines:
        result = runner.invoke(cli, line, prog_name="pia-changes", catch_exceptions=False)
        assert_japanese(result, line, tmp_path)
        seen += 1
    assert {name for name, _ in commands(cli)} >= {("validate",), ("generate",), ("hooks",), ("hooks", "install")}
    assert seen > 60


@pytest.mark.parametrize("line, expected", [
    (["generate", "--format", "pdf"], "エラー: --format に「pdf」は指定できません（md・csv・tsv・json・xlsx・html のいずれか）"),
    (["validat"], "エラー: コマンド「validat」はありません（validate のことですか？）"),
    (["import"], "エラー: TEXT（公表済みの評価書のテキスト）を指定してください"),
    (["log", "--formt", "md"], "エラー: オプション --formt はありません"),
    (["blame", "a", "b", "c"], "エラー: 余分な引数があります: c"),
])
def test_usage_errors_read_as_japanese_sentences(line, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, line, prog_name="pia-changes")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("使い方: pia-changes")
    assert expected in result.stderr.splitlines()


def test_help_is_japanese_too():
    result = CliRunner().invoke(cli, ["generate", "--help"], prog_name="pia-changes")
    assert result.exit_code == 0
    assert result.output.startswith("使い方: pia-changes generate [オプション]")
    assert "オプション:" in result.output and "[既定: HEAD]" in result.output
    assert "このヘルプを表示して終了する" in result.output
    assert not re.search(r"\b(Usage|Options|Show this message|default)\b", result.output)
