"""``tthc upstream``: the catalogue against the national record, and the draft decision it calls for."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from tthc.cli.common import EXIT_FINDINGS, EXIT_OK, emit, fail, load_settings, wants_color


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, form).date()
        except ValueError:
            continue
    fail(f"--today cần ngày dạng 2026-07-01 hoặc 01/07/2026 (nhận được “{value}”).")


@click.command(short_help="Đối chiếu danh mục với Cơ sở dữ liệu quốc gia: cần công bố, sửa đổi, bãi bỏ.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown", "xlsx"]), default="text",
    show_default=True,
    help="text (cho người đọc), json (cho chương trình, docs/upstream.md), markdown (pull request, "
    "$GITHUB_STEP_SUMMARY), xlsx (danh sách gửi Sở rà soát, cần --output).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Ghi báo cáo vào tệp này.")
@click.option("--exit-code", is_flag=True, help="Mã thoát 1 khi có thủ tục cần công bố, sửa đổi, bãi bỏ hoặc có lỗi.")
@click.option("--draft-decision", is_flag=True, help="Ghi dự thảo quyết định công bố (decisions/<năm>/DU-THAO-….yaml) từ báo cáo; các tệp thủ tục không đổi.")
@click.option("--apply", "apply_flag", is_flag=True, help="Ghi dự thảo quyết định và cả nội dung quốc gia vào các tệp thủ tục (nội dung đang áp dụng giữ ở previous).")
@click.option("--today", metavar="NGÀY", help="Ngày tính hạn (mặc định: hôm nay), dạng 2026-07-01 hoặc 01/07/2026.")
@click.option(
    "-C", "--catalogue", "catalogue_path", type=click.Path(path_type=Path),
    help="Thư mục danh mục; mặc định tìm tthc.yaml từ thư mục hiện tại.",
)
def upstream(
    sources: tuple[Path, ...], fmt: str, output: Path | None, exit_code: bool, draft_decision: bool,
    apply_flag: bool, today: str | None, catalogue_path: Path | None,
) -> None:  # fmt: skip
    """Đối chiếu danh mục của tỉnh với Cơ sở dữ liệu quốc gia về TTHC (upstream).

    SOURCE: tệp bản ghi Cổng Dịch vụ công quốc gia (.json, hoặc thư mục các tệp đó), danh sách thủ tục đầy
    đủ của một Bộ (“DANH SÁCH THỦ TỤC HÀNH CHÍNH”, .xlsx hoặc .json), hoặc quyết định công bố của Bộ
    (.yaml, để lấy ngày có hiệu lực). Chỉ so thủ tục quốc gia ở các cấp (levels) và lĩnh vực (fields) của
    tthc.yaml. Chỉ danh sách đầy đủ mới cho biết thủ tục nào cần bãi bỏ.

    \b
    Mã thoát: 0 xong; 1 với --exit-code khi có việc phải làm; 2 nguồn hoặc danh mục không dùng được.

    \b
    Ví dụ:
      tthc upstream records.json danh-sach-btp.xlsx
      tthc upstream records.json -f markdown >> "$GITHUB_STEP_SUMMARY"
      tthc upstream records.json danh-sach-btp.json -f xlsx -o doi-chieu.xlsx
      tthc upstream records.json --exit-code
    """
    from tthc.upstream import compare
    from tthc.upstream_report import FORMATS, NEEDS_FILE
    from tthc.upstream_sources import SourceError, check_fields, read_sources

    if fmt in NEEDS_FILE and output is None:
        fail(f"định dạng {fmt} là tệp nhị phân: chỉ rõ tệp cần ghi bằng --output, ví dụ -o doi-chieu.{fmt}.")
    when = _date(today)
    root, catalogue = load_settings(catalogue_path)
    try:
        read = read_sources(list(sources), catalogue.settings.limits)
        check_fields(read, catalogue.settings)
    except SourceError as error:
        fail(str(error))
    report = compare(catalogue, read, today=when)
    emit(FORMATS[fmt](report, catalogue.settings, output is None and fmt == "text" and wants_color(sys.stdout)), output)
    if draft_decision or apply_flag:
        # Written by tthc.draft_decision (its own module): the report is its only input.
        from tthc.draft_decision import plan_draft, write_draft  # type: ignore[import-not-found,unused-ignore]

        draft = plan_draft(root, catalogue, report, today=when)
        result = write_draft(root, draft, apply=apply_flag)
        for written in result.written:
            click.echo(f"Đã ghi: {written}", err=True)
        for note in result.notes:
            click.echo(note, err=True)
    sys.exit(EXIT_FINDINGS if exit_code and report.actionable else EXIT_OK)
