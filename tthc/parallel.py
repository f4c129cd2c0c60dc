"""Work spread over the machine's cores: one rule for when, one way how.

Validation checks files, and a build renders the pages of procedures, in
worker processes when there are many. Each piece of work is a pure function
of what it is sent, so the workers give exactly what one process would (the
tests compare both). Starting a worker costs a third to half a second (it
imports tthc), and one piece a few milliseconds: below a few hundred pieces
one process is faster.

Workers are started with spawn, not fork: a progress bar's thread may hold
a lock that a forked child would inherit, locked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")

PARALLEL_FROM = 400
"""Pieces of work from which they are spread over the cores."""

CHUNK = 50
"""Pieces sent to a worker at once: few enough round trips, and even shares at the end."""


def cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(pieces: int) -> int:
    """How many workers for ``pieces`` of work; 0 when this process should do it alone."""
    workers = min(cores(), pieces // CHUNK)
    return workers if pieces >= PARALLEL_FROM and workers >= 2 else 0


def chunks(pieces: Sequence[T]) -> list[Sequence[T]]:
    return [pieces[n : n + CHUNK] for n in range(0, len(pieces), CHUNK)]


def pool(workers: int, start: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    """Workers that each call ``start`` once when they start (to compile templates, say)."""
    import multiprocessing

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=start)


def ready() -> None:
    """Nothing: submitted once per worker, it makes the pool start them all now rather than at the first piece."""
