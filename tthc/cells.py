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
from tthc.layout import CODE
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
