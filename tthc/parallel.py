"""Work spread over the machine's cores: one rule for when, one way how.

Validation checks files, and a build renders the pages of procedures, in
worker processes when there are many. Each piece of work is a pure function
of what it is sent, so the workers give exactly what one process would (the
tests compare both). Starting a worker costs a third to half a second (it
imports tthc), and one piece a few milliseconds: below a few hundred pieces
one process is faster.

Workers are started with spawn, not fork: a progress bar's thread may hold
a lock that a forked child would inherit, locked.

Only the command's own process answers Ctrl-C (SIGINT, which a terminal
sends to every process of the job) and SIGTERM: a worker ignores SIGINT from
birth and is stopped by this process, so an interrupted run prints no
worker's traceback and never waits for a worker that will not finish. A
worker whose parent dies (SIGKILL) ends at once rather than keep writing
into a folder the next run will remove.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import functools
import io
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

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


def packed(value: object) -> bytes:
    """``value`` pickled for a worker, its dataclasses by their fields (:func:`unpacked` reads it).

    Pickle's own way reads an object's ``__dict__``, and CPython 3.11 keeps
    the attributes of an object without one until asked, then makes the
    dict and keeps it: sending the records of 50,000 procedures to the
    render workers left 5 kB of new dicts on each in this process (265 MB).
    By its fields, nothing is made here, and the worker gets the same objects
    (made as pickle's own way makes them: ``__new__``, then the attributes).
    """
    buffer = io.BytesIO()
    _Packer(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def unpacked(data: bytes) -> Any:
    return pickle.loads(data)


class _Packer(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        names = _field_names(type(obj))
        if names is None:
            return NotImplemented
        return copyreg.__newobj__, (type(obj),), {name: getattr(obj, name) for name in names}  # type: ignore[attr-defined]


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass (not of a class that has more than its fields in its ``__dict__``); else None."""
    if cls not in _FIELDS:
        kept = (v for klass in cls.__mro__ for v in vars(klass).values())
        plain = dataclasses.is_dataclass(cls) and not any(isinstance(v, functools.cached_property) for v in kept)
        _FIELDS[cls] = tuple(field.name for field in dataclasses.fields(cls)) if plain else None
    return _FIELDS[cls]


_FIELDS: dict[type, tuple[str, ...] | None] = {}


STOP_WAIT = 2.0
"""Seconds a stopped worker has to end after SIGTERM before it is killed."""


@contextlib.contextmanager
def pool(workers: int, start: Callable[[], object] | None = None) -> Iterator[ProcessPoolExecutor]:
    """Workers that each call ``start`` once when they start (to compile templates, say), all started now.

    When the block ends with an exception (Ctrl-C, SIGTERM, an error) the
    workers are stopped at once (:func:`stop`) instead of finishing the
    work already sent.
    """
    import multiprocessing

    executor = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(start,)
    )
    try:
        # Started with SIGINT blocked, so that a Ctrl-C while a worker imports tthc
        # (before it can ignore SIGINT) waits here and is answered by this process.
        with _blocked(signal.SIGINT):
            for _ in range(workers):
                executor.submit(ready)
        yield executor
    except BaseException:
        stop(executor)
        raise
    executor.shutdown()


class Shared:
    """One pool for the steps of a command, started when the first step has enough work for it (:func:`shared`)."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._executor: ProcessPoolExecutor | None = None

    def get(self, pieces: int) -> ProcessPoolExecutor | None:
        """The pool, started now if need be, when ``pieces`` are worth spreading (:func:`workers_for`); else None."""
        workers = workers_for(pieces)
        if not workers:
            return None
        if self._executor is None:
            self._executor = self._stack.enter_context(pool(workers))
        return self._executor


@contextlib.contextmanager
def shared() -> Iterator[Shared]:
    """Workers shared by the steps of one command: a cold validate checks files, then places findings.

    Starting workers costs a third to half a second each (they import
    tthc); a first import, with findings in every file, needs them twice.
    """
    with contextlib.ExitStack() as stack:
        yield Shared(stack)


def stop(executor: ProcessPoolExecutor) -> None:
    """End the workers now: the work not started is dropped, the work under way is killed (it is unwanted).

    Waiting for the chunks under way would take seconds, and a worker
    writing into a folder about to be removed would make it again.
    """
    # The pool's own processes (3.14 has terminate_workers() for this).
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(STOP_WAIT)
        if process.is_alive():
            process.kill()
            process.join()
    # A worker killed while sending a result leaves half a message, which the
    # pool's thread would wait for forever: with this process's end of the pipe
    # closed too (the workers' are), it reads the end of the pipe instead.
    results = getattr(executor, "_result_queue", None)
    if results is not None:
        results._writer.close()
    executor.shutdown()  # its thread sees the workers gone and ends


def ready() -> None:
    """Nothing: submitted once per worker, it makes the pool start them all now rather than at the first piece."""


def _start_worker(start: Callable[[], object] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # discards a Ctrl-C held back while this worker started
    if hasattr(signal, "pthread_sigmask"):  # not on Windows
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_end_with_parent, daemon=True).start()
    if start is not None:
        start()


def _end_with_parent() -> None:
    """Wait for the parent's death, then end this worker quietly."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(1)


@contextlib.contextmanager
def _blocked(signum: int) -> Iterator[None]:
    """``signum`` held back (for this thread and the processes it starts) until the block ends, then delivered."""
    if not hasattr(signal, "pthread_sigmask"):  # not on Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signum})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
