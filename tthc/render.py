"""Render posting sheets and the listing site: views → templates → files.

Everything is written into a temporary folder beside the output folder and
moved into place only when complete, so a reader (a kiosk, a web server, an
official printing) sees the old output or the new one, never half of each;
and only the output folder itself is ever replaced. Before anything is
deleted the output folder is checked: it must not be the catalogue, one of
its parents, the filesystem root or the home folder, and if it holds
anything it must carry the marker of a previous tthc output, so a typo in
``--out`` can never wipe someone's documents.

Output is a pure function of the catalogue and the templates (no
timestamps, stable order), so re-rendering an unchanged catalogue gives
byte-identical files and a diff of the output shows only real changes.
Nothing here prints; the CLI reports progress through a callback.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from tthc import heap, parallel, qr, templating
from tthc.atomic import LinkOnWritePath, checked_path, first_link, folder_mode, output_top, write_new
from tthc.catalogue_view import catalogue_view, posting_lists
from tthc.model import COMPONENTS, Catalogue
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

MARKER = ".tthc-output"
"""A file in every output folder: proof that tthc made it and may replace it."""
MARKER_TEXT = "Thư mục này do tthc tạo ra (tthc render / tthc build) và sẽ được thay thế toàn bộ khi tạo lại.\n"
SHEETS_DIR = "sheets"
SITE_DIR = "site"
ASSETS_DIR = "assets"
SITE_ASSETS = ("site.css", "site.js")
SHEET_ASSETS = ("sheet.css",)
HEADER_KEYS = frozenset({"code", "name", "field", "level", "kind", "decisions"})
SECTIONS = tuple(key for key in COMPONENTS if key not in HEADER_KEYS)
"""Components shown as numbered sections, in the order of the national record."""

Progress = Callable[[int, int], None]
"""Called with (files written, files in all)."""

_PART = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z_-]|\.(?!\.))*")


class RenderError(Exception):
    """Rendering cannot go on; the message (Vietnamese) is for the user, exit code 2."""


class PdfUnavailable(RenderError):
    """``--pdf`` was asked for but WeasyPrint cannot be imported."""


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
# The output folder
# --------------------------------------------------------------------------


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


def check_output(out: Path, catalogue_root: Path | None = None) -> Path:
    """The resolved output folder, or :class:`RenderError` if replacing it could destroy anything else.

    A symbolic link is refused as the output folder, on the way to it from
    the working folder (see :func:`tthc.atomic.output_top`), and anywhere in
    an output folder being replaced: tthc never made it, so someone else did.
    """
    try:
        checked_path(out, output_top(out))
    except LinkOnWritePath as error:
        raise RenderError(str(error)) from error
    target = out.resolve()
    if target == Path(target.anchor):
        raise RenderError("Không thể dùng thư mục gốc của hệ thống tệp làm thư mục đầu ra.")
    home = _home()
    if home is not None and (target == home or target in home.parents):
        raise RenderError(f"Không thể dùng thư mục “{target}” (thư mục nhà hoặc thư mục chứa nó) làm thư mục đầu ra.")
    if catalogue_root is not None:
        root = catalogue_root.resolve()
        if target == root or target in root.parents:
            raise RenderError(
                f"Thư mục đầu ra “{target}” là bộ danh mục hoặc thư mục chứa nó; hãy chọn thư mục khác, ví dụ “build”."
            )
    if target.exists():
        if not target.is_dir():
            raise RenderError(f"“{target}” đã có và không phải là thư mục.")
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise RenderError(
                f"Thư mục “{target}” đã có nội dung nhưng không phải do tthc tạo ra (thiếu tệp {MARKER}); "
                "tthc không ghi đè để tránh xóa nhầm. Hãy chọn thư mục trống hoặc thư mục mới."
            )
        if (link := first_link(target)) is not None:
            raise RenderError(str(LinkOnWritePath(link, os.readlink(link))))
    return target


_LEFTOVER = r"\.{name}\.(?:tmp-[a-z0-9_]{{8}}|old-[0-9a-f]{{12}})"
"""The folders :func:`_staging` and :func:`_publish` make beside an output folder ``name``, and only those."""


@contextmanager
def _staging(out: Path, pool: ProcessPoolExecutor | None = None) -> Iterator[Path]:
    """A temporary folder beside ``out``; moved into place when the block ends without error.

    When it ends with an error or an interrupt, ``pool``'s workers, which
    write into the folder, are stopped before it is removed, or they would
    make parts of it again. A run killed outright cannot remove it: the next
    run writing ``out`` does (:func:`_remove_leftovers`). The folder is locked
    while in use, so that a run writing ``out`` at the same time keeps it.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    with _locked(tmp):
        try:
            yield tmp
            (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            tmp.chmod(folder_mode())  # mkdtemp makes it private; the output is for a web server or a kiosk
            _publish(tmp, out)
        except BaseException:
            if pool is not None:
                parallel.stop(pool)
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _publish(tmp: Path, out: Path) -> None:
    """Swap the finished folder in: the old output is renamed away first, then deleted.

    Ctrl-C and SIGTERM are ignored while it runs (a fraction of a second):
    once it starts, the new output goes into place and the command ends as
    done (exit code 0), never with half of a swap undone.
    """
    with _signals_held():
        if not out.exists():
            os.rename(tmp, out)
            return
        old = out.parent / f".{out.name}.old-{secrets.token_hex(6)}"
        with _locked(out):  # the lock moves with the folder to its old name
            os.rename(out, old)
            try:
                os.rename(tmp, out)
            except BaseException:
                os.rename(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """Remove the staging and old folders of runs killed while writing ``out`` (60 MB each at 1,500 procedures).

    Only folders named as tthc names them, real folders (not links), and
    not locked by a run still going.
    """
    leftover = re.compile(_LEFTOVER.format(name=re.escape(out.name)))
    with os.scandir(out.parent) as entries:
        found = [Path(e.path) for e in entries if leftover.fullmatch(e.name) and e.is_dir(follow_symlinks=False)]
    for folder in found:
        with contextlib.suppress(OSError), _locked(folder, wait=False):
            shutil.rmtree(folder)


@contextmanager
def _locked(folder: Path, wait: bool = True) -> Iterator[None]:
    """An exclusive lock on ``folder``, freed when the block ends or the process dies; OSError when taken and not ``wait``."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM ignored during the block (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stops = (signal.SIGINT, signal.SIGTERM)
    before = [signal.signal(s, signal.SIG_IGN) for s in stops]
    try:
        yield
    finally:
        for s, handler in zip(stops, before, strict=True):
            signal.signal(s, signal.SIG_DFL if handler is None else handler)


class _Writer:
    """Writes files under one folder, refusing any path that could leave it.

    A folder is checked (resolved, symlinks followed) and created once, when
    its first file is written, and remembered: a build writes thousands of
    pages into a handful of folders. Each file is still checked on its own
    when it already exists as a symlink, the one way left to point outside.
    """

    def __init__(self, root: Path, total: int, progress: Progress | None, done: int = 0) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.total = total
        self.done = done
        self.progress = progress
        self._folders: dict[tuple[str, ...], Path] = {}
        self._made: set[Path] = set()

    def _refuse(self, relative: str) -> RenderError:
        return RenderError(f"Đường dẫn đầu ra “{relative}” ra ngoài thư mục đầu ra.")

    def _folder(self, parts: tuple[str, ...], relative: str) -> Path:
        folder = self._folders.get(parts)
        if folder is None:
            folder = self.root.joinpath(*parts)
            if not folder.resolve().is_relative_to(self.real_root):
                raise self._refuse(relative)
            self._folders[parts] = folder
        return folder

    def path(self, relative: str) -> Path:
        parts = relative.split("/")
        if not parts or any(not _PART.fullmatch(part) for part in parts):
            raise RenderError(f"Đường dẫn đầu ra không hợp lệ: “{relative}”.")
        target = self._folder(tuple(parts[:-1]), relative) / parts[-1]
        if target.is_symlink() and not target.resolve().is_relative_to(self.real_root):
            raise self._refuse(relative)
        return target

    def write(self, relative: str, data: str | bytes) -> Path:
        target = self.path(relative)
        folder = target.parent
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)
        write_new(target, data.encode("utf-8") if isinstance(data, str) else data)
        self.tick()
        return target

    def tick(self) -> None:
        self.advance(1)

    def advance(self, files: int) -> None:
        """Count ``files`` written (here, or by a worker that cannot report)."""
        self.done += files
        if self.progress is not None:
            self.progress(self.done, self.total)


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
# PDF
# --------------------------------------------------------------------------


def pdf_problem() -> str | None:
    """Why PDF output is impossible here (a message for the user), or ``None`` if WeasyPrint works."""
    try:
        importlib.import_module("weasyprint")
    except Exception as error:  # ImportError, or OSError when Pango is missing
        return (
            "Xuất PDF cần thư viện WeasyPrint nhưng chưa cài được "
            f"({type(error).__name__}: {error}). Cài bằng lệnh: pip install 'tthc[pdf]' "
            "(trên Debian/Ubuntu cần thêm: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core)."
        )
    return None


def _pdf_writer(root: Path) -> Callable[[Path, Path], None]:
    """A function printing one HTML file to PDF, reading only files under ``root``."""
    problem = pdf_problem()
    if problem is not None:
        raise PdfUnavailable(problem)
    weasyprint: Any = importlib.import_module("weasyprint")
    real_root = root.resolve()

    def allowed(url: str) -> bool:
        if not url.startswith("file:"):
            return False
        from urllib.parse import unquote, urlsplit

        return Path(unquote(urlsplit(url).path)).resolve().is_relative_to(real_root)

    fetcher: Any
    if hasattr(weasyprint, "URLFetcher"):

        class _Local(weasyprint.URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                if not allowed(url):
                    raise ValueError(f"refused: {url}")
                return super().fetch(url, headers)

        fetcher = _Local()
    else:  # WeasyPrint before 66

        def fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
            if not allowed(url):
                raise ValueError(f"refused: {url}")
            return weasyprint.default_url_fetcher(url, *args, **kwargs)

    def write(html: Path, pdf: Path) -> None:
        document = weasyprint.HTML(filename=str(html), url_fetcher=fetcher)
        with _font_time_fixed():
            write_new(pdf, document.write_pdf())

    return write


@contextmanager
def _font_time_fixed() -> Iterator[None]:
    """The same catalogue prints the same PDF bytes, whenever it is printed.

    fontTools stamps every font subset that WeasyPrint embeds with the time
    it was made (seen with WeasyPrint 70), unless ``SOURCE_DATE_EPOCH`` names
    one (reproducible-builds.org); a value the user set is kept.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


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


def _write_sheet_assets(env: jinja2.Environment, writer: _Writer, prefix: str) -> None:
    """The stylesheet, first: a sheet printed to PDF reads it as it is printed."""
    for name in SHEET_ASSETS:
        writer.write(f"{prefix}{ASSETS_DIR}/{name}", _asset(env, name))


def _write_sheets(
    env: jinja2.Environment,
    writer: _Writer,
    prefix: str,
    site: View,
    lists: list[View],
    options: RenderOptions,
) -> None:
    """Everything of the sheets but their assets and the sheets of one procedure: contents, posting lists."""
    pdf = _pdf_writer(writer.root) if options.pdf else None
    writer.write(
        f"{prefix}index.html",
        _render(env, "sheets-index.html.j2", _context(site, "", SHEET_CSS, lists=lists, pdf=options.pdf)),
    )
    for item in lists:
        html = _render(env, "posting-list.html.j2", _context(site, "../", SHEET_CSS, list=item, qr=options.qr))
        target = writer.write(f"{prefix}{item['path']}", html)
        if pdf is not None:
            pdf(target, target.with_suffix(".pdf"))
            writer.tick()


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
    writer: _Writer | None = None,
    pdf: Callable[[Path, Path], None] | None = None,
) -> list[str | None]:
    """Write every page of each procedure; the QR SVG of each, for the posting lists.

    Each page is written as soon as it is rendered: holding every sheet
    until the end cost 350 MB at 10,000 procedures.
    """
    env = env or _worker_environment(pages.templates)
    writer = writer or _Writer(pages.root, 0, None)
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
    writer: _Writer,
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
    chunks = parallel.chunks(procedures)
    futures = [pool.submit(_render_chunk, pages, chunk) for chunk in chunks]
    meanwhile()  # while the workers render, this process is free
    for chunk, future in zip(chunks, futures, strict=True):
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


def _write_site(env: jinja2.Environment, writer: _Writer, prefix: str, site: View, options: RenderOptions) -> None:
    """Everything of the site but the pages of one procedure: assets, the index, the decisions."""
    for name in SITE_ASSETS:
        writer.write(f"{prefix}{ASSETS_DIR}/{name}", _asset(env, name))
    writer.write(f"{prefix}index.html", _render(env, "index.html.j2", _context(site, "", SITE_CSS, qr=options.qr)))
    for d in site["decisions"]:
        writer.write(f"{prefix}{d['path']}", _render(env, "decision.html.j2", _context(site, "../", SITE_CSS, d=d)))


def render_sheets(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """One A4 sheet per chosen procedure, a posting list per level and per agency, and a contents page."""
    options = options or RenderOptions()
    target = check_output(out, Path(catalogue.root) if catalogue.root else None)
    env = _environment(options)
    if options.pdf and (problem := pdf_problem()) is not None:
        raise PdfUnavailable(problem)
    with _workers(catalogue, options) as pool:
        site, lists = _plan_sheets(catalogue, options)
        with _staging(target, pool) as tmp:
            writer = _Writer(tmp, _sheet_files(site, lists, options), progress)
            _write_sheet_assets(env, writer, "")
            _write_procedures(env, writer, site["procedures"], (_sheet_page(""),), site, options, pool)
            _write_sheets(env, writer, "", site, lists, options)
    return RenderResult(target, writer.done, len(site["procedures"]))


def render_site(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """The listing site: an index with search and filters, a page per procedure and per decision."""
    options = options or RenderOptions()
    target = check_output(out, Path(catalogue.root) if catalogue.root else None)
    env = _environment(options)
    with _workers(catalogue, options) as pool:
        site = _plan_site(catalogue)
        with _staging(target, pool) as tmp:
            writer = _Writer(tmp, _site_files(site), progress)
            _write_procedures(
                env, writer, site["procedures"], (_site_page(""),), site, options, pool,
                meanwhile=lambda: _write_site(env, writer, "", site, options),
            )
    return RenderResult(target, writer.done, len(site["procedures"]))


def build(
    catalogue: Catalogue, out: Path, options: RenderOptions | None = None, progress: Progress | None = None
) -> RenderResult:
    """Sheets in ``out/sheets/`` and the site in ``out/site/``, swapped into place together."""
    options = options or RenderOptions()
    target = check_output(out, Path(catalogue.root) if catalogue.root else None)
    env = _environment(options)
    if options.pdf and (problem := pdf_problem()) is not None:
        raise PdfUnavailable(problem)
    with _workers(catalogue, options) as pool:
        site = _plan_site(catalogue)
        sheets_prefix, site_prefix = f"{SHEETS_DIR}/", f"{SITE_DIR}/"
        if options.filters:
            sheets, lists = _plan_sheets(catalogue, options)
        else:  # the same view (and QR codes) as the site's: building it twice cost 25 s at 10k
            sheets, lists = site, posting_lists(catalogue, site)
        with _staging(target, pool) as tmp:
            writer = _Writer(tmp, _sheet_files(sheets, lists, options) + _site_files(site), progress)
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
            _write_sheets(env, writer, sheets_prefix, sheets, lists, options)
            for sub in (SHEETS_DIR, SITE_DIR):  # so that `render site --out build/site` may replace it
                (tmp / sub / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return RenderResult(target, writer.done, len(site["procedures"]))
