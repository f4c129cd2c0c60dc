"""What one spreadsheet row does to the catalogue: a new file, or an existing one changed in place.

A new file is the :mod:`tthc.scaffold` skeleton with the components the row
gave filled and the others left empty and marked ``# CẦN ĐIỀN``, so ``tthc
validate`` lists exactly what remains to be written; a value that could not
be read is kept verbatim in the comment beside its placeholder.

An existing file is only touched where a cell differs from what
:mod:`tthc.export` writes for it: a sheet is a lossy view of a file (one cell
for three channels, notes in parentheses, no fee basis), so the file, not the
sheet, is the truth for everything the sheet left as exported.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tthc import fmt, layout, scaffold, text, wording
from tthc.cells import (
    clean,
    crowded_legal_items,
    parse_decisions,
    parse_fee,
    parse_legal_basis,
    parse_list,
    parse_results,
    parse_steps,
    parse_time,
    split_channels,
    tidy,
)
from tthc.model import Catalogue, Procedure
from tthc.settings_match import match_agencies
from tthc.tables import Cell
from tthc.timeline import procedure_on_date

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
STATUS_LABELS = {CREATED: "tạo mới", UPDATED: "cập nhật", UNCHANGED: "không đổi", SKIPPED: "bỏ qua"}


@dataclass(frozen=True)
class RowReport:
    row: int
    """Row number in the sheet, as the spreadsheet program shows it."""
    status: str
    code: str = ""
    name: str = ""
    file: str = ""
    reason: str = ""
    """Why a row was skipped, or what was noticed (numbers read from number cells, components changed …)."""
    todo: tuple[str, ...] = ()
    """For a file created: the components still to be filled in, each with its line, as validate reports them."""


@dataclass
class Row:
    """One row of the sheet: its number as the spreadsheet shows it, and the cell of each component."""

    number: int
    values: dict[str, Cell]

    def text(self, key: str) -> str:
        cell = self.values.get(key)
        return clean(cell.value) if cell is not None else ""

    def lines(self, key: str) -> str:
        """The cell's text with its line breaks, which separate items in list cells."""
        value = self.values[key].value if key in self.values else None
        return tidy(value) if isinstance(value, str) else self.text(key)


_TODO_LABELS = {
    "level": "Cấp thực hiện", "decisions": "Số quyết định công bố", "steps": "Trình tự thực hiện",
    "time": "Thời hạn giải quyết", "fee": "Phí, lệ phí", "items": "Thành phần hồ sơ",
    "subjects": "Đối tượng thực hiện", "performing": "Cơ quan thực hiện", "results": "Kết quả thực hiện",
    "legal_basis": "Căn cứ pháp lý",
}  # fmt: skip
"""The Vietnamese name of each component a skeleton may leave marked, keyed as its line starts."""

_CHANNEL_COMPONENTS = {"time": "thời hạn", "local_time": "thời hạn cam kết", "fee": "phí, lệ phí"}
"""Components given per channel (in ``methods``), with how the report names them."""


def _in_person(row: Row, key: str, notes: list[str], remarks: dict[str, str]) -> dict[str, Any] | None:
    """The in-person value of a per-channel cell, for a new file (whose skeleton has that channel only)."""
    raw = row.text(key)
    if not raw:
        return None
    parts = split_channels(raw)
    label = _CHANNEL_COMPONENTS[key]
    if parts == {}:
        notes.append(f"{label} “{raw}” ghi một kênh hai lần; không đọc")
        remarks[key] = raw
        return None
    if parts is not None:
        in_person = ("trực tiếp", "")
        others = "; ".join(
            f"{wording.method_label(channel, place, str)}: {value}"
            for (channel, place), value in parts.items()
            if (channel, place) != in_person
        )
        if others:
            notes.append(f"tệp mới chỉ có kênh trực tiếp; {label} các kênh khác chưa ghi, thêm vào methods: {others}")
        if in_person not in parts:
            remarks[key] = raw
            return None
        raw = parts[in_person]
    parsed, why = (parse_fee if key == "fee" else parse_time)(raw)
    if parsed is None:
        notes.append(why)
        remarks[key] = raw
    return parsed


def create_file(
    root: Path,
    catalogue: Catalogue,
    row: Row,
    code: str,
    name: str,
    field_id: str,
    levels: tuple[str, ...],
    notes: list[str],
    dry_run: bool,
    reviews: Mapping[str, str] | None = None,
) -> RowReport:
    """A new file from a row; ``reviews`` are values not copied from their cell (key → why), marked beside them."""
    remarks: dict[str, str] = {}
    if not levels and "level" not in (reviews or {}):
        notes.append("thiếu cấp thực hiện")
    time = _in_person(row, "time", notes, remarks)
    fee = _in_person(row, "fee", notes, remarks)
    local_time = _in_person(row, "local_time", notes, remarks)
    decisions: list[str] = []
    if row.text("decisions"):
        decisions, why = parse_decisions(row.text("decisions"))
        if why:
            notes.append(why)
            remarks["decisions"] = row.text("decisions")
    legal: list[dict[str, str]] = []
    reviews = dict(reviews or {})
    if row.text("legal_basis"):
        legal, why = parse_legal_basis(row.text("legal_basis"))
        if why:
            notes.append(why)
            remarks["legal_basis"] = row.text("legal_basis")
        crowded = _crowded(row.text("legal_basis"), notes)
        if crowded and legal:
            reviews["legal_basis"] = crowded
    performing: list[str] = []
    if row.text("agencies"):
        performing, missing = match_agencies(row.lines("agencies"), catalogue)
        if missing:
            notes.append("cơ quan chưa khai báo trong tthc.yaml: " + "; ".join(f"“{m}”" for m in missing))
            remarks["agencies"] = row.text("agencies")
    fills: dict[str, Any] = {}
    if row.text("steps"):
        fills["steps"] = parse_steps(row.lines("steps"))
    if row.text("dossier"):
        fills["items"] = [{"name": item} for item in parse_list(row.lines("dossier"))]
    if row.text("subjects"):
        fills["subjects"] = parse_list(row.lines("subjects"))
    if row.text("results"):
        fills["results"] = parse_results(row.lines("results"))

    field_info = catalogue.settings.fields.get(field_id)
    info = scaffold.ProcedureInfo(
        code=code,
        name=name,
        field=field_id,
        levels=levels,
        field_name=field_info.name if field_info else "",
        decisions=tuple(decisions),
        time=time,
        fee=fee,
        performing=tuple(performing),
        legal_basis=tuple(legal),
        agency_ids=tuple(catalogue.settings.agencies),
        source_note=f"Nhập từ bảng tính (dòng {row.number}) bằng `tthc import`.",
        remarks=remarks,
    )

    def skipped(reason: str) -> RowReport:
        return RowReport(row.number, SKIPPED, code, name, reason=reason)

    try:
        target = layout.procedure_path(root, field_id, code)
        content = _fill(scaffold.procedure_text(info), fills, local_time, reviews)
    except layout.UnsafeName as error:
        return skipped(str(error))
    except fmt.FormatError as error:
        return skipped(f"không tạo được tệp: {error.message}")
    if not dry_run:
        try:
            scaffold.create(target, content, root)
        except scaffold.ScaffoldError as error:
            return skipped(str(error))
    todo = todo_lines(content)
    if code not in layout.final_state(catalogue):
        todo.append("Quyết định công bố: chưa quyết định nào trong danh mục ghi thủ tục này (new, amended hoặc replaced)")
    relative = target.relative_to(root).as_posix()
    return RowReport(row.number, CREATED, code, name, relative, "; ".join(notes), tuple(todo))


REVIEW = "XEM LẠI"
"""The mark beside a value the importer derived rather than copied from its cell (a level from the agency)."""


def _crowded(cell: str, notes: list[str]) -> str:
    """Report each legal-basis item holding several numbers; the mark to put beside ``legal_basis`` ("" if none)."""
    crowded = crowded_legal_items(cell)
    for item in crowded:
        notes.append(f"căn cứ pháp lý “{item}” có nhiều số, ký hiệu trong một mục: mỗi số ghi một văn bản, không ghi tên; xem lại")
    return "có mục ghi nhiều số, ký hiệu: mỗi số ghi một văn bản; xem lại" if crowded else ""


def _fill(
    skeleton: str, fills: Mapping[str, Any], local_time: Mapping[str, Any] | None, reviews: Mapping[str, str]
) -> str:
    """The skeleton with the list components the sheet gave written in place of their ``[]  # CẦN ĐIỀN``.

    The skeleton is :mod:`tthc.scaffold`'s, so each placeholder is one line
    ``key: []  # CẦN ĐIỀN``; the comments around it (what to write, examples)
    stay. An empty list read from a cell leaves its placeholder as it was.
    A top-level value in ``reviews`` gets why beside it: after its ``CẦN
    ĐIỀN`` when it is a placeholder, else as ``# XEM LẠI: …``.
    """
    out = skeleton
    for key, why in reviews.items():
        found = re.compile(rf"^{key}:[^\n]*", re.MULTILINE).search(out)
        if found is not None:
            mark = f"; {why}" if f"  # {scaffold.TODO}" in found.group() else f"  # {REVIEW}: {why}"
            out = out[: found.end()] + mark + out[found.end() :]
    for key, value in fills.items():
        if not value:
            continue
        line = re.compile(rf"^( *){key}: \[\]  # {re.escape(scaffold.TODO)}[^\n]*\n", re.MULTILINE)
        found = line.search(out)
        if found is None:
            continue
        out = out[: found.start()] + _fragment(key, value, len(found.group(1))) + out[found.end() :]
    if local_time:
        time_line = re.compile(r"^    time: [^\n]*\n", re.MULTILINE).search(out)
        if time_line is not None:
            fragment = _fragment("local_time", _flow_map(local_time), 4)
            out = out[: time_line.end()] + fragment + out[time_line.end() :]
    return fmt.format_text(out, "procedure") if out != skeleton else skeleton


def _fragment(key: str, value: Any, indent: int) -> str:
    """``key: value`` as YAML at ``indent``; maps inside lists in block style, lists of text in flow style."""
    if key == "steps":  # sentences with “:” inside, quoted as the skeleton's example and the sample quote them
        value = CommentedSeq(DoubleQuotedScalarString(step) for step in value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = _flow(value)
    elif isinstance(value, list):
        value = CommentedSeq(CommentedMap(v) if isinstance(v, Mapping) else v for v in value)
    out = io.StringIO()
    fmt.yaml_rt().dump(CommentedMap([(key, value)]), out)
    pad = " " * indent
    return "".join(pad + line for line in out.getvalue().splitlines(keepends=True))


def todo_lines(content: str) -> list[str]:
    """Each ``# CẦN ĐIỀN`` line of a new file, as “Trình tự thực hiện (steps, dòng 25)”: what `tthc validate` reports."""
    out: list[str] = []
    for number, line in enumerate(content.splitlines(), 1):
        key, sep, _ = line.strip().partition(":")
        if sep and not key.startswith("#") and f"# {scaffold.TODO}" in line:
            out.append(f"{_TODO_LABELS.get(key, key)} ({key}, dòng {number})")
    return out


def _flow(values: Sequence[Any]) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq


def _flow_map(values: Mapping[str, Any]) -> CommentedMap:
    out = CommentedMap(values)
    out.fa.set_flow_style()
    return out


def _same(row: Row, key: str, exported: Mapping[str, str]) -> bool:
    """Whether the cell says what `tthc export` writes for the record: then it changes nothing.

    An empty cell says nothing either: a column left blank never removes a component.
    """
    cell = row.text(key)
    return not cell or cell == clean(text.xml_safe(exported.get(key, "")))


def update_file(
    root: Path,
    catalogue: Catalogue,
    existing: Procedure,
    row: Row,
    field_id: str,
    levels: tuple[str, ...],
    notes: list[str],
    dry_run: bool,
) -> RowReport:
    """Change only the components whose cell differs from what export writes for the file, in place.

    A sheet exported and imported back therefore changes no byte, and a sheet
    that cannot express something (a per-channel time written once, a note,
    the legal text of a fee) never removes it: a cell equal to the export of
    the record leaves the component as it is, and a changed cell changes only
    what it states. Decisions and legal texts are added to, never removed (a
    list carries one decision; the file carries the history). Comments stay.
    """
    from tthc.atomic import write_text_atomic
    from tthc.export import flat_row

    number, code, name = row.number, existing.code, row.text("name")
    path = root / existing.file
    try:
        source = path.read_text("utf-8-sig")
        data = fmt.yaml_rt().load(source)
    except Exception as error:  # an unreadable file is the user's to fix, not a crash
        return RowReport(number, SKIPPED, code, name, existing.file, f"không đọc được tệp hiện có: {error}")
    if not isinstance(data, CommentedMap):
        return RowReport(number, SKIPPED, code, name, existing.file, "tệp hiện có không phải một thủ tục")
    exported = flat_row(existing, catalogue)
    in_force = procedure_on_date(existing, catalogue)
    if in_force is not existing:
        # The file holds what a pending decision makes it; an export on an earlier date shows what is in force.
        dated = flat_row(in_force, catalogue)
        telling = [key for key in row.values if key in dated and dated[key] != exported.get(key)]
        if telling and not all(_same(row, key, exported) for key in telling):
            if all(_same(row, key, dated) for key in row.values if key in dated):
                return RowReport(number, UNCHANGED, code, name, existing.file)
            waiting = ", ".join(sorted({p.decision for p in existing.previous}))
            return RowReport(number, SKIPPED, code, name, existing.file, (
                f"tệp đã có nội dung sửa đổi theo quyết định {waiting} chưa có hiệu lực (previous), còn dòng này "
                "không ghi đúng nội dung đó: không cập nhật để khỏi ghi đè; sửa trực tiếp trong tệp, hoặc xuất "
                "lại bảng với --as-of ngày quyết định có hiệu lực"
            ))  # fmt: skip
    changed: list[str] = []

    def differs(key: str) -> bool:
        return key in row.values and not _same(row, key, exported)

    if differs("name") and text.nfc(str(data.get("name", ""))) != name:
        data["name"] = name
        changed.append("name")
    if differs("field") and field_id != existing.field:
        notes.append(f"bảng tính ghi lĩnh vực {field_id}, tệp ở lĩnh vực {existing.field}: không chuyển tệp")
    if differs("level") and levels and set(existing.levels) != set(levels):
        data["level"] = _flow(list(levels))
        changed.append("level")
    if differs("decisions"):
        decisions, why = parse_decisions(row.text("decisions"))
        notes.extend([why] if why else [])
        new_decisions = [d for d in decisions if d not in existing.decisions]
        if new_decisions:
            current = data.get("decisions")
            if isinstance(current, list):
                current.extend(new_decisions)
            else:
                data["decisions"] = _flow(new_decisions)
            changed.append("decisions")
    if differs("legal_basis"):
        legal, why = parse_legal_basis(row.text("legal_basis"))
        notes.extend([why] if why else [])
        _crowded(row.text("legal_basis"), notes)
        numbers = {ref.number for ref in existing.legal_basis}
        new_refs = [ref for ref in legal if ref["number"] not in numbers]
        if new_refs:
            current = data.get("legal_basis")
            if isinstance(current, list):
                current.extend(CommentedMap(ref) for ref in new_refs)
            else:
                data["legal_basis"] = [CommentedMap(ref) for ref in new_refs]
            changed.append("legal_basis")
    agencies = data.get("agencies")
    if differs("agencies") and isinstance(agencies, CommentedMap):
        performing, missing = match_agencies(row.lines("agencies"), catalogue)
        if missing:
            notes.append("cơ quan chưa khai báo trong tthc.yaml: " + "; ".join(f"“{m}”" for m in missing))
        if performing and list(existing.agencies.performing) != performing:
            agencies["performing"] = _flow(performing)
            changed.append("agencies")
    if differs("subjects"):
        subjects = parse_list(row.lines("subjects"))
        if subjects and subjects != list(existing.subjects):
            data["subjects"] = _flow(subjects)
            changed.append("subjects")
    if differs("results") and _update_results(data, parse_results(row.lines("results"))):
        changed.append("results")
    for key, label in (("steps", "trình tự thực hiện"), ("dossier", "thành phần hồ sơ")):
        if row.text(key):
            notes.append(f"không cập nhật {label} của thủ tục đã có từ bảng tính; sửa trong tệp")
    methods = data.get("methods")
    for key in _CHANNEL_COMPONENTS:
        if differs(key) and isinstance(methods, list) and _update_channels(methods, existing, key, row.text(key), notes):
            changed.append(key)
    if not changed:
        return RowReport(number, UNCHANGED, code, name, existing.file, "; ".join(notes))
    try:
        formatted = fmt.format_text(fmt.dumped(data), "procedure", existing.file)
    except fmt.FormatError as error:
        return RowReport(number, SKIPPED, code, name, existing.file, f"không cập nhật được: {error.message}")
    if formatted == source:
        return RowReport(number, UNCHANGED, code, name, existing.file, "; ".join(notes))
    if not dry_run:
        write_text_atomic(path, formatted, root)
    reason = "đã cập nhật: " + ", ".join(changed)
    return RowReport(number, UPDATED, code, name, existing.file, "; ".join([reason, *notes]))


def _update_results(data: CommentedMap, results: list[dict[str, str]]) -> bool:
    """Results named in the sheet, keeping the code and template of those already in the file."""
    current = data.get("results")
    kept = {str(r.get("name")): r for r in current if isinstance(r, Mapping)} if isinstance(current, list) else {}
    if not results or [r["name"] for r in results] == list(kept):
        return False
    merged = []
    for result in results:
        entry = kept.get(result["name"]) or CommentedMap(result)
        if "code" in result and isinstance(entry, CommentedMap):
            entry["code"] = result["code"]
        merged.append(entry)
    data["results"] = CommentedSeq(merged)
    return True


_VALUE_KEYS = {"time": ("value", "unit"), "local_time": ("value", "unit"), "fee": ("amount", "currency", "free")}
"""The keys a cell's value replaces; ``note`` only when the cell has one, ``basis`` never (no column has it)."""


def _update_channels(methods: list[Any], existing: Procedure, key: str, cell: str, notes: list[str]) -> bool:
    """Update ``key`` in the channels a changed cell names; True if anything changed.

    "trực tiếp: …; trực tuyến: …" names its channels. One value applies to
    every channel when they agreed before (export wrote one value for all);
    when they differed, it cannot say which it meant, so only the in-person
    channel, the one a list describes, takes it and the report says so.
    """
    from tthc.export import channel_text, per_channel

    label = _CHANNEL_COMPONENTS[key]
    by_method = {_method_key(m.get("channel"), m.get("place")): m for m in methods if isinstance(m, CommentedMap)}
    records = {_method_key(m.channel, m.place): m for m in existing.methods}
    parts = split_channels(cell)
    if parts == {}:
        notes.append(f"{label} “{cell}” ghi một kênh hai lần; không cập nhật")
        return False
    if parts is None:
        if split_channels(per_channel(existing, key)) is None or len(by_method) == 1:
            parts = dict.fromkeys(by_method, cell)
        else:
            parts = {("trực tiếp", ""): cell}
            notes.append(
                f"{label} “{cell}” là một mức cho các kênh đang khác nhau: chỉ cập nhật kênh trực tiếp "
                "(ghi “trực tiếp: …; trực tuyến: …” để cập nhật từng kênh)"
            )
    changed = False
    for (channel, place), part in parts.items():
        target = by_method.get(_method_key(channel, place, worded=True))
        if target is None:
            notes.append(f"tệp không có kênh {wording.method_label(channel, place, str)}; {label} “{part}” không ghi")
            continue
        record = records.get(_method_key(channel, place, worded=True))
        if record is not None and clean(part) == clean(channel_text(record, key)):
            continue
        parsed, why = (parse_fee if key == "fee" else parse_time)(part)
        if parsed is None:
            notes.append(why)
            continue
        changed = _merge(target, key, parsed) or changed
    return changed


def _method_key(channel: Any, place: Any, *, worded: bool = False) -> tuple[str, str]:
    """A method as a cell and a file can both name it: its channel and its place as :func:`wording.place_text` words it.

    A cell gives the place already worded ("tại cơ quan đại diện"); a file
    gives it bare. Comparing the worded forms, lower case first letter,
    matches them without guessing at prepositions.
    """
    place_text = " ".join(str(place or "").split())
    worded_place = place_text if worded else wording.place_text(place_text)
    return str(channel or ""), worded_place[:1].lower() + worded_place[1:]


def _merge(method: CommentedMap, key: str, parsed: Mapping[str, Any]) -> bool:
    """Put a parsed value into a channel's component, keeping what the cell did not state."""
    current = method.get(key)
    if not isinstance(current, CommentedMap):
        method[key] = _flow_map(parsed)
        return True
    before = dict(current)
    for name in _VALUE_KEYS[key]:
        if name not in parsed and name in current:
            del current[name]
    for name, value in parsed.items():
        current[name] = value
    return dict(current) != before
