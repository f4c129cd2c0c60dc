"""The national side of ``tthc upstream``: each SOURCE read into records, a ministry's list, or decision dates.

A SOURCE is one of:

- national-portal records (the JSON of one record or a list of them; a
  folder of such files is one source), read by :mod:`tthc.portal`;
- a ministry's complete list of procedures (the portal's .xlsx export or its
  JSON form), read by :mod:`tthc.national_list`;
- a ministry's announcement decision as a YAML file in the catalogue's
  decision schema, which gives the date its number takes effect.

Everything is read within tthc.yaml's ``limits``; a file that is none of
these, empty, too large or broken is refused with :class:`SourceError`,
whose message names the file and the fix. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tthc import portal, text
from tthc.model import Decision, Limits, Settings
from tthc.national_list import ListEntry, ListError, entries_from_data, entries_from_xlsx, is_list_data
from tthc.wording import number_text

__all__ = ["Source", "SourceError", "check_fields", "read_sources"]

SourceFormat = Literal["records", "list", "decision"]


class SourceError(Exception):
    """A SOURCE cannot be used; the message names the file and says what to do."""


@dataclass(frozen=True)
class Source:
    """One SOURCE as read."""

    name: str
    """The file or folder as the user named it."""
    kind: SourceFormat
    records: tuple[portal.Record, ...] = ()
    entries: tuple[ListEntry, ...] = ()
    decisions: tuple[Decision, ...] = ()


_JSON = (".json",)
_XLSX = (".xlsx", ".xlsm")
_YAML = (".yaml", ".yml")


def read_sources(paths: list[Path], limits: Limits) -> list[Source]:
    """Every SOURCE, in the order given; the first bad one stops the lot (nothing is compared half-read)."""
    if not paths:
        raise SourceError(
            "chưa có nguồn nào: cho tệp bản ghi Cổng DVC quốc gia (.json), danh sách thủ tục của Bộ (.xlsx, .json) "
            "hoặc thư mục chứa các tệp bản ghi."
        )
    return [_read(path, limits) for path in paths]


def _read(path: Path, limits: Limits) -> Source:
    name = str(path)
    if path.is_dir():
        return _folder(path, name, limits)
    if not path.is_file():
        raise SourceError(f"{name}: không tìm thấy tệp hoặc thư mục.")
    suffix = path.suffix.lower()
    if suffix in _XLSX:
        try:
            return Source(name, "list", entries=tuple(entries_from_xlsx(path, limits)))
        except ListError as error:
            raise SourceError(str(error)) from error
    if suffix in _YAML:
        return _decision(path, name, limits)
    if suffix in _JSON:
        return _json_source(_json(path, limits), name, limits)
    raise SourceError(
        f"{name}: không phải tệp .json, .xlsx hay .yaml; nguồn là bản ghi Cổng DVC quốc gia (.json), danh sách "
        "thủ tục của Bộ (.xlsx hoặc .json) hoặc quyết định công bố của Bộ (.yaml)."
    )


def _json(path: Path, limits: Limits) -> Any:
    """Parsed JSON, refused before parsing when too large, too deep or too many values (as a record file is)."""
    try:
        if path.stat().st_size == 0:
            raise SourceError(f"{path}: tệp rỗng; hãy tải lại bản ghi hoặc danh sách.")
        return portal.read_json(path, limits)
    except OSError as error:
        raise SourceError(f"{path}: không đọc được tệp ({error.strerror}).") from error
    except portal.PortalError as error:
        raise SourceError(str(error)) from error


def _json_source(data: Any, name: str, limits: Limits) -> Source:
    if data == [] or data == {}:
        raise SourceError(f"{name}: không có bản ghi hay dòng nào; hãy tải lại.")
    if portal.is_portal_data(data):
        try:
            records = portal.records_from_data(data, name, limits)
        except portal.PortalError as error:
            raise SourceError(str(error)) from error
        return Source(name, "records", records=tuple(records))
    if is_list_data(data):
        try:
            return Source(name, "list", entries=tuple(entries_from_data(data, name, limits)))
        except ListError as error:
            raise SourceError(str(error)) from error
    raise SourceError(
        f"{name}: không phải bản ghi Cổng DVC quốc gia (các khóa {', '.join(portal.KEYS)}) cũng không phải danh "
        "sách thủ tục của Bộ (các cột Mã số, Tên, Lĩnh vực); hãy chọn đúng tệp tải từ Cổng Dịch vụ công quốc gia."
    )


def _folder(path: Path, name: str, limits: Limits) -> Source:
    """Every .json under the folder, each a record or a list of records: one source."""
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in _JSON and p.is_file())
    if not files:
        raise SourceError(f"{name}: thư mục không có tệp .json bản ghi Cổng DVC quốc gia nào.")
    if len(files) > limits.max_import_rows:
        raise SourceError(
            f"{name}: {number_text(len(files))} tệp, vượt giới hạn {number_text(limits.max_import_rows)} "
            "(limits.max_import_rows trong tthc.yaml); hãy chia thư mục."
        )
    total = 0
    records: list[portal.Record] = []
    for file in files:
        total += file.stat().st_size
        if total > limits.max_import_bytes:
            raise SourceError(
                f"{name}: các tệp vượt giới hạn {number_text(limits.max_import_bytes)} byte "
                "(limits.max_import_bytes trong tthc.yaml); hãy chia thư mục."
            )
        source = _json_source(_json(file, limits), str(file), limits)
        if source.kind != "records":
            raise SourceError(
                f"{file}: thư mục nguồn chỉ chứa bản ghi Cổng DVC quốc gia; cho danh sách của Bộ thành một nguồn riêng."
            )
        records.extend(source.records)
        if len(records) > limits.max_import_rows:
            raise SourceError(
                f"{name}: hơn {number_text(limits.max_import_rows)} bản ghi (limits.max_import_rows trong tthc.yaml); "
                "hãy chia thư mục."
            )
    return Source(name, "records", records=tuple(records))


def _decision(path: Path, name: str, limits: Limits) -> Source:
    """A ministry's decision in the catalogue's decision schema: its number and the date it takes effect."""
    from tthc.loader import load
    from tthc.records import build_decision

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{name}: không đọc được tệp ({error.strerror}).") from error
    loaded = load(path.name, "decision", raw, limits)
    problem = next(iter(loaded.findings), None)
    if loaded.document.data is None or problem is not None:
        where = f", dòng {problem.line}" if problem is not None and problem.line else ""
        said = problem.message if problem is not None else "tệp rỗng"
        raise SourceError(f"{name}{where}: không đọc được quyết định ({said}); sửa tệp rồi chạy lại.")
    decision = build_decision(path.name, loaded.document.data)
    if not decision.number or decision.effective is None:
        raise SourceError(
            f"{name}: quyết định cần number và effective (ngày có hiệu lực) để tính hạn; "
            "xem docs/catalogue.md, mục quyết định công bố."
        )
    return Source(name, "decision", decisions=(decision,))


def check_fields(sources: list[Source], settings: Settings) -> None:
    """Refuse a source that names no field tthc.yaml declares: another ministry's list, or the wrong catalogue."""
    declared = {text.fold(f.name) for f in settings.fields.values()}
    for source in sources:
        if source.kind == "decision":
            continue
        names = {e.field for e in source.entries} | {portal.clean(r.get("linh_vuc", "")) for r in source.records}
        names.discard("")
        if names and not {text.fold(n) for n in names} & declared:
            ministries = sorted({e.ministry for e in source.entries if e.ministry})
            whose = f"danh sách của {', '.join(ministries)}" if ministries else "các bản ghi"
            raise SourceError(
                f"{source.name}: {whose} không có lĩnh vực nào mà tthc.yaml khai báo (nguồn có: "
                f"{text.clip('; '.join(sorted(names)), 120)}); hãy chọn danh sách của Bộ quản lý các lĩnh vực của "
                "tỉnh, hoặc khai báo lĩnh vực trong fields của tthc.yaml."
            )
