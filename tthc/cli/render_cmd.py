"""``tthc render sheets``, ``tthc render site`` and ``tthc build``.

Every command validates first: what is posted must be the announced text, so
a catalogue with errors is never rendered; the validation report says what
to fix (exit code 1). Bad options and unusable output folders stop with a
Vietnamese message and exit code 2, never a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tthc.cli.common import (
    AS_OF,
    EXIT_FINDINGS,
    catalogue_root,
    display_prefix,
    fail,
    open_cache,
    progress_bar,
    wants_color,
)

if TYPE_CHECKING:
    from tthc.model import Catalogue
    from tthc.render import RenderOptions, RenderResult


def _catalogue(path: Path | None, as_of: dt.date | None) -> Catalogue:
    """Validate the catalogue; print the report and exit 1 if it has errors; else the catalogue on its date."""
    from tthc.reporters import REPORTERS, Context
    from tthc.timeline import on_date
    from tthc.validate import validate

    root = catalogue_root((path,) if path is not None else ())
    with progress_bar("Đang kiểm tra danh mục") as progress:
        store = open_cache(root)
        report = validate(root, (), progress, store, as_of=as_of)
    store.save()
    if not report.ok() or report.catalogue is None:
        REPORTERS["text"](report, sys.stdout, Context(display_prefix(root), color=wants_color(sys.stdout)))
        click.echo("tthc: danh mục còn lỗi nên chưa tạo tờ niêm yết và trang tra cứu; sửa các lỗi trên rồi chạy lại.", err=True)
        sys.exit(EXIT_FINDINGS)
    if report.warnings:
        click.echo(f"tthc: danh mục có {report.warnings} cảnh báo; xem bằng lệnh “tthc validate”.", err=True)
    # The files' data and text served the rules; the pages are made from the records: 4 kB a procedure let go.
    return dataclasses.replace(on_date(report.catalogue), documents={})


def _run(
    label: str,
    job: Callable[[Catalogue, Path, RenderOptions, Callable[[int, int], None] | None], RenderResult],
    catalogue: Catalogue,
    out: Path,
    options: RenderOptions,
) -> RenderResult:
    from tthc.render import RenderError

    try:
        with progress_bar(label) as progress:
            return job(catalogue, out, options, progress)
    except RenderError as error:
        fail(str(error))
    except OSError as error:
        fail(f"không ghi được vào “{out}”: {error.strerror or error}.")


def _options(
    no_qr: bool,
    pdf: bool,
    templates: Path | None,
    levels: tuple[str, ...] = (),
    fields: tuple[str, ...] = (),
    agencies: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
) -> RenderOptions:
    from tthc.render import RenderOptions, pdf_problem
    from tthc.selection import Filters

    if pdf and (problem := pdf_problem()) is not None:
        fail(problem)
    if templates is not None and not templates.is_dir():
        fail(f"không tìm thấy thư mục mẫu “{templates}”.")
    return RenderOptions(
        qr=not no_qr,
        pdf=pdf,
        templates=templates,
        filters=Filters(levels=levels, fields=fields, agencies=agencies, codes=codes),
    )


_PATH = click.argument("path", required=False, type=click.Path(path_type=Path))
_NO_QR = click.option("--no-qr", is_flag=True, help="Không in mã QR (mặc định có mã QR dẫn tới dịch vụ công).")
_PDF = click.option(
    "--pdf", is_flag=True,
    help="Xuất thêm tệp PDF cho mỗi tờ niêm yết và danh mục, và trong ban-in/ một bản in cho mỗi danh mục và"
    " mỗi bộ phận một cửa: bìa, mục lục, mọi tờ niêm yết, đánh số trang (cần: pip install 'tthc[pdf]').",
)
_TEMPLATES = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False),
    help="Thư mục mẫu riêng của tỉnh: tệp cùng tên thay cho mẫu có sẵn (ví dụ base.html.j2, sheet.css).",
)


@click.group()
def render() -> None:
    """Tạo tờ niêm yết (sheets) hoặc trang tra cứu thủ tục (site) từ bộ danh mục."""


@render.command()
@_PATH
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), default=Path("build/sheets"), show_default=True,
    help="Thư mục đầu ra (được thay thế toàn bộ mỗi lần tạo).",
)
@click.option("--level", "levels", multiple=True, help="Chỉ các thủ tục của cấp này, ví dụ “Cấp xã” hoặc “xa” (lặp lại được).")
@click.option("--field", "fields", multiple=True, help="Chỉ các thủ tục của lĩnh vực này (mã hoặc tên, lặp lại được).")
@click.option("--agency", "agencies", multiple=True, help="Chỉ các thủ tục của cơ quan này (mã hoặc tên, lặp lại được).")
@click.option("--code", "codes", multiple=True, help="Chỉ thủ tục có mã này, ví dụ 1.001193 (lặp lại được).")
@_NO_QR
@_PDF
@_TEMPLATES
@AS_OF
def sheets(
    path: Path | None,
    out: Path,
    levels: tuple[str, ...],
    fields: tuple[str, ...],
    agencies: tuple[str, ...],
    codes: tuple[str, ...],
    no_qr: bool,
    pdf: bool,
    templates: Path | None,
    as_of: dt.date | None,
) -> None:
    """Tạo tờ niêm yết khổ A4: mỗi thủ tục một tờ, kèm danh mục theo cấp và theo cơ quan.

    PATH: thư mục danh mục (mặc định: tìm tthc.yaml từ thư mục hiện tại, rồi ./catalogue).
    Mở OUT/index.html để xem và in.
    """
    from tthc.render import render_sheets

    options = _options(no_qr, pdf, templates, levels, fields, agencies, codes)
    catalogue = _catalogue(path, as_of)
    result = _run("Đang tạo tờ niêm yết", render_sheets, catalogue, out, options)
    click.echo(f"Đã tạo tờ niêm yết cho {result.procedures} thủ tục ({result.files} tệp) trong {result.out}.")
    click.echo(f"Mở {result.out / 'index.html'} để xem và in.")


@render.command()
@_PATH
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), default=Path("build/site"), show_default=True,
    help="Thư mục đầu ra (được thay thế toàn bộ mỗi lần tạo).",
)
@_NO_QR
@_TEMPLATES
@AS_OF
def site(path: Path | None, out: Path, no_qr: bool, templates: Path | None, as_of: dt.date | None) -> None:
    """Tạo trang tra cứu thủ tục: tìm có dấu hoặc không dấu, lọc, mỗi thủ tục một trang.

    Trang chạy được khi mở thẳng từ ổ đĩa (file://), không cần mạng hay máy chủ.
    """
    from tthc.render import render_site

    options = _options(no_qr, False, templates)
    catalogue = _catalogue(path, as_of)
    result = _run("Đang tạo trang tra cứu", render_site, catalogue, out, options)
    click.echo(f"Đã tạo trang tra cứu {result.procedures} thủ tục ({result.files} tệp) trong {result.out}.")
    click.echo(f"Mở {result.out / 'index.html'} bằng trình duyệt.")


@click.command()
@_PATH
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
    help="Thư mục đầu ra: tờ niêm yết trong OUT/sheets, trang tra cứu trong OUT/site.",
)
@_NO_QR
@_PDF
@_TEMPLATES
@AS_OF
def build(
    path: Path | None, out: Path, no_qr: bool, pdf: bool, templates: Path | None, as_of: dt.date | None
) -> None:
    """Kiểm tra danh mục rồi tạo tất cả: tờ niêm yết và trang tra cứu.

    Nếu danh mục còn lỗi: in báo cáo kiểm tra và dừng (mã thoát 1), không tạo gì.
    Kết quả: OUT/sheets/index.html (tờ niêm yết để in) và OUT/site/index.html
    (trang tra cứu, mở được từ ổ đĩa).
    """
    from tthc.render import build as run

    options = _options(no_qr, pdf, templates)
    catalogue = _catalogue(path, as_of)
    result = _run("Đang tạo tờ niêm yết và trang tra cứu", run, catalogue, out, options)
    click.echo(f"Đã tạo {result.files} tệp cho {result.procedures} thủ tục trong {result.out}:")
    click.echo(f"  tờ niêm yết để in:  {result.out / 'sheets' / 'index.html'}")
    click.echo(f"  trang tra cứu:      {result.out / 'site' / 'index.html'}")
