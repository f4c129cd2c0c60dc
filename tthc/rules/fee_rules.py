"""Rules about a procedure's fees (phí, lệ phí): what the posting sheet prints in its fee column.

The sheet prints “Miễn phí”, an amount in đồng, or a fee's note where the law
leaves the amount to the provincial council (HĐND); a fee whose parts say two
different things (exempt, yet set by the council; 20.000 đồng, yet “15.000
đồng/lần” in its note) would tell citizens something untrue.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from tthc import text
from tthc.findings import Finding, Severity, register
from tthc.model import Catalogue, Procedure
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


_COUNCIL = re.compile(r"hội đồng nhân dân|hđnd", re.IGNORECASE)
_WAIVED = re.compile(r"miễn|không thu", re.IGNORECASE)


def council_sets_fee(note: str) -> str:
    """The clause of ``note`` that names the provincial council as setting the fee, or "".

    “Mức lệ phí do Hội đồng nhân dân tỉnh quyết định”, “theo Nghị quyết của
    HĐND tỉnh”: the amount is the council's, and a note saying so states the
    fee as the law does when each province sets its own amount.
    """
    for clause in re.split(r"[;\n]|\.(?!\d)", text.nfc(note)):
        if _COUNCIL.search(clause):
            return " ".join(clause.split())
    return ""


def council_states_fee(note: str) -> bool:
    """Whether ``note`` gives the fee as the council's before it writes any amount.

    “Mức lệ phí do HĐND tỉnh quyết định; … bản sao 8.000 đồng/bản” is a fee
    stated by its note (the amount is for copies); “50.000 đồng theo Nghị
    quyết của HĐND tỉnh” is an amount with its source.
    """
    clause = council_sets_fee(note)
    if not clause:
        return False
    amount = _NOTE_AMOUNT.search(text.nfc(note))
    return amount is None or " ".join(text.nfc(note).split()).find(clause) < amount.start()


def _waived_first(note: str) -> bool:
    """Whether ``note`` states an exemption before it names the council.

    “Miễn lệ phí khi đăng ký đúng hạn; các trường hợp khác theo mức do HĐND
    tỉnh quyết định” is a free procedure with exceptions; “Miễn lệ phí theo
    Nghị quyết của HĐND tỉnh” an exemption the council granted. “Mức lệ phí do
    HĐND tỉnh quyết định; miễn cho hộ nghèo” is a fee with exemptions.
    """
    council = _COUNCIL.search(text.nfc(note))
    return council is not None and _WAIVED.search(text.nfc(note)[: council.start()]) is not None


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
            if clause and not _waived_first(fee.note):
                yield self.finding(
                    proc.file, ("methods", i, "fee", "free"), code=proc.code,
                    channel=method.channel, clause=text.clip(clause, 80),
                )


_NOTE_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[. ]\d{3})+|\d+)(?:,(\d+))?\s*(nghìn|ngàn|triệu)?\s*(?:đồng|vnđ|vnd|đ)(?!\w)",
    re.IGNORECASE,
)
_SCALE = {"nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}


def note_amounts(note: str) -> list[tuple[str, float]]:
    """(as written, in đồng) of every amount of money a fee's note writes: “15.000 đồng/lần”, “1,5 triệu đồng”."""
    found = []
    for match in _NOTE_AMOUNT.finditer(text.nfc(note)):
        whole, fraction, scale = match.group(1), match.group(2) or "", (match.group(3) or "").casefold()
        if fraction and not scale and len(fraction) == 3:
            whole, fraction = whole + fraction, ""  # 15,000 đồng: a thousands comma
        value = float(f"{re.sub(r'[. ]', '', whole)}.{fraction or 0}") * _SCALE.get(scale, 1)
        found.append((" ".join(match.group(0).split()), value))
    return found


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
            if method.fee and method.fee.currency != "VND" and method.fee.currency in allowed:
                yield self.finding(
                    proc.file, ("methods", i, "fee", "currency"), code=proc.code,
                    channel=method.channel, currency=method.fee.currency,
                )
