"""Plain view dictionaries built from the catalogue, for the templates.

Templates should only lay things out. Every decision about what a citizen
reads is made here, once, in pure Python that tests can check without
rendering any HTML: Vietnamese alphabetical order, grouping by field, level
and agency, agency ids turned into names, durations and fees in words,
whether a procedure is offered online (toàn trình / một phần) or by post, the
QR payload, the folded search text, and which links may be emitted at all
(only http(s) and mailto: catalogue text comes from many hands and is
published to citizens, so a ``javascript:`` or ``data:`` "link" becomes plain
text). No I/O, no printing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from tthc import stats, text
from tthc.links import is_email, safe_url
from tthc.model import (
    COMPONENTS,
    LEVELS,
    Agency,
    Catalogue,
    Decision,
    DecisionEntry,
    Duration,
    Fee,
    Procedure,
    parse_date,
)

View = dict[str, Any]
"""A plain dictionary handed to a template: strings, numbers, lists, dicts."""

PROCEDURE_DIR = "thu-tuc"
"""Folder of the per-procedure pages, in the site and among the sheets."""
DECISION_DIR = "quyet-dinh"
"""Folder of the per-decision pages of the site."""
LIST_DIR = "danh-muc"
"""Folder of the posting lists (one per level and per one-stop shop)."""

CHANNEL_LABELS = {
    "trực tiếp": "Trực tiếp",
    "trực tuyến": "Trực tuyến",
    "bưu chính": "Dịch vụ bưu chính công ích",
}
ROLE_LABELS = {
    "performing": "Cơ quan trực tiếp thực hiện",
    "deciding": "Cơ quan có thẩm quyền quyết định",
    "authorised": "Cơ quan được ủy quyền",
    "coordinating": "Cơ quan phối hợp",
}
ONLINE_LABELS = {
    "toan-trinh": "Toàn trình",
    "mot-phan": "Một phần",
    "khac": "Có (chưa ghi mức độ)",
    "khong": "Không",
}
"""Online status keys (ASCII, for filters and data attributes) and their labels."""


# --------------------------------------------------------------------------
# Links, names, numbers
# --------------------------------------------------------------------------

_SAFE_NAME = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z_-]|\.(?!\.))*")


def link(label: str, url: str) -> View:
    """A link view: the label always, the href only when :func:`safe_url` allows it."""
    return {"text": label, "href": safe_url(url)}


def short_link(url: str) -> View:
    """A link shown by its host ("dichvucong.gov.vn"): a long address helps nobody on a printed sheet.

    An unsafe URL keeps its full text, unlinked, so a reviewer can see what
    was refused.
    """
    href = safe_url(url)
    if href is None or href.lower().startswith("mailto:"):
        return {"text": url, "href": href}
    return {"text": urlsplit(href).netloc, "href": href}


def email_link(address: str) -> View | None:
    address = address.strip()
    if not address:
        return None
    href = f"mailto:{address}" if is_email(address) else None
    return {"text": address, "href": href}


def file_name(code: str) -> str:
    """A file name (without extension) for a procedure code or any identifier.

    Codes are validated ("1.001193", "2.000884.000.00.00.H55", "TAM-12"),
    but the writer must not trust that: anything with a slash, a backslash,
    a leading dot or ".." is reduced to an ASCII slug, so an output path can
    never climb out of its folder whatever the catalogue says.
    """
    if len(code) <= 100 and _SAFE_NAME.fullmatch(code):
        return code
    return slug_name(code, "khong-ma")


MAX_NAME = 100
"""Characters of an output file name made from catalogue text: file systems stop at 255 bytes."""


def slug_name(value: str, fallback: str) -> str:
    """An ASCII file name from any text, short enough for every file system (see :data:`MAX_NAME`)."""
    return text.slug(value)[:MAX_NAME].strip("-") or fallback


def unique_names(names: Iterable[str]) -> list[str]:
    """Make names unique by suffixing -2, -3 … to repeats, in order."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        candidate, n = name, 1
        while candidate.lower() in seen:  # case-insensitive file systems exist
            n += 1
            candidate = f"{name}-{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def number_text(value: float) -> str:
    """5 → "5", 0.5 → "0,5": Vietnamese writes a decimal comma."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}".replace(".", ",")


def duration_text(duration: Duration | None) -> str:
    """"5 ngày làm việc", "Trong ngày"; empty when the record gives nothing."""
    if duration is None:
        return ""
    if duration.value is None:
        return duration.unit[:1].upper() + duration.unit[1:]
    return f"{number_text(duration.value)} {duration.unit}".strip()


def fee_text(fee: Fee | None) -> str:
    """"Miễn phí", "8.000 đồng", "25 USD"; empty when only a note is given."""
    if fee is None:
        return ""
    if fee.free:
        return "Miễn phí"
    if fee.amount is None:
        return ""
    if fee.currency == "VND":
        whole = int(fee.amount)
        grouped = f"{whole:,}".replace(",", ".") if whole == fee.amount else number_text(fee.amount)
        return f"{grouped} đồng"
    return f"{number_text(fee.amount)} {fee.currency}"


def date_text(value: object) -> str:
    """"2014-11-20" or a date → "20/11/2014"; other text is kept as it is."""
    date = parse_date(value)
    if date is not None:
        return f"{date:%d/%m/%Y}"
    return value if isinstance(value, str) else ""


def field_name(catalogue: Catalogue, field_id: str) -> str:
    field = catalogue.settings.fields.get(field_id)
    return field.name if field is not None and field.name else field_id


def agency_view(catalogue: Catalogue, agency_id: str) -> View:
    """An agency id resolved to its name and contacts; an unknown id stays as it is."""
    agency = catalogue.settings.agencies.get(agency_id) or Agency(id=agency_id, name=agency_id)
    return {
        "id": agency.id,
        "slug": text.slug(agency.id) or "co-quan",
        "name": agency.name or agency.id,
        "level": agency.level,
        "address": agency.address,
        "phone": agency.phone,
        "email": email_link(agency.email),
        "website": link(agency.website, agency.website) if agency.website else None,
    }


# --------------------------------------------------------------------------
# Online service, postal service, QR
# --------------------------------------------------------------------------


def online_status(procedure: Procedure) -> str:
    """Key of :data:`ONLINE_LABELS`: the NĐ 42/2022 level of the online channel."""
    method = procedure.method("trực tuyến")
    if method is None:
        return "khong"
    return {"toàn trình": "toan-trinh", "một phần": "mot-phan"}.get(method.online, "khac")


def has_postal(procedure: Procedure) -> bool:
    """Whether dossiers may be sent (or results returned) by the public postal service."""
    return procedure.method("bưu chính") is not None


def portal_link(catalogue: Catalogue, code: str) -> str | None:
    """The procedure's page on the National Public Service Portal (or the configured portal)."""
    if not code:
        return None
    return safe_url(catalogue.settings.portal_link(quote(code, safe=".-")))


def service_url(procedure: Procedure) -> str | None:
    """The online service's own address, when the record gives a safe http(s) one."""
    method = procedure.method("trực tuyến")
    url = safe_url(method.url) if method is not None else None
    return url if url is not None and not url.lower().startswith("mailto:") else None


def qr_target(procedure: Procedure, catalogue: Catalogue) -> View | None:
    """What the QR code on a sheet opens: the online service, else the portal page.

    A citizen scanning a notice board wants to act, so the online service
    wins; the portal page at least shows the announced text. ``None`` when
    neither is a safe http(s) URL: a phone must never be sent to a
    ``javascript:`` payload.
    """
    url = service_url(procedure)
    if url is not None:
        return {"payload": url, "label": "Quét mã để nộp hồ sơ trực tuyến"}
    portal = portal_link(catalogue, procedure.code)
    if portal is not None and not portal.lower().startswith("mailto:"):
        return {"payload": portal, "label": "Quét mã để xem thủ tục trên Cổng Dịch vụ công"}
    return None


# --------------------------------------------------------------------------
# One procedure
# --------------------------------------------------------------------------


def _method_view(method: Any) -> View:
    fee = method.fee
    return {
        "channel": method.channel,
        "label": CHANNEL_LABELS.get(method.channel, method.channel),
        "time": duration_text(method.time),
        "time_note": method.time.note if method.time is not None else "",
        "local_time": duration_text(method.local_time),
        "local_time_note": method.local_time.note if method.local_time is not None else "",
        "fee": fee_text(fee),
        "fee_note": fee.note if fee is not None else "",
        "fee_basis": fee.basis if fee is not None else "",
        "online": ONLINE_LABELS.get(
            {"toàn trình": "toan-trinh", "một phần": "mot-phan"}.get(method.online, ""), ""
        ),
        "online_reason": method.online_reason,
        "url": short_link(method.url) if method.url else None,
        "note": method.note,
    }


def _summary(methods: list[View], keys: tuple[str, ...]) -> list[View]:
    """Channels that share the same time (or fee) on one line: "Trực tiếp, Trực tuyến: Trong ngày".

    Most procedures take the same time and fee whatever the channel; saying
    it once keeps the notice board short. ``channels`` is empty when one line
    covers every channel.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for method in methods:
        groups.setdefault(tuple(method[k] for k in keys), []).append(method["label"])
    out: list[View] = []
    for values, channels in groups.items():
        if not any(values):
            continue
        line: View = dict(zip(keys, values, strict=True))
        line["channels"] = "" if len(groups) == 1 else ", ".join(channels)
        out.append(line)
    return out


SHORT_CHANNELS = {"trực tiếp": "Trực tiếp", "trực tuyến": "Trực tuyến", "bưu chính": "Bưu chính"}


def _short(methods: list[View], render: Callable[[View], str]) -> str:
    """One short line for a posting list: the value once if every channel agrees, else per channel."""
    groups: dict[str, list[str]] = {}
    for method in methods:
        value = render(method)
        if value:
            label: str = SHORT_CHANNELS.get(method["channel"]) or method["label"]
            groups.setdefault(value, []).append(label)
    if len(groups) <= 1:
        return next(iter(groups), "")
    return "; ".join(f"{', '.join(channels)}: {value}" for value, channels in groups.items())


def _time_short(method: View) -> str:
    local = f" (cam kết {method['local_time']})" if method["local_time"] else ""
    return f"{method['time']}{local}" if method["time"] else ""


def _fee_short(method: View) -> str:
    return str(method["fee"] or method["fee_note"])


def roman(number: int) -> str:
    """1 → "I", 4 → "IV": the numbering of groups in Vietnamese administrative lists."""
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
    out = []
    for value, numeral in numerals:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


def _decision_ref(decisions: dict[str, Decision], number: str, paths: dict[str, str]) -> View:
    decision = decisions.get(number)
    if decision is None:
        return {"number": number, "path": None, "title": "", "issuer": "", "date": ""}
    return {
        "number": number,
        "path": paths.get(number),
        "title": decision.title,
        "issuer": decision.issuer,
        "date": date_text(decision.signed),
    }


def procedure_view(
    procedure: Procedure,
    catalogue: Catalogue,
    name: str | None = None,
    decision_paths: dict[str, str] | None = None,
    decisions_by_number: dict[str, Decision] | None = None,
) -> View:
    """Everything one sheet or page shows about a procedure, in the order of the national record.

    ``name`` is the output file name (without extension), chosen by
    :func:`procedure_names` so that it is unique and safe; ``decision_paths``
    maps decision numbers to their page, so that a page links only to
    decisions the site has. ``decisions_by_number`` is
    :meth:`Catalogue.decisions_by_number`, passed in by
    :func:`catalogue_view` so that it is built once, not once per procedure.
    """
    paths = decision_paths or {}
    name = name or file_name(procedure.code)
    field = {"id": procedure.field, "name": field_name(catalogue, procedure.field)}
    agencies = {
        role: [agency_view(catalogue, a) for a in getattr(procedure.agencies, role)] for role in ROLE_LABELS
    }
    online = online_status(procedure)
    levels = [level for level in LEVELS if level in procedure.levels] + [
        level for level in procedure.levels if level not in LEVELS
    ]
    performing = [a["name"] for a in agencies["performing"]]
    methods = [_method_view(m) for m in procedure.methods]
    by_number = decisions_by_number if decisions_by_number is not None else catalogue.decisions_by_number()
    return {
        "code": procedure.code,
        "name": procedure.name,
        "file": name,
        "path": f"{PROCEDURE_DIR}/{name}.html",
        "field": field,
        "levels": levels,
        "kind": procedure.kind,
        "decisions": [_decision_ref(by_number, n, paths) for n in procedure.decisions],
        "steps": list(procedure.steps),
        "steps_numbered": not all(s.lstrip().lower().startswith("bước") for s in procedure.steps),
        "methods": methods,
        "time_summary": _summary(methods, ("time", "time_note", "local_time", "local_time_note")),
        "fee_summary": _summary(methods, ("fee", "fee_note", "fee_basis")),
        "time_short": _short(methods, _time_short),
        "fee_short": _short(methods, _fee_short),
        "dossier": {
            "sets": procedure.dossier.sets,
            "sets_text": f"{procedure.dossier.sets:02d} bộ" if procedure.dossier.sets else "",
            "cases": [
                {
                    "case": case.case,
                    "documents": [
                        {
                            "name": item.name,
                            "form": item.form,
                            "form_label": "" if text.fold(item.form).startswith("mau") else "Mẫu: ",
                            "originals": item.originals,
                            "copies": item.copies,
                            "note": item.note,
                        }
                        for item in case.items
                    ],
                }
                for case in procedure.dossier.cases
            ],
        },
        "subjects": list(procedure.subjects),
        "agencies": [
            {"role": role, "label": label, "agencies": agencies[role]}
            for role, label in ROLE_LABELS.items()
            if agencies[role]
        ],
        "performing": performing,
        "performing_ids": list(procedure.agencies.performing),
        "results": [{"name": r.name, "code": r.code, "template": r.template} for r in procedure.results],
        "requirements": list(procedure.requirements),
        "legal_basis": [
            {"number": r.number, "type": r.type, "date": date_text(r.date), "title": r.title}
            for r in procedure.legal_basis
        ],
        "forms": [
            {"name": f.name, "source": f.source, "link": link(f.url, f.url) if f.url else None}
            for f in procedure.forms
        ],
        "note": procedure.note,
        "online": online,
        "online_label": ONLINE_LABELS[online],
        "postal": has_postal(procedure),
        "service_url": service_url(procedure),
        "portal_url": portal_link(catalogue, procedure.code),
        "qr": qr_target(procedure, catalogue),
        "search": text.fold(" ".join([procedure.code, procedure.name, field["name"], *performing])),
    }


_name_key = functools.lru_cache(maxsize=4096)(text.sort_key)
""":func:`tthc.text.sort_key` for the names of fields and agencies: a few hundred names, each
asked for by every procedure's search entry and every posting list, so each key is computed once.
(Procedure names are sorted once per view, one key each, and are not kept.)"""


def sort_procedures(procedures: Iterable[Procedure]) -> list[Procedure]:
    """Vietnamese alphabetical order of names, the code breaking ties."""
    return sorted(procedures, key=lambda p: (text.sort_key(p.name), p.code))


def unique_procedures(catalogue: Catalogue) -> list[Procedure]:
    """One procedure per code (the first file wins, as in the model), in Vietnamese order."""
    return sort_procedures(catalogue.by_code().values())


def procedure_names(procedures: Sequence[Procedure]) -> dict[str, str]:
    """Code → safe, unique output file name (without extension)."""
    return dict(zip((p.code for p in procedures), unique_names(file_name(p.code) for p in procedures), strict=True))


def decision_names(decisions: Sequence[Decision]) -> dict[str, str]:
    """Decision number → safe, unique file name: "2150/QĐ-UBND" → "2150-qd-ubnd"."""
    return dict(
        zip(
            (d.number for d in decisions),
            unique_names(slug_name(d.number, "quyet-dinh") for d in decisions),
            strict=True,
        )
    )


# --------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------


def _entry_view(entry: DecisionEntry, by_code: dict[str, Procedure], paths: dict[str, str]) -> View:
    procedure = by_code.get(entry.code)
    return {
        "code": entry.code,
        "name": entry.name or (procedure.name if procedure is not None else ""),
        "path": paths.get(entry.code),
        "by": entry.by,
        "components": [COMPONENTS.get(c, c) for c in entry.components],
    }


def _code_ref(code: str, by_code: dict[str, Procedure], paths: dict[str, str]) -> View:
    procedure = by_code.get(code)
    return {"code": code, "name": procedure.name if procedure is not None else "", "path": paths.get(code)}


def decision_view(
    decision: Decision,
    catalogue: Catalogue,
    name: str | None = None,
    procedure_paths: dict[str, str] | None = None,
    decision_paths: dict[str, str] | None = None,
    by_code: dict[str, Procedure] | None = None,
) -> View:
    """What a decision made new, amended, replaced and abolished, with links to the procedures.

    ``procedure_paths`` maps codes to pages relative to the site root; an
    entry whose procedure is not in the catalogue (abolished, or not yet
    entered) is shown without a link. ``by_code`` is :meth:`Catalogue.by_code`,
    passed in by :func:`catalogue_view` so that it is built once, not once per decision.
    """
    paths = procedure_paths or {}
    dpaths = decision_paths or {}
    name = name or slug_name(decision.number, "quyet-dinh")
    by_code = by_code if by_code is not None else catalogue.by_code()
    return {
        "number": decision.number,
        "file": name,
        "path": f"{DECISION_DIR}/{name}.html",
        "title": decision.title,
        "issuer": decision.issuer,
        "signer": decision.signer,
        "signed": date_text(decision.signed),
        "effective": date_text(decision.effective),
        "new": [_entry_view(e, by_code, paths) for e in decision.new],
        "amended": [_entry_view(e, by_code, paths) for e in decision.amended],
        "replaced": [
            {
                "old": _code_ref(r.old, by_code, paths),
                "new": _code_ref(r.new, by_code, paths),
                "name": r.name,
                "by": r.by,
            }
            for r in decision.replaced
        ],
        "abolished": [_entry_view(e, by_code, paths) for e in decision.abolished],
        "cancels": [{"number": n, "path": dpaths.get(n)} for n in decision.cancels],
        "count": len(decision.new) + len(decision.amended) + len(decision.replaced) + len(decision.abolished),
    }


# --------------------------------------------------------------------------
# The whole catalogue
# --------------------------------------------------------------------------


def feedback_view(catalogue: Catalogue) -> View:
    """The "Tiếp nhận phản ánh, kiến nghị" box every posting must carry (NĐ 63/2010)."""
    fb = catalogue.settings.feedback
    return {
        "agency": fb.agency,
        "address": fb.address,
        "phone": fb.phone,
        "email": email_link(fb.email),
        "website": link(fb.website, fb.website) if fb.website else None,
    }


def group_by_field(catalogue: Catalogue, procedures: Sequence[View]) -> list[View]:
    """Procedure views grouped by field, fields in Vietnamese order of their names."""
    groups: dict[str, list[View]] = {}
    for p in procedures:
        groups.setdefault(p["field"]["id"], []).append(p)
    ordered = sorted(groups, key=lambda f: (_name_key(field_name(catalogue, f)), f))
    return [
        {
            "id": f,
            "slug": text.slug(f),
            "number": roman(i),
            "name": field_name(catalogue, f),
            "procedures": groups[f],
        }
        for i, f in enumerate(ordered, 1)
    ]


def search_entries(procedures: Sequence[View]) -> list[View]:
    """The index page's embedded search data: one entry per row, in row order.

    ``fold`` is the diacritic-free text the script matches against, and the
    ranks give the script Vietnamese order for each sortable column without
    it having to know Vietnamese collation.
    """
    by_name = list(range(len(procedures)))  # rows are already in Vietnamese order of names
    by_code = sorted(by_name, key=lambda i: (procedures[i]["code"], i))
    by_field = sorted(by_name, key=lambda i: (_name_key(procedures[i]["field"]["name"]), i))
    rank = {
        "name": by_name,
        "code": [0] * len(procedures),
        "field": [0] * len(procedures),
    }
    for pos, i in enumerate(by_code):
        rank["code"][i] = pos
    for pos, i in enumerate(by_field):
        rank["field"][i] = pos
    return [
        {
            "code": p["code"],
            "fold": p["search"],
            "field": p["field"]["id"],
            "levels": [text.slug(level) for level in p["levels"]],
            "agencies": p["performing_ids"],
            "online": p["online"],
            "postal": p["postal"],
            "rank": {"name": i, "code": rank["code"][i], "field": rank["field"][i]},
        }
        for i, p in enumerate(procedures)
    ]


# --------------------------------------------------------------------------
# The statistics chart of the index page
# --------------------------------------------------------------------------


def percent_text(value: float) -> str:
    """38.7 → "38,7\u00a0%": one decimal and a decimal comma, as ``tthc stats`` prints it.

    The space before "%" is a no-break space, so a narrow column never leaves
    the sign alone on the next line.
    """
    return f"{value:.1f}".replace(".", ",") + "\u00a0%"


def bar_width(percent: float, count: int = 1) -> int:
    """A bar's width in whole percent (0 to 100) of its track: the shown percentage rounded half up.

    Half up, not to even, so "25,5 %" is always drawn 26 wide; a non-zero
    count is never drawn as an empty track (at least 1).
    """
    if count <= 0 or percent <= 0:
        return 0
    return max(1, min(100, int(percent + 0.5)))


def _bar(key: str, label: str, count: int, total: int) -> View:
    percent = round(100 * count / total, 1) if total else 0.0
    return {
        "key": key,
        "label": label or key,
        "count": count,
        "percent": percent,
        "percent_text": percent_text(percent),
        "width": bar_width(percent, count),
    }


def _cut_note(cuts: stats.TimeCuts) -> str:
    """The average cut in words; empty when no committed time could be compared."""
    if not cuts.compared:
        return ""
    way = "ngắn hơn" if cuts.average_cut_percent >= 0 else "dài hơn"
    return (
        f"Thời hạn cam kết {way} thời hạn luật định trung bình {percent_text(abs(cuts.average_cut_percent))}"
        f" (tính trên {cuts.compared} thủ tục so sánh được, cùng đơn vị thời gian)."
    )


def stats_view(catalogue: Catalogue, procedures: Sequence[Procedure] | None = None) -> View:
    """The "Thống kê" chart of the index page, from :func:`tthc.stats.compute`.

    Each group is one small table of bars; a bar has a Vietnamese label, the
    number of procedures, its share of all procedures (rounded to one
    decimal, as ``tthc stats`` prints it) and the width of its bar in whole
    percent, which the template turns into a CSS class (``w-37``): the
    pages' Content-Security-Policy forbids inline ``style`` attributes.

    Order: levels in the order of the administrative hierarchy (Cấp tỉnh
    before Cấp xã, :data:`~tthc.model.LEVELS`); the online and postal groups
    from the most to the least service, with "không" last; fields by count,
    largest first, ties in Vietnamese alphabetical order
    (:func:`tthc.text.sort_key`): a bar chart is read for what is biggest,
    and a reader looking a field up by name has the "Lĩnh vực" filter and
    the alphabetical listing just above it.

    ``procedures`` (already de-duplicated) defaults to the catalogue's unique
    procedures, so the chart counts exactly the rows of the listing; with no
    duplicate codes this is ``compute(catalogue)`` itself.
    """
    chosen = tuple(procedures) if procedures is not None else tuple(unique_procedures(catalogue))
    figures = stats.compute(dataclasses.replace(catalogue, procedures=chosen))
    total = figures.procedures
    full, partial = figures.online_full.count, figures.online_partial.count
    unstated = figures.online_any.count - full - partial
    online = [
        _bar("toan-trinh", "Trực tuyến toàn trình", full, total),
        _bar("mot-phan", "Trực tuyến một phần", partial, total),
    ]
    if unstated > 0:
        online.append(_bar("khac", "Trực tuyến, chưa ghi mức độ", unstated, total))
    online.append(_bar("khong", "Không có trực tuyến", total - figures.online_any.count, total))
    cuts = figures.time_cuts
    groups: list[View] = [
        {
            "id": "cap",
            "title": "Theo cấp thực hiện",
            "head": "Cấp thực hiện",
            "bars": [_bar(c.key, c.label, c.count, total) for c in figures.by_level],
            "notes": [
                f"Có {figures.several_levels} thủ tục thực hiện ở nhiều cấp, được tính ở mỗi cấp."
                if figures.several_levels
                else "",
                f"{len(figures.district)} thủ tục còn ghi cấp huyện (cấp huyện đã kết thúc hoạt động từ ngày 01/7/2025)."
                if figures.district
                else "",
            ],
        },
        {
            "id": "truc-tuyen",
            "title": "Dịch vụ công trực tuyến",
            "head": "Mức độ",
            "bars": online,
            "notes": [],
        },
        {
            "id": "buu-chinh",
            "title": "Nộp hồ sơ, nhận kết quả qua bưu chính công ích",
            "head": "Bưu chính công ích",
            "bars": [
                _bar("co", "Có", figures.postal.count, total),
                _bar("khong", "Không", total - figures.postal.count, total),
            ],
            "notes": [],
        },
        {
            "id": "thoi-han",
            "title": "Thời hạn giải quyết cam kết",
            "head": "Thời hạn",
            "bars": [
                _bar("co", "Có thời hạn cam kết", cuts.with_local_time, total),
                _bar("khong", "Chỉ có thời hạn luật định", total - cuts.with_local_time, total),
            ],
            "notes": [_cut_note(cuts)],
        },
        {
            "id": "linh-vuc",
            "title": "Theo lĩnh vực",
            "head": "Lĩnh vực",
            "bars": [_bar(c.key, c.label, c.count, total) for c in figures.by_field if c.count],
            "notes": [],
        },
    ]
    for group in groups:
        group["notes"] = [note for note in group["notes"] if note]
    return {
        "procedures": total,
        "average_cut_percent": cuts.average_cut_percent,
        "compared": cuts.compared,
        "groups": groups,
    }


def catalogue_view(catalogue: Catalogue, procedures: Sequence[Procedure] | None = None) -> View:
    """The site and sheet context: authority, feedback box, procedures and facets.

    ``procedures`` (already filtered) defaults to every procedure. Lists are
    sorted here (Vietnamese order), so a template iterating them needs no
    sort of its own and re-rendering gives the same bytes.
    """
    chosen = sort_procedures(procedures) if procedures is not None else unique_procedures(catalogue)
    names = procedure_names(chosen)
    decisions = catalogue.decisions_in_order()
    dnames = decision_names(decisions)
    dpaths = {number: f"{DECISION_DIR}/{name}.html" for number, name in dnames.items()}
    by_number, by_code = catalogue.decisions_by_number(), catalogue.by_code()  # once, not once per page
    views = [procedure_view(p, catalogue, names[p.code], dpaths, by_number) for p in chosen]
    ppaths = {v["code"]: v["path"] for v in views}
    levels = [level for level in LEVELS if any(level in v["levels"] for v in views)]
    agency_ids = sorted(
        {a for p in chosen for a in p.agencies.performing},
        key=lambda a: (_name_key(agency_view(catalogue, a)["name"]), a),
    )
    settings = catalogue.settings
    return {
        "authority": settings.authority,
        "province": settings.province,
        "as_of": date_text(settings.as_of),
        "feedback": feedback_view(catalogue),
        "procedures": views,
        "fields": group_by_field(catalogue, views),
        "levels": [{"name": level, "slug": text.slug(level)} for level in levels],
        "agencies": [agency_view(catalogue, a) for a in agency_ids],
        "online_options": [{"key": k, "label": v} for k, v in ONLINE_LABELS.items()],
        "decisions": [
            decision_view(d, catalogue, dnames[d.number], ppaths, dpaths, by_code) for d in reversed(decisions)
        ],
        "search": search_entries(views),
        "stats": stats_view(catalogue, chosen),
        "counts": {
            "procedures": len(views),
            "fields": len({v["field"]["id"] for v in views}),
            "toan_trinh": sum(1 for v in views if v["online"] == "toan-trinh"),
            "mot_phan": sum(1 for v in views if v["online"] == "mot-phan"),
            "postal": sum(1 for v in views if v["postal"]),
        },
    }


def posting_lists(catalogue: Catalogue, site: View) -> list[View]:
    """One posting list per level and one per performing agency (its one-stop shop).

    Each groups its procedures by field, so that a commune's Bộ phận Một cửa
    can hang its own list beside the sheets (NĐ 63/2010, Điều 16–17).
    """
    procedures: list[View] = site["procedures"]
    lists: list[View] = []
    for level in site["levels"]:
        chosen = [p for p in procedures if level["name"] in p["levels"]]
        lists.append(
            {
                "kind": "level",
                "title": level["name"],
                "file": level["slug"] or "cap",
                "agency": None,
                "groups": group_by_field(catalogue, chosen),
                "count": len(chosen),
            }
        )
    for agency in site["agencies"]:
        chosen = [p for p in procedures if agency["id"] in p["performing_ids"]]
        lists.append(
            {
                "kind": "agency",
                "title": agency["name"],
                "file": "co-quan-" + slug_name(agency["id"], "co-quan"),  # an id has no length limit
                "agency": agency,
                "groups": group_by_field(catalogue, chosen),
                "count": len(chosen),
            }
        )
    for item, name in zip(lists, unique_names(item["file"] for item in lists), strict=True):
        item["file"] = name
        item["path"] = f"{LIST_DIR}/{name}.html"
    return lists


# --------------------------------------------------------------------------
# Choosing procedures for the sheets
# --------------------------------------------------------------------------


class FilterError(ValueError):
    """A filter value names nothing in the catalogue; the message is for the user."""


@dataclass(frozen=True)
class Filters:
    """``--level``, ``--field``, ``--agency``, ``--code``: OR within one, AND across them."""

    levels: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.levels or self.fields or self.agencies or self.codes)


def _choices(known: dict[str, str]) -> str:
    """"Hộ tịch (ho-tich); Chứng thực (chung-thuc)": names contain commas, so a semicolon separates."""
    shown = {label if label == key else f"{label} ({key})" for key, label in known.items()}
    return "; ".join(text.sort_vi(shown)) or "(không có)"


def _resolve(wanted: str, known: dict[str, str], what: str) -> str:
    """Match a filter value against ids and names, with or without diacritics."""
    if wanted in known:
        return wanted
    folded = text.fold(wanted)
    for key, label in known.items():
        if folded in (text.fold(key), text.fold(label)):
            return key
    raise FilterError(f"Không có {what} “{wanted}”. Có thể chọn: {_choices(known)}.")


def _resolve_level(wanted: str, level_names: set[str]) -> str:
    """"Cấp xã", "cap xa" and "xã" all name the commune level."""
    folded = text.fold(wanted)
    for level in level_names:
        if folded in (text.fold(level), text.fold(level.removeprefix("Cấp "))):
            return level
    raise FilterError(
        f"Không có cấp thực hiện “{wanted}”. Có thể chọn: {_choices({lv: lv for lv in level_names})}."
    )


def select(catalogue: Catalogue, filters: Filters) -> list[Procedure]:
    """The procedures the filters choose, in Vietnamese order.

    Levels match "Cấp xã", "cap xa" or just "xã"; fields and agencies match
    their id or their name. A value that names nothing is an error rather
    than an empty result, because an official who mistypes a field must not
    print an empty notice board.
    """
    procedures = unique_procedures(catalogue)
    if not filters:
        return procedures
    level_names = {level for p in procedures for level in p.levels} | set(catalogue.settings.levels)
    levels = {_resolve_level(v, level_names) for v in filters.levels}
    field_ids = {p.field for p in procedures} | set(catalogue.settings.fields)
    fields = {_resolve(v, {f: field_name(catalogue, f) for f in field_ids}, "lĩnh vực") for v in filters.fields}
    agency_ids = {a for p in procedures for _, _, a in p.agencies.all()} | set(catalogue.settings.agencies)
    agencies = {
        _resolve(v, {a: agency_view(catalogue, a)["name"] for a in agency_ids}, "cơ quan")
        for v in filters.agencies
    }
    codes = {c.strip() for c in filters.codes}
    unknown = sorted(codes - {p.code for p in procedures})
    if unknown:
        raise FilterError(f"Không có thủ tục mã {', '.join(f'“{c}”' for c in unknown)} trong danh mục.")
    chosen = [
        p
        for p in procedures
        if (not levels or levels.intersection(p.levels))
        and (not fields or p.field in fields)
        and (not agencies or agencies.intersection(a for _, _, a in p.agencies.all()))
        and (not codes or p.code in codes)
    ]
    if not chosen:
        raise FilterError("Không có thủ tục nào khớp đồng thời mọi bộ lọc đã chọn.")
    return chosen
