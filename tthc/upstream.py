"""What the ministries announced that the province has not adopted: the result of ``tthc upstream``, as data.

The old side is the province's catalogue, the new side the national record
restricted to the province's scope. Records say what a procedure contains;
only a ministry's complete list says what exists, so a procedure is "to
abolish" only inside the scope of such a list. Each item is in one of the
legal groups of an announcement decision, so that a draft decision can be
written from the report (:mod:`tthc.draft_decision`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from tthc.changes import Change
from tthc.model import Procedure

__all__ = ["GROUPS", "Group", "Item", "Problem", "Scope", "SourceKind", "UpstreamReport"]

Group = Literal["adopt", "amend", "abolish", "local", "skipped", "not_in_source"]
GROUPS: tuple[Group, ...] = ("adopt", "amend", "abolish", "local", "skipped", "not_in_source")
"""In the order a report lists them: what must be announced first."""

SourceKind = Literal["records", "list"]


@dataclass(frozen=True)
class Scope:
    """What one source covered: the report says it, so nobody reads silence as "nothing to do"."""

    source: str
    """The file as the user named it."""
    kind: SourceKind
    """``records`` (full content, says nothing of what was abolished) or ``list`` (complete: what exists)."""
    ministries: tuple[str, ...]
    fields: tuple[str, ...]
    """National field names, in Vietnamese alphabetical order."""
    levels: tuple[str, ...]
    """The province's levels that the source's procedures reach."""
    procedures: int
    """Entries in the source."""
    compared: int
    """Entries at the province's levels, the ones compared."""


@dataclass(frozen=True)
class Problem:
    """Not a difference but an error: a longer time than the national one, a fee other than a fixed national amount."""

    component: str
    """A key of :data:`tthc.model.COMPONENTS`."""
    path: str
    message: str


@dataclass(frozen=True)
class Item:
    """One procedure in one group."""

    group: Group
    code: str
    name: str
    ministry: str = ""
    field: str = ""
    """The province's field id when matched, else the national field name."""
    announced_by: tuple[str, ...] = ()
    """The ministry's announcement decisions (numbers) that the source names."""
    effective: dt.date | None = None
    """When the national change takes effect, where the source says it."""
    days_left: int | None = None
    """Days from the report's date to ``effective``; negative when overdue."""
    province: Procedure | None = None
    national: Procedure | None = None
    """The national record as a procedure, restricted to the province's levels."""
    changes: tuple[Change, ...] = ()
    """For ``amend``: per legal component, named as ``tthc diff`` names them (old = province, new = national)."""
    problems: tuple[Problem, ...] = ()
    reason: str = ""
    """Why skipped (from tthc.yaml), or why not compared."""
    record: Mapping[str, str] | None = None
    """The portal record itself, for ``--apply`` (written as ``tthc import`` writes it)."""


@dataclass(frozen=True)
class UpstreamReport:
    as_of: dt.date
    scopes: tuple[Scope, ...]
    items: tuple[Item, ...]
    """Overdue first, then by group, then code."""

    def group(self, name: Group) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.group == name)

    @property
    def actionable(self) -> bool:
        """Something to adopt, amend or abolish, or an error: what ``--exit-code`` turns into 1."""
        return any(item.group in ("adopt", "amend", "abolish") or item.problems for item in self.items)
