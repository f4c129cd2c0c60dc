"""Reading a catalogue: its files, checked (or taken from the cache), made into the model.

Every command that needs the catalogue goes through here: ``validate`` and
``build`` (:mod:`tthc.validate` adds the cross-file rules), and ``diff``,
``export``, ``stats`` and ``new``, which only read it. One pass does the
work that needs each file alone (YAML and schema layers, and for
validation the rules of one document), in worker processes when there are
many files, and keeps each result in the cache (:mod:`tthc.cache`) under a
key made of the file's content; each record is built as its file comes
back, while the workers check the next ones.
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tthc import cache, heap, loader, locator, parallel, schema
from tthc.findings import REGISTRY, Finding, Severity
from tthc.layout import SETTINGS_FILE
from tthc.model import (
    Catalogue,
    Document,
    Limits,
    Record,
    doc_is_nfc,
    document_nfc,
)
from tthc.records import build_catalogue, build_settings, record_builder
from tthc.rules import yaml_rules  # importing the package registers every rule
from tthc.source import OUTSIDE, SourceFile


def catalogue_limits(files: list[SourceFile]) -> Limits:
    """Limits come from tthc.yaml itself, read first with the default limits."""
    for file in files:
        if file.path == SETTINGS_FILE and file.data is not None:
            data = loader.load(file.path, file.kind, file.data).document.data
            return build_settings(file.path, data).limits
    return Limits()


Progress = Callable[[int, int], None]
"""Called with (files done, files in all) as loading goes on."""


@dataclass(frozen=True)
class FileResult:
    """What one file gives on its own: the document and the findings that need no other file."""

    document: Document
    findings: tuple[Finding, ...]
    """YAML and schema layers."""
    rule_findings: tuple[Finding, ...] | None
    """Rules of one document (:attr:`tthc.findings.Rule.per_document`); None when not run."""


def check_file(file: SourceFile, limits: Limits, rules: bool = True) -> FileResult:
    """Load one file and run every check that needs that file alone (the rules only if ``rules``)."""
    if file.data is None:
        rule = yaml_rules.OutsideCatalogue if file.error == OUTSIDE else yaml_rules.Unreadable
        finding = rule.finding(file.path, reason=file.error).located(1, 1)
        return FileResult(Document(file.path, file.kind, None), (finding,), ())
    loaded = loader.load(file.path, file.kind, file.data, limits)
    document, findings = loaded.document, list(loaded.findings)
    if document.data is None:
        return FileResult(document, tuple(findings), ())
    # NFD text is the text-not-nfc rule's one finding, not also every enum's.
    findings.extend(schema.check(file.path, file.kind, document_nfc(document)))
    rule_findings = (
        tuple(f for rule in REGISTRY.document_checks() for f in rule.check_document(document)) if rules else None
    )
    if rule_findings is not None and loaded.nodes is not None and (findings or rule_findings):
        # Validation places a file's findings, and likely those of the rules across files too (a first
        # import: every file): where its nodes are comes from this parse, not from a second one. The
        # commands that only read a catalogue place nothing, and validate does not take their entries.
        document = dataclasses.replace(document, places=locator.table(loaded.nodes))
    return FileResult(document, tuple(findings), rule_findings)


def _pack(result: FileResult) -> tuple[Any, ...]:
    """A result as plain data for the cache (tthc.cache keeps only what marshal can write)."""
    doc = result.document
    return (
        doc.data,
        (2 if doc_is_nfc(doc) else 1) if doc.text else 0,
        tuple(pack_finding(f) for f in result.findings),
        None if result.rule_findings is None else tuple(pack_finding(f) for f in result.rule_findings),
        doc.places,
    )


def _unpack(file: SourceFile, packed: Any) -> FileResult | None:
    """The cached result of ``file``, or None when the entry is not one (then the file is checked anew)."""
    try:
        data, text_kind, findings, rule_findings, places = packed
        source = file.data if text_kind and file.data is not None else ""
        return FileResult(
            Document(file.path, file.kind, data, source, nfc=text_kind == 2, places=places),
            tuple(map(unpack_finding, findings)),
            None if rule_findings is None else tuple(map(unpack_finding, rule_findings)),
        )
    except (TypeError, ValueError):  # not an entry of this shape; the text is decoded later, from the same bytes
        return None


def pack_finding(f: Finding) -> tuple[Any, ...]:
    return tuple(f.severity.value if name == "severity" else getattr(f, name) for name in _FINDING_FIELDS)


def unpack_finding(packed: Any) -> Finding:
    values = dict(zip(_FINDING_FIELDS, packed, strict=True))
    values["severity"] = Severity(values["severity"])
    return Finding(**values)


_FINDING_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))


def file_key(file: SourceFile, limits: Limits) -> bytes:
    return cache.key(file.path, file.kind, file.error, repr(limits), file.data if file.data is not None else b"\0")


@dataclass(frozen=True)
class Loaded:
    catalogue: Catalogue
    findings: list[Finding]
    """YAML and schema layers."""
    rule_findings: list[Finding]
    """Rules of one document."""


def load(
    root: str,
    files: list[SourceFile],
    progress: Progress | None,
    store: cache.Cache | None,
    limits: Limits,
    keys: list[bytes],
    like: Catalogue | None = None,
    rules: bool = True,
    also: Mapping[bytes, SourceFile] | None = None,
    workers: parallel.Shared | None = None,
) -> Loaded:
    """Every file checked (or taken from ``store`` under its key in ``keys``), and the model built.

    Without ``rules`` the per-document rules are not run (a quarter of the
    time of checking a file) and an entry kept without them will do.
    ``also`` are more files to check in the same pass, by key, only for
    ``store``: those of a diff's other side that this one lacks. ``workers``
    is a pool the command shares between its steps (:func:`tthc.parallel.shared`).

    Each file's record is built as soon as its check comes back, while the
    workers check the files after it: built after the last one, the records
    were a fifth of a cold validate, with one core idle.
    """
    results: list[FileResult | None] = [None] * len(files)
    records: dict[str, Record | None] = {}
    build = record_builder(like)
    if store is not None:
        with heap.keeping():  # the records live to the end of the run
            for i, (file, k) in enumerate(zip(files, keys, strict=True)):
                if (packed := store.get(k)) is not None:
                    result = _unpack(file, packed)
                    results[i] = result if result is None or not rules or result.rule_findings is not None else None
    todo = [i for i, result in enumerate(results) if result is None]
    done = len(files) - len(todo)
    others = list((also or {}).items())
    misses = [files[i] for i in todo] + [file for _, file in others]
    # A broken file checked in this process leaves cycles behind (a parse tree, errors): only what workers
    # check comes back as plain data, safe to keep from collection.
    with heap.keeping() if parallel.workers_for(len(misses)) else contextlib.nullcontext():
        for j, raw in enumerate(_check_files(misses, limits, rules, workers)):
            packed = marshal.loads(raw)
            if j >= len(todo):
                assert store is not None  # ``also`` is only for the store
                store.put(others[j - len(todo)][0], packed, raw)
                continue
            i = todo[j]
            result = results[i] = _unpack(files[i], packed) or check_file(files[i], limits, rules)
            records[files[i].path] = build(result.document)
            if store is not None:
                store.put(keys[i], packed, raw)
            done += 1
            if progress:
                progress(done, len(files))
    with heap.keeping():
        documents: dict[str, Document] = {}
        findings: list[Finding] = []
        rule_findings: list[Finding] = []
        for checked in results:
            assert checked is not None  # every miss was checked above
            documents[checked.document.file] = checked.document
            findings.extend(checked.findings)
            rule_findings.extend(checked.rule_findings or ())
        return Loaded(build_catalogue(root, documents, like, records), findings, rule_findings)


def _check_files(
    files: list[SourceFile], limits: Limits, rules: bool, workers: parallel.Shared | None = None
) -> Iterator[bytes]:
    """The result of every file, in order, as the cache keeps it (:func:`_raw`); in workers when there are many.

    In that form, because that is what the store keeps: diff only stores what
    it checks, and unpacking each result here to pack it again was a second
    of this process's time at 10,000 files.
    """
    with contextlib.ExitStack() as stack:
        shared = workers or stack.enter_context(parallel.shared())
        pool = shared.get(len(files))
        if pool is None:
            yield from _check_chunk(files, limits, rules)
            return
        chunks = parallel.chunks(files)
        raw_chunks = pool.map(_check_chunk, chunks, [limits] * len(chunks), [rules] * len(chunks))
        yield from (raw for chunk in raw_chunks for raw in chunk)


def _check_chunk(files: Sequence[SourceFile], limits: Limits, rules: bool) -> list[bytes]:
    """A worker's part: each file's result packed and marshalled, cheap to send back and to store as it is."""
    return [_raw(_pack(check_file(file, limits, rules))) for file in files]


SHARED_TEXT = 40
"""Texts up to this length are interned (:func:`_shared`): keys, units, channels, codes, ids."""


def _raw(packed: tuple[Any, ...]) -> bytes:
    """A packed result as the store keeps it: marshalled, its keys and short texts interned.

    marshal writes down that a text is interned, and interns it again when
    it reads it: every document then shares one ``"name"``, one ``"Ngày làm
    việc"``, one agency id, where each had its own copy. The data of 50,000
    procedures takes 40 % less memory (21 kB → 12 kB a procedure).
    """
    return marshal.dumps(_shared(packed))


def _shared(value: Any) -> Any:
    """``value`` with its dict keys and its texts of up to :data:`SHARED_TEXT` characters interned."""
    if isinstance(value, str):
        return sys.intern(value) if len(value) <= SHARED_TEXT else value
    if isinstance(value, dict):
        return {sys.intern(k) if isinstance(k, str) else k: _shared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shared(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_shared(v) for v in value)
    return value


def load_catalogue(
    root: str,
    files: Iterable[SourceFile],
    progress: Progress | None = None,
    store: cache.Cache | None = None,
    like: Catalogue | None = None,
) -> tuple[Catalogue, list[Finding]]:
    """Load every file (YAML and schema layers); build the model.

    The rules are not run: the commands that only read a catalogue (diff,
    stats, export) report what keeps a file out of the model, not what
    ``tthc validate`` would say of it.

    With a ``store``, a file whose content was checked before is not loaded
    again: its data and findings come from the store (:mod:`tthc.cache`).
    ``like`` is the other side of a diff, whose unchanged records are reused
    (:func:`tthc.records.build_catalogue`).
    """
    files = list(files)
    limits = catalogue_limits(files)
    keys = [file_key(file, limits) for file in files] if store is not None else []
    loaded = load(root, files, progress, store, limits, keys, like, rules=False)
    return loaded.catalogue, loaded.findings


def load_catalogues(
    sides: Iterable[tuple[str, list[SourceFile]]], store: cache.Cache
) -> list[tuple[Catalogue, list[Finding]]]:
    """:func:`load_catalogue` for catalogues that share most files (a diff's sides, as (root, files)).

    Every file that ``store`` lacks is checked once, in one pass over the
    cores, whichever side it is on: the first side's load checks the later
    sides' own files too (when their limits are the same), and the later
    sides find them in the store. Each catalogue reuses the records of the
    one before it (``like``).

    A file that is the same (path, kind and bytes) on an earlier side is
    that side's file object, so its bytes are kept once, not once a side
    (5 kB a file, 280 MB at 50,000 procedures). Give ``sides`` as an
    iterator, so that no one else holds on to the copies let go.
    """
    plans = _plans(sides)
    first_limits, first_keys = plans[0][2], set(plans[0][3])
    also = {
        k: file
        for _, files, limits, keys in plans[1:]
        if limits == first_limits
        for file, k in zip(files, keys, strict=True)
        if k not in first_keys and k not in store
    }
    out: list[tuple[Catalogue, list[Finding]]] = []
    for n, (root, files, limits, keys) in enumerate(plans):
        like = out[-1][0] if out else None
        loaded = load(root, files, None, store, limits, keys, like, rules=False, also=None if n else also)
        out.append((loaded.catalogue, loaded.findings))
    return out


def _plans(sides: Iterable[tuple[str, list[SourceFile]]]) -> list[tuple[str, list[SourceFile], Limits, list[bytes]]]:
    """Each side as (root, files, limits, keys), a file already seen on an earlier side (by key) replaced by that one."""
    seen: dict[bytes, SourceFile] = {}
    plans = []
    for root, files in sides:
        limits = catalogue_limits(files)
        keys = [file_key(file, limits) for file in files]
        plans.append((root, [seen.setdefault(k, file) for file, k in zip(files, keys, strict=True)], limits, keys))
    return plans
