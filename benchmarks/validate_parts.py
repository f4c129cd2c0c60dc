#!/usr/bin/env python3
"""CPU seconds of the parts of one cold ``tthc validate`` that grow with findings, in one process.

    taskset -c 0 python benchmarks/validate_parts.py CATALOGUE

Run on one core (``taskset``) so that no worker process takes a part away
from the clock: checking each file (libyaml's parse, the schema checks, whose
failing files go through jsonschema in Python, and the table of node
positions kept for files with findings), the rules across files with the
placing of findings (``check_catalogue``, ``locate`` within it), then each
reporter writing the report to memory. Parts nest: ``check_file`` holds the
three after it. The cycle collector is steered as the command line steers it
(:func:`tthc.heap.manage`). Set ``TTHC_CACHE_DIR`` to an empty folder: a cached report
would skip the checks.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tthc import heap, libyaml, locator, reading, schema
from tthc import validate as tthc_validate
from tthc.reporters import REPORTERS, Context


def _clocked(owner: Any, name: str, spent: dict[str, float]) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def clocked(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start

    setattr(owner, name, clocked)


def main(argv: list[str]) -> int:
    heap.manage()  # the collector as the command line steers it
    spent: dict[str, float] = {}
    _clocked(reading, "check_file", spent)
    _clocked(libyaml, "load_nodes", spent)
    _clocked(schema, "check", spent)
    _clocked(locator, "table", spent)
    _clocked(tthc_validate, "check_catalogue", spent)
    _clocked(locator, "locate", spent)
    start = time.process_time()
    report = tthc_validate.validate(Path(argv[0]), keep_catalogue=False)
    total = time.process_time() - start
    for fmt in ("text", "json"):
        start = time.process_time()
        REPORTERS[fmt](report, io.StringIO(), Context("", color=False, strict=False))
        spent[f"reporter {fmt}"] = time.process_time() - start
    print(f"validate(): {total:.2f} s CPU; {report.procedures} procedures, {len(report.findings)} findings")
    for name, seconds in spent.items():
        print(f"  {name}: {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
