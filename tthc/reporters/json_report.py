"""A stable JSON contract for other programs (see docs/validate.md, "Output formats")."""

from __future__ import annotations

import json
from typing import TextIO

from tthc.report import Report
from tthc.reporters.base import Context


def as_dict(report: Report, strict: bool = False) -> dict[str, object]:
    return {
        "ok": report.ok(strict),
        "summary": {
            "files": report.files,
            "procedures": report.procedures,
            "decisions": report.decisions,
            "errors": report.errors,
            "warnings": report.warnings,
        },
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "fix": f.fix,
                "code": f.code,
            }
            for f in report.findings
        ],
    }


def write(report: Report, out: TextIO, context: Context) -> None:
    """The report as JSON, written in batches of about :data:`BATCH` characters.

    json.dump writes each of a report's hundreds of thousands of pieces to the
    stream on its own, which costs more than the rest of a warm run with
    thousands of findings; json.dumps holds every piece and then the whole
    text (at 50,000 procedures with findings in every file, a tenth of the
    command's memory). Batches cost neither.
    """
    batch: list[str] = []
    size = 0
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(as_dict(report, context.strict)):
        batch.append(piece)
        size += len(piece)
        if size >= BATCH:
            out.write("".join(batch))
            batch.clear()
            size = 0
    batch.append("\n")
    out.write("".join(batch))


BATCH = 1 << 16
