"""Render posting sheets and the listing site: views → templates → files.

Pages go into a staging folder that :mod:`tthc.output_folder` checks and
swaps in whole. Output is a pure function of the catalogue and the templates
(no timestamps, stable order), so re-rendering an unchanged catalogue gives
byte-identical files and a diff of the output shows only real changes.
Nothing here prints; the CLI reports progress through a callback.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from tthc import bundles, heap, parallel, qr, templating
from tthc.catalogue_view import (
    decision_paths,
    ordered,
    page_values,
    posting_lists,
    published_decisions,
    site_view,
)
from tthc.model import COMPONENTS, Catalogue, Decision, Procedure
from tthc.output_folder import (
    MARKER,
    MARKER_TEXT,
    Progress,
    RenderError,
    Writer,
    check_output,
    staging,
)
from tthc.output_names import procedure_names
from tthc.pdf import PdfUnavailable, pdf_problem
from tthc.pdf import writer as _pdf_writer
from tthc.procedure_view import View, procedure_view, summary
from tthc.selection import FilterError, Filters, select

__all__ = [
    "MARKER",
    "PdfUnavailable",
    "Progress",
    "RenderError",
    "RenderOptions",
    "RenderResult",
    "build",
    "check_output",
    "pdf_problem",
    "render_sheets",
    "render_site",
]

SHEETS_DIR = "sheets"
SITE_DIR = "site"
ASSETS_DIR = "assets"
SITE_ASSETS = ("site.css", "site.js")
SHEET_ASSETS = ("sheet.css",)
HEADER_KEYS = frozenset({"code", "name", "field", "level", "kind", "decisions"})
SECTIONS = tuple(key for key in COMPONENTS if key not in HEADER_KEYS)
"""Components shown as numbered sections, in the order of the national record."""


@dataclass(frozen=True)
class RenderOptions:
    qr: bool = True
    """Put QR codes on sheets, lists and pages (local practice, on by default)."""
    pdf: bool = False
    """Also print every sheet and posting list to PDF with WeasyPrint."""
    templates: Path | None = None
    """A folder whose templates override the shipped ones by name."""
    filters: Filters = field(default_factory=Filters)
    """Which procedures get sheets (the site always lists every procedure)."""


@dataclass(frozen=True)
class RenderResult:
    out: Path
    files: int
    procedures: int


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------


def _environment(options: RenderOptions) -> jinja2.Environment:
    if options.templates is not None and not options.templates.is_dir():
        raise RenderError(f"Không tìm thấy thư mục mẫu (templates) “{options.templates}”.")
    return templating.environment(options.templates)


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"Không tìm thấy mẫu “{error.name}”.") from error
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(f"Mẫu “{error.name or name}” có lỗi cú pháp ở dòng {error.lineno}: {error.message}") from error


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    return "".join(_pieces(env, name, context))


def _pieces(env: jinja2.Environment, name: str, context: dict[str, Any]) -> Iterator[str]:
    """The page in the pieces its template makes, as it makes them (:meth:`Writer.stream` writes them so)."""
    template = _template(env, name)
    try:
        yield from template.generate(context)
    except Exception as error:  # a province's own template may fail in any way
        raise RenderError(f"Mẫu “{name}” không hiển thị được: {type(error).__name__}: {error}") from error


def _asset(env: jinja2.Environment, name: str) -> str:
    """A static file (CSS, JS) by name, overridable like a template, copied as it is."""
    loader = env.loader
    assert loader is not None
    try:
        source, _, _ = loader.get_source(env, name)
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"Không tìm thấy tệp “{name}” trong thư mục mẫu.") from error
    return source


def _qr_svg(p: View, enabled: bool) -> str | None:
    """The QR SVG of one procedure view (``None`` when off or impossible)."""
    return qr.svg(p["qr"]["payload"], f"Mã QR: {p['qr']['label']}") if enabled and p["qr"] else None


INDEX_ONLY = frozenset({"procedures", "fields", "decisions", "search", "stats"})
"""Keys of the site view that only index pages get.

A page of one procedure is rendered with ``site`` holding the catalogue-wide
values (authority, feedback box, levels, agencies, counts) but not the lists
of every procedure: those are most of the view, and the pages of one
procedure are rendered in worker processes that are sent only what they
need. The shipped templates use none of them there; a template of one's own
must not either (README, "Templates")."""


def _page_site(site: View) -> View:
    return {key: value for key, value in site.items() if key not in INDEX_ONLY}


def _context(site: View, root: str, stylesheet: str, **extra: Any) -> dict[str, Any]:
    return {
        "site": site,
        "root": root,
        "stylesheet": stylesheet,
        "labels": COMPONENTS,
        "sections": SECTIONS,
        **extra,
    }


# --------------------------------------------------------------------------
# Sheets and site
# --------------------------------------------------------------------------


SHEET_CSS = f"{ASSETS_DIR}/sheet.css"
SITE_CSS = f"{ASSETS_DIR}/site.css"


def _sheet_page(prefix: str) -> _PageKind:
    return _PageKind(prefix, "sheet.html.j2", SHEET_CSS, pdf=True)


def _site_page(prefix: str) -> _PageKind:
    return _PageKind(prefix, "procedure.html.j2", SITE_CSS, pdf=False)


def _write_sheet_assets(env: jinja2.Environment, writer: Writer, prefix: str) -> None:
    """The stylesheet, first: a sheet printed to PDF reads it as it is printed."""
    for name in SHEET_ASSETS:
        writer.write(f"{prefix}{ASSETS_DIR}/{name}", _asset(env, name))


def _write_sheets(
    env: jinja2.Environment,
    writer: Writer,
    prefix: str,
    site: View,
    lists: list[View],
    options: RenderOptions,
    shops: Sequence[View] = (),
) -> None:
    """Everything of the sheets but their assets and the sheets of one procedure: contents, posting lists."""
    pdf = _pdf_writer(writer.root) if options.pdf else None
    context = _context(site, "", SHEET_CSS, lists=lists, shops=shops, pdf=options.pdf)
    writer.stream(f"{prefix}index.html", _pieces(env, "sheets-index.html.j2", context))
    for item in lists:
        html = _pieces(env, "posting-list.html.j2", _context(site, "../", SHEET_CSS, list=item, qr=options.qr))
        target = writer.stream(f"{prefix}{item['path']}", html)
        if pdf is not None:
            pdf(target, target.with_suffix(".pdf"))
            writer.tick()


def _plan_bundles(catalogue: Catalogue, site: View, lists: list[View], options: RenderOptions) -> list[View]:
    """The print-ready bundles of a run with ``--pdf`` (:mod:`tthc.bundles`), none without."""
    return bundles.plan(catalogue, site, lists) if options.pdf else []


def _write_bundles(env: jinja2.Environment, writer: Writer, prefix: str, site: View, planned: list[View]) -> None:
    """The bundles, once the sheets they join are written."""
    if planned:
        def cover(name: str, extra: dict[str, Any]) -> str:
            return _render(env, name, _context(site, "../", SHEET_CSS, **extra))

        bundles.write(writer, prefix, planned, cover, _asset(env, bundles.STYLESHEET))


def _shops(planned: list[View]) -> list[View]:
    return [item for item in planned if item["kind"] == "shop"]


# --------------------------------------------------------------------------
# The pages of one procedure, in worker processes when there are many
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _PageKind:
    """One page each procedure gets: where, from which template, with which stylesheet."""

    prefix: str
    template: str
    stylesheet: str
    pdf: bool
    """Also printed to PDF when the run asks for PDF (the sheets)."""


@dataclass(frozen=True)
class _Listing:
    """Procedures whose pages one pass renders: in order, each with its file name, and what their pages get as ``site``."""

    procedures: list[Procedure]
    names: dict[str, str]
    values: View
    """:func:`tthc.catalogue_view.page_values`: catalogue-wide values only (:data:`INDEX_ONLY`)."""
    kinds: tuple[_PageKind, ...]


def _listing(catalogue: Catalogue, procedures: Sequence[Procedure] | None, kinds: tuple[_PageKind, ...]) -> _Listing:
    chosen = ordered(catalogue, procedures)
    return _Listing(chosen, procedure_names(chosen), page_values(catalogue, chosen), kinds)


def _chosen(catalogue: Catalogue, options: RenderOptions) -> list[Procedure]:
    try:
        return select(catalogue, options.filters)
    except FilterError as error:
        raise RenderError(str(error)) from error


@dataclass(frozen=True)
class _Pages:
    """What rendering the pages of one procedure needs besides the procedure and its file name: sent once to each worker."""

    root: Path
    templates: Path | None
    qr: bool
    catalogue: Catalogue
    """Settings and pending changes: no procedures, no documents (:func:`_for_pages`)."""
    decisions: dict[str, Decision]
    """:meth:`Catalogue.decisions_by_number`, as pages cite them (:func:`_cited`)."""
    decision_paths: dict[str, str]
    passes: tuple[tuple[View, tuple[_PageKind, ...]], ...]
    """Each pass's catalogue-wide values and pages (:class:`_Listing`)."""


def _for_pages(catalogue: Catalogue) -> Catalogue:
    """The catalogue as a view of one procedure reads it: a worker is sent this, not 50,000 records and their files."""
    return Catalogue(catalogue.root, catalogue.settings, pending=catalogue.pending)


def _cited(decision: Decision) -> Decision:
    """A decision as a page of one procedure cites it (number, title, issuer, dates): without its lists, 100 procedures each."""
    return dataclasses.replace(decision, new=(), amended=(), replaced=(), abolished=(), cancels=(), data={})


def _pages(catalogue: Catalogue, root: Path, options: RenderOptions, listings: Sequence[_Listing]) -> _Pages:
    return _Pages(
        root,
        options.templates,
        options.qr,
        _for_pages(catalogue),
        {number: _cited(d) for number, d in catalogue.decisions_by_number().items()},
        decision_paths(published_decisions(catalogue)[1]),
        tuple((listing.values, listing.kinds) for listing in listings),
    )


def _render_procedures(
    pages: _Pages,
    step: int,
    procedures: Sequence[tuple[Procedure, str]],
    env: jinja2.Environment | None = None,
    writer: Writer | None = None,
    pdf: Callable[[Path, Path], None] | None = None,
) -> list[View]:
    """Make the view of each procedure, write its pages of pass ``step``; return each view's :func:`summary`.

    Each page is written as soon as it is rendered, and each view let go
    once its pages are: holding every view to the end cost 22 kB a
    procedure (1.1 GB at 50,000), holding every sheet 350 MB at 10,000.
    The summary keeps the QR SVG, for the posting lists.
    """
    env = env or _worker_environment(pages.templates)
    writer = writer or Writer(pages.root, 0, None)
    site, kinds = pages.passes[step]
    made: list[View] = []
    for procedure, name in procedures:
        p = procedure_view(procedure, pages.catalogue, name, pages.decision_paths, pages.decisions)
        svg = _qr_svg(p, pages.qr)
        p["qr_svg"] = Markup(svg) if svg is not None else None
        for kind in kinds:
            html = _render(env, kind.template, _context(site, "../", kind.stylesheet, p=p, qr=pages.qr))
            target = writer.write(f"{kind.prefix}{p['path']}", html)
            if pdf is not None and kind.pdf:
                pdf(target, target.with_suffix(".pdf"))
                writer.tick()
        kept = summary(p)
        kept["qr_svg"] = qr.Compact(svg) if svg is not None else None
        made.append(kept)
    return made


_given: _Pages | None = None
"""A worker's :class:`_Pages`, set once as it starts (:func:`_start_worker`)."""


def _start_worker(pages: _Pages) -> None:
    """Keep what every chunk needs and compile the templates, once per worker, while the others start."""
    global _given
    _given = pages
    _worker_environment(pages.templates)


def _render_chunk(step: int, procedures: bytes) -> list[View]:
    """A worker's part: :func:`_render_procedures` of records sent :func:`tthc.parallel.packed`, with the worker's own environment and writer."""
    assert _given is not None, "started by _start_worker"
    return _render_procedures(_given, step, parallel.unpacked(procedures))


@functools.cache
def _worker_environment(templates: Path | None) -> jinja2.Environment:
    """A worker's template environment, compiled once per process."""
    return templating.environment(templates)


def _write_procedures(
    env: jinja2.Environment, writer: Writer, pages: _Pages, listings: Sequence[_Listing], options: RenderOptions
) -> list[list[View]]:
    """The pages of every procedure of each listing, here or in worker processes; the summaries of each listing's views.

    Rendering and the QR codes are four fifths of a build, and a page of one
    procedure is a pure function of its record, its file name and the
    catalogue-wide values (:mod:`tthc.parallel`). A worker is sent the
    records, makes their views, writes their pages and sends back only the
    summaries (:data:`tthc.procedure_view.SUMMARY_KEYS`) with the QR codes,
    which the index and the posting lists need. It cannot report progress;
    its chunks are counted here as they come back.
    """
    work = [[(p, listing.names[p.code]) for p in listing.procedures] for listing in listings]
    workers = 0 if options.pdf else parallel.workers_for(sum(map(len, work)))
    if not workers:  # PDF stays in this process: the PDF writer (WeasyPrint and its URL guard) is made here
        pdf = _pdf_writer(writer.root) if options.pdf else None
        return [_render_procedures(pages, step, items, env, writer, pdf) for step, items in enumerate(work)]
    made: list[list[View]] = [[] for _ in work]
    chunks = ((step, chunk) for step, items in enumerate(work) for chunk in parallel.chunks(items))
    with parallel.pool(workers, functools.partial(_start_worker, pages)) as pool:
        pending: collections.deque[tuple[int, int, Future[list[View]]]] = collections.deque()

        def send() -> None:  # a few chunks ahead of the workers, not all at once: 6 kB a record pickled
            for step, chunk in itertools.islice(chunks, 2 * workers + 2 - len(pending)):
                pending.append((step, len(chunk), pool.submit(_render_chunk, step, parallel.packed(chunk))))

        send()
        while pending:
            step, count, future = pending.popleft()
            made[step].extend(future.result())
            send()
            writer.advance(count * len(listings[step].kinds))
    return made


def _site_files(listing: _Listing) -> int:
    return 1 + len(SITE_ASSETS) + len(listing.procedures)


def _decision_files(catalogue: Catalogue) -> int:
    return len(published_decisions(catalogue)[0])


def _list_count(listing: _Listing) -> int:
    """Posting lists: one per level, one per performing agency (:func:`tthc.catalogue_view.posting_lists`)."""
    return len(listing.values["levels"]) + len(listing.values["agencies"])


def _sheet_files(listing: _Listing, options: RenderOptions) -> int:
    pages = len(listing.procedures) + _list_count(listing)
    bundles_ = _list_count(listing) + bundles.shop_count(listing.values["agencies"]) if options.pdf else 0
    return 1 + len(SHEET_ASSETS) + pages * (2 if options.pdf else 1) + bundles_


def _write_site(env: jinja2.Environment, writer: Writer, prefix: str, site: View, options: RenderOptions) -> None:
    """Everything of the site but the pages of one procedure: assets, the index, the decisions."""
    for name in SITE_ASSETS:
        writer.write(f"{prefix}{ASSETS_DIR}/{name}", _asset(env, name))
    writer.stream(f"{prefix}index.html", _pieces(env, "index.html.j2", _context(site, "", SITE_CSS, qr=options.qr)))
    for d in site["decisions"]:
        writer.write(f"{prefix}{d['path']}", _render(env, "decision.html.j2", _context(site, "../", SITE_CSS, d=d)))


def _finish_sheets(
    catalogue: Catalogue, env: jinja2.Environment, writer: Writer, prefix: str, sheets: View, options: RenderOptions
) -> None:
    """The contents page, the posting lists and the bundles, once every sheet is written."""
    lists = posting_lists(catalogue, sheets)
    planned = _plan_bundles(catalogue, sheets, lists, options)
    _write_sheets(env, writer, prefix, sheets, lists, options, _shops(planned))
    _write_bundles(env, writer, prefix, sheets, planned)


def _prepare(
    catalogue: Catalogue, out: Path, options: RenderOptions | None
) -> tuple[RenderOptions, Path, jinja2.Environment]:
    """What every entry point checks before any work: the output folder, the templates, WeasyPrint if asked for."""
    options = options or RenderOptions()
    target = check_output(out, Path(catalogue.root) if catalogue.root else None)
    env = _environment(options)
    if options.pdf and (problem := pdf_problem()) is not None:
        raise PdfUnavailable(problem)
    return options, target, env


def _view(catalogue: Catalogue, listing: _Listing, summaries: list[View]) -> View:
    with heap.keeping():  # the views live to the end of the run
        return site_view(catalogue, listing.procedures, summaries, listing.values)


def render_sheets(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """One A4 sheet per chosen procedure, a posting list per level and per agency, and a contents page."""
    options, target, env = _prepare(catalogue, out, options)
    sheets = _listing(catalogue, _chosen(catalogue, options) if options.filters else None, (_sheet_page(""),))
    with staging(target) as tmp:
        writer = Writer(tmp, _sheet_files(sheets, options), progress)
        _write_sheet_assets(env, writer, "")
        (made,) = _write_procedures(env, writer, _pages(catalogue, tmp, options, [sheets]), [sheets], options)
        _finish_sheets(catalogue, env, writer, "", _view(catalogue, sheets, made), options)
    return RenderResult(target, writer.done, len(sheets.procedures))


def render_site(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """The listing site: an index with search and filters, a page per procedure and per decision."""
    options, target, env = _prepare(catalogue, out, options)
    site = _listing(catalogue, None, (_site_page(""),))
    with staging(target) as tmp:
        writer = Writer(tmp, _site_files(site) + _decision_files(catalogue), progress)
        (made,) = _write_procedures(env, writer, _pages(catalogue, tmp, options, [site]), [site], options)
        _write_site(env, writer, "", _view(catalogue, site, made), options)
    return RenderResult(target, writer.done, len(site.procedures))


def build(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """Sheets in ``out/sheets/`` and the site in ``out/site/``, swapped into place together."""
    options, target, env = _prepare(catalogue, out, options)
    sheets_prefix, site_prefix = f"{SHEETS_DIR}/", f"{SITE_DIR}/"
    sheet_kind, site_kind = _sheet_page(sheets_prefix), _site_page(site_prefix)
    if options.filters:
        listings = [
            _listing(catalogue, _chosen(catalogue, options), (sheet_kind,)),
            _listing(catalogue, None, (site_kind,)),
        ]
    else:  # one view (and QR code) per procedure for its sheet and its page: making each twice cost 25 s at 10k
        listings = [_listing(catalogue, None, (sheet_kind, site_kind))]
    with staging(target) as tmp:
        total = _sheet_files(listings[0], options) + _site_files(listings[-1]) + _decision_files(catalogue)
        writer = Writer(tmp, total, progress)
        _write_sheet_assets(env, writer, sheets_prefix)
        made = _write_procedures(env, writer, _pages(catalogue, tmp, options, listings), listings, options)
        site = _view(catalogue, listings[-1], made[-1])
        sheets = site if len(listings) == 1 else _view(catalogue, listings[0], made[0])
        _write_site(env, writer, site_prefix, site, options)
        _finish_sheets(catalogue, env, writer, sheets_prefix, sheets, options)
        for sub in (SHEETS_DIR, SITE_DIR):  # so that `render site --out build/site` may replace it
            (tmp / sub / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return RenderResult(target, writer.done, len(listings[-1].procedures))
