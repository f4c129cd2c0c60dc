"""The model built from loaded data: each document's record, and the catalogue of them.

Building never fails: a value of the wrong type becomes the empty value, so
that the rules can still run on a half-broken catalogue and report everything
in one pass (the schema layer reports the wrong type itself). The types
themselves are in :mod:`tthc.model`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tthc.loader import floored
from tthc.model import (
    DEFAULT_PORTAL_URL,
    PREVIOUS_COMPONENTS,
    Agencies,
    Agency,
    Catalogue,
    Decision,
    DecisionEntry,
    Document,
    Dossier,
    DossierCase,
    DossierItem,
    Duration,
    Fee,
    Feedback,
    Field,
    Form,
    LegalRef,
    Limits,
    Method,
    Previous,
    Procedure,
    Record,
    Replacement,
    Result,
    Settings,
    code_text,
    document_nfc,
    parse_date,
)


def _str(data: Any, key: str) -> str:
    return _text(data.get(key)) if isinstance(data, dict) else ""


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _strs(data: Any, key: str) -> tuple[str, ...]:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in _list(data, key) if isinstance(v, str))


def _maps(data: Any, key: str) -> Iterable[dict[str, Any]]:
    return (v for v in _list(data, key) if isinstance(v, dict))


def _num(data: Any, key: str) -> float | None:
    """A number, or None: also for ``.nan``, ``.inf`` and integers no float can hold.

    YAML reads those as numbers and JSON Schema's ``minimum`` lets them pass
    (NaN compares false), but no time or fee is infinite, and every consumer
    (sums, ``int()``, formatting) would fail on them far from the file.
    """
    value = data.get(key) if isinstance(data, dict) else None
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):  # None: most keys are absent
        return None
    try:
        return value if math.isfinite(value) else None
    except OverflowError:  # an int of hundreds of digits
        return None


def _int(data: Any, key: str) -> int:
    value = _num(data, key)
    return int(value) if value is not None else 0


def _text(value: Any) -> str:
    """Text, or "" for anything else: the records' fields are always text, whatever a file holds."""
    return value if isinstance(value, str) else ""


def _duration(data: Any) -> Duration | None:
    if not isinstance(data, dict):
        return None
    get = data.get
    return Duration(value=_num(data, "value"), unit=_text(get("unit")), note=_text(get("note")))


def _fee(data: Any) -> Fee | None:
    if not isinstance(data, dict):
        return None
    get = data.get
    return Fee(
        amount=_num(data, "amount"),
        currency=_text(get("currency")) or "VND",
        free=get("free") is True,
        note=_text(get("note")),
        basis=_text(get("basis")),
        unit=_text(get("unit")),
    )


def _method(data: dict[str, Any]) -> Method:
    get = data.get
    return Method(
        channel=_text(get("channel")),
        time=_duration(get("time")),
        fee=_fee(get("fee")),
        local_time=_duration(get("local_time")),
        online=_text(get("online")),
        online_reason=_text(get("online_reason")),
        legacy_level=_int(data, "legacy_level") or None,
        url=_text(get("url")),
        note=_text(get("note")),
        place=_text(get("place")),
    )


def _dossier_item(item: dict[str, Any]) -> DossierItem:
    get = item.get
    return DossierItem(
        name=_text(get("name")),
        form=_text(get("form")),
        originals=_int(item, "originals"),
        copies=_int(item, "copies"),
        note=_text(get("note")),
    )


def _dossier(data: Any) -> Dossier:
    if not isinstance(data, dict):
        return Dossier()
    sets = _num(data, "sets")
    cases = tuple(
        DossierCase(case=_text(case.get("case")), items=tuple(map(_dossier_item, _maps(case, "items"))))
        for case in _maps(data, "cases")
    )
    return Dossier(sets=int(sets) if sets is not None else None, cases=cases)


def build_procedure(file: str, data: Any) -> Procedure:
    raw_code = data.get("code") if isinstance(data, dict) else None
    agencies = data.get("agencies") if isinstance(data, dict) else None
    return Procedure(
        file=file,
        code=code_text(raw_code),
        raw_code=raw_code,
        name=_str(data, "name"),
        field=_str(data, "field"),
        levels=_strs(data, "level"),
        kind=_str(data, "kind"),
        decisions=_strs(data, "decisions"),
        steps=_strs(data, "steps"),
        methods=tuple(map(_method, _maps(data, "methods"))),
        dossier=_dossier(data.get("dossier") if isinstance(data, dict) else None),
        subjects=_strs(data, "subjects"),
        agencies=Agencies(
            performing=_strs(agencies, "performing"),
            deciding=_strs(agencies, "deciding"),
            authorised=_strs(agencies, "authorised"),
            coordinating=_strs(agencies, "coordinating"),
            address=_str(agencies, "address"),
        ),
        results=tuple(
            Result(name=_text(r.get("name")), code=_text(r.get("code")), template=_text(r.get("template")))
            for r in _maps(data, "results")
        ),
        requirements=_strs(data, "requirements"),
        legal_basis=tuple(map(_legal_ref, _maps(data, "legal_basis"))),
        forms=tuple(
            Form(name=_text(f.get("name")), source=_text(f.get("source")), url=_text(f.get("url")))
            for f in _maps(data, "forms")
        ),
        note=_str(data, "note"),
        previous=tuple(
            Previous(decision=_text(e.get("decision")), values={k: v for k, v in e.items() if k in PREVIOUS_COMPONENTS})
            for e in _maps(data, "previous")
        ),
        data=data if isinstance(data, dict) else {},
    )


def _legal_ref(data: dict[str, Any]) -> LegalRef:
    get = data.get
    return LegalRef(number=_text(get("number")), type=_text(get("type")), date=_text(get("date")), title=_text(get("title")))


def _entry(data: Mapping[str, Any]) -> DecisionEntry:
    return DecisionEntry(
        code=code_text(data.get("code")),
        name=_str(data, "name"),
        by=_str(data, "by"),
        components=_strs(data, "components"),
        by_effective=parse_date(data.get("by_effective")),
    )


def build_decision(file: str, data: Any) -> Decision:
    signer = data.get("signer") if isinstance(data, dict) else None
    return Decision(
        file=file,
        number=_str(data, "number"),
        title=_str(data, "title"),
        issuer=_str(data, "issuer"),
        signer=_str(signer, "name"),
        signed=parse_date(data.get("signed")) if isinstance(data, dict) else None,
        effective=parse_date(data.get("effective")) if isinstance(data, dict) else None,
        new=tuple(_entry(e) for e in _maps(data, "new")),
        amended=tuple(_entry(e) for e in _maps(data, "amended")),
        replaced=tuple(
            Replacement(
                old=code_text(r.get("old")),
                new=code_text(r.get("new")),
                name=_str(r, "name"),
                by=_str(r, "by"),
                by_effective=parse_date(r.get("by_effective")),
            )
            for r in _maps(data, "replaced")
        ),
        abolished=tuple(_entry(e) for e in _maps(data, "abolished")),
        cancels=_strs(data, "cancels"),
        draft=isinstance(data, dict) and data.get("draft") is True,
        data=data if isinstance(data, dict) else {},
    )


def build_settings(file: str, data: Any) -> Settings:
    authority = data.get("authority") if isinstance(data, dict) else None
    feedback = data.get("feedback") if isinstance(data, dict) else None
    limits = data.get("limits") if isinstance(data, dict) else None
    defaults = Limits()
    return Settings(
        file=file,
        authority=_str(authority, "name"),
        province=_str(authority, "province"),
        as_of=parse_date(data.get("as_of")) if isinstance(data, dict) else None,
        levels=_strs(data, "levels"),
        fields={
            f["id"]: Field(id=f["id"], name=_str(f, "name"), code=_str(f, "code"))
            for f in _maps(data, "fields")
            if isinstance(f.get("id"), str)
        },
        agencies={
            a["id"]: Agency(
                id=a["id"],
                name=_str(a, "name"),
                level=_str(a, "level"),
                address=_str(a, "address"),
                phone=_str(a, "phone"),
                email=_str(a, "email"),
                website=_str(a, "website"),
            )
            for a in _maps(data, "agencies")
            if isinstance(a.get("id"), str)
        },
        feedback=Feedback(
            agency=_str(feedback, "agency"),
            address=_str(feedback, "address"),
            phone=_str(feedback, "phone"),
            email=_str(feedback, "email"),
            website=_str(feedback, "website"),
        ),
        portal_url=_str(data, "portal_url") or DEFAULT_PORTAL_URL,
        # Within the schema's ranges, as the loader applies them: no tthc.yaml lifts the protection.
        limits=floored(Limits(
            max_file_bytes=_int(limits, "max_file_bytes") or defaults.max_file_bytes,
            max_aliases=_int(limits, "max_aliases") if _num(limits, "max_aliases") is not None
            else defaults.max_aliases,
            max_depth=_int(limits, "max_depth") or defaults.max_depth,
            max_nodes=_int(limits, "max_nodes") or defaults.max_nodes,
            max_import_bytes=_int(limits, "max_import_bytes") or defaults.max_import_bytes,
            max_import_rows=_int(limits, "max_import_rows") or defaults.max_import_rows,
            max_import_cells=_int(limits, "max_import_cells") or defaults.max_import_cells,
        )),
        upstream_skip={
            code_text(s.get("code")): _str(s, "reason")
            for s in _maps(data.get("upstream") if isinstance(data, dict) else None, "skip")
        },
        data=data if isinstance(data, dict) else {},
    )


def record_builder(like: Catalogue | None = None) -> Callable[[Document], Record | None]:
    """A function that gives a readable document its record (None for a document without data).

    ``like`` is a catalogue built before, the other side of a diff: a
    document with the same file, kind and data as one of its own gets that
    record rather than a new one. Two revisions share almost every file, and
    building records is most of what reading the second side costs.

    One document at a time, so that the loader can build each record as soon
    as a worker sends its file's data, while the others are still checked.
    """
    earlier: dict[str, Record] = {}
    if like is not None:
        earlier.update((p.file, p) for p in like.procedures)
        earlier.update((d.file, d) for d in like.decisions)

    def build(doc: Document) -> Record | None:
        if doc.data is None:
            return None
        record = earlier.get(doc.file)
        if record is not None and like is not None:
            before = like.documents.get(doc.file)
            if before is not None and before.kind == doc.kind and (before.data is doc.data or before.data == doc.data):
                return record
        data = document_nfc(doc)
        if doc.kind == "catalogue":
            return build_settings(doc.file, data)
        if doc.kind == "procedure":
            return build_procedure(doc.file, data)
        if doc.kind == "decision":
            return build_decision(doc.file, data)
        return None

    return build


def build_catalogue(
    root: str,
    documents: Mapping[str, Document],
    like: Catalogue | None = None,
    records: Mapping[str, Record | None] | None = None,
) -> Catalogue:
    """The model of every readable document, built from its data in NFC (see :func:`nfc_data`).

    ``like`` as for :func:`record_builder`; ``records`` are those built
    already, by file (the loader builds them as files come back checked).
    """
    build = record_builder(like)
    made = records or {}
    settings = Settings()
    procedures: list[Procedure] = []
    decisions: list[Decision] = []
    for doc in documents.values():
        record = made[doc.file] if doc.file in made else build(doc)
        if isinstance(record, Procedure):
            procedures.append(record)
        elif isinstance(record, Decision):
            decisions.append(record)
        elif isinstance(record, Settings):
            settings = record
    return Catalogue(
        root=root,
        settings=settings,
        procedures=tuple(procedures),
        decisions=tuple(decisions),
        documents=documents,
    )
