"""Choosing procedures for the sheets: ``--level``, ``--field``, ``--agency``, ``--code``."""

from __future__ import annotations

from dataclasses import dataclass

from tthc import collation, text
from tthc.model import Catalogue, Procedure
from tthc.procedure_view import agency_view, field_name, unique_procedures


class FilterError(ValueError):
    """A filter value names nothing in the catalogue; the message is for the user."""


@dataclass(frozen=True)
class Filters:
    """``--level``, ``--field``, ``--agency``, ``--code``: OR within one, AND across them."""

    levels: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.levels or self.fields or self.agencies or self.codes)


def _choices(known: dict[str, str]) -> str:
    """"Hộ tịch (ho-tich); Chứng thực (chung-thuc)": names contain commas, so a semicolon separates."""
    shown = {label if label == key else f"{label} ({key})" for key, label in known.items()}
    return "; ".join(collation.sort_vi(shown)) or "(không có)"


def _resolve(wanted: str, known: dict[str, str], what: str) -> str:
    """Match a filter value against ids and names, with or without diacritics."""
    if wanted in known:
        return wanted
    folded = text.fold(wanted)
    for key, label in known.items():
        if folded in (text.fold(key), text.fold(label)):
            return key
    raise FilterError(f"Không có {what} “{wanted}”. Có thể chọn: {_choices(known)}.")


def _resolve_level(wanted: str, level_names: set[str]) -> str:
    """"Cấp xã", "cap xa" and "xã" all name the commune level."""
    folded = text.fold(wanted)
    for level in level_names:
        if folded in (text.fold(level), text.fold(level.removeprefix("Cấp "))):
            return level
    raise FilterError(
        f"Không có cấp thực hiện “{wanted}”. Có thể chọn: {_choices({lv: lv for lv in level_names})}."
    )


def select(catalogue: Catalogue, filters: Filters) -> list[Procedure]:
    """The procedures the filters choose, in Vietnamese order.

    Levels match "Cấp xã", "cap xa" or just "xã"; fields and agencies match
    their id or their name. A value that names nothing is an error rather
    than an empty result, because an official who mistypes a field must not
    print an empty notice board.
    """
    procedures = unique_procedures(catalogue)
    if not filters:
        return procedures
    level_names = {level for p in procedures for level in p.levels} | set(catalogue.settings.levels)
    levels = {_resolve_level(v, level_names) for v in filters.levels}
    field_ids = {p.field for p in procedures} | set(catalogue.settings.fields)
    fields = {_resolve(v, {f: field_name(catalogue, f) for f in field_ids}, "lĩnh vực") for v in filters.fields}
    agency_ids = {a for p in procedures for _, _, a in p.agencies.all()} | set(catalogue.settings.agencies)
    agencies = {
        _resolve(v, {a: agency_view(catalogue, a)["name"] for a in agency_ids}, "cơ quan")
        for v in filters.agencies
    }
    codes = {c.strip() for c in filters.codes}
    unknown = sorted(codes - {p.code for p in procedures})
    if unknown:
        raise FilterError(f"Không có thủ tục mã {', '.join(f'“{c}”' for c in unknown)} trong danh mục.")
    chosen = [
        p
        for p in procedures
        if (not levels or levels.intersection(p.levels))
        and (not fields or p.field in fields)
        and (not agencies or agencies.intersection(a for _, _, a in p.agencies.all()))
        and (not codes or p.code in codes)
    ]
    if not chosen:
        raise FilterError("Không có thủ tục nào khớp đồng thời mọi bộ lọc đã chọn.")
    return chosen

