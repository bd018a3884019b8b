"""A first run over a long history split across the machine's cores (Decisions: Speed).

Each part runs in a process forked from this one, so nothing is imported or set up again and
nothing crosses between processes but files: a part leaves its results in the caches under
.git (signed data files, table.datafile), which the caller then reads as a second run would.
A part that fails only leaves less in the cache: the caller computes what is missing itself,
so results never depend on how the work was split. Where there is no fork (Windows), one
core or another thread running, nothing is split.
"""
from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

MAX_PARTS = 3  # each process holds the imports and a history's documents (about 90 MB for 001):
               # three stay within the 300 MB the first run may take (issue 29)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parts_for(items: int, least: int) -> int:
    """How many parts ITEMS units of work are split into: one per core, each of at least LEAST
    units (a part starts by parsing one whole version and forking, which a few units do not
    repay); 1 where processes cannot be forked, or should not be: in a process running other
    threads (the library inside an application), whose locks a child would inherit held.
    PIA_CHANGES_JOBS sets the number of parts instead of the cores (1: never split)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    jobs = os.environ.get("PIA_CHANGES_JOBS", "").strip()
    most = int(jobs) if jobs.isdigit() and int(jobs) > 0 else min(cores(), MAX_PARTS)
    return max(1, min(most, items // least))


def run_parts(task: Callable[[int], None], parts: int) -> None:
    """TASK(0) here and TASK(1) … TASK(PARTS-1) each in a forked child, at once; returns when all
    are done. A child's exit status is not looked at (see the module docstring); an exception in
    TASK(0) is the caller's, once the children are done."""
    for stream in (sys.stdout, sys.stderr):  # a child must not write what this one buffered
        stream.flush()
    children = []
    try:
        for part in range(1, parts):
            pid = os.fork()
            if pid == 0:  # the child: never returns into the caller's code
                status = 1
                try:
                    task(part)
                    status = 0
                finally:
                    os._exit(status)
            children.append(pid)
        task(0)
    finally:
        for pid in children:
            _reap(pid)


def _reap(pid: int) -> None:
    while True:
        try:
            os.waitpid(pid, 0)
            return
        except InterruptedError:
            continue
        except ChildProcessError:
            return
