"""Findings and the registry of the kinds of problem that tthc reports.

Every problem a command can report is a subclass of :class:`Rule`: it carries a
stable id, a severity, a title, a Vietnamese message template and a fix hint.
Keeping all of that on one class (as frictionless does for its errors) means
the rule reference in ``docs/rules.md`` is generated from the code and cannot
drift, and a reporter never has to invent wording.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from tthc.model import Catalogue, Document

Path = tuple[str | int, ...]
"""A path inside one YAML document, e.g. ``("methods", 1, "fee")``."""


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return {"error": "lỗi", "warning": "cảnh báo"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    ``path`` is where the problem is inside the file; ``line`` and ``column``
    (1-based) are filled in later by the locator, only for files that have
    findings: from the positions the worker kept when it read the file, or
    by composing the file again where it kept none.
    """

    rule: str
    severity: Severity
    file: str
    message: str
    path: Path = ()
    code: str | None = None
    line: int | None = None
    column: int | None = None
    at_key: bool = False
    fix: str = ""

    def located(self, line: int, column: int) -> Finding:
        return replace(self, line=line, column=column)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.rule)


class Rule:
    """A kind of problem. Subclasses set the class attributes.

    ``message`` and ``fix`` are :meth:`str.format` templates filled from
    the keyword arguments given to :meth:`finding`. A rule that checks the whole
    catalogue overrides :meth:`check`; kinds raised by the loader or the schema
    layer leave it alone and are only created through :meth:`finding`.
    """

    id: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str]
    message: ClassVar[str]
    fix: ClassVar[str] = ""
    tags: ClassVar[tuple[str, ...]] = ()
    layer: ClassVar[str] = "rule"
    """``yaml``, ``schema`` or ``rule``: which layer of validation reports it; ``diff`` for the rules
    that ``tthc diff --require-decisions`` runs on what changed between two revisions
    (:mod:`tthc.rules.announcement_rules`), which validation never runs."""
    per_document: ClassVar[bool] = False
    """True for a rule that looks at one document's data alone and overrides
    :meth:`check_document`: its findings are then worked out with the file
    and cached with it (tthc.cache), so an unchanged file costs nothing."""

    @classmethod
    def finding(
        cls,
        file: str,
        path: Path = (),
        /,
        *,
        code: str | None = None,
        at_key: bool = False,
        **params: Any,
    ) -> Finding:
        params = {"code": code, "file": file, **params}
        return Finding(
            rule=cls.id,
            severity=cls.severity,
            file=file,
            message=_fill(cls.message, params),
            path=path,
            code=code,
            at_key=at_key,
            fix=_fill(cls.fix, params),
        )

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        if self.per_document:
            for doc in catalogue.documents.values():
                yield from self.check_document(doc)

    def check_document(self, doc: Document) -> Iterator[Finding]:
        return iter(())


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: dict[str, Any]) -> str:
    """The template filled; a name that is not given stays as it is written (``{name}``)."""
    return template.format_map(_Lenient(params))


@dataclass
class Registry:
    """All rules by id, in the order they were registered."""

    rules: dict[str, type[Rule]] = field(default_factory=dict)

    def register(self, rule: type[Rule]) -> type[Rule]:
        if rule.id in self.rules:
            raise ValueError(f"rule id {rule.id!r} registered twice")
        self.rules[rule.id] = rule
        return rule

    def __getitem__(self, rule_id: str) -> type[Rule]:
        return self.rules[rule_id]

    def __iter__(self) -> Iterator[type[Rule]]:
        return iter(self.rules.values())

    def checks(self) -> Sequence[Rule]:
        """The rules of the whole catalogue (cross-file), run on every validation."""
        return [rule() for rule in self if rule.layer == "rule" and not rule.per_document]

    def document_checks(self) -> Sequence[Rule]:
        """The rules of one document at a time, run as each file is loaded."""
        return [rule() for rule in self if rule.layer == "rule" and rule.per_document]


REGISTRY = Registry()
register = REGISTRY.register
