"""Small pieces the commands share: finding the catalogue, colour, exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

if TYPE_CHECKING:
    from tthc.cache import Cache

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


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


def catalogue_root(paths: tuple[Path, ...]) -> Path:
    from tthc.source import CatalogueNotFound, find_catalogue

    try:
        roots = {find_catalogue(p) for p in paths} if paths else {find_catalogue()}
    except CatalogueNotFound as error:
        fail(str(error))
    if len(roots) > 1:
        fail("các đường dẫn thuộc nhiều bộ danh mục khác nhau; kiểm tra từng bộ một.")
    return roots.pop()


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
