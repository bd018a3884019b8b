"""Every command has help text and is documented in the README (style.md: library first, CLI thin)."""
from __future__ import annotations


import click

from pia_changes.cli import cli
from tests.helpers.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from commands(command, prefix + name + " ")


def test_every_command_has_help_and_a_readme_entry():
    found = list(commands(cli))
    assert {"validate", "import", "diff", "generate", "log", "blame", "check", "init"} <= {n for n, _ in found}
    for name, command in found:
        assert (command.help or "").strip(), f"{name} has no help text"
        top = name.split(" ")[0]
        assert f"`pia-changes {top}" in README, f"{name} is not in the README"
