"""A ministry's complete list of procedures ("DANH SÁCH THỦ TỤC HÀNH CHÍNH"), read from the portal's export.

The portal exports, per ministry, one row per procedure that exists: code,
name, issuing ministry, performing agencies, field. Unlike a record it says
nothing of a procedure's content, but it is the only source that says what
no longer exists, so ``tthc upstream`` may call a procedure "to abolish"
only inside the scope of such a list.

The list has no level column: the level is told from the performing
agencies ("Ủy ban nhân dân cấp xã" → Cấp xã, "Sở Tư pháp" → Cấp tỉnh,
"Cục …" → Cấp bộ). An entry whose agencies say nothing (a third of the
Bộ Tư pháp list has none) has no level; the comparison says so rather than
guess. The list comes as the portal's .xlsx (read through the safe reader
of :mod:`tthc.tables`) or as JSON keyed by the same headers. Nothing here
prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tthc import text
from tthc.cells import header_key
from tthc.layout import CODE
from tthc.model import Limits
from tthc.tables import Cell, ImportFailure, read_xlsx

__all__ = ["HEADERS", "ListEntry", "ListError", "entries_from_data", "entries_from_xlsx", "is_list_data", "levels_of"]

HEADERS = {"code": "Mã số", "name": "Tên", "ministry": "Cơ quan ban hành", "agencies": "Cơ quan thực hiện",
           "field": "Lĩnh vực"}  # fmt: skip
"""The portal's column headers, which are also the keys of the list's JSON form."""
_REQUIRED = ("code", "name", "field")


class ListError(Exception):
    """The file is not a ministry's list, or a row of it cannot be read; the message says which and what to do."""


@dataclass(frozen=True)
class ListEntry:
    """One row: a procedure that exists, and where."""

    code: str
    name: str
    ministry: str
    field: str
    agencies: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    """Told from ``agencies``; empty when they do not say."""
    row: int = 0
    """The row in the sheet, or the position in the JSON list, from 1."""


# Agency wording → level, tried in order on the folded name; the first match wins.
_LEVEL_OF_AGENCY: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), level)
    for pattern, level in (
        (r"\bcap xa\b|\bubnd cap xa\b|o cap xa$", "Cấp xã"),
        (r"\bcap huyen\b|^phong tu phap\b", "Cấp huyện"),
        (r"\bcap tinh\b|^so |^giam doc so |tinh, thanh pho|^van phong dang ky dat dai|^trung tam tro giup phap ly",
         "Cấp tỉnh"),
        (r"^bo\b|^cuc |^bo truong|cap trung uong|^trung tam dang ky giao dich|^co quan dang ky tau bien viet nam"
         r"|^co quan quan ly co so du lieu", "Cấp bộ"),
        (r"^co quan dai dien|^to chuc |^phong thi hanh an cap quan khu", "Cơ quan khác"),
    )
)  # fmt: skip


def levels_of(agencies: Iterable[str]) -> tuple[str, ...]:
    """The levels the agencies' names tell, in the order of :data:`tthc.model.LEVELS`; () when none does."""
    from tthc.model import LEVELS

    found: set[str] = set()
    for agency in agencies:
        folded = text.fold(agency).strip(" .")
        level = next((level for pattern, level in _LEVEL_OF_AGENCY if pattern.search(folded)), None)
        if level is not None:
            found.add(level)
    return tuple(level for level in LEVELS if level in found)


def _clean(value: Any) -> str:
    return " ".join(text.nfc(value).split()) if isinstance(value, str) else ("" if value is None else str(value))


def _agencies(value: Any) -> tuple[str, ...]:
    """Agencies one per line, as the portal writes them; a repeated one once."""
    if not isinstance(value, str):
        return ()
    return tuple(dict.fromkeys(_clean(part) for part in value.split("\n") if _clean(part)))


def _entry(values: dict[str, Any], row: int, name: str) -> ListEntry:
    code = _clean(values.get("code"))
    if not CODE.match(code):
        raise ListError(
            f"{name}, dòng {row}: mã thủ tục “{text.clip(code)}” không đúng dạng d.dddddd; "
            "hãy tải lại danh sách từ Cổng Dịch vụ công quốc gia."
        )
    agencies = _agencies(values.get("agencies"))
    return ListEntry(
        code=code,
        name=_clean(values.get("name")),
        ministry=_clean(values.get("ministry")),
        field=_clean(values.get("field")),
        agencies=agencies,
        levels=levels_of(agencies),
        row=row,
    )


_KEYS = {header_key(label): key for key, label in HEADERS.items()}


def is_list_data(data: Any) -> bool:
    """Whether parsed JSON is a list in the portal's export form (judged by its first row)."""
    first = data[0] if isinstance(data, list) and data else None
    return isinstance(first, dict) and all(
        any(_KEYS.get(header_key(k)) == key for k in first if isinstance(k, str)) for key in _REQUIRED
    )


def entries_from_data(data: Any, name: str, limits: Limits) -> list[ListEntry]:
    """The entries of the list's JSON form: a list of objects keyed by the portal's headers."""
    if not is_list_data(data):
        raise ListError(
            f"{name}: không phải danh sách thủ tục của Bộ (cần danh sách đối tượng có các khóa "
            f"{', '.join(HEADERS[k] for k in _REQUIRED)})."
        )
    if len(data) > limits.max_import_rows:
        raise ListError(f"{name}: {len(data)} dòng, vượt giới hạn limits.max_import_rows trong tthc.yaml; hãy tách tệp.")
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ListError(f"{name}: phần tử thứ {i} không phải một dòng của danh sách (đối tượng JSON).")
        values = {_KEYS[header_key(k)]: v for k, v in item.items() if isinstance(k, str) and header_key(k) in _KEYS}
        out.append(_entry(values, i, name))
    return _unique(out, name)


def _header(rows: Sequence[tuple[int, list[Cell]]]) -> tuple[int, dict[str, int]] | None:
    for index, (_, cells) in enumerate(rows[:30]):
        columns = {}
        for col, cell in enumerate(cells):
            key = _KEYS.get(header_key(cell.value)) if isinstance(cell.value, str) else None
            if key is not None and key not in columns:
                columns[key] = col
        if all(key in columns for key in _REQUIRED):
            return index, columns
    return None


def entries_from_xlsx(path: Path, limits: Limits) -> list[ListEntry]:
    """The entries of the portal's .xlsx export, under its title rows; refused within ``limits`` like any sheet."""
    try:
        table = read_xlsx(path, limits=limits)
    except ImportFailure as error:
        raise ListError(str(error)) from error
    found = _header(table.rows)
    if found is None:
        raise ListError(
            f"{path.name}: không thấy dòng tiêu đề của danh sách thủ tục (cần các cột "
            f"{', '.join(HEADERS[k] for k in _REQUIRED)}, như tệp “DANH SÁCH THỦ TỤC HÀNH CHÍNH” tải từ Cổng "
            "Dịch vụ công quốc gia)."
        )
    index, columns = found
    out = []
    for row, cells in table.rows[index + 1 :]:
        values = {key: cells[col].value if col < len(cells) else None for key, col in columns.items()}
        if not any(_clean(v) for v in values.values()):
            continue
        out.append(_entry(values, row, path.name))
    return _unique(out, path.name)


def _unique(entries: list[ListEntry], name: str) -> list[ListEntry]:
    if not entries:
        raise ListError(f"{name}: danh sách không có thủ tục nào; hãy tải lại danh sách đầy đủ của Bộ.")
    seen: dict[str, int] = {}
    for entry in entries:
        if entry.code in seen:
            raise ListError(
                f"{name}, dòng {entry.row}: mã {entry.code} đã có ở dòng {seen[entry.code]}; "
                "danh sách đầy đủ không lặp mã, hãy tải lại."
            )
        seen[entry.code] = entry.row
    return entries
