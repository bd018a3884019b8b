"""The cycle collector paused while a command reads a history and builds its output.

Reading a history and building a table make millions of small objects that reference counting
frees; the cycle collector scanning the live ones again and again took 10–15 % of a first run
over 300 commits (0.2 s of the dense benchmark), and another 40 ms while 2,700 rows were built
and rendered, for a megabyte or two it would have freed. A command is a short process: what
cycles it leaves are freed when the collector runs again, or at exit.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
