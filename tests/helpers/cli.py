"""The CLI as the tests run it: in-process through click, or as a separate process."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from pia_changes.cli import cli


def invoke(*args: str, root: Path | str | None = None) -> Result:
    """The CLI in-process (with `-C ROOT` when given); a traceback is a bug, never an answer.
    `-C` changes the process's directory: it is given back afterwards."""
    argv = ["-C", str(root), *args] if root is not None else list(args)
    cwd = os.getcwd()
    try:
        result = CliRunner().invoke(cli, argv)
    finally:
        os.chdir(cwd)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


def command(*args: str) -> list[str]:
    """The argv of the installed command, run by this interpreter."""
    return [sys.executable, "-c", "from pia_changes.cli import main; main()", *args]


def run_process(*args: str, cwd: Path, memory_bytes: int | None = None, timeout: float = 120,
                text: bool = True, check: bool = False) -> subprocess.CompletedProcess:
    """The command as a separate process (it may crash or run out of memory: MEMORY_BYTES bounds its
    address space). TEXT decodes the output as UTF-8, strictly."""
    def limit() -> None:
        if memory_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    return subprocess.run(command(*args), check=check, cwd=cwd, capture_output=True, timeout=timeout,
                          preexec_fn=limit, **({"encoding": "utf-8"} if text else {}))
