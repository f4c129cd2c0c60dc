"""The one data model every command shares: a catalogue of procedures.

The classes are plain frozen dataclasses; :mod:`tthc.records` builds them
from already-loaded YAML data. Here too: what a code is as text, and a
document's data in NFC, which both the builders and the rules need.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tthc import text
from tthc.layout import SETTINGS_FILE

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
    unit: str = ""
    """What the amount is charged for, written with its slash: "/bản", "/tờ khai"."""


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
    address: str = ""
    """Where dossiers are received (Địa chỉ tiếp nhận hồ sơ), as the national record states it."""

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


PREVIOUS_COMPONENTS = (
    "name", "kind", "level", "steps", "methods", "dossier", "subjects", "agencies", "results", "requirements",
    "legal_basis", "forms",
)  # fmt: skip
"""The top-level components a ``previous:`` entry may keep (the procedure schema says the same)."""


@dataclass(frozen=True)
class Previous:
    """What a procedure said before a decision not yet in force amended it (the file's ``previous:``).

    The file holds the content as the newest decision makes it; until that
    decision takes effect, these values of its top-level components are the
    ones in force (:func:`tthc.timeline.on_date` puts them back).
    """

    decision: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Top-level components (``methods``, ``level`` …) with their old values, as the file writes them."""


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
    previous: tuple[Previous, ...] = dataclasses.field(default=(), compare=False)
    """Content kept until a pending amendment takes effect; history, not a legal component."""
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
    by_effective: dt.date | None = None
    """The day the text ``by`` takes effect, to tell whether the province announced in time."""


@dataclass(frozen=True)
class Replacement:
    old: str
    new: str
    name: str = ""
    by: str = ""
    by_effective: dt.date | None = None
    """The day the text ``by`` takes effect, as for :class:`DecisionEntry`."""


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
    draft: bool = False
    """A draft (``draft: true``, as ``tthc upstream --draft-decision`` writes it): never in force, whatever its dates."""
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
    """Resource limits for reading YAML written by many hands, and spreadsheets and JSON from outside."""

    max_file_bytes: int = 1024 * 1024
    max_aliases: int = 20
    max_depth: int = 50
    max_nodes: int = 50_000
    """Values, mappings and lists in one file: building data costs tens of
    microseconds a node, so a pasted list of a million numbers must be
    refused before it is built, whatever its size in bytes."""
    max_import_bytes: int = 128 * 1024 * 1024
    """An imported file's size: a JSON file's bytes, an .xlsx workbook's once
    unzipped (a megabyte of zip can hold gigabytes of XML). 6,000 national
    records are about 85 MB of JSON."""
    max_import_rows: int = 50_000
    """Rows of all an imported workbook's sheets or CSV, records of a JSON file."""
    max_import_cells: int = 1_000_000
    """Cells of an imported workbook or CSV, values of a JSON file: what memory
    grows with (a national list is about 6,000 rows of 20 columns)."""


@dataclass(frozen=True)
class Settings:
    file: str = SETTINGS_FILE
    authority: str = ""
    province: str = ""
    as_of: dt.date | None = None
    levels: tuple[str, ...] = ()
    fields: Mapping[str, Field] = dataclasses.field(default_factory=dict)
    agencies: Mapping[str, Agency] = dataclasses.field(default_factory=dict)
    feedback: Feedback = Feedback()
    portal_url: str = DEFAULT_PORTAL_URL
    limits: Limits = Limits()
    upstream_skip: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """National codes the province deliberately does not run, with the reason (``upstream: {skip: …}``)."""
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
    places: bytes | None = dataclasses.field(default=None, repr=False, compare=False)
    """Where the nodes of ``data`` are in the text (:func:`tthc.locator.table`): findings are placed without a parse."""

    @functools.cached_property
    def text(self) -> str:
        """The file's text (a cached_property writes past the frozen dataclass, once)."""
        source = self.source
        return source if isinstance(source, str) else source.decode("utf-8-sig")


@dataclass(frozen=True)
class Pending:
    """A change a decision not yet in force makes to a procedure (see :mod:`tthc.timeline`).

    ``kind`` is the decision's group: ``new`` (the procedure is not in the
    catalogue until then), ``amended`` (``components`` as the decision lists
    them, ``after`` the procedure as it will read), ``replaced`` (by
    ``successor``) or ``abolished``. ``effective`` is None for a draft, which
    is never in force.
    """

    kind: str
    code: str
    decision: str
    effective: dt.date | None
    components: tuple[str, ...] = ()
    after: Procedure | None = dataclasses.field(default=None, repr=False)
    successor: str = ""


@dataclass(frozen=True)
class Catalogue:
    root: str
    settings: Settings
    procedures: tuple[Procedure, ...] = ()
    decisions: tuple[Decision, ...] = ()
    documents: Mapping[str, Document] = dataclasses.field(default_factory=dict, repr=False)
    pending: tuple[Pending, ...] = ()
    """Changes of decisions not in force on the catalogue's date, oldest first (:func:`tthc.timeline.on_date`)."""

    def pending_for(self, code: str) -> list[Pending]:
        return [p for p in self.pending if p.code == code]

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


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def code_text(value: Any) -> str:
    """The code as text, even when YAML read it as a number."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}" if value < 10 else repr(value)
    return str(value)


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
