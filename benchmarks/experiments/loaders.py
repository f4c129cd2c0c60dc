#!/usr/bin/env python3
"""How fast can the procedure files be turned into plain data?

    python benchmarks/experiments/loaders.py CATALOGUE [--repeat 3]

Same bytes, several loaders, each checked to give the same data as tthc's
own loader (``tthc.loader.load``); times are the median of the repeats, for
all procedure files together, in one process (no start-up cost).

* tthc.loader.load: what ``tthc validate`` does now (decode, ruamel safe
  loader with the C parser, a new ``YAML()`` per file, ``_jsonable``);
* ruamel safe C, one YAML instance reused;
* PyYAML CSafeLoader (libyaml), and ``fastload.libyaml12`` (beside this script): libyaml
  with ruamel's own YAML 1.2 resolvers and a duplicate-key check, which must
  give ruamel's data exactly (checked below on tricky scalars too);
* ryaml (Rust): much faster, but reads some scalars differently (see the
  tricky-scalar table printed first); ``fastload.ryaml_guarded`` declines
  every document where that could matter;
* json / orjson of the same data (what a cache of parsed data costs to read);
* marshal / pickle of the same data (the same, Python-only formats);
* ruamel round-trip (what the locator pays per file that has a finding).
"""

from __future__ import annotations

import argparse
import json
import marshal
import pickle
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastload
import yaml as pyyaml
from ruamel.yaml import YAML

from tthc import loader


def _files(root: Path) -> list[tuple[str, bytes]]:
    return [(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted((root / "procedures").rglob("*.yaml"))]


def _jsonable(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = _files(args.root)
    reference = [loader.load(path, "procedure", raw).document.data for path, raw in files]
    texts = [raw.decode("utf-8") for _, raw in files]
    as_json = [json.dumps(d, ensure_ascii=False) for d in reference]
    as_json_bytes = [s.encode() for s in as_json]
    as_marshal = marshal.dumps(reference)
    as_pickle = pickle.dumps(reference, protocol=pickle.HIGHEST_PROTOCOL)
    shared = YAML(typ="safe", pure=False)

    import orjson

    candidates: dict[str, Callable[[], list[Any]]] = {
        "tthc.loader.load (now)": lambda: [loader.load(p, "procedure", raw).document.data for p, raw in files],
        "ruamel safe C, one YAML() reused": lambda: [_jsonable(shared.load(t)) for t in texts],
        "PyYAML CSafeLoader": lambda: [_jsonable(pyyaml.load(t, Loader=pyyaml.CSafeLoader)) for t in texts],
        "libyaml12: libyaml + ruamel's 1.2 resolvers + duplicate keys": lambda: [fastload.libyaml12(t) for t in texts],
        "ryaml (Rust), unguarded": lambda: [_ryaml_load(t) for t in texts],
        "fastload.ryaml_guarded (ryaml + guard)": lambda: [fastload.ryaml_guarded(t) for t in texts],
        "json.loads (per file)": lambda: [json.loads(s) for s in as_json],
        "orjson.loads (per file)": lambda: [orjson.loads(b) for b in as_json_bytes],
        "marshal.loads (all at once)": lambda: marshal.loads(as_marshal),
        "pickle.loads (all at once)": lambda: pickle.loads(as_pickle),
    }
    size = sum(len(raw) for _, raw in files)
    print(f"{len(files)} procedure files, {size / 1e6:.1f} MB of YAML; median of {args.repeat}\n")
    print("| loader | seconds | per file (ms) | vs tthc now | same data |\n|---|---:|---:|---:|---|")
    base = None
    for name, run in candidates.items():
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            out = run()
            times.append(time.perf_counter() - t)
        seconds = statistics.median(times)
        base = base or seconds
        same = "yes" if out == reference else "NO"
        print(f"| {name} | {seconds:.2f} | {1000 * seconds / len(files):.2f} | {seconds / base:.2f} | {same} |")
    rt = YAML(typ="rt")
    sample = texts[: max(1, len(texts) // 10)]
    t = time.perf_counter()
    for text in sample:
        rt.load(text)
    per_file = (time.perf_counter() - t) / len(sample)
    print(f"| ruamel round-trip (locator; {len(sample)} files) | {per_file * len(files):.2f} (extrapolated) "
          f"| {1000 * per_file:.2f} | {per_file * len(files) / base:.2f} | – |")


TRICKY = ("yes", "no", "on", "off", "y", "Yes", "true", "True", "FALSE", "~", "null", "Null", "", "0o17", "017",
          "0x1F", "0b101", "1_000", "+12", "-0", "1:20", "1:20.5", ".inf", "-.inf", ".5", "1.", "1e3", "1.0e+3",
          "1.001193", "1.000650", "2024-01-01", "2024-1-1 10:00:00", "2024-01-01T10:00:00Z", "=", "12:30", "007",
          "08", "\"1.001193\"", "[a, a]", "{a: 1, a: 2}", "Đăng ký: khai sinh", "'x'", "|\n  x")


def _ryaml_load(source: str) -> Any:
    import ryaml

    try:
        return ryaml.loads(source)
    except Exception as error:
        raise fastload.Unsure(str(error)) from error


def tricky_scalars() -> None:
    """Does each fast loader give ruamel's value (and type) for each tricky scalar, or decline?"""
    print(f"Tricky scalars ({len(TRICKY)}), as `a: <scalar>`, against tthc's loader (ruamel):\n")
    print("| loader | same value and type | declines (full loader used) | differs |\n|---|---:|---:|---|")
    for name, load in (("libyaml12", fastload.libyaml12), ("ryaml, unguarded", _ryaml_load),
                       ("ryaml_guarded", fastload.ryaml_guarded)):
        agree = declined = 0
        differ = []
        for value in TRICKY:
            source = f"a: {value}\n"
            reference = loader.load("f.yaml", "procedure", source.encode()).document.data
            try:
                fast = load(source)
            except fastload.Unsure:
                declined += 1
                continue
            same = fast == reference and all(type(fast[k]) is type(reference[k]) for k in fast)
            agree += same
            if not same:
                differ.append(value)
        print(f"| {name} | {agree} | {declined} | {len(differ)}: {', '.join(f'`{d}`' for d in differ)} |")
    print()


if __name__ == "__main__":
    tricky_scalars()
    main()
