"""National-portal records written into a catalogue: new files, or legal components updated in place.

:mod:`tthc.portal` reads a record into procedure data; this module decides
what that data does to the catalogue, and says so. The field and agencies
the record names are matched to the ids tthc.yaml declares; a name it does
not declare is never added on the sly (the record is skipped for a field,
the agency left out) and the report gives the block to add.

Every value written either stands in the record as it is, or carries a
``# KIỂM TRA: <lý do> — nguồn: "<văn bản nguồn>"`` comment beside it (and a
line in the report); a component the record leaves empty is written as
``tthc new`` writes one, ``[]  # CẦN ĐIỀN``, so ``tthc validate`` names
exactly the lines the report lists.

Importing is all or nothing at the level of the file: every record is
checked and every file planned before the first is written (:func:`plan`),
so a bad record never leaves half a catalogue behind. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from tthc import canonical_yaml, fmt, layout, portal, scaffold, text
from tthc.import_rows import CREATED, SKIPPED, UNCHANGED, UPDATED, todo_lines
from tthc.model import Catalogue, DataPath
from tthc.portal_tables import Mark
from tthc.settings_match import match_agencies, match_field, suggest_field_id

REVIEW = "KIỂM TRA"
"""The mark on every value a reviewer must check against its source."""

_FLOW_MAPS = frozenset({"time", "fee", "local_time"})
_BLOCK_LISTS = frozenset({"steps", "requirements"})
_METHOD_KEYS = ("channel", "time", "fee", "place", "note")
"""What a portal record says of a channel; other keys (local_time, online, url) are the province's."""
_LOCAL_KEYS = frozenset({"note", "forms", "field", "code"})
"""Components an update leaves as the file has them: the province's notes and forms, the file's place."""


@dataclass(frozen=True)
class Review:
    """A value written that a reviewer must check: where, why, and the source text."""

    path: str
    reason: str
    source: str


@dataclass(frozen=True)
class RecordReport:
    index: int
    """Position of the record in the file, from 1."""
    status: str
    code: str = ""
    name: str = ""
    file: str = ""
    reason: str = ""
    """Why it was skipped, or what was noticed (agencies not declared …)."""
    todo: tuple[str, ...] = ()
    """Components left to fill in, each with its line, as ``tthc validate`` reports them."""
    missing: tuple[str, ...] = ()
    """The same components as data paths (``agencies.performing``)."""
    reviews: tuple[Review, ...] = ()
    changes: tuple[str, ...] = ()
    """For an update: each change, named as ``tthc diff`` names it."""
    announced: bool = True
    """False when no decision of the catalogue announces the code (``procedure-not-announced``)."""


@dataclass(frozen=True)
class PortalReport:
    source: str
    records: tuple[RecordReport, ...] = ()
    unknown_fields: dict[str, str] = field(default_factory=dict)
    """Field name in the records → suggested id, for fields tthc.yaml lacks."""
    unknown_agencies: dict[str, str] = field(default_factory=dict)
    """Agency name in the records → suggested id, for agencies tthc.yaml lacks."""
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)

    @property
    def ok(self) -> bool:
        return self.count(SKIPPED) == 0


@dataclass(frozen=True)
class PlannedWrite:
    """A file to write once every file is planned: a new one (never overwriting) or an existing one replaced."""

    path: Path
    content: str
    new: bool


def dotted(path: DataPath) -> str:
    """A data path as ``tthc validate`` shows it: ``methods[0].fee``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def review_comment(mark: Mark) -> str:
    return f'{REVIEW}: {mark.reason} — nguồn: "{text.clip(mark.source, 100)}"'


# --------------------------------------------------------------------------
# YAML with comments beside values
# --------------------------------------------------------------------------


def _node(value: Any, key: str | int | None = None) -> Any:
    if isinstance(value, Mapping):
        out = CommentedMap((k, _node(v, k)) for k, v in value.items())
        if key in _FLOW_MAPS:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if key == "steps":
            seq = CommentedSeq(DoubleQuotedScalarString(v) if isinstance(v, str) else v for v in value)
        if key not in _BLOCK_LISTS and all(not isinstance(v, Mapping | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _holder(root: CommentedMap, path: DataPath) -> tuple[Any, str | int] | None:
    """The block collection and key a comment for ``path`` goes beside: the deepest one not in flow style."""
    node: Any = root
    found: tuple[Any, str | int] | None = None
    for step in path:
        inside = (isinstance(node, CommentedMap) and step in node) or (
            isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node)
        )
        if not inside or node.fa.flow_style():
            break
        found = (node, step)
        node = node[step]
    return found


def _comment(root: CommentedMap, notes: Iterable[tuple[DataPath, str]]) -> list[str]:
    """Put each note beside its value; the notes about values not written are returned for the header."""
    beside: dict[tuple[int, str | int], tuple[Any, list[str]]] = {}
    loose: list[str] = []
    for path, note in notes:
        holder = _holder(root, path)
        if holder is None:
            loose.append(f"{dotted(path)}: {note}")
            continue
        container, key = holder
        while isinstance(container, CommentedSeq) and isinstance(container[key], CommentedMap) and container[key]:
            # beside an item that is a mapping: on its first line, where ruamel keeps it
            container, key = container[key], next(iter(container[key]))
        beside.setdefault((id(container), key), (container, []))[1].append(note)
    for (_, key), (container, texts) in beside.items():
        container.yaml_add_eol_comment("# " + "; ".join(dict.fromkeys(texts)), key)
    return loose


def _dump_new(data: CommentedMap) -> str:
    """A document tthc built: written directly when :mod:`tthc.canonical_yaml` is sure of every byte, else by ruamel."""
    return canonical_yaml.dump(data) or fmt.dumped(data)


# --------------------------------------------------------------------------
# One record
# --------------------------------------------------------------------------


@dataclass
class _Mapped:
    """A converted record with its field and agencies as tthc.yaml's ids."""

    conv: portal.Converted
    data: dict[str, Any]
    field_id: str
    missing: list[DataPath]
    todo_notes: dict[DataPath, str]
    notes: list[str]


def _map(
    conv: portal.Converted,
    catalogue: Catalogue,
    field_map: Mapping[str, str],
    unknown_agencies: dict[str, str],
    known: dict[str, list[str]],
) -> _Mapped:
    """The record's names replaced by declared ids; ``field_id`` is "" when tthc.yaml has no such field.

    Agencies are matched even then, so one dry run lists every block to add.
    """
    field_id = (match_field(conv.field_name, catalogue, field_map) if conv.field_name else None) or ""
    data = dict(conv.data)
    data["field"] = field_id
    agencies: dict[str, Any] = {}
    undeclared: list[str] = []
    role_ids: dict[str, Any] = conv.data["agencies"]
    for role, ids in role_ids.items():
        if not isinstance(ids, list):
            agencies[role] = ids
            continue
        kept: list[str] = []
        for agency_id in ids:
            name = conv.agency_names.get(str(agency_id), str(agency_id))
            if name not in known:  # 300 records name few agencies, many times
                known[name] = match_agencies(name, catalogue)[0]
            found = known[name]
            if found:
                kept.extend(a for a in found if a not in kept)
            else:
                undeclared.append(name)
                unknown_agencies.setdefault(name, _unused(agency_id, catalogue.settings.agencies, unknown_agencies))
        if kept or role == "performing":
            agencies[role] = kept
    data["agencies"] = agencies
    missing = list(conv.missing)
    todo_notes: dict[DataPath, str] = {}
    notes: list[str] = []
    if undeclared:
        names = "; ".join(dict.fromkeys(undeclared))
        notes.append(f"cơ quan chưa khai báo trong tthc.yaml: {names}")
        if not agencies["performing"] and ("agencies", "performing") not in missing:
            missing.append(("agencies", "performing"))
            todo_notes[("agencies", "performing")] = f'nguồn ghi "{text.clip(names, 100)}"; chưa khai báo trong tthc.yaml'
    return _Mapped(conv, data, field_id, missing, todo_notes, notes)


def _unused(suggestion: str, declared: Iterable[str], suggested: Mapping[str, str]) -> str:
    """An id for a block to add that no declared or suggested entry has: two names never share one."""
    taken = {*declared, *suggested.values()}
    out, n = suggestion or "muc", 1
    while out in taken:
        n += 1
        out = f"{suggestion}-{n}"
    return out


def _new_text(mapped: _Mapped, origin: str) -> tuple[str, list[str]]:
    """The file for a new procedure, canonical, with its comments; and the notes that had no value to go beside."""
    conv = mapped.conv
    root = _node(mapped.data)
    fmt.canonicalise(root, "procedure")  # before the comments go in: one dump is then the canonical text
    notes: list[tuple[DataPath, str]] = [
        (path, scaffold.TODO + (f": {mapped.todo_notes[path]}" if path in mapped.todo_notes else ""))
        for path in mapped.missing
    ]
    if conv.upstream_decisions:
        notes.append(
            (("decisions",), "quyết định công bố của Bộ (Cổng DVC quốc gia); thêm quyết định công bố của tỉnh")
        )
    notes += [(mark.path, review_comment(mark)) for mark in conv.marks]
    loose = _comment(root, notes)
    _place_quoted_comments(root, mapped.data)
    header = [
        f"Thủ tục hành chính: {conv.data['name']} ({conv.code}).",
        origin,
        *([f"Xem lại các giá trị có chú thích “{REVIEW}” bên cạnh (so với văn bản nguồn)."] if conv.marks else []),
        *([f"Điền các mục ghi “{scaffold.TODO}”."] if mapped.missing else []),
        "Chạy `tthc validate` để kiểm tra.",
        *loose,
    ]
    root.yaml_set_start_comment("\n".join(text.clip(line, 200) if line in loose else line for line in header) + "\n")
    return text.nfc(_dump_new(root)), loose


def _place_quoted_comments(root: CommentedMap, data: Mapping[str, Any]) -> None:
    """Put the comment beside a quoted value (code, decisions) where ``tthc fmt`` leaves it.

    A new file was once dumped as built, then formatted: the formatter quotes
    codes and decision numbers, so a comment that stood two spaces after the
    unquoted value keeps its column and ends up one space after the quoted one.
    The column is taken from that first dump of the key's line alone, so the
    file stays byte for byte what it was.
    """
    for key in ("code", "decisions"):
        entry = root.ca.items.get(key)
        if key not in data or not entry or len(entry) < 3 or entry[2] is None:
            continue
        line = CommentedMap([(key, _node(data[key], key))])
        line.ca.items[key] = [None, None, entry[2], None]
        note = entry[2].value.strip()
        column = len(_dump_new(line).splitlines()[-1]) - len(note)  # where the first dump put its "#"
        entry[2] = CommentToken(note + "\n", CommentMark(column))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def _merge_methods(current: Any, new: Sequence[Mapping[str, Any]]) -> CommentedSeq:
    """The record's channels, each keeping the province's keys (local_time, online, url) and comments."""
    by_channel = {m.get("channel"): m for m in current if isinstance(m, CommentedMap)} if isinstance(current, list) else {}
    out = CommentedSeq()
    for method in new:
        entry = by_channel.get(method["channel"])
        if entry is None:
            out.append(_node(method))
            continue
        for key in _METHOD_KEYS:
            if key not in method:
                entry.pop(key, None)
            elif _plain(entry.get(key)) != _plain(method[key]):
                entry[key] = _node(method[key], key)
        out.append(entry)
    return out


def _updated_text(existing: str, mapped: _Mapped) -> tuple[str, list[str]]:
    """The existing file with its legal components as the record gives them, everything else kept; and the keys changed."""
    data = fmt.yaml_rt().load(existing)
    if not isinstance(data, CommentedMap):
        raise fmt.FormatError("tệp hiện có không phải một thủ tục")
    new = mapped.data
    touched: list[str] = []
    for key, value in new.items():
        if key in _LOCAL_KEYS or (key != "agencies" and any(path[0] == key for path in mapped.missing)):
            continue  # an empty upstream component never blanks what the file holds
        old = data.get(key)
        if key == "decisions":
            added = [d for d in value if d not in (old or [])]
            if added and isinstance(old, list):
                old.extend(added)
            elif added:
                data[key] = _node(added, key)
            touched += [key] if added else []
        elif key == "methods":
            merged = _merge_methods(old, value)
            if _plain(merged) != _plain(old):
                data[key] = merged
                touched.append(key)
        elif key == "agencies" and isinstance(old, CommentedMap):
            for role, ids in value.items():
                if (role == "performing" and not ids) or _plain(old.get(role)) == _plain(ids):
                    continue
                old[role] = _node(ids, role)
                touched.append(key)
        elif _plain(old) != _plain(value):
            data[key] = _node(value, key)
            touched.append(key)
    for key in ("kind", "requirements"):
        if key in data and key not in new:
            del data[key]
            touched.append(key)
    marks = [(m.path, review_comment(m)) for m in mapped.conv.marks if m.path[0] in touched]
    _comment(data, marks)
    return fmt.format_text(fmt.dumped(data), "procedure"), touched


# --------------------------------------------------------------------------
# The whole file
# --------------------------------------------------------------------------


def _overridden(conv: portal.Converted, overrides: Mapping[str, Mapping[str, Any]]) -> portal.Converted:
    """The record with the caller's values in place of its own; its marks and gaps on those keys go with them."""
    values = overrides.get(conv.code)
    if not values:
        return conv
    return replace(
        conv,
        data={**conv.data, **values},
        marks=[m for m in conv.marks if m.path[0] not in values],
        missing=[p for p in conv.missing if p[0] not in values],
        upstream_decisions=[] if "decisions" in values else conv.upstream_decisions,
    )


def check_codes(records: Sequence[portal.Record], name: str) -> None:
    """Refuse the file if a record has no code: it cannot be named, so the file cannot be trusted as a whole."""
    for i, record in enumerate(records, 1):
        if not portal.clean(record.get("ma_thu_tuc", "")):
            raise portal.PortalError(
                f"{name}: bản ghi thứ {i} không có mã thủ tục (ma_thu_tuc); bổ sung mã hoặc bỏ bản ghi đó rồi nhập lại."
            )


def plan(
    root: Path,
    catalogue: Catalogue,
    records: Sequence[portal.Record],
    name: str,
    *,
    update: bool = False,
    field_map: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    origin: str = "",
) -> tuple[PortalReport, list[PlannedWrite]]:
    """What importing the records would do, and the files it would write; nothing is written.

    ``overrides`` gives, per code, top-level values that replace the record's
    (``tthc upstream --apply``: the province's draft decision in place of the
    ministry's, the levels in the province's scope); ``origin`` is the line a
    new file's header says it came from.
    """
    check_codes(records, name)
    by_code = catalogue.by_code()
    announced = layout.final_state(catalogue)
    reports: list[RecordReport] = []
    writes: list[PlannedWrite] = []
    unknown_fields: dict[str, str] = {}
    unknown_agencies: dict[str, str] = {}
    known_agencies: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    planned: set[Path] = set()
    for index, record in enumerate(records, 1):
        shown = portal.clean(record.get("ma_thu_tuc", ""))
        title = portal.clean(record.get("ten_thu_tuc", ""))

        def skipped(reason: str, code: str = shown, title: str = title, index: int = index) -> RecordReport:
            return RecordReport(index, SKIPPED, code, title, reason=reason)

        try:
            conv = _overridden(portal.to_procedure(record), overrides or {})
        except portal.PortalError as error:
            reports.append(skipped(str(error)))
            continue
        if conv.code in seen:
            reports.append(skipped(f"trùng mã với bản ghi thứ {seen[conv.code]}"))
            continue
        seen[conv.code] = index
        mapped = _map(conv, catalogue, field_map or {}, unknown_agencies, known_agencies)
        if not mapped.field_id:
            if not conv.field_name:
                reports.append(skipped("bản ghi không ghi lĩnh vực (linh_vuc)"))
                continue
            suggestion = suggest_field_id(conv.field_name)
            suggestion = unknown_fields.setdefault(conv.field_name, _unused(suggestion, catalogue.settings.fields, unknown_fields))
            reports.append(skipped(
                f"lĩnh vực “{conv.field_name}” chưa khai báo trong tthc.yaml; thêm vào fields "
                f"(gợi ý id: {suggestion}) hoặc dùng --field-map \"{conv.field_name}={suggestion}\""
            ))
            continue
        reviews = tuple(Review(dotted(m.path), m.reason, m.source) for m in conv.marks)
        existing = by_code.get(conv.code)
        try:
            if existing is None:
                target = layout.procedure_path(root, mapped.field_id, conv.code)
                if target.exists() or target in planned:
                    reports.append(skipped(f"tệp {target.relative_to(root).as_posix()} đã có; tthc không ghi đè"))
                    continue
                content, _ = _new_text(
                    mapped, origin or f"Nhập từ Cổng Dịch vụ công quốc gia ({name}, bản ghi thứ {index}) bằng `tthc import`."
                )
                todo = todo_lines(content)
                planned.add(target)
                writes.append(PlannedWrite(target, content, True))
                reports.append(RecordReport(
                    index, CREATED, conv.code, title, target.relative_to(root).as_posix(), "; ".join(mapped.notes),
                    tuple(todo), tuple(dotted(p) for p in mapped.missing), reviews, announced=conv.code in announced,
                ))  # fmt: skip
                continue
            if not update:
                reports.append(skipped(f"đã có ({existing.file}); dùng --update để cập nhật"))
                continue
            path = root / existing.file
            source = path.read_text("utf-8-sig")
            content, touched = _updated_text(source, mapped)
        except layout.UnsafeName as error:
            reports.append(skipped(str(error)))
            continue
        except fmt.FormatError as error:
            reports.append(skipped(f"không tạo được tệp: {error.message}"))
            continue
        except OSError as error:
            reports.append(skipped(f"không đọc được tệp hiện có: {error.strerror}"))
            continue
        from tthc.model import COMPONENTS
        from tthc.record_diff import compare_procedures
        from tthc.records import build_procedure
        from tthc.writers.base import KIND_LABELS

        before = build_procedure(existing.file, yaml.safe_load(source))
        after = build_procedure(existing.file, yaml.safe_load(content))
        changes = tuple(
            f"{COMPONENTS.get(c.component, c.component)} ({c.path}): {KIND_LABELS[c.kind]}"
            for c in compare_procedures(before, after)
        )
        notes = list(mapped.notes)
        if mapped.field_id != existing.field:
            notes.append(f"bản ghi ở lĩnh vực {mapped.field_id}, tệp ở lĩnh vực {existing.field}: không chuyển tệp")
        if content == source:
            reports.append(RecordReport(index, UNCHANGED, conv.code, title, existing.file, "; ".join(notes)))
            continue
        writes.append(PlannedWrite(path, content, False))
        changed_reviews = tuple(r for r, m in zip(reviews, conv.marks, strict=True) if m.path[0] in touched)
        reports.append(RecordReport(
            index, UPDATED, conv.code, title, existing.file, "; ".join(notes), reviews=changed_reviews, changes=changes,
        ))  # fmt: skip
    report = PortalReport(name, tuple(reports), unknown_fields, unknown_agencies)
    return report, writes


def import_records(
    root: Path,
    catalogue: Catalogue,
    records: Sequence[portal.Record],
    name: str,
    *,
    update: bool = False,
    field_map: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> PortalReport:
    """Import portal records into the catalogue at ``root``; files are written only after all are planned.

    Raises :class:`tthc.portal.PortalError` when the records as a whole
    cannot be imported (then nothing is written).
    """
    report, writes = plan(root, catalogue, records, name, update=update, field_map=field_map)
    check_writes(root, writes)
    if dry_run:
        return replace(report, dry_run=True)
    failed = write_planned(root, writes)
    if not failed:
        return report
    records_out = tuple(
        replace(r, status=SKIPPED, reason=failed[r.file]) if r.file in failed and r.status != SKIPPED else r
        for r in report.records
    )
    return replace(report, records=records_out)


def check_writes(root: Path, writes: Iterable[PlannedWrite]) -> None:
    """Raise :class:`tthc.atomic.LinkOnWritePath` if any path has a link: checked before the first file is written."""
    from tthc.atomic import checked_path

    for write in writes:
        checked_path(write.path, root)


def write_planned(root: Path, writes: Iterable[PlannedWrite]) -> dict[str, str]:
    """Write every planned file (a new one never over an existing one); the files that failed, with why.

    A few files at a time, each atomically on its own: a file waits on the
    disk (its temporary file created, flushed, linked into place), and that
    waiting was a quarter of importing 1,000 records one file after another.
    Interrupted, no file is started after the interruption.
    """
    from concurrent.futures import ThreadPoolExecutor

    from tthc.atomic import write_text_atomic

    def write_one(write: PlannedWrite) -> str | None:
        try:
            if write.new:
                scaffold.create(write.path, write.content, root)
            else:
                write_text_atomic(write.path, write.content, top=root)
        except (scaffold.ScaffoldError, OSError) as error:
            return str(error)
        return None

    writes = list(writes)
    pool = ThreadPoolExecutor(max_workers=_WRITERS)
    try:
        outcomes = list(pool.map(write_one, writes))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return {w.path.relative_to(root).as_posix(): why for w, why in zip(writes, outcomes, strict=True) if why is not None}


_WRITERS = 8
"""Files written at once: enough to keep the disk busy, few enough not to matter to anyone else."""


def as_json(report: PortalReport) -> dict[str, Any]:
    """The report as the documented JSON contract of ``tthc import --format json`` (docs/import.md)."""
    return {
        "source": report.source,
        "dry_run": report.dry_run,
        "records": [
            {
                "index": r.index,
                "status": r.status,
                "code": r.code,
                "name": r.name,
                "file": r.file,
                "reason": r.reason,
                "missing": list(r.missing),
                "todo": list(r.todo),
                "review": [{"path": v.path, "reason": v.reason, "source": v.source} for v in r.reviews],
                "changes": list(r.changes),
                "announced": r.announced,
            }
            for r in report.records
        ],
        "unknown_fields": [{"id": i, "name": n} for n, i in report.unknown_fields.items()],
        "unknown_agencies": [{"id": i, "name": n} for n, i in report.unknown_agencies.items()],
        "totals": {status: report.count(status) for status in (CREATED, UPDATED, UNCHANGED, SKIPPED)},
    }
