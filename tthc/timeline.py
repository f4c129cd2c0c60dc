"""The catalogue on a date: which decisions are in force, and what the procedures say then.

A decision signed today may take effect on 1 January next year. Its files
are entered now, as the newest decision makes them (so ``tthc diff`` between
revisions shows the amendment when it is recorded); what it replaced stays in
the procedure file under ``previous:``, tagged with the decision's number.
Until that decision is in force, the catalogue is the files with those
``previous`` values put back, procedures only a future decision announces left
out, and each such change kept as a :class:`~tthc.model.Pending` notice for
the sheets and the site. Pure functions: no I/O, nothing printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from tthc.layout import final_state
from tthc.model import Catalogue, Decision, Pending, Procedure, Settings

__all__ = ["catalogue_date", "in_force", "on_date", "pending_decisions", "with_date"]


def starts(decision: Decision) -> dt.date | None:
    """The day a decision takes effect: its effective date, else its signing date; None if it has neither."""
    return decision.effective or decision.signed


def in_force(decision: Decision, date: dt.date) -> bool:
    """In force on ``date``: from its effective (else signing) date; undated, always; a draft, never."""
    if decision.draft:
        return False
    start = starts(decision)
    return start is None or start <= date


def catalogue_date(settings: Settings, as_of: dt.date | None = None) -> dt.date:
    """The catalogue's date: the ``--as-of`` option, else ``as_of`` of ``tthc.yaml``, else today."""
    return as_of or settings.as_of or dt.date.today()


def with_date(catalogue: Catalogue, as_of: dt.date | None) -> Catalogue:
    """The catalogue whose settings carry ``as_of`` (the option wins over ``tthc.yaml``); the same object otherwise.

    Every rule and page that reads the catalogue's date (the footer's “áp dụng
    từ ngày …”, the district-level rules) then reads the asked one.
    """
    if as_of is None or as_of == catalogue.settings.as_of:
        return catalogue
    return dataclasses.replace(catalogue, settings=dataclasses.replace(catalogue.settings, as_of=as_of))


def pending_decisions(catalogue: Catalogue, date: dt.date | None = None) -> list[Decision]:
    """The decisions not in force on ``date`` (default: the catalogue's date), oldest first."""
    date = date or catalogue_date(catalogue.settings)
    return [d for d in catalogue.decisions_in_order() if not in_force(d, date)]


def on_date(catalogue: Catalogue, as_of: dt.date | None = None) -> Catalogue:
    """The catalogue as it stands on ``as_of`` (default: its own date), with the pending changes noted.

    Pending decisions are undone newest first: an amended procedure gets back
    the values its ``previous`` entry for that decision keeps; a procedure that
    only pending decisions announce (as new, or as the new side of a
    replacement) leaves the catalogue; one they abolish or replace stays, with
    a notice. A file whose code a decision in force has abolished (it is
    still there on the day the abolition takes effect) is left out. When
    nothing is pending or left out the catalogue is returned as it is (the
    same object): a 10,000-procedure build pays one pass over the decisions.
    """
    catalogue = with_date(catalogue, as_of)
    date = catalogue_date(catalogue.settings)
    pending = pending_decisions(catalogue, date)
    state = final_state(catalogue, date)
    gone = {code for code, (status, *_rest) in state.items() if status == "gone"}
    if not pending and not any(p.code in gone for p in catalogue.procedures):
        return catalogue
    present = {code for code, (status, *_rest) in state.items() if status == "present"}
    procedures = list(catalogue.procedures)
    index = {p.code: i for i, p in reversed(list(enumerate(procedures)))}  # the first file wins, as by_code
    notices: list[Pending] = []
    for dec in reversed(pending):
        start = None if dec.draft else starts(dec)
        for entry in dec.amended:
            i = index.get(entry.code)
            after = procedures[i] if i is not None else None
            notices.append(Pending("amended", entry.code, dec.number, start, entry.components, after))
            if i is not None:
                procedures[i] = _undo(procedures[i], dec.number)
        for rep in dec.replaced:
            notices.append(Pending("replaced", rep.old, dec.number, start, successor=rep.new))
        for entry in dec.abolished:
            notices.append(Pending("abolished", entry.code, dec.number, start))
    coming = {e.code for d in pending for e in d.new} | {r.new for d in pending for r in d.replaced}
    new_codes = coming - present
    for dec in reversed(pending):
        for code in [e.code for e in dec.new] + [r.new for r in dec.replaced]:
            if code in new_codes:
                i = index.get(code)
                notices.append(Pending("new", code, dec.number, None if dec.draft else starts(dec),
                                       after=procedures[i] if i is not None else None))  # fmt: skip
    notices.reverse()  # oldest decision first, as they will take effect
    kept = tuple(p for p in procedures if p.code not in new_codes and p.code not in gone)
    return dataclasses.replace(catalogue, procedures=kept, pending=tuple(notices))


def procedure_on_date(procedure: Procedure, catalogue: Catalogue) -> Procedure:
    """One procedure's content in force on the catalogue's date: what :func:`on_date` gives it; the same object if nothing is pending.

    ``tthc import --update`` compares a sheet with this: an export shows the
    content in force, while the file holds what a pending decision makes it.
    """
    waiting = {entry.decision for entry in procedure.previous}
    if not waiting:
        return procedure
    for dec in reversed(pending_decisions(catalogue)):
        if dec.number in waiting and procedure.code in {e.code for e in dec.amended}:
            procedure = _undo(procedure, dec.number)
    return procedure


def _undo(procedure: Procedure, number: str) -> Procedure:
    """The procedure before decision ``number`` amended it: its ``previous`` entry's values put back.

    The entry leaves the procedure's data with it (what is in force then has
    no ``previous`` for that decision). Without an entry the procedure is
    kept as the file has it; the rule ``pending-amendment-not-kept`` reports that.
    """
    from tthc.records import build_procedure  # records → loader → rules → timeline: imported when used

    entry = next((e for e in procedure.previous if e.decision == number), None)
    if entry is None:
        return procedure
    data: dict[str, Any] = {**procedure.data, **entry.values}
    rest = [e for e in _raw_previous(procedure.data) if not (isinstance(e, Mapping) and e.get("decision") == number)]
    if rest:
        data["previous"] = rest
    else:
        data.pop("previous", None)
    return build_procedure(procedure.file, data)


def _raw_previous(data: Mapping[str, Any]) -> list[Any]:
    value = data.get("previous")
    return value if isinstance(value, list) else []
