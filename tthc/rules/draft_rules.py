"""Draft announcement decisions (``draft: true``), as ``tthc upstream --draft-decision`` writes them.

A draft is never in force: it has a provisional number (``DU-THAO-…``) and
neither signing date nor date of entry into force, and what it abolishes
stays in the catalogue until the signed decision takes effect
(:func:`tthc.layout.final_state`). It belongs in a pull request, beside the
change it announces, so validation lets it through with a warning that says
what signing it takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from tthc.findings import Finding, Rule, Severity, register
from tthc.model import Catalogue


@register
class DraftUnsigned(Rule):
    id = "decision-draft"
    severity = Severity.WARNING
    tags: ClassVar[tuple[str, ...]] = ("decision",)
    title = "Quyết định còn là dự thảo, chưa ký"
    message = "Quyết định {number} là dự thảo (draft: true), chưa ký nên chưa có hiệu lực."
    fix = (
        "Khi quyết định được ký: thay số tạm {number} bằng số quyết định ở tệp này, ở decisions (và previous)"
        " của các thủ tục nêu trong đó, đổi tên tệp theo số mới, điền signed và effective, rồi xóa dòng draft: true."
    )

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        for dec in catalogue.decisions:
            if dec.draft:
                yield self.finding(dec.file, ("draft",), number=dec.number or "DU-THAO-…")


@register
class DraftAbolitionBy(Rule):
    id = "decision-draft-by"
    severity = Severity.WARNING
    tags: ClassVar[tuple[str, ...]] = ("decision",)
    title = "Dự thảo bãi bỏ thủ tục chưa ghi văn bản quy định việc bãi bỏ"
    message = "Dự thảo {number} bãi bỏ thủ tục {code} nhưng chưa ghi văn bản quy định việc bãi bỏ (by)."
    fix = (
        "Ghi vào by số, ký hiệu văn bản của Bộ, ngành bãi bỏ thủ tục (ví dụ by: 163/QĐ-BTP) trước khi ký;"
        " danh sách thủ tục của Bộ chỉ cho biết thủ tục không còn, không cho biết văn bản nào bãi bỏ."
    )

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        """A draft may wait for it (the schema requires it once signed); a ministry's list never says it, so tthc leaves it empty."""
        for dec in catalogue.decisions:
            if dec.draft:
                for index, entry in enumerate(dec.abolished):
                    if not entry.by.strip():
                        yield self.finding(dec.file, ("abolished", index), number=dec.number or "DU-THAO-…", code=entry.code)
