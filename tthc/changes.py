"""What differs between two catalogues, as data: the result of :func:`tthc.diff.diff`.

Plain frozen dataclasses that the writers in :mod:`tthc.writers` turn into
text, JSON, Markdown or a decision's annex, and that the announcement rules
(:mod:`tthc.rules.announcement_rules`) read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tthc.model import COMPONENTS, Catalogue, Decision, Procedure

__all__ = ["Amended", "Change", "ChangeKind", "ChangeSet", "Moved", "Replaced", "Value", "WordOp"]

ChangeKind = Literal["changed", "added", "removed", "reordered"]
Value = Any
"""A JSON-able value: str, int, float, bool, None, or lists and dicts of them."""


@dataclass(frozen=True)
class WordOp:
    """One run of a word-level diff: ``=`` kept, ``-`` removed, ``+`` added."""

    op: Literal["=", "-", "+"]
    text: str


@dataclass(frozen=True)
class Change:
    """One changed component of one procedure."""

    component: str
    """A key of :data:`tthc.model.COMPONENTS` ("time", "fee", "dossier" …)."""
    path: str
    """Where inside the record, e.g. ``methods[trực tuyến].fee`` or ``steps[2]``."""
    kind: ChangeKind
    old: Value
    new: Value
    words: tuple[WordOp, ...] = ()
    """A word-level diff, for long texts."""
    editorial: bool = False
    """True when the change needs no announcement (see :data:`LEGAL_COMPONENTS`)."""

    @property
    def label(self) -> str:
        """The component as the law names it."""
        return COMPONENTS.get(self.component, self.component)


@dataclass(frozen=True)
class Amended:
    """A procedure on both sides whose record differs."""

    old: Procedure
    new: Procedure
    changes: tuple[Change, ...]

    @property
    def code(self) -> str:
        return self.new.code

    @property
    def name(self) -> str:
        return self.new.name

    @property
    def code_assigned(self) -> bool:
        """A provisional code that received its national code."""
        return self.old.code != self.new.code

    @property
    def legal(self) -> bool:
        """Whether any change needs an announcement decision."""
        return any(not c.editorial for c in self.changes)

    def components(self, legal_only: bool = False) -> tuple[str, ...]:
        """Changed components in the order of the national record."""
        seen = {c.component for c in self.changes if not (legal_only and c.editorial)}
        return tuple(k for k in COMPONENTS if k in seen)


@dataclass(frozen=True)
class Replaced:
    """An old procedure replaced by a new one (new code)."""

    old: Procedure
    new: Procedure
    guessed: bool
    """True when no decision says so and the pair was guessed from the names."""
    decision: str = ""
    """The number of the decision that lists the replacement, when one does."""
    by: str = ""
    """The legal text that made the replacement, as the decision gives it."""
    similarity: float = 1.0


@dataclass(frozen=True)
class Moved:
    """A procedure whose file moved (another field folder) with its record unchanged."""

    code: str
    old_file: str
    new_file: str


@dataclass(frozen=True)
class ChangeSet:
    """Everything that differs between two catalogues; lists sorted by code."""

    new: tuple[Procedure, ...] = ()
    abolished: tuple[Procedure, ...] = ()
    replaced: tuple[Replaced, ...] = ()
    amended: tuple[Amended, ...] = ()
    moved: tuple[Moved, ...] = ()
    unchanged: int = 0
    decisions_added: tuple[Decision, ...] = ()
    decisions_changed: tuple[Decision, ...] = ()
    """The new side's version of each decision whose content changed."""
    decisions_removed: tuple[Decision, ...] = ()
    before: Catalogue | None = field(default=None, compare=False, repr=False)
    after: Catalogue | None = field(default=None, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        """No procedure or decision differs (a moved file alone is no difference)."""
        return not (
            self.new
            or self.abolished
            or self.replaced
            or self.amended
            or self.decisions_added
            or self.decisions_changed
            or self.decisions_removed
        )

    def summary(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "amended": len(self.amended),
            "replaced": len(self.replaced),
            "abolished": len(self.abolished),
            "unchanged": self.unchanged,
        }

    def announcing(self) -> tuple[Decision, ...]:
        """Decisions recorded between the two sides: added, or changed."""
        return (*self.decisions_added, *self.decisions_changed)
