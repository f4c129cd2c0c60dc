from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import click

from tthc.cli.common import (
    AS_OF,
    EXIT_FINDINGS,
    EXIT_OK,
    catalogue_root,
    display_prefix,
    fail,
    open_cache,
    progress_bar,
    wants_color,
)

FORMATS = ("text", "json", "github", "sarif")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
    help="Định dạng báo cáo: text (cho người đọc), json, github (annotations), sarif.",
)
@click.option("--strict", is_flag=True, help="Coi cảnh báo (warning) là lỗi: mã thoát 1.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi báo cáo vào tệp thay vì ra màn hình.",
)
@AS_OF
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, output: Path | None, as_of: dt.date | None) -> None:
    """Kiểm tra bộ danh mục (validate): YAML, JSON Schema và quy tắc nghiệp vụ.

    PATHS: thư mục danh mục, hoặc một số tệp trong đó (chỉ báo lỗi của các tệp
    đó, nhưng vẫn đọc cả danh mục để kiểm tra chéo). Mặc định: tìm tthc.yaml từ
    thư mục hiện tại đi lên, rồi ./catalogue.
    """
    from tthc.atomic import LinkOnWritePath, write_output
    from tthc.reporters import REPORTERS, Context
    from tthc.validate import validate as run

    root = catalogue_root(paths)
    only = tuple(p for p in paths if p.is_file())
    with progress_bar("Đang kiểm tra", enabled=fmt == "text") as progress:
        store = open_cache(root)
        report = run(root, only, progress, store, keep_catalogue=False, as_of=as_of)
    store.save()
    prefix = display_prefix(root)
    if output is not None:
        buffer = io.StringIO()
        REPORTERS[fmt](report, buffer, Context(prefix, color=False, strict=strict))
        try:
            write_output(output, buffer.getvalue().encode("utf-8"))
        except LinkOnWritePath as error:
            fail(str(error))
        except OSError as error:
            fail(f"không ghi được “{output}”: {error.strerror or error}.")
    else:
        REPORTERS[fmt](report, sys.stdout, Context(prefix, color=wants_color(sys.stdout), strict=strict))
    sys.exit(EXIT_OK if report.ok(strict) else EXIT_FINDINGS)
