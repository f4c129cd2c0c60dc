"""Render posting sheets and the listing site: views → templates → files.

Pages go into a staging folder that :mod:`tthc.output_folder` checks and
swaps in whole. Output is a pure function of the catalogue and the templates
(no timestamps, stable order), so re-rendering an unchanged catalogue gives
byte-identical files and a diff of the output shows only real changes.
Nothing here prints; the CLI reports progress through a callback.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from tthc import bundles, heap, parallel, qr, templating
from tthc.catalogue_view import catalogue_view, posting_lists
from tthc.model import COMPONENTS, Catalogue
from tthc.output_folder import (
    MARKER,
    MARKER_TEXT,
    Progress,
    RenderError,
    Writer,
    check_output,
    staging,
)
from tthc.pdf import PdfUnavailable, pdf_problem
from tthc.pdf import writer as _pdf_writer
from tthc.procedure_view import View
from tthc.selection import FilterError, Filters, select

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

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
    try:
        return _template(env, name).render(context)
    except RenderError:
        raise
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


def _plan_sheets(catalogue: Catalogue, options: RenderOptions) -> tuple[View, list[View]]:
    try:
        chosen = select(catalogue, options.filters)
    except FilterError as error:
        raise RenderError(str(error)) from error
    with heap.keeping():  # the views live to the end of the run
        site = catalogue_view(catalogue, chosen if options.filters else None)  # None: no second sort
        return site, posting_lists(catalogue, site)


def _sheet_files(site: View, lists: list[View], options: RenderOptions) -> int:
    pages = len(site["procedures"]) + len(lists)
    return 1 + len(SHEET_ASSETS) + pages * (2 if options.pdf else 1)


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
    writer.write(f"{prefix}index.html", _render(env, "sheets-index.html.j2", context))
    for item in lists:
        html = _render(env, "posting-list.html.j2", _context(site, "../", SHEET_CSS, list=item, qr=options.qr))
        target = writer.write(f"{prefix}{item['path']}", html)
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
class _Pages:
    """What rendering the pages of some procedures needs besides the procedures: all a worker is sent."""

    root: Path
    templates: Path | None
    site: View
    """Catalogue-wide values only (:data:`INDEX_ONLY`)."""
    kinds: tuple[_PageKind, ...]
    qr: bool


def _render_procedures(
    pages: _Pages,
    procedures: Sequence[View],
    env: jinja2.Environment | None = None,
    writer: Writer | None = None,
    pdf: Callable[[Path, Path], None] | None = None,
) -> list[str | None]:
    """Write every page of each procedure; the QR SVG of each, for the posting lists.

    Each page is written as soon as it is rendered: holding every sheet
    until the end cost 350 MB at 10,000 procedures.
    """
    env = env or _worker_environment(pages.templates)
    writer = writer or Writer(pages.root, 0, None)
    made: list[str | None] = []
    for p in procedures:
        svg = _qr_svg(p, pages.qr)
        p["qr_svg"] = Markup(svg) if svg is not None else None
        for kind in pages.kinds:
            html = _render(env, kind.template, _context(pages.site, "../", kind.stylesheet, p=p, qr=pages.qr))
            target = writer.write(f"{kind.prefix}{p['path']}", html)
            if pdf is not None and kind.pdf:
                pdf(target, target.with_suffix(".pdf"))
                writer.tick()
        made.append(svg)
    return made


def _render_chunk(pages: _Pages, procedures: Sequence[View]) -> list[str | None]:
    """A worker's part (:func:`_render_procedures` with the worker's own environment and writer)."""
    return _render_procedures(pages, procedures)


@functools.cache
def _worker_environment(templates: Path | None) -> jinja2.Environment:
    """A worker's template environment, compiled once per process."""
    return templating.environment(templates)


def _write_procedures(
    env: jinja2.Environment,
    writer: Writer,
    procedures: list[View],
    kinds: tuple[_PageKind, ...],
    site: View,
    options: RenderOptions,
    pool: ProcessPoolExecutor | None,
    meanwhile: Callable[[], None] = lambda: None,
) -> None:
    """The pages of every procedure, then ``meanwhile`` (pages that need no QR code), here or in ``pool`` (:func:`_workers`).

    Rendering and the QR codes are four fifths of a build, and a page of one
    procedure is a pure function of its view and the catalogue-wide values
    (:mod:`tthc.parallel`). A worker cannot report progress or keep the QR
    codes it made, so it sends them back with its chunk; they go onto the
    views here, where the posting lists need them.
    """
    pages = _Pages(writer.root, options.templates, _page_site(site), kinds, options.qr)
    if pool is None:
        _render_procedures(pages, procedures, env, writer, _pdf_writer(writer.root) if options.pdf else None)
        meanwhile()
        return
    pending = collections.deque((chunk, pool.submit(_render_chunk, pages, chunk)) for chunk in parallel.chunks(procedures))
    meanwhile()  # while the workers render, this process is free
    while pending:  # each chunk's answer let go once its QR codes are on the views: 3 kB a procedure
        chunk, future = pending.popleft()
        for p, svg in zip(chunk, future.result(), strict=True):
            p["qr_svg"] = Markup(svg) if svg is not None else None
        writer.advance(len(chunk) * len(kinds))


@contextmanager
def _workers(catalogue: Catalogue, options: RenderOptions) -> Iterator[ProcessPoolExecutor | None]:
    """The render workers for this catalogue, started at once; ``None`` when this process renders alone.

    Started before the views are built, so that spawning them, importing
    tthc and compiling the templates (about a second) happen while this
    process builds the views. PDF stays in this process: the PDF writer
    (WeasyPrint and its URL guard) is made here.
    """
    workers = 0 if options.pdf else parallel.workers_for(len(catalogue.by_code()))
    if not workers:
        yield None
        return
    with parallel.pool(workers, functools.partial(_worker_environment, options.templates)) as pool:
        yield pool


def _plan_site(catalogue: Catalogue) -> View:
    with heap.keeping():  # the views live to the end of the run
        return catalogue_view(catalogue)


def _site_files(site: View) -> int:
    return 1 + len(SITE_ASSETS) + len(site["procedures"]) + len(site["decisions"])


def _write_site(env: jinja2.Environment, writer: Writer, prefix: str, site: View, options: RenderOptions) -> None:
    """Everything of the site but the pages of one procedure: assets, the index, the decisions."""
    for name in SITE_ASSETS:
        writer.write(f"{prefix}{ASSETS_DIR}/{name}", _asset(env, name))
    writer.write(f"{prefix}index.html", _render(env, "index.html.j2", _context(site, "", SITE_CSS, qr=options.qr)))
    for d in site["decisions"]:
        writer.write(f"{prefix}{d['path']}", _render(env, "decision.html.j2", _context(site, "../", SITE_CSS, d=d)))


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


def render_sheets(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """One A4 sheet per chosen procedure, a posting list per level and per agency, and a contents page."""
    options, target, env = _prepare(catalogue, out, options)
    with _workers(catalogue, options) as pool:
        site, lists = _plan_sheets(catalogue, options)
        planned = _plan_bundles(catalogue, site, lists, options)
        with staging(target, pool) as tmp:
            writer = Writer(tmp, _sheet_files(site, lists, options) + len(planned), progress)
            _write_sheet_assets(env, writer, "")
            _write_procedures(env, writer, site["procedures"], (_sheet_page(""),), site, options, pool)
            _write_sheets(env, writer, "", site, lists, options, _shops(planned))
            _write_bundles(env, writer, "", site, planned)
    return RenderResult(target, writer.done, len(site["procedures"]))


def render_site(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """The listing site: an index with search and filters, a page per procedure and per decision."""
    options, target, env = _prepare(catalogue, out, options)
    with _workers(catalogue, options) as pool:
        site = _plan_site(catalogue)
        with staging(target, pool) as tmp:
            writer = Writer(tmp, _site_files(site), progress)
            _write_procedures(
                env, writer, site["procedures"], (_site_page(""),), site, options, pool,
                meanwhile=lambda: _write_site(env, writer, "", site, options),
            )
    return RenderResult(target, writer.done, len(site["procedures"]))


def build(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """Sheets in ``out/sheets/`` and the site in ``out/site/``, swapped into place together."""
    options, target, env = _prepare(catalogue, out, options)
    with _workers(catalogue, options) as pool:
        site = _plan_site(catalogue)
        sheets_prefix, site_prefix = f"{SHEETS_DIR}/", f"{SITE_DIR}/"
        if options.filters:
            sheets, lists = _plan_sheets(catalogue, options)
        else:  # the same view (and QR codes) as the site's: building it twice cost 25 s at 10k
            sheets, lists = site, posting_lists(catalogue, site)
        planned = _plan_bundles(catalogue, sheets, lists, options)
        with staging(target, pool) as tmp:
            writer = Writer(tmp, _sheet_files(sheets, lists, options) + _site_files(site) + len(planned), progress)
            site_rest = functools.partial(_write_site, env, writer, site_prefix, site, options)
            _write_sheet_assets(env, writer, sheets_prefix)
            if options.filters:
                sheet_kinds = (_sheet_page(sheets_prefix),)
                _write_procedures(env, writer, sheets["procedures"], sheet_kinds, sheets, options, pool)
                _write_procedures(
                    env, writer, site["procedures"], (_site_page(site_prefix),), site, options, pool, site_rest
                )
            else:
                kinds = (_sheet_page(sheets_prefix), _site_page(site_prefix))
                _write_procedures(env, writer, site["procedures"], kinds, site, options, pool, site_rest)
            _write_sheets(env, writer, sheets_prefix, sheets, lists, options, _shops(planned))
            _write_bundles(env, writer, sheets_prefix, sheets, planned)
            for sub in (SHEETS_DIR, SITE_DIR):  # so that `render site --out build/site` may replace it
                (tmp / sub / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return RenderResult(target, writer.done, len(site["procedures"]))
