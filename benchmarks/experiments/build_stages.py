#!/usr/bin/env python3
"""Where the time of ``tthc build`` goes, stage by stage.

    python benchmarks/experiments/build_stages.py CATALOGUE OUT

Replays :func:`tthc.render.build` (validation first, as the command does)
with a clock around each stage. It calls render's private helpers, so it
follows the module as it is at the measured commit and may need a touch
when render changes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tthc import qr, render
from tthc.procedure_view import View
from tthc.validate import validate


def main(root: Path, out: Path) -> None:
    clock: dict[str, float] = {}
    t0 = time.perf_counter()
    report = validate(root)
    clock["validate (as tthc build does first)"] = time.perf_counter() - t0
    catalogue = report.catalogue
    assert catalogue is not None
    options = render.RenderOptions()
    qr.svg.cache_clear()
    calls = {"n": 0}
    draw = qr.svg

    def counting(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        return draw(*args, **kwargs)  # type: ignore[arg-type]

    qr_time = {"s": 0.0}

    def timed_add_qr(site: View, enabled: bool) -> None:
        t = time.perf_counter()
        original_add_qr(site, enabled)
        qr_time["s"] += time.perf_counter() - t

    original_add_qr = render._add_qr
    render._add_qr = timed_add_qr  # type: ignore[assignment]
    t = time.perf_counter()
    sheets, lists = render._plan_sheets(catalogue, options)
    site = render._plan_site(catalogue, options)
    planned = time.perf_counter() - t
    clock["views (catalogue_view ×2, posting lists)"] = planned - qr_time["s"]
    info = qr.svg.cache_info()
    clock[f"QR codes ({info.misses:,} drawn, {info.hits:,} from the LRU cache)"] = qr_time["s"]
    render._add_qr = original_add_qr  # type: ignore[assignment]

    env = render._environment(options)
    rendered = {"s": 0.0}
    original_render = render._render

    def timed_render(env_: object, name: str, context: dict[str, object]) -> str:
        t = time.perf_counter()
        html = original_render(env_, name, context)  # type: ignore[arg-type]
        rendered["s"] += time.perf_counter() - t
        return html

    render._render = timed_render  # type: ignore[assignment]
    t = time.perf_counter()
    target = render.check_output(out, root)
    with render._staging(target) as tmp:
        writer = render._Writer(tmp, 0, None)
        render._write_sheets(env, writer, "sheets/", sheets, lists, options)
        render._write_site(env, writer, "site/", site, options)
    written = time.perf_counter() - t
    render._render = original_render  # type: ignore[assignment]
    clock["Jinja2 rendering"] = rendered["s"]
    clock[f"writing {writer.done:,} files, staging and swap"] = written - rendered["s"]
    total = time.perf_counter() - t0
    print(f"{len(catalogue.procedures):,} procedures; total {total:.1f} s in-process\n")
    print("| stage | seconds | share |\n|---|---:|---:|")
    for name, seconds in clock.items():
        print(f"| {name} | {seconds:.1f} | {seconds / total:.0%} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
