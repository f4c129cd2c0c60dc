"""The legal-basis table of a national-portal record, read back from its flattened text.

Each row of "Căn cứ pháp lý" is a title and a number run together with no
separator: ``…Trung ương85/2019/TT-BTCNghị định sửa đổi …104/2022/NĐ-CP``.
A number cell is recognised by what can follow it: the next row's number, a
type of legal text, or a word that opens a title (a capitalised Vietnamese
syllable, checked by :func:`tthc.encodings.is_vi_syllable` so that "TT-BCAngày"
is not cut into "TT-BC" + "Angày"). The number is kept whole; where the cut
is a guess the row carries a :class:`~tthc.portal_tables.Mark`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tthc.encodings import is_vi_syllable as is_vi_syllable
from tthc.model import DataPath
from tthc.portal_tables import EMPTY, Mark

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
LEGAL_TYPES = (
    "Thông tư liên tịch", "Bộ luật", "Luật", "Nghị quyết", "Pháp lệnh", "Nghị định", "Quyết định", "Thông tư", "Chỉ thị",
)  # fmt: skip
_TYPES = "|".join(LEGAL_TYPES)
# Issuer parts: upper-case letters; two digits only after QH (the legislature,
# QH13) or a one-letter unit (C06); the Prime Minister's TTg. The digits are
# what keeps "QH13" + "60/2014/…" and "BTC" + "172/2010/…" apart.
_SEGMENT = r"(?:TTg|(?:UBTV)?QH\d\d|[A-ZĐ]\d\d|[A-ZĐ]+)"
_NUMBER = re.compile(
    rf"(?P<digits>\d+(?:\.\d{{1,3}})?)(?P<tail>/(?:\d{{4}}/)?{_SEGMENT}(?:[-/] ?{_SEGMENT})*)"
)
_DIGITS = re.compile(r"\d+")
_NEXT_ROW = re.compile(rf"$|\n|\d+(?:\.\d{{1,3}})?/| ?(?:{_TYPES})\b|(?P<word>[^\W\d_]+)")


_PROSE_AFTER_NUMBER = frozenset(("ngày", "của", "về", "năm", "và", "được", "tại", "theo", "do"))
"""Words that follow a number inside a title ("53/2025/TT-BCAngày 01/7/2025" lost its space)."""
_TITLE_OPENINGS = frozenset(("sửa", "bãi", "quy", "hướng", "ban", "nghị", "thông", "luật", "quyết"))
"""Words a title written in lower case opens with ("sửa đổi, bổ sung …"): a boundary before them is no doubt."""


def _row_end(text: str, end: int, lower: bool) -> bool:
    """Whether a number cell can end at ``end``: the next row's title (a Vietnamese word) or number follows."""
    after = _NEXT_ROW.match(text, end)
    if after is None or after["word"] is None:
        return after is not None
    word = after["word"]
    cut = next((i for i, char in enumerate(word) if i and char.isupper()), len(word))
    syllable = word[:cut]
    if word[0].islower():
        return lower and is_vi_syllable(syllable) and syllable not in _PROSE_AFTER_NUMBER
    return cut > 1 and is_vi_syllable(syllable)


def _number_at(text: str, start: int, lower: bool) -> re.Match[str] | None:
    """The longest number starting at ``start`` that a row boundary follows; a title in lower case only as a last resort."""
    longest = _NUMBER.match(text, start)
    if longest is None:
        return None
    for end in range(longest.end(), start, -1):
        match = _NUMBER.fullmatch(text, start, end)
        if match and _row_end(text, end, lower):
            return match
    return None


def _numbers(text: str) -> Iterator[tuple[re.Match[str], bool]]:
    """Number cells in order, each with whether the title after it starts in lower case (a weaker boundary)."""
    position = 0
    while True:
        start = _DIGITS.search(text, position)
        if start is None:
            return
        if (
            start.start() > position + 1
            and text[start.start() - 1] == "."
            and text[start.start() - 2].isdigit()
        ):
            position = start.end()  # "66.7": the digits after the dot are not a number of their own
            continue
        found = _number_at(text, start.start(), lower=False)
        doubt = False
        if found is None:
            found = _number_at(text, start.start(), lower=True)
            doubt = (
                found is not None and text[found.end() :].split(" ", 1)[0].rstrip(",") not in _TITLE_OPENINGS
            )
        if found is None:
            position = start.end()
            continue
        yield found, doubt
        position = found.end()


_YEAR_THEN_NUMBER = re.compile(r"^((?:19|20)\d\d)(\d{1,3}(?:\.\d{1,3})?)$")
_TYPE_AT_END = re.compile(rf"(?P<type>{_TYPES})(?: số)? ?$")


def parse_legal_basis(text: str) -> tuple[list[dict[str, Any]], list[Mark]]:
    """Each row as number (the "Mã văn bản" cell), type (when the row names it) and title.

    The number cell sometimes starts with its type ("Thông tư số01/2026/TT-BNNMT"):
    the type goes to ``type``, the number keeps the rest, whole.
    """
    marks: list[Mark] = []
    if text.startswith(LEGAL_HEADER):
        text = text[len(LEGAL_HEADER) :]
    elif text:
        marks.append(Mark(("legal_basis",), "Không thấy tiêu đề bảng căn cứ pháp lý.", text[:200]))
    rows: list[tuple[str, str, str, bool]] = []
    start, lower_title = 0, False
    for match, lower_next in _numbers(text):
        title = text[start : match.start()]
        start = match.end()
        if not title.strip() and rows:
            # "Luật 60/2014/QH13" + "60/2014/QH13": the first number belonged to the title.
            previous_title, previous_digits, previous_tail, lower_title = rows.pop()
            title = previous_title + previous_digits + previous_tail
        rows.append((title, match["digits"], match["tail"], lower_title))
        lower_title = lower_next
    refs: list[dict[str, Any]] = []
    for title, digits, tail, lower_title in rows:
        path: DataPath = ("legal_basis", len(refs))
        source = (title[-80:] + digits + tail).strip()
        year = _YEAR_THEN_NUMBER.match(digits)
        if year:
            # "Luật Doanh nghiệp 202076/2025/QH15": the title ends in a year.
            title, digits = title + year[1], year[2]
        elif len(digits.split(".")[0]) > 4:
            marks.append(
                Mark(
                    (*path, "number"),
                    "Số hiệu dính liền với chữ số cuối của tên văn bản: chỗ tách là phỏng đoán.",
                    source,
                )
            )
        ref: dict[str, Any] = {"number": digits + tail}
        kind = _TYPE_AT_END.search(title)
        if kind and kind.start() > 0 and title[kind.start() - 1] == " ":
            marks.append(
                Mark(
                    (*path, "type"), f"Không rõ “{kind['type']}” thuộc tên hay thuộc số hiệu văn bản.", source
                )
            )
            ref["type"] = kind["type"]
        elif kind:
            ref["type"] = kind["type"]
            title = title[: kind.start()]
        title = title.strip()
        if lower_title:
            marks.append(
                Mark(
                    (*path, "title"),
                    "Tên văn bản bắt đầu bằng chữ thường: ranh giới với dòng trên là phỏng đoán.",
                    source,
                )
            )
        if "type" not in ref:
            start_type = next((t for t in LEGAL_TYPES if title.lower().startswith(t.lower() + " ")), None)
            if start_type:
                ref["type"] = start_type
        if title:
            ref["title"] = title
        refs.append(ref)
    rest = text[start:].strip()
    if rest and rest != EMPTY:
        marks.append(
            Mark(
                ("legal_basis", len(refs), "number"),
                "Dòng căn cứ pháp lý không tách được số hiệu: ghi nguyên văn.",
                rest,
            )
        )
        refs.append({"number": rest})
    return refs, marks
