"""What an announcement decision made new, amended, replaced and abolished, as a plain dictionary for its page."""

from __future__ import annotations

from tthc import wording
from tthc.model import COMPONENTS, Catalogue, Decision, DecisionEntry, Procedure
from tthc.output_names import DECISION_DIR, slug_name
from tthc.procedure_view import View
from tthc.timeline import catalogue_date, in_force, starts


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
    passed in by :func:`tthc.catalogue_view.catalogue_view` so that it is built once, not once per decision.
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
        "signed": wording.date_text(decision.signed),
        "effective": wording.date_text(decision.effective),
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
        "pending": not decision.draft and not in_force(decision, catalogue_date(catalogue.settings)),
        "starts": wording.date_text(starts(decision)),
        "count": len(decision.new) + len(decision.amended) + len(decision.replaced) + len(decision.abolished),
    }


