"""ARCHITECTURE.md names every module of tthc/, and only modules that exist.

A module list that drifts is worse than none: a newcomer trusts it. So each
file under ``tthc/`` must have its own line (``- `tthc/x.py`: purpose``), and
every path the document names must be a real file.
"""

from __future__ import annotations

import re

from tests.conftest import PROJECT

# Modules whose lines were written before the branches that add them were
# merged. The lead empties this set at merge; a name left here after its file
# exists is reported too, so the set cannot go stale silently.
PENDING: frozenset[str] = frozenset()

DOCUMENT = PROJECT / "ARCHITECTURE.md"
MODULE_LINE = re.compile(r"^- `(tthc/[\w/]+\.py)`: \S", re.MULTILINE)
NAMED = re.compile(r"\btthc/[\w/]+\.py\b")


def modules_on_disk() -> set[str]:
    return {p.relative_to(PROJECT).as_posix() for p in (PROJECT / "tthc").rglob("*.py")}


def module_lines() -> list[str]:
    return MODULE_LINE.findall(DOCUMENT.read_text("utf-8"))


def test_every_module_has_a_line() -> None:
    missing = sorted(modules_on_disk() - set(module_lines()))
    assert missing == [], f"ARCHITECTURE.md needs a line '- `path`: purpose' for {missing}"


def test_each_module_has_one_line() -> None:
    lines = module_lines()
    assert sorted({p for p in lines if lines.count(p) > 1}) == []


def test_every_named_module_exists() -> None:
    named = set(NAMED.findall(DOCUMENT.read_text("utf-8")))
    assert named >= set(module_lines())
    absent = sorted(named - modules_on_disk() - PENDING)
    assert absent == [], f"ARCHITECTURE.md names modules that do not exist: {absent}"


def test_pending_names_are_still_pending() -> None:
    """A pending module that now exists is taken out of PENDING, so the strict check covers it."""
    assert sorted(PENDING & modules_on_disk()) == []
    assert set(module_lines()) >= PENDING, "every pending module has its line already"
