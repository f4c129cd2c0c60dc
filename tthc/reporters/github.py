"""GitHub Actions workflow commands, then the text report.

GitHub shows only the first few annotations of a step, so the full text
report follows them in the log.
"""

from __future__ import annotations

from typing import TextIO

from tthc.findings import Severity
from tthc.report import Report
from tthc.reporters import text
from tthc.reporters.base import Context
from tthc.text import printable


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def write(report: Report, out: TextIO, context: Context) -> None:
    for f in report.findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = ",".join(
            [
                f"file={_escape_property(printable(context.path(f)))}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={_escape_property(f.rule)}",
            ]
        )
        # Escape codes in catalogue text would reach the log as they are; line breaks are %0A below.
        message = printable(f.message) + (f"\n→ {printable(f.fix)}" if f.fix else "")
        out.write(f"::{level} {props}::{_escape_data(message)}\n")
    text.write(report, out, Context(context.prefix, color=False, strict=context.strict))
