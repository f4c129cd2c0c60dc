"""Questions in a terminal for the options a person left out (``tthc init``, ``tthc new``).

One way of asking for every command, so that a wrong answer reads the same
everywhere and a script or CI never waits for an answer: outside a terminal
a missing option takes its default or stops the command (exit 2), naming
the option.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from tthc.cli.common import fail

T = TypeVar("T")


def interactive() -> bool:
    """Ask questions only of a person at a terminal; scripts and CI must pass options."""
    return sys.stdin.isatty() and not os.environ.get("CI")


def ask(
    label: str,
    check: Callable[[str], T],
    given: str | None,
    option: str,
    default: str | None = None,
    invalid: tuple[type[Exception], ...] = (click.BadParameter,),
) -> T:
    """The checked value of an option; in a terminal, asked (with its default) when missing or wrong.

    ``check`` turns an answer into the value or raises one of ``invalid``,
    whose message says what is wrong in Vietnamese.
    """
    if given is not None:
        try:
            return check(given)
        except invalid as error:
            if not interactive():
                fail(f"{option}: {_message(error)}")
            click.echo(f"{option}: {_message(error)}", err=True)
    elif not interactive():
        if default is None:
            command = click.get_current_context(silent=True)
            where = f"xem {command.command_path} --help" if command else "xem --help"
            fail(f"thiếu {option} (khi không chạy trong terminal, phải ghi đủ các tùy chọn; {where}).")
        try:
            return check(default)
        except invalid as error:
            fail(f"{option}: {_message(error)}")
    while True:
        answer = click.prompt(label, default=default, show_default=bool(default), err=True)
        try:
            return check(answer)
        except invalid as error:
            click.echo(click.style(f"Chưa đúng: {_message(error)}", fg="red"), err=True)


def _message(error: Exception) -> str:
    return error.message if isinstance(error, click.BadParameter) else str(error)
