"""The catalogue's layout and identifiers: where each file lives, and what names it.

```
catalogue/
  tthc.yaml                                  settings of the catalogue
  procedures/<field>/<code>.yaml             one procedure per file
  decisions/<year>/<number with / → ->.yaml  one announcement decision per file
```

The layout is the contract between people and every command: validate,
diff and stats read the files it names, fmt formats exactly those, new and
import write new files where it says. Deciding it in one place is what keeps
``tthc fmt`` and ``tthc validate`` from disagreeing about a file.

A path's kind is decided by its place *relative to the catalogue root*: the
top folder (``procedures`` or ``decisions``) names it, so a field called
``decisions`` is still a field, and a folder above the root called
``decisions`` changes nothing. Nothing here reads a file's contents.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tthc import text

if TYPE_CHECKING:
    from tthc.model import Catalogue, Decision

SETTINGS_FILE = "tthc.yaml"
PROCEDURES = "procedures"
DECISIONS = "decisions"
YAML_SUFFIXES = (".yaml", ".yml")

PROCEDURE, DECISION, CATALOGUE = "procedure", "decision", "catalogue"
KINDS = (PROCEDURE, DECISION, CATALOGUE)
"""The kinds of catalogue file; each has its JSON Schema (``tthc schema <kind>``)."""

CODE = re.compile(r"^(\d\.\d{6}(\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?|TAM-[0-9A-Za-z-]{1,32})$")
"""A procedure code: national ``d.dddddd`` (with its local suffix) or provisional ``TAM-…``."""

DECISION_NUMBER = re.compile(r"^\d{1,5}/QĐ-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")
"""A decision number, as the schemas' decision_number: ``1234/QĐ-UBND``."""

DRAFT_NUMBER = re.compile(r"^DU-THAO-\d{8}(-\d{1,3})?$")
"""A draft's provisional number (``draft: true``): ``DU-THAO-<date drawn up>``, ``-2`` … when taken."""

CITED_NUMBER = re.compile(r"^(\d{1,5}/QĐ-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*|DU-THAO-\d{8}(-\d{1,3})?)$")
"""What a procedure's ``decisions`` may cite: a decision number or a draft's, until the draft is signed."""

TYPED_DECISION_NUMBER = re.compile(r"^\d{1,5}/Q[ĐD]-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$", re.IGNORECASE)
"""A decision number as staff type it; ``QD`` (no Vietnamese keyboard) is accepted for ``QĐ``."""

_LEGAL_SYMBOL_PART = r"[A-ZĐ](?:[A-ZĐ0-9]*[A-ZĐ][a-z]|[A-ZĐ0-9]*)"
_LEGAL_NUMBER = rf"\d{{1,4}}(?:\.\d{{1,3}})?/(?:\d{{4}}/)?{_LEGAL_SYMBOL_PART}(?:-{_LEGAL_SYMBOL_PART})*"
LEGAL_NUMBER = re.compile(rf"^{_LEGAL_NUMBER}$")
"""Số/năm/ký hiệu of a legal text: ``123/2015/NĐ-CP``, ``66.7/2025/NQ-CP``, ``60/2014/QH13``.

A part of the symbol is capitals and digits, and may end in one small letter
after two capitals: Thủ tướng's decisions are QĐ-TTg (TT is Thông tư), a
report TTr; a symbol in small letters (nđ-cp) or run into the next word
(NĐ-CPLuật) is still a mistake. The rule ``legal-number`` checks a file's
numbers against it and the spreadsheet importer finds numbers in a cell with
:data:`LEGAL_NUMBER_IN_TEXT`, so a number the importer writes is one the rule accepts."""

LEGAL_NUMBER_IN_TEXT = re.compile(rf"(?<![\w./])({_LEGAL_NUMBER})(?![\w-])")
""":data:`LEGAL_NUMBER` inside a sentence, whole: never the tail of ``66.7/…`` nor the head of ``NĐ-CPLuật``."""

SAFE_NAME = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z_-]|\.(?!\.))*")
"""A file or folder name that cannot climb out: no slash, no leading dot, no “..”."""


class UnsafeName(ValueError):
    """A field or code that cannot be a file name; the message (Vietnamese) says which and why."""


# --------------------------------------------------------------------------
# Kinds and the walk of a folder
# --------------------------------------------------------------------------


def kind_of(path: str) -> str | None:
    """The kind of a catalogue file from its path relative to the catalogue root (forward slashes)."""
    if path == SETTINGS_FILE:
        return CATALOGUE
    if not path.endswith(YAML_SUFFIXES):
        return None
    top = path.split("/", 1)[0]
    if top == PROCEDURES:
        return PROCEDURE
    if top == DECISIONS:
        return DECISION
    return None


def yaml_files(top: Path) -> Iterator[tuple[str, str]]:
    """Every YAML file under ``top`` as (path relative to it with forward slashes, full path), sorted.

    Hidden folders (``.git``, ``.github``) are skipped and links to folders
    not followed. Plain ``os`` calls on strings, not ``pathlib``: at 10,000
    files the objects pathlib builds per file cost more than reading the bytes.
    """
    root = os.fspath(top)
    entries: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        folder = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for name in filenames:
            if name.endswith(YAML_SUFFIXES):
                entries.append((name if folder == "." else f"{folder}/{name}", os.path.join(dirpath, name)))
    return iter(sorted(entries))


def settings_folder(folder: Path) -> Path | None:
    """The nearest folder from ``folder`` up that holds ``tthc.yaml``: the root of the catalogue ``folder`` is in."""
    for candidate in (folder, *folder.parents):
        if (candidate / SETTINGS_FILE).is_file():
            return candidate
    return None


def catalogue_root_of(path: Path) -> Path | None:
    """The root of the catalogue a file on disk belongs to, or None when nothing says.

    The nearest folder above it holding ``tthc.yaml``, as ``tthc validate``
    finds it; without one, the folder holding the innermost ``procedures`` or
    ``decisions`` folder on its path (a catalogue being put together, a
    fragment copied out).
    """
    folder = path.parent
    found = settings_folder(folder)
    if found is not None:
        return found
    for candidate in (folder, *folder.parents):
        if candidate.name in (PROCEDURES, DECISIONS):
            return candidate.parent
    return None


def kind_of_file(path: Path) -> str | None:
    """The kind of a file anywhere on disk: :func:`kind_of` of its path inside its catalogue."""
    path = path.absolute()
    root = catalogue_root_of(path)
    if root is None:
        return None
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return None
    return kind_of(rel)


# --------------------------------------------------------------------------
# Where a new file goes
# --------------------------------------------------------------------------


def is_safe_name(name: str) -> bool:
    return SAFE_NAME.fullmatch(name) is not None


def procedure_path(root: Path, field: str, code: str) -> Path:
    """Where a procedure lives: ``procedures/<field>/<code>.yaml`` (validate checks both names).

    The field id may come from ``--field-map`` or from a tthc.yaml that does
    not pass validation, so both names are checked here, where every writer
    of a new procedure passes: a field ``../../x`` must not put a file outside
    the catalogue. Raises :class:`UnsafeName`.
    """
    for what, name in (("lĩnh vực", field), ("mã thủ tục", code)):
        if not is_safe_name(name):
            raise UnsafeName(
                f"Không dùng được “{name}” làm tên thư mục hay tệp ({what}): chỉ chữ không dấu, số, “-”, “_” và “.”."
            )
    return root / PROCEDURES / field / f"{code}.yaml"


def decision_file_stem(number: str) -> str:
    """``1234/QĐ-UBND`` → ``1234-QĐ-UBND``: a decision number holds “/”, which a file name cannot."""
    return number.replace("/", "-")


def decision_file_name(number: str) -> str:
    return decision_file_stem(number) + ".yaml"


def decision_file(number: str, year: str) -> str:
    """A decision's path relative to the catalogue root: ``decisions/<year>/<number with / → ->.yaml``."""
    return f"{DECISIONS}/{year}/{decision_file_name(number)}"


def decision_path(root: Path, number: str, signed: str) -> Path:
    """Where a new decision goes, from its signing date (ISO ``YYYY-MM-DD``; else the folder ``khac``)."""
    year = signed[:4] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", signed) else "khac"
    return root / decision_file(number, year)


def number_of_file(path: str) -> str:
    """The decision number a decision file's name stands for (the first “-” back to “/”)."""
    stem = text.nfc(path.rsplit("/", 1)[-1]).rsplit(".", 1)[0]
    return stem.replace("-", "/", 1)


def normalise_decision_number(value: str) -> str:
    """NFC, upper case, and ``QD`` read as ``QĐ``, so that what staff type finds the file."""
    value = text.nfc(value.strip()).upper()
    return re.sub(r"/QD-", "/QĐ-", value)


# --------------------------------------------------------------------------
# Decision history
# --------------------------------------------------------------------------


def final_state(catalogue: Catalogue, date: dt.date | None = None) -> dict[str, tuple[str, Decision, str, int]]:
    """For each code the decisions in force list, its last word: ("present"|"gone", decision, group, index in group).

    Decisions are history, replayed in order of entry into force: a code
    announced in 2024 and abolished in 2026 is "gone". Only the decisions in
    force on ``date`` (default: the catalogue's date, :mod:`tthc.timeline`)
    count: a code a decision abolishes next year is still "present" today, and
    a draft, never in force, neither announces nor removes anything.
    """
    from tthc.timeline import catalogue_date, in_force

    date = date or catalogue_date(catalogue.settings)
    state: dict[str, tuple[str, Decision, str, int]] = {}
    for dec in catalogue.decisions_in_order():
        if not in_force(dec, date):
            continue
        for i, entry in enumerate(dec.new):
            state[entry.code] = ("present", dec, "new", i)
        for i, entry in enumerate(dec.amended):
            state[entry.code] = ("present", dec, "amended", i)
        for i, rep in enumerate(dec.replaced):
            state[rep.old] = ("gone", dec, "replaced", i)
            state[rep.new] = ("present", dec, "replaced", i)
        for i, entry in enumerate(dec.abolished):
            state[entry.code] = ("gone", dec, "abolished", i)
    return state
