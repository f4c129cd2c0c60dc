"""What every reporter receives besides the report itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from tthc.findings import Finding
from tthc.report import Report


@dataclass(frozen=True)
class Context:
    prefix: str = ""
    """Path from the working folder to the catalogue root, so that locations are clickable."""
    color: bool = False
    strict: bool = False

    def path(self, finding: Finding) -> str:
        return f"{self.prefix}/{finding.file}" if self.prefix not in ("", ".") else finding.file


Reporter = Callable[[Report, TextIO, Context], None]
