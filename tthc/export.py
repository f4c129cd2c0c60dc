"""The catalogue for other systems (JSON) and for people who want a spreadsheet (CSV, xlsx).

Nested JSON is the catalogue as data, for programs; the flat table has one row
per procedure with Vietnamese headers, lists joined with "; ", for the people
who will open it in Excel. Its headers are the names ``tthc import`` reads, so
an exported sheet can be edited and imported back.

Rows are in Vietnamese alphabetical order of field, then name: the order a
reader scans a printed list in. Building the rows is pure; only the writers at
the end touch bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from tthc import text, wording
from tthc.model import CHANNELS, Catalogue, Method, Procedure
from tthc.tables import formula_safe

SEPARATOR = "; "

FLAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "Mã số TTHC"),
    ("name", "Tên thủ tục"),
    ("field", "Lĩnh vực"),
    ("field_id", "Mã lĩnh vực"),
    ("level", "Cấp thực hiện"),
    ("kind", "Loại thủ tục"),
    ("decisions", "Số quyết định công bố"),
    ("channels", "Cách thức thực hiện"),
    ("time", "Thời hạn giải quyết"),
    ("local_time", "Thời hạn cam kết"),
    ("fee", "Phí, lệ phí"),
    ("online", "Dịch vụ công trực tuyến"),
    ("subjects", "Đối tượng thực hiện"),
    ("agencies", "Cơ quan thực hiện"),
    ("results", "Kết quả thực hiện"),
    ("requirements", "Yêu cầu, điều kiện thực hiện"),
    ("legal_basis", "Căn cứ pháp lý"),
    ("forms", "Mẫu đơn, tờ khai"),
    ("steps", "Số bước"),
    ("dossier", "Số giấy tờ trong hồ sơ"),
    ("note", "Ghi chú"),
    ("file", "Tệp"),
)
"""(key, Vietnamese header) of the flat table, in the order of the national record."""

HEADERS = tuple(header for _, header in FLAT_COLUMNS)


def ordered(catalogue: Catalogue) -> list[Procedure]:
    """Procedures in Vietnamese order of field name, then procedure name, then code."""
    return wording.sort_by_field(catalogue.procedures, catalogue.settings)


def channel_text(method: Method, key: str) -> str:
    """One channel's "time", "local_time" or "fee" as a cell writes it; import compares cells with this.

    The note follows in parentheses, the form the importer reads it back from.
    """
    if key == "fee":
        return wording.with_note(wording.fee_text(method.fee), method.fee.note if method.fee else "")
    duration = method.time if key == "time" else method.local_time
    return wording.with_note(wording.duration_text(duration), duration.note if duration else "")


def per_channel(proc: Procedure, key: str) -> str:
    """One value when every channel agrees; otherwise "trực tiếp: …; trực tuyến: …".

    A method with a place is named with it ("trực tiếp (tại cơ quan đại
    diện): 10 USD/bản"), so one channel at two places gives two parts.
    """
    return SEPARATOR.join(wording.per_method(proc.methods, lambda m: channel_text(m, key), label=str))


def method_name(method: Method) -> str:
    """A method as the channels cell names it: "trực tiếp", or "trực tiếp (tại cơ quan đại diện)"."""
    return wording.method_label(method.channel, method.place, str)


def flat_row(proc: Procedure, catalogue: Catalogue) -> dict[str, str]:
    """One procedure as one row of text, keyed as :data:`FLAT_COLUMNS`."""
    settings = catalogue.settings
    agencies = [settings.agencies[a].name if a in settings.agencies else a for a in proc.agencies.performing]
    channels = [
        method_name(m)
        for m in sorted(
            proc.methods, key=lambda m: CHANNELS.index(m.channel) if m.channel in CHANNELS else len(CHANNELS)
        )
    ]
    online = next((m.online for m in proc.methods if m.channel == "trực tuyến" and m.online), "")
    return {
        "code": proc.code,
        "name": proc.name,
        "field": wording.field_name(settings, proc.field),
        "field_id": proc.field,
        "level": SEPARATOR.join(proc.levels),
        "kind": proc.kind,
        "decisions": SEPARATOR.join(proc.decisions),
        "channels": SEPARATOR.join(channels),
        "time": per_channel(proc, "time"),
        "local_time": per_channel(proc, "local_time"),
        "fee": per_channel(proc, "fee"),
        "online": online,
        "subjects": SEPARATOR.join(proc.subjects),
        "agencies": SEPARATOR.join(agencies),
        "results": SEPARATOR.join(r.name for r in proc.results),
        "requirements": SEPARATOR.join(proc.requirements),
        "legal_basis": SEPARATOR.join(
            " ".join(part for part in (ref.title or ref.type, ref.number) if part) for ref in proc.legal_basis
        ),
        "forms": SEPARATOR.join(f.name for f in proc.forms),
        "steps": str(len(proc.steps)) if proc.steps else "",
        "dossier": str(sum(len(c.items) for c in proc.dossier.cases)) if proc.dossier.cases else "",
        "note": proc.note,
        "file": proc.file,
    }


def flat_rows(catalogue: Catalogue) -> list[dict[str, str]]:
    return [flat_row(proc, catalogue) for proc in ordered(catalogue)]


def nested(catalogue: Catalogue) -> dict[str, Any]:
    """The whole catalogue as JSON-ready data: settings, procedures (ordered), decisions (oldest first)."""
    return {
        "catalogue": dict(catalogue.settings.data),
        "procedures": [{"file": p.file, **dict(p.data)} for p in ordered(catalogue)],
        "decisions": [{"file": d.file, **dict(d.data)} for d in catalogue.decisions_in_order()],
    }


# --------------------------------------------------------------------------
# Writers: text or bytes, never files (the command writes atomically)
# --------------------------------------------------------------------------


def to_json(catalogue: Catalogue, flat: bool = False) -> str:
    data: Any = (
        [{header: row[key] for key, header in FLAT_COLUMNS} for row in flat_rows(catalogue)]
        if flat
        else nested(catalogue)
    )
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(catalogue: Catalogue) -> str:
    """CSV with a header row; every cell is quoted when needed, lines end with CRLF as Excel expects.

    A cell that would start a formula (a name "=HYPERLINK(…)", a step "- Nộp
    hồ sơ") starts with a quote instead (:func:`tthc.tables.formula_safe`), as
    text typed in Excel does: a colleague opening the file runs nothing, and
    ``tthc import`` removes the quote again.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in flat_rows(catalogue):
        writer.writerow([formula_safe(row[key]) for key, _ in FLAT_COLUMNS])
    return out.getvalue()


def _cell_text(value: Any) -> Any:
    return text.xml_safe(value) if isinstance(value, str) else value


def text_cell(cell: Any) -> None:
    """A cell from the catalogue stays text, even "=HYPERLINK(…)": never a formula, now or when edited in Excel."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if formula_safe(cell.value) != cell.value:
            cell.quotePrefix = True


def to_xlsx(catalogue: Catalogue, title: str = "Thủ tục") -> bytes:
    """An .xlsx workbook: bold frozen header, filters, codes stored as text so Excel keeps their zeros."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rows = flat_rows(catalogue)
    for row in rows:
        sheet.append([_cell_text(row[key]) for key, _ in FLAT_COLUMNS])
        for cell in sheet[sheet.max_row]:
            text_cell(cell)
    code_column = get_column_letter(1)
    for cell in sheet[code_column]:
        cell.number_format = "@"
    widths = {"code": 12, "name": 60, "field": 22, "agencies": 40, "legal_basis": 50, "subjects": 30}
    for index, (key, header) in enumerate(FLAT_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, max(14, min(len(header) + 2, 30)))
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FLAT_COLUMNS))}{len(rows) + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FORMATS: Sequence[str] = ("json", "csv", "xlsx")
