"""The checker: wires a source, the loader, the schema layer and the rules.

It returns a :class:`Report` and prints nothing; reporters turn the report
into text, JSON, GitHub annotations or SARIF.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tthc import loader, locator, schema
from tthc.findings import REGISTRY, Finding, Severity
from tthc.model import Catalogue, Document, Limits, build_catalogue, build_settings, nfc_data
from tthc.rules import yaml_rules  # importing the package registers every rule
from tthc.source import OUTSIDE, SETTINGS_FILE, SourceFile, folder_files


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


def _limits(files: list[SourceFile]) -> Limits:
    """Limits come from tthc.yaml itself, read first with the default limits."""
    for file in files:
        if file.path == SETTINGS_FILE and file.data is not None:
            data = loader.load(file.path, file.kind, file.data).document.data
            return build_settings(file.path, data).limits
    return Limits()


Progress = Callable[[int, int], None]
"""Called with (files done, files in all) as loading goes on."""


def load_catalogue(
    root: str, files: Iterable[SourceFile], progress: Progress | None = None
) -> tuple[Catalogue, list[Finding]]:
    """Load every file (YAML and schema layers); build the model."""
    files = list(files)
    limits = _limits(files)
    documents: dict[str, Document] = {}
    findings: list[Finding] = []
    for done, file in enumerate(files, 1):
        if progress:
            progress(done, len(files))
        if file.data is None:
            rule = yaml_rules.OutsideCatalogue if file.error == OUTSIDE else yaml_rules.Unreadable
            findings.append(rule.finding(file.path, reason=file.error).located(1, 1))
            documents[file.path] = Document(file.path, file.kind, None)
            continue
        loaded = loader.load(file.path, file.kind, file.data, limits)
        documents[file.path] = loaded.document
        findings.extend(loaded.findings)
        if loaded.document.data is not None:
            # NFD text is the text-not-nfc rule's one finding, not also every enum's.
            findings.extend(schema.check(file.path, file.kind, nfc_data(loaded.document.data)))
    return build_catalogue(root, documents), findings


def check_catalogue(catalogue: Catalogue, load_findings: list[Finding]) -> list[Finding]:
    """Run every rule, keep the most specific finding per place, and locate them.

    Every finding in a procedure's file names the procedure's code, so that a
    CI dashboard can group by procedure whatever layer found the problem.
    """
    rule_findings = [f for rule in REGISTRY.checks() for f in rule.check(catalogue)]
    # A rule's error says the same as the schema's, better; a warning must not hide an error.
    claimed = {(f.file, f.path) for f in rule_findings if f.severity is Severity.ERROR}
    kept = [f for f in load_findings if f.line is not None or (f.file, f.path) not in claimed]
    texts = {doc.file: doc.text for doc in catalogue.documents.values() if doc.text}
    codes = {proc.file: proc.code for proc in catalogue.procedures if proc.code}
    located = [
        f if f.code or f.file not in codes else dataclasses.replace(f, code=codes[f.file])
        for f in locator.locate([*kept, *rule_findings], texts)
    ]
    return sorted(set(located), key=lambda f: f.sort_key)


def validate(
    root: Path,
    only: Iterable[Path] = (),
    progress: Progress | None = None,
) -> Report:
    """Validate the catalogue at ``root``; with ``only``, report only those files.

    The whole catalogue is always read, because rules such as code uniqueness
    and decision history need every file even when a hook passes one.
    """
    catalogue, load_findings = load_catalogue(str(root), folder_files(root), progress)
    findings = check_catalogue(catalogue, load_findings)
    wanted = {p.resolve().relative_to(root.resolve()).as_posix() for p in only if p.is_file()}
    if wanted:
        findings = [f for f in findings if f.file in wanted]
    return Report(
        root=str(root),
        findings=findings,
        files=len(catalogue.documents),
        procedures=len(catalogue.procedures),
        decisions=len(catalogue.decisions),
        catalogue=catalogue,
    )
