"""Procedure lists from spreadsheets (xlsx, csv) into catalogue files.

Staff keep their lists in Excel, in whatever shape the last annex had: a title
above the header row, Vietnamese column names typed with or without
diacritics, a field name merged down over its procedures, codes that Excel
turned into numbers, times written "05 ngày làm việc" and fees "50.000 đồng".
This module walks such a sheet row by row and says what it did with each:
:mod:`tthc.tables` reads the sheet, :mod:`tthc.cells` the values as staff
write them, :mod:`tthc.settings_match` the names tthc.yaml declares, and
:mod:`tthc.import_rows` writes each row's file.

What a spreadsheet cannot give (steps, dossier, results …) is not invented,
and an existing file changes only where its row says something new.

Nothing here prints; :class:`ImportReport` is what the command shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tthc.cells import agency_levels, clean, heading_level, parse_levels, read_code
from tthc.import_rows import SKIPPED, Row, RowReport, create_file, update_file
from tthc.model import DISTRICT, LEVELS, REFORM_DATE, Catalogue, Procedure
from tthc.settings_match import match_field, suggest_field_id
from tthc.tables import COLUMN_LABELS, Cell, ImportFailure, Table, find_header, numbering_column, read_table


@dataclass(frozen=True)
class ImportReport:
    source: str
    sheet: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    """Component → header text as found in the file."""
    ignored_columns: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rows: tuple[RowReport, ...] = ()
    unknown_fields: dict[str, str] = field(default_factory=dict)
    """Spreadsheet field name → suggested id, for fields missing from tthc.yaml."""
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ok(self) -> bool:
        return self.count(SKIPPED) == 0


def _rows(table: Table, header: int, columns: dict[str, int], numbering: int | None) -> Iterable[tuple[Row, str]]:
    """Each row below the header, with the text of its running number cell (a group heading may stand there)."""
    for number, cells in table.rows[header + 1 :]:
        values = {key: cells[col] for key, col in columns.items() if col < len(cells)}
        label = clean(cells[numbering].value) if numbering is not None and numbering < len(cells) else ""
        yield Row(number, values), label


def _is_numbering(texts: Sequence[str]) -> bool:
    return all(re.fullmatch(r"\(?\d{1,2}\)?", t) for t in texts)


def import_table(
    root: Path,
    catalogue: Catalogue,
    path: Path,
    *,
    update: bool = False,
    field_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a spreadsheet into the catalogue at ``root``; files are written unless ``dry_run``.

    Raises :class:`ImportFailure` when the file as a whole cannot be read;
    row problems go into the report and never stop the other rows.
    """
    table = read_table(path, sheet, catalogue.settings.limits)
    found = find_header(table)
    if found is None:
        known = ", ".join(COLUMN_LABELS.values())
        raise ImportFailure(
            f"Không thấy dòng tiêu đề cột trong 30 dòng đầu của “{path.name}”. Cần ít nhất cột tên hoặc mã "
            f"thủ tục và một cột khác, ví dụ: {known}."
        )
    header, columns = found
    header_cells = table.rows[header][1]
    numbering = numbering_column(header_cells)
    ignored = tuple(
        clean(c.value) for i, c in enumerate(header_cells) if clean(c.value) and i not in columns.values() and i != numbering
    )
    by_code = catalogue.by_code()
    field_map = dict(field_map or {})
    reports: list[RowReport] = []
    unknown_fields: dict[str, str] = {}
    seen: dict[str, int] = {}
    section: dict[str, str] = {}
    for row, label in _rows(table, header, columns, numbering):
        texts = [clean(c.value) for c in row.values.values() if clean(c.value)]
        if not texts and label and not re.fullmatch(r"[\d.()]+", label):  # "I. Lĩnh vực Hộ tịch" in the STT column
            _section(label, catalogue, field_map, section)
            continue
        if not texts or _is_numbering(texts):
            continue
        if len(set(texts)) == 1 and read_code(row.values.get("code", Cell(None)).value)[0] is None:
            _section(texts[0], catalogue, field_map, section)
            continue
        report = _import_row(
            root, catalogue, row, by_code, seen, section, field_map, unknown_fields, update, dry_run
        )
        reports.append(report)
    return ImportReport(
        source=str(path),
        sheet=table.sheet,
        header_row=table.rows[header][0],
        columns={key: clean(header_cells[col].value) for key, col in columns.items()},
        ignored_columns=ignored,
        notes=table.notes,
        rows=tuple(reports),
        unknown_fields=unknown_fields,
        dry_run=dry_run,
    )


def _section(heading: str, catalogue: Catalogue, field_map: Mapping[str, str], section: dict[str, str]) -> None:
    """A row holding one text only is a group heading: "A. Cấp tỉnh", "I. Lĩnh vực Hộ tịch".

    A heading naming no level and no declared field still ends the group
    above it: its rows are not given the field of the previous group, but
    reported with the heading as their field, to declare or map.
    """
    level = heading_level(heading)
    if level is not None:
        section["level"] = level
        return
    field_id = match_field(heading, catalogue, field_map)
    if field_id is not None:
        section["field"] = field_id
        section.pop("field_text", None)
    else:
        section.pop("field", None)
        section["field_text"] = heading



def _import_row(
    root: Path,
    catalogue: Catalogue,
    row: Row,
    by_code: dict[str, Procedure],
    seen: dict[str, int],
    section: Mapping[str, str],
    field_map: Mapping[str, str],
    unknown_fields: dict[str, str],
    update: bool,
    dry_run: bool,
) -> RowReport:
    name = row.text("name")
    cell = row.values.get("code", Cell(None))
    code, code_note = read_code(cell.value, cell.number_format)
    shown_code = code or clean(cell.value)

    def skipped(reason: str) -> RowReport:
        return RowReport(row.number, SKIPPED, shown_code, name, reason=reason)

    if code is None:
        return skipped(code_note)
    if code in seen:
        return skipped(f"trùng mã với dòng {seen[code]}")
    seen[code] = row.number
    if not name:
        return skipped("thiếu tên thủ tục")
    notes = [code_note] if code_note else []

    field_text = row.text("field") or section.get("field_text", "")
    field_id = match_field(field_text, catalogue, field_map) if field_text else section.get("field")
    if field_id is None:
        if not field_text:
            return skipped("thiếu lĩnh vực")
        suggestion = suggest_field_id(field_text)
        unknown_fields[field_text] = suggestion
        return skipped(
            f"lĩnh vực “{field_text}” chưa khai báo trong tthc.yaml; thêm vào fields "
            f"(gợi ý id: {suggestion}) hoặc dùng --field-map \"{field_text}={suggestion}\""
        )

    level_text = row.text("level")
    levels: tuple[str, ...] = ()
    if level_text:
        levels, bad = parse_levels(level_text)
        if bad:
            allowed = ", ".join(level for level in LEVELS)
            return skipped(f"cấp thực hiện “{level_text}” không hợp lệ (dùng: {allowed})")
    elif section.get("level"):
        levels = (section["level"],)
    reviews: dict[str, str] = {}
    if not levels and row.text("agencies") and code not in by_code:
        levels, why = agency_levels(row.lines("agencies"))
        agencies = row.text("agencies")
        if levels:
            notes.append(f"cấp thực hiện {', '.join(levels)} suy ra từ cơ quan thực hiện “{agencies}”; xem lại")
            reviews["level"] = f"suy ra từ cơ quan thực hiện “{agencies}”"
        else:
            notes.append(f"thiếu cấp thực hiện: {why}")
            reviews["level"] = why
    as_of = catalogue.settings.as_of
    if DISTRICT in levels and as_of is not None and as_of >= REFORM_DATE:
        notes.append("cấp huyện không còn từ 01/7/2025; `tthc validate` sẽ báo")

    existing = by_code.get(code)
    if existing is not None:
        if not update:
            return skipped(f"đã có ({existing.file}); dùng --update để cập nhật")
        return update_file(root, catalogue, existing, row, field_id, levels, notes, dry_run)
    return create_file(root, catalogue, row, code, name, field_id, levels, notes, dry_run, reviews)
