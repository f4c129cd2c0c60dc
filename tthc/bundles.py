"""Print-ready bundles: one PDF per posting list and per one-stop shop, to print in one go.

An official preparing a notice board prints one file, not a hundred: a
cover (authority, the list's title, how many procedures, the catalogue's
date and a table of contents with page numbers), then the posting sheet of
every procedure of the list, in the list's order (by field, then
Vietnamese alphabetical order), numbered "Trang 3/27" across the bundle.

The sheets are the very HTML files the run has just written: each is laid
out by WeasyPrint with one more stylesheet that only numbers its pages from
where the previous one ended, and the pages of the cover and the sheets are
joined into one document. Nothing is rendered differently from the single
sheets.

A one-stop shop (Bộ phận Một cửa, Trung tâm Phục vụ hành chính công) is
where dossiers are received: the ``address`` of the performing agencies in
``tthc.yaml`` (Địa chỉ tiếp nhận hồ sơ). Agencies with the same address
share a shop, and an agency whose name is a shop's address (the Trung tâm
itself) belongs to it; an agency without an address has its own posting
list but no shop.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tthc import collation, text
from tthc.catalogue_view import group_by_field
from tthc.model import Catalogue
from tthc.output_folder import Writer
from tthc.output_names import BUNDLE_DIR, slug_name, unique_names
from tthc.pdf import Printer, pdf_bytes
from tthc.procedure_view import View

COVER_TEMPLATE = "bundle-cover.html.j2"
STYLESHEET = "bundle.css"

RenderPage = Callable[[str, dict[str, Any]], str]
"""A template name and extra context → HTML (the run's own templates and catalogue-wide values)."""


def _key(value: str) -> str:
    return " ".join(text.fold(value).split())


def _shops(agencies: list[View]) -> dict[str, tuple[str, list[str]]]:
    """The one-stop shops of these agencies: by folded address, its title and the ids of its agencies."""
    shops: dict[str, tuple[str, list[str]]] = {}
    for agency in agencies:
        if agency["address"].strip():
            _title, members = shops.setdefault(_key(agency["address"]), (" ".join(agency["address"].split()), []))
            members.append(agency["id"])
    for agency in agencies:  # the Trung tâm itself, named as the other agencies' address
        shop = shops.get(_key(agency["name"]))
        if shop is not None and agency["id"] not in shop[1]:
            shop[1].append(agency["id"])
    return shops


def shop_count(agencies: list[View]) -> int:
    """How many one-stop shops these agencies make (:func:`shop_lists`), known before any procedure view is."""
    return len(_shops(agencies))


def shop_lists(catalogue: Catalogue, site: View) -> list[View]:
    """One list per one-stop shop of the procedures in ``site``, shaped as a posting list (kind "shop")."""
    agencies: list[View] = site["agencies"]
    lists: list[View] = []
    for title, members in _shops(agencies).values():
        chosen = [p for p in site["procedures"] if any(a in members for a in p["performing_ids"])]
        names = [a["name"] for a in agencies if a["id"] in members]
        lists.append(
            {
                "kind": "shop",
                "title": title,
                "file": "mot-cua-" + slug_name(title, "mot-cua"),
                "agency": None,
                "agencies": names,
                "groups": group_by_field(catalogue, chosen),
                "count": len(chosen),
            }
        )
    return sorted(lists, key=lambda item: (collation.sort_key(item["title"]), item["title"]))


def plan(catalogue: Catalogue, site: View, lists: list[View]) -> list[View]:
    """The bundles of a run: one per posting list, then one per one-stop shop.

    Each posting list gets ``bundle`` (the path of its bundle), for the
    contents page; the shops are returned among the bundles.
    """
    bundles = [*lists, *shop_lists(catalogue, site)]
    for item, name in zip(bundles, unique_names(f"{item['file']}" for item in bundles), strict=True):
        item["bundle"] = f"{BUNDLE_DIR}/{name}.pdf"
    return bundles


def _numbering(start: int, total: int) -> str:
    """Pages numbered from ``start`` of ``total``, whatever the document's own footer says.

    WeasyPrint applies these stylesheets as the user's, which lose to the
    document's own rules unless ``!important``.
    """
    return (
        f'@page {{ @bottom-right {{ content: "Trang " counter(page) "/{total}" !important; }} }}\n'
        f"@page :first {{ counter-reset: page {start}; }}\n"
    )


def write(
    writer: Writer,
    prefix: str,
    bundles: Sequence[View],
    render_page: RenderPage,
    stylesheet: str,
) -> None:
    """Write every bundle into the staging folder, after the sheets it joins (already written)."""
    printer = Printer(writer.root)
    pages_of = functools.cache(lambda sheet: len(printer.document(sheet).pages))
    for bundle in bundles:
        procedures = [p for group in bundle["groups"] for p in group["procedures"]]
        sheets = [writer.path(f"{prefix}{p['path']}") for p in procedures]
        counts = [pages_of(sheet) for sheet in sheets]
        target = writer.path(f"{prefix}{bundle['bundle']}")
        cover, cover_pages = _cover(printer, bundle, counts, render_page, stylesheet, target)
        total = cover_pages + sum(counts)
        documents = [cover]
        start = cover_pages + 1
        for sheet, count in zip(sheets, counts, strict=True):
            documents.append(printer.document(sheet, [_numbering(start, total)]))
            start += count
        joined = documents[0].copy([page for document in documents for page in document.pages])
        writer.write(f"{prefix}{bundle['bundle']}", pdf_bytes(joined))


def _cover(
    printer: Printer,
    bundle: View,
    counts: list[int],
    render_page: RenderPage,
    stylesheet: str,
    target: Path,
) -> tuple[Any, int]:
    """The laid-out cover and its number of pages: its contents give the page of each sheet, after the cover."""
    pages = 1
    for _ in range(4):  # a long contents page may push the first sheet by a page, once or twice
        entries = _contents(bundle, counts, pages)
        html = render_page(COVER_TEMPLATE, {"bundle": bundle, "contents": entries, "total": pages + sum(counts)})
        document = printer.document(html, [stylesheet, _numbering(1, pages + sum(counts))], base=target)
        if len(document.pages) == pages:
            return document, pages
        pages = len(document.pages)
    return document, len(document.pages)


def _contents(bundle: View, counts: list[int], cover_pages: int) -> list[View]:
    """The table of contents: each field with its procedures and the page each sheet starts on."""
    page, i, out = cover_pages + 1, 0, []
    for group in bundle["groups"]:
        rows = []
        for p in group["procedures"]:
            rows.append({"p": p, "page": page})
            page += counts[i]
            i += 1
        out.append({"number": group["number"], "name": group["name"], "rows": rows})
    return out
