"""Rules about announcement decisions and their consistency with the procedures.

A decision's lists are history, not the present: a procedure that a 2024
decision announced may have been abolished by a 2026 one. So the checks
replay the decisions in order of entry into force and compare the final state
of each code with the procedure files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import ClassVar

from tthc.findings import Finding, Rule, Severity, register
from tthc.layout import (
    CITED_NUMBER,
    DECISION_NUMBER,
    DRAFT_NUMBER,
    LEGAL_NUMBER,
    LEGAL_NUMBER_IN_TEXT,
    decision_file,
    decision_file_name,
    final_state,
)
from tthc.model import Catalogue, Decision, DecisionEntry, Replacement
from tthc.text import nfc
from tthc.timeline import pending_decisions
from tthc.wording import date_text, joined, legal_ref_short, legal_type_of


class _DecisionRule(Rule):
    tags: ClassVar[tuple[str, ...]] = ("decision",)


@register
class DecisionDuplicate(_DecisionRule):
    id = "decision-duplicate"
    title = "Quyết định bị trùng số"
    message = "Quyết định {number} đã có ở tệp {other}."
    fix = "Mỗi quyết định một tệp: gộp hoặc xóa tệp thừa."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        first: dict[str, str] = {}
        for dec in catalogue.decisions:
            if dec.number in first:
                yield self.finding(dec.file, ("number",), number=dec.number, other=first[dec.number])
            elif dec.number:
                first[dec.number] = dec.file


@register
class DecisionFileName(_DecisionRule):
    id = "decision-file-name"
    title = "Tên tệp quyết định không khớp số quyết định"
    message = "Quyết định {number} phải nằm ở tệp {expected}, không phải {actual}."
    fix = "Đổi tên (hoặc chuyển) tệp thành {expected}: số quyết định với “/” thay bằng “-”, trong thư mục năm ký."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        for dec in catalogue.decisions:
            if not (DRAFT_NUMBER if dec.draft else DECISION_NUMBER).match(dec.number):
                continue  # renaming the file after a malformed number would spread the mistake
            path = PurePosixPath(dec.file)
            wrong_name = path.stem + ".yaml" != decision_file_name(dec.number)
            wrong_year = dec.signed is not None and path.parent.name != str(dec.signed.year)
            if wrong_name or wrong_year:
                expected = decision_file(dec.number, str(dec.signed.year) if dec.signed else "<năm>")
                yield self.finding(dec.file, ("number",), number=dec.number, expected=expected, actual=dec.file)


@register
class DecisionDates(_DecisionRule):
    id = "decision-dates"
    title = "Ngày ký sau ngày hiệu lực"
    message = "Quyết định có hiệu lực ngày {effective} trước ngày ký {signed}."
    fix = "Ngày hiệu lực phải bằng hoặc sau ngày ký; kiểm tra lại signed và effective."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        for dec in catalogue.decisions:
            if dec.signed and dec.effective and dec.effective < dec.signed:
                yield self.finding(
                    dec.file,
                    ("effective",),
                    signed=date_text(dec.signed),
                    effective=date_text(dec.effective),
                )


@register
class DecisionUnknown(_DecisionRule):
    id = "decision-unknown"
    title = "Thủ tục dẫn quyết định không có trong danh mục"
    message = "Quyết định {number} không có trong thư mục decisions/."
    fix = "Thêm tệp decisions/<năm>/{file} cho quyết định này, hoặc sửa số quyết định."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        known = catalogue.decisions_by_number()
        for proc in catalogue.procedures:
            for i, number in enumerate(proc.decisions):
                # A malformed number (“10/QĐ-UBND ngày 01/8/2025”) is the schema's
                # finding; “add the file 10-QĐ-UBND ngày 01-8-2025.yaml” would mislead.
                if number not in known and CITED_NUMBER.match(number):
                    yield self.finding(
                        proc.file, ("decisions", i), code=proc.code, number=number, file=decision_file_name(number)
                    )


@register
class NotAnnounced(_DecisionRule):
    id = "procedure-not-announced"
    title = "Thủ tục chưa được quyết định nào công bố"
    message = "Không quyết định nào trong danh mục công bố thủ tục {code} (mới, sửa đổi hay thay thế)."
    fix = "Ghi thủ tục vào quyết định công bố tương ứng (new, amended hoặc replaced) hoặc thêm quyết định mới."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        # A code whose last word is abolition or replacement was announced once:
        # decision-abolished-present reports it, with the decision that removed it.
        # A code only a decision not yet in force names is pending, not unannounced.
        named = set(final_state(catalogue)) | {code for d in pending_decisions(catalogue) for code in d.codes()}
        for proc in catalogue.procedures:
            if proc.code and proc.code not in named:
                yield self.finding(proc.file, ("code",), code=proc.code)


@register
class DecisionNotCited(_DecisionRule):
    id = "decision-not-cited"
    severity = Severity.WARNING
    title = "Thủ tục chưa ghi quyết định đã công bố nó"
    message = "Quyết định {number} công bố thủ tục này nhưng decisions của thủ tục chưa ghi."
    fix = "Thêm {number} vào decisions."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        procedures = catalogue.by_code()
        for dec in catalogue.decisions:
            if not dec.number:
                continue  # no number to cite: the schema reports the decision's own
            codes = [e.code for e in (*dec.new, *dec.amended)] + [r.new for r in dec.replaced]
            for code in dict.fromkeys(codes):
                proc = procedures.get(code)
                if proc and dec.number not in proc.decisions:
                    yield self.finding(proc.file, ("decisions",), code=code, number=dec.number)


@register
class ListedMissing(_DecisionRule):
    id = "decision-code-missing"
    title = "Quyết định công bố thủ tục không có trong danh mục"
    message = "Quyết định công bố thủ tục {code} ({group}) nhưng danh mục không có tệp của thủ tục này."
    fix = "Thêm tệp procedures/<lĩnh vực>/{code}.yaml, hoặc ghi việc bãi bỏ/thay thế ở quyết định sau."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        procedures = catalogue.by_code()
        # A procedure file without a readable code (bad YAML, a list, a refused
        # link, no code: key) has its own finding; named after the code, it is
        # this procedure's file, and “the catalogue has no file” would be false.
        codeless = {
            PurePosixPath(doc.file).stem
            for doc in catalogue.documents.values()
            if doc.kind == "procedure" and doc.data is None
        } | {PurePosixPath(proc.file).stem for proc in catalogue.procedures if not proc.code}
        groups = {"new": "mới ban hành", "amended": "sửa đổi, bổ sung", "replaced": "thay thế"}
        for code, (status, dec, group, index) in final_state(catalogue).items():
            if status == "present" and code not in procedures and code not in codeless:
                path: tuple[str | int, ...] = (group, index, "new" if group == "replaced" else "code")
                yield self.finding(dec.file, path, code=code, group=groups[group])


@register
class AbolishedPresent(_DecisionRule):
    id = "decision-abolished-present"
    title = "Thủ tục đã bãi bỏ hoặc bị thay thế vẫn còn"
    message = "Thủ tục {code} đã bị {what} theo quyết định {number} nhưng tệp {file} vẫn còn."
    fix = "Xóa tệp {file} (lịch sử vẫn còn trong git), hoặc sửa quyết định."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        procedures = catalogue.by_code()
        for code, (status, dec, group, _index) in final_state(catalogue).items():
            proc = procedures.get(code)
            if status == "gone" and proc is not None:
                what = "bãi bỏ" if group == "abolished" else "thay thế"
                yield self.finding(proc.file, ("code",), code=code, what=what, number=dec.number, file=proc.file)


@register
class CancelsUnknown(_DecisionRule):
    id = "decision-cancels-unknown"
    severity = Severity.WARNING
    title = "Bãi bỏ quyết định không có trong danh mục"
    message = "Quyết định bãi bỏ {number}, nhưng {number} không có trong thư mục decisions/."
    fix = "Thêm quyết định {number} vào danh mục hoặc kiểm tra lại số."

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        known = catalogue.decisions_by_number()
        for dec in catalogue.decisions:
            for i, number in enumerate(dec.cancels):
                if number not in known:
                    yield self.finding(dec.file, ("cancels", i), number=number)


# --------------------------------------------------------------------------
# The national text behind each entry: cited, and in force after the province announced
# --------------------------------------------------------------------------


def _legal_numbers(value: str) -> list[str]:
    """The legal numbers a text names, NFC, case as written: “Nghị định 07/2025/NĐ-CP” → ["07/2025/NĐ-CP"]."""
    return LEGAL_NUMBER_IN_TEXT.findall(nfc(value))


def _texts_to_cite(catalogue: Catalogue) -> dict[str, dict[str, list[Decision]]]:
    """For each code, the legal numbers its decisions announced or amended it by, with those decisions.

    Replayed in order of entry into force, like :func:`tthc.layout.final_state`:
    an amendment of the legal basis itself (``components`` with ``legal_basis``)
    or a replacement rewrites the list, so a text that a later one superseded
    (a 2014 law replaced by a 2025 one) is no longer asked for; abolition ends
    it. A draft is not law yet, and a ``by`` that names no legal number cannot
    be compared.
    """
    texts: dict[str, dict[str, list[Decision]]] = {}

    def cite(code: str, by: str, dec: Decision) -> None:
        for number in _legal_numbers(by):
            texts.setdefault(code, {}).setdefault(number, []).append(dec)

    for dec in catalogue.decisions_in_order():
        if dec.draft:
            continue
        for entry in dec.new:
            cite(entry.code, entry.by, dec)
        for entry in dec.amended:
            if "legal_basis" in entry.components:
                texts.pop(entry.code, None)
            cite(entry.code, entry.by, dec)
        for rep in dec.replaced:
            texts.pop(rep.old, None)
            texts.pop(rep.new, None)
            cite(rep.new, rep.by, dec)
        for entry in dec.abolished:
            texts.pop(entry.code, None)
    return texts


@register
class LegalBasisMissingText(_DecisionRule):
    id = "legal-basis-missing-by"
    severity = Severity.WARNING
    title = "Căn cứ pháp lý thiếu văn bản mà quyết định công bố dựa vào"
    message = "Quyết định {decisions} công bố thủ tục {code} theo {text}, nhưng căn cứ pháp lý (legal_basis) của thủ tục chưa có văn bản này."
    fix = (
        "Thêm {text} vào legal_basis của thủ tục (number: {number}, ghi đúng như trên văn bản). Nếu văn bản này "
        "đã được văn bản khác thay thế, ghi việc sửa căn cứ pháp lý ở quyết định công bố sau (legal_basis trong components)."
    )

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        texts = _texts_to_cite(catalogue)
        for proc in catalogue.procedures:
            wanted = texts.get(proc.code)
            if not wanted:
                continue
            cited = {n for ref in proc.legal_basis for n in (nfc(ref.number).strip(), *_legal_numbers(ref.number))}
            for number, decisions in wanted.items():
                if number not in cited:
                    yield self.finding(
                        proc.file,
                        ("legal_basis",),
                        code=proc.code,
                        number=number,
                        text=_text_named(number),
                        decisions=joined(list(dict.fromkeys(d.number for d in decisions))),
                    )


def _text_named(by: str) -> str:
    """“Nghị định số 120/2025/NĐ-CP” for a bare number; a ``by`` that already names its text, as written."""
    by = nfc(by).strip()
    if not by:
        return "văn bản quy định"
    if LEGAL_NUMBER.match(by):
        kind = legal_type_of(by)
        return legal_ref_short(by, kind) if kind else f"văn bản {by}"
    return by


@register
class AnnouncedLate(_DecisionRule):
    id = "decision-announced-late"
    severity = Severity.WARNING
    title = "Quyết định công bố ký sau ngày văn bản quy định có hiệu lực"
    message = "Quyết định ký ngày {signed}, công bố thủ tục {code} chậm {days} ngày so với ngày {text} có hiệu lực ({effective})."
    fix = (
        "Quyết định công bố phải ký trước ngày văn bản quy định thủ tục có hiệu lực (Nghị định 63/2010/NĐ-CP, "
        "sửa đổi bởi Nghị định 92/2017/NĐ-CP); nếu ngày đã ghi sai, sửa signed hoặc by_effective."
    )

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        for dec in catalogue.decisions:
            if dec.signed is None:
                continue
            groups: tuple[tuple[str, tuple[DecisionEntry | Replacement, ...]], ...] = (
                ("new", dec.new), ("amended", dec.amended), ("replaced", dec.replaced), ("abolished", dec.abolished),
            )  # fmt: skip
            for group, entries in groups:
                for i, entry in enumerate(entries):
                    if entry.by_effective is None or dec.signed <= entry.by_effective:
                        continue
                    yield self.finding(
                        dec.file,
                        (group, i, "by_effective"),
                        code=entry.new if isinstance(entry, Replacement) else entry.code,
                        signed=date_text(dec.signed),
                        days=(dec.signed - entry.by_effective).days,
                        text=_text_named(entry.by),
                        effective=date_text(entry.by_effective),
                    )
