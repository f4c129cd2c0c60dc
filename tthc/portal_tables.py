"""The national portal's tables, read back from the text they were flattened into.

The portal's crawler kept only ``text_content()`` of each page, so a table
arrives as its cells run together: ``Trực tuyến5 Ngày làm việc25 USD(…)Mô
tả``, ``…giấy phép.docx1 bản chính``. The boundaries have to be found again
from what each column can hold (a channel name, a number and a unit, an
amount and a currency, a quantity). The legal-basis table has a module of its
own, :mod:`tthc.portal_legal`. Where a boundary is a guess
the parser says so: every function returns its rows together with
:class:`Mark` entries, the reason in Vietnamese and the source text, so an
importer can show a reviewer exactly which values to check. A value is never
made up: each one is a piece of the source text, or the fixed translation
of a label (``Dịch vụ bưu chính`` → ``bưu chính``, ``VNĐ`` → ``VND``).

Input is NFC text with its whitespace already normalised (see
:func:`tthc.portal.clean`); nothing here prints or reads files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tthc.model import DataPath


@dataclass(frozen=True)
class Mark:
    """A value a reviewer must check: where it is, why, and the source text it came from."""

    path: DataPath
    reason: str
    source: str


EMPTY = "Không có thông tin"
"""The portal's placeholder for an empty cell: it means no value, never a value."""

# --------------------------------------------------------------------------
# Cách thức thực hiện: channel, time, fee, description
# --------------------------------------------------------------------------

METHOD_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNELS = {"Trực tuyến": "trực tuyến", "Trực tiếp": "trực tiếp", "Dịch vụ bưu chính": "bưu chính"}
TIME_UNITS = {
    "Ngày làm việc": "ngày làm việc",
    "Giờ làm việc": "giờ làm việc",
    "Ngày": "ngày",
    "Giờ": "giờ",
    "Tháng": "tháng",
}
CURRENCIES = {"Việt Nam Đồng": "VND", "VNĐ": "VND", "USD": "USD"}

_UNIT = "|".join(TIME_UNITS)
_CURRENCY = "|".join(CURRENCIES)
_FEE = rf"(?P<fee>Miễn phí|{EMPTY}|(?P<amount>\d{{1,3}}(?:,\d{{3}})*|\d+) (?P<currency>{_CURRENCY}))"
# A row starts where a channel name is followed by something a time cell holds
# and then by something a fee cell holds; a channel named inside a description
# ("Trực tiếp tại …") is not followed by both. A time without a unit is read
# as short as it can be: "Trực tuyến120 VNĐ" is 1 and 20 VNĐ (and marked).
_ROW = re.compile(
    rf"(?P<channel>{'|'.join(CHANNELS)})"
    rf"(?P<time>{EMPTY}|(?P<value>\d+?)(?: ?(?P<unit>{_UNIT}))?|(?P<text>[^\d\n]{{1,80}}?))"
    rf"{_FEE}"
)
_PLACE = re.compile(r"^Tại (?P<place>[^:\n]{3,150}):")
_MONEY_IN_NOTE = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|vnđ|đ\b|usd)", re.IGNORECASE)
_FEE_UNIT = re.compile(r"^(?:[\d.,]+\s*(?:vnđ|đồng|đ|usd)\s*)?(/[^()/]{1,40})$", re.IGNORECASE)


def _amount(text: str) -> int:
    return int(text.replace(",", ""))


def _closing(text: str) -> int | None:
    """Index just after the parenthesis that closes ``text[0] == "("``, or None when it never closes."""
    depth = 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return i + 1
    return None


def parse_methods(text: str) -> tuple[list[dict[str, Any]], list[Mark]]:
    """One method per row of the channel table, each with its own time, fee and description."""
    marks: list[Mark] = []
    if not text.startswith(METHOD_HEADER):
        return [], [Mark(("methods",), "Không thấy tiêu đề bảng cách thức thực hiện.", text[:200])]
    body = text[len(METHOD_HEADER) :]
    rows = list(_ROW.finditer(body))
    if rows and body[: rows[0].start()].strip():
        marks.append(
            Mark(("methods",), "Phần đầu bảng không đọc được thành một kênh.", body[: rows[0].start()])
        )
    methods: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        end = rows[i + 1].start() if i + 1 < len(rows) else len(body)
        source = body[row.start() : end]
        method, row_marks = _method(row, body[row.end() : end], source, ("methods", i))
        methods.append(method)
        marks += row_marks
    seen: dict[tuple[str, str], int] = {}
    for i, method in enumerate(methods):
        key = (method["channel"], method.get("place", ""))
        if key in seen:
            marks.append(
                Mark(
                    ("methods", i),
                    f"Kênh “{method['channel']}” có hai dòng mà không rõ nơi nộp khác nhau; cần ghi nơi (place) "
                    "hoặc gộp.",
                    body[rows[i].start() : rows[i].end()],
                )
            )
        seen[key] = i
    return methods, marks


def _method(row: re.Match[str], rest: str, source: str, path: DataPath) -> tuple[dict[str, Any], list[Mark]]:
    marks: list[Mark] = []
    method: dict[str, Any] = {"channel": CHANNELS[row["channel"]]}
    time: dict[str, Any] = {}
    if row["value"] is not None:
        time["value"] = int(row["value"])
        if row["unit"]:
            time["unit"] = TIME_UNITS[row["unit"]]

    elif row["text"] is not None:
        time["note"] = row["text"].strip()  # no number to read; time-invalid asks for one
    fee: dict[str, Any] = {}
    if row["fee"] == "Miễn phí":
        fee["free"] = True
    elif row["amount"] is not None:
        fee["amount"] = _amount(row["amount"])
        fee["currency"] = CURRENCIES[row["currency"]]
        if row["value"] is not None and not row["unit"]:
            marks.append(
                Mark(
                    (*path, "fee", "amount"),
                    "Thời hạn không có đơn vị dính liền với số tiền: chỗ tách là phỏng đoán.",
                    source,
                )
            )
    note, description = "", rest
    if rest.startswith("("):
        close = _closing(rest)
        if close is None:
            close = rest.rfind(")") + 1 or len(rest)
            marks.append(
                Mark(
                    (*path, "fee", "note"),
                    "Ngoặc của diễn giải phí không khép: ranh giới là phỏng đoán.",
                    source,
                )
            )
        note, description = rest[1 : close - 1].strip(), rest[close:]
    if note:
        unit = _FEE_UNIT.match(note)
        if unit and "amount" in fee:
            fee["unit"] = unit[1].strip()
        if not unit or unit[0] != unit[1]:
            fee["note"] = note
        money = [_amount(m[1].replace(".", ",")) for m in _MONEY_IN_NOTE.finditer(note)]
        if fee.get("free") and money:
            marks.append(Mark((*path, "fee"), "Ghi “Miễn phí” nhưng diễn giải nêu mức thu.", source))
        elif "amount" in fee and money and fee["amount"] not in money:
            marks.append(
                Mark((*path, "fee", "amount"), "Số tiền khác với số tiền nêu trong diễn giải.", source)
            )
    # An empty time or fee is kept as {}: the source says nothing, and
    # time-invalid / fee-invalid ask for it in the written file.
    method["time"] = time
    method["fee"] = fee
    description = description.strip()
    place = _PLACE.match(description)
    if place:
        method["place"] = place["place"].strip()
    if description:
        method["note"] = description
    return method, marks


# --------------------------------------------------------------------------
# Thành phần hồ sơ: cases, items, forms, quantities
# --------------------------------------------------------------------------

DOSSIER_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The quantity cell runs into the cells around it; "nộp 02 bản chính tờ khai",
# "(01 bản chính hoặc …)" have a space or a parenthesis around them: prose.
_QUANTITY = re.compile(
    r"(?<![\s(])(?<![\s(]\d)(?P<originals>\d) bản chính(?:,(?P<copies>\d) bản sao)?(?! \w)"
)
_EXTENSION = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|rar|zip)$", re.IGNORECASE)
_FORM_FILE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9 _.,()%+\-]*\.(?:docx|doc|pdf|xlsx|xls|rar|zip)$", re.IGNORECASE
)
_LONGEST_FORM = 70
_ENDS_IN_YEAR = re.compile(r"(?:\d{1,2}/\d{1,2}/|\D)(?:19|20)\d\d$")
"""A name ending in a date or a year ("ngày 28/8/2020", "năm 2025") before the quantity: the split is sure."""
_BULLET = re.compile(r"^[-+*•–]+\s*")
_LONG_CASE = 300


def parse_dossier(text: str) -> tuple[dict[str, Any], list[Mark]]:
    """Cases (the heading above each table copy) and their items, with form file and quantity."""
    marks: list[Mark] = []
    parts = text.split(DOSSIER_HEADER)
    if len(parts) == 1:
        marks.append(
            Mark(
                ("dossier",),
                "Không thấy tiêu đề bảng thành phần hồ sơ: các giấy tờ tách theo số lượng.",
                text[:300],
            )
        )
        parts = ["", text]
    cases: list[dict[str, Any]] = []
    heading = parts[0]
    last = len(parts) - 1
    for number, part in enumerate(parts[1:], 1):
        # The heading of the next table copy is the text after this table's last quantity.
        quantities = list(_QUANTITY.finditer(part))
        body_end = quantities[-1].end() if quantities else len(part)
        next_heading = part[body_end:]
        if number < last or not quantities:
            body, heading_after = part[:body_end], next_heading
        else:
            body, heading_after = part, ""
        case: dict[str, Any] = {}
        name = _case_name(heading)
        index = len(cases)
        if name:
            case["case"] = name
            if len(name) > _LONG_CASE or "\n" in name:
                marks.append(
                    Mark(
                        ("dossier", "cases", index, "case"),
                        "Tên trường hợp dài bất thường: có thể là phần khác của trang.",
                        name[:300],
                    )
                )
        items, item_marks = _items(body, ("dossier", "cases", index, "items"))
        marks += item_marks
        if items:
            case["items"] = items
            cases.append(case)
        heading = heading_after
    return {"cases": cases}, marks


def _case_name(heading: str) -> str:
    name = heading.strip().strip("-").strip()
    name = _BULLET.sub("", name).strip().rstrip(":").strip()
    return name


def _items(body: str, path: DataPath) -> tuple[list[dict[str, Any]], list[Mark]]:
    items: list[dict[str, Any]] = []
    marks: list[Mark] = []
    start = 0
    for quantity in _QUANTITY.finditer(body):
        chunk = body[start : quantity.start()]
        start = quantity.end()
        item, item_marks = _item(chunk, (*path, len(items)))
        if item is None:
            continue
        item["originals"] = int(quantity["originals"])
        item["copies"] = int(quantity["copies"] or 0)
        if chunk[-1:].isdigit() and not _ENDS_IN_YEAR.search(chunk):
            marks.append(
                Mark(
                    (*path, len(items), "originals"),
                    "Số lượng dính liền với chữ số cuối của tên giấy tờ: chỗ tách là phỏng đoán.",
                    chunk[-80:] + quantity[0],
                )
            )
        items.append(item)
        marks += item_marks
    item, item_marks = _item(body[start:], (*path, len(items)))
    if item is not None:
        marks.append(Mark((*path, len(items)), "Giấy tờ không ghi số lượng.", body[start:][:300]))
        items.append(item)
        marks += item_marks
    return items, marks


def _form_start(text: str, end: int) -> tuple[int, bool]:
    """Where the form's file name starts in ``text[:end]`` (its extension at ``end``), and whether that is sure.

    The document's name runs into the file name with no space: a lower-case
    letter or ``;.)`` followed by a capital or a digit is the junction
    ("… nhà đầu tưMẫu I.1.4.docx"); failing that, digits then a capital
    ("… ngày 25/01/2026Mau don ….docx"), a doubt.
    """
    strong = weak = None
    for i in range(max(1, end - _LONGEST_FORM), end):
        before, after = text[i - 1], text[i]
        if not (after.isupper() or after.isdigit()):
            continue
        numbering = (
            before == "."
            and after.isdigit()
            and (text[i - 2 : i - 1].isupper() or text[i - 2 : i - 1].isdigit())
        )
        capitalised = before.isupper() and text[i + 1 : i + 2].islower()  # "TT-BNNMTMẫu"
        if strong is None and (before.islower() or before in ";,.)" or capitalised) and not numbering:
            strong = i
        elif weak is None and before.isdigit() and after.isupper():
            weak = i
    if strong is not None:
        return strong, True
    if weak is not None:
        return weak, False
    ascii_tail = _FORM_FILE.search(text[:end] + text[end:])
    return (ascii_tail.start() if ascii_tail else 0), False


def _item(chunk: str, path: DataPath) -> tuple[dict[str, Any] | None, list[Mark]]:
    marks: list[Mark] = []
    text = chunk.strip()
    extension = _EXTENSION.search(text)
    item: dict[str, Any] = {}
    item_form = ""
    if extension:
        begin, sure = _form_start(text, extension.start())
        name, item_form = text[:begin].strip(), text[begin:].strip()
        if not sure and name:
            marks.append(
                Mark((*path, "form"), "Ranh giới giữa tên giấy tờ và tên tệp mẫu là phỏng đoán.", text[-200:])
            )
        text = name
    name = _BULLET.sub("", text).strip()
    if not name and not item_form:
        return None, []
    if not name:
        marks.append(Mark((*path, "name"), "Giấy tờ chỉ có tên tệp mẫu, không có tên.", chunk.strip()))
        name = item_form
    item["name"] = name
    if item_form:
        item["form"] = item_form
    return item, marks


# --------------------------------------------------------------------------
# Kết quả xử lý: names, each followed by its KQ code, then page chrome
# --------------------------------------------------------------------------

CHROME = ("Từ khóa", "Chọn cơ quan thực hiện", "-- Chọn", "Hệ thống chỉ hiển thị những cơ quan")
"""Page furniture that follows the results on the portal page; it is never a value."""
_RESULT_CODE = re.compile(r"Mã: ?(?P<code>KQ\.[A-Za-z0-9]+\.\d+)")
_PAGE_TAIL = re.compile(
    r"Từ khóa(?P<keywords>.*?)(?:Mô tả(?P<description>.*?))?(?:Chọn cơ quan thực hiện.*)?$", re.DOTALL
)


def split_page_tail(text: str) -> tuple[str, str]:
    """The results, and the portal's "Mô tả" of the procedure, without the search form the page shows after them.

    The tail starts at "Từ khóa" after the last result code: the keywords
    (the procedure's name again) are dropped, the description kept when the
    portal has one.
    """
    codes = list(_RESULT_CODE.finditer(text))
    start = text.find("Từ khóa", codes[-1].end() if codes else 0)
    if start < 0:
        return text, ""
    tail = _PAGE_TAIL.match(text, start)
    description = (tail["description"] or "").strip() if tail else ""
    return text[:start], "" if description == EMPTY else description


def parse_results(text: str) -> tuple[list[dict[str, Any]], str, list[Mark]]:
    """One result per name, with the KQ code the portal gives it; and the procedure's description if any."""
    marks: list[Mark] = []
    body, description = split_page_tail(text)
    results: list[dict[str, Any]] = []
    start = 0
    for match in _RESULT_CODE.finditer(body):
        name = body[start : match.start()].strip()
        start = match.end()
        path: DataPath = ("results", len(results))
        result: dict[str, Any] = {"name": name}
        if not name:
            marks.append(Mark((*path, "name"), "Mã kết quả không có tên kết quả đứng trước.", match[0]))
            result["name"] = match["code"]
        code = match["code"]
        if not re.fullmatch(r"KQ\.[A-Za-z0-9]+\.\d{6}", code):
            marks.append(Mark((*path, "code"), "Mã kết quả không đủ 6 chữ số: không ghi mã.", match[0]))
        elif code != code.upper():
            marks.append(Mark((*path, "code"), "Mã kết quả viết thường: đã viết hoa.", match[0]))
            result["code"] = code.upper()
        else:
            result["code"] = code
        results.append(result)
    rest = body[start:].strip()
    if rest and rest != EMPTY:
        results.append({"name": rest})
    return results, description, marks
