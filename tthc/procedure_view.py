"""What a sheet or a page shows about one procedure, as a plain dictionary for the templates.

Templates should only lay things out. Every decision about what a citizen
reads is made in pure Python that tests can check without rendering any
HTML: agency ids turned into names, durations and fees in words
(:mod:`tthc.wording`), whether a procedure is offered online (toàn trình /
một phần) or by post, the QR payload, the folded search text, and which
links may be emitted at all (only http(s) and mailto: catalogue text comes
from many hands and is published to citizens, so a ``javascript:`` or
``data:`` "link" becomes plain text). No I/O, no printing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from tthc import text, wording
from tthc.links import is_email, safe_url
from tthc.model import LEVELS, Agency, Catalogue, Decision, Method, Pending, Procedure
from tthc.output_names import PROCEDURE_DIR, file_name

View = dict[str, Any]
"""A plain dictionary handed to a template: strings, numbers, lists, dicts."""

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


def field_name(catalogue: Catalogue, field_id: str) -> str:
    """A field's name; an unknown field by its id (:func:`tthc.wording.field_name`)."""
    return wording.field_name(catalogue.settings, field_id)


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
    """Key of :data:`tthc.wording.ONLINE_LABELS`: the NĐ 42/2022 level of the online channel."""
    method = procedure.method("trực tuyến")
    if method is None:
        return "khong"
    return wording.ONLINE_KEYS.get(method.online, "khac")


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


def _method_view(method: Method) -> View:
    fee = method.fee
    return {
        "channel": method.channel,
        "place": method.place,
        "label": wording.method_label(method.channel, method.place),
        "short_label": wording.method_label(method.channel, method.place, wording.short_channel_label),
        "time": wording.duration_text(method.time),
        "time_note": method.time.note if method.time is not None else "",
        "local_time": wording.duration_text(method.local_time),
        "local_time_note": method.local_time.note if method.local_time is not None else "",
        "fee": wording.fee_text(fee),
        "fee_note": fee.note if fee is not None else "",
        "fee_basis": fee.basis if fee is not None else "",
        "online": wording.ONLINE_LABELS.get(wording.ONLINE_KEYS.get(method.online, ""), ""),
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


def _short(methods: list[View], render: Callable[[View], str]) -> str:
    """One short line for a posting list: the value once if every channel agrees, else per channel."""
    return "; ".join(wording.per_channel([(m["short_label"], render(m)) for m in methods], label=str, grouped=True))


def _time_short(method: View) -> str:
    local = f" (cam kết {method['local_time']})" if method["local_time"] else ""
    return f"{method['time']}{local}" if method["time"] else ""


def _fee_short(method: View) -> str:
    return str(method["fee"] or method["fee_note"])


def _draft(decision: Decision | None) -> bool:
    """A draft decision (``tthc upstream --draft-decision``) is cited by files in a pull request, never on a page."""
    return decision is not None and decision.draft


def _decision_ref(decisions: dict[str, Decision], number: str, paths: dict[str, str]) -> View:
    decision = decisions.get(number)
    if decision is None:
        return {"number": number, "path": None, "title": "", "issuer": "", "date": ""}
    return {
        "number": number,
        "path": paths.get(number),
        "title": decision.title,
        "issuer": decision.issuer,
        "date": wording.date_text(decision.signed),
    }


def pending_view(pending: Pending) -> View:
    """One change not yet in force, as the sheet, the site page and the index say it (:func:`tthc.wording.pending_text`)."""
    after = pending.after
    methods = [_method_view(m) for m in after.methods] if after is not None and pending.kind == "amended" else []
    return {
        "kind": pending.kind,
        "code": pending.code,
        "decision": pending.decision,
        "date": wording.date_text(pending.effective),
        "text": wording.pending_text(
            pending, fee=_short(methods, _fee_short) if methods else "", time=_short(methods, _time_short) if methods else ""
        ),
    }


def pending_views(catalogue: Catalogue, code: str) -> list[View]:
    """The changes decisions not yet in force make to one procedure, oldest first; a draft's are not public."""
    return [pending_view(p) for p in catalogue.pending_for(code) if p.effective is not None]


def procedure_view(
    procedure: Procedure,
    catalogue: Catalogue,
    name: str | None = None,
    decision_paths: dict[str, str] | None = None,
    decisions_by_number: dict[str, Decision] | None = None,
) -> View:
    """Everything one sheet or page shows about a procedure, in the order of the national record.

    ``name`` is the output file name (without extension), chosen by
    :func:`tthc.output_names.procedure_names` so that it is unique and safe; ``decision_paths``
    maps decision numbers to their page, so that a page links only to
    decisions the site has. ``decisions_by_number`` is
    :meth:`Catalogue.decisions_by_number`, passed in by
    :func:`tthc.catalogue_view.catalogue_view` so that it is built once, not once per procedure.
    """
    paths = decision_paths or {}
    name = name or file_name(procedure.code)
    field = {"id": procedure.field, "name": field_name(catalogue, procedure.field)}
    agencies = {
        role: [agency_view(catalogue, a) for a in getattr(procedure.agencies, role)] for role in wording.ROLE_LABELS
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
        "decisions": [_decision_ref(by_number, n, paths) for n in procedure.decisions if not _draft(by_number.get(n))],
        "steps": list(procedure.steps),
        "steps_numbered": not all(s.lstrip().lower().startswith("bước") for s in procedure.steps),
        "methods": methods,
        "time_summary": _summary(methods, ("time", "time_note", "local_time", "local_time_note")),
        "fee_summary": _summary(methods, ("fee", "fee_note", "fee_basis")),
        "time_short": _short(methods, _time_short),
        "fee_short": _short(methods, _fee_short),
        "unstated": wording.UNSTATED,
        "dossier": {
            "sets": procedure.dossier.sets,
            "sets_text": f"{wording.two_digits(procedure.dossier.sets)} bộ" if procedure.dossier.sets else "",
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
            for role, label in wording.ROLE_LABELS.items()
            if agencies[role]
        ],
        "address": procedure.agencies.address,
        "address_label": wording.ADDRESS_LABEL,
        "performing": performing,
        "performing_ids": list(procedure.agencies.performing),
        "results": [{"name": r.name, "code": r.code, "template": r.template} for r in procedure.results],
        "requirements": list(procedure.requirements),
        "legal_basis": [
            {"number": r.number, "type": r.type, "date": wording.date_text(r.date), "title": r.title}
            for r in procedure.legal_basis
        ],
        "forms": [
            {"name": f.name, "source": f.source, "link": link(f.url, f.url) if f.url else None}
            for f in procedure.forms
        ],
        "note": procedure.note,
        "online": online,
        "online_label": wording.ONLINE_LABELS[online],
        "postal": has_postal(procedure),
        "service_url": service_url(procedure),
        "portal_url": portal_link(catalogue, procedure.code),
        "qr": qr_target(procedure, catalogue),
        "search": text.fold(" ".join([procedure.code, procedure.name, field["name"], *performing])),
        "pending": pending_views(catalogue, procedure.code) if catalogue.pending else [],
    }


SUMMARY_KEYS = (
    "code", "name", "file", "path", "field", "levels", "kind", "online", "online_label", "postal",
    "time_short", "fee_short", "performing", "performing_ids", "search", "qr", "qr_svg",
)
"""What the pages listing many procedures (the index, the posting lists, the contents of the sheets and
of a bundle) get of each: a build keeps these of every procedure to the end, and the rest of its view
(steps, dossier, methods, legal texts: three quarters of it) only while its own pages are rendered."""


def summary(view: View) -> View:
    """The keys of ``view`` that lists of many procedures show (:data:`SUMMARY_KEYS`)."""
    return {key: view[key] for key in SUMMARY_KEYS}


def unique_procedures(catalogue: Catalogue) -> list[Procedure]:
    """One procedure per code (the first file wins, as in the model), in Vietnamese order."""
    return wording.sort_procedures(catalogue.by_code().values())


