#!/usr/bin/env python3
"""The floor for ``tthc build``: the same templates rendered with the same data, in memory.

    python benchmarks/bare_render.py CATALOGUE [--repeat 3] [--fast-load] [--one-qr]

Loads the catalogue (no rules), builds the views exactly as ``tthc build``
does (:mod:`tthc.catalogue_view`, QR codes from :mod:`tthc.qr`), then renders every
page ``tthc build`` writes (sheets index, one sheet per procedure, posting
lists, site index, one page per procedure and per decision) to strings: no
validation, no files. Prints one JSON object: the median render time over
the repeats, and, for information, the time to build the views and the QR
codes (first pass, QR cache cold) and the number of pages and characters.

Two options save set-up time that is not measured, without changing what
is rendered: ``--fast-load`` reads the YAML with PyYAML's C loader instead
of tthc's loader (only for catalogues written by ``generate.py``, whose data
both loaders read identically), and ``--one-qr`` draws one real QR code and
uses its SVG for every procedure (the templates insert it as opaque markup,
so the rendering cost is the same; drawing 10,000 codes with segno takes
minutes). ``benchmarks/run`` uses both.

Used by ``benchmarks/run``; prints ``{"skipped": reason}`` when tthc has no
renderer yet.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--long", type=float, default=0.0, help="stop repeating once one render takes this long")
    parser.add_argument("--fast-load", action="store_true", help="read YAML with PyYAML's C loader (generated data)")
    parser.add_argument("--one-qr", action="store_true", help="draw one QR code and reuse its SVG")
    parser.add_argument("--output", type=Path, help="write the JSON here instead of stdout")
    args = parser.parse_args()
    try:
        from tthc import catalogue_view, qr, render, selection, templating
        from tthc.model import COMPONENTS
    except ImportError as error:
        _emit(args.output, {"skipped": f"tthc has no renderer yet ({error})"})
        return 0
    from tthc.reading import load_catalogue
    from tthc.source import folder_files

    t = time.perf_counter()
    if args.fast_load:
        catalogue = _fast_catalogue(args.root)
    else:
        catalogue, _ = load_catalogue(str(args.root), folder_files(args.root))
    load_seconds = time.perf_counter() - t

    t = time.perf_counter()
    sheets = catalogue_view.catalogue_view(catalogue, selection.select(catalogue, selection.Filters()))
    lists = catalogue_view.posting_lists(catalogue, sheets)
    site = catalogue_view.catalogue_view(catalogue)
    views_seconds = time.perf_counter() - t

    from markupsafe import Markup

    t = time.perf_counter()
    drawn = 0
    one: str | None = None
    for view in (sheets, site):  # as render._render_procedures: one SVG per procedure view
        for p in view["procedures"]:
            if not p["qr"]:
                p["qr_svg"] = None
                continue
            if one is None or not args.one_qr:
                one = qr.svg(p["qr"]["payload"], f"Mã QR: {p['qr']['label']}")
                drawn += 1
            p["qr_svg"] = Markup(one) if one is not None else None
    qr_seconds = time.perf_counter() - t

    sections = getattr(render, "SECTIONS", tuple(COMPONENTS))

    def context(view: Any, root: str, stylesheet: str, **extra: Any) -> dict[str, Any]:
        return {"site": view, "root": root, "stylesheet": stylesheet, "labels": COMPONENTS,
                "sections": sections, **extra}

    env = templating.environment()
    sheet_css, site_css = "assets/sheet.css", "assets/site.css"

    def render_all() -> tuple[int, int]:
        pages = chars = 0

        def page(name: str, ctx: dict[str, Any]) -> None:
            nonlocal pages, chars
            chars += len(env.get_template(name).render(ctx))
            pages += 1

        page("sheets-index.html.j2", context(sheets, "", sheet_css, lists=lists, shops=[], pdf=False))
        for p in sheets["procedures"]:
            page("sheet.html.j2", context(sheets, "../", sheet_css, p=p, qr=True))
        for item in lists:
            page("posting-list.html.j2", context(sheets, "../", sheet_css, list=item, qr=True))
        page("index.html.j2", context(site, "", site_css, qr=True))
        for p in site["procedures"]:
            page("procedure.html.j2", context(site, "../", site_css, p=p, qr=True))
        for d in site["decisions"]:
            page("decision.html.j2", context(site, "../", site_css, d=d))
        return pages, chars

    for name in ("sheets-index.html.j2", "sheet.html.j2", "posting-list.html.j2", "index.html.j2",
                 "procedure.html.j2", "decision.html.j2"):
        env.get_template(name)  # compile first: a build compiles each template once, whatever the size
    times = []
    pages = chars = 0
    for _ in range(args.repeat):
        t = time.perf_counter()
        pages, chars = render_all()
        times.append(time.perf_counter() - t)
        if args.long and times[-1] > args.long:
            break
    _emit(args.output, {
        "render_seconds": statistics.median(times),
        "render_runs": times,
        "load_seconds": load_seconds,
        "views_seconds": views_seconds,
        "qr_seconds": qr_seconds,
        "qr_drawn": drawn,
        "pages": pages,
        "mb": round(chars / 1e6, 1),
    })
    return 0


def _emit(output: Path | None, data: dict[str, Any]) -> None:
    text = json.dumps(data)
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", "utf-8")


def _fast_catalogue(root: Path) -> Any:
    """The catalogue, read with PyYAML's C loader: generated files only (see the module docstring)."""
    import yaml

    from tthc.loader import _jsonable
    from tthc.model import Document
    from tthc.records import build_catalogue
    from tthc.source import folder_files

    documents = {}
    for file in folder_files(root):
        data = _jsonable(yaml.load(file.data or b"", Loader=yaml.CSafeLoader), 0, 1000)
        documents[file.path] = Document(file.path, file.kind, data)
    return build_catalogue(str(root), documents)


if __name__ == "__main__":
    sys.exit(main())
