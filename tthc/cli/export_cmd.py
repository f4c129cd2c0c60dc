from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from tthc.cli.common import AS_OF, EXIT_FINDINGS, EXIT_OK, catalogue_root, emit, fail, read_catalogue


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True,
    help="json (cả danh mục, lồng nhau), csv hoặc xlsx (bảng phẳng, mỗi thủ tục một dòng).",
)
@click.option(
    "--layout", type=click.Choice(["bang", "danh-muc"]), default="bang", show_default=True,
    help="Với xlsx: bang (bảng phẳng, nhập lại được) hoặc danh-muc (danh mục chính thức để in: tiêu đề,"
    " nhóm theo cấp và lĩnh vực, các cột Phần I của quyết định công bố, A4 ngang).",
)
@click.option("--flat", is_flag=True, help="Với json: bảng phẳng như csv (mỗi thủ tục một đối tượng).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi vào tệp (bắt buộc với xlsx); mặc định in ra màn hình.",
)
@AS_OF
def export(path: Path | None, fmt: str, layout: str, flat: bool, output: Path | None, as_of: dt.date | None) -> None:
    """Xuất bộ danh mục ra JSON, CSV hoặc Excel (export).

    Bảng phẳng có tiêu đề cột tiếng Việt (Mã số TTHC, Tên thủ tục, Lĩnh vực,
    Cấp thực hiện …), danh sách nối bằng “; ”, sắp theo lĩnh vực rồi tên thủ tục
    theo thứ tự chữ cái tiếng Việt. `tthc import --update` đọc lại được: ô
    nào không sửa thì tệp không đổi; ô nào sửa (thời hạn, phí, lệ phí, tên …)
    thì chỉ thành phần đó được cập nhật, ghi chú và chú thích giữ nguyên. CSV
    ghi ra tệp có BOM UTF-8 để Excel hiển thị đúng tiếng Việt. PATH: thư mục
    danh mục.
    """
    from tthc.export import to_csv, to_json, to_xlsx

    if fmt == "xlsx" and output is None:
        fail("định dạng xlsx cần --output TỆP.xlsx (không in tệp Excel ra màn hình).")
    if layout != "bang" and fmt != "xlsx":
        fail("--layout danh-muc chỉ dùng với --format xlsx.")
    if flat and fmt != "json":
        fail("--flat chỉ dùng với --format json (csv và xlsx luôn là bảng phẳng).")
    catalogue = read_catalogue(catalogue_root((path,) if path else ()), as_of)
    unreadable = sorted(doc.file for doc in catalogue.documents.values() if doc.data is None)
    if fmt == "json":
        data = to_json(catalogue, flat=flat).encode("utf-8")
    elif fmt == "csv":
        text = to_csv(catalogue)
        data = text.encode("utf-8-sig" if output is not None else "utf-8")
    elif layout == "danh-muc":
        from tthc.danh_muc import to_xlsx as danh_muc_xlsx

        data = danh_muc_xlsx(catalogue)
    else:
        data = to_xlsx(catalogue)
    emit(data, output)
    if output is not None:
        click.echo(f"Đã xuất {len(catalogue.procedures)} thủ tục vào {output}.", err=True)
    if unreadable:
        click.echo(
            f"tthc: {len(unreadable)} tệp không đọc được nên không có trong bản xuất "
            f"(chạy `tthc validate` để xem lỗi): {', '.join(unreadable[:5])}",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)
