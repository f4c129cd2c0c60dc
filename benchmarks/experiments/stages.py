#!/usr/bin/env python3
"""Where the time of a cold ``tthc validate`` goes, stage by stage, without a profiler.

    python benchmarks/experiments/stages.py CATALOGUE

Replays :func:`tthc.validate.validate` with a clock around each stage (the same
calls, in the same order), and times every registered rule on its own.
Profilers inflate small-function-heavy code (YAML construction, jsonschema's
descent) by 2–3×, so these wall-clock numbers are the ones to compare.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

from tthc import loader, locator, schema
from tthc.findings import REGISTRY
from tthc.reading import catalogue_limits as _limits
from tthc.records import build_catalogue
from tthc.source import folder_files


def main(root: Path) -> None:
    clock: dict[str, float] = defaultdict(float)
    t0 = time.perf_counter()
    files = list(folder_files(root))
    clock["read files (folder_files)"] = time.perf_counter() - t0
    limits = _limits(files)
    documents = {}
    findings = []
    for file in files:
        assert file.data is not None
        t = time.perf_counter()
        _source, _ = loader.decode(file.path, file.data, limits)
        clock["  decode UTF-8"] += time.perf_counter() - t
        t = time.perf_counter()
        loaded = loader.load(file.path, file.kind, file.data, limits)
        clock["YAML load (loader.load: decode + ruamel safe C + _jsonable)"] += time.perf_counter() - t
        documents[file.path] = loaded.document
        findings.extend(loaded.findings)
        t = time.perf_counter()
        findings.extend(schema.check(file.path, file.kind, loaded.document.data))
        clock["JSON Schema (schema.check, jsonschema)"] += time.perf_counter() - t
    t = time.perf_counter()
    catalogue = build_catalogue(str(root), documents)
    clock["model (build_catalogue)"] = time.perf_counter() - t
    rules: dict[str, float] = {}
    t_rules = time.perf_counter()
    for rule in REGISTRY.checks():
        t = time.perf_counter()
        findings.extend(rule.check(catalogue))
        rules[f"{type(rule).__module__.rsplit('.', 1)[-1]}.{rule.id}"] = time.perf_counter() - t
    clock["rules (all)"] = time.perf_counter() - t_rules
    t = time.perf_counter()
    texts = {doc.file: doc.text for doc in catalogue.documents.values() if doc.text}
    locator.locate(findings, texts)
    clock["locate + sort"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    print(f"{len(files)} files, {sum(len(f.data or b'') for f in files) / 1e6:.1f} MB, "
          f"{len(findings)} findings; total {total:.2f} s in-process (imports excluded)\n")
    print("| stage | seconds | share |\n|---|---:|---:|")
    for name, seconds in clock.items():
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    print("\n| rule | seconds |\n|---|---:|")
    for name, seconds in sorted(rules.items(), key=lambda kv: -kv[1])[:12]:
        print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
