"""For a pull-request comment and ``$GITHUB_STEP_SUMMARY``: the change as reviewers read it.

GitHub renders Markdown tables and ``<details>``; each amended procedure folds
its list of changed components so that a large reform stays readable. All
catalogue text is escaped: names come from many hands and must not turn into
links, HTML or broken tables.
"""

from __future__ import annotations

import html
import re

from tthc.changes import Amended, Change, ChangeSet, Replaced
from tthc.model import Procedure, Settings
from tthc.wording import date_text, in_vietnamese_order, percent_text
from tthc.writers.base import GROUPS, KIND_LABELS, Context, settings_of, show

_SPECIAL = re.compile(r"([\\`*_{}\[\]|~#!])")


def md(value: str) -> str:
    """Escape text for a Markdown table cell: no markup, no HTML, no line breaks."""
    value = _SPECIAL.sub(r"\\\1", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(value.split())


def code(value: str) -> str:
    """Inline code for a table cell: a backtick or line break in the text must not end it, nor a pipe the cell.

    Codes come from files that diff reads without validating them, so a code
    may hold anything; inside a code span nothing else is markup.
    """
    return "`" + " ".join(value.replace("`", "'").split()).replace("|", "\\|") + "`"


def write(changes: ChangeSet, context: Context) -> bytes:
    settings = settings_of(changes)
    old_settings = changes.before.settings if changes.before is not None else settings
    out: list[str] = [f"### tthc diff: {md(context.old_label or 'OLD')} → {md(context.new_label or 'NEW')}", ""]
    s = changes.summary()
    if changes.empty:
        out += [f"✅ Không có khác biệt ({s['unchanged']} thủ tục không đổi).", ""]
    else:
        out += [
            "| Mới ban hành | Sửa đổi, bổ sung | Thay thế | Bãi bỏ | Không đổi |",
            "|---:|---:|---:|---:|---:|",
            f"| {s['new']} | {s['amended']} | {s['replaced']} | {s['abolished']} | {s['unchanged']} |",
            "",
        ]
        out += _procedures(GROUPS["new"], list(changes.new), settings)
        out += _amended(changes, settings, old_settings)
        out += _procedures(GROUPS["abolished"], list(changes.abolished), old_settings)
        out += _decisions(changes)
    if changes.moved:
        out += [
            f"<sub>{len(changes.moved)} tệp di chuyển, nội dung không đổi: "
            + ", ".join(f"{md(m.code)} ({md(m.old_file)} → {md(m.new_file)})" for m in changes.moved)
            + "</sub>",
            "",
        ]
    if context.unannounced is not None:
        out += _unannounced(context)
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


def _where(proc: Procedure, settings: Settings) -> tuple[str, str]:
    field = settings.fields.get(proc.field)
    return ", ".join(proc.levels), field.name if field else proc.field


def _procedures(title: str, procs: list[Procedure], settings: Settings) -> list[str]:
    if not procs:
        return []
    out = [f"#### {title} ({len(procs)})", "", "| Mã | Tên thủ tục | Cấp thực hiện | Lĩnh vực |", "|---|---|---|---|"]
    for proc in in_vietnamese_order(procs, lambda p: p.name):
        level, field = _where(proc, settings)
        out.append(f"| {code(proc.code)} | {md(proc.name)} | {md(level)} | {md(field)} |")
    return [*out, ""]


def _amended(changes: ChangeSet, settings: Settings, old_settings: Settings) -> list[str]:
    items: list[Amended | Replaced] = [*changes.amended, *changes.replaced]
    if not items:
        return []
    out = [f"#### {GROUPS['amended']} ({len(items)})", ""]
    for item in in_vietnamese_order(items, lambda i: i.new.name):
        if isinstance(item, Replaced):
            why = (
                f"⚠️ đoán theo tên gần giống ({percent_text(100 * item.similarity)}), cần xác nhận"
                if item.guessed
                else f"theo {md(item.decision)}" + (f" ({md(item.by)})" if item.by else "")
            )
            out += [
                f"- **Thay thế** {code(item.old.code)} → {code(item.new.code)} {md(item.new.name)}: {why}"
                + (f"; thay cho “{md(item.old.name)}”" if item.old.name != item.new.name else ""),
                "",
            ]
            continue
        labels = ", ".join(_label(c) for c in _components(item))
        tags = []
        if item.code_assigned:
            tags.append(f"được cấp mã, trước là {item.old.code}")
        if not item.legal:
            tags.append("chỉ sửa biên tập")
        tag = f" <i>({html.escape('; '.join(tags))})</i>" if tags else ""
        out += [
            # GitHub does not render Markdown inside <summary>: escape as HTML only there.
            f"<details><summary><b>{html.escape(item.code)}</b> {html.escape(item.name)}: {html.escape(labels)}{tag}</summary>",
            "",
            "| Thành phần | Vị trí | Loại | Cũ | Mới |",
            "|---|---|---|---|---|",
        ]
        for change in item.changes:
            kind = KIND_LABELS[change.kind] + (", biên tập" if change.editorial else "")
            if change.words:
                old = "".join(md(o.text) if o.op == "=" else f" ~~{md(o.text)}~~ " for o in change.words if o.op != "+")
                new = "".join(md(o.text) if o.op == "=" else f" **{md(o.text)}** " for o in change.words if o.op != "-")
            else:
                old, new = md(show(change, change.old, old_settings)), md(show(change, change.new, settings))
            out.append(f"| {md(change.label)} | {code(change.path)} | {kind} | {old} | {new} |")
        out += ["", "</details>", ""]
    return out


def _components(item: Amended) -> list[Change]:
    seen: dict[str, Change] = {}
    for change in item.changes:
        seen.setdefault(change.component, change)
    return list(seen.values())


def _label(change: Change) -> str:
    return change.label


def _decisions(changes: ChangeSet) -> list[str]:
    rows = [
        *(("thêm", d) for d in changes.decisions_added),
        *(("sửa", d) for d in changes.decisions_changed),
        *(("bỏ", d) for d in changes.decisions_removed),
    ]
    if not rows:
        return []
    out = [f"#### Quyết định công bố ({len(rows)})", "", "| | Số | Ngày ký | Trích yếu |", "|---|---|---|---|"]
    for kind, d in rows:
        date = date_text(d.signed)
        out.append(f"| {kind} | {md(d.number)} | {date} | {md(d.title)} |")
    return [*out, ""]


def _unannounced(context: Context) -> list[str]:
    offences = context.unannounced or ()
    if not offences:
        return ["✅ Mọi thay đổi pháp lý đều có quyết định công bố trong khoảng so sánh.", ""]
    out = [
        f"#### ❌ Thay đổi chưa có quyết định công bố ({len(offences)})",
        "",
        "| Mã | Tên thủ tục | Cần bổ sung |",
        "|---|---|---|",
    ]
    for o in offences:
        out.append(f"| {code(o.code)} | {md(o.name)} | {md(o.message)} |")
    return [*out, ""]
