"""Spreadsheets read as grids of cells, and the row that names their columns.

Staff keep their lists in Excel, in whatever shape the last annex had: a
title above the header row, Vietnamese column names typed with or without
diacritics, merged cells, a CSV saved by Excel in Windows-1258 or UTF-16.
This module gives every such file as one :class:`Table` and finds its header.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tthc import encodings, text
from tthc.cells import header_key
from tthc.model import Limits
from tthc.wording import number_text

DEFAULT_LIMITS = Limits()


class ImportFailure(Exception):
    """The file as a whole cannot be imported (unreadable, no header row …); the message says why."""


COLUMNS: dict[str, tuple[str, ...]] = {
    "code": (
        "Mã TTHC", "Mã số TTHC", "Mã số hồ sơ", "Mã số hồ sơ TTHC", "Số hồ sơ TTHC", "Mã số",
        "Mã thủ tục", "Mã thủ tục hành chính", "Mã số thủ tục", "Mã",
    ),
    "name": ("Tên TTHC", "Tên thủ tục", "Tên thủ tục hành chính", "Tên"),
    "field": ("Lĩnh vực", "Tên lĩnh vực"),
    "level": ("Cấp thực hiện", "Cấp giải quyết", "Cấp"),
    "agencies": ("Cơ quan thực hiện", "Cơ quan giải quyết", "Cơ quan trực tiếp thực hiện"),
    "time": ("Thời hạn giải quyết", "Thời gian giải quyết", "Thời hạn"),
    "local_time": ("Thời hạn cam kết", "Thời hạn địa phương cam kết", "Thời hạn rút ngắn", "Thời gian cam kết"),
    "fee": ("Phí, lệ phí", "Phí lệ phí", "Lệ phí", "Phí"),
    "legal_basis": ("Căn cứ pháp lý", "Căn cứ"),
    "decisions": ("Số quyết định công bố", "Quyết định công bố", "Số quyết định", "QĐ công bố"),
    "steps": ("Trình tự thực hiện", "Trình tự", "Các bước thực hiện"),
    "dossier": ("Thành phần hồ sơ", "Thành phần, số lượng hồ sơ", "Hồ sơ"),
    "subjects": ("Đối tượng thực hiện", "Đối tượng"),
    "results": ("Kết quả thực hiện", "Kết quả giải quyết", "Kết quả xử lý", "Kết quả"),
}  # fmt: skip
"""Header names staff use for each component, matched without diacritics, case or spacing."""

COLUMN_LABELS = {key: names[0] if key != "code" else "Mã số TTHC" for key, names in COLUMNS.items()}


_ALIASES = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def is_numbering_header(value: Any) -> bool:
    """Whether a header cell names the running number column: "STT", "Số TT", "TT", "Số thứ tự"."""
    return isinstance(value, str) and re.fullmatch(r"(so )?tt|stt|so thu tu", header_key(value)) is not None


def numbering_column(cells: list[Cell]) -> int | None:
    """The running number column of a header row, where a group heading may stand ("I. Lĩnh vực Hộ tịch")."""
    return next((col for col, cell in enumerate(cells) if is_numbering_header(cell.value)), None)


def match_header(value: Any) -> str | None:
    """The component a header cell names, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _ALIASES.get(header_key(value))


@dataclass(frozen=True)
class Cell:
    value: Any
    number_format: str = "General"


@dataclass(frozen=True)
class Table:
    """A sheet as a grid: (sheet row number, cells), merged cells already filled."""

    rows: list[tuple[int, list[Cell]]]
    sheet: str = ""
    encoding: str = ""
    notes: tuple[str, ...] = ()


def read_xlsx(path: Path, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read an .xlsx workbook's sheet; a merged range gives its value to every cell it covers.

    The workbook is checked by :func:`tthc.xlsx_check.check_workbook` before
    openpyxl opens it, and links to other workbooks are neither followed nor
    kept (the cached values are read), so a file from outside is read within
    ``limits`` or refused with a message.
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from tthc.xlsx_check import WorkbookRefused, check_workbook

    try:
        check_workbook(path, limits)
        workbook = load_workbook(path, data_only=True, keep_links=False)
    except WorkbookRefused as error:
        raise ImportFailure(f"Không đọc được “{path.name}” như tệp Excel .xlsx: {error}") from error
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError,
            IndexError, SyntaxError, OSError) as error:  # fmt: skip
        raise ImportFailure(f"Không đọc được “{path.name}” như tệp Excel .xlsx ({error}).") from error
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            raise ImportFailure(f"Bảng tính không có trang “{sheet}” (có: {names}).")
        sheets: list[Any] = [workbook[sheet]]
    else:
        sheets = list(workbook.worksheets)
    best: Table | None = None
    for worksheet in sheets:
        # A few cells far apart make a grid of every cell between them.
        if worksheet.max_row * worksheet.max_column > limits.max_import_cells:
            raise ImportFailure(
                f"“{path.name}”: trang “{worksheet.title}” trải tới dòng {worksheet.max_row}, cột "
                f"{worksheet.max_column}, vượt giới hạn {number_text(limits.max_import_cells)} ô (limits.max_import_cells) "
                "trong tthc.yaml; hãy xóa các ô thừa ở xa bảng hoặc tách tệp."
            )
        grid: list[list[Cell]] = [
            [Cell(c.value, c.number_format or "General") for c in row] for row in worksheet.iter_rows()
        ]
        for merged in worksheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(grid) else None
            if top is None:
                continue
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = top
        table = Table([(i + 1, row) for i, row in enumerate(grid)], sheet=worksheet.title)
        if best is None:
            best = table
        if find_header(table) is not None:
            return table
    return best or Table([])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection")."""


def formula_safe(value: str) -> str:
    """A CSV cell no spreadsheet runs: a quote before a formula's first character, as Excel shows text.

    A value starting with a quote gets one more, so that :func:`formula_unsafe`
    gives back exactly the value, whatever it is.
    """
    return "'" + value if value.startswith((*FORMULA_STARTS, "'")) else value


def formula_unsafe(value: str) -> str:
    """The value :func:`formula_safe` was given: its quote removed, and no other."""
    return value[1:] if value.startswith("'") and value[1:].startswith((*FORMULA_STARTS, "'")) else value


def read_csv(path: Path, limits: Limits = DEFAULT_LIMITS) -> Table:
    """Read a CSV: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), or Windows-1258.

    Excel on a Vietnamese Windows saves "CSV" in Windows-1258, whose tones are
    combining marks: decoded and NFC-composed they are ordinary text. Western
    code pages cannot hold Vietnamese at all, so such a file is refused with a
    message saying how to save it properly instead of importing broken names.
    A cell :func:`formula_safe` quoted (``tthc export``) is read back as it was.
    """
    try:
        size = path.stat().st_size
        if size > limits.max_import_bytes:
            raise ImportFailure(
                f"“{path.name}”: tệp {number_text(size)} byte, vượt giới hạn {number_text(limits.max_import_bytes)} "
                "byte (limits.max_import_bytes trong tthc.yaml); hãy tách tệp hoặc nâng giới hạn."
            )
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailure(f"Không đọc được “{path}”: {error.strerror or error}.") from error
    guess = encodings.guess_encoding(raw)
    notes: list[str] = []
    if guess is None:
        raise ImportFailure(f"“{path.name}” không phải tệp văn bản CSV (có vẻ là tệp nhị phân).")
    if guess == "utf-8":
        decoded = raw.decode("utf-8-sig")
    elif guess in ("utf-16", "utf-16-be"):
        decoded = raw.decode("utf-16" if guess == "utf-16" else "utf-16-be").lstrip("\ufeff")
        notes.append("tệp CSV mã hóa UTF-16; đã đọc đúng")
    elif guess == "windows-1258":
        decoded = raw.decode("cp1258")
        notes.append("tệp CSV mã hóa Windows-1258 (không phải UTF-8); đã chuyển sang Unicode")
    else:
        raise ImportFailure(
            f"“{path.name}” không mã hóa UTF-8 mà có vẻ là {guess}, bảng mã không chứa được chữ Việt "
            "(các chữ như ư, ơ, đ sẽ sai). Mở lại trong Excel và lưu bằng “CSV UTF-8 (Comma delimited)”."
        )
    decoded = text.nfc(decoded)
    sample = decoded[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        dialect = csv.excel
        if first.count(";") > first.count(","):
            dialect = _Semicolon
        elif first.count("\t") > first.count(","):
            dialect = csv.excel_tab
    reader = csv.reader(io.StringIO(decoded, newline=""), dialect)
    rows: list[tuple[int, list[Cell]]] = []
    cells = 0
    try:
        for row in reader:
            cells += len(row)
            if len(rows) >= limits.max_import_rows or cells > limits.max_import_cells:
                raise ImportFailure(
                    f"“{path.name}”: hơn {number_text(limits.max_import_rows)} dòng hoặc "
                    f"{number_text(limits.max_import_cells)} ô, vượt giới hạn limits.max_import_rows, "
                    "limits.max_import_cells trong tthc.yaml; hãy tách tệp hoặc nâng giới hạn."
                )
            rows.append((len(rows) + 1, [Cell(formula_unsafe(v)) for v in row]))
    except csv.Error as error:
        raise ImportFailure(f"“{path.name}”, dòng {reader.line_num}: CSV hỏng ({error}).") from error
    return Table(rows, encoding=guess, notes=tuple(notes))


class _Semicolon(csv.excel):
    delimiter = ";"


def read_table(path: Path, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Table:
    """A spreadsheet or CSV from outside, read within ``limits`` (tthc.yaml's) or refused with :class:`ImportFailure`."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFailure(f"Không tìm thấy tệp “{path}”.")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet, limits)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, limits)
    if suffix == ".xls":
        raise ImportFailure(
            f"“{path.name}” là định dạng Excel 97-2003 (.xls) cũ; mở trong Excel và lưu thành .xlsx hoặc CSV UTF-8."
        )
    raise ImportFailure(f"“{path.name}”: chỉ nhập được tệp .xlsx hoặc .csv.")


def find_header(table: Table) -> tuple[int, dict[str, int]] | None:
    """The header row (index into rows) and column of each component, within the first 30 rows.

    Title rows above the header are skipped; a header needs the name or the
    code column and at least one other known column.
    """
    for index, (_, cells) in enumerate(table.rows[:30]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(cells):
            key = match_header(cell.value)
            if key is not None and key not in columns:
                columns[key] = col
        if len(columns) >= 2 and ("name" in columns or "code" in columns):
            return index, columns
    return None
