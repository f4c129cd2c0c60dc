"""For people: findings grouped by file, ``line:col level message (rule)``, then a verdict.

Coloured in a terminal and plain when piped: the context says which.
"""

from __future__ import annotations

import itertools
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


def write(report: Report, out: TextIO, context: Context) -> None:
    console = Console(
        file=out,
        force_terminal=context.color,
        no_color=not context.color,
        highlight=False,
        soft_wrap=True,
        width=200 if not context.color else None,
    )
    width = max((len(f"{f.line}:{f.column}") for f in report.findings), default=0)
    level_width = max(len(s.label) for s in Severity)
    for _file, group in itertools.groupby(report.findings, key=lambda f: f.file):
        findings = list(group)
        console.print(Text(printable(context.path(findings[0])), style="bold underline"))
        for f in findings:
            line = Text("  ")
            line.append(f"{f.line}:{f.column}".ljust(width), style="dim")
            line.append("  ")
            line.append(f.severity.label.ljust(level_width), style=_STYLE[f.severity])
            line.append("  ")
            line.append(printable(f.message))  # it quotes catalogue text, which may hold escape codes
            line.append(f"  ({f.rule})", style="dim")
            console.print(line)
            if f.fix:
                console.print(Text(" " * (width + 4) + "→ " + printable(f.fix), style="cyan"))
        console.print()
    console.print(verdict(report, context.strict))
