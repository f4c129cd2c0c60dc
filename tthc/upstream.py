"""What the ministries announced that the province has not adopted: the result of ``tthc upstream``, as data.

The old side is the province's catalogue, the new side the national record
restricted to the province's scope. Records say what a procedure contains;
only a ministry's complete list says what exists, so a procedure is "to
abolish" only inside the scope of such a list. Each item is in one of the
legal groups of an announcement decision, so that a draft decision can be
written from the report (:mod:`tthc.draft_decision`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from tthc import parallel, text
from tthc.changes import Change
from tthc.collation import sort_key, sort_vi
from tthc.fee_notes import council_sets_fee
from tthc.model import COMPONENTS, Catalogue, Duration, Fee, Method, Procedure
from tthc.portal import Converted, PortalError, Record, split_top, to_procedure
from tthc.record_diff import compare_procedures
from tthc.records import build_procedure
from tthc.settings_match import match_agencies
from tthc.wording import duration_text, fee_text

if TYPE_CHECKING:
    from tthc.upstream_sources import Source

__all__ = ["GROUPS", "Group", "Item", "NotCompared", "Problem", "Scope", "SourceKind", "UpstreamReport", "compare"]

Group = Literal["adopt", "amend", "abolish", "local", "skipped", "not_in_source"]
GROUPS: tuple[Group, ...] = ("adopt", "amend", "abolish", "local", "skipped", "not_in_source")
"""In the order a report lists them: what must be announced first."""

SourceKind = Literal["records", "list"]


@dataclass(frozen=True)
class Scope:
    """What one source covered: the report says it, so nobody reads silence as "nothing to do"."""

    source: str
    """The file as the user named it."""
    kind: SourceKind
    """``records`` (full content, says nothing of what was abolished) or ``list`` (complete: what exists)."""
    ministries: tuple[str, ...]
    fields: tuple[str, ...]
    """National field names, in Vietnamese alphabetical order."""
    levels: tuple[str, ...]
    """The province's levels that the source's procedures reach."""
    procedures: int
    """Entries in the source."""
    compared: int
    """Entries at the province's levels, the ones compared."""
    unknown_level: tuple[str, ...] = ()
    """Codes of a list whose level its agencies do not tell and no record gives: neither adopted nor guessed."""
    other_fields: tuple[str, ...] = ()
    """Fields of the source that tthc.yaml does not declare: outside the province's scope, not compared."""
    unreadable: tuple[str, ...] = ()
    """Records that could not be read as a procedure (no code, a code of the wrong form), each with why."""


@dataclass(frozen=True)
class Problem:
    """Not a difference but an error: a longer time than the national one, a fee other than a fixed national amount."""

    component: str
    """A key of :data:`tthc.model.COMPONENTS`."""
    path: str
    message: str


@dataclass(frozen=True)
class NotCompared:
    """A part of a procedure that the source does not say well enough to compare.

    The record leaves it empty (or "Không có thông tin"), or
    :func:`tthc.portal.to_procedure` read it only with a review mark: saying
    "the national record removed it" would be a guess.
    """

    path: str
    """As ``tthc diff`` names places: ``requirements``, ``methods[trực tuyến].time``."""
    reason: str


@dataclass(frozen=True)
class Item:
    """One procedure in one group."""

    group: Group
    code: str
    name: str
    ministry: str = ""
    field: str = ""
    """The province's field id when matched, else the national field name."""
    announced_by: tuple[str, ...] = ()
    """The ministry's announcement decisions (numbers) that the source names."""
    effective: dt.date | None = None
    """When the national change takes effect, where the source says it."""
    days_left: int | None = None
    """Days from the report's date to ``effective``; negative when overdue."""
    province: Procedure | None = None
    national: Procedure | None = None
    """The national record as a procedure, restricted to the province's levels."""
    changes: tuple[Change, ...] = ()
    """For ``amend``: per legal component, named as ``tthc diff`` names them (old = province, new = national)."""
    problems: tuple[Problem, ...] = ()
    reason: str = ""
    """Why skipped (from tthc.yaml), or why not compared."""
    record: Mapping[str, str] | None = None
    """The portal record itself, for ``--apply`` (written as ``tthc import`` writes it)."""
    not_compared: tuple[NotCompared, ...] = ()
    """What the source did not say well enough to compare (never reported as a difference)."""
    sources: tuple[str, ...] = ()
    """The sources that name the procedure."""


@dataclass(frozen=True)
class UpstreamReport:
    as_of: dt.date
    scopes: tuple[Scope, ...]
    items: tuple[Item, ...]
    """Overdue first, then by group, then code."""
    unchanged: tuple[Item, ...] = ()
    """Procedures compared with a record and found the same in every legal component (group ``amend``, no changes)."""
    dates_from: tuple[str, ...] = ()
    """Decision files that gave effective dates."""

    def group(self, name: Group) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.group == name)

    @property
    def actionable(self) -> bool:
        """Something to adopt, amend or abolish, or an error: what ``--exit-code`` turns into 1."""
        return any(item.group in ("adopt", "amend", "abolish") or item.problems for item in self.items)


# --------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------

LEGAL = ("name", "steps", "methods", "time", "fee", "dossier", "subjects", "agencies", "results", "requirements",
         "legal_basis")  # fmt: skip
"""The components an announcement decision amends (NĐ 63/2010, Điều 8), the ones compared."""

_PROVINCE_ONLY = re.compile(
    r"^methods\[[^\]]*\]\.(local_time|online|online_reason|url|note|place|legacy_level)$"
    r"|^dossier\..*\.(form|note)$|^legal_basis\[.*\]\.(title|date|type)$|^results\[.*\]\.template$"
    r"|^agencies\.(deciding|authorised|coordinating)$"
)
"""What a province writes for itself (its commitment, online service, forms, notes, other roles) or what the
portal words its own way (a legal text's title and date): never a difference."""

_MINISTRIES = {
    "BTP": "Bộ Tư pháp", "BCA": "Bộ Công an", "BTC": "Bộ Tài chính", "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BXD": "Bộ Xây dựng", "BGTVT": "Bộ Giao thông vận tải", "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "BYT": "Bộ Y tế", "BGDĐT": "Bộ Giáo dục và Đào tạo", "BNV": "Bộ Nội vụ", "BCT": "Bộ Công Thương",
    "BNG": "Bộ Ngoại giao", "BQP": "Bộ Quốc phòng", "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ", "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội", "BNN": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BTNMT": "Bộ Tài nguyên và Môi trường", "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BTTTT": "Bộ Thông tin và Truyền thông",
}  # fmt: skip
"""The issuer's abbreviation in a decision number (``163/QĐ-BTP``) → the ministry: records carry no ministry."""


def ministry_of(decisions: Sequence[str]) -> str:
    """The ministry that announced a procedure, from its decisions' numbers ("" when none says)."""
    for number in decisions:
        parts = number.split("/QĐ-", 1)
        if len(parts) == 2:
            issuer = parts[1].split("-")[0]
            return _MINISTRIES.get(issuer, issuer)
    return ""


@dataclass
class _National:
    """One national procedure as every source names it."""

    code: str
    name: str
    field: str
    levels: tuple[str, ...]
    ministry: str = ""
    decisions: tuple[str, ...] = ()
    converted: Converted | None = None
    record: Mapping[str, str] | None = None
    sources: list[str] = dataclasses.field(default_factory=list)
    listed: bool = False
    restricted: Procedure | None = None
    """The record at the province's levels (:func:`_procedure`), when the report needs it: made as it is read."""
    compared: tuple[list[Change], list[Problem], list[NotCompared]] | None = None
    """:func:`differences` from the province's procedure of this code, when it has one: made as it is read."""


def compare(
    catalogue: Catalogue, sources: Sequence[Source], *, today: dt.date, workers: parallel.Shared | None = None
) -> UpstreamReport:
    """The catalogue (old side) against the national record restricted to the province's scope (new side).

    ``workers`` is a pool the command shares between its steps (:func:`tthc.parallel.shared`); without one,
    a pool is started here when there are records enough to spread.
    """
    with contextlib.ExitStack() as stack:
        shared = workers or stack.enter_context(parallel.shared())
        return _compare(catalogue, sources, today, shared)


def _compare(catalogue: Catalogue, sources: Sequence[Source], today: dt.date, workers: parallel.Shared) -> UpstreamReport:
    settings = catalogue.settings
    ours = settings.levels or ("Cấp tỉnh", "Cấp xã")
    field_ids = {text.fold_memo(f.name): fid for fid, f in settings.fields.items()}
    nationals: dict[str, _National] = {}
    scopes: list[Scope] = []
    listed_fields: dict[str, str] = {}
    """Folded field → ministry, for every field a complete list covers."""
    dates: dict[str, dt.date] = {}
    province = catalogue.by_code()
    agency_ids: dict[str, str | None] = {}
    """Agency name in the records → its id in tthc.yaml: thousands of records name a few hundred agencies."""

    def prepare(national: _National) -> None:
        """What the report needs of a record, made while the workers convert the records after it."""
        proc = province.get(national.code)
        if proc is None and not _in_scope(national, ours, field_ids):
            return
        national.restricted = _procedure(national, ours, catalogue, field_ids, agency_ids)
        if proc is not None and national.restricted is not None and national.converted is not None:
            national.compared = differences(proc, national.restricted, national.converted, catalogue)

    for source in sources:
        if source.kind == "decision":
            dates.update((d.number, d.effective) for d in source.decisions if d.effective is not None)
        elif source.kind == "records":
            scopes.append(_read_records(source, nationals, ours, field_ids, workers, prepare))
        else:
            scopes.append(_read_list(source, nationals, ours, field_ids))
            listed_fields.update((text.fold_memo(e.field), e.ministry) for e in source.entries)
    in_scope = {code: n for code, n in nationals.items() if _in_scope(n, ours, field_ids)}
    items: list[Item] = []
    unchanged: list[Item] = []

    def dated(item: Item) -> Item:
        effective = min((dates[n] for n in item.announced_by if n in dates), default=None)
        if effective is None:
            return item
        return replace(item, effective=effective, days_left=(effective - today).days)

    for code, national in in_scope.items():
        if code in province:
            continue
        group: Group = "skipped" if code in settings.upstream_skip else "adopt"
        items.append(dated(Item(
            group, code, national.name, national.ministry, field_ids[text.fold_memo(national.field)],
            announced_by=national.decisions, record=national.record, sources=tuple(dict.fromkeys(national.sources)),
            national=national.restricted, reason=settings.upstream_skip.get(code, ""),
        )))  # fmt: skip
    for proc in catalogue.procedures:
        items_or_unchanged, item = _province_item(proc, nationals.get(proc.code), catalogue, listed_fields)
        (items if items_or_unchanged else unchanged).append(dated(item))
    # A code whose level a list does not tell matters only when the province lacks it.
    scopes = [replace(s, unknown_level=tuple(c for c in s.unknown_level if c not in province)) for s in scopes]
    order = {group: i for i, group in enumerate(GROUPS)}
    items.sort(key=lambda i: (not (i.days_left is not None and i.days_left < 0), order[i.group], sort_key(i.code)))
    unchanged.sort(key=lambda i: sort_key(i.code))
    return UpstreamReport(
        as_of=today, scopes=tuple(scopes), items=tuple(items), unchanged=tuple(unchanged),
        dates_from=tuple(s.name for s in sources if s.kind == "decision"),
    )  # fmt: skip


def _in_scope(national: _National, ours: Sequence[str], field_ids: Mapping[str, str]) -> bool:
    return text.fold_memo(national.field) in field_ids and bool(set(national.levels) & set(ours))


def _province_item(
    proc: Procedure, national: _National | None, catalogue: Catalogue, listed_fields: Mapping[str, str]
) -> tuple[bool, Item]:
    """The group of one of the province's procedures; False with an unchanged item when it matches its record."""
    item = Item("not_in_source", proc.code, proc.name, field=proc.field, province=proc)
    if national is not None:
        item = replace(item, ministry=national.ministry, announced_by=national.decisions, record=national.record,
                       sources=tuple(dict.fromkeys(national.sources)))  # fmt: skip
    if national is not None and national.converted is not None:
        assert national.compared is not None  # made as the record was read
        changes, problems, gaps = national.compared
        item = replace(item, group="amend", national=national.restricted, changes=tuple(changes), problems=tuple(problems),
                       not_compared=tuple(gaps))  # fmt: skip
        return bool(changes or problems), item
    if not CODE_NATIONAL.match(proc.code):
        return True, replace(item, group="local", reason="mã tạm của tỉnh, chưa có mã quốc gia")
    if national is not None:
        return True, replace(item, reason="có trong danh sách của Bộ nhưng không có bản ghi để so nội dung")
    field_name = _field_name(catalogue, proc.field)
    if field_name in listed_fields:
        ministry = listed_fields[field_name]
        reason = f"danh sách đầy đủ của {ministry or 'Bộ'} có lĩnh vực này nhưng không còn thủ tục này"
        return True, replace(item, group="abolish", ministry=ministry, reason=reason)
    return True, replace(item, reason="không nguồn nào nêu thủ tục này")


CODE_NATIONAL = re.compile(r"^\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?$")


def _field_name(catalogue: Catalogue, field_id: str) -> str:
    found = catalogue.settings.fields.get(field_id)
    return text.fold_memo(found.name) if found else ""


def _read_records(source: Source, nationals: dict[str, _National], ours: Sequence[str], field_ids: Mapping[str, str],
                  workers: parallel.Shared, prepare: Callable[[_National], None]) -> Scope:  # fmt: skip
    unreadable: list[str] = []
    for i, (record, conv) in enumerate(zip(source.records, _converted(source.records, workers), strict=True), 1):
        if isinstance(conv, str):
            unreadable.append(f"bản ghi thứ {i}: {conv}")
            continue
        levels = tuple(conv.data["level"])
        decisions = tuple(conv.upstream_decisions)
        known = nationals.get(conv.code)
        national = _National(conv.code, conv.data["name"], conv.field_name, levels, ministry_of(decisions), decisions,
                             conv, record, listed=known.listed if known else False)  # fmt: skip
        national.sources = [*(known.sources if known else []), source.name]
        if known is not None and known.ministry and not national.ministry:
            national.ministry = known.ministry
        nationals[conv.code] = national
        prepare(national)
    return _scope(source, "records", [n for n in nationals.values() if source.name in n.sources], ours, field_ids,
                  unreadable=tuple(unreadable))  # fmt: skip


def _converted(records: Sequence[Record], workers: parallel.Shared) -> Iterator[Converted | str]:
    """Each record as procedure data, or why it cannot be read, in order; in worker processes when there are many.

    Converting a record (:func:`tthc.portal.to_procedure`) is a millisecond of
    pure work on the record alone: on one core it was a third of the command
    at 10,000 records, while the other stood idle. Each chunk is given as soon
    as it is back, so that this process compares it while the workers convert
    the next ones.
    """
    pool = workers.get(len(records))
    if pool is None:
        yield from _convert_chunk(records)
        return
    yield from (conv for chunk in pool.map(_convert_chunk, parallel.chunks(records)) for conv in chunk)


def _convert_chunk(records: Sequence[Record]) -> list[Converted | str]:
    """A worker's part: the converted records, or the message of the error that kept each out."""
    out: list[Converted | str] = []
    for record in records:
        try:
            out.append(to_procedure(record))
        except PortalError as error:
            out.append(str(error))
    return out


def _read_list(source: Source, nationals: dict[str, _National], ours: Sequence[str],
               field_ids: Mapping[str, str]) -> Scope:  # fmt: skip
    unknown: list[str] = []
    for entry in source.entries:
        known = nationals.get(entry.code)
        if known is not None:  # a record says more than a list: its levels, its name
            known.listed = True
            known.sources.append(source.name)
            known.ministry = known.ministry or entry.ministry
            continue
        nationals[entry.code] = _National(entry.code, entry.name, entry.field, entry.levels, entry.ministry,
                                          sources=[source.name], listed=True)  # fmt: skip
        if not entry.levels and text.fold_memo(entry.field) in field_ids:
            unknown.append(entry.code)
    return _scope(source, "list", [n for n in nationals.values() if source.name in n.sources], ours, field_ids,
                  unknown_level=tuple(sorted(unknown, key=sort_key)))  # fmt: skip


def _scope(source: Source, kind: SourceKind, named: Sequence[_National], ours: Sequence[str],
           field_ids: Mapping[str, str], **extra: tuple[str, ...]) -> Scope:  # fmt: skip
    fields = sort_vi({n.field for n in named if n.field})
    return Scope(
        source=source.name, kind=kind,
        ministries=tuple(sort_vi({n.ministry for n in named if n.ministry})),
        fields=tuple(fields),
        levels=tuple(level for level in ours if any(level in n.levels for n in named)),
        procedures=len(source.records) if kind == "records" else len(source.entries),
        compared=sum(1 for n in named if text.fold_memo(n.field) in field_ids and set(n.levels) & set(ours)),
        other_fields=tuple(f for f in fields if text.fold_memo(f) not in field_ids),
        **extra,
    )  # fmt: skip


def _procedure(national: _National, ours: Sequence[str], catalogue: Catalogue,
               field_ids: Mapping[str, str], agency_ids: dict[str, str | None]) -> Procedure | None:  # fmt: skip
    """The record as a procedure at the province's levels, its field and agencies as tthc.yaml names them."""
    conv = national.converted
    if conv is None:
        return None
    data = dict(conv.data)
    data["level"] = [level for level in national.levels if level in ours]
    data["field"] = field_ids.get(text.fold_memo(national.field), data["field"])
    agencies = dict(data["agencies"])
    for role, ids in conv.data["agencies"].items():
        if isinstance(ids, list):
            agencies[role] = [_agency_id(conv.agency_names.get(str(i), str(i)), catalogue, agency_ids) or i for i in ids]
    data["agencies"] = agencies
    # A row for a mission abroad ("Tại cơ quan đại diện …") is not the province's to run.
    data["methods"] = [m for m in data["methods"] if not _ABROAD.search(text.fold_memo(str(m.get("place", ""))))]
    return build_procedure("", data)


def _agency_id(name: str, catalogue: Catalogue, known: dict[str, str | None]) -> str | None:
    if name not in known:
        found = match_agencies(name, catalogue)[0]
        known[name] = found[0] if len(found) == 1 else None
    return known[name]


def differences(
    old: Procedure, new: Procedure, conv: Converted, catalogue: Catalogue
) -> tuple[list[Change], list[Problem], list[NotCompared]]:
    """Differences in the legal components (old = province, new = national), errors, and what cannot be compared.

    A component the record leaves empty or marks for review is not compared
    (:class:`NotCompared`); the time and the fee of each channel are compared
    as the law allows a province to differ: a shorter committed time is its
    own, a longer one an error; an amount the provincial council sets is its
    own, any other amount than a fixed national one an error.
    """
    gaps = _gaps(new, conv, catalogue)
    changes: list[Change] = []
    # The portal splits subjects at every comma ("Cán bộ, công chức, viên chức"): both sides are read alike.
    split = replace(old, subjects=tuple(dict.fromkeys(s for each in old.subjects for s in split_top(each))))
    for change in compare_procedures(split, new):
        if change.component not in LEGAL or change.editorial or _PROVINCE_ONLY.match(change.path):
            continue
        if change.component in ("time", "fee") or (change.path == "dossier.sets" and new.dossier.sets is None):
            continue
        if change.path == "name" and _bare_name(old.name) == _bare_name(new.name):
            continue
        if not _covered(change.path, gaps):
            changes.append(change)
    problems: list[Problem] = []
    for mine in old.methods:
        where = f"methods[{mine.channel}]"
        if _covered(where, gaps):
            continue
        theirs = _counterpart(mine, new.methods)
        if isinstance(theirs, str):
            if theirs:
                gaps.extend(NotCompared(f"{where}.{key}", theirs) for key in ("time", "fee"))
            continue
        if not _covered(f"{where}.time", gaps):
            _time(mine, theirs, where, changes, problems, gaps)
        if not _covered(f"{where}.fee", gaps):
            _fee(mine, theirs, where, problems, gaps)
    order = {key: i for i, key in enumerate(COMPONENTS)}
    changes.sort(key=lambda c: order.get(c.component, len(order)))
    return changes, problems, gaps


_TITLE = re.compile(r"^thủ tục\s+", re.IGNORECASE)


def _bare_name(name: str) -> str:
    """A name without the "Thủ tục" the portal puts before some names, nor case or closing punctuation."""
    return text.fold_memo(_TITLE.sub("", name.strip()).rstrip(" .;"))


_ABROAD = re.compile(r"co quan dai dien|nuoc ngoai")


def _counterpart(mine: Method, methods: Sequence[Method]) -> Method | str:
    """The national row of the province's channel, or why none can be compared ("" when the channel is not there).

    A record may give one channel several rows, each for a place ("Tại Ủy ban nhân
    dân cấp xã …", "Tại cơ quan đại diện …"): the row of the province's place,
    else the one row left once missions abroad are set aside.
    """
    rows = [m for m in methods if m.channel == mine.channel]
    if not rows:
        return ""
    same = [m for m in rows if text.fold_memo(m.place) == text.fold_memo(mine.place)]
    if not same:
        same = [m for m in rows if not _ABROAD.search(text.fold_memo(m.place))]
    if len({(m.time, m.fee) for m in same}) == 1:
        return same[0]
    places = "; ".join(m.place or "(không ghi nơi)" for m in rows)
    return f"bản ghi quốc gia ghi riêng theo nơi nộp ({text.clip(places, 120)}): không rõ dòng nào của tỉnh"


def _covered(path: str, gaps: Sequence[NotCompared]) -> bool:
    return any(path == g.path or path.startswith((g.path + ".", g.path + "[")) for g in gaps)


_NOT_GIVEN = "bản ghi quốc gia không ghi (trống hoặc “Không có thông tin”)"


def _gaps(new: Procedure, conv: Converted, catalogue: Catalogue) -> list[NotCompared]:
    gaps: list[NotCompared] = []
    for component, empty in (
        ("steps", not new.steps), ("methods", not new.methods), ("dossier", not new.dossier.cases),
        ("subjects", not new.subjects), ("results", not new.results), ("requirements", not new.requirements),
        ("legal_basis", not new.legal_basis), ("agencies.performing", not new.agencies.performing),
    ):  # fmt: skip
        if empty:
            gaps.append(NotCompared(component, _NOT_GIVEN))
    undeclared = [conv.agency_names.get(a, a) for a in new.agencies.performing if a not in catalogue.settings.agencies]
    if undeclared:
        gaps.append(NotCompared(
            "agencies.performing", f"cơ quan chưa khai báo trong tthc.yaml: {'; '.join(sort_vi(undeclared))}"
        ))  # fmt: skip
    for mark in conv.marks:
        path = _mark_path(mark.path, conv.data)
        if path:
            gaps.append(NotCompared(path, f"{mark.reason} (nguồn: “{text.clip(mark.source, 80)}”)"))
    return list({g.path: g for g in gaps}.values())


def _mark_path(path: tuple[str | int, ...], data: Mapping[str, Any]) -> str:
    """A review mark's data path as the diff names the same place ("" for what is never compared)."""
    head, rest = str(path[0]), path[1:]
    if head not in LEGAL:
        return ""
    try:
        if head == "methods" and rest:
            method = data["methods"][rest[0]]
            return f"methods[{method['channel']}]" + (f".{rest[1]}" if len(rest) > 1 else "")
        if head == "dossier" and len(rest) >= 2 and rest[0] == "cases":
            case = data["dossier"]["cases"][rest[1]]
            where = f"dossier.cases[{case.get('case') or '-'}]"
            if len(rest) >= 4 and isinstance(rest[3], int) and rest[3] < len(case["items"]):
                if rest[-1] == "form":
                    return ""  # the form's file name is the province's to write
                return f"{where}.items[{case['items'][rest[3]]['name']}]"
            return where
        if head in ("results", "legal_basis") and rest and isinstance(rest[0], int) and rest[0] < len(data[head]):
            entry = data[head][rest[0]]
            return f"{head}[{entry.get('name') or entry.get('number')}]"
    except (KeyError, IndexError, TypeError):
        pass
    return head


def _time(mine: Method, theirs: Method, where: str, changes: list[Change], problems: list[Problem],
          gaps: list[NotCompared]) -> None:  # fmt: skip
    national = theirs.time
    if national is None or national.value is None or not national.unit:
        if mine.time is not None:
            gaps.append(NotCompared(f"{where}.time", "bản ghi quốc gia không ghi thời hạn đủ số và đơn vị"))
        return
    said = Duration(national.value, national.unit)
    if mine.time is None or (mine.time.value, text.fold_memo(mine.time.unit)) != (national.value, text.fold_memo(national.unit)):
        before = {"value": mine.time.value, "unit": mine.time.unit} if mine.time else None
        changes.append(Change("time", f"{where}.time", "added" if before is None else "changed", before,
                              {"value": national.value, "unit": national.unit}))  # fmt: skip
    committed, key = (mine.local_time, "local_time") if mine.local_time is not None else (mine.time, "time")
    if (committed is not None and committed.value is not None
            and text.fold_memo(committed.unit) == text.fold_memo(national.unit) and committed.value > national.value):  # fmt: skip
        problems.append(Problem(
            "time", f"{where}.{key}",
            f"thời hạn tỉnh cam kết ({duration_text(committed)}) dài hơn thời hạn quốc gia ({duration_text(said)}); "
            "tỉnh chỉ được rút ngắn.",
        ))  # fmt: skip


def _fee(mine: Method, theirs: Method, where: str, problems: list[Problem], gaps: list[NotCompared]) -> None:
    national = theirs.fee
    if national is None:
        if mine.fee is not None:
            gaps.append(NotCompared(f"{where}.fee", _NOT_GIVEN))
        return
    if council_sets_fee(national.note) or council_sets_fee(national.basis):
        return  # the provincial council sets the amount: the province's amount is its own
    if national.amount is None and not national.free:
        gaps.append(NotCompared(f"{where}.fee", "bản ghi quốc gia không ghi mức thu cố định"))
        return
    fee = mine.fee or Fee()
    if fee.amount is None and not fee.free:
        return  # the province states no amount: nothing to contradict the national one
    same = (fee.free or fee.amount == 0) if national.free else (
        fee.amount == national.amount and fee.currency == national.currency and not fee.free
    )
    if not same:
        problems.append(Problem(
            "fee", f"{where}.fee",
            f"phí, lệ phí của tỉnh ({fee_text(fee) or fee.note or 'không ghi'}) khác mức quốc gia cố định "
            f"({fee_text(national)}); chỉ mức do HĐND cấp tỉnh quyết định mới là của tỉnh.",
        ))  # fmt: skip
