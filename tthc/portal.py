"""National-portal records (dichvucong.gov.vn) read into full procedure data.

A crawl of the national portal gives one JSON object per procedure, keyed as
the crawler named the page's sections (``ma_thu_tuc``, ``cach_thuc_thuc_hien``
…), with every table flattened into one string. This module turns such a
record into the data a catalogue procedure file holds, in the schema's key
order, so the importer only has to dump it as YAML.

The rule it keeps: every value written either appears in the record as it
stands (after NFC and whitespace normalisation), or carries a :class:`Mark`
saying why a reviewer should look at it and which source text it came from.
``Không có thông tin`` is the portal's empty cell and never becomes a value.
The flattened tables are read in :mod:`tthc.portal_tables` and
:mod:`tthc.portal_legal`.

Reading is bounded by tthc.yaml's ``limits``: a file larger than
``max_import_bytes`` is refused before it is read; nesting deeper than
``max_depth``, more objects and lists than ``max_import_rows`` records and
more values than ``max_import_cells`` are refused before the parser builds
anything (:func:`_check_shape`), each with :class:`PortalError`, so a
hostile file cannot exhaust memory. Nothing here prints or writes files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tthc import schema, text
from tthc.layout import CODE
from tthc.model import LEVELS, DataPath, Field, Limits
from tthc.portal_legal import parse_legal_basis
from tthc.portal_tables import CHROME, EMPTY, Mark, parse_dossier, parse_methods, parse_results

__all__ = ["CHROME", "Converted", "Mark", "PortalError", "Record", "clean", "is_portal_data", "match_field",
           "read_json", "read_records", "records_from_data", "split_top", "to_procedure"]  # fmt: skip

DEFAULT_LIMITS = Limits()

KEYS = ("ma_thu_tuc", "ten_thu_tuc", "cach_thuc_thuc_hien", "thanh_phan_ho_so", "trinh_tu_thuc_hien")
"""Keys that only a portal record has together: how a record is recognised."""

Record = dict[str, str]
"""One portal record as read: its keys and their string values, unchanged."""


class PortalError(Exception):
    """The file or record cannot be read as national-portal records; the message says why and what to do."""


@dataclass(frozen=True)
class Converted:
    """A record as procedure data, with what a reviewer must check.

    ``data["field"]`` and the agency ids are slugs of the names the record
    gives (``field_name``, ``agency_names``): the caller maps them to the ids
    of tthc.yaml (:func:`match_field`) or declares new ones.
    ``upstream_decisions`` are the ministry's announcement decisions, which
    ``data["decisions"]`` starts with until the province's own is added.
    ``marks`` are doubts about values written; ``missing`` is what the record
    does not say at all (written as an empty list, as :mod:`tthc.scaffold` does).
    """

    code: str
    data: dict[str, Any]
    marks: list[Mark]
    missing: list[DataPath]
    """Components the schema requires that the record leaves empty: written empty, for the user to fill."""
    upstream_decisions: list[str]
    field_name: str
    agency_names: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def is_portal_data(data: Any) -> bool:
    """Whether parsed JSON is one portal record or a list of them (judged by the first)."""
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and all(key in first for key in KEYS)


def _number(value: int) -> str:
    """A count written the Vietnamese way, thousands apart by dots: 64.000.000."""
    return f"{value:,}".replace(",", ".")


def read_records(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[Record]:
    """The records of a portal JSON file (one record or a list of them), within ``limits``."""
    return records_from_data(read_json(path, limits), path.name, limits)


def read_json(path: Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """A JSON file from outside, parsed within ``limits`` (``tthc upstream`` reads a ministry's list so too)."""
    max_bytes = limits.max_import_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PortalError(
                f"{path.name}: tệp {_number(size)} byte, vượt giới hạn {_number(max_bytes)} byte "
                "(limits.max_import_bytes trong tthc.yaml); hãy tách tệp."
            )
        raw = path.read_bytes()[: max_bytes + 1].decode("utf-8-sig")
    except OSError as error:
        raise PortalError(f"{path.name}: không đọc được tệp ({error.strerror}).") from error
    except UnicodeDecodeError as error:
        raise PortalError(
            f"{path.name}: tệp không phải UTF-8 (byte {error.start}); hãy lưu lại dạng UTF-8."
        ) from error
    return load_json(raw, path.name, limits)


def records_from_text(raw: str, name: str = "<dữ liệu>", limits: Limits = DEFAULT_LIMITS) -> list[Record]:
    """The records in JSON text; see :func:`read_records`."""
    return records_from_data(load_json(raw, name, limits), name, limits)


def load_json(raw: str, name: str = "<dữ liệu>", limits: Limits = DEFAULT_LIMITS) -> Any:
    """JSON text parsed, refused before parsing when too large, too deep or with too many values."""
    if len(raw) > limits.max_import_bytes:
        raise PortalError(
            f"{name}: dữ liệu vượt giới hạn {_number(limits.max_import_bytes)} byte "
            "(limits.max_import_bytes trong tthc.yaml); hãy tách tệp."
        )
    _check_shape(raw, name, limits)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise PortalError(
            f"{name}, dòng {error.lineno}, cột {error.colno}: JSON hỏng ({error.msg}); tệp có thể bị cắt cụt, hãy tải lại."
        ) from error
    except RecursionError as error:
        # The parser counts its own depth and stops long before memory runs
        # out; records hold strings only, so any nesting past two is not ours.
        raise PortalError(f"{name}: JSON lồng quá sâu, không phải bản ghi Cổng DVC quốc gia.") from error
    return data


_STRING = re.compile(r'"[^"]*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _check_shape(raw: str, name: str, limits: Limits) -> None:
    """Refuse JSON nested too deep, or with too many objects, lists or values, before it is parsed.

    The parser builds every value before anyone can count them: a file of
    ``[[],[],…]`` or ``[1,1,…]`` within the size limit is tens of millions
    of objects. With its strings taken out, JSON is only its punctuation, which
    is counted here at C speed; the brackets are walked one by one, but only
    until the limits are passed.
    """
    skeleton = _STRING.sub("", raw.replace("\\\\", "").replace('\\"', ""))  # escapes first: \\ then \"
    if skeleton.count(",") >= limits.max_import_cells:
        raise PortalError(
            f"{name}: hơn {_number(limits.max_import_cells)} giá trị, vượt giới hạn "
            "limits.max_import_cells trong tthc.yaml; hãy tách tệp."
        )
    depth = containers = 0
    for bracket in _BRACKET.finditer(skeleton):
        if bracket.group() in "[{":
            depth += 1
            containers += 1
            if depth > limits.max_depth:
                raise PortalError(f"{name}: JSON lồng quá sâu, không phải bản ghi Cổng DVC quốc gia.")
            if containers > limits.max_import_rows + 1:
                raise PortalError(
                    f"{name}: hơn {_number(limits.max_import_rows)} bản ghi, vượt giới hạn "
                    "limits.max_import_rows trong tthc.yaml; hãy tách tệp."
                )
        else:
            depth -= 1


def records_from_data(data: Any, name: str = "<dữ liệu>", limits: Limits = DEFAULT_LIMITS) -> list[Record]:
    """Parsed JSON checked to be portal records: a record or a list of them, every value a string."""
    if not is_portal_data(data):
        raise PortalError(
            f"{name}: không phải bản ghi Cổng DVC quốc gia (cần một đối tượng hoặc danh sách đối tượng có các khóa "
            f"{', '.join(KEYS)})."
        )
    items = data if isinstance(data, list) else [data]
    if len(items) > limits.max_import_rows:
        raise PortalError(
            f"{name}: {_number(len(items))} bản ghi, vượt giới hạn {_number(limits.max_import_rows)} "
            "(limits.max_import_rows trong tthc.yaml); hãy tách tệp."
        )
    records: list[Record] = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise PortalError(f"{name}: phần tử thứ {i} không phải một bản ghi (đối tượng JSON).")
        bad = [key for key, value in item.items() if not isinstance(value, str)]
        if bad:
            raise PortalError(f"{name}: bản ghi thứ {i}, khóa {bad[0]}: giá trị phải là chuỗi.")
        records.append(dict(item))
    return records


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------

_SPACES = re.compile(r"(?: [ \t\u00a0]|[\t\u00a0])[ \t\u00a0]*")
"""A run of spaces, tabs and no-break spaces other than one plain space, which stays as it is.

Replaced by one space, as every run of them; leaving the single spaces
between words alone makes cleaning a record's text three times faster.
"""


def clean(value: str) -> str:
    """NFC, without pasted noise (the loader refuses it), runs of spaces as one, no blank lines; the placeholder as ""."""
    value = text.drop_pasted_noise(text.nfc(value).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in _SPACES.sub(" ", value).split("\n")]  # a run never crosses a line break
    joined = "\n".join(line for line in lines if line)
    return "" if joined == EMPTY else joined


def _fold(value: str) -> str:
    return _SPACES.sub(" ", text.nfc(value)).strip().casefold()


def match_field(name: str, settings_fields: Mapping[str, Field]) -> str | None:
    """The id of the tthc.yaml field with this name (NFC, spacing and case ignored), or None."""
    wanted = _fold(name)
    return next((fid for fid, f in settings_fields.items() if _fold(f.name) == wanted), None)


def split_top(value: str) -> list[str]:
    """Comma-separated items, not split inside parentheses ("Tổ chức (không bao gồm doanh nghiệp, HTX)")."""
    items, depth, start = [], 0, 0
    for i, char in enumerate(value):
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            items.append(value[start:i])
            start = i + 1
    items.append(value[start:])
    return [item.strip() for item in items if item.strip()]


def _agencies(value: str) -> list[str]:
    """Agency names; a comma inside a name ("khu kinh tế, khu chế xuất") is followed by a lower-case word."""
    names: list[str] = []
    for piece in value.split(", "):
        if names and not piece[:1].isupper():
            names[-1] += ", " + piece
        elif piece.strip():
            names.append(piece.strip())
    return list(dict.fromkeys(names))


# --------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------


def _kinds() -> tuple[str, ...]:
    """The kinds the procedure schema accepts, so that the two cannot drift."""
    return tuple(schema.schema("procedure")["properties"]["kind"]["enum"])


_STEP = re.compile(r"(?:^|\n)(?=Bước \d+\s*[:.])")
_DECISION = re.compile(r"^\d{1,5}/QĐ-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")
ROLES = (
    ("performing", "co_quan_thuc_hien"),
    ("deciding", "co_quan_co_tham_quyen"),
    ("authorised", "co_quan_duoc_uy_quyen"),
    ("coordinating", "co_quan_phoi_hop"),
)


def to_procedure(record: Record) -> Converted:
    """The record as procedure data plus the marks a reviewer must check."""
    cleaned: dict[str, str] = {}

    def get(key: str) -> str:
        if key not in cleaned:
            cleaned[key] = clean(record.get(key, ""))
        return cleaned[key]

    code = get("ma_thu_tuc")
    if not code:
        raise PortalError("Bản ghi không có mã thủ tục (ma_thu_tuc): không nhập được; hãy bổ sung mã.")
    if not CODE.match(code):
        raise PortalError(f"Bản ghi có mã thủ tục “{text.clip(code)}” không đúng dạng d.dddddd.")
    marks: list[Mark] = []
    data: dict[str, Any] = {"code": code}
    name = get("ten_thu_tuc")
    if not name:
        raise PortalError(f"Bản ghi {code} không có tên thủ tục (ten_thu_tuc).")
    data["name"] = name
    field_name = get("linh_vuc")
    data["field"] = text.slug(field_name)
    data["level"] = _levels(get("cap_thuc_hien"), marks)
    kind = get("loai_thu_tuc")
    if kind in _kinds():
        data["kind"] = kind
    elif kind:
        marks.append(Mark(("kind",), "Loại thủ tục không có trong danh sách của lược đồ: bỏ qua.", kind))
    decisions = _decisions(get("so_quyet_dinh"), marks)
    data["decisions"] = decisions
    data["steps"] = _steps(get("trinh_tu_thuc_hien"))
    data["methods"], method_marks = parse_methods(get("cach_thuc_thuc_hien"))
    data["dossier"], dossier_marks = parse_dossier(get("thanh_phan_ho_so"))
    data["subjects"] = list(dict.fromkeys(split_top(get("doi_tuong_thuc_hien"))))
    data["agencies"], agency_names = _agency_ids(get)
    if get("dia_chi_tiep_nhan"):
        data["agencies"]["address"] = get("dia_chi_tiep_nhan")
    data["results"], description, result_marks = parse_results(get("ket_qua_xu_ly"))
    requirements = get("yeu_cau_dieu_kien").split("\n")
    if requirements != [""]:
        data["requirements"] = requirements
    data["legal_basis"], legal_marks = parse_legal_basis(get("can_cu_phap_ly"))
    if description:
        data["note"] = description
    marks += method_marks + dossier_marks + result_marks + legal_marks
    missing = [path for path in _REQUIRED if not _at(data, path)]
    return Converted(code, data, marks, missing, list(decisions), field_name, agency_names)


_REQUIRED: tuple[DataPath, ...] = (
    ("field",), ("level",), ("decisions",), ("steps",), ("methods",), ("dossier", "cases"), ("subjects",),
    ("agencies", "performing"), ("results",), ("legal_basis",),
)  # fmt: skip


def _at(data: Any, path: DataPath) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


_DECISION_IN_TEXT = re.compile(r"\d{1,5}\.?/QĐ-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*")


def _decisions(value: str, marks: list[Mark]) -> list[str]:
    """The announcement decisions named, as written; "2267./QĐ-BXD" loses its stray dot, with a mark."""
    numbers: list[str] = []
    for found in _DECISION_IN_TEXT.findall(value):
        number = found.replace("./", "/")
        if number != found:
            marks.append(Mark(("decisions", len(numbers)), "Số quyết định có dấu chấm thừa: đã bỏ.", value))
        numbers.append(number)
    if value and not numbers:
        marks.append(
            Mark(("decisions",), "Số quyết định công bố không đúng dạng số/QĐ-cơ quan: cần ghi lại.", value)
        )
    return list(dict.fromkeys(numbers))


def _levels(value: str, marks: list[Mark]) -> list[str]:
    levels = []
    for level in split_top(value):
        canonical = next((known for known in LEVELS if _fold(known) == _fold(level)), None)
        if canonical is None:
            marks.append(Mark(("level",), "Cấp thực hiện không có trong danh sách: bỏ qua.", level))
        elif canonical not in levels:
            levels.append(canonical)
    return levels


def _steps(value: str) -> list[str]:
    """One step per "Bước N"; text before the first step, or with no steps named, stays a step of its own."""
    return [part.strip() for part in _STEP.split(value) if part.strip()]


def _agency_ids(get: Callable[[str], str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    agencies: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for role, key in ROLES:
        ids = []
        for agency in _agencies(get(key)):
            agency_id = text.slug(agency)
            names[agency_id] = agency
            if agency_id not in ids:
                ids.append(agency_id)
        if ids:
            agencies[role] = ids
    return {"performing": [], **agencies}, names
