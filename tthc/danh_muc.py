"""The province's official list of procedures as a printable Excel sheet (``tthc export --layout danh-muc``).

Staff print and sign this list, and paste it into the annex of a list
decision (QĐ 3218/QĐ-UBND Quảng Bình is the model): the authority, the
title, the catalogue's date, then the table of the decision's Phần I (Số TT
| Tên thủ tục hành chính | Thời hạn giải quyết | Địa điểm thực hiện | Phí,
lệ phí | Căn cứ pháp lý | Cơ quan thực hiện) with title rows per level ("A.
Thủ tục hành chính cấp tỉnh") and field ("I. Lĩnh vực Hộ tịch"), numbered
from 1 in each level. The rows and their wording are the annex's own
(:func:`tthc.writers.annex_view.list_groups`), so the sheet and a decision's
annex never say one procedure two ways.

Printable as it opens: A4 landscape, fitted to the page width, the header
row repeated on every page, text wrapped in fixed column widths. Every cell
from the catalogue is text, never a formula. Pure: bytes out, the command
writes them atomically.
"""

from __future__ import annotations

import io
from typing import Any

from tthc import text, wording
from tthc.export import text_cell
from tthc.model import LEVELS, Catalogue
from tthc.writers.annex_view import MAIN_COLUMNS, LevelGroup, Row, list_groups

TITLE = "DANH MỤC THỦ TỤC HÀNH CHÍNH"
SHEET_NAME = "Danh mục TTHC"
WIDTHS = (7, 48, 22, 36, 24, 40, 30)
"""Column widths (characters) of :data:`MAIN_COLUMNS`: about 270 mm at A4 landscape once fitted."""
FIRST_ROWS = 4
"""Rows above the header: authority, title, date, a blank line."""


def title(catalogue: Catalogue) -> str:
    """"DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA CẤP TỈNH VÀ CẤP XÃ TRÊN ĐỊA BÀN TỈNH …"."""
    levels = [level for level in LEVELS if any(level in p.levels for p in catalogue.procedures)]
    said = TITLE
    if levels:
        said += " THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA " + wording.levels_text(levels).upper()
    if catalogue.settings.province:
        said += " TRÊN ĐỊA BÀN TỈNH " + catalogue.settings.province.upper()
    return text.nfc(said)


def date_line(catalogue: Catalogue) -> str:
    when = wording.date_text(catalogue.settings.as_of)
    return f"(Áp dụng từ ngày {when})" if when else ""


def groups(catalogue: Catalogue) -> list[LevelGroup]:
    """The procedures grouped by level, then field, in Vietnamese alphabetical order (as the annex orders them)."""
    return list_groups(catalogue, catalogue.procedures)


def row_cells(row: Row) -> list[Any]:
    """One procedure's cells, as the annex's Phần I prints them (lines joined by line breaks)."""
    name = row.name + f"\nMã: {row.code}"
    return [
        row.number,
        name,
        "\n".join(row.time),
        "\n".join(f"- {p}" for p in row.place),
        "\n".join(row.fee),
        "\n".join(f"- {b}" for b in row.basis),
        "\n".join(row.agency),
    ]


def to_xlsx(catalogue: Catalogue) -> bytes:
    """The list as one A4-landscape sheet: title rows, the repeated header row, level and field rows, procedures."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    last = get_column_letter(len(MAIN_COLUMNS))
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    def banner(row: int, value: str, font: Font) -> None:
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text.xml_safe(value))
        text_cell(cell)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    banner(1, text.nfc(catalogue.settings.authority).upper(), Font(bold=True, size=12))
    banner(2, title(catalogue), Font(bold=True, size=13))
    sheet.row_dimensions[2].height = 36
    banner(3, date_line(catalogue), Font(italic=True, size=12))
    header = FIRST_ROWS + 1
    for column, name in enumerate(MAIN_COLUMNS, 1):
        cell = sheet.cell(row=header, column=column, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.border = border

    def group_row(value: str, font: Font) -> None:
        row = sheet.max_row + 1
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text.xml_safe(value))
        text_cell(cell)
        cell.font = font
        cell.alignment = wrap
        for column in range(1, len(MAIN_COLUMNS) + 1):
            sheet.cell(row=row, column=column).border = border

    for level in groups(catalogue):
        group_row(f"{level.letter}. {level.title}", Font(bold=True))
        for field in level.fields:
            group_row(f"{field.numeral}. {field.title}", Font(bold=True, italic=True))
            for item in field.rows:
                sheet.append([text.xml_safe(v) if isinstance(v, str) else v for v in row_cells(item)])
                for written in sheet[sheet.max_row]:
                    text_cell(written)
                    written.alignment = wrap
                    written.border = border
                sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(horizontal="center", vertical="top")
    for column, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.horizontalCentered = True
    footer = sheet.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "Trang &P/&N"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
