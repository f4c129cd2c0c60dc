#!/usr/bin/env python3
"""National-portal records at any count, and a new catalogue ready to import them.

    python benchmarks/portal_records.py --records records.json -n 10000 --out DIR

Writes ``DIR/records.json``: the real records (``shared/data/real-procedures``,
300 of them) repeated until there are ``n``, every repeat after the first
under a new code (``9.000300``, ``9.000301`` …; the real codes start with 1
or 2), so that each becomes its own file, as in a ministry's export. And
``DIR/catalogue``: a catalogue made by ``tthc init``, with the fields and
agencies that a dry run of the import asks for added to ``tthc.yaml`` (as a
user copies them from the report) and ``limits.max_import_cells`` and
``max_import_bytes`` raised for the file's size (10,000 records are about
1.1 million values and 139 MB). The
benchmark imports the records into a copy of that catalogue, then
validates what the import wrote (``benchmarks/run``, issue 21).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

INIT = (
    "--authority", "Ủy ban nhân dân tỉnh Quảng Trị",
    "--feedback-address", "Số 1 Hùng Vương, phường Đồng Hới, tỉnh Quảng Trị",
    "--feedback-phone", "0232 3822 123",
    "--feedback-email", "kiemsoattthc@quangtri.gov.vn",
    "--as-of", "01/11/2026",
    "--level", "Cấp bộ, Cấp tỉnh, Cấp xã",
    "--field", "Hộ tịch=ho-tich",
)  # fmt: skip


def multiplied(records: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    out = []
    for k in range(n):
        record = dict(records[k % len(records)])
        if k >= len(records):
            record["ma_thu_tuc"] = f"9.{k:06d}"
        out.append(record)
    return out


def tthc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tthc", *args], capture_output=True, text=True)


def declare(settings: str, report: dict[str, Any]) -> str:
    """The fields and agencies the dry run lists, added to tthc.yaml's lists."""
    for key in ("fields", "agencies"):
        block = "".join(
            f"  - id: {e['id']}\n    name: {json.dumps(e['name'], ensure_ascii=False)}\n" for e in report[f"unknown_{key}"]
        )
        settings = re.sub(rf"^{key}:\n(?:  .*\n)+", lambda m, b=block: m.group(0) + b, settings, count=1, flags=re.M)
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=Path, required=True, help="the portal records (JSON list)")
    parser.add_argument("-n", type=int, required=True, help="how many records to write")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    records = json.loads(args.records.read_text("utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    source = args.out / "records.json"
    source.write_text(json.dumps(multiplied(records, args.n), ensure_ascii=False), "utf-8")
    root = args.out / "catalogue"
    made = tthc("init", str(root), *INIT)
    if made.returncode != 0:
        raise SystemExit(made.stdout + made.stderr)
    settings = root / "tthc.yaml"
    raised = f"  max_import_cells: {4 * args.n * 120 + 1_000_000}\n  max_import_bytes: {2 * source.stat().st_size}\n"
    text = settings.read_text("utf-8")
    text = re.sub(r"^limits:\n", f"limits:\n{raised}", text, count=1, flags=re.M) \
        if re.search(r"^limits:\n", text, flags=re.M) else text + f"limits:\n{raised}"
    settings.write_text(text, "utf-8")
    dry = tthc("import", str(args.records), "-C", str(root), "--format", "json", "--dry-run")
    settings.write_text(declare(settings.read_text("utf-8"), json.loads(dry.stdout)), "utf-8")
    print(f"{args.n} records ({source.stat().st_size / 1e6:.0f} MB) in {source}; catalogue in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
