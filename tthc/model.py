"""The one data model every command shares: a catalogue of procedures.

The classes are plain frozen dataclasses built from already-loaded YAML data.
Building never fails: a value of the wrong type becomes the empty value, so
that the rules can still run on a half-broken catalogue and report everything
in one pass (the schema layer reports the wrong type itself).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tthc import text

LEVELS = ("Cấp bộ", "Cấp tỉnh", "Cấp huyện", "Cấp xã", "Cơ quan khác")
DataPath = tuple[str | int, ...]

DISTRICT = "Cấp huyện"
REFORM_DATE = dt.date(2025, 7, 1)
"""Two-level local government (NQ 202/2025/QH15): no district level from here on."""

CHANNELS = ("trực tiếp", "trực tuyến", "bưu chính")
DEFAULT_PORTAL_URL = (
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}"
)

COMPONENTS: dict[str, str] = {
    "code": "Mã số TTHC",
    "name": "Tên thủ tục",
    "field": "Lĩnh vực",
    "level": "Cấp thực hiện",
    "kind": "Loại thủ tục",
    "decisions": "Số quyết định công bố",
    "steps": "Trình tự thực hiện",
    "methods": "Cách thức thực hiện",
    "time": "Thời hạn giải quyết",
    "fee": "Phí, lệ phí",
    "dossier": "Thành phần, số lượng hồ sơ",
    "subjects": "Đối tượng thực hiện",
    "agencies": "Cơ quan thực hiện",
    "results": "Kết quả thực hiện",
    "requirements": "Yêu cầu, điều kiện thực hiện",
    "legal_basis": "Căn cứ pháp lý",
    "forms": "Mẫu đơn, tờ khai",
    "note": "Ghi chú",
}
"""Procedure components in the order of the national record, with the names the law uses."""


@dataclass(frozen=True)
class Duration:
    value: float | None
    unit: str
    note: str = ""


@dataclass(frozen=True)
class Fee:
    amount: float | None = None
    currency: str = "VND"
    free: bool = False
    note: str = ""
    basis: str = ""


@dataclass(frozen=True)
class Method:
    channel: str
    time: Duration | None
    fee: Fee | None
    local_time: Duration | None = None
    online: str = ""
    online_reason: str = ""
    legacy_level: int | None = None
    """Mức độ 1–4 of NĐ 43/2011, kept for history; NĐ 42/2022 replaced it with ``online``."""
    url: str = ""
    note: str = ""
    place: str = ""
    """Where, when one channel has a different time or fee at another place (a mission abroad)."""


@dataclass(frozen=True)
class DossierItem:
    name: str
    form: str = ""
    originals: int = 0
    copies: int = 0
    note: str = ""


@dataclass(frozen=True)
class DossierCase:
    case: str
    items: tuple[DossierItem, ...]


@dataclass(frozen=True)
class Dossier:
    sets: int | None = None
    cases: tuple[DossierCase, ...] = ()


@dataclass(frozen=True)
class Agencies:
    performing: tuple[str, ...] = ()
    deciding: tuple[str, ...] = ()
    authorised: tuple[str, ...] = ()
    coordinating: tuple[str, ...] = ()

    def all(self) -> Iterator[tuple[str, int, str]]:
        """Every reference as (role, index, agency id), for reference checks."""
        for role in ("performing", "deciding", "authorised", "coordinating"):
            for i, agency in enumerate(getattr(self, role)):
                yield role, i, agency


@dataclass(frozen=True)
class Result:
    name: str
    code: str = ""
    template: str = ""


@dataclass(frozen=True)
class LegalRef:
    number: str
    type: str = ""
    date: str = ""
    title: str = ""


@dataclass(frozen=True)
class Form:
    name: str
    source: str = ""
    url: str = ""


@dataclass(frozen=True)
class Procedure:
    file: str
    code: str
    name: str
    field: str
    levels: tuple[str, ...]
    kind: str = ""
    decisions: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    methods: tuple[Method, ...] = ()
    dossier: Dossier = Dossier()
    subjects: tuple[str, ...] = ()
    agencies: Agencies = Agencies()
    results: tuple[Result, ...] = ()
    requirements: tuple[str, ...] = ()
    legal_basis: tuple[LegalRef, ...] = ()
    forms: tuple[Form, ...] = ()
    note: str = ""
    raw_code: Any = None
    """The code as YAML read it: a float when someone forgot the quotes."""
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def method(self, channel: str) -> Method | None:
        return next((m for m in self.methods if m.channel == channel), None)


@dataclass(frozen=True)
class DecisionEntry:
    code: str
    name: str = ""
    by: str = ""
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class Replacement:
    old: str
    new: str
    name: str = ""
    by: str = ""


@dataclass(frozen=True)
class Decision:
    file: str
    number: str
    title: str = ""
    issuer: str = ""
    signer: str = ""
    signed: dt.date | None = None
    effective: dt.date | None = None
    new: tuple[DecisionEntry, ...] = ()
    amended: tuple[DecisionEntry, ...] = ()
    replaced: tuple[Replacement, ...] = ()
    abolished: tuple[DecisionEntry, ...] = ()
    cancels: tuple[str, ...] = ()
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def codes(self) -> Iterator[str]:
        """Every procedure code the decision names, in any group."""
        for entry in (*self.new, *self.amended, *self.abolished):
            yield entry.code
        for rep in self.replaced:
            yield rep.old
            yield rep.new


@dataclass(frozen=True)
class Field:
    id: str
    name: str
    code: str = ""


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    level: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class Feedback:
    agency: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class Limits:
    """Resource limits for reading YAML written by many hands."""

    max_file_bytes: int = 1024 * 1024
    max_aliases: int = 20
    max_depth: int = 50
    max_nodes: int = 50_000
    """Values, mappings and lists in one file: building data costs tens of
    microseconds a node, so a pasted list of a million numbers must be
    refused before it is built, whatever its size in bytes."""


@dataclass(frozen=True)
class Settings:
    file: str = "tthc.yaml"
    authority: str = ""
    province: str = ""
    as_of: dt.date | None = None
    levels: tuple[str, ...] = ()
    fields: Mapping[str, Field] = dataclasses.field(default_factory=dict)
    agencies: Mapping[str, Agency] = dataclasses.field(default_factory=dict)
    feedback: Feedback = Feedback()
    portal_url: str = DEFAULT_PORTAL_URL
    limits: Limits = Limits()
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def portal_link(self, code: str) -> str:
        return self.portal_url.replace("{code}", code)


@dataclass(frozen=True)
class Document:
    """One loaded YAML file. ``data`` is None when it could not be parsed.

    ``source`` is the file's text, or its UTF-8 bytes when the data came from
    the cache: most such files are never located or scanned again, and
    decoding 10,000 of them only to drop the text would cost a second.
    """

    file: str
    kind: str
    data: Any
    source: str | bytes = dataclasses.field(default="", repr=False, compare=False)
    nfc: bool = dataclasses.field(default=False, repr=False, compare=False)
    """Known to hold NFC text only, with no escapes (the cache says so): :func:`document_nfc` need not look."""

    @functools.cached_property
    def text(self) -> str:
        """The file's text (a cached_property writes past the frozen dataclass, once)."""
        source = self.source
        return source if isinstance(source, str) else source.decode("utf-8-sig")


@dataclass(frozen=True)
class Catalogue:
    root: str
    settings: Settings
    procedures: tuple[Procedure, ...] = ()
    decisions: tuple[Decision, ...] = ()
    documents: Mapping[str, Document] = dataclasses.field(default_factory=dict, repr=False)

    def by_code(self) -> dict[str, Procedure]:
        """Procedures by code; the first file wins where a code is duplicated."""
        out: dict[str, Procedure] = {}
        for proc in self.procedures:
            out.setdefault(proc.code, proc)
        return out

    def decisions_by_number(self) -> dict[str, Decision]:
        out: dict[str, Decision] = {}
        for dec in self.decisions:
            out.setdefault(dec.number, dec)
        return out

    def decisions_in_order(self) -> list[Decision]:
        """Oldest first, by effective date (then signing date, then number)."""
        far = dt.date.max
        return sorted(
            self.decisions,
            key=lambda d: (d.effective or d.signed or far, d.signed or far, d.number),
        )


def iter_strings(value: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, str, bool]]:
    """Every string in loaded data as (path, text, is_key), for text checks."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*path, key), key, True
            yield from iter_strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from iter_strings(item, (*path, i))


# --- building from loaded data -------------------------------------------------------


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


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


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


def code_text(value: Any) -> str:
    """The code as text, even when YAML read it as a number."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}" if value < 10 else repr(value)
    return str(value)


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
            )
            for r in _maps(data, "replaced")
        ),
        abolished=tuple(_entry(e) for e in _maps(data, "abolished")),
        cancels=_strs(data, "cancels"),
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
        limits=Limits(
            max_file_bytes=_int(limits, "max_file_bytes") or defaults.max_file_bytes,
            max_aliases=_int(limits, "max_aliases") if _num(limits, "max_aliases") is not None
            else defaults.max_aliases,
            max_depth=_int(limits, "max_depth") or defaults.max_depth,
            max_nodes=_int(limits, "max_nodes") or defaults.max_nodes,
        ),
        data=data if isinstance(data, dict) else {},
    )


def nfc_data(value: Any) -> Any:
    """Loaded data with every text (keys too) in NFC; the same object when it already is.

    Text pasted as NFD looks the same but compares unequal: “trực tiếp”
    would fail the list of channels, a field id would name no field. Only
    the ``text-not-nfc`` rule, which reads the documents as loaded, should
    see the difference.
    """
    if isinstance(value, str):
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        items = {nfc_data(k): nfc_data(v) for k, v in value.items()}
        same = len(items) == len(value) and all(
            a is b and items[a] is value[b] for a, b in zip(items, value, strict=True)
        )
        return value if same else items
    if isinstance(value, list):
        changed = [nfc_data(v) for v in value]
        return value if all(a is b for a, b in zip(changed, value, strict=True)) else changed
    return value


def doc_is_nfc(doc: Document) -> bool:
    """Whether every text of the document's data is NFC already, told from its source at C speed."""
    return doc.nfc or (text.yaml_source_plain(doc.text) and text.is_nfc(doc.text))


def document_nfc(doc: Document) -> Any:
    """A document's data in NFC; the same object, without a walk, when it is already."""
    return doc.data if doc_is_nfc(doc) else nfc_data(doc.data)


Record = Settings | Procedure | Decision
"""What one document is in the model."""


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
