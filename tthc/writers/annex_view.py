"""The annex of an announcement decision as plain data, for the HTML and Word writers.

Staff recognise the annex by its shape (DOMAIN.md section 3; e.g. QĐ
3218/QĐ-UBND Quảng Bình): "Phụ lục", a title naming the groups the decision
holds ("DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH VÀ BỊ BÃI BỎ …"), then

- Phần I, the lists present, numbered in turn: new procedures; amended or
  replaced; abolished. The first two have the columns Số TT | Tên TTHC | Thời
  hạn giải quyết | Địa điểm thực hiện | Phí, lệ phí | Căn cứ pháp lý | Cơ quan
  thực hiện; the abolished list has Số TT | Mã TTHC | Tên TTHC | Tên VBQPPL
  quy định việc bãi bỏ | Lĩnh vực | Cơ quan thực hiện. Rows are grouped by
  level (A. cấp tỉnh, B. cấp tỉnh và cấp xã …: a procedure performed at two
  levels is one row, its agencies named per level), the first two lists also
  by field (I. Lĩnh vực …), numbered from 1 in each level, in Vietnamese
  alphabetical order. An amended, replaced or abolished row names the legal
  text that made the change (``by`` in the decision file).
- Phần II, the full content of each new, amended or replaced procedure in the
  order and headings of the national record (Trình tự thực hiện … Căn cứ pháp
  lý), in the order of Phần I: a province must publish it for the procedures
  it sets out itself, and a reader checks the list against it.

Building the view once keeps the two writers identical in content; only the
markup differs. Every value is worded by :mod:`tthc.wording`.

Only legal amendments are announced: an editorial edit is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tthc import collation, text
from tthc.changes import Amended, ChangeSet, Replaced
from tthc.model import COMPONENTS, LEVELS, Catalogue, Decision, LegalRef, Method, Procedure, Settings
from tthc.wording import (
    ROLE_LABELS,
    UNSTATED,
    channel_label,
    date_in_words,
    duration_statement,
    fee_statement,
    joined,
    legal_ref_full,
    legal_ref_short,
    legal_type_of,
    levels_text,
    per_channel,
    procedure_key,
    quantity_text,
    roman,
    sets_text,
    where_text,
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
METHOD_COLUMNS = ("Hình thức nộp", "Thời hạn giải quyết", "Phí, lệ phí", "Địa điểm, mô tả")
DOSSIER_COLUMNS = ("STT", "Tên giấy tờ", "Mẫu đơn, tờ khai", "Số lượng")
CONTENT_TITLES = (
    "Trình tự thực hiện",
    "Cách thức thực hiện",
    "Thành phần, số lượng hồ sơ",
    "Thời hạn giải quyết",
    "Đối tượng thực hiện",
    "Cơ quan thực hiện",
    "Kết quả thực hiện",
    "Phí, lệ phí",
    "Tên mẫu đơn, mẫu tờ khai",
    "Yêu cầu, điều kiện thực hiện",
    "Căn cứ pháp lý",
)
"""Phần II's headings for each procedure, in the order of the national record (TT 02/2017/TT-VPCP)."""
PART_ONE = "Phần I. Danh mục thủ tục hành chính"
PART_TWO = "Phần II. Nội dung cụ thể của từng thủ tục hành chính"
NOTHING = "Không có thủ tục hành chính mới ban hành, được sửa đổi, bổ sung, thay thế hoặc bị bãi bỏ."
LETTERS = "ABCDEFGHIJ"
PORTAL_HOST = "dichvucong.gov.vn"


@dataclass
class Table:
    """A small table inside Phần II (the channels of a procedure, one case of its dossier)."""

    kind: str
    """"methods" or "dossier": how a writer sizes the columns."""
    columns: tuple[str, ...]
    rows: list[list[list[str]]]
    """Rows of cells; a cell is its lines."""


@dataclass
class Block:
    """One piece of a Phần II section: a sub-heading, lines of text, or a table."""

    heading: str = ""
    lines: list[str] = field(default_factory=list)
    table: Table | None = None
    bullets: bool = False
    """Lines that are items of a list, printed "- …" as decisions print them."""


@dataclass
class Section:
    number: int
    title: str
    blocks: list[Block]


@dataclass
class Row:
    number: int
    code: str
    name: str
    note: str = ""
    """Under the name: what changed, or which procedure it replaces."""
    by: str = ""
    """Under the note: the legal text that made the amendment or the replacement."""
    time: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    fee: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    agency: list[str] = field(default_factory=list)
    repealed_by: str = ""
    field_name: str = ""
    content: list[Section] = field(default_factory=list)
    """Phần II: the procedure in full (empty for an abolished one)."""


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

    @property
    def content_title(self) -> str:
        """The list's heading in Phần II: "Thủ tục hành chính mới ban hành"."""
        return self.title.replace("Danh mục thủ tục", "Thủ tục", 1)


@dataclass
class Annex:
    heading: str
    title: str
    attached: str
    lists: list[AnnexList]
    """Only the lists that hold a procedure, numbered in turn."""
    authority: str = ""
    part_one: str = PART_ONE
    part_two: str = PART_TWO
    nothing: str = NOTHING

    @property
    def empty(self) -> bool:
        return not self.lists

    @property
    def contents(self) -> list[AnnexList]:
        """The lists whose procedures Phần II gives in full: new, amended or replaced."""
        return [lst for lst in self.lists if not lst.abolished]


def build(changes: ChangeSet) -> Annex:
    """The annex for a change set: what a legal officer would type into the decision."""
    settings = settings_of(changes)
    old_settings = changes.before.settings if changes.before is not None else settings
    legal_texts = _legal_texts(c for c in (changes.before, changes.after) if c is not None)
    decisions = _decisions(changes)

    gone = _abolished(changes)
    new_rows = [(p, "", "") for p in changes.new]
    amended = [item for item in changes.amended if item.legal]
    amended_rows = [(item.new, _amended_note(item), _by_line(item, decisions, legal_texts)) for item in amended]
    replaced_rows = [(rep.new, _replaced_note(rep), _replaced_by(rep, decisions, legal_texts)) for rep in changes.replaced]

    candidates = [
        ("mới ban hành", new_rows, False),
        (_second_list(bool(amended), bool(changes.replaced)), amended_rows + replaced_rows, False),
        ("bị bãi bỏ", [], True),
    ]
    lists: list[AnnexList] = []
    for kind, rows, abolished in candidates:
        if abolished:
            groups = _abolished_groups(gone, old_settings, decisions, legal_texts)
        else:
            groups = _main_groups(rows, settings, legal_texts)
        if groups:
            lists.append(AnnexList(len(lists) + 1, f"Danh mục thủ tục hành chính {kind}", abolished, groups))
    said = [
        label
        for label, present in (
            ("MỚI BAN HÀNH", changes.new),
            ("ĐƯỢC SỬA ĐỔI, BỔ SUNG", amended),
            ("ĐƯỢC THAY THẾ", changes.replaced),
            ("BỊ BÃI BỎ", gone),
        )
        if present
    ]
    title = "DANH MỤC THỦ TỤC HÀNH CHÍNH " + joined(said, "VÀ")
    fields = _fields_named(
        [p for p, _, _ in new_rows + amended_rows + replaced_rows] + gone, settings, old_settings
    )
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
    )


def list_groups(catalogue: Catalogue, procedures: Iterable[Procedure]) -> list[LevelGroup]:
    """Phần I's level and field groups for procedures in force, without notes: the province's list (:mod:`tthc.danh_muc`)."""
    return _main_groups([(p, "", "") for p in procedures], catalogue.settings, _legal_texts([catalogue]))


def _second_list(amended: bool, replaced: bool) -> str:
    if amended and replaced:
        return "được sửa đổi, bổ sung, thay thế"
    return "được thay thế" if replaced else "được sửa đổi, bổ sung"


def _decisions(changes: ChangeSet) -> list[Decision]:
    """Where a change's legal text is looked up: the announcing decisions first, then the newest."""
    announcing = list(changes.announcing())
    recorded = list(reversed(changes.after.decisions_in_order())) if changes.after is not None else []
    return announcing + [d for d in recorded if d not in announcing]


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
    names = "; ".join(COMPONENTS.get(c, c) for c in item.components(legal_only=True) if c != "code")
    note = f"Nội dung sửa đổi, bổ sung: {names}." if names else ""
    if item.code_assigned:
        note = (note + " " if note else "") + f"(Trước đây mã tạm {item.old.code}.)"
    return note


def _by_line(item: Amended, decisions: list[Decision], legal_texts: dict[str, LegalRef]) -> str:
    by = next((e.by for d in decisions for e in d.amended if e.code == item.code and e.by), "")
    return f"Văn bản quy định nội dung sửa đổi, bổ sung: {_legal_name(by, legal_texts)}." if by else ""


def _replaced_note(rep: Replaced) -> str:
    note = f"Thay thế thủ tục “{rep.old.name}” (mã {rep.old.code})"
    if rep.guessed:
        note += " (tthc đoán theo tên gần giống: cần xác nhận)"
    return note + "."


def _replaced_by(rep: Replaced, decisions: list[Decision], legal_texts: dict[str, LegalRef]) -> str:
    by = rep.by or _repealed_by(rep.old.code, decisions)
    return f"Văn bản quy định việc thay thế: {_legal_name(by, legal_texts)}." if by else ""


def _level_key(levels: tuple[str, ...]) -> tuple[int, int, tuple[str, ...]]:
    first = min((LEVELS.index(lv) if lv in LEVELS else len(LEVELS) for lv in levels), default=len(LEVELS) + 1)
    return (first, len(levels), levels)


def _level_title(levels: tuple[str, ...]) -> str:
    return text.nfc(f"Thủ tục hành chính {levels_text(levels) or 'khác'}")


def _levels(proc: Procedure) -> tuple[str, ...]:
    """A procedure's levels in the order of :data:`LEVELS`: one group (and one row) per combination."""
    known = [lv for lv in LEVELS if lv in proc.levels]
    return (*known, *(lv for lv in proc.levels if lv not in LEVELS and lv))


def _main_groups(
    rows: list[tuple[Procedure, str, str]], settings: Settings, legal_texts: dict[str, LegalRef]
) -> list[LevelGroup]:
    by_level: dict[tuple[str, ...], list[tuple[Procedure, str, str]]] = {}
    for row in rows:
        by_level.setdefault(_levels(row[0]), []).append(row)
    groups: list[LevelGroup] = []
    for i, levels in enumerate(sorted(by_level, key=_level_key)):
        by_field: dict[str, list[tuple[Procedure, str, str]]] = {}
        for row in by_level[levels]:
            by_field.setdefault(_field_name(row[0], settings), []).append(row)
        number = 0
        fields: list[FieldGroup] = []
        for j, name in enumerate(sorted(by_field, key=collation.sort_key)):
            out_rows: list[Row] = []
            for proc, note, by in sorted(by_field[name], key=lambda r: procedure_key(r[0])):
                number += 1
                out_rows.append(_main_row(number, proc, note, by, settings, legal_texts))
            fields.append(FieldGroup(roman(j + 1), f"Lĩnh vực {name}", out_rows))
        groups.append(LevelGroup(LETTERS[i], _level_title(levels), fields))
    return groups


def _abolished(changes: ChangeSet) -> list[Procedure]:
    """Files removed, and the procedures a draft in the range abolishes: their files stay until it takes effect."""
    out = list(changes.abolished)
    present = changes.after.by_code() if changes.after is not None else {}
    for decision in changes.announcing():
        for entry in decision.abolished if decision.draft else ():
            if entry.code in present and all(p.code != entry.code for p in out):
                out.append(present[entry.code])
    return out


def _abolished_groups(
    abolished: list[Procedure], settings: Settings, decisions: list[Decision], legal_texts: dict[str, LegalRef]
) -> list[LevelGroup]:
    by_level: dict[tuple[str, ...], list[Procedure]] = {}
    for proc in abolished:
        by_level.setdefault(_levels(proc), []).append(proc)
    groups: list[LevelGroup] = []
    for i, levels in enumerate(sorted(by_level, key=_level_key)):
        rows: list[Row] = []
        for n, proc in enumerate(sorted(by_level[levels], key=procedure_key), 1):
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
        groups.append(LevelGroup(LETTERS[i], _level_title(levels), [FieldGroup("", "", rows)]))
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


def _legal_name(number: str, legal_texts: dict[str, LegalRef]) -> str:
    """A legal text named fully when some record cites it, else by the type its symbol shows."""
    if not number:
        return ""
    ref = legal_texts.get(text.fold(number).replace(" ", ""))
    if ref is not None:
        return legal_ref_short(ref.number, ref.type, ref.date, ref.title)
    return legal_ref_short(number, legal_type_of(number))


def _field_name(proc: Procedure, settings: Settings) -> str:
    known = settings.fields.get(proc.field)
    return known.name if known and known.name else proc.field


def _fields_named(procs: list[Procedure], settings: Settings, old_settings: Settings) -> list[str]:
    names = {_field_name(p, settings) if p.field in settings.fields else _field_name(p, old_settings) for p in procs}
    return sorted((n for n in names if n), key=collation.sort_key)


def _agency_names(refs: tuple[str, ...], settings: Settings) -> list[tuple[str, str]]:
    """(level, name) of each agency: the level the settings give it, empty when unknown."""
    out = []
    for ref in refs:
        agency = settings.agencies.get(ref)
        out.append((agency.level if agency else "", text.nfc(agency.name if agency else ref)))
    return out


def _agencies(proc: Procedure, settings: Settings) -> list[str]:
    """The performing agencies; for a procedure at several levels, one line per level ("Cấp xã: …")."""
    named = _agency_names(proc.agencies.performing, settings)
    levels = _levels(proc)
    if len(levels) < 2:
        return [name for _, name in named]
    out = []
    for level in levels:
        names = [name for lv, name in named if lv == level]
        if names:
            out.append(f"{level}: {'; '.join(names)}")
    return out + [name for lv, name in named if lv not in levels]


def _main_row(
    number: int, proc: Procedure, note: str, by: str, settings: Settings, legal_texts: dict[str, LegalRef]
) -> Row:
    return Row(
        number=number,
        code=proc.code,
        name=text.nfc(proc.name),
        note=text.nfc(note),
        by=text.nfc(by),
        time=[text.nfc(t) for t in _per_channel(proc, "time")],
        place=[text.nfc(_place(m, proc, settings)) for m in proc.methods],
        fee=[text.nfc(f) for f in _per_channel(proc, "fee")],
        basis=[text.nfc(legal_ref_short(r.number, r.type, r.date, r.title)) for r in proc.legal_basis],
        agency=_agencies(proc, settings),
        content=_content(proc, settings),
    )


def _time(method: Method) -> str:
    value = duration_statement(method.time)
    local = duration_statement(method.local_time)
    return value + (f" (tỉnh cam kết: {local})" if local else "")


def _per_channel(proc: Procedure, what: str) -> list[str]:
    """One value when every channel agrees (the usual case), else one line per channel."""
    said = [
        (m.channel, (_time(m) if what == "time" else fee_statement(m.fee)) or UNSTATED) for m in proc.methods
    ]
    return per_channel(said)


def _place(method: Method, proc: Procedure, settings: Settings) -> str:
    """Where a citizen performs it by this channel, as list decisions write "Địa điểm thực hiện"."""
    offices = []
    for ref in proc.agencies.performing:
        agency = settings.agencies.get(ref)
        if agency is not None:
            offices.append(agency.address or agency.name)
    host = urlsplit(method.url).hostname or ""
    site = "" if host.endswith(PORTAL_HOST) else host
    return where_text(method.channel, offices, method.online, site)


# --------------------------------------------------------------------------
# Phần II: one procedure in full
# --------------------------------------------------------------------------


def _lines(values: Iterable[str], empty: str = f"{UNSTATED}.", *, bullets: bool = False) -> list[Block]:
    said = [text.nfc(v) for v in values if v]
    return [Block(lines=said or [empty], bullets=bullets and len(said) > 1)]


def _content(proc: Procedure, settings: Settings) -> list[Section]:
    """The procedure as the national record gives it, headed and ordered as :data:`CONTENT_TITLES`."""
    steps_numbered = all(text.fold(s).startswith("buoc") for s in proc.steps)
    blocks = [
        _lines(proc.steps, bullets=not steps_numbered),
        _methods(proc, settings),
        _dossier(proc),
        _lines(_per_channel(proc, "time"), bullets=True),
        _lines(proc.subjects, bullets=True),
        _lines(
            (
                f"{label}: {'; '.join(name for _, name in _agency_names(getattr(proc.agencies, role), settings))}"
                for role, label in ROLE_LABELS.items()
                if getattr(proc.agencies, role)
            ),
            bullets=True,
        ),
        _lines(
            (
                r.name + (f" ({r.code})" if r.code else "") + (f"; mẫu: {r.template}" if r.template else "")
                for r in proc.results
            ),
            bullets=True,
        ),
        _lines(_per_channel(proc, "fee"), bullets=True),
        _lines(
            (f.name + (f" (ban hành kèm theo {f.source})" if f.source else "") for f in proc.forms),
            "Không có.",
            bullets=True,
        ),
        _lines(proc.requirements, "Không.", bullets=True),
        _lines((legal_ref_full(r.number, r.type, r.date, r.title) for r in proc.legal_basis), bullets=True),
    ]
    return [Section(n, title, b) for n, (title, b) in enumerate(zip(CONTENT_TITLES, blocks, strict=True), 1)]


def _methods(proc: Procedure, settings: Settings) -> list[Block]:
    if not proc.methods:
        return _lines(())
    rows = []
    for m in proc.methods:
        local = duration_statement(m.local_time)
        time = [duration_statement(m.time) or UNSTATED] + ([f"Tỉnh cam kết: {local}"] if local else [])
        where = [_place(m, proc, settings), m.place, m.online_reason, m.note]
        rows.append([[channel_label(m.channel)], time, [fee_statement(m.fee) or UNSTATED], where])
    return [Block(table=Table("methods", METHOD_COLUMNS, [[[text.nfc(v) for v in cell if v] for cell in row] for row in rows]))]


def _dossier(proc: Procedure) -> list[Block]:
    blocks: list[Block] = []
    for case in proc.dossier.cases:
        rows = [
            [[str(n)], [item.name, item.note], [item.form], [quantity_text(item.originals, item.copies)]]
            for n, item in enumerate(case.items, 1)
        ]
        table = Table("dossier", DOSSIER_COLUMNS, [[[text.nfc(v) for v in cell if v] for cell in row] for row in rows])
        blocks.append(Block(heading=text.nfc(case.case), table=table))
    sets = sets_text(proc.dossier.sets)
    if sets:
        blocks.append(Block(lines=[f"Số lượng hồ sơ: {sets}."]))
    return blocks or _lines(())


def _attached(decisions: tuple[Decision, ...], settings: Settings) -> str:
    issuer = f"Chủ tịch {settings.authority}" if settings.authority else "Chủ tịch Ủy ban nhân dân tỉnh"
    if len(decisions) == 1:
        d = decisions[0]
        number = "       /QĐ-UBND" if d.draft else d.number  # a draft's number is the one it is signed with
        return f"(Kèm theo Quyết định số {number} {date_in_words(d.signed)} của {d.issuer or issuer})"
    if len(decisions) > 1:
        return "(Kèm theo các Quyết định số " + ", ".join(d.number for d in decisions) + f" của {issuer})"
    return f"(Kèm theo Quyết định số        /QĐ-UBND {date_in_words(None)} của {issuer})"
