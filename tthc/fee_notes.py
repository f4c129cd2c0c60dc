"""What a fee's note says: that the provincial council sets the amount, and which amounts it writes.

A fee is often stated in words (“Mức lệ phí do Hội đồng nhân dân tỉnh quyết
định”, “15.000 đồng/lần”). The fee rules check a file's fee against its note,
and the importers read a cell the same way, so both ask this one module.
"""

from __future__ import annotations

import re

from tthc import text

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


def waived_first(note: str) -> bool:
    """Whether ``note`` states an exemption before it names the council.

    “Miễn lệ phí khi đăng ký đúng hạn; các trường hợp khác theo mức do HĐND
    tỉnh quyết định” is a free procedure with exceptions; “Miễn lệ phí theo
    Nghị quyết của HĐND tỉnh” an exemption the council granted. “Mức lệ phí do
    HĐND tỉnh quyết định; miễn cho hộ nghèo” is a fee with exemptions.
    """
    council = _COUNCIL.search(text.nfc(note))
    return council is not None and _WAIVED.search(text.nfc(note)[: council.start()]) is not None


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
