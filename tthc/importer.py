"""Procedure lists from spreadsheets (xlsx, csv) into catalogue files.

Staff keep their lists in Excel, in whatever shape the last annex had: a title
above the header row, Vietnamese column names typed with or without
diacritics, a field name merged down over its procedures, codes that Excel
turned into numbers, times written "05 ngày làm việc" and fees "50.000 đồng".
This module reads that shape as it is and says, row by row, what it did.

What a spreadsheet cannot give (steps, dossier, results …) is not invented:
each new file is the :mod:`tthc.scaffold` skeleton with the known components
filled and the others left empty and marked ``# CẦN ĐIỀN``, so ``tthc
validate`` lists exactly what remains to be written. A value the importer could
not read is kept verbatim in the comment beside its placeholder, so nothing
typed in the spreadsheet is lost.

An existing file is only touched where a cell differs from what
:mod:`tthc.export` writes for it: a sheet is a lossy view of a file (one cell
for three channels, notes in parentheses, no fee basis), so the file, not the
sheet, is the truth for everything the sheet left as exported.

Nothing here prints; :class:`ImportReport` is what the command shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tthc import fmt, scaffold, text
from tthc.model import DISTRICT, LEVELS, REFORM_DATE, Catalogue, Procedure
from tthc.rules.decision_rules import final_state
from tthc.rules.fee_rules import council_states_fee
from tthc.rules.procedure_rules import CODE

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
STATUS_LABELS = {CREATED: "tạo mới", UPDATED: "cập nhật", UNCHANGED: "không đổi", SKIPPED: "bỏ qua"}


class ImportFailure(Exception):
    """The file as a whole cannot be imported (unreadable, no header row …); the message says why."""


# --------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------

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


def header_key(value: str) -> str:
    """A header reduced for matching: folded (no diacritics, đ → d), punctuation and spacing ignored."""
    return re.sub(r"[^a-z0-9]+", " ", text.fold(value)).strip()


_ALIASES = {header_key(alias): key for key, aliases in COLUMNS.items() for alias in aliases}


def match_header(value: Any) -> str | None:
    """The component a header cell names, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _ALIASES.get(header_key(value))


# --------------------------------------------------------------------------
# Values as staff write them
# --------------------------------------------------------------------------

_LEVEL_WORDS = {
    "cap bo": "Cấp bộ", "bo": "Cấp bộ", "trung uong": "Cấp bộ", "cap trung uong": "Cấp bộ",
    "cap tinh": "Cấp tỉnh", "tinh": "Cấp tỉnh",
    "cap huyen": "Cấp huyện", "huyen": "Cấp huyện",
    "cap xa": "Cấp xã", "xa": "Cấp xã", "phuong": "Cấp xã", "dac khu": "Cấp xã",
    "xa phuong dac khu": "Cấp xã", "xa phuong": "Cấp xã",
    "co quan khac": "Cơ quan khác", "khac": "Cơ quan khác",
}  # fmt: skip
_LEVEL_SPLIT = re.compile(r"[,;/\n+]|\bvà\b|\bva\b", re.IGNORECASE)


def parse_levels(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Levels from text such as "Cấp tỉnh, Cấp xã", "Tỉnh" or "tinh va xa": (levels, unreadable parts).

    Levels come out in the order of :data:`tthc.model.LEVELS`, once each.
    """
    found: set[str] = set()
    bad: list[str] = []
    for part in _LEVEL_SPLIT.split(text.nfc(value)):
        if not part.strip():
            continue
        key = header_key(part)
        level = _LEVEL_WORDS.get(key)
        if level is None:
            bad.append(" ".join(part.split()))
        else:
            found.add(level)
    return tuple(level for level in LEVELS if level in found), tuple(bad)


_UNITS = (
    ("ngay lam viec", "ngày làm việc"),
    ("gio lam viec", "giờ làm việc"),
    ("ngay", "ngày"),
    ("gio", "giờ"),
    ("thang", "tháng"),
)
_NUMBER_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ngay lam viec|gio lam viec|ngay|gio|thang)\b")
_SPELLED_OUT = re.compile(r"(\d)\s*\([^()\d]{1,30}\)")
""""05 (năm) ngày làm việc": the number written again in words, as decisions write it."""
_CONDITION = re.compile(
    r"\b(trong truong hop|tru truong hop|truong hop|doi voi|rieng|neu"
    r"|(?:sau|truoc|tu|qua)\s+\d+(?:[.,:h]\d+)?\s*(?:gio|h)\b)"
)
"""Where a conditional clause begins, in folded text: "trường hợp …", "nếu …", "sau 15 giờ …".

A number after one of these belongs to the exception, not to the time: in
"Trong ngày; trường hợp nhận hồ sơ sau 15 giờ thì …" the 15 is a clock time.
"""
_SAME_DAY = ("trong ngay", "trong ngay lam viec")


def fold_chars(value: str) -> str:
    """:func:`tthc.text.fold` one character at a time, so positions in the result are positions in ``value``."""
    out = []
    for ch in value:
        folded = text.fold(ch)
        out.append(folded[0] if folded else (" " if ch.isspace() else ch))
    return "".join(out)


def split_note(value: str) -> tuple[str, str]:
    """("5 ngày làm việc", "kể từ …") from "5 ngày làm việc (kể từ …)": the form export writes a note in.

    Only a parenthesis that closes the text and opens after some text counts;
    parentheses inside the note are matched, so "(… (nếu có).)" stays whole.
    """
    if not value.endswith(")"):
        return value, ""
    depth = 0
    for index in range(len(value) - 1, -1, -1):
        if value[index] == ")":
            depth += 1
        elif value[index] == "(":
            depth -= 1
            if depth == 0:
                head = value[:index].rstrip()
                return (head, value[index + 1 : -1].strip()) if head else (value, "")
    return value, ""


def parse_time(value: str) -> tuple[dict[str, Any] | None, str]:
    """A processing time from text: ({value, unit[, note]} or None, why it was not read).

    Only the leading statement gives the time: "05 ngày làm việc" → 5 working
    days, "Trong ngày" → within the working day, "15 ngày" → 15 calendar days.
    What follows it, a condition ("trường hợp …", "nếu …", "sau 15 giờ …") or a
    note in parentheses, becomes ``note``, and its numbers are never read as
    the time. When the leading statement holds no time, a time without a unit
    or two different times, nothing is guessed: None and the reason, which the
    import report shows with the row and the cell.
    """
    original = " ".join(text.nfc(value).split())
    if not original:
        return None, ""
    head, parenthesised = split_note(original)
    condition = _CONDITION.search(fold_chars(head))
    lead = head[: condition.start()] if condition else head
    lead_text = lead.strip(" ;,.:–-")
    lead_plain = _SPELLED_OUT.sub(r"\1", lead_text)
    lead_key = header_key(lead_plain)
    cell = f"thời hạn “{original}”"
    if not lead_key:
        return None, f"{cell} mở đầu bằng điều kiện, không rõ thời hạn chung; ghi thời hạn trước, ví dụ “Trong ngày; trường hợp …”"
    matches = set(_NUMBER_UNIT.findall(text.fold(lead_plain)))
    same_day = "trong ngay" in lead_key
    if len(matches) > 1 or (matches and same_day):
        return None, f"{cell} có nhiều mức; ghi một mức, hoặc từng kênh: “trực tiếp: …; trực tuyến: …”"
    duration: dict[str, Any]
    if matches:
        number, unit_key = matches.pop()
        amount = float(number.replace(",", "."))
        duration = {"value": int(amount) if amount.is_integer() else amount, "unit": dict(_UNITS)[unit_key]}
        bare = re.sub(r"^0+(?=\d)", "", lead_key) == header_key(f"{number.lstrip('0') or '0'} {unit_key}")
    elif same_day:
        duration = {"unit": "trong ngày"}
        bare = lead_key in _SAME_DAY
    elif re.fullmatch(r"\d+( \d+)?", lead_key):
        return None, f"{cell} không ghi đơn vị; ghi rõ, ví dụ “{lead_text} ngày làm việc” hoặc “{lead_text} ngày”"
    else:
        return None, f"không đọc được {cell}; ghi dạng “5 ngày làm việc” hoặc “Trong ngày”"
    if not bare:
        note = original
    elif condition:
        note = original[len(lead) :].lstrip(" ;,.:–-")
    else:
        note = parenthesised
    if note:
        duration["note"] = note
    return duration, ""


_FREE = re.compile(r"^(mien phi|mien le phi|mien|khong|khong thu|khong co|khong thu phi|0|0 dong|0d)$")
_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(dong|d|vnd|usd)?\b")


def parse_fee(value: str) -> tuple[dict[str, Any] | None, str]:
    """A fee from text: "50.000 đồng" → {amount: 50000}; "Miễn phí" / "Không" → {free: true}.

    Dots and commas between groups of three digits are thousands separators,
    as Vietnamese writes them. Several amounts in one cell cannot be assigned
    to channels here, so they are not guessed at. "50.000 đồng (…)" is read
    as export writes it: the amount, then the note in parentheses, whose own
    amounts ("50.000 đồng/bản") are the note's, not the fee's.
    """
    original = " ".join(text.nfc(value).split())
    head, parenthesised = split_note(original)
    if parenthesised:
        fee, _ = _fee_statement(head)
        if fee is not None and "note" not in fee:
            return {**fee, "note": parenthesised}, ""
    return _fee_statement(original)


def _fee_statement(original: str) -> tuple[dict[str, Any] | None, str]:
    folded = header_key(original)
    if not folded:
        return None, ""
    if _FREE.match(folded) or folded.startswith(("mien phi", "mien le phi", "khong thu")):
        fee: dict[str, Any] = {"free": True}
        if not _FREE.match(folded):
            fee["note"] = original
        return fee, ""
    if council_states_fee(original):  # the council sets the amount: the note is the fee, as tthc writes it
        return {"note": original}, ""
    amounts = _AMOUNT.findall(text.fold(original))
    with_currency = [a for a in amounts if a[1]]
    if with_currency:  # "50.000 đồng (Thông tư 85/2019/TT-BTC)": the numbers of the text are not amounts
        amounts = with_currency
    if not amounts:
        return None, f"không đọc được phí, lệ phí “{original}”"
    if len(amounts) > 1:
        return None, f"phí, lệ phí “{original}” có nhiều mức; ghi một mức, hoặc từng kênh: “trực tiếp: …; trực tuyến: …”"
    number, currency = amounts[0]
    fee = {"amount": int(re.sub(r"[.,]", "", number))}
    if currency == "usd":
        fee["currency"] = "USD"
    if not re.fullmatch(r"[\d., ]+(dong|d|vnd|usd)?", text.fold(original)):
        fee["note"] = original
    return fee, ""


_CHANNEL_MARK = re.compile(
    r"(?:^|;\s*)(?:nop\s+)?(truc tiep|truc tuyen|(?:qua\s+)?(?:dich vu\s+)?buu chinh(?:\s+cong ich)?)\s*:\s*"
)


def split_channels(value: str) -> dict[str, str] | None:
    """{channel: text} from "trực tiếp: …; trực tuyến: …" (export's form when channels differ); None for one value.

    A channel named twice makes the cell unreadable as channels: {} (the
    caller reports it), never one value silently chosen.
    """
    original = " ".join(text.nfc(value).split())
    marks = list(_CHANNEL_MARK.finditer(fold_chars(original)))
    if not marks or marks[0].start() != 0:
        return None
    out: dict[str, str] = {}
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        word = mark.group(1)
        channel = "trực tiếp" if word == "truc tiep" else "trực tuyến" if word == "truc tuyen" else "bưu chính"
        if channel in out:
            return {}
        out[channel] = original[mark.end() : following.start() if following else len(original)].strip(" ;")
    return out


_LEGAL_NUMBER = re.compile(r"\b(\d{1,4}/(?:\d{4}/)?[A-ZĐ]+\d*(?:-[A-ZĐ0-9]+)*)")
_LEGAL_TYPES = (
    "Thông tư liên tịch", "Bộ luật", "Luật", "Nghị quyết", "Pháp lệnh", "Nghị định", "Quyết định",
    "Thông tư", "Chỉ thị",
)  # fmt: skip


def parse_legal_basis(value: str) -> tuple[list[dict[str, str]], str]:
    """Legal texts from a cell: one per number and symbol found (123/2015/NĐ-CP …)."""
    original = text.nfc(value).strip()
    if not original:
        return [], ""
    refs: list[dict[str, str]] = []
    seen: set[str] = set()
    for chunk in re.split(r"[;\n]+", original):
        chunk = " ".join(chunk.split()).strip(" .,-–")
        for number in _LEGAL_NUMBER.findall(chunk):
            if number in seen:
                continue
            seen.add(number)
            ref = {"number": number}
            rest = re.sub(r"\bngày\s+\d{1,2}/\d{1,2}/\d{4}", " ", chunk.replace(number, " "), flags=re.IGNORECASE)
            rest = re.sub(r"\bsố\s*$", "", " ".join(rest.split()).strip(" .,-–:"), flags=re.IGNORECASE)
            rest = rest.strip(" .,-–:")
            for kind in _LEGAL_TYPES:
                if text.fold(rest).startswith(text.fold(kind)):
                    ref["type"] = kind
                    break
            title = re.sub(r"^(số)\s*", "", rest, flags=re.IGNORECASE).strip(" .,-–:")
            if title and len(_LEGAL_NUMBER.findall(chunk)) == 1 and text.fold(title) != text.fold(ref.get("type", "")):
                ref["title"] = title
            refs.append(ref)
    if not refs:
        return [], f"không thấy số, ký hiệu văn bản trong căn cứ pháp lý “{' '.join(original.split())}”"
    return refs, ""


_DECISION = re.compile(r"\b(\d{1,5})\s*/\s*(Q[ĐD])\s*-\s*([A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)", re.IGNORECASE)


def parse_decisions(value: str) -> tuple[list[str], str]:
    """Decision numbers from a cell ("Quyết định số 1234/QĐ-UBND ngày …" → 1234/QĐ-UBND)."""
    original = " ".join(text.nfc(value).split())
    if not original:
        return [], ""
    numbers = list(dict.fromkeys(f"{n}/QĐ-{s.upper()}" for n, _, s in _DECISION.findall(original)))
    if not numbers:
        return [], f"không thấy số quyết định dạng 1234/QĐ-UBND trong “{original}”"
    return numbers, ""


_BULLET = re.compile(r"^(?:[-+•*–]+|\(?\d{1,2}[.)]|\(?[a-zđ]\))\s*")


def _items(value: str, separators: str) -> list[str]:
    out: list[str] = []
    for part in re.split(separators, text.nfc(value)):
        item = _BULLET.sub("", " ".join(part.split())).strip(" ;")
        if item and item not in out:
            out.append(item)
    return out


def parse_list(value: str) -> list[str]:
    """Items of a list cell (subjects, dossier papers, results): one a line or separated by “;”.

    Bullets and numbering typed before items ("- ", "1. ", "a) ") are not part
    of the item. A cell with one line and no “;” is split at commas outside
    parentheses, as the portal writes subjects ("Công dân Việt Nam, Người nước ngoài").
    """
    items = _items(value, r"[\n;]+")
    if len(items) == 1 and "," in items[0]:
        return _items(items[0], r",(?![^()]*\))")
    return items


def parse_steps(value: str) -> list[str]:
    """Steps from a cell: one a line, or cut before each "Bước N" when the cell is one line.

    Steps are sentences with “;” and “,” inside, so neither separates steps.
    """
    lines = _items(value, r"\n+")
    if len(lines) == 1:
        lines = _items(lines[0], r"(?=\bBước\s+\d+\s*[:.])")
    return lines


_RESULT_CODE = re.compile(r"\s*\(?\s*Mã\s*:?\s*(KQ\.[A-Z0-9]+\.\d{6})\s*\)?")


def parse_results(value: str) -> list[dict[str, str]]:
    """Result documents from a cell; a code written after one ("Mã: KQ.G15.000031") becomes its ``code``."""
    out: list[dict[str, str]] = []
    for item in parse_list(value):
        found = _RESULT_CODE.search(item)
        name = (item[: found.start()] + item[found.end() :]).strip(" .,-–") if found else item
        if name:
            out.append({"name": name, "code": found.group(1)} if found else {"name": name})
    return out


_SHORT_CODE = re.compile(r"^\d\.\d{1,5}$")
_DECIMALS_FORMAT = re.compile(r"0\.(0+)")


def read_code(value: Any, number_format: str = "General") -> tuple[str | None, str]:
    """A procedure code from a cell: (code, remark) or (None, why not).

    A code such as 1.000650 typed into a number cell is stored as 1.00065: the
    final zero is gone, and from the number alone "1.00065" could as well be a
    typing slip. The code is only rebuilt when it is certain: the cell was
    formatted to show 6 decimals (the person saw 1.000650), or the number
    itself has all 6 decimals (1.001193 → "1.001193"). The remark says so.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "thiếu mã TTHC"
    if isinstance(value, bool):
        return None, f"mã “{value}” không phải mã TTHC"
    if isinstance(value, int):
        return None, f"mã là số nguyên {value}, không đúng dạng d.dddddd"
    if isinstance(value, float):
        shown = _DECIMALS_FORMAT.search(number_format or "")
        if shown and len(shown.group(1)) == 6:
            code = f"{value:.6f}"
            return code, f"mã ở dạng số trong bảng tính; đọc theo định dạng ô (6 chữ số thập phân) là {code}"
        written = repr(value)
        decimals = written.partition(".")[2]
        if "e" not in written and len(decimals) == 6:
            return written, f"mã ở dạng số trong bảng tính; đã đọc lại là {written} (đủ 6 chữ số thập phân)"
        return None, (
            f"mã là số {written} trong bảng tính: chữ số 0 ở cuối đã mất, không biết chắc mã đúng; "
            "định dạng cột mã là Văn bản (Text) rồi nhập lại"
        )
    code = re.sub(r"\s+", "", text.nfc(str(value)))
    if CODE.match(code):
        return code, ""
    if _SHORT_CODE.match(code):
        return None, (
            f"mã “{code}” thiếu chữ số (mã đủ là d.dddddd): có lẽ bảng tính đã bỏ số 0 ở cuối; "
            "định dạng cột mã là Văn bản (Text) rồi nhập lại"
        )
    return None, f"mã “{code}” không đúng dạng mã TTHC d.dddddd"


def _text(value: str) -> str:
    return text.drop_pasted_noise(text.nfc(value))


def clean(value: Any) -> str:
    """Cell text as one NFC line: stray spaces and line breaks inside a cell collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return " ".join(_text(str(value)).split())


# --------------------------------------------------------------------------
# Reading tables
# --------------------------------------------------------------------------


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


def read_xlsx(path: Path, sheet: str | None = None) -> Table:
    """Read an .xlsx workbook's sheet; a merged range gives its value to every cell it covers."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
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
        if _find_header(table) is not None:
            return table
    return best or Table([])


def read_csv(path: Path) -> Table:
    """Read a CSV: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), or Windows-1258.

    Excel on a Vietnamese Windows saves "CSV" in Windows-1258, whose tones are
    combining marks: decoded and NFC-composed they are ordinary text. Western
    code pages cannot hold Vietnamese at all, so such a file is refused with a
    message saying how to save it properly instead of importing broken names.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailure(f"Không đọc được “{path}”: {error.strerror or error}.") from error
    guess = text.guess_encoding(raw)
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
    rows = [(i + 1, [Cell(v) for v in row]) for i, row in enumerate(reader)]
    return Table(rows, encoding=guess, notes=tuple(notes))


class _Semicolon(csv.excel):
    delimiter = ";"


def read_table(path: Path, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportFailure(f"Không tìm thấy tệp “{path}”.")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    if suffix == ".xls":
        raise ImportFailure(
            f"“{path.name}” là định dạng Excel 97-2003 (.xls) cũ; mở trong Excel và lưu thành .xlsx hoặc CSV UTF-8."
        )
    raise ImportFailure(f"“{path.name}”: chỉ nhập được tệp .xlsx hoặc .csv.")


def _find_header(table: Table) -> tuple[int, dict[str, int]] | None:
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


# --------------------------------------------------------------------------
# Matching against tthc.yaml
# --------------------------------------------------------------------------


def _field_heading(value: str) -> str:
    folded = header_key(value)
    folded = re.sub(r"^([ivxlcdm]+|[a-z]|\d+)\s+", "", folded)
    return re.sub(r"^linh vuc\s*", "", folded).strip()


def match_field(value: str, catalogue: Catalogue, field_map: Mapping[str, str]) -> str | None:
    """The field id for a spreadsheet's "Lĩnh vực" text: by --field-map, id, national code or name."""
    key = _field_heading(value)
    for name, field_id in field_map.items():
        if _field_heading(name) == key:
            return field_id
    for fid, info in catalogue.settings.fields.items():
        if key in (fid.replace("-", " "), header_key(info.code), _field_heading(info.name)) and key:
            return fid
    return None


def suggest_field_id(value: str) -> str:
    return text.slug(_field_heading(value)) or "linh-vuc"


_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tp": "thanh pho"}


def _agency_key(value: str) -> str:
    words = header_key(value).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def match_agencies(value: str, catalogue: Catalogue) -> tuple[list[str], list[str]]:
    """Agency ids for a "Cơ quan thực hiện" cell: (ids found, names not declared in tthc.yaml)."""
    known = {_agency_key(a.name): a.id for a in catalogue.settings.agencies.values()}
    known.update({a.id.replace("-", " "): a.id for a in catalogue.settings.agencies.values()})
    ids: list[str] = []
    missing: list[str] = []
    for part in re.split(r"[;\n]+", text.nfc(value)):
        part = " ".join(part.split()).strip(" .,-–")
        if not part:
            continue
        key = _agency_key(part)
        agency = known.get(key)
        if agency is None:
            # "Sở Tư pháp" for "Sở Tư pháp tỉnh Quảng Trị": a unique completion of a short name.
            longer = {aid for name, aid in known.items() if name.startswith(key + " ")}
            agency = longer.pop() if len(longer) == 1 else None
        if agency is None:
            missing.append(part)
        elif agency not in ids:
            ids.append(agency)
    return ids, missing


# --------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RowReport:
    row: int
    """Row number in the sheet, as the spreadsheet program shows it."""
    status: str
    code: str = ""
    name: str = ""
    file: str = ""
    reason: str = ""
    """Why a row was skipped, or what was noticed (numbers read from number cells, components changed …)."""
    todo: tuple[str, ...] = ()
    """For a file created: the components still to be filled in, each with its line, as validate reports them."""


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


@dataclass
class _Row:
    number: int
    values: dict[str, Cell]

    def text(self, key: str) -> str:
        cell = self.values.get(key)
        return clean(cell.value) if cell is not None else ""

    def lines(self, key: str) -> str:
        """The cell's text with its line breaks, which separate items in list cells."""
        value = self.values[key].value if key in self.values else None
        return _text(value) if isinstance(value, str) else self.text(key)


def _rows(table: Table, header: int, columns: dict[str, int]) -> Iterable[_Row]:
    for number, cells in table.rows[header + 1 :]:
        values = {key: cells[col] for key, col in columns.items() if col < len(cells)}
        yield _Row(number, values)


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
    table = read_table(path, sheet)
    found = _find_header(table)
    if found is None:
        known = ", ".join(COLUMN_LABELS.values())
        raise ImportFailure(
            f"Không thấy dòng tiêu đề cột trong 30 dòng đầu của “{path.name}”. Cần ít nhất cột tên hoặc mã "
            f"thủ tục và một cột khác, ví dụ: {known}."
        )
    header, columns = found
    header_cells = table.rows[header][1]
    ignored = tuple(
        clean(c.value)
        for i, c in enumerate(header_cells)
        if clean(c.value) and i not in columns.values() and not re.fullmatch(r"s[oố]? ?tt|stt", header_key(clean(c.value)))
    )
    by_code = catalogue.by_code()
    field_map = dict(field_map or {})
    reports: list[RowReport] = []
    unknown_fields: dict[str, str] = {}
    seen: dict[str, int] = {}
    section: dict[str, str] = {}
    for row in _rows(table, header, columns):
        texts = [clean(c.value) for c in row.values.values() if clean(c.value)]
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
    """A row holding one text only is a group heading: "A. Cấp tỉnh", "I. Lĩnh vực Hộ tịch"."""
    folded = header_key(heading)
    levels = [level for word, level in _LEVEL_WORDS.items() if word.startswith("cap ") and word in folded]
    if levels:
        section["level"] = levels[0]
        return
    field_id = match_field(heading, catalogue, field_map)
    if field_id is not None:
        section["field"] = field_id



_TODO_LABELS = {
    "level": "Cấp thực hiện", "decisions": "Số quyết định công bố", "steps": "Trình tự thực hiện",
    "time": "Thời hạn giải quyết", "fee": "Phí, lệ phí", "items": "Thành phần hồ sơ",
    "subjects": "Đối tượng thực hiện", "performing": "Cơ quan thực hiện", "results": "Kết quả thực hiện",
    "legal_basis": "Căn cứ pháp lý",
}  # fmt: skip
"""The Vietnamese name of each component a skeleton may leave marked, keyed as its line starts."""

_CHANNEL_COMPONENTS = {"time": "thời hạn", "local_time": "thời hạn cam kết", "fee": "phí, lệ phí"}
"""Components given per channel (in ``methods``), with how the report names them."""


def _import_row(
    root: Path,
    catalogue: Catalogue,
    row: _Row,
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

    field_text = row.text("field")
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
    as_of = catalogue.settings.as_of
    if DISTRICT in levels and as_of is not None and as_of >= REFORM_DATE:
        notes.append("cấp huyện không còn từ 01/7/2025; `tthc validate` sẽ báo")

    existing = by_code.get(code)
    if existing is not None:
        if not update:
            return skipped(f"đã có ({existing.file}); dùng --update để cập nhật")
        return _update(root, catalogue, existing, row, field_id, levels, notes, dry_run)
    return _create(root, catalogue, row, code, name, field_id, levels, notes, dry_run)


def _in_person(row: _Row, key: str, notes: list[str], remarks: dict[str, str]) -> dict[str, Any] | None:
    """The in-person value of a per-channel cell, for a new file (whose skeleton has that channel only)."""
    raw = row.text(key)
    if not raw:
        return None
    parts = split_channels(raw)
    label = _CHANNEL_COMPONENTS[key]
    if parts == {}:
        notes.append(f"{label} “{raw}” ghi một kênh hai lần; không đọc")
        remarks[key] = raw
        return None
    if parts is not None:
        others = "; ".join(f"{channel}: {value}" for channel, value in parts.items() if channel != "trực tiếp")
        if others:
            notes.append(f"tệp mới chỉ có kênh trực tiếp; {label} các kênh khác chưa ghi, thêm vào methods: {others}")
        if "trực tiếp" not in parts:
            remarks[key] = raw
            return None
        raw = parts["trực tiếp"]
    parsed, why = (parse_fee if key == "fee" else parse_time)(raw)
    if parsed is None:
        notes.append(why)
        remarks[key] = raw
    return parsed


def _create(
    root: Path,
    catalogue: Catalogue,
    row: _Row,
    code: str,
    name: str,
    field_id: str,
    levels: tuple[str, ...],
    notes: list[str],
    dry_run: bool,
) -> RowReport:
    remarks: dict[str, str] = {}
    if not levels:
        notes.append("thiếu cấp thực hiện")
    time = _in_person(row, "time", notes, remarks)
    fee = _in_person(row, "fee", notes, remarks)
    local_time = _in_person(row, "local_time", notes, remarks)
    decisions: list[str] = []
    if row.text("decisions"):
        decisions, why = parse_decisions(row.text("decisions"))
        if why:
            notes.append(why)
            remarks["decisions"] = row.text("decisions")
    legal: list[dict[str, str]] = []
    if row.text("legal_basis"):
        legal, why = parse_legal_basis(row.text("legal_basis"))
        if why:
            notes.append(why)
            remarks["legal_basis"] = row.text("legal_basis")
    performing: list[str] = []
    if row.text("agencies"):
        performing, missing = match_agencies(row.lines("agencies"), catalogue)
        if missing:
            notes.append("cơ quan chưa khai báo trong tthc.yaml: " + "; ".join(f"“{m}”" for m in missing))
            remarks["agencies"] = row.text("agencies")
    fills: dict[str, Any] = {}
    if row.text("steps"):
        fills["steps"] = parse_steps(row.lines("steps"))
    if row.text("dossier"):
        fills["items"] = [{"name": item} for item in parse_list(row.lines("dossier"))]
    if row.text("subjects"):
        fills["subjects"] = parse_list(row.lines("subjects"))
    if row.text("results"):
        fills["results"] = parse_results(row.lines("results"))

    field_info = catalogue.settings.fields.get(field_id)
    info = scaffold.ProcedureInfo(
        code=code,
        name=name,
        field=field_id,
        levels=levels,
        field_name=field_info.name if field_info else "",
        decisions=tuple(decisions),
        time=time,
        fee=fee,
        performing=tuple(performing),
        legal_basis=tuple(legal),
        agency_ids=tuple(catalogue.settings.agencies),
        source_note=f"Nhập từ bảng tính (dòng {row.number}) bằng `tthc import`.",
        remarks=remarks,
    )

    def skipped(reason: str) -> RowReport:
        return RowReport(row.number, SKIPPED, code, name, reason=reason)

    try:
        target = scaffold.procedure_path(root, field_id, code)
        content = _fill(scaffold.procedure_text(info), fills, local_time)
    except scaffold.ScaffoldError as error:
        return skipped(str(error))
    except fmt.FormatError as error:
        return skipped(f"không tạo được tệp: {error.message}")
    if not dry_run:
        try:
            scaffold.create(target, content)
        except scaffold.ScaffoldError as error:
            return skipped(str(error))
    todo = _todo(content)
    if code not in final_state(catalogue):
        todo.append("Quyết định công bố: chưa quyết định nào trong danh mục ghi thủ tục này (new, amended hoặc replaced)")
    relative = target.relative_to(root).as_posix()
    return RowReport(row.number, CREATED, code, name, relative, "; ".join(notes), tuple(todo))


def _fill(skeleton: str, fills: Mapping[str, Any], local_time: Mapping[str, Any] | None) -> str:
    """The skeleton with the list components the sheet gave written in place of their ``[]  # CẦN ĐIỀN``.

    The skeleton is :mod:`tthc.scaffold`'s, so each placeholder is one line
    ``key: []  # CẦN ĐIỀN``; the comments around it (what to write, examples)
    stay. An empty list read from a cell leaves its placeholder as it was.
    """
    out = skeleton
    for key, value in fills.items():
        if not value:
            continue
        line = re.compile(rf"^( *){key}: \[\]  # {re.escape(scaffold.TODO)}[^\n]*\n", re.MULTILINE)
        found = line.search(out)
        if found is None:
            continue
        out = out[: found.start()] + _fragment(key, value, len(found.group(1))) + out[found.end() :]
    if local_time:
        time_line = re.compile(r"^    time: [^\n]*\n", re.MULTILINE).search(out)
        if time_line is not None:
            fragment = _fragment("local_time", _flow_map(local_time), 4)
            out = out[: time_line.end()] + fragment + out[time_line.end() :]
    return fmt.format_text(out, "procedure") if out != skeleton else skeleton


def _fragment(key: str, value: Any, indent: int) -> str:
    """``key: value`` as YAML at ``indent``; maps inside lists in block style, lists of text in flow style."""
    if key == "steps":  # sentences with “:” inside, quoted as the skeleton's example and the sample quote them
        value = CommentedSeq(DoubleQuotedScalarString(step) for step in value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = _flow(value)
    elif isinstance(value, list):
        value = CommentedSeq(CommentedMap(v) if isinstance(v, Mapping) else v for v in value)
    out = io.StringIO()
    fmt.yaml_rt().dump(CommentedMap([(key, value)]), out)
    pad = " " * indent
    return "".join(pad + line for line in out.getvalue().splitlines(keepends=True))


def _todo(content: str) -> list[str]:
    """Each ``# CẦN ĐIỀN`` line of a new file, as “Trình tự thực hiện (steps, dòng 25)”: what `tthc validate` reports."""
    out: list[str] = []
    for number, line in enumerate(content.splitlines(), 1):
        key, sep, _ = line.strip().partition(":")
        if sep and not key.startswith("#") and f"# {scaffold.TODO}" in line:
            out.append(f"{_TODO_LABELS.get(key, key)} ({key}, dòng {number})")
    return out


def _flow(values: Sequence[Any]) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def _flow_map(values: Mapping[str, Any]) -> CommentedMap:
    out = CommentedMap(values)
    out.fa.set_flow_style()
    return out


def _same(row: _Row, key: str, exported: Mapping[str, str]) -> bool:
    """Whether the cell says what `tthc export` writes for the record: then it changes nothing.

    An empty cell says nothing either: a column left blank never removes a component.
    """
    cell = row.text(key)
    return not cell or cell == clean(text.xml_safe(exported.get(key, "")))


def _update(
    root: Path,
    catalogue: Catalogue,
    existing: Procedure,
    row: _Row,
    field_id: str,
    levels: tuple[str, ...],
    notes: list[str],
    dry_run: bool,
) -> RowReport:
    """Change only the components whose cell differs from what export writes for the file, in place.

    A sheet exported and imported back therefore changes no byte, and a sheet
    that cannot express something (a per-channel time written once, a note,
    the legal text of a fee) never removes it: a cell equal to the export of
    the record leaves the component as it is, and a changed cell changes only
    what it states. Decisions and legal texts are added to, never removed (a
    list carries one decision; the file carries the history). Comments stay.
    """
    from tthc.atomic import write_text_atomic
    from tthc.export import flat_row

    number, code, name = row.number, existing.code, row.text("name")
    path = root / existing.file
    try:
        source = path.read_text("utf-8-sig")
        data = fmt.yaml_rt().load(source)
    except Exception as error:  # an unreadable file is the user's to fix, not a crash
        return RowReport(number, SKIPPED, code, name, existing.file, f"không đọc được tệp hiện có: {error}")
    if not isinstance(data, CommentedMap):
        return RowReport(number, SKIPPED, code, name, existing.file, "tệp hiện có không phải một thủ tục")
    exported = flat_row(existing, catalogue)
    changed: list[str] = []

    def differs(key: str) -> bool:
        return key in row.values and not _same(row, key, exported)

    if differs("name") and text.nfc(str(data.get("name", ""))) != name:
        data["name"] = name
        changed.append("name")
    if differs("field") and field_id != existing.field:
        notes.append(f"bảng tính ghi lĩnh vực {field_id}, tệp ở lĩnh vực {existing.field}: không chuyển tệp")
    if differs("level") and levels and set(existing.levels) != set(levels):
        data["level"] = _flow(list(levels))
        changed.append("level")
    if differs("decisions"):
        decisions, why = parse_decisions(row.text("decisions"))
        notes.extend([why] if why else [])
        new_decisions = [d for d in decisions if d not in existing.decisions]
        if new_decisions:
            current = data.get("decisions")
            if isinstance(current, list):
                current.extend(new_decisions)
            else:
                data["decisions"] = _flow(new_decisions)
            changed.append("decisions")
    if differs("legal_basis"):
        legal, why = parse_legal_basis(row.text("legal_basis"))
        notes.extend([why] if why else [])
        numbers = {ref.number for ref in existing.legal_basis}
        new_refs = [ref for ref in legal if ref["number"] not in numbers]
        if new_refs:
            current = data.get("legal_basis")
            if isinstance(current, list):
                current.extend(CommentedMap(ref) for ref in new_refs)
            else:
                data["legal_basis"] = [CommentedMap(ref) for ref in new_refs]
            changed.append("legal_basis")
    agencies = data.get("agencies")
    if differs("agencies") and isinstance(agencies, CommentedMap):
        performing, missing = match_agencies(row.lines("agencies"), catalogue)
        if missing:
            notes.append("cơ quan chưa khai báo trong tthc.yaml: " + "; ".join(f"“{m}”" for m in missing))
        if performing and list(existing.agencies.performing) != performing:
            agencies["performing"] = _flow(performing)
            changed.append("agencies")
    if differs("subjects"):
        subjects = parse_list(row.lines("subjects"))
        if subjects and subjects != list(existing.subjects):
            data["subjects"] = _flow(subjects)
            changed.append("subjects")
    if differs("results") and _update_results(data, parse_results(row.lines("results"))):
        changed.append("results")
    for key, label in (("steps", "trình tự thực hiện"), ("dossier", "thành phần hồ sơ")):
        if row.text(key):
            notes.append(f"không cập nhật {label} của thủ tục đã có từ bảng tính; sửa trong tệp")
    methods = data.get("methods")
    for key in _CHANNEL_COMPONENTS:
        if differs(key) and isinstance(methods, list) and _update_channels(methods, existing, key, row.text(key), notes):
            changed.append(key)
    if not changed:
        return RowReport(number, UNCHANGED, code, name, existing.file, "; ".join(notes))
    out = io.StringIO()
    fmt.yaml_rt().dump(data, out)
    try:
        formatted = fmt.format_text(out.getvalue(), "procedure", existing.file)
    except fmt.FormatError as error:
        return RowReport(number, SKIPPED, code, name, existing.file, f"không cập nhật được: {error.message}")
    if formatted == source:
        return RowReport(number, UNCHANGED, code, name, existing.file, "; ".join(notes))
    if not dry_run:
        write_text_atomic(path, formatted)
    reason = "đã cập nhật: " + ", ".join(changed)
    return RowReport(number, UPDATED, code, name, existing.file, "; ".join([reason, *notes]))


def _update_results(data: CommentedMap, results: list[dict[str, str]]) -> bool:
    """Results named in the sheet, keeping the code and template of those already in the file."""
    current = data.get("results")
    kept = {str(r.get("name")): r for r in current if isinstance(r, Mapping)} if isinstance(current, list) else {}
    if not results or [r["name"] for r in results] == list(kept):
        return False
    merged = []
    for result in results:
        entry = kept.get(result["name"]) or CommentedMap(result)
        if "code" in result and isinstance(entry, CommentedMap):
            entry["code"] = result["code"]
        merged.append(entry)
    data["results"] = CommentedSeq(merged)
    return True


_VALUE_KEYS = {"time": ("value", "unit"), "local_time": ("value", "unit"), "fee": ("amount", "currency", "free")}
"""The keys a cell's value replaces; ``note`` only when the cell has one, ``basis`` never (no column has it)."""


def _update_channels(methods: list[Any], existing: Procedure, key: str, cell: str, notes: list[str]) -> bool:
    """Update ``key`` in the channels a changed cell names; True if anything changed.

    "trực tiếp: …; trực tuyến: …" names its channels. One value applies to
    every channel when they agreed before (export wrote one value for all);
    when they differed, it cannot say which it meant, so only the in-person
    channel, the one a list describes, takes it and the report says so.
    """
    from tthc.export import channel_text, per_channel

    label = _CHANNEL_COMPONENTS[key]
    by_channel = {m.get("channel"): m for m in methods if isinstance(m, CommentedMap)}
    records = {m.channel: m for m in existing.methods}
    parts = split_channels(cell)
    if parts == {}:
        notes.append(f"{label} “{cell}” ghi một kênh hai lần; không cập nhật")
        return False
    if parts is None:
        if split_channels(per_channel(existing, key)) is None or len(by_channel) == 1:
            parts = dict.fromkeys(by_channel, cell)
        else:
            parts = {"trực tiếp": cell}
            notes.append(
                f"{label} “{cell}” là một mức cho các kênh đang khác nhau: chỉ cập nhật kênh trực tiếp "
                "(ghi “trực tiếp: …; trực tuyến: …” để cập nhật từng kênh)"
            )
    changed = False
    for channel, part in parts.items():
        target = by_channel.get(channel)
        if target is None:
            notes.append(f"tệp không có kênh {channel}; {label} “{part}” không ghi")
            continue
        record = records.get(str(channel))
        if record is not None and clean(part) == clean(channel_text(record, key)):
            continue
        parsed, why = (parse_fee if key == "fee" else parse_time)(part)
        if parsed is None:
            notes.append(why)
            continue
        changed = _merge(target, key, parsed) or changed
    return changed


def _merge(method: CommentedMap, key: str, parsed: Mapping[str, Any]) -> bool:
    """Put a parsed value into a channel's component, keeping what the cell did not state."""
    current = method.get(key)
    if not isinstance(current, CommentedMap):
        method[key] = _flow_map(parsed)
        return True
    before = dict(current)
    for name in _VALUE_KEYS[key]:
        if name not in parsed and name in current:
            del current[name]
    for name, value in parsed.items():
        current[name] = value
    return dict(current) != before
