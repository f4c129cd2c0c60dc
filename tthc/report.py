"""What a check of a catalogue found: the one type every reporter formats.

Its own module so that reporters depend on the result, not on the checker
that produces it (:mod:`tthc.validate`) nor on how a catalogue is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tthc.findings import Finding, Severity

if TYPE_CHECKING:
    from tthc.model import Catalogue


@dataclass(frozen=True)
class Report:
    root: str
    findings: list[Finding]
    files: int
    procedures: int
    decisions: int
    catalogue: Catalogue | None = field(default=None, compare=False, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def ok(self, strict: bool = False) -> bool:
        return self.errors == 0 and not (strict and self.warnings)
