"""What every diff writer receives, and the wording they share.

A writer turns a :class:`~tthc.changes.ChangeSet` into bytes (UTF-8 text, or a
Word file): one signature for every format lets the command write any of them
to stdout or, atomically, to a file. :func:`show` says a changed value the way
Vietnamese documents do ("05 ngày làm việc", "50.000 đồng", "Miễn phí"),
with :mod:`tthc.wording`, once for the text and Markdown writers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tthc import wording
from tthc.changes import Change, ChangeSet
from tthc.model import Settings
from tthc.rules.announcement_rules import Unannounced


@dataclass(frozen=True)
class Context:
    old_label: str = ""
    new_label: str = ""
    color: bool = False
    """Colour for a person at a terminal; plain when piped or written to a file."""
    width: int | None = None
    unannounced: tuple[Unannounced, ...] | None = None
    """Set when ``--require-decisions`` was asked: the offences, possibly none."""


Writer = Callable[[ChangeSet, Context], bytes]

GROUPS = {
    "new": "Mới ban hành",
    "amended": "Sửa đổi, bổ sung, thay thế",
    "abolished": "Bãi bỏ",
}
"""The three legal groups of an announcement decision (DOMAIN.md section 3)."""

KIND_LABELS = {"changed": "sửa", "added": "thêm", "removed": "bỏ", "reordered": "đổi thứ tự"}


def show(change: Change, value: Any, settings: Settings | None = None) -> str:
    """One side of a change as a person reads it."""
    if value is None:
        return "—"
    last = change.path.rsplit(".", 1)[-1]
    if change.component == "time" and isinstance(value, Mapping):
        return wording.duration_statement(wording.duration_of(value))
    if change.component == "fee" and isinstance(value, Mapping):
        return wording.fee_statement(wording.fee_of(value))
    if change.component == "agencies" and isinstance(value, str) and settings is not None:
        agency = settings.agencies.get(value)
        return agency.name if agency else value
    if change.component == "field" and isinstance(value, str) and settings is not None:
        known = settings.fields.get(value)
        return known.name if known else value
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        return wording.two_digits(value) if last in ("originals", "copies", "sets") else str(value)
    if isinstance(value, list):
        return "; ".join(show(change, v, settings) for v in value)
    if isinstance(value, Mapping):
        return _record_text(value)
    return str(value)


def _record_text(value: Mapping[str, Any]) -> str:
    """A whole record that was added or removed: a method, a dossier item, a legal text."""
    if "channel" in value:
        parts = [str(value["channel"])]
        if isinstance(value.get("time"), Mapping):
            parts.append(wording.duration_statement(wording.duration_of(value["time"])))
        if isinstance(value.get("fee"), Mapping):
            parts.append(wording.fee_statement(wording.fee_of(value["fee"])))
        return ", ".join(p for p in parts if p)
    if "items" in value:
        items = [str(i.get("name", "")) for i in value.get("items", []) if isinstance(i, Mapping)]
        return f"{value.get('case', '')}: {'; '.join(items)}".strip(": ")
    if "number" in value:
        return " ".join(str(value[k]) for k in ("type", "number") if value.get(k)) + (
            f" ({value['title']})" if value.get("title") else ""
        )
    if "name" in value:
        extra = []
        if value.get("originals"):
            extra.append(f"bản chính: {wording.two_digits(value['originals'])}")
        if value.get("copies"):
            extra.append(f"bản sao: {wording.two_digits(value['copies'])}")
        if value.get("code"):
            extra.append(str(value["code"]))
        return str(value["name"]) + (f" ({', '.join(extra)})" if extra else "")
    return "; ".join(f"{k}: {v}" for k, v in value.items())


def settings_of(changes: ChangeSet) -> Settings:
    """The settings that name agencies and fields: the new side's, else the old side's."""
    if changes.after is not None:
        return changes.after.settings
    if changes.before is not None:
        return changes.before.settings
    return Settings()
