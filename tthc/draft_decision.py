"""The province's draft announcement decision from ``tthc upstream``, and with ``--apply`` the national content in the catalogue.

A ministry announces; the province must follow with its own decision listing
the procedures it adopts, amends and abolishes (NĐ 63/2010, Điều 15). What
``tthc upstream`` found (:class:`tthc.upstream.UpstreamReport`) is that list,
so it is written as a decision file marked ``draft: true``: a provisional
number ``DU-THAO-<date>``, no signing date nor date of entry into force, each
procedure ``by`` the ministry's decision. ``tthc diff`` renders its annex like
any decision's, and ``tthc validate`` warns that it is not signed.

With ``apply`` the national records are written into the catalogue as
``tthc import --update`` writes them (:mod:`tthc.portal_import`: new files,
legal components updated, the province's own keys kept), citing the draft in
place of the ministry's decision. A draft is never in force, so each amended
file keeps what it replaces under ``previous`` (``{decision: DU-THAO-…,
<component>: <value in force>}``) for the notice board, and an abolished
procedure keeps its file until the signed decision takes effect.

Nothing is invented: what only the signed decision gives (number, dates) is
left out and named in the notes. Every file is planned and checked for links
before the first is written; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tthc import collation, fmt, layout, portal, portal_import, text
from tthc.editorial import LEGAL_COMPONENTS
from tthc.import_rows import CREATED, SKIPPED, UNCHANGED, UPDATED
from tthc.model import COMPONENTS, Catalogue
from tthc.portal_import import PlannedWrite
from tthc.record_diff import compare_procedures
from tthc.records import build_procedure
from tthc.upstream import Item, UpstreamReport
from tthc.wording import date_text

__all__ = ["PREVIOUS_KEYS", "Draft", "DraftResult", "plan_draft", "write_draft"]

DRAFT_PREFIX = "DU-THAO-"

PREVIOUS_KEYS = (
    "name", "kind", "level", "steps", "methods", "dossier", "subjects", "agencies", "results", "requirements",
    "legal_basis", "forms",
)  # fmt: skip
"""The top-level components a ``previous`` entry may keep, as the procedure file names them."""

_GROUP_TITLES = {"new": "mới ban hành", "amended": "được sửa đổi, bổ sung", "abolished": "bị bãi bỏ"}


@dataclass(frozen=True)
class Draft:
    """What ``--draft-decision`` (and ``--apply``) would write; nothing is written yet."""

    number: str
    """The provisional number, ``DU-THAO-YYYYMMDD`` (``-2`` … when taken)."""
    path: Path
    """The draft decision's file, ``decisions/<year>/<number>.yaml`` under the catalogue."""
    text: str
    """Its content; empty when nothing is to be announced (then nothing is written)."""
    writes: tuple[PlannedWrite, ...] = ()
    """The catalogue files ``--apply`` writes: new procedures, amended ones."""
    notes: tuple[str, ...] = ()
    """What planning noticed, for the user (records skipped, names to declare in tthc.yaml …)."""
    apply_notes: tuple[str, ...] = ()
    """Notes that hold only when the catalogue files are written."""


@dataclass(frozen=True)
class DraftResult:
    written: tuple[str, ...]
    """Paths relative to the catalogue root, the draft decision first."""
    notes: tuple[str, ...]
    """Vietnamese lines for the user: what to fill in, what to check."""


# --------------------------------------------------------------------------
# The draft's number and file
# --------------------------------------------------------------------------


def _number(root: Path, catalogue: Catalogue, today: dt.date) -> str:
    """``DU-THAO-<today>``, or with ``-2``, ``-3`` … when a decision or a file already has it."""
    base = f"{DRAFT_PREFIX}{today:%Y%m%d}"
    taken = set(catalogue.decisions_by_number())
    folder = root / layout.DECISIONS
    files = {p.stem for p in folder.glob("*/*") if p.suffix in layout.YAML_SUFFIXES} if folder.is_dir() else set()
    n = 1
    while (number := base if n == 1 else f"{base}-{n}") in taken or number in files:
        n += 1
    return number


# --------------------------------------------------------------------------
# The catalogue files (--apply)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Applied:
    writes: tuple[PlannedWrite, ...]
    components: dict[str, tuple[str, ...]]
    """Per amended code, the legal components its file changes."""
    notes: tuple[str, ...]
    apply_notes: tuple[str, ...]


def _legal(components: Iterable[str]) -> tuple[str, ...]:
    """Legal components in the order of the national record (the decision's ``components``)."""
    wanted = set(components) & LEGAL_COMPONENTS
    return tuple(c for c in COMPONENTS if c in wanted)


_TOP_KEYS = {"time": "methods", "fee": "methods"}
"""Components that live inside a top-level one of the file."""


def _with_previous(source: str, content: str, number: str, components: Iterable[str]) -> str:
    """The planned file with what it replaces kept under ``previous``, for as long as the draft is not in force.

    Only the top-level components that change in law are kept: a list the
    record merely orders otherwise is not a change (:mod:`tthc.record_diff`).
    """
    kept = fmt.yaml_rt().load(source)
    tops = {_TOP_KEYS.get(c, c) for c in components}
    changed = [k for k in PREVIOUS_KEYS if k in tops and isinstance(kept, CommentedMap) and k in kept]
    if not changed:
        return content
    data = fmt.yaml_rt().load(content)
    entry = CommentedMap([("decision", number), *((k, kept[k]) for k in changed)])
    previous = data.get("previous")
    if isinstance(previous, list):
        previous.append(entry)
    else:
        data["previous"] = CommentedSeq([entry])
    return fmt.format_text(fmt.dumped(data), "procedure")


def _apply(root: Path, catalogue: Catalogue, items: Sequence[Item], number: str, sources: str) -> _Applied:
    """The files ``--apply`` writes for the items to adopt and amend, as ``tthc import --update`` plans them."""
    with_record = [item for item in items if item.record is not None]
    notes = [
        f"Thủ tục {item.code} ({item.name}): nguồn không có nội dung đầy đủ của thủ tục; nhập bằng `tthc import`"
        " hoặc soạn bằng `tthc new procedure`."
        for item in items
        if item.record is None
    ]
    overrides: dict[str, dict[str, Any]] = {}
    field_map: dict[str, str] = {}
    for item in with_record:
        assert item.record is not None
        values: dict[str, Any] = {"decisions": [number]}
        if item.national is not None and item.national.levels:
            values["level"] = list(item.national.levels)
        overrides[item.code] = overrides[portal.clean(item.record.get("ma_thu_tuc", ""))] = values
        national_field = portal.clean(item.record.get("linh_vuc", ""))
        if national_field and item.field in catalogue.settings.fields:
            field_map[national_field] = item.field
    records = [dict(item.record) for item in with_record if item.record is not None]
    origin = f"Nhập từ Cổng Dịch vụ công quốc gia{f' ({sources})' if sources else ''} bằng `tthc upstream --apply`, theo dự thảo {number}."
    report, planned = portal_import.plan(
        root, catalogue, records, sources or "tthc upstream", update=True, field_map=field_map, overrides=overrides,
        origin=origin,
    )
    by_code = catalogue.by_code()
    amended = {item.code for item in with_record if item.group == "amend"}
    writes: list[PlannedWrite] = []
    components: dict[str, tuple[str, ...]] = {}
    apply_notes: list[str] = []
    reviews = 0
    for record, write in zip(
        (r for r in report.records if r.status in (CREATED, UPDATED)), planned, strict=True
    ):
        reviews += len(record.reviews)
        if write.new:
            writes.append(write)
            continue
        proc = by_code[record.code]
        source = write.path.read_text("utf-8-sig")
        before = build_procedure(proc.file, yaml.safe_load(source))
        after = build_procedure(proc.file, yaml.safe_load(write.content))
        changed = _legal(c.component for c in compare_procedures(before, after) if not c.editorial)
        components[record.code] = changed
        writes.append(PlannedWrite(write.path, _with_previous(source, write.content, number, changed), False))
        if changed:
            apply_notes.append(
                f"Thủ tục {record.code}: nội dung đang áp dụng được giữ ở previous (quyết định {number}) cho đến khi"
                " quyết định có hiệu lực; tệp mang nội dung mới."
            )
    for record in report.records:
        if record.status == SKIPPED:
            notes.append(f"Thủ tục {record.code or record.name}: không ghi được nội dung ({record.reason}).")
        elif record.status == UNCHANGED and record.code in amended:
            notes.append(f"Thủ tục {record.code}: bản ghi quốc gia không làm đổi tệp {record.file}; kiểm tra lại.")
    if report.unknown_fields:
        blocks = "; ".join(f"{i} ({n})" for n, i in report.unknown_fields.items())
        notes.append(f"Lĩnh vực chưa khai báo trong tthc.yaml (thêm vào fields rồi chạy lại): {blocks}.")
    if report.unknown_agencies:
        blocks = "; ".join(f"{i} ({n})" for n, i in report.unknown_agencies.items())
        notes.append(f"Cơ quan chưa khai báo trong tthc.yaml (chưa ghi vào thủ tục; thêm vào agencies): {blocks}.")
    if reviews:
        apply_notes.append(
            f"Xem lại {reviews} giá trị có chú thích “{portal_import.REVIEW}” trong các tệp thủ tục (so với văn bản nguồn)."
        )
    return _Applied(tuple(writes), components, tuple(notes), tuple(apply_notes))


# --------------------------------------------------------------------------
# The decision
# --------------------------------------------------------------------------


def _lower_first(name: str) -> str:
    return name[0].lower() + name[1:] if len(name) > 1 and not name[1].isupper() else name


def _title(groups: Sequence[str], fields: Sequence[str], authority: str, province: str) -> str:
    listed = [_GROUP_TITLES[g] for g in groups]
    what = ", ".join(listed[:-1]) + " và " + listed[-1] if len(listed) > 1 else listed[0]
    where = ""
    if fields:
        names = ", ".join(_lower_first(f) for f in fields)
        where = f" trong {'các lĩnh vực' if len(fields) > 1 else 'lĩnh vực'} {names}"
    area = authority.removeprefix("Ủy ban nhân dân ").strip() if authority.startswith("Ủy ban nhân dân ") else province
    place = f" áp dụng trên địa bàn {area}" if area else ""
    return text.nfc(f"Về việc công bố Danh mục thủ tục hành chính {what}{where}{place}")


def _issuer(authority: str) -> str:
    """The chairman of the People's Committee announces (NĐ 63/2010, Điều 15)."""
    return text.nfc(f"Chủ tịch {authority}" if authority.startswith("Ủy ban nhân dân") else authority)


def _entry(item: Item, components: tuple[str, ...] = ()) -> CommentedMap:
    entry = CommentedMap([("code", DoubleQuotedScalarString(item.code))])
    name = item.name or (item.province.name if item.province else "") or (item.national.name if item.national else "")
    if name:
        entry["name"] = text.nfc(name)
    if item.announced_by:
        entry["by"] = ", ".join(item.announced_by)
    if components:
        seq = CommentedSeq(components)
        seq.fa.set_flow_style()
        entry["components"] = seq
    if item.effective is not None:
        entry["by_effective"] = DoubleQuotedScalarString(item.effective.isoformat())
    return entry


def _field_names(items: Iterable[Item], catalogue: Catalogue) -> list[str]:
    fields = catalogue.settings.fields
    names = {(fields[i.field].name if i.field in fields and fields[i.field].name else i.field) for i in items}
    return sorted((text.nfc(n) for n in names if n), key=collation.sort_key)


def _decision_text(
    number: str,
    groups: Mapping[str, list[CommentedMap]],
    catalogue: Catalogue,
    items: Sequence[Item],
    today: dt.date,
    sources: str,
) -> str:
    settings = catalogue.settings
    present = [g for g in ("new", "amended", "abolished") if groups[g]]
    data = CommentedMap()
    data["number"] = number
    data["title"] = _title(present, _field_names(items, catalogue), settings.authority, settings.province)
    data["issuer"] = _issuer(settings.authority) or "CẦN ĐIỀN"
    data["draft"] = True
    ministry = sorted({n for item in items for n in item.announced_by}, key=collation.sort_key)
    if ministry:
        data["legal_basis"] = CommentedSeq(CommentedMap([("number", n), ("type", "Quyết định")]) for n in ministry)
    for group in present:
        data[group] = CommentedSeq(groups[group])
    data.yaml_set_start_comment(
        "\n".join(
            [
                f"DỰ THẢO quyết định công bố thủ tục hành chính, lập ngày {date_text(today)} bằng"
                " `tthc upstream --draft-decision`",
                f"{f'từ {sources}. ' if sources else ''}Chưa ký nên chưa có hiệu lực.",
                "Trước khi trình ký: kiểm tra trích yếu (title), căn cứ (legal_basis) và danh mục thủ tục.",
                f"Khi đã ký: thay số tạm {number} bằng số quyết định (ở tệp này, ở decisions và previous của các"
                " thủ tục),",
                "đổi tên tệp theo số mới, điền signed và effective (năm-tháng-ngày), rồi xóa dòng draft: true.",
            ]
        )
        + "\n"
    )
    return fmt.format_text(fmt.dumped(data), "decision")


def _sources(report: UpstreamReport) -> str:
    return ", ".join(dict.fromkeys(scope.source for scope in report.scopes))


def plan_draft(root: Path, catalogue: Catalogue, report: UpstreamReport, *, today: dt.date) -> Draft:
    """The draft decision of what ``report`` asks the province to announce, and the files ``--apply`` writes.

    Procedures only the province has, or that tthc.yaml says to skip, are
    not announced. An amended procedure is listed with the legal components
    its file changes (as ``tthc diff --require-decisions`` counts them) and
    those the comparison found; one whose national content changes nothing
    legal is left out, with a note.
    """
    number = _number(root, catalogue, today)
    path = root / layout.decision_file(number, str(today.year))
    adopt, amend, abolish = (sorted(report.group(g), key=lambda i: i.code) for g in ("adopt", "amend", "abolish"))
    sources = _sources(report)
    applied = _apply(root, catalogue, [*adopt, *amend], number, sources)
    notes = list(applied.notes)
    groups: dict[str, list[CommentedMap]] = {"new": [], "amended": [], "abolished": []}
    listed: list[Item] = []
    for item in adopt:
        groups["new"].append(_entry(item))
        listed.append(item)
    for item in amend:
        components = _legal([*(c.component for c in item.changes if not c.editorial), *applied.components.get(item.code, ())])
        if not components:
            notes.append(f"Thủ tục {item.code}: không có thay đổi pháp lý so với bản quốc gia; không đưa vào dự thảo.")
            continue
        groups["amended"].append(_entry(item, components))
        listed.append(item)
    for item in abolish:
        groups["abolished"].append(_entry(item))
        listed.append(item)
        where = f" (tệp {item.province.file})" if item.province is not None else ""
        notes.append(
            f"Thủ tục {item.code}{where} bị bãi bỏ theo dự thảo: giữ tệp đến khi quyết định có hiệu lực rồi xóa"
            " (tthc validate sẽ nhắc)."
        )
    for item in listed:
        if not item.announced_by:
            notes.append(f"Thủ tục {item.code}: nguồn không nêu quyết định công bố của Bộ; điền “by” trong dự thảo.")
    if not listed:
        return Draft(number, path, "", notes=tuple(notes))
    content = _decision_text(number, groups, catalogue, listed, today, sources)
    return Draft(number, path, content, applied.writes, tuple(notes), applied.apply_notes)


def write_draft(root: Path, draft: Draft, *, apply: bool) -> DraftResult:
    """Write the draft decision, and with ``apply`` the catalogue files; every path is checked before the first write.

    A link on any path raises :class:`tthc.atomic.LinkOnWritePath` before
    anything is written. A draft file that appeared meanwhile stops
    everything (:class:`tthc.scaffold.ScaffoldError`); a procedure file that
    cannot be written is named in the notes.
    """
    from tthc import scaffold

    if not draft.text:
        return DraftResult((), (*draft.notes, "Không có thủ tục nào cần công bố (mới, sửa đổi, bãi bỏ): không lập dự thảo."))
    decision = PlannedWrite(draft.path, draft.text, True)
    files = (decision, *draft.writes) if apply else (decision,)
    portal_import.check_writes(root, files)
    scaffold.create(decision.path, decision.content, root)
    failed = portal_import.write_planned(root, files[1:])
    written = tuple(w.path.relative_to(root).as_posix() for w in files)
    written = tuple(p for p in written if p not in failed)
    rel = written[0]
    notes = [
        f"Đã ghi dự thảo quyết định {rel} (draft: true, chưa có hiệu lực).",
        f"Khi quyết định được ký: điền số quyết định (thay {draft.number} ở tệp dự thảo và ở decisions, previous của"
        " các thủ tục; đổi tên tệp theo số mới), ngày ký (signed), ngày có hiệu lực (effective), rồi xóa dòng"
        " draft: true.",
        "Kiểm tra trích yếu (title), cơ quan ban hành (issuer) và căn cứ (legal_basis) do tthc điền sẵn.",
        *draft.notes,
    ]
    if apply:
        notes += [f"Đã ghi nội dung quốc gia vào {len(written) - 1} tệp thủ tục."] if len(written) > 1 else []
        notes += draft.apply_notes
        notes += [f"Không ghi được {path}: {why}" for path, why in sorted(failed.items())]
    elif draft.writes:
        notes.append(
            "Chưa ghi nội dung thủ tục vào danh mục: chạy lại với --apply, hoặc sửa các tệp thủ tục cho khớp dự thảo"
            " (tthc validate báo thủ tục mới chưa có tệp)."
        )
    return DraftResult(written, tuple(text.nfc(n) for n in notes))
