"""How tthc words a value in Vietnamese, once for every output.

A citizen reads the same procedure on a notice board, in the listing site, in
a spreadsheet and in the annex of a decision; a legal officer compares them.
When each output wrote its own "0,5 ngày" the copies drifted ("0.5" in one,
"25,50 USD" in another), so every number, amount (with its unit), duration,
date, Roman numeral, channel (with its place), role and online label,
per-channel summary and procedure order is decided here and nowhere else.
Pure functions: no I/O, no printing.

Conventions (Vietnamese usage, NĐ 30/2020/NĐ-CP for documents):

- a decimal comma and dots between thousands: "0,5", "1.234,5", "50.000";
- amounts in đồng say "đồng", other currencies keep their code: "25,5 USD";
- dates "20/11/2014"; in a decision's heading "ngày 05 tháng 01 năm 2025";
- lists a person reads are in Vietnamese alphabetical order
  (:func:`tthc.collation.sort_key`), the code breaking ties.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from tthc import collation, text
from tthc.model import COMPONENTS, Duration, Fee, Method, Pending, Procedure, Settings, parse_date

T = TypeVar("T")

# --------------------------------------------------------------------------
# Numbers and money
# --------------------------------------------------------------------------


def number_text(value: float) -> str:
    """5 → "5", 0.5 → "0,5", 1234.5 → "1.234,5": decimal comma, dots between thousands.

    The shortest digits that give the value back (Python's ``repr``), never
    an exponent and never a trailing zero: a reader gets exactly the number
    the record holds. A value that is no number at all (infinite, NaN:
    nothing a catalogue should hold, but diff reads files nobody validated)
    is shown as Python writes it.
    """
    if not math.isfinite(value):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    digits = format(Decimal(repr(float(value))), "f")
    whole, _, fraction = digits.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}".replace(",", ".") + "," + fraction


def two_digits(value: float) -> str:
    """05, 10, 0,5: documents write small whole counts with two digits ("05 ngày làm việc", "bản sao: 01")."""
    if float(value).is_integer() and 0 <= value < 10:
        return f"{int(value):02d}"
    return number_text(value)


def currency_text(currency: str) -> str:
    """"đồng" for VND (as a notice board says it), the code for any other currency ("USD")."""
    return "đồng" if currency == "VND" else currency


def amount_text(amount: float, currency: str = "VND") -> str:
    """50000 → "50.000 đồng", 25.5 USD → "25,5 USD"."""
    return f"{number_text(amount)} {currency_text(currency)}"


def percent_text(value: float) -> str:
    """38.7 → "38,7\u00a0%": one decimal and a decimal comma, as ``tthc stats`` prints it.

    The space before "%" is a no-break space, so a narrow column never leaves
    the sign alone on the next line.
    """
    return f"{value:.1f}".replace(".", ",") + "\u00a0%"


def capitalised(value: str) -> str:
    """The first letter upper case, the rest as written: "trong ngày" → "Trong ngày"."""
    return value[:1].upper() + value[1:]


def with_note(said: str, note: str) -> str:
    """"5 ngày làm việc (kể từ …)": the form the spreadsheet importer reads a note back from."""
    if said and note:
        return f"{said} ({note})"
    return said or note


# --------------------------------------------------------------------------
# Durations and fees
# --------------------------------------------------------------------------


def duration_text(duration: Duration | None, *, padded: bool = False) -> str:
    """"5 ngày làm việc", "0,5 ngày", "Trong ngày"; empty when the record gives nothing.

    A time the national record gives without a unit (``{value: 5}``) reads
    "5" and nothing more: no output may print a unit the file does not hold
    (``time-invalid`` asks for it).

    ``padded`` writes small whole numbers with two digits ("05 ngày làm
    việc"), as the annex of a decision and the diff of one do. The note is
    the caller's to place: a sheet shows it on its own line, a cell in
    parentheses (:func:`with_note`).
    """
    if duration is None:
        return ""
    if duration.value is None:
        return capitalised(duration.unit)
    number = two_digits(duration.value) if padded else number_text(duration.value)
    return f"{number} {duration.unit}".strip()


UNSTATED = "Không có thông tin"
"""A time or fee the record leaves empty, in the national portal's words for an empty cell.

Not "Không quy định": that would tell a citizen the law sets no time or fee,
which the file does not say.
"""


def fee_text(fee: Fee | None) -> str:
    """"Miễn phí", "8.000 đồng", "10 USD/bản"; empty when the record gives only a note (or nothing).

    The unit follows the amount as the law writes it ("50.000 đồng/tờ
    khai"); a unit written without its slash is kept after a space rather
    than given one (the schema reports it).
    """
    if fee is None:
        return ""
    if fee.free:
        return "Miễn phí"
    if fee.amount is None:
        return ""
    amount = amount_text(fee.amount, fee.currency)
    unit = fee.unit.strip()
    return f"{amount}{unit}" if unit.startswith("/") else f"{amount} {unit}".rstrip()


def duration_statement(duration: Duration | None) -> str:
    """A duration as a decision states it: "05 ngày làm việc (kể từ …)"."""
    if duration is None:
        return ""
    return with_note(duration_text(duration, padded=True), duration.note)


def fee_statement(fee: Fee | None) -> str:
    """A fee as a decision states it: "8.000 đồng; <note> (theo <basis>)".

    The amount is left out when the note already states it ("8.000
    đồng/bản sao"), so a reader never sees it twice.
    """
    if fee is None:
        return ""
    said = fee_text(fee)
    if said and fee.note and said.split()[0] in fee.note:
        said = ""
    out = "; ".join(part for part in (said, fee.note) if part)
    return f"{out} (theo {fee.basis})" if fee.basis else out


def duration_of(data: Mapping[str, Any]) -> Duration:
    """A duration from its plain data (a diff compares files nobody validated): wrong types read as absent."""
    value = data.get("value")
    return Duration(
        value=value if isinstance(value, int | float) else None,
        unit=str(data.get("unit") or ""),
        note=str(data.get("note") or ""),
    )


def fee_of(data: Mapping[str, Any]) -> Fee:
    """A fee from its plain data, as :func:`duration_of`."""
    amount = data.get("amount")
    return Fee(
        amount=amount if isinstance(amount, int | float) else None,
        currency=str(data.get("currency") or "VND"),
        free=bool(data.get("free")),
        note=str(data.get("note") or ""),
        basis=str(data.get("basis") or ""),
        unit=str(data.get("unit") or ""),
    )


# --------------------------------------------------------------------------
# Dates and numerals
# --------------------------------------------------------------------------


def date_text(value: object) -> str:
    """"2014-11-20" or a date → "20/11/2014"; other text is kept as it is, anything else is empty."""
    date = parse_date(value)
    if date is not None:
        return f"{date:%d/%m/%Y}"
    return value if isinstance(value, str) else ""


def date_in_words(value: dt.date | None) -> str:
    """"ngày 05 tháng 01 năm 2025": days below 10 and months below 3 take a leading zero (NĐ 30/2020).

    Without a date, the blank a drafter fills in by hand.
    """
    if value is None:
        return "ngày      tháng      năm 20…"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


_NUMERALS = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


def roman(number: int) -> str:
    """1 → "I", 4 → "IV", 16 → "XVI": the numbering of groups in Vietnamese administrative lists.

    Any positive number (thousands repeat "M"); zero and negatives have no
    Roman numeral, which is a caller's error.
    """
    if number < 1:
        raise ValueError(f"no Roman numeral for {number}")
    out = []
    for value, numeral in _NUMERALS:
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)


# --------------------------------------------------------------------------
# Channels, roles, online service
# --------------------------------------------------------------------------

CHANNEL_LABELS = {
    "trực tiếp": "Trực tiếp",
    "trực tuyến": "Trực tuyến",
    "bưu chính": "Dịch vụ bưu chính công ích",
}
"""A channel as a sheet's heading names it."""

SHORT_CHANNEL_LABELS = {"trực tiếp": "Trực tiếp", "trực tuyến": "Trực tuyến", "bưu chính": "Bưu chính"}
"""A channel in a short line ("Trực tiếp, Bưu chính: 5 ngày làm việc")."""

ROLE_LABELS = {
    "performing": "Cơ quan trực tiếp thực hiện",
    "deciding": "Cơ quan có thẩm quyền quyết định",
    "authorised": "Cơ quan được ủy quyền",
    "coordinating": "Cơ quan phối hợp",
}
"""The roles of agencies in a record, in the order of the national record."""

ADDRESS_LABEL = "Địa chỉ tiếp nhận hồ sơ"
"""Where dossiers are received (``agencies.address``), shown with the agencies as the national record does."""

ONLINE_LABELS = {
    "toan-trinh": "Toàn trình",
    "mot-phan": "Một phần",
    "khac": "Có (chưa ghi mức độ)",
    "khong": "Không",
}
"""Online status keys (ASCII, for filters and data attributes) and their labels."""

ONLINE_KEYS = {"toàn trình": "toan-trinh", "một phần": "mot-phan"}
"""The NĐ 42/2022 level of an online channel (``online:`` of a method) → its key in :data:`ONLINE_LABELS`."""


SHARE_LABELS = {
    "online_full": "Trực tuyến toàn trình",
    "online_partial": "Trực tuyến một phần",
    "online_any": "Có nộp trực tuyến",
    "postal": "Qua bưu chính công ích",
}
"""The shares of procedures ``tthc stats`` and the index page's chart report, by the key of :class:`tthc.stats.Stats`."""


def channel_label(channel: str) -> str:
    """A channel as a sheet's heading names it; an unknown channel as it is written."""
    return CHANNEL_LABELS.get(channel, channel)


def short_channel_label(channel: str) -> str:
    """A channel in a short line: "Bưu chính"; an unknown channel capitalised."""
    return SHORT_CHANNEL_LABELS.get(channel) or capitalised(channel)


_PLACE_PREPOSITIONS = ("tại ", "ở ", "qua ", "trên ")


def place_text(place: str) -> str:
    """"tại cơ quan đại diện": where a method is offered, as it reads after its channel.

    The record names the place alone ("Ủy ban nhân dân cấp xã"); "tại" makes
    it read as the national record's own note does ("Tại cơ quan đại diện:
    10 USD/bản"). A place that starts with its own preposition keeps it, in
    lower case, so none is said twice.
    """
    place = " ".join(place.split())
    if not place:
        return ""
    lowered = place[:1].lower() + place[1:]
    return lowered if lowered.startswith(_PLACE_PREPOSITIONS) else f"tại {place}"


def method_label(channel: str, place: str = "", label: Callable[[str], str] = channel_label) -> str:
    """A method as every output names it: its channel's label, then its place in parentheses.

    "Trực tiếp (tại cơ quan đại diện)"; a method without a place is its
    channel's label alone, so one channel offered at two places (chứng thực
    at the commune and at a mission abroad) reads as two methods. ``label``
    words the channel: :func:`channel_label` on a sheet's table,
    :func:`short_channel_label` in a short line, ``str`` in a spreadsheet cell.
    """
    said = label(channel)
    return f"{said} ({place_text(place)})" if place.strip() else said


def per_channel(
    values: Sequence[tuple[str, str]],
    label: Callable[[str], str] = short_channel_label,
    *,
    grouped: bool = False,
) -> list[str]:
    """(channel, text) pairs said once when the channels agree, else one line per channel.

    Most procedures take the same time and fee whatever the channel, and
    saying it once keeps a notice board and a spreadsheet short. Channels
    without a value are left out of the lines.

    The first of each pair is what ``label`` words: a channel, or (with
    ``label=str``) a method already named with its place (:func:`per_method`).

    Ungrouped (the spreadsheet and the annex): one value only when *every*
    channel states it and they agree, so the importer never gives a value
    to a channel that had none; otherwise ``"<label>: <value>"`` per
    channel, the form :func:`tthc.importer.split_channels` reads back.
    Grouped (posting lists): the value once if every channel that states a
    value agrees, otherwise channels sharing a value on one line
    ("Trực tiếp, Bưu chính: 5 ngày làm việc").
    """
    present = [(channel, value) for channel, value in values if value]
    if not present:
        return []
    distinct = list(dict.fromkeys(value for _, value in present))
    if grouped:
        if len(distinct) == 1:
            return distinct
        return [
            f"{', '.join(label(c) for c, v in present if v == value)}: {value}" for value in distinct
        ]
    if len(distinct) == 1 and len(present) == len(values):
        return distinct
    return [f"{label(channel)}: {value}" for channel, value in present]


def per_method(
    methods: Iterable[Method],
    said: Callable[[Method], str],
    label: Callable[[str], str] = short_channel_label,
    *,
    grouped: bool = False,
) -> list[str]:
    """:func:`per_channel` for a procedure's methods, each named by :func:`method_label` (its place too)."""
    pairs = [(method_label(m.channel, m.place, label), said(m)) for m in methods]
    return per_channel(pairs, label=str, grouped=grouped)


# --------------------------------------------------------------------------
# Order
# --------------------------------------------------------------------------


def in_vietnamese_order(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """Vietnamese alphabetical order of ``name``, then ``code`` (when items have one), for every list a person reads."""
    return sorted(items, key=lambda item: (collation.sort_key(name(item)), getattr(item, "code", "")))


def procedure_key(procedure: Procedure) -> tuple[collation.SortKey, str]:
    """A procedure's place in a list: Vietnamese order of names, the code breaking ties."""
    return collation.sort_key(procedure.name), procedure.code


def sort_procedures(procedures: Iterable[Procedure]) -> list[Procedure]:
    """Procedures in Vietnamese alphabetical order of names, the code breaking ties."""
    return sorted(procedures, key=procedure_key)


def field_name(settings: Settings, field_id: str) -> str:
    """A field's name from the settings; an unknown field (or one without a name) by its id."""
    field = settings.fields.get(field_id)
    return field.name if field is not None and field.name else field_id


def sort_by_field(procedures: Iterable[Procedure], settings: Settings) -> list[Procedure]:
    """Vietnamese order of field name, then procedure name, then code: the order a printed list is scanned in."""
    return sorted(procedures, key=lambda p: (collation.sort_key(field_name(settings, p.field)), *procedure_key(p)))


# --------------------------------------------------------------------------
# The annex of a decision: lists, levels, legal texts, places, quantities
# --------------------------------------------------------------------------


def joined(parts: Sequence[str], conjunction: str = "và") -> str:
    """"A", "A và B", "A, B và C": how a title or a sentence lists things."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


def levels_text(levels: Sequence[str]) -> str:
    """("Cấp tỉnh", "Cấp xã") → "cấp tỉnh và cấp xã": levels inside a sentence or a group title."""
    return joined([level[:1].lower() + level[1:] for level in levels if level])


def legal_ref_short(number: str, kind: str = "", date: object = "", title: str = "") -> str:
    """"Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014", "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015".

    A law is cited by its name; other texts by type, number and date only, so
    a table cell stays short enough to read in print.
    """
    when = f" ngày {date_text(date)}" if date_text(date) else ""
    title = title.strip()
    if title and kind and text.fold(title).startswith(text.fold(kind)):
        return f"{title} số {number}{when}"
    return f"{kind} số {number}{when}" if kind else f"{number}{when}"


def legal_ref_full(number: str, kind: str = "", date: object = "", title: str = "") -> str:
    """The short citation followed by what the text is about, as the content of a procedure cites it.

    "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 quy định chi tiết …": the
    title continues the sentence, so its first letter is lowered unless the
    second is a capital too (an abbreviation). A law already named by its
    title is not named twice.
    """
    short = legal_ref_short(number, kind, date, title)
    title = title.strip().rstrip(".;")
    if not title or short.startswith(title):
        return short
    if len(title) > 1 and not title[1].isupper():
        title = title[0].lower() + title[1:]
    return f"{short} {title}"


LEGAL_TYPES_BY_SYMBOL = (
    ("/QĐ-", "Quyết định"),
    ("/NĐ-CP", "Nghị định"),
    ("/NQ-", "Nghị quyết"),
    ("/TTLT-", "Thông tư liên tịch"),
    ("/TT-", "Thông tư"),
    ("/CT-", "Chỉ thị"),
)
"""The type of a legal text its symbol shows, for a bare number ("1427/QĐ-BTP" → "Quyết định")."""


def legal_type_of(number: str) -> str:
    """"Quyết định" for "1427/QĐ-BTP"; empty when the symbol says nothing (a law: "60/2014/QH13")."""
    upper = text.nfc(number).upper()
    return next((kind for symbol, kind in LEGAL_TYPES_BY_SYMBOL if symbol in upper), "")


def where_text(channel: str, offices: Sequence[str] = (), online: str = "", site: str = "") -> str:
    """Where a citizen performs a procedure by one channel, as a list decision writes "Địa điểm thực hiện".

    "Trực tiếp tại <office>", "Qua dịch vụ bưu chính công ích", "Trực
    tuyến (toàn trình) trên Cổng Dịch vụ công quốc gia"; ``site`` is the
    host of the online service when it is not the national portal.
    """
    channel_key = text.fold(channel)
    if channel_key == "truc tiep":
        return "Trực tiếp" + (f" tại {'; '.join(offices)}" if offices else "")
    if channel_key == "buu chinh":
        return "Qua dịch vụ bưu chính công ích"
    if channel_key == "truc tuyen":
        level = f" ({online})" if online else ""
        return f"Trực tuyến{level} trên {site or 'Cổng Dịch vụ công quốc gia'}"
    return capitalised(channel)


def quantity_text(originals: int, copies: int) -> str:
    """"01 bản chính", "01 bản chính, 02 bản sao"; empty when the record gives neither."""
    parts = [f"{two_digits(n)} {label}" for n, label in ((originals, "bản chính"), (copies, "bản sao")) if n]
    return ", ".join(parts)


def sets_text(sets: int | None) -> str:
    """"01 bộ": the number of sets of a dossier; empty when the record does not say."""
    return f"{two_digits(sets)} bộ" if sets else ""


# --------------------------------------------------------------------------
# Changes not yet in force
# --------------------------------------------------------------------------


def pending_text(pending: Pending, *, fee: str = "", time: str = "") -> str:
    """What a decision not yet in force will change, one sentence wherever it shows (sheet, site page, index).

    ``fee`` and ``time`` are the new values, worded as the posting list words
    them, said when the decision lists those components; the others are named.
    """
    when = f"từ ngày {date_text(pending.effective)}"
    by = f"theo Quyết định số {pending.decision}"
    if pending.kind == "abolished":
        return f"Thủ tục này bãi bỏ {when}, {by}."
    if pending.kind == "replaced":
        return f"Thủ tục này được thay thế bằng thủ tục {pending.successor} {when}, {by}."
    if pending.kind == "new":
        return f"Áp dụng {when}, {by}."
    said = {"fee": fee, "time": time}
    changes = [f"áp dụng mức phí, lệ phí mới: {fee}"] if "fee" in pending.components and fee else []
    if "time" in pending.components and time:
        changes.append(f"thời hạn giải quyết mới: {time}")
    named = [COMPONENTS.get(c, c) for c in pending.components if not said.get(c)]
    if named:
        changes.append("sửa đổi " + joined([n[:1].lower() + n[1:] for n in named]))
    return f"{capitalised(when)}, {by}: {'; '.join(changes or ['thủ tục được sửa đổi, bổ sung'])}."
