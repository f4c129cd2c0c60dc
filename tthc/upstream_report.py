"""The report of ``tthc upstream`` in each format: text, json, markdown, xlsx.

One signature for every format, ``write(report, settings, color) -> bytes``,
so the command writes any of them to stdout or, atomically, to a file; the
registry :data:`FORMATS` names them. Values are said as ``tthc diff`` says
them (:func:`tthc.writers.base.show`, :mod:`tthc.wording`); procedures are
listed overdue first, then by group, then by code (the report's order);
names of sources, fields and ministries in Vietnamese order. The JSON is a
documented contract (docs/upstream.md). Nothing here prints.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from tthc.changes import Change
from tthc.model import Settings
from tthc.text import clip
from tthc.text import printable as p
from tthc.upstream import GROUPS, Group, Item, Scope, UpstreamReport
from tthc.wording import date_text, number_text
from tthc.writers.base import KIND_LABELS, show

__all__ = ["FORMATS", "GROUP_LABELS", "NEEDS_FILE", "as_json", "change_line", "item_lines"]

GROUP_LABELS: dict[Group, str] = {
    "adopt": "Chưa công bố (cần công bố mới)",
    "amend": "Cần sửa đổi, bổ sung",
    "abolish": "Cần bãi bỏ",
    "local": "Chỉ có ở tỉnh (mã tạm, chưa có mã quốc gia)",
    "skipped": "Tỉnh không thực hiện (bỏ qua theo tthc.yaml)",
    "not_in_source": "Không có trong nguồn (chưa đối chiếu được)",
}
"""The groups as the report names them: the first three are those of an announcement decision."""

KIND_OF_SOURCE = {"records": "bản ghi Cổng DVC quốc gia", "list": "danh sách thủ tục đầy đủ của Bộ"}

Writer = Callable[[UpstreamReport, Settings, bool], bytes]


# --------------------------------------------------------------------------
# Wording shared by the formats
# --------------------------------------------------------------------------


def _names(values: Sequence[str], limit: int = 8) -> str:
    shown = list(values[:limit])
    more = len(values) - len(shown)
    return "; ".join(shown) + (f" và {number_text(more)} lĩnh vực khác" if more > 0 else "")


def scope_lines(scope: Scope, settings: Settings) -> list[str]:
    """What one source covered, in words: nobody should read silence as "nothing to do"."""
    lines = [
        f"{scope.source} ({KIND_OF_SOURCE[scope.kind]}): {number_text(scope.procedures)} thủ tục, "
        f"{number_text(scope.compared)} thuộc lĩnh vực và cấp của tỉnh."
    ]
    if scope.ministries:
        lines.append(f"  Bộ, ngành: {'; '.join(scope.ministries)}")
    ours = [f for f in scope.fields if f not in scope.other_fields]
    lines.append(f"  Lĩnh vực của tỉnh có trong nguồn: {'; '.join(ours) or 'không có'}")
    lines.append(f"  Cấp của tỉnh có trong nguồn: {', '.join(scope.levels) or 'không có'}")
    if scope.other_fields:
        lines.append(
            f"  Không so (lĩnh vực tthc.yaml không khai báo, {number_text(len(scope.other_fields))}): "
            + _names(scope.other_fields)
        )
    if scope.unknown_level:
        lines.append(
            f"  Không rõ cấp thực hiện (danh sách không ghi cơ quan thực hiện, không có bản ghi): "
            f"{', '.join(scope.unknown_level)}"
        )
    lines.extend(f"  Không đọc được {reason}" for reason in scope.unreadable)
    if scope.kind == "records":
        lines.append("  Bản ghi chỉ cho biết nội dung: thủ tục thiếu trong bản ghi không bị coi là cần bãi bỏ.")
    return lines


def deadline_text(item: Item) -> str:
    if item.effective is None or item.days_left is None:
        return ""
    when = date_text(item.effective)
    if item.days_left < 0:
        return f"hiệu lực {when}, đã quá {number_text(-item.days_left)} ngày"
    if item.days_left == 0:
        return f"hiệu lực {when}, hôm nay"
    return f"hiệu lực {when}, còn {number_text(item.days_left)} ngày"


def field_text(item: Item, settings: Settings) -> str:
    found = settings.fields.get(item.field)
    return found.name if found else item.field


def change_line(change: Change, settings: Settings, limit: int = 300) -> str:
    """One difference as ``tthc diff`` names it: component (path): kind: province → national."""
    old, new = clip(show(change, change.old, settings), limit), clip(show(change, change.new, settings), limit)
    said = {"added": f"quốc gia có: {new}", "removed": f"tỉnh có, quốc gia không có: {old}"}.get(
        change.kind, f"{old} → {new}"
    )
    return f"{change.label} ({change.path}): {KIND_LABELS[change.kind]}: {said}"


def item_lines(item: Item, settings: Settings) -> tuple[str, list[tuple[str, str]]]:
    """The item's heading and its detail lines, each with its kind (change, problem, gap, note)."""
    parts = [item.code, item.name]
    where = " · ".join(x for x in (field_text(item, settings), item.ministry) if x)
    heading = " ".join(parts) + (f" [{where}]" if where else "")
    details: list[tuple[str, str]] = []
    if item.announced_by:
        details.append(("note", f"Quyết định công bố của Bộ: {', '.join(item.announced_by)}"))
    if (deadline := deadline_text(item)):
        details.append(("deadline" if (item.days_left or 0) >= 0 else "overdue", deadline.capitalize()))
    if item.reason:
        details.append(("note", item.reason[:1].upper() + item.reason[1:]))
    details += [("change", change_line(c, settings)) for c in item.changes]
    details += [("problem", f"Lỗi ({pr.path}): {pr.message}") for pr in item.problems]
    details += [("gap", f"Không so được ({g.path}): {g.reason}") for g in item.not_compared]
    return heading, details


def summary_text(report: UpstreamReport) -> str:
    counts = {group: len(report.group(group)) for group in GROUPS}
    return (
        f"Tóm tắt: {counts['adopt']} cần công bố mới, {counts['amend']} cần sửa đổi, bổ sung, "
        f"{counts['abolish']} cần bãi bỏ, {counts['local']} chỉ có ở tỉnh, {counts['skipped']} bỏ qua, "
        f"{counts['not_in_source']} không có trong nguồn; {len(report.unchanged)} thủ tục khớp bản ghi quốc gia."
    )


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------

_STYLES = {"change": "", "problem": "bold red", "gap": "dim", "note": "dim", "deadline": "yellow",
           "overdue": "bold red"}  # fmt: skip
_GROUP_STYLES: dict[Group, str] = {"adopt": "green", "amend": "cyan", "abolish": "red", "local": "magenta",
                                   "skipped": "dim", "not_in_source": "dim"}  # fmt: skip


def write_text(report: UpstreamReport, settings: Settings, color: bool) -> bytes:
    """Grouped as a decision groups procedures; coloured for a person at a terminal, plain when piped."""
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, highlight=False,
                      soft_wrap=not color, width=None if color else 200, emoji=False)  # fmt: skip
    console.print(Text(f"Đối chiếu với Cơ sở dữ liệu quốc gia về TTHC, ngày {date_text(report.as_of)}", style="bold"))
    for scope in report.scopes:
        for i, line in enumerate(scope_lines(scope, settings)):
            console.print(Text(p(line), style="" if i == 0 else "dim"))
    if report.dates_from:
        console.print(Text(p("Ngày hiệu lực lấy từ: " + "; ".join(report.dates_from)), style="dim"))
    for group in GROUPS:
        items = report.group(group)
        if not items:
            continue
        console.print()
        console.print(Text.assemble((GROUP_LABELS[group].upper(), f"bold {_GROUP_STYLES[group]}"), f" ({len(items)})"))
        for item in items:
            heading, details = item_lines(item, settings)
            console.print(Text("  " + p(heading), style="bold" if group in ("adopt", "amend", "abolish") else ""))
            for kind, line in details:
                console.print(Text("      " + p(line), style=_STYLES[kind]))
    console.print()
    console.print(Text(summary_text(report), style="bold"))
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------

JSON_VERSION = 1


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "group": item.group,
        "code": item.code,
        "name": item.name,
        "field": item.field,
        "ministry": item.ministry,
        "announced_by": list(item.announced_by),
        "effective": item.effective.isoformat() if item.effective else None,
        "days_left": item.days_left,
        "reason": item.reason,
        "file": item.province.file if item.province is not None else None,
        "sources": list(item.sources),
        "changes": [
            {"component": c.component, "label": c.label, "path": c.path, "kind": c.kind, "old": c.old, "new": c.new}
            for c in item.changes
        ],
        "problems": [{"component": pr.component, "path": pr.path, "message": pr.message} for pr in item.problems],
        "not_compared": [{"path": g.path, "reason": g.reason} for g in item.not_compared],
    }


def as_json(report: UpstreamReport) -> dict[str, Any]:
    """The report as the documented JSON contract of ``tthc upstream --format json`` (docs/upstream.md)."""
    return {
        "version": JSON_VERSION,
        "as_of": report.as_of.isoformat(),
        "actionable": report.actionable,
        "sources": [
            {
                "source": s.source, "kind": s.kind, "ministries": list(s.ministries), "fields": list(s.fields),
                "levels": list(s.levels), "procedures": s.procedures, "compared": s.compared,
                "unknown_level": list(s.unknown_level), "other_fields": list(s.other_fields),
                "unreadable": list(s.unreadable),
            }
            for s in report.scopes
        ],
        "dates_from": list(report.dates_from),
        "summary": {**{group: len(report.group(group)) for group in GROUPS}, "unchanged": len(report.unchanged)},
        "items": [_item_json(item) for item in report.items],
        "unchanged": [item.code for item in report.unchanged],
    }


def write_json(report: UpstreamReport, settings: Settings, color: bool) -> bytes:
    return (json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def write_markdown(report: UpstreamReport, settings: Settings, color: bool) -> bytes:
    """For a pull request or ``$GITHUB_STEP_SUMMARY``: a table per group, differences folded per procedure."""
    from tthc.writers.markdown import code, md

    counts = {group: len(report.group(group)) for group in GROUPS}
    out = [f"### tthc upstream: đối chiếu với Cơ sở dữ liệu quốc gia ({date_text(report.as_of)})", ""]
    out += [
        "| Cần công bố mới | Cần sửa đổi, bổ sung | Cần bãi bỏ | Chỉ có ở tỉnh | Bỏ qua | Không có trong nguồn | Khớp |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {counts['adopt']} | {counts['amend']} | {counts['abolish']} | {counts['local']} | {counts['skipped']} "
        f"| {counts['not_in_source']} | {len(report.unchanged)} |",
        "",
    ]
    for scope in report.scopes:
        lines = scope_lines(scope, settings)
        out.append(f"- {md(lines[0])}")
        out += [f"  - {md(line.strip())}" for line in lines[1:]]
    out.append("")
    for group in GROUPS:
        items = report.group(group)
        if not items:
            continue
        out += [f"#### {md(GROUP_LABELS[group])} ({len(items)})", ""]
        out += ["| Mã | Tên thủ tục | Lĩnh vực | Bộ, quyết định công bố | Hạn | Ghi chú |", "|---|---|---|---|---|---|"]
        for item in items:
            decided = "; ".join(x for x in (item.ministry, ", ".join(item.announced_by)) if x)
            note = item.reason or (f"{len(item.changes)} khác biệt, {len(item.problems)} lỗi" if group == "amend" else "")
            out.append(
                f"| {code(item.code)} | {md(item.name)} | {md(field_text(item, settings))} | {md(decided)} "
                f"| {md(deadline_text(item))} | {md(note)} |"
            )
        out.append("")
        for item in items:
            _, details = item_lines(item, settings)
            shown = [(k, line) for k, line in details if k in ("change", "problem", "gap")]
            if not shown:
                continue
            out += [f"<details><summary>{code(item.code)} {md(item.name)}</summary>", ""]
            out += [f"- {'❌ ' if k == 'problem' else ''}{md(line)}" for k, line in shown]
            out += ["", "</details>", ""]
    out.append(md(summary_text(report)))
    return ("\n".join(out) + "\n").encode("utf-8")


# --------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------

XLSX_HEADERS = (
    "STT", "Nhóm", "Mã số TTHC", "Tên thủ tục", "Lĩnh vực", "Bộ, ngành", "Quyết định công bố của Bộ",
    "Ngày hiệu lực", "Số ngày còn lại", "Khác biệt (tỉnh → quốc gia)", "Lỗi", "Không so được", "Ghi chú",
)  # fmt: skip


def write_xlsx(report: UpstreamReport, settings: Settings, color: bool) -> bytes:
    """The list staff send to the Sở for review: one row per procedure, a sheet of sources; no cell is a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from tthc.tables import formula_safe
    from tthc.text import xml_safe

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Đối chiếu"
    sheet.append(list(XLSX_HEADERS))
    rows = 0
    for item in report.items:
        rows += 1
        sheet.append([
            rows, GROUP_LABELS[item.group], item.code, item.name, field_text(item, settings), item.ministry,
            ", ".join(item.announced_by), date_text(item.effective) if item.effective else "",
            item.days_left if item.days_left is not None else "",
            "\n".join(change_line(c, settings, 2000) for c in item.changes),
            "\n".join(f"{pr.path}: {pr.message}" for pr in item.problems),
            "\n".join(f"{g.path}: {g.reason}" for g in item.not_compared), item.reason,
        ])  # fmt: skip
    sources = workbook.create_sheet("Nguồn")
    sources.append(["Nguồn", "Phạm vi"])
    for scope in report.scopes:
        lines = scope_lines(scope, settings)
        sources.append([scope.source, "\n".join(line.strip() for line in lines)])
    for each in (sheet, sources):
        for row in each.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = xml_safe(cell.value)
                    cell.data_type = "s"  # text, even "=…": a value from a file is never a formula
                    if formula_safe(cell.value) != cell.value:
                        cell.quotePrefix = True  # and stays text when someone edits it in Excel
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in each[1]:
            cell.font = Font(bold=True)
        each.freeze_panes = "A2"
    widths = (6, 22, 12, 50, 22, 22, 22, 12, 10, 70, 40, 40, 30)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet["C"]:
        cell.number_format = "@"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(XLSX_HEADERS))}{rows + 1}"
    sources.column_dimensions["A"].width = 40
    sources.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FORMATS: dict[str, Writer] = {"text": write_text, "json": write_json, "markdown": write_markdown, "xlsx": write_xlsx}
NEEDS_FILE = frozenset({"xlsx"})
