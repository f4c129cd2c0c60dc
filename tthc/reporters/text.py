"""For people: findings grouped by file, ``line:col level message (rule)``, then a verdict.

Coloured in a terminal and plain when piped: the context says which.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.text import Text

from tthc.findings import Severity
from tthc.report import Report
from tthc.reporters.base import Context
from tthc.text import printable

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


def verdict(report: Report, strict: bool) -> Text:
    counts = f"{report.files} tệp ({report.procedures} thủ tục, {report.decisions} quyết định)"
    if report.ok(strict):
        tail = f", {report.warnings} cảnh báo" if report.warnings else ""
        return Text.assemble(("✓ Hợp lệ", "bold green"), f": {counts}, 0 lỗi{tail}.")
    return Text.assemble(
        ("✗ Không hợp lệ", "bold red"),
        f": {report.errors} lỗi, {report.warnings} cảnh báo trong {counts}.",
    )


def _lines(report: Report, context: Context) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Each line of the report as (indent, [(text, style)]): the one layout both outputs share."""
    width = max((len(f"{f.line}:{f.column}") for f in report.findings), default=0)
    level_width = max(len(s.label) for s in Severity)
    for _file, group in itertools.groupby(report.findings, key=lambda f: f.file):
        findings = list(group)
        yield "", [(printable(context.path(findings[0])), "bold underline")]
        for f in findings:
            yield "  ", [
                (f"{f.line}:{f.column}".ljust(width), "dim"),
                ("  ", ""),
                (f.severity.label.ljust(level_width), _STYLE[f.severity]),
                ("  ", ""),
                (printable(f.message), ""),  # it quotes catalogue text, which may hold escape codes
                (f"  ({f.rule})", "dim"),
            ]
            if f.fix:
                yield "", [(" " * (width + 4) + "→ " + printable(f.fix), "cyan")]
        yield "", []


def write(report: Report, out: TextIO, context: Context) -> None:
    if not context.color:
        # Piped or in CI: plain lines in one write. Through rich, each line
        # cost half a millisecond, which a first import's thousands of
        # findings turned into seconds.
        lines = ["".join((indent, *(part for part, _ in parts))) for indent, parts in _lines(report, context)]
        out.write("\n".join((*lines, verdict(report, context.strict).plain)) + "\n")
        return
    console = Console(file=out, force_terminal=True, highlight=False, soft_wrap=True)
    for indent, parts in _lines(report, context):
        line = Text(indent)
        for part, style in parts:
            line.append(part, style=style or None)
        console.print(line)
    console.print(verdict(report, context.strict))
