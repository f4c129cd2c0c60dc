from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from tthc.cli.common import EXIT_FINDINGS, EXIT_OK, fail, load_settings, wants_color

if TYPE_CHECKING:
    from tthc.importer import ImportReport
    from tthc.portal_import import PortalReport


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


def _portal_lines(report: PortalReport) -> tuple[list[str], list[str]]:
    """The lines before the table and after it (what to review, fill in, declare; the totals last)."""
    from tthc.collation import sort_vi
    from tthc.import_rows import CREATED, SKIPPED, UNCHANGED, UPDATED

    before = [f"Nhập từ {report.source} (bản ghi Cổng Dịch vụ công quốc gia): {len(report.records)} bản ghi"]
    if report.dry_run:
        before.append("Chạy thử (--dry-run): không ghi tệp nào.")
    after: list[str] = []
    reviewed = [r for r in report.records if r.reviews and r.status in (CREATED, UPDATED)]
    if reviewed:
        after.append("Cần kiểm tra (trong tệp, giá trị có chú thích “KIỂM TRA” bên cạnh):")
        for r in reviewed:
            after.extend(f'  {r.code} {v.path}: {v.reason} — nguồn: "{v.source}"' for v in r.reviews)
    incomplete = [r for r in report.records if r.todo]
    if incomplete:
        after.append("Còn cần điền (trong tệp đánh dấu “CẦN ĐIỀN”, `tthc validate` báo từng mục):")
        after.extend(f"  {r.file}: " + "; ".join(r.todo) for r in incomplete)
    unannounced = sum(1 for r in report.records if r.status == CREATED and not r.announced)
    if unannounced:
        after.append(
            f"{unannounced} thủ tục mới chưa có quyết định công bố của tỉnh trong danh mục (`tthc validate` báo "
            "procedure-not-announced); decisions chỉ ghi quyết định của Bộ: thêm quyết định công bố của tỉnh."
        )
    updated = [r for r in report.records if r.changes]
    if updated:
        after.append("Thay đổi (như `tthc diff` gọi tên):")
        for r in updated:
            after.extend(f"  {r.code}: {change}" for change in r.changes)
    if report.unknown_fields:
        after.append("Lĩnh vực chưa khai báo trong tthc.yaml; thêm vào mục fields rồi nhập lại:")
        for name in sort_vi(report.unknown_fields):
            after += [f"  - id: {report.unknown_fields[name]}", f"    name: {name}"]
    if report.unknown_agencies:
        after.append("Cơ quan chưa khai báo trong tthc.yaml (chưa ghi vào thủ tục); thêm vào mục agencies rồi nhập lại:")
        for name in sort_vi(report.unknown_agencies):
            after += [f"  - id: {report.unknown_agencies[name]}", f"    name: {name}"]
    verb = "Sẽ tạo mới" if report.dry_run else "Tạo mới"
    after.append(
        f"{verb} {report.count(CREATED)}, cập nhật {report.count(UPDATED)}, không đổi {report.count(UNCHANGED)}, "
        f"bỏ qua {report.count(SKIPPED)} bản ghi; {sum(1 for r in report.records if r.reviews)} bản ghi cần kiểm tra."
    )
    return before, after


def _portal_rows(report: PortalReport) -> list[tuple[str, str, str, str, str]]:
    from tthc.import_rows import STATUS_LABELS
    from tthc.text import printable

    return [
        (str(r.index), STATUS_LABELS[r.status], printable(r.code), printable(r.file),
         printable(r.reason or ("đã cập nhật: " + ", ".join(dict.fromkeys(c.split(" (")[0] for c in r.changes))
                                if r.changes else "")))
        for r in report.records
    ]  # fmt: skip


_PORTAL_HEADER = ("Bản ghi", "Kết quả", "Mã", "Tệp", "Ghi chú / lý do")


def write_portal_plain(report: PortalReport, out: TextIO) -> None:
    """The report of a portal import as plain text, for a pipe or a log."""
    from tthc.text import printable

    before, after = _portal_lines(report)
    for line in before:
        out.write(printable(line) + "\n")
    rows = _portal_rows(report)
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(_PORTAL_HEADER)]
    for row in (_PORTAL_HEADER, *rows):
        out.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1] + "\n")
    for line in after:
        out.write(printable(line) + "\n")


def write_portal_rich(report: PortalReport, out: TextIO) -> None:
    """The report of a portal import as a table in a terminal; record text is never taken as markup."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from tthc.import_rows import CREATED, SKIPPED, UNCHANGED, UPDATED
    from tthc.text import printable

    console = Console(file=out, force_terminal=True, highlight=False)
    before, after = _portal_lines(report)
    for line in before:
        console.print(Text(printable(line)))
    table = Table(header_style="bold")
    for i, heading in enumerate(_PORTAL_HEADER):
        table.add_column(heading, justify="right" if i == 0 else "left", no_wrap=i == 2, overflow="fold")
    styles = {CREATED: "green", UPDATED: "cyan", UNCHANGED: "dim", SKIPPED: "bold red"}
    for r, row in zip(report.records, _portal_rows(report), strict=True):
        table.add_row(row[0], f"[{styles[r.status]}]{escape(row[1])}[/]", *(escape(cell) for cell in row[2:]))
    console.print(table)
    for line in after[:-1]:
        console.print(Text(printable(line)))
    console.print(Text(printable(after[-1])), style="bold")


def _import_portal(
    file: Path, update: bool, mapping: dict[str, str], dry_run: bool, output: str, catalogue_path: Path | None
) -> None:
    import json

    from tthc import portal
    from tthc.atomic import LinkOnWritePath
    from tthc.portal_import import as_json, import_records

    root, catalogue = load_settings(catalogue_path)
    try:
        records = portal.read_records(file, catalogue.settings.limits)
        report = import_records(
            root, catalogue, records, file.name, update=update, field_map=mapping, dry_run=dry_run
        )
    except (portal.PortalError, LinkOnWritePath) as error:
        fail(str(error))
    if output == "json":
        sys.stdout.write(json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n")
    elif wants_color(sys.stdout):
        write_portal_rich(report, sys.stdout)
    else:
        write_portal_plain(report, sys.stdout)
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


@click.command(name="import", short_help="Nhập thủ tục từ Excel (.xlsx), CSV hoặc bản ghi Cổng DVC quốc gia (.json).")
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
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="Dạng báo cáo khi nhập bản ghi Cổng DVC quốc gia: text cho người đọc, json cho chương trình (docs/import.md).",
)
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
    output: str,
    catalogue_path: Path | None,
) -> None:
    """Nhập danh sách thủ tục từ bảng tính Excel (.xlsx) hoặc CSV, hoặc bản ghi Cổng DVC quốc gia (.json).

    Dòng tiêu đề có thể nằm dưới các dòng tên bảng; tên cột (Mã TTHC, Tên thủ
    tục, Lĩnh vực, Cấp thực hiện, Cơ quan thực hiện, Thời hạn giải quyết, Phí,
    lệ phí, Căn cứ pháp lý, Số quyết định công bố, Trình tự thực hiện, Thành
    phần hồ sơ, Đối tượng thực hiện, Kết quả thực hiện …) được nhận dù gõ có
    dấu hay không. Mỗi thủ tục mới thành một tệp; những thành phần bảng tính
    không có được để trống, đánh dấu “CẦN ĐIỀN” và liệt kê trong báo cáo. Thủ
    tục đã có chỉ được cập nhật khi dùng --update, và chỉ ở những ô khác với
    bản `tthc export` của thủ tục đó. Mã thoát 1 nếu có dòng bị bỏ qua.

    Tệp .json là bản ghi Cổng Dịch vụ công quốc gia (một bản ghi hoặc danh
    sách): mỗi bản ghi thành một tệp thủ tục đầy đủ; giá trị cần xem lại có
    chú thích “KIỂM TRA” kèm văn bản nguồn. Tệp hỏng hoặc không phải bản ghi:
    mã thoát 2, không ghi tệp nào.
    """
    from tthc.atomic import LinkOnWritePath
    from tthc.importer import import_table
    from tthc.tables import ImportFailure

    mapping = _field_map(field_map)
    if not file.exists():
        fail(f"Không tìm thấy tệp “{file}”.")
    if file.suffix.lower() == ".json":
        _import_portal(file, update, mapping, dry_run, output, catalogue_path)
    if output == "json":
        fail("--format json chỉ dùng khi nhập bản ghi Cổng DVC quốc gia (.json).")
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
