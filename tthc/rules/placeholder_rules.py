"""Values that stand in for content: what a posting sheet must never print.

Three sources leave them: the national portal, whose empty components read
“Không có thông tin” or “…”; tthc's own scaffolds and sample, which mark what
is still to be filled in (“CẦN ĐIỀN”, “(mẫu)”); and people, who type an
example phone number (0123456789) to get past a required key. A value is
judged as YAML reads it: a ``# CẦN ĐIỀN`` comment beside an empty value is
not printed anywhere, and the empty value itself is already the schema's
finding (schema-empty), so comments are left alone.

Severity follows what the reader sees. A portal filler or a lone “…” may
stand for “none” and is a warning; a sample or to-do mark, or a made-up phone
number, is never true and is an error. Anything of the kind in the feedback
box of ``tthc.yaml`` is an error of its own: that box prints on every notice
board of the catalogue (NĐ 63/2010), so one placeholder there is on all of them.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from tthc import text
from tthc.findings import Finding, Rule, Severity, register
from tthc.model import Document, iter_strings

PORTAL_FILLERS = frozenset({"không có thông tin", "đang cập nhật", "n/a", "chưa có thông tin"})
"""Whole values the national portal shows for a component it has no content for."""

_ONLY_DOTS = re.compile(r"[\s.…_\-–]*(?:…|\.\.\.)[\s.…_\-–]*")
_SAMPLE_MARK = re.compile(r"\(\s*mẫu\)", re.IGNORECASE)
_TO_FILL = re.compile(r"cần\s+điền", re.IGNORECASE)
_ELLIPSIS = re.compile(r"…+|\.{3,}")
_PHONE_IN_TEXT = re.compile(r"(?<![\w.,/])(?:\+\s?84|0)[\d .\-]{6,}\d(?!\w)")
_PHONE_XS = re.compile(r"(?<![\w.,/])(?:\+\s?84|0)\d{0,4}[ .\-]?x{2,}[x .\-]*", re.IGNORECASE)
_RUNS = ("1234567", "9876543")

_PHONE_MARKS = ("1234567", "123 456", "123.456", "9876543", "0000000", "000 000", "000.000", "xx", "XX")
"""What a made-up phone number written in text has (0123456789, 0123 456 789, 0000 000 000, 09xx…)."""
_SOURCE_MARKS = (
    "…", "...", "mẫu)", "Mẫu)", "MẪU)", "ần điền", "ẦN ĐIỀN", "có thông tin", "CÓ THÔNG TIN",
    "ang cập nhật", "ANG CẬP NHẬT", "n/a", "N/A", "phone", *_PHONE_MARKS,
)
"""Text that any placeholder a value can hold contains, as written in the source (any case a
person types): a file without one is not walked. Plain substring tests: a regular expression
over every file cost more than the rest of validation."""
_DATA_MARKS = (*dict.fromkeys(m.casefold() for m in _SOURCE_MARKS if "điền" not in m.casefold()), "điền")
"""The marks in any case, for the second screen (:func:`_may_hold`); “điền” alone, because the
check finds “cần điền” with any space between the words."""


def placeholder(value: str, phone: bool = False) -> tuple[str, bool] | None:
    """(what is wrong, in words; whether it is never true) for a value that stands in for content.

    ``phone`` is true for a value under a ``phone`` key, where any digit
    sequence is a phone number; in other text only a number that starts like
    one (0…, +84…) is read as one, so that amounts and codes are left alone.
    """
    stripped = value.strip()
    if stripped.casefold() in PORTAL_FILLERS:
        return "là chữ giữ chỗ chép từ Cổng DVC, không phải nội dung", False
    if _ONLY_DOTS.fullmatch(stripped):
        return "chỉ có dấu ba chấm, không phải nội dung", False
    if "(" in value and _SAMPLE_MARK.search(value):
        return "có dấu “(mẫu)”: giá trị minh họa, không phải thông tin thật", True
    if ("điền" in value or "ĐIỀN" in value) and _TO_FILL.search(value):
        return "còn chữ “CẦN ĐIỀN”: mục này chưa được điền", True
    number = _example_phone(value, phone) if phone or any(mark in value for mark in _PHONE_MARKS) else None
    if number:
        return f"có số điện thoại ví dụ “{number}”, không phải số thật", True
    if ("…" in value or "..." in value) and _blank_ellipsis(value):
        return "có dấu ba chấm đứng thay cho chữ còn thiếu", False
    return None


def _example_phone(value: str, phone: bool) -> str | None:
    """The made-up phone number in ``value``: 0123456789, 0000000000, 1234567, 09xx xxx xxx."""
    if phone:
        if "xx" in value.casefold():
            return value.strip()
        candidates = [value]
    else:
        found = _PHONE_XS.search(value)
        if found:
            return found.group(0).strip()
        candidates = [m.group(0) for m in _PHONE_IN_TEXT.finditer(value)]
    for candidate in candidates:
        digits = re.sub(r"\D", "", candidate)
        if len(digits) < (6 if phone else 8):
            continue
        written = candidate.strip()
        core = digits[2:] if written.startswith("+") else digits[1:] if digits.startswith("0") else digits
        if len(set(core)) <= 1 or any(run in digits for run in _RUNS):
            return written
    return None


def _blank_ellipsis(value: str) -> bool:
    """Whether a “…” (or “...”) in ``value`` holds the place of missing words.

    In real text the mark follows a word (“người khuyết tật…”, “v.v...”),
    closes a list (“hộ chiếu, thẻ căn cước, …”) or marks an omission in a
    quotation (“(…)”); those are the portal's own legal prose. Standing alone
    after a label (“Số …/QĐ-UBND”, “phường …”, “Bước 1: …”) it is a blank
    left in a template.
    """
    for mark in _ELLIPSIS.finditer(value):
        before, after = value[: mark.start()], value[mark.end() :]
        if before and (before[-1].isalnum() or before[-1] in ".…"):
            continue  # after a word: “etc.”
        if after[:1].isalnum():
            continue  # before a word: a quotation that starts mid-sentence
        previous = before.rstrip()
        if previous.endswith((",", ";")):
            continue  # the end of a list
        if previous.endswith(("(", "[")) and after.lstrip().startswith((")", "]")):
            continue  # an omission in a quotation
        return True
    return False


def _values(doc: Document) -> Iterator[tuple[tuple[str | int, ...], str, tuple[str, bool]]]:
    """(path, value, what) of every placeholder value of a document; keys are names, not content."""
    if doc.data is None:
        return
    if text.yaml_source_plain(doc.text) and not any(mark in doc.text for mark in _SOURCE_MARKS):
        return
    if not _may_hold(doc.data):
        return
    for path, value, key in iter_strings(doc.data):
        if key:
            continue
        what = placeholder(value, phone=bool(path) and path[-1] == "phone")
        if what:
            yield path, value, what


def _may_hold(data: Any) -> bool:
    """Whether any text of ``data`` may be a placeholder, told from its marshalled bytes at C speed.

    A first import has “# CẦN ĐIỀN” beside every value left to fill, so its
    source never passes the first screen, and the walk over every value was
    a tenth of checking the file. Comments are not data. Every placeholder
    holds one of the marks in some case (checks ignore case; casefolding is
    per character). marshal writes each text whole, in UTF-8, between bytes
    of its own that decode to something else but cannot swallow a text's
    first character, which starts a UTF-8 sequence: so every mark a text
    holds is in what the bytes decode to.
    """
    try:
        shown = marshal.dumps(data).decode("utf-8", "replace").casefold()
    except ValueError:  # not plain data: walked
        return True
    return any(mark in shown for mark in _DATA_MARKS)


def _in_feedback(doc: Document, path: tuple[str | int, ...]) -> bool:
    return doc.kind == "catalogue" and path[:1] == ("feedback",)


class _PlaceholderRule(Rule):
    tags: ClassVar[tuple[str, ...]] = ("text",)


@register
class Placeholder(_PlaceholderRule):
    """Walks a document once and reports all three kinds of placeholder, each under its own rule."""

    id = "text-placeholder"
    severity = Severity.WARNING
    title = "Giá trị giữ chỗ thay cho nội dung"
    message = "“{value}” {what}."
    fix = "Điền nội dung thật hoặc xóa khóa này nếu thủ tục không có thành phần đó."
    per_document = True

    def check_document(self, doc: Document) -> Iterator[Finding]:
        for path, value, (what, never_true) in _values(doc):
            rule: type[Rule] = (
                FeedbackPlaceholder if _in_feedback(doc, path) else SampleValue if never_true else Placeholder
            )
            yield rule.finding(doc.file, path, value=text.clip(value.strip()), what=what)


@register
class SampleValue(_PlaceholderRule):
    """Reported by :class:`Placeholder`'s walk."""

    id = "text-sample-value"
    title = "Giá trị mẫu, mục cần điền hoặc số điện thoại ví dụ còn sót"
    message = "“{value}” {what}; tờ niêm yết và trang tra cứu sẽ in nguyên như vậy."
    fix = "Thay bằng thông tin thật (đối chiếu quyết định công bố, cơ quan thực hiện); chưa có thì xóa khóa nếu khóa không bắt buộc."


@register
class FeedbackPlaceholder(_PlaceholderRule):
    """Reported by :class:`Placeholder`'s walk."""

    id = "feedback-placeholder"
    title = "Hộp tiếp nhận phản ánh, kiến nghị còn giá trị giữ chỗ"
    message = "“{value}” {what}; hộp “Tiếp nhận phản ánh, kiến nghị” in trên mọi tờ niêm yết của danh mục."
    fix = "Ghi thông tin thật của cơ quan tiếp nhận phản ánh, kiến nghị; người dân cũng gửi được trực tuyến ở mục Phản ánh kiến nghị của Cổng Dịch vụ công quốc gia (website: https://dichvucong.gov.vn/)."
    tags = ("text", "catalogue")
