"""Python's cycle collector, kept out of the way while tthc builds what it keeps to the end of a run.

Loading 10,000 records or building their page views makes millions of
objects that all stay alive until the command exits. Each time enough new
objects have been made, CPython's collector walks the young ones, and when
the long-lived ones have grown by a quarter it walks the whole heap: none of
these walks frees anything here, yet they were 40 % of building the views
and a seventh of a validate after one file changed (benchmarks/README.md).
Records, documents and views are plain trees (dataclasses, tuples, dicts)
that make no cycles, so while they are built the collector is off, and
afterwards they are frozen (``gc.freeze``): moved where no later walk looks.
Freezing does not keep anything alive: an object no longer referenced is
still freed at once, as every object without a cycle is.

The collector belongs to the whole interpreter, so whether tthc may steer it
is the program's choice, not the library's: the command line says so once,
with :func:`manage`, as it starts. A program that imports tthc (a test, a
notebook, a server) and does not call it keeps its collector untouched:
:func:`keeping` then does nothing.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["keeping", "manage", "managed"]

_managed = False


def manage(on: bool = True) -> None:
    """Let :func:`keeping` steer the collector in this process (the command line calls it once)."""
    global _managed
    _managed = on


def managed() -> bool:
    return _managed


@contextlib.contextmanager
def keeping() -> Iterator[None]:
    """Build data that lives to the end of the run, neither walked while it is built nor after.

    Nothing at all unless the program called :func:`manage`.

    What is garbage already is collected first, so that no cycle left by
    earlier work (a broken file's parse tree and errors) is frozen with the
    rest: in a process that runs many commands it would never be freed. The
    block itself must make no cycles; checking files does (jsonschema's
    errors point to their parents), so it stays outside. The first
    collection walks only what was not frozen before: cheap after the first
    block.
    """
    if not _managed:
        yield
        return
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
