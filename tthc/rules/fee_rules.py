"""Rules about a procedure's fees (phí, lệ phí): what the posting sheet prints in its fee column.

The sheet prints “Miễn phí”, an amount in đồng, or a fee's note where the law
leaves the amount to the provincial council (HĐND); a fee whose parts say two
different things (exempt, yet set by the council; 20.000 đồng, yet “15.000
đồng/lần” in its note) would tell citizens something untrue.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from tthc import text
from tthc.fee_notes import council_sets_fee, note_amounts, waived_first
from tthc.findings import Finding, Severity, register
from tthc.model import Catalogue, Method, Procedure
from tthc.rules.procedure_rules import _ProcedureRule, method_data


@register
class FeeInvalid(_ProcedureRule):
    id = "fee-invalid"
    title = "Phí, lệ phí không hợp lệ"
    message = "Phí, lệ phí của kênh “{channel}” {why}."
    fix = "Ghi fee: {{amount: 50000}} (số tiền bằng đồng, không dấu chấm) hoặc fee: {{free: true, note: …}}."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            fee = method.fee
            why = None
            if fee is None:
                continue  # the schema reports the missing fee
            written = method_data(proc, i).get("fee")
            if fee.amount is None and isinstance(written, dict) and "amount" in written:
                continue  # an amount that is not a number (“1.000.000”): the schema says so, at the amount
            if isinstance(written, dict) and "free" in written and not isinstance(written["free"], bool):
                continue  # free: yes is text to YAML 1.2: the schema says so, at the word
            path: tuple[str | int, ...] = ("methods", i, "fee")
            if fee.free and fee.amount:
                why = "vừa ghi miễn phí vừa ghi số tiền"
            elif not fee.free and fee.amount is None and not council_sets_fee(fee.note):
                # “Mức lệ phí do Hội đồng nhân dân tỉnh quyết định” is how the law
                # states a fee whose amount each province sets: the sheet prints the note.
                why = "chưa ghi số tiền hay miễn phí"
            elif fee.amount is not None and fee.amount < 0:
                why, path = "có số tiền âm", (*path, "amount")
            elif isinstance(fee.amount, float) and fee.currency == "VND":
                # YAML reads 50.000 as 50.0: a dot in an amount of đồng is a
                # thousands separator or a fraction, wrong either way.
                why = f"ghi số tiền có dấu chấm, YAML đọc thành {fee.amount:g} đồng (đồng không có phần lẻ; 50.000 đồng viết là 50000)"
                path = (*path, "amount")
            if why:
                yield self.finding(proc.file, path, code=proc.code, channel=method.channel, why=why)


@register
class FeeFreeByCouncil(_ProcedureRule):
    id = "fee-free-council"
    title = "Ghi miễn phí nhưng mức thu do Hội đồng nhân dân tỉnh quyết định"
    message = "Phí, lệ phí của kênh “{channel}” ghi miễn phí (free: true), nhưng ghi chú nói mức thu do Hội đồng nhân dân tỉnh quyết định (“{clause}”); tờ niêm yết sẽ in “Miễn phí”."
    fix = "Bỏ free: true và ghi số tiền theo nghị quyết của Hội đồng nhân dân tỉnh (amount, basis: số nghị quyết); chưa có mức thu thì chỉ giữ ghi chú: fee: {{note: Mức lệ phí do Hội đồng nhân dân tỉnh quyết định}}."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            fee = method.fee
            if fee is None or fee.free is not True or fee.amount is not None:
                continue  # free and an amount both: fee-invalid says so
            clause = council_sets_fee(fee.note)
            if clause and not waived_first(fee.note):
                yield self.finding(
                    proc.file, ("methods", i, "fee", "free"), code=proc.code,
                    channel=method.channel, clause=text.clip(clause, 80),
                )


def _sums(values: list[float]) -> set[float]:
    """Every total of some of ``values``: a fee of 500.000 đồng may be 400.000 đồng of phí and 100.000 of lệ phí."""
    totals: set[float] = set()
    for value in values[:12]:
        totals |= {value} | {value + total for total in totals}
    return totals


@register
class FeeNoteAmount(_ProcedureRule):
    id = "fee-note-amount"
    severity = Severity.WARNING
    title = "Số tiền khác số tiền viết trong ghi chú"
    message = "Phí, lệ phí của kênh “{channel}” ghi số tiền {amount} đồng nhưng ghi chú viết {written}; tờ niêm yết in cả hai."
    fix = "Sửa amount hoặc ghi chú cho khớp văn bản quy định phí; nếu ghi chú nói về một khoản khác (phí cấp bản sao…), ghi rõ tên khoản đó."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        for i, method in enumerate(proc.methods):
            fee = method.fee
            if fee is None or fee.amount is None or fee.currency != "VND" or not fee.note:
                continue
            written = note_amounts(fee.note)
            if written and fee.amount not in _sums([value for _, value in written]):
                yield self.finding(
                    proc.file, ("methods", i, "fee", "amount"), code=proc.code, channel=method.channel,
                    amount=f"{fee.amount:,.0f}".replace(",", "."),
                    written=", ".join(f"“{as_written}”" for as_written, _ in written),
                )


@functools.cache
def _schema_currencies() -> frozenset[str]:
    """The currencies the procedure schema accepts, so that the two cannot drift."""
    from tthc import schema  # not at the top: tthc.schema imports this package

    fee = schema.schema("procedure")["$defs"]["fee"]
    return frozenset(fee["properties"]["currency"]["enum"])


@register
class FeeCurrency(_ProcedureRule):
    id = "fee-currency"
    severity = Severity.WARNING
    title = "Phí, lệ phí không tính bằng đồng"
    message = "Phí, lệ phí kênh “{channel}” tính bằng {currency}; thủ tục cấp tỉnh, cấp xã thu bằng đồng."
    fix = "Kiểm tra lại văn bản quy định phí; nếu đúng là ngoại tệ, giữ nguyên."

    def check_procedure(self, proc: Procedure, catalogue: Catalogue) -> Iterator[Finding]:
        allowed = _schema_currencies()
        for i, method in enumerate(proc.methods):
            # A currency the schema refuses (EUR) is its error; this warning at
            # the same place would claim it and let the catalogue pass.
            if method.fee and method.fee.currency != "VND" and method.fee.currency in allowed and not _abroad(method):
                yield self.finding(
                    proc.file, ("methods", i, "fee", "currency"), code=proc.code,
                    channel=method.channel, currency=method.fee.currency,
                )


_ABROAD = ("co quan dai dien", "nuoc ngoai")
"""Places whose fees the law sets in foreign currency: Vietnam's missions abroad (the Ministry of Finance's fee table for them)."""


def _abroad(method: Method) -> bool:
    """A method offered at a mission abroad, which collects in the currency its fee table names."""
    place = text.fold(method.place)
    return any(word in place for word in _ABROAD)
