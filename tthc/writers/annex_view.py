"""The annex of an announcement decision as plain data, for the HTML and Word writers.

Staff recognise the annex by its shape (DOMAIN.md section 3; e.g. QĐ
3218/QĐ-UBND Quảng Bình): "Phụ lục", the title "DANH MỤC THỦ TỤC HÀNH CHÍNH
…", then Phần I with three lists: 1. new procedures, 2. amended or replaced,
3. abolished. Lists 1 and 2 have the columns Số TT | Tên TTHC | Thời hạn giải
quyết | Địa điểm thực hiện | Phí, lệ phí | Căn cứ pháp lý | Cơ quan thực hiện;
list 3 has Số TT | Mã TTHC | Tên TTHC | Tên VBQPPL quy định việc bãi bỏ | Lĩnh
vực | Cơ quan thực hiện. Rows are grouped by level (A. cấp tỉnh, B. cấp xã …),
lists 1 and 2 also by field (I. Lĩnh vực …), numbered from 1 in each level,
and in Vietnamese alphabetical order. Building the view once keeps the two
writers identical in content; only the markup differs.

Only legal amendments go into list 2: an editorial edit is not announced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tthc import collation, text
from tthc.changes import Amended, ChangeSet, Replaced
from tthc.model import LEVELS, Catalogue, Decision, LegalRef, Procedure, Settings
from tthc.wording import (
    capitalised,
    date_in_words,
    date_text,
    duration_statement,
    fee_statement,
    per_channel,
    procedure_key,
    roman,
)
from tthc.writers.base import settings_of

MAIN_COLUMNS = (
    "Số TT",
    "Tên thủ tục hành chính",
    "Thời hạn giải quyết",
    "Địa điểm thực hiện",
    "Phí, lệ phí",
    "Căn cứ pháp lý",
    "Cơ quan thực hiện",
)
ABOLISHED_COLUMNS = (
    "Số TT",
    "Mã TTHC",
    "Tên thủ tục hành chính",
    "Tên VBQPPL quy định việc bãi bỏ thủ tục hành chính",
    "Lĩnh vực",
    "Cơ quan thực hiện",
)
LIST_TITLES = (
    "Danh mục thủ tục hành chính mới ban hành",
    "Danh mục thủ tục hành chính được sửa đổi, bổ sung, thay thế",
    "Danh mục thủ tục hành chính bị bãi bỏ",
)
LETTERS = "ABCDEFGHIJ"
PORTAL_HOST = "dichvucong.gov.vn"


@dataclass
class Row:
    number: int
    code: str
    name: str
    note: str = ""
    """Under the name: what changed, or which procedure it replaces."""
    time: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    fee: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    agency: list[str] = field(default_factory=list)
    repealed_by: str = ""
    field_name: str = ""


@dataclass
class FieldGroup:
    numeral: str
    title: str
    rows: list[Row]


@dataclass
class LevelGroup:
    letter: str
    title: str
    fields: list[FieldGroup]

    @property
    def rows(self) -> list[Row]:
        return [row for f in self.fields for row in f.rows]


@dataclass
class AnnexList:
    number: int
    title: str
    abolished: bool
    groups: list[LevelGroup]

    @property
    def columns(self) -> tuple[str, ...]:
        return ABOLISHED_COLUMNS if self.abolished else MAIN_COLUMNS

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


@dataclass
class Annex:
    heading: str
    title: str
    attached: str
    lists: list[AnnexList]
    authority: str = ""
    note: str = ""

    @property
    def empty(self) -> bool:
        return all(lst.count == 0 for lst in self.lists)


def build(changes: ChangeSet) -> Annex:
    """The annex for a change set: what a legal officer would type into the decision."""
    settings = settings_of(changes)
    old_settings = changes.before.settings if changes.before is not None else settings
    legal_texts = _legal_texts(c for c in (changes.before, changes.after) if c is not None)

    new_rows = [(p, "") for p in changes.new]
    amended_rows: list[tuple[Procedure, str]] = []
    for item in changes.amended:
        if item.legal:
            amended_rows.append((item.new, _amended_note(item)))
    for rep in changes.replaced:
        amended_rows.append((rep.new, _replaced_note(rep)))

    lists = [
        AnnexList(1, LIST_TITLES[0], False, _main_groups(new_rows, settings, legal_texts)),
        AnnexList(2, LIST_TITLES[1], False, _main_groups(amended_rows, settings, legal_texts)),
        AnnexList(3, LIST_TITLES[2], True, _abolished_groups(changes, old_settings, legal_texts)),
    ]
    fields = _fields_named([p for p, _ in new_rows + amended_rows] + list(changes.abolished), settings, old_settings)
    groups = [
        label
        for label, lst in zip(
            ("MỚI BAN HÀNH", "ĐƯỢC SỬA ĐỔI, BỔ SUNG, THAY THẾ", "BỊ BÃI BỎ"), lists, strict=True
        )
        if lst.count
    ]
    said = ", ".join(groups[:-1]) + (" VÀ " if len(groups) > 1 else "") + groups[-1] if groups else ""
    title = "DANH MỤC THỦ TỤC HÀNH CHÍNH " + said
    if len(fields) == 1:
        title += " TRONG LĨNH VỰC " + fields[0].upper()
    elif fields:  # field names hold commas themselves ("Phổ biến, giáo dục pháp luật")
        title += " TRONG CÁC LĨNH VỰC: " + "; ".join(f.upper() for f in fields)
    if settings.province:
        title += f" ÁP DỤNG TRÊN ĐỊA BÀN TỈNH {settings.province.upper()}"
    return Annex(
        heading="Phụ lục",
        title=text.nfc(" ".join(title.split())),
        attached=text.nfc(_attached(changes.announcing(), settings)),
        lists=lists,
        authority=text.nfc(settings.authority),
        note=(
            "Nội dung cụ thể của từng thủ tục hành chính được công khai trên Cơ sở dữ liệu quốc gia về"
            " thủ tục hành chính (Cổng Dịch vụ công quốc gia)."
        ),
    )


def _legal_texts(catalogues: Iterable[Catalogue]) -> dict[str, LegalRef]:
    """Every legal text cited anywhere, by folded number: to name a bare number fully."""
    out: dict[str, LegalRef] = {}
    for catalogue in catalogues:
        for proc in catalogue.procedures:
            for ref in proc.legal_basis:
                key = text.fold(ref.number).replace(" ", "")
                if ref.type and key not in out:
                    out[key] = ref
    return out


def _amended_note(item: Amended) -> str:
    names = "; ".join(_label(c) for c in item.components(legal_only=True) if c != "code")
    note = f"Nội dung sửa đổi, bổ sung: {names}." if names else ""
    if item.code_assigned:
        note = (note + " " if note else "") + f"(Trước đây mã tạm {item.old.code}.)"
    return note


def _replaced_note(rep: Replaced) -> str:
    note = f"Thay thế thủ tục “{rep.old.name}” (mã {rep.old.code})"
    if rep.by:
        note += f" theo {rep.by}"
    if rep.guessed:
        note += " (tthc đoán theo tên gần giống: cần xác nhận)"
    return note + "."


def _label(component: str) -> str:
    from tthc.model import COMPONENTS

    return COMPONENTS.get(component, component)


def _level_order(level: str) -> tuple[int, str]:
    return (LEVELS.index(level) if level in LEVELS else len(LEVELS), level)


def _level_title(level: str) -> str:
    lowered = level[:1].lower() + level[1:] if level else "khác"
    return text.nfc(f"Thủ tục hành chính {lowered}")


def _levels(proc: Procedure) -> tuple[str, ...]:
    """A procedure performed at several levels is listed under each, as the annexes do."""
    return proc.levels or ("",)


def _main_groups(
    rows: list[tuple[Procedure, str]], settings: Settings, legal_texts: dict[str, LegalRef]
) -> list[LevelGroup]:
    by_level: dict[str, list[tuple[Procedure, str]]] = {}
    for proc, note in rows:
        for level in _levels(proc):
            by_level.setdefault(level, []).append((proc, note))
    groups: list[LevelGroup] = []
    for i, level in enumerate(sorted(by_level, key=_level_order)):
        by_field: dict[str, list[tuple[Procedure, str]]] = {}
        for proc, note in by_level[level]:
            by_field.setdefault(_field_name(proc, settings), []).append((proc, note))
        number = 0
        fields: list[FieldGroup] = []
        for j, name in enumerate(sorted(by_field, key=collation.sort_key)):
            out_rows: list[Row] = []
            for proc, note in sorted(by_field[name], key=lambda pn: procedure_key(pn[0])):
                number += 1
                out_rows.append(_main_row(number, proc, note, settings, legal_texts))
            fields.append(FieldGroup(roman(j + 1), f"Lĩnh vực {name}", out_rows))
        groups.append(LevelGroup(LETTERS[i], _level_title(level), fields))
    return groups


def _abolished_groups(
    changes: ChangeSet, settings: Settings, legal_texts: dict[str, LegalRef]
) -> list[LevelGroup]:
    by_level: dict[str, list[Procedure]] = {}
    for proc in changes.abolished:
        for level in _levels(proc):
            by_level.setdefault(level, []).append(proc)
    decisions = list(reversed(changes.after.decisions_in_order())) if changes.after is not None else []
    groups: list[LevelGroup] = []
    for i, level in enumerate(sorted(by_level, key=_level_order)):
        rows: list[Row] = []
        for n, proc in enumerate(sorted(by_level[level], key=procedure_key), 1):
            rows.append(
                Row(
                    number=n,
                    code=proc.code,
                    name=text.nfc(proc.name),
                    repealed_by=text.nfc(_legal_name(_repealed_by(proc.code, decisions), legal_texts)),
                    field_name=text.nfc(_field_name(proc, settings)),
                    agency=_agencies(proc, settings),
                )
            )
        groups.append(LevelGroup(LETTERS[i], _level_title(level), [FieldGroup("", "", rows)]))
    return groups


def _repealed_by(code: str, decisions: list[Decision]) -> str:
    for decision in decisions:
        for entry in decision.abolished:
            if entry.code == code and entry.by:
                return entry.by
        for rep in decision.replaced:
            if rep.old == code and rep.by:
                return rep.by
    return ""


_TYPES_BY_SYMBOL = (
    ("/QĐ-", "Quyết định"),
    ("/NĐ-CP", "Nghị định"),
    ("/NQ-", "Nghị quyết"),
    ("/TTLT-", "Thông tư liên tịch"),
    ("/TT-", "Thông tư"),
    ("/CT-", "Chỉ thị"),
)


def _legal_name(number: str, legal_texts: dict[str, LegalRef]) -> str:
    """A legal text named fully when some record cites it, else by the type its symbol shows."""
    if not number:
        return ""
    ref = legal_texts.get(text.fold(number).replace(" ", ""))
    if ref is not None:
        return _basis_line(ref)
    upper = text.nfc(number).upper()
    for symbol, kind in _TYPES_BY_SYMBOL:
        if symbol in upper:
            return f"{kind} số {number}"
    return number


def _field_name(proc: Procedure, settings: Settings) -> str:
    known = settings.fields.get(proc.field)
    return known.name if known and known.name else proc.field


def _fields_named(procs: list[Procedure], settings: Settings, old_settings: Settings) -> list[str]:
    names = {_field_name(p, settings) if p.field in settings.fields else _field_name(p, old_settings) for p in procs}
    return sorted((n for n in names if n), key=collation.sort_key)


def _agencies(proc: Procedure, settings: Settings) -> list[str]:
    out = []
    for ref in proc.agencies.performing:
        agency = settings.agencies.get(ref)
        out.append(text.nfc(agency.name if agency else ref))
    return out


def _main_row(
    number: int, proc: Procedure, note: str, settings: Settings, legal_texts: dict[str, LegalRef]
) -> Row:
    return Row(
        number=number,
        code=proc.code,
        name=text.nfc(proc.name),
        note=text.nfc(note),
        time=[text.nfc(t) for t in _per_channel(proc, "time")],
        place=[text.nfc(p) for p in _places(proc, settings)],
        fee=[text.nfc(f) for f in _per_channel(proc, "fee")],
        basis=[text.nfc(_basis_line(ref)) for ref in proc.legal_basis],
        agency=_agencies(proc, settings),
    )


def _per_channel(proc: Procedure, what: str) -> list[str]:
    """One value when every channel agrees (the usual case), else one line per channel."""
    said: list[tuple[str, str]] = []
    for method in proc.methods:
        if what == "time":
            value = duration_statement(method.time)
            local = duration_statement(method.local_time)
            if local:
                value += f" (tỉnh cam kết: {local})"
        else:
            value = fee_statement(method.fee)
        said.append((method.channel, value or "Không quy định"))
    return per_channel(said)


def _places(proc: Procedure, settings: Settings) -> list[str]:
    """Where a citizen performs it, per channel, as list decisions write "Địa điểm thực hiện"."""
    offices = []
    for ref in proc.agencies.performing:
        agency = settings.agencies.get(ref)
        if agency is not None:
            offices.append(agency.address or agency.name)
    out = []
    for method in proc.methods:
        channel = text.fold(method.channel)
        if channel == "truc tiep":
            out.append("Trực tiếp" + (f" tại {'; '.join(offices)}" if offices else ""))
        elif channel == "buu chinh":
            out.append("Qua dịch vụ bưu chính công ích")
        elif channel == "truc tuyen":
            level = f" ({method.online})" if method.online else ""
            host = urlsplit(method.url).hostname or ""
            where = "Cổng Dịch vụ công quốc gia" if host.endswith(PORTAL_HOST) or not host else host
            out.append(f"Trực tuyến{level} trên {where}")
        else:
            out.append(capitalised(method.channel))
    return out


def _basis_line(ref: LegalRef) -> str:
    """"Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014", "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015"."""
    date = f" ngày {date_text(ref.date)}" if ref.date else ""
    title = ref.title.strip()
    if title and ref.type and text.fold(title).startswith(text.fold(ref.type)):
        return f"{title} số {ref.number}{date}"  # a law is cited by its name: "Luật Hộ tịch số …"
    # Other texts by type, number and date only: the cell stays short enough to read in print.
    return f"{ref.type} số {ref.number}{date}" if ref.type else f"{ref.number}{date}"


def _attached(decisions: tuple[Decision, ...], settings: Settings) -> str:
    issuer = f"Chủ tịch {settings.authority}" if settings.authority else "Chủ tịch Ủy ban nhân dân tỉnh"
    if len(decisions) == 1:
        d = decisions[0]
        return f"(Kèm theo Quyết định số {d.number} {date_in_words(d.signed)} của {d.issuer or issuer})"
    if len(decisions) > 1:
        return "(Kèm theo các Quyết định số " + ", ".join(d.number for d in decisions) + f" của {issuer})"
    return f"(Kèm theo Quyết định số        /QĐ-UBND {date_in_words(None)} của {issuer})"
