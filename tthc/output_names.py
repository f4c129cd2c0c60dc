"""Names of output files and folders, made from catalogue text that nobody may trust.

A procedure code, a decision number or an agency id becomes a file name; it
must never climb out of its folder, collide with another on a
case-insensitive file system, or exceed what file systems accept. Pure
functions; the writers only join these names to their output folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tthc import text
from tthc.layout import is_safe_name
from tthc.model import Decision, Procedure

PROCEDURE_DIR = "thu-tuc"
"""Folder of the per-procedure pages, in the site and among the sheets."""
DECISION_DIR = "quyet-dinh"
"""Folder of the per-decision pages of the site."""
LIST_DIR = "danh-muc"
"""Folder of the posting lists (one per level and per one-stop shop)."""
BUNDLE_DIR = "ban-in"
"""Folder of the print-ready PDF bundles (``--pdf``): a cover, then every sheet of a list."""

def file_name(code: str) -> str:
    """A file name (without extension) for a procedure code or any identifier.

    Codes are validated ("1.001193", "2.000884.000.00.00.H55", "TAM-12"),
    but the writer must not trust that: anything with a slash, a backslash,
    a leading dot or ".." is reduced to an ASCII slug, so an output path can
    never climb out of its folder whatever the catalogue says.
    """
    if len(code) <= 100 and is_safe_name(code):
        return code
    return slug_name(code, "khong-ma")


MAX_NAME = 100
"""Characters of an output file name made from catalogue text: file systems stop at 255 bytes."""


def slug_name(value: str, fallback: str) -> str:
    """An ASCII file name from any text, short enough for every file system (see :data:`MAX_NAME`)."""
    return text.slug(value)[:MAX_NAME].strip("-") or fallback


def unique_names(names: Iterable[str]) -> list[str]:
    """Make names unique by suffixing -2, -3 … to repeats, in order."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        candidate, n = name, 1
        while candidate.lower() in seen:  # case-insensitive file systems exist
            n += 1
            candidate = f"{name}-{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out

def procedure_names(procedures: Sequence[Procedure]) -> dict[str, str]:
    """Code → safe, unique output file name (without extension)."""
    return dict(zip((p.code for p in procedures), unique_names(file_name(p.code) for p in procedures), strict=True))


def decision_names(decisions: Sequence[Decision]) -> dict[str, str]:
    """Decision number → safe, unique file name: "2150/QĐ-UBND" → "2150-qd-ubnd"."""
    return dict(
        zip(
            (d.number for d in decisions),
            unique_names(slug_name(d.number, "quyet-dinh") for d in decisions),
            strict=True,
        )
    )

