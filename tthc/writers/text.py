"""For people at a terminal: the change grouped as an announcement decision groups it.

Coloured in a terminal and plain when piped (the context says which); in plain
mode a word-level diff is written ``[-bỏ-]{+thêm+}`` as ``git diff
--word-diff`` does, so it survives a log file. Catalogue text goes through
:func:`tthc.text.printable` (``p``): diff reads files nobody has validated,
and an escape code in a name must not rewrite the reviewer's terminal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from tthc.changes import Amended, Change, ChangeSet, Replaced
from tthc.model import Procedure, Settings
from tthc.rules.announcement_rules import Unannounced
from tthc.text import printable as p
from tthc.wording import date_text, in_vietnamese_order, percent_text
from tthc.writers.base import GROUPS, KIND_LABELS, Context, settings_of, show


def write(changes: ChangeSet, context: Context) -> bytes:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=context.color,
        no_color=not context.color,
        highlight=False,
        soft_wrap=not context.color,
        width=context.width or (200 if not context.color else None),
        emoji=False,
    )
    settings = settings_of(changes)
    old_settings = changes.before.settings if changes.before is not None else settings
    console.print(Text.assemble(("So sánh ", "bold"), p(context.old_label or "OLD"), " → ", p(context.new_label or "NEW")))
    if changes.empty:
        console.print(
            Text.assemble(("✓ Không có khác biệt", "bold green"), f" ({changes.unchanged} thủ tục không đổi).")
        )
    else:
        _listed(console, "new", changes.new, settings)
        _amended(console, changes, settings, old_settings, context.color)
        _listed(console, "abolished", changes.abolished, old_settings)
        _decisions(console, changes)
    if changes.moved:
        console.print()
        console.print(Text(f"Tệp di chuyển, nội dung không đổi ({len(changes.moved)}):", style="dim"))
        for moved in changes.moved:
            console.print(Text(p(f"  {moved.code}  {moved.old_file} → {moved.new_file}"), style="dim"))
    if not changes.empty:
        console.print()
        s = changes.summary()
        console.print(
            Text.assemble(
                ("Tóm tắt: ", "bold"),
                f"{s['new']} mới, {s['amended']} sửa đổi, {s['replaced']} thay thế, {s['abolished']} bãi bỏ,"
                f" {s['unchanged']} không đổi; quyết định: {len(changes.decisions_added)} thêm,"
                f" {len(changes.decisions_changed)} sửa, {len(changes.decisions_removed)} bỏ.",
            )
        )
    if context.unannounced is not None:
        console.print()
        write_unannounced(console, context.unannounced)
    return buffer.getvalue().encode("utf-8")


def _heading(console: Console, title: str, count: int, style: str) -> None:
    console.print()
    console.print(Text.assemble((title.upper(), f"bold {style}"), f" ({count})"))


def _where(proc: Procedure, settings: Settings) -> str:
    field = settings.fields.get(proc.field)
    return p(" · ".join(part for part in (", ".join(proc.levels), field.name if field else proc.field) if part))


def _listed(console: Console, group: str, procedures: Sequence[Procedure], settings: Settings) -> None:
    """New or abolished procedures: one line each, in Vietnamese order of their names."""
    if not procedures:
        return
    sign, colour = ("+", "green") if group == "new" else ("-", "red")
    _heading(console, GROUPS[group], len(procedures), colour)
    for proc in in_vietnamese_order(list(procedures), lambda p: p.name):
        console.print(Text.assemble((f"  {sign} ", colour), (p(proc.code), "bold"), f"  {p(proc.name)}", (f"  [{_where(proc, settings)}]", "dim")))


def _amended(console: Console, changes: ChangeSet, settings: Settings, old_settings: Settings, color: bool) -> None:
    items: list[Amended | Replaced] = [*changes.amended, *changes.replaced]
    if not items:
        return
    _heading(console, GROUPS["amended"], len(items), "yellow")
    for item in in_vietnamese_order(items, lambda i: i.new.name):
        if isinstance(item, Replaced):
            why = (
                f"thay thế, đoán theo tên gần giống ({percent_text(100 * item.similarity)}): cần xác nhận"
                if item.guessed
                else p(f"thay thế theo {item.decision}" + (f" ({item.by})" if item.by else ""))
            )
            console.print(
                Text.assemble(
                    ("  ⇄ ", "yellow"), (p(item.old.code), "bold"), " → ", (p(item.new.code), "bold"),
                    f"  {p(item.new.name)}", (f"  [{why}]", "dim"),
                )
            )  # fmt: skip
            if item.old.name != item.new.name:
                console.print(Text(f"      thay cho: {p(item.old.name)}", style="dim"))
            continue
        tag = "được cấp mã, " + f"trước là {p(item.old.code)}" if item.code_assigned else ""
        editorial = "" if item.legal else "chỉ sửa biên tập"
        note = "; ".join(p for p in (tag, editorial) if p)
        console.print(
            Text.assemble(("  ~ ", "yellow"), (p(item.code), "bold"), f"  {p(item.name)}", (f"  [{note}]" if note else "", "dim"))
        )
        for change in item.changes:
            console.print(_change_line(change, settings, old_settings, color))
            if change.words:
                console.print(_words(change, color))


def _change_line(change: Change, settings: Settings, old_settings: Settings, color: bool) -> Text:
    line = Text("      ")
    line.append(p(change.label), style="cyan")
    line.append(f"  {p(change.path)}", style="dim")
    line.append(f" ({KIND_LABELS[change.kind]}{', biên tập' if change.editorial else ''})", style="dim")
    if change.words:
        return line
    line.append(": ")
    if change.kind == "added":
        line.append(p(show(change, change.new, settings)), style="green")
    elif change.kind == "removed":
        line.append(p(show(change, change.old, old_settings)), style="red")
    else:
        line.append(p(show(change, change.old, old_settings)), style="red")
        line.append(" → ")
        line.append(p(show(change, change.new, settings)), style="green")
    return line


def _words(change: Change, color: bool) -> Text:
    line = Text("        ")
    for op in change.words:
        if op.op == "=":
            line.append(p(op.text))
            continue
        lead, body = (" " if op.text[:1].isspace() else ""), p(op.text.strip())
        line.append(lead)
        if color:
            line.append(body, style="red strike" if op.op == "-" else "bold green")
        else:
            line.append(f"[-{body}-]" if op.op == "-" else f"{{+{body}+}}")
    return line




def _decisions(console: Console, changes: ChangeSet) -> None:
    rows = [
        *(("+", "green", d) for d in changes.decisions_added),
        *(("~", "yellow", d) for d in changes.decisions_changed),
        *(("-", "red", d) for d in changes.decisions_removed),
    ]
    if not rows:
        return
    _heading(console, "Quyết định công bố", len(rows), "blue")
    for mark, style, decision in rows:
        date = date_text(decision.signed)
        console.print(Text.assemble((f"  {mark} ", style), (p(decision.number), "bold"), p(f"  {date}  {decision.title}".rstrip())))


def write_unannounced(console: Console, offences: tuple[Unannounced, ...]) -> None:
    """The verdict of ``--require-decisions``: shared with the command for other formats."""
    if not offences:
        console.print(
            Text.assemble(("✓ Mọi thay đổi pháp lý đều có quyết định công bố", "bold green"), " trong khoảng so sánh.")
        )
        return
    console.print(
        Text.assemble(
            ("✗ Thay đổi chưa có quyết định công bố", "bold red"),
            f" ({len(offences)} thủ tục): mỗi thủ tục mới, sửa đổi nội dung pháp lý, thay thế hay bãi bỏ phải được"
            " nêu trong một quyết định được thêm (hoặc sửa) trong cùng khoảng so sánh.",
        )
    )
    for offence in offences:
        console.print(Text.assemble("  ", (p(offence.code), "bold"), f"  {p(offence.name)}"))
        console.print(Text(f"      → {p(offence.message)}", style="yellow"))
