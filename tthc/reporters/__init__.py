"""Reporters turn a validation report into output, chosen by name.

Each reporter is one module with a ``write(report, out, context)`` function
and one entry in :data:`REPORTERS`. They are the only place that formats
findings.
"""

from __future__ import annotations

from tthc.reporters import github, json_report, sarif, text
from tthc.reporters.base import Context, Reporter

REPORTERS: dict[str, Reporter] = {
    "text": text.write,
    "json": json_report.write,
    "github": github.write,
    "sarif": sarif.write,
}

__all__ = ["REPORTERS", "Context", "Reporter"]
