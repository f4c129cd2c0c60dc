"""Rules about decisions not yet in force and the content a procedure file keeps until then.

A file holds a procedure as the newest decision makes it; what a decision not
yet in force replaced must stay in the file's ``previous:`` block, or the
catalogue on today's date (the sheets, the site, the export) would already
show next year's fees. See :mod:`tthc.timeline`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from tthc.findings import Finding, Rule, register
from tthc.model import Catalogue
from tthc.timeline import catalogue_date, pending_decisions
from tthc.wording import date_text


class _TimelineRule(Rule):
    tags: ClassVar[tuple[str, ...]] = ("decision", "timeline")


@register
class PendingAmendmentNotKept(_TimelineRule):
    id = "pending-amendment-not-kept"
    title = "Sửa đổi chưa có hiệu lực nhưng tệp không giữ nội dung đang áp dụng"
    message = (
        "Quyết định {number} sửa đổi thủ tục {code} từ ngày {effective}, sau ngày {as_of} của danh mục, nhưng tệp"
        " không có mục previous cho quyết định này: nội dung mới trong tệp sẽ bị coi là đang áp dụng."
    )
    fix = (
        "Thêm vào tệp “previous: - decision: \"{number}\"” với các thành phần quyết định sửa ({components}) ghi"
        " giá trị cũ, đang áp dụng đến ngày {effective} (lấy lại bằng git show); xem README, mục sửa đổi có hiệu lực sau."
    )

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        by_code = catalogue.by_code()
        as_of = catalogue_date(catalogue.settings)
        for dec in pending_decisions(catalogue, as_of):
            if dec.draft:
                continue  # a draft edits no file: the files still hold what is in force
            for entry in dec.amended:
                proc = by_code.get(entry.code)
                if proc is None or any(p.decision == dec.number for p in proc.previous):
                    continue
                yield self.finding(
                    proc.file, ("code",), code=proc.code, number=dec.number,
                    effective=date_text(dec.effective or dec.signed), as_of=date_text(as_of),
                    components=", ".join(entry.components) or "các thành phần đã sửa",
                )  # fmt: skip


@register
class PreviousUnknownDecision(_TimelineRule):
    id = "previous-decision-unknown"
    title = "Mục previous ghi quyết định không sửa đổi thủ tục này"
    message = "Mục previous ghi quyết định {number}, nhưng {why}."
    fix = (
        "Ghi đúng số quyết định đã sửa đổi (amended) hoặc thay thế (replaced) thủ tục này; nếu nội dung cũ"
        " không còn cần giữ, xóa mục previous (lịch sử vẫn còn trong git)."
    )

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        known = catalogue.decisions_by_number()
        for proc in catalogue.procedures:
            for i, entry in enumerate(proc.previous):
                dec = known.get(entry.decision)
                if dec is None:
                    why = "danh mục không có quyết định này (thư mục decisions/)"
                elif proc.code not in {e.code for e in dec.amended} | {r.new for r in dec.replaced}:
                    why = f"quyết định đó không sửa đổi hay thay thế thủ tục {proc.code}"
                else:
                    continue
                yield self.finding(proc.file, ("previous", i, "decision"), code=proc.code, number=entry.decision, why=why)

