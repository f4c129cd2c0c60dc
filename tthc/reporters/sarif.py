"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards."""

from __future__ import annotations

import json
from typing import Any, TextIO

from tthc import __version__
from tthc.findings import REGISTRY, Severity
from tthc.report import Report
from tthc.reporters.base import Context

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def as_dict(report: Report, context: Context) -> dict[str, Any]:
    rules = list(REGISTRY)
    index = {rule.id: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tthc",
                        "version": __version__,
                        "rules": [
                            {
                                "id": rule.id,
                                "name": rule.__name__,
                                "shortDescription": {"text": rule.title},
                                "help": {"text": rule.fix or rule.title},
                                "defaultConfiguration": {
                                    "level": "error" if rule.severity is Severity.ERROR else "warning"
                                },
                                "properties": {"tags": list(rule.tags)},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": f.rule,
                        "ruleIndex": index[f.rule],
                        "level": "error" if f.severity is Severity.ERROR else "warning",
                        "message": {"text": f.message + (f" → {f.fix}" if f.fix else "")},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": context.path(f)},
                                    "region": {"startLine": f.line or 1, "startColumn": f.column or 1},
                                }
                            }
                        ],
                        **({"properties": {"procedureCode": f.code}} if f.code else {}),
                    }
                    for f in report.findings
                ],
            }
        ],
    }


def write(report: Report, out: TextIO, context: Context) -> None:
    json.dump(as_dict(report, context), out, ensure_ascii=False, indent=2)
    out.write("\n")
