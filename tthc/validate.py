"""The checker: the catalogue as read (:mod:`tthc.reading`), then the rules across files.

It returns a :class:`~tthc.report.Report` and prints nothing; reporters turn
the report into text, JSON, GitHub annotations or SARIF.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from tthc import cache, locator, parallel, reading, timeline
from tthc.findings import REGISTRY, Finding, Severity
from tthc.model import Catalogue
from tthc.reading import Progress
from tthc.report import Report
from tthc.source import folder_files

__all__ = ["check_catalogue", "validate"]


def check_catalogue(
    catalogue: Catalogue,
    load_findings: list[Finding],
    document_findings: list[Finding] | None = None,
    workers: parallel.Shared | None = None,
) -> list[Finding]:
    """Run every rule, keep the most specific finding per place, and locate them.

    ``document_findings`` are those of the per-document rules when the loader
    has worked them out already; otherwise they are worked out here.

    Every finding in a procedure's file names the procedure's code, so that a
    CI dashboard can group by procedure whatever layer found the problem.
    ``workers`` may place findings of many files (:func:`tthc.locator.locate`).
    """
    if document_findings is None:
        document_findings = [f for rule in REGISTRY.document_checks() for f in rule.check(catalogue)]
    rule_findings = [*document_findings, *(f for rule in REGISTRY.checks() for f in rule.check(catalogue))]
    # A rule's error says the same as the schema's, better; a warning must not hide an error.
    claimed = {(f.file, f.path) for f in rule_findings if f.severity is Severity.ERROR}
    kept = [f for f in load_findings if f.line is not None or (f.file, f.path) not in claimed]
    documents = catalogue.documents
    unplaced = {f.file for f in (*kept, *rule_findings) if f.line is None and f.file in documents}
    tables = {file: (places, documents[file].data) for file in unplaced if (places := documents[file].places)}
    texts = {file: documents[file].text for file in unplaced if file not in tables and documents[file].text}
    codes = {proc.file: proc.code for proc in catalogue.procedures if proc.code}
    located = [
        f if f.code or f.file not in codes else dataclasses.replace(f, code=codes[f.file])
        for f in locator.locate([*kept, *rule_findings], texts, workers, tables)
    ]
    return sorted(dict.fromkeys(located), key=lambda f: f.sort_key)  # dict: the same order every run


def validate(
    root: Path,
    only: Iterable[Path] = (),
    progress: Progress | None = None,
    store: cache.Cache | None = None,
    keep_catalogue: bool = True,
    as_of: dt.date | None = None,
) -> Report:
    """Validate the catalogue at ``root``; with ``only``, report only those files.

    The whole catalogue is always read, because rules such as code uniqueness
    and decision history need every file even when a hook passes one.

    With a ``store``, unchanged files are not checked again, and when no file
    changed at all the whole report is the one kept from the last run: the
    findings are a function of the files' content and of tthc alone. That
    report comes without its catalogue, so ``keep_catalogue=False`` (the
    ``validate`` command) is what allows it; ``build`` needs the model. Nor
    does a report made anew carry it then: the model and its documents (a
    gigabyte at 50,000 procedures) are let go before the store is written.

    ``as_of`` is the catalogue's date (``--as-of``; default: ``as_of`` of
    ``tthc.yaml``, else today): the rules check the files as they must be on
    that date (:mod:`tthc.timeline`), and the report's catalogue carries it.
    """
    files = list(folder_files(root))
    limits = reading.catalogue_limits(files)
    keys = [reading.file_key(file, limits) for file in files] if store is not None else []
    # The findings depend on the date too: a decision in force tomorrow is pending today.
    day = (as_of or dt.date.today()).isoformat().encode("ascii") + (b"" if as_of is None else b"!")
    report_key = cache.key(b"report", day, *keys) if store is not None else b""
    if store is not None and not keep_catalogue and (report := _cached_report(store, report_key, keys, root)):
        return _only(report, root, only)
    with parallel.shared() as workers:  # started once, for the checks or the positions, whichever needs them first
        loaded = reading.load(str(root), files, progress, store, limits, keys, workers=workers)
        catalogue = timeline.with_date(loaded.catalogue, as_of)
        report = Report(
            root=str(root),
            findings=check_catalogue(catalogue, loaded.findings, loaded.rule_findings, workers),
            files=len(catalogue.documents),
            procedures=len(catalogue.procedures),
            decisions=len(catalogue.decisions),
            catalogue=catalogue if keep_catalogue else None,
        )
    if store is not None:
        store.put(report_key, (tuple(map(reading.pack_finding, report.findings)), report.files, report.procedures, report.decisions))
    return _only(report, root, only)


def _cached_report(store: cache.Cache, report_key: bytes, keys: list[bytes], root: Path) -> Report | None:
    packed = store.get(report_key)
    if packed is None:
        return None
    try:
        findings, files, procedures, decisions = packed
        report = Report(str(root), [reading.unpack_finding(f) for f in findings], files, procedures, decisions)
    except (TypeError, ValueError):
        return None
    for k in keys:  # still in use: kept when the store is written back
        store.keep(k)
    return report


def _only(report: Report, root: Path, only: Iterable[Path]) -> Report:
    wanted = {p.resolve().relative_to(root.resolve()).as_posix() for p in only if p.is_file()}
    if not wanted:
        return report
    return dataclasses.replace(report, findings=[f for f in report.findings if f.file in wanted])
