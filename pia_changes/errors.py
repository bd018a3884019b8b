"""Errors as data: every problem names its file, line and item, so the CLI prints one line each."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One validation finding, as data: the file and line, the item's path in the YAML tree (keys
    and list indexes), a stable code, the message, and the printed label path for the reader."""

    file: str
    line: int | None
    item_path: tuple = ()
    code: str = "invalid"
    message: str = ""
    label: str | None = None
    level: str = "error"  # error | warning

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = "" if self.level == "error" else "警告: "
        if self.label:
            return f"{where}: {self.label}: {prefix}{self.message}"
        return f"{where}: {prefix}{self.message}"


class PiaError(Exception):
    """An error the user can fix; the CLI prints it as one line and exits 1."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 label: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.label = label

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        return str(Problem(self.file, self.line, message=self.message, label=self.label))


class InvalidDocument(PiaError):
    """A document with one or more errors; `problems` holds all of them, sorted by line."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.message, first.file, first.line, first.label)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UsageError(PiaError):
    """Wrong combination of options (exit 2)."""
