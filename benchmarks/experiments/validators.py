#!/usr/bin/env python3
"""JSON Schema validation of the loaded procedures: jsonschema vs faster validators.

    python benchmarks/experiments/validators.py CATALOGUE [--repeat 3]

All candidates get the same already-loaded data (tthc's own loader) and the
schema tthc ships. The fast validators are meant as a *gate*: a file that
passes needs nothing more; a file that fails goes through jsonschema's
``iter_errors`` as now, so every finding keeps its wording and path. The
script also checks that each gate agrees with jsonschema on every file, and
on a set of broken variants of one file (a wrong type, a missing key, a
bad pattern, a bad date, an unknown key).
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from tthc import loader, schema


def _broken(data: dict[str, Any]) -> list[dict[str, Any]]:
    variants = []
    for change in (
        lambda d: d.__setitem__("code", 1.001193),
        lambda d: d.pop("steps"),
        lambda d: d.__setitem__("field", "Hộ tịch"),
        lambda d: d["legal_basis"][0].__setitem__("date", "2014-02-30"),
        lambda d: d.__setitem__("extra", "x"),
        lambda d: d["methods"][0]["time"].__setitem__("unit", "tuần"),
        lambda d: d.__setitem__("level", ["Cấp xã", "Cấp xã"]),
        lambda d: d["methods"][0]["fee"].__setitem__("amount", "50.000"),
    ):
        variant = copy.deepcopy(data)
        change(variant)
        variants.append(variant)
    return variants


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = sorted((args.root / "procedures").rglob("*.yaml"))
    docs = [loader.load(p.name, "procedure", p.read_bytes()).document.data for p in paths]
    raw_schema = schema.schema("procedure")
    strict = Draft202012Validator(raw_schema, format_checker=FormatChecker())

    import fastjsonschema
    import jsonschema_rs

    rs = jsonschema_rs.Draft202012Validator(raw_schema, validate_formats=True)
    draft7 = {**raw_schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    fast = fastjsonschema.compile(draft7)

    def fast_ok(d: Any) -> bool:
        try:
            fast(d)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    gates: dict[str, Callable[[Any], bool]] = {
        "jsonschema is_valid": strict.is_valid,
        "jsonschema-rs is_valid": rs.is_valid,
        "fastjsonschema (as draft-07)": fast_ok,
    }
    candidates: dict[str, Callable[[], Any]] = {
        "tthc schema.check (now: iter_errors + findings)": lambda: [schema.check("f", "procedure", d) for d in docs],
        **{name: (lambda g=gate: [g(d) for d in docs]) for name, gate in gates.items()},
        "jsonschema-rs, data as JSON text": lambda: [rs.is_valid(json.loads(s)) for s in texts],
    }
    texts = [json.dumps(d, ensure_ascii=False) for d in docs]
    print(f"{len(docs)} procedures; median of {args.repeat}\n")
    print("| validator | seconds | per file (ms) | vs now |\n|---|---:|---:|---:|")
    base = None
    for name, run in candidates.items():
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            run()
            times.append(time.perf_counter() - t)
        seconds = statistics.median(times)
        base = base or seconds
        print(f"| {name} | {seconds:.3f} | {1000 * seconds / len(docs):.3f} | {seconds / base:.3f} |")
    print("\nAgreement with jsonschema (valid files, then broken variants):")
    broken = _broken(docs[0])
    for name, gate in gates.items():
        same_valid = sum(gate(d) == strict.is_valid(d) for d in docs)
        same_broken = sum(gate(d) == strict.is_valid(d) for d in broken)
        print(f"- {name}: {same_valid}/{len(docs)} valid files, {same_broken}/{len(broken)} broken variants agree")


if __name__ == "__main__":
    main()
