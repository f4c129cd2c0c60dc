"""What every diff writer receives, and the wording they share.

A writer turns a :class:`~tthc.changes.ChangeSet` into bytes (UTF-8 text, or a
Word file): one signature for every format lets the command write any of them
to stdout or, atomically, to a file. The helpers here say a duration, a fee or
a changed value the way Vietnamese documents do ("05 ngày làm việc",
"50.000 đồng", "Miễn phí"), once for the text, Markdown and annex writers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tthc import text
from tthc.changes import Change, ChangeSet
from tthc.model import Settings
from tthc.rules.announcement_rules import Unannounced
from tthc.templating import money


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


def two_digits(value: float) -> str:
    """05, 10, 0,5: Vietnamese documents write small whole counts with two digits."""
    if float(value).is_integer():
        whole = int(value)
        return f"{whole:02d}" if 0 <= whole < 10 else str(whole)
    return str(value).replace(".", ",")


def duration_text(value: Any) -> str:
    """A duration (model object or its plain dict) as a document writes it."""
    data = _mapping(value)
    if not data:
        return ""
    amount, unit, note = data.get("value"), str(data.get("unit") or ""), str(data.get("note") or "")
    said = f"{two_digits(amount)} {unit}".strip() if isinstance(amount, int | float) else unit
    said = said[:1].upper() + said[1:] if said and not isinstance(amount, int | float) else said
    return f"{said} ({note})" if note and said else (said or note)


def fee_text(value: Any) -> str:
    """A fee: "50.000 đồng", "25 USD", "Miễn phí", with its note and basis."""
    data = _mapping(value)
    if not data:
        return ""
    note, basis = str(data.get("note") or ""), str(data.get("basis") or "")
    amount = data.get("amount")
    if data.get("free"):
        said = "Miễn phí"
    elif isinstance(amount, int | float):
        currency = str(data.get("currency") or "VND")
        said = f"{money(amount)} {'đồng' if currency == 'VND' else currency}"
    else:
        said = ""
    if said and note and said.split()[0] in note:
        said = ""  # the note already states the amount ("8.000 đồng/bản sao")
    parts = [p for p in (said, note) if p]
    out = "; ".join(parts)
    return f"{out} (theo {basis})" if basis else out


def _mapping(value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    return {k: getattr(value, k) for k in ("value", "unit", "note", "amount", "currency", "free", "basis") if hasattr(value, k)}


def show(change: Change, value: Any, settings: Settings | None = None) -> str:
    """One side of a change as a person reads it."""
    if value is None:
        return "—"
    last = change.path.rsplit(".", 1)[-1]
    if change.component == "time" and isinstance(value, Mapping):
        return duration_text(value)
    if change.component == "fee" and isinstance(value, Mapping):
        return fee_text(value)
    if change.component == "agencies" and isinstance(value, str) and settings is not None:
        agency = settings.agencies.get(value)
        return agency.name if agency else value
    if change.component == "field" and isinstance(value, str) and settings is not None:
        known = settings.fields.get(value)
        return known.name if known else value
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        return two_digits(value) if last in ("originals", "copies", "sets") else str(value)
    if isinstance(value, list):
        return "; ".join(show(change, v, settings) for v in value)
    if isinstance(value, Mapping):
        return _record_text(value)
    return str(value)


def _record_text(value: Mapping[str, Any]) -> str:
    """A whole record that was added or removed: a method, a dossier item, a legal text."""
    if "channel" in value:
        parts = [str(value["channel"])]
        if value.get("time"):
            parts.append(duration_text(value["time"]))
        if value.get("fee"):
            parts.append(fee_text(value["fee"]))
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
            extra.append(f"bản chính: {two_digits(value['originals'])}")
        if value.get("copies"):
            extra.append(f"bản sao: {two_digits(value['copies'])}")
        if value.get("code"):
            extra.append(str(value["code"]))
        return str(value["name"]) + (f" ({', '.join(extra)})" if extra else "")
    return "; ".join(f"{k}: {v}" for k, v in value.items())


def by_name(items: list[Any], name: Callable[[Any], str]) -> list[Any]:
    """Vietnamese alphabetical order, then code, for every list a person reads."""
    return sorted(items, key=lambda item: (text.sort_key(name(item)), getattr(item, "code", "")))


def settings_of(changes: ChangeSet) -> Settings:
    """The settings that name agencies and fields: the new side's, else the old side's."""
    if changes.after is not None:
        return changes.after.settings
    if changes.before is not None:
        return changes.before.settings
    return Settings()
