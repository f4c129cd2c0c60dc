"""Values as staff write them in a spreadsheet cell, read into catalogue values.

Levels typed "Tỉnh" or "tinh va xa", times "05 (năm) ngày làm việc; trường
hợp …", fees "50.000 đồng", decisions "Quyết định số 1234/QĐ-UBND ngày …",
codes that Excel turned into numbers. Each parser returns what it could read
and, when it could not, why: nothing is guessed, and the import report shows
the reason beside the row. Pure functions of text; no catalogue, no files.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tthc import text
from tthc.fee_notes import council_states_fee
from tthc.layout import CODE, LEGAL_NUMBER_IN_TEXT
from tthc.model import LEVELS


def header_key(value: str) -> str:
    """A header reduced for matching: folded (no diacritics, đ → d), punctuation and spacing ignored."""
    return re.sub(r"[^a-z0-9]+", " ", text.fold(value)).strip()


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


def heading_level(heading: str) -> str | None:
    """The level a group heading names ("A. Cấp tỉnh", "II. CẤP XÃ"), or None."""
    folded = header_key(heading)
    return next((level for word, level in _LEVEL_WORDS.items() if word.startswith("cap ") and word in folded), None)


NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
"""A number as cells write it: "1.000" and "1,000" (thousands), "0,5" and "1.234,5" (decimal comma), "1.5".

A dot or comma followed by exactly three digits groups thousands, as
Vietnamese (and export) writes them; otherwise it is the decimal mark.
"""


def read_number(value: str) -> int | float:
    """The number :data:`NUMBER` matched: "1.000" → 1000, "0,5" → 0.5, "1.234,5" → 1234.5."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", value):
        value = value.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", value):
        value = value.replace(",", "")
    else:
        value = value.replace(",", ".")
    number = float(value)
    return int(number) if number.is_integer() else number


_DISTRICT_OFFICES = (
    "tu phap", "tai nguyen va moi truong", "lao dong thuong binh va xa hoi", "giao duc va dao tao", "y te",
    "noi vu", "tai chinh ke hoach", "nong nghiep va phat trien nong thon", "van hoa va thong tin",
    "quan ly do thi", "kinh te va ha tang", "kinh te ha tang", "dan toc", "thanh tra",
)  # fmt: skip
"""The specialised offices (phòng) of a district People's Committee, which ended with the district on 1/7/2025."""
_HEAD = re.compile(r"^(?:chu tich|giam doc|truong|thu truong|nguoi dung dau)\s+")
_COMMITTEE = r"(?:uy ban nhan dan|ubnd)"


def agency_level(name: str) -> tuple[str | None, str]:
    """The level an agency's name states, for a sheet without a level column: (level, "") or (None, why).

    Only names whose level is part of the name: a Bộ or Cục is Cấp bộ, a Sở or
    the provincial committee Cấp tỉnh, the commune committee ("UBND cấp
    xã/phường") Cấp xã. A district office ("Phòng Tư pháp", "UBND cấp huyện")
    gives none: the district level ended on 1/7/2025 and which level took its
    procedure is for the person to say. Any other name gives none either.
    """
    key = _HEAD.sub("", header_key(name))
    shown = f"“{' '.join(name.split())}”"
    district = f"{shown} là cơ quan cấp huyện, không còn từ 01/7/2025; ghi cấp thực hiện theo cơ quan nhận lại thủ tục"
    if re.search(r"\bcap huyen\b", key) or re.match(rf"{_COMMITTEE} (?:huyen|quan|thi xa)\b", key):
        return None, district
    if key.startswith("phong "):
        office = key.removeprefix("phong ")
        if any(office == o or office.startswith(o + " ") for o in _DISTRICT_OFFICES):
            return None, district
        return None, f"không suy ra được cấp thực hiện từ {shown}"
    if re.match(rf"{_COMMITTEE} (?:cap )?(?:xa|phuong|dac khu)\b", key):
        return "Cấp xã", ""
    if re.match(rf"(?:{_COMMITTEE} (?:cap )?tinh|so)\b", key):
        return "Cấp tỉnh", ""
    if re.match(r"(?:bo|cuc|tong cuc|bo truong)\b", key):
        return "Cấp bộ", ""
    return None, f"không suy ra được cấp thực hiện từ {shown}"


def agency_levels(value: str) -> tuple[tuple[str, ...], str]:
    """Levels from a "Cơ quan thực hiện" cell, one agency a line or after “;”: (levels, why none).

    All or nothing: one agency whose level the name does not state leaves
    the levels to the person, with the reason (a district office first).
    """
    found: set[str] = set()
    reasons: list[str] = []
    for part in re.split(r"[;\n]+", text.nfc(value)):
        if not part.strip(" .,-–"):
            continue
        level, why = agency_level(part.strip(" .,-–"))
        if level is None:
            reasons.append(why)
        else:
            found.add(level)
    if reasons:
        return (), sorted(reasons, key=lambda why: "cấp huyện" not in why)[0]
    return tuple(level for level in LEVELS if level in found), ""


_UNITS = (
    ("ngay lam viec", "ngày làm việc"),
    ("gio lam viec", "giờ làm việc"),
    ("ngay", "ngày"),
    ("gio", "giờ"),
    ("thang", "tháng"),
)
_NUMBER_UNIT = re.compile(rf"(?<![\d.,])({NUMBER})\s*(ngay lam viec|gio lam viec|ngay|gio|thang)\b")
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
        if unit_key in ("ngay", "gio") and re.search(rf"{re.escape(number)}\s*{unit_key}\W+lam viec", text.fold(original)):
            return None, f"{cell} không rõ {dict(_UNITS)[unit_key]} làm việc hay {dict(_UNITS)[unit_key]}; ghi liền, ví dụ “{number} {dict(_UNITS)[unit_key]} làm việc”"
        duration = {"value": read_number(number), "unit": dict(_UNITS)[unit_key]}
        bare = re.fullmatch(rf"{re.escape(number)}\s*{unit_key}", text.fold(lead_plain)) is not None
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
_AMOUNT = re.compile(rf"(?<![\d.,])({NUMBER})\s*((?i:đồng|dong|vnđ|vnd|usd|đ|d)|[A-Z]{{3}})?(?!\w)")
"""An amount and its currency as written: "50.000 đồng", "1.500.000đ", "50.000 VNĐ", "25,5 USD", "100 EUR"."""


def parse_fee(value: str) -> tuple[dict[str, Any] | None, str]:
    """A fee from text: "50.000 đồng" → {amount: 50000}; "Miễn phí" / "Không" → {free: true}.

    Dots and commas between groups of three digits are thousands separators,
    as Vietnamese writes them, and a comma before other digits the decimal
    mark ("25,5 USD"). "50.000 đồng (…)" is read as export writes it: the
    amount, then the note in parentheses, whose own amounts ("50.000
    đồng/bản") are the note's, not the fee's. Nothing is guessed: an amount
    is read only with its currency written beside it (or as a cell holding a
    number alone), never out of a time pasted in the fee column ("2 Ngày làm
    việc") or a sentence with several amounts.
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
    cell = f"phí, lệ phí “{original}”"
    several = f"{cell} có nhiều mức; ghi một mức, hoặc từng kênh: “trực tiếp: …; trực tuyến: …”"
    amounts = _AMOUNT.findall(original)
    with_currency = [a for a in amounts if a[1]]
    if _FREE.match(folded) or folded.startswith(("mien phi", "mien le phi", "khong thu")):
        if with_currency:  # "Miễn phí đối với trẻ em; 50.000 đồng …": free for whom is not the fee
            return None, several
        fee: dict[str, Any] = {"free": True}
        if not _FREE.match(folded):
            fee["note"] = original
        return fee, ""
    if council_states_fee(original):  # the council sets the amount: the note is the fee, as tthc writes it
        return {"note": original}, ""
    if not with_currency:
        if re.fullmatch(NUMBER, original):  # a number alone in the fee column: đồng, as the column says
            return {"amount": read_number(original)}, ""
        time, _ = parse_time(original)
        if time is not None and "value" in time:
            return None, f"{cell} là thời hạn, không phải số tiền: có lẽ dán nhầm cột; ghi phí, ví dụ “50.000 đồng”"
        if amounts:
            return None, f"{cell} không ghi đơn vị tiền; ghi rõ, ví dụ “{amounts[0][0]} đồng”"
        return None, f"không đọc được {cell}"
    if len({a for a in with_currency}) > 1:
        return None, several
    number, currency = with_currency[0]
    fee = {"amount": read_number(number)}
    code = _CURRENCIES.get(text.fold(currency), currency)
    if code != "VND":
        fee["currency"] = code
    unit = re.fullmatch(rf"(?:{NUMBER})\s*{re.escape(currency)}({_UNIT})", original)
    if unit:
        fee["unit"] = unit.group(1)
    elif not re.fullmatch(rf"(?:{NUMBER})\s*{re.escape(currency)}", original):
        fee["note"] = original
    return fee, ""


_UNIT = r"/[^\W\d][^\d;,.()/]{0,39}"
"""What an amount is per, as wording writes it after the currency: "/bản", "/hồ sơ" (no number, no second amount)."""


_CURRENCIES = {"dong": "VND", "vnd": "VND", "d": "VND", "usd": "USD"}
"""Currency words and their codes; any other three capitals ("USD", "EUR") are a code themselves."""


_CHANNEL_MARK = re.compile(
    r"(?:^|;\s*)(?:nop\s+)?(truc tiep|truc tuyen|(?:qua\s+)?(?:dich vu\s+)?buu chinh(?:\s+cong ich)?)"
    r"\s*(?:\(([^()]+)\)\s*)?:\s*"
)
"""A channel at the start of a part, with the place export writes after it in parentheses: "trực tiếp (tại …): "."""


Method = tuple[str, str]
"""A method as a cell names it: its channel, and its place as worded after it ("tại cơ quan đại diện"), or ""."""


def split_channels(value: str) -> dict[Method, str] | None:
    """{(channel, place): text} from "trực tiếp: …; trực tiếp (tại …): …" (export's form when methods differ).

    None for one value. A method named twice makes the cell unreadable as
    methods: {} (the caller reports it), never one value silently chosen.
    The place is as :func:`tthc.wording.place_text` words it; callers match
    it against the file's methods through the same function.
    """
    original = " ".join(text.nfc(value).split())
    marks = list(_CHANNEL_MARK.finditer(fold_chars(original)))
    if not marks or marks[0].start() != 0:
        return None
    out: dict[Method, str] = {}
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        word = mark.group(1)
        channel = "trực tiếp" if word == "truc tiep" else "trực tuyến" if word == "truc tuyen" else "bưu chính"
        place = " ".join(original[mark.start(2) : mark.end(2)].split()) if mark.group(2) else ""
        if (channel, place) in out:
            return {}
        out[channel, place] = original[mark.end() : following.start() if following else len(original)].strip(" ;")
    return out


_LEGAL_TYPES = (
    "Thông tư liên tịch", "Bộ luật", "Luật", "Nghị quyết", "Pháp lệnh", "Nghị định", "Quyết định",
    "Thông tư", "Chỉ thị",
)  # fmt: skip


def parse_legal_basis(value: str) -> tuple[list[dict[str, str]], str]:
    """Legal texts from a cell: one per number and symbol found (123/2015/NĐ-CP, 66.7/2025/NQ-CP, 19/2025/QĐ-TTg).

    A number is found whole or not at all (:data:`tthc.layout.LEGAL_NUMBER_IN_TEXT`,
    the pattern the rule ``legal-number`` checks), so every number written is
    verbatim in the cell and passes that rule.
    """
    original = text.nfc(value).strip()
    if not original:
        return [], ""
    refs: list[dict[str, str]] = []
    seen: set[str] = set()
    for chunk in re.split(r"[;\n]+", original):
        chunk = " ".join(chunk.split()).strip(" .,-–")
        for number in LEGAL_NUMBER_IN_TEXT.findall(chunk):
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
            if title and len(LEGAL_NUMBER_IN_TEXT.findall(chunk)) == 1 and text.fold(title) != text.fold(ref.get("type", "")):
                ref["title"] = title
            refs.append(ref)
    if not refs:
        return [], f"không thấy số, ký hiệu văn bản trong căn cứ pháp lý “{' '.join(original.split())}”"
    return refs, ""


def crowded_legal_items(value: str) -> list[str]:
    """The items of a legal-basis cell that hold several numbers ("Luật sửa đổi … Luật số 31/2024/QH15 43/2024/QH15").

    :func:`parse_legal_basis` writes each number as a legal text of its own
    and none of them a title: which number the item is about and which its
    title only mentions, the cell does not say, so the import report asks.
    """
    items = (" ".join(chunk.split()).strip(" .,-–") for chunk in re.split(r"[;\n]+", text.nfc(value)))
    return [item for item in items if len(set(LEGAL_NUMBER_IN_TEXT.findall(item))) > 1]


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


def tidy(value: str) -> str:
    """Cell text in NFC without what pasting brings along (see :func:`tthc.text.drop_pasted_noise`); line breaks kept."""
    return text.drop_pasted_noise(text.nfc(value))


def clean(value: Any) -> str:
    """Cell text as one NFC line: stray spaces and line breaks inside a cell collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return " ".join(tidy(str(value)).split())
