"""Small pieces the commands share: finding the catalogue and its settings, colour, exit codes, interrupts."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

if TYPE_CHECKING:
    from tthc.cache import Cache
    from tthc.model import Catalogue

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT): 128 + the signal's number, as shells report a command a signal ended."""
EXIT_TERMINATED = 143
"""SIGTERM (a service manager or ``kill``): 128 + 15."""

_STOPS = {signal.SIGINT: ("Ctrl-C", EXIT_INTERRUPTED), signal.SIGTERM: ("SIGTERM", EXIT_TERMINATED)}


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """Run a command so that Ctrl-C or SIGTERM ends it with exit code 130 or 143 and one line, never a traceback.

    Both raise KeyboardInterrupt, so the command's own cleanup (``finally``
    and ``except BaseException`` blocks: staging folders, temporary files,
    worker processes) runs first, for SIGTERM as for Ctrl-C. An error raised
    while it stops (a worker gone with the same signal) is part of the stop,
    not a bug to show.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    received: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        received.append(signum)
        for each in _STOPS:  # cleaning up takes a second: a second Ctrl-C must not cut it short
            signal.signal(each, signal.SIG_IGN)
        raise KeyboardInterrupt

    before = {each: signal.signal(each, stop) for each in _STOPS}
    try:
        yield
    except KeyboardInterrupt:
        _stopped(received[0] if received else signal.SIGINT)
    except Exception:
        if not received:
            raise
        _stopped(received[0])
    finally:
        for each, handler in before.items():
            signal.signal(each, signal.SIG_DFL if handler is None else handler)


def _stopped(signum: int) -> NoReturn:
    name, code = _STOPS[signal.Signals(signum)]
    click.echo(f"\ntthc: đã dừng theo yêu cầu ({name}); không có tệp nào bị ghi dở.", err=True)
    if _pool_thread_left():
        # At exit Python joins a process pool's thread, which can wait forever
        # for a worker the same signal killed halfway through a message (seen:
        # a validate stopped by Ctrl-C hung there). Everything to clean up was
        # cleaned on the way here, so the process ends without that join.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _pool_thread_left() -> bool:
    """Whether a process pool's manager thread is still running (only a command that spread work over workers has one)."""
    process = sys.modules.get("concurrent.futures.process")
    manager = getattr(process, "_ExecutorManagerThread", None)
    return manager is not None and any(isinstance(t, manager) and t.is_alive() for t in threading.enumerate())


def wants_color(stream: TextIO) -> bool:
    """Colour only for a person at a terminal; NO_COLOR and FORCE_COLOR win."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def fail(message: str) -> NoReturn:
    """Stop with exit code 2 and a message on stderr, never a traceback."""
    click.echo(f"tthc: {message}", err=True)
    sys.exit(EXIT_USAGE)


DATE_HINT = "ghi 2025-07-01 hoặc 01/07/2025"
"""How a date option is written, for the message of a date that is not one."""


def typed_date(value: str) -> dt.date | None:
    """A date as staff type it on the command line: ISO ``2025-07-01`` or ``01/07/2025`` (day first); None if not a day."""
    value = value.strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def catalogue_root(paths: tuple[Path, ...]) -> Path:
    from tthc.source import CatalogueNotFound, find_catalogue

    try:
        roots = {find_catalogue(p) for p in paths} if paths else {find_catalogue()}
    except CatalogueNotFound as error:
        fail(str(error))
    if len(roots) > 1:
        fail("các đường dẫn thuộc nhiều bộ danh mục khác nhau; kiểm tra từng bộ một.")
    return roots.pop()


def load_settings(path: Path | None) -> tuple[Path, Catalogue]:
    """The catalogue to add files to; stop (exit 2) if its tthc.yaml cannot be read.

    New files take their fields and agencies from tthc.yaml, so a broken one
    must be named as the problem rather than reported as "no fields".
    """
    from tthc.layout import SETTINGS_FILE
    from tthc.reading import load_catalogue
    from tthc.source import folder_files

    root = catalogue_root((path,) if path else ())
    catalogue, findings = load_catalogue(str(root), folder_files(root))
    settings = catalogue.documents.get(SETTINGS_FILE)
    if settings is None or settings.data is None:
        problem = next((f for f in findings if f.file == SETTINGS_FILE), None)
        where = f"{SETTINGS_FILE}:{problem.line}:{problem.column}: {problem.message.rstrip('.')}" if problem and problem.line else (
            problem.message if problem else f"không có {SETTINGS_FILE}"
        )
        fail(f"không đọc được tệp thiết lập của danh mục ({where}). Sửa tệp này trước (xem `tthc validate`).")
    if not catalogue.settings.fields:
        fail(f"{root / SETTINGS_FILE} chưa khai báo lĩnh vực nào (fields); không biết đặt thủ tục vào đâu.")
    return root, catalogue


def emit(data: bytes, output: Path | None) -> None:
    """A report to ``output`` (atomically, through no link) or to stdout; stop with exit 2 if it cannot be written."""
    from tthc.atomic import LinkOnWritePath, write_output

    try:
        if output is not None:
            write_output(output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except LinkOnWritePath as error:
        fail(str(error))
    except OSError as error:
        fail(f"không ghi được “{output or 'stdout'}”: {error.strerror or error}.")


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    day = typed_date(value)
    if day is None:
        raise click.BadParameter(f"“{value.strip()}” không phải ngày hợp lệ ({DATE_HINT}).")
    return day


AS_OF = click.option(
    "--as-of", "as_of", metavar="NGÀY", callback=_as_of,
    help="Danh mục tại ngày này (2027-01-01 hoặc 01/01/2027): quyết định chưa có hiệu lực thì chưa áp dụng."
    " Mặc định: as_of của tthc.yaml, nếu không có thì hôm nay.",
)
"""The one ``--as-of`` option of validate, build, render, stats, export and diff (see :mod:`tthc.timeline`)."""


def read_catalogue(root: Path, as_of: dt.date | None) -> Catalogue:
    """The catalogue at ``root`` as it stands on its date (read through the cache), for the commands that only read it."""
    from tthc.reading import load_catalogue
    from tthc.source import folder_files
    from tthc.timeline import on_date

    store = open_cache(root)
    catalogue, _ = load_catalogue(str(root), folder_files(root), store=store)
    store.save()
    return on_date(catalogue, as_of)


def display_prefix(root: Path) -> str:
    """How to name the root from the working folder, for clickable file:line:col."""
    try:
        return os.path.relpath(root, Path.cwd())
    except ValueError:
        return str(root)


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr for a person at a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def open_cache(root: Path | str) -> Cache:
    """The store of earlier results for the catalogue at ``root`` (see tthc.cache); the caller saves it."""
    from tthc.cache import Cache

    return Cache.open(str(Path(root).resolve()) if isinstance(root, Path) else root)
