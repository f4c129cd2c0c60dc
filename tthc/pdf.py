"""Printing HTML to PDF with WeasyPrint: only local files, the same bytes every time.

Sheets, posting lists, the print-ready bundles (:mod:`tthc.bundles`) and the
decision's annex are all printed here, so that every PDF tthc writes reads
nothing from the network or outside its own output folder, and so that the
same catalogue prints byte-identical files. WeasyPrint is optional (``pip
install 'tthc[pdf]'``): it is imported only when a PDF is asked for.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tthc.atomic import write_new
from tthc.output_folder import RenderError


class PdfUnavailable(RenderError):
    """``--pdf`` was asked for but WeasyPrint cannot be imported."""


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


def _weasyprint() -> Any:
    problem = pdf_problem()
    if problem is not None:
        raise PdfUnavailable(problem)
    return importlib.import_module("weasyprint")


def _fetcher(weasyprint: Any, root: Path | None) -> Any:
    """A URL fetcher reading only files under ``root`` (nothing at all without one)."""
    real_root = root.resolve() if root is not None else None

    def allowed(url: str) -> bool:
        if real_root is None or not url.startswith("file:"):
            return False
        return Path(unquote(urlsplit(url).path)).resolve().is_relative_to(real_root)

    if hasattr(weasyprint, "URLFetcher"):

        class _Local(weasyprint.URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                if not allowed(url):
                    raise ValueError(f"refused: {url}")
                return super().fetch(url, headers)

        return _Local()

    def fetcher(url: str, *args: Any, **kwargs: Any) -> Any:  # WeasyPrint before 66
        if not allowed(url):
            raise ValueError(f"refused: {url}")
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    return fetcher


class Printer:
    """Lays out HTML files under ``root`` (or HTML text that needs no file) into WeasyPrint documents."""

    def __init__(self, root: Path | None) -> None:
        self._weasyprint = _weasyprint()
        self._fetcher = _fetcher(self._weasyprint, root)

    def document(self, html: Path | str, css: Sequence[str] = (), base: Path | None = None) -> Any:
        """The laid-out document of an HTML file, or of HTML text whose links resolve from ``base``.

        ``css`` are stylesheets applied after the document's own.
        """
        weasyprint = self._weasyprint
        if isinstance(html, Path):
            source = weasyprint.HTML(filename=str(html), url_fetcher=self._fetcher)
        else:
            base_url = base.resolve().as_uri() if base is not None else None
            source = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=self._fetcher)
        stylesheets = [weasyprint.CSS(string=text, url_fetcher=self._fetcher) for text in css]
        return source.render(stylesheets=stylesheets)


def pdf_bytes(document: Any) -> bytes:
    """A laid-out document (or pages joined with ``document.copy(pages)``) as PDF bytes."""
    with _font_time_fixed():
        data: bytes = document.write_pdf()
    return data


def writer(root: Path) -> Callable[[Path, Path], None]:
    """A function printing one HTML file to PDF, reading only files under ``root``."""
    printer = Printer(root)

    def write(html: Path, pdf: Path) -> None:
        write_new(pdf, pdf_bytes(printer.document(html)))

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
