"""Names written in a spreadsheet matched to the ids tthc.yaml declares: fields and agencies."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from tthc import text
from tthc.cells import header_key
from tthc.model import Catalogue

_key = functools.lru_cache(maxsize=4096)(header_key)
"""header_key of the names an import compares for every record (the catalogue's fields, --field-map)."""


@functools.lru_cache(maxsize=4096)
def _field_heading(value: str) -> str:
    """A field's name without its numbering and "Lĩnh vực"; kept, since every record of an import asks again."""
    folded = _key(value)
    folded = re.sub(r"^([ivxlcdm]+|[a-z]|\d+)\s+", "", folded)
    return re.sub(r"^linh vuc\s*", "", folded).strip()


def match_field(value: str, catalogue: Catalogue, field_map: Mapping[str, str]) -> str | None:
    """The field id for a spreadsheet's "Lĩnh vực" text: by --field-map, id, national code or name."""
    key = _field_heading(value)
    for name, field_id in field_map.items():
        if _field_heading(name) == key:
            return field_id
    for fid, info in catalogue.settings.fields.items():
        if key in (fid.replace("-", " "), _key(info.code), _field_heading(info.name)) and key:
            return fid
    return None


def suggest_field_id(value: str) -> str:
    return text.slug(_field_heading(value)) or "linh-vuc"


_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tp": "thanh pho"}


def _agency_key(value: str) -> str:
    words = header_key(value).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def match_agencies(value: str, catalogue: Catalogue) -> tuple[list[str], list[str]]:
    """Agency ids for a "Cơ quan thực hiện" cell: (ids found, names not declared in tthc.yaml)."""
    known = {_agency_key(a.name): a.id for a in catalogue.settings.agencies.values()}
    known.update({a.id.replace("-", " "): a.id for a in catalogue.settings.agencies.values()})
    ids: list[str] = []
    missing: list[str] = []
    for part in re.split(r"[;\n]+", text.nfc(value)):
        part = " ".join(part.split()).strip(" .,-–")
        if not part:
            continue
        key = _agency_key(part)
        agency = known.get(key)
        if agency is None:
            # "Sở Tư pháp" for "Sở Tư pháp tỉnh Quảng Trị": a unique completion of a short name.
            longer = {aid for name, aid in known.items() if name.startswith(key + " ")}
            agency = longer.pop() if len(longer) == 1 else None
        if agency is None:
            missing.append(part)
        elif agency not in ids:
            ids.append(agency)
    return ids, missing
