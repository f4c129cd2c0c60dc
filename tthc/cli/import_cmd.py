from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from tthc.cli.common import EXIT_FINDINGS, EXIT_OK, fail, load_settings, wants_color

if TYPE_CHECKING:
    from tthc.importer import ImportReport


def _field_map(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, field_id = pair.partition("=")
        if not sep or not name.strip() or not field_id.strip():
            fail(f"--field-map cần dạng “Tên lĩnh vực=mã-lĩnh-vực”, ví dụ --field-map \"Hộ tịch=ho-tich\" (nhận được “{pair}”).")
        out[name.strip()] = field_id.strip()
    return out


def _summary(report: ImportReport) -> str:
    from tthc.import_rows import CREATED, SKIPPED, UNCHANGED, UPDATED

    verb = "Sẽ tạo mới" if report.dry_run else "Tạo mới"
    return (
        f"{verb} {report.count(CREATED)}, cập nhật {report.count(UPDATED)}, "
        f"không đổi {report.count(UNCHANGED)}, bỏ qua {report.count(SKIPPED)} dòng."
    )


def _preamble(report: ImportReport) -> list[str]:
    from tthc.tables import COLUMN_LABELS

    where = f"trang “{report.sheet}”, " if report.sheet else ""
    lines = [f"Nhập từ {Path(report.source).name} ({where}dòng tiêu đề: {report.header_row})"]
    lines.append("Cột đã nhận: " + "; ".join(f"{COLUMN_LABELS[k]} ← “{v}”" for k, v in report.columns.items()))
    if report.ignored_columns:
        lines.append("Cột không dùng: " + "; ".join(f"“{c}”" for c in report.ignored_columns))
    lines.extend(f"Lưu ý: {note}" for note in report.notes)
    if report.dry_run:
        lines.append("Chạy thử (--dry-run): không ghi tệp nào.")
    return lines


def _epilogue(report: ImportReport) -> list[str]:
    from tthc.import_rows import CREATED

    lines: list[str] = []
    if report.unknown_fields:
        lines.append("Lĩnh vực chưa khai báo trong tthc.yaml; thêm vào mục fields rồi nhập lại:")
        for name, suggestion in report.unknown_fields.items():
            lines.append(f"  - id: {suggestion}")
            lines.append(f"    name: {name}")
    incomplete = [r for r in report.rows if r.status == CREATED and r.todo]
    if incomplete:
        lines.append(
            "Còn cần điền (bảng tính không có; trong tệp đánh dấu “CẦN ĐIỀN”, `tthc validate` báo từng mục):"
        )
        lines.extend(f"  {r.file}: " + "; ".join(r.todo) for r in incomplete)
    elif report.count(CREATED):
        lines.append("Tệp mới đủ các thành phần bắt buộc; chạy `tthc validate` để kiểm tra.")
    return lines


def write_plain(report: ImportReport, out: TextIO) -> None:
    """The report as plain text; cells come from the spreadsheet, so control characters are shown escaped."""
    from tthc.import_rows import STATUS_LABELS
    from tthc.text import printable

    for line in _preamble(report):
        out.write(printable(line) + "\n")
    header = ("Dòng", "Kết quả", "Mã", "Tệp", "Ghi chú / lý do")
    rows = [
        (str(r.row), STATUS_LABELS[r.status], printable(r.code), printable(r.file), printable(r.reason))
        for r in report.rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    for row in (header, *rows):
        out.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1] + "\n")
    out.write(_summary(report) + "\n")
    for line in _epilogue(report):
        out.write(printable(line) + "\n")


def write_rich(report: ImportReport, out: TextIO) -> None:
    """The report as a table; spreadsheet text is neither rich markup (“[/]” would raise) nor escape codes."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from tthc.import_rows import CREATED, SKIPPED, STATUS_LABELS, UNCHANGED, UPDATED
    from tthc.text import printable

    console = Console(file=out, force_terminal=True, highlight=False)
    for line in _preamble(report):
        console.print(Text(printable(line)), style="dim" if line.startswith("Cột") else None)
    table = Table(show_lines=False, header_style="bold")
    table.add_column("Dòng", justify="right")
    table.add_column("Kết quả")
    table.add_column("Mã", no_wrap=True)
    table.add_column("Tệp", overflow="fold")
    table.add_column("Ghi chú / lý do", overflow="fold")
    styles = {CREATED: "green", UPDATED: "cyan", UNCHANGED: "dim", SKIPPED: "bold red"}
    for r in report.rows:
        cells = (escape(printable(value)) for value in (r.code, r.file, r.reason))
        table.add_row(str(r.row), f"[{styles[r.status]}]{STATUS_LABELS[r.status]}[/]", *cells)
    console.print(table)
    console.print(_summary(report), style="bold")
    for line in _epilogue(report):
        console.print(Text(printable(line)))


@click.command(name="import", short_help="Nhập danh sách thủ tục từ Excel (.xlsx) hoặc CSV.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--update", is_flag=True, help="Cập nhật thủ tục đã có (mặc định: bỏ qua, không ghi đè).")
@click.option(
    "--field-map", "field_map", multiple=True, metavar="TÊN=MÃ",
    help="Gán tên lĩnh vực trong bảng tính với mã lĩnh vực trong tthc.yaml, ví dụ "
    "--field-map \"Đăng ký, quản lý cư trú=cu-tru\" (dùng nhiều lần được).",
)
@click.option("--sheet", help="Tên trang (sheet) cần nhập; mặc định: trang đầu tiên có dòng tiêu đề.")
@click.option("--dry-run", is_flag=True, help="Chỉ báo cáo sẽ làm gì, không ghi tệp.")
@click.option(
    "-C", "--catalogue", "catalogue_path", type=click.Path(path_type=Path),
    help="Thư mục danh mục; mặc định tìm tthc.yaml từ thư mục hiện tại.",
)
def import_(
    file: Path,
    update: bool,
    field_map: tuple[str, ...],
    sheet: str | None,
    dry_run: bool,
    catalogue_path: Path | None,
) -> None:
    """Nhập danh sách thủ tục từ bảng tính Excel (.xlsx) hoặc CSV (import).

    Dòng tiêu đề có thể nằm dưới các dòng tên bảng; tên cột (Mã TTHC, Tên thủ
    tục, Lĩnh vực, Cấp thực hiện, Cơ quan thực hiện, Thời hạn giải quyết, Phí,
    lệ phí, Căn cứ pháp lý, Số quyết định công bố, Trình tự thực hiện, Thành
    phần hồ sơ, Đối tượng thực hiện, Kết quả thực hiện …) được nhận dù gõ có
    dấu hay không. Mỗi thủ tục mới thành một tệp; những thành phần bảng tính
    không có được để trống, đánh dấu “CẦN ĐIỀN” và liệt kê trong báo cáo. Thủ
    tục đã có chỉ được cập nhật khi dùng --update, và chỉ ở những ô khác với
    bản `tthc export` của thủ tục đó. Mã thoát 1 nếu có dòng bị bỏ qua.
    """
    from tthc.atomic import LinkOnWritePath
    from tthc.importer import import_table
    from tthc.tables import ImportFailure

    mapping = _field_map(field_map)
    if not file.exists():
        fail(f"Không tìm thấy tệp “{file}”.")
    root, catalogue = load_settings(catalogue_path)
    try:
        report = import_table(root, catalogue, file, update=update, field_map=mapping, sheet=sheet, dry_run=dry_run)
    except (ImportFailure, LinkOnWritePath) as error:
        fail(str(error))
    if wants_color(sys.stdout):
        write_rich(report, sys.stdout)
    else:
        write_plain(report, sys.stdout)
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)
