#!/usr/bin/env python3
"""The four text rules: four walks over every string, or one.

    python benchmarks/experiments/text_checks.py CATALOGUE [--repeat 3]

text-not-nfc, text-mojibake, text-invisible and text-placeholder each walk
every string of every document with ``iter_strings`` (a recursive generator
that builds a path tuple per string). Since commit 0baa47c the per-string
tests have regex fast paths, so the walks are now most of the cost. This
measures the four rules as they are, one bare walk, and one fused walk that
calls the same per-string functions (so it finds the same strings by
construction), and counts what each would flag.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from tthc import text
from tthc.findings import REGISTRY
from tthc.model import iter_strings
from tthc.reading import load_catalogue
from tthc.source import folder_files

PLACEHOLDERS = frozenset({"không có thông tin", "đang cập nhật", "n/a", "..."})


def fused(catalogue: Any) -> tuple[int, int, int, int]:
    """One walk per document: (documents not NFC, mojibake strings, strings with invisibles, placeholders)."""
    not_nfc = mojibake = invisible = placeholder = 0
    for doc in catalogue.documents.values():
        bad_nfc = False
        for _, value, key in iter_strings(doc.data):
            if not text.is_nfc(value):
                bad_nfc = True
            if text.detect_mojibake(value):
                mojibake += 1
            if text.invisible_chars(value):
                invisible += 1
            if not key and value.strip().casefold() in PLACEHOLDERS:
                placeholder += 1
        not_nfc += bad_nfc
    return not_nfc, mojibake, invisible, placeholder


def walk_only(catalogue: Any) -> int:
    return sum(1 for doc in catalogue.documents.values() for _ in iter_strings(doc.data))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    catalogue, _ = load_catalogue(str(args.root), folder_files(args.root))
    rules = [r for r in REGISTRY.checks() if r.id.startswith("text-")]

    def now() -> int:
        return sum(1 for rule in rules for _ in rule.check(catalogue))

    variants = {
        f"the {len(rules)} text rules now ({len(rules)} walks)": now,
        "one bare walk (iter_strings only)": lambda: walk_only(catalogue),
        "one fused walk, same per-string tests": lambda: fused(catalogue),
    }
    print(f"{len(catalogue.documents)} documents, {walk_only(catalogue):,} strings and keys; "
          f"median of {args.repeat}\n\n| variant | seconds |\n|---|---:|")
    for name, run in variants.items():
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            run()
            times.append(time.perf_counter() - t)
        print(f"| {name} | {statistics.median(times):.3f} |")
    print(f"\nFindings now: {now()}; fused counts (not-NFC docs, mojibake, invisible, placeholders): "
          f"{fused(catalogue)}")


if __name__ == "__main__":
    main()
