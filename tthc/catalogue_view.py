"""The whole catalogue as the listing site and the posting lists show it.

Vietnamese alphabetical order, grouping by field, level and agency, the
search entries of the index page and one posting list per level and per
one-stop shop: decided here, once, so a template iterating a list needs no
sort of its own and re-rendering gives the same bytes. No I/O, no printing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from tthc import collation, text, wording
from tthc.decision_view import decision_view
from tthc.model import LEVELS, Catalogue, Decision, Procedure
from tthc.output_names import DECISION_DIR, LIST_DIR, decision_names, procedure_names, slug_name, unique_names
from tthc.procedure_view import (
    View,
    agency_view,
    email_link,
    field_name,
    has_postal,
    link,
    online_status,
    pending_view,
    procedure_view,
    unique_procedures,
)
from tthc.stats_chart import stats_view

_name_key = functools.lru_cache(maxsize=4096)(collation.sort_key)
""":func:`tthc.collation.sort_key` for the names of fields and agencies: a few hundred names, each
asked for by every procedure's search entry and every posting list, so each key is computed once.
(Procedure names are sorted once per view, one key each, and are not kept.)"""


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
            "number": wording.roman(i),
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


def upcoming(catalogue: Catalogue) -> list[View]:
    """Procedures that only decisions not yet in force announce: listed apart, never among those in force.

    By date of entry into force, then in Vietnamese order of names; a draft's are not public.
    """
    out = []
    for pending in catalogue.pending:
        if pending.kind != "new" or pending.effective is None:
            continue
        after = pending.after
        view = pending_view(pending)
        view["name"] = after.name if after is not None else ""
        view["field"] = field_name(catalogue, after.field) if after is not None else ""
        out.append((pending.effective, _name_key(view["name"]), pending.code, view))
    return [view for *_key, view in sorted(out, key=lambda item: item[:3])]


def ordered(catalogue: Catalogue, procedures: Sequence[Procedure] | None = None) -> list[Procedure]:
    """``procedures`` (already filtered), or one procedure per code, in Vietnamese order of names."""
    return wording.sort_procedures(procedures) if procedures is not None else unique_procedures(catalogue)


def published_decisions(catalogue: Catalogue) -> tuple[list[Decision], dict[str, str]]:
    """The decisions the site shows, oldest first, and the file name of each: a draft is not yet the authority's word."""
    decisions = [d for d in catalogue.decisions_in_order() if not d.draft]
    return decisions, decision_names(decisions)


def decision_paths(names: dict[str, str]) -> dict[str, str]:
    """Each decision's page, by number, relative to the site's root."""
    return {number: f"{DECISION_DIR}/{name}.html" for number, name in names.items()}


def page_values(catalogue: Catalogue, chosen: Sequence[Procedure]) -> View:
    """What every page gets as ``site``: the catalogue-wide values, worked out from the records alone.

    The pages of one procedure get these and nothing else (not the lists of
    every procedure), so they are known before any procedure view is made:
    a build makes each view where its pages are rendered, in a worker, and
    keeps only its summary (:func:`tthc.procedure_view.summary`).
    """
    levels = [level for level in LEVELS if any(level in p.levels for p in chosen)]
    agency_ids = sorted(
        {a for p in chosen for a in p.agencies.performing},
        key=lambda a: (_name_key(agency_view(catalogue, a)["name"]), a),
    )
    online = [online_status(p) for p in chosen]
    settings = catalogue.settings
    return {
        "authority": settings.authority,
        "province": settings.province,
        "as_of": wording.date_text(settings.as_of),
        "feedback": feedback_view(catalogue),
        "levels": [{"name": level, "slug": text.slug(level)} for level in levels],
        "agencies": [agency_view(catalogue, a) for a in agency_ids],
        "online_options": [{"key": k, "label": v} for k, v in wording.ONLINE_LABELS.items()],
        "upcoming": upcoming(catalogue),
        "counts": {
            "procedures": len(chosen),
            "fields": len({p.field for p in chosen}),
            "toan_trinh": online.count("toan-trinh"),
            "mot_phan": online.count("mot-phan"),
            "postal": sum(1 for p in chosen if has_postal(p)),
        },
    }


def catalogue_view(catalogue: Catalogue, procedures: Sequence[Procedure] | None = None) -> View:
    """The site and sheet context: authority, feedback box, procedures and facets.

    ``procedures`` (already filtered) defaults to every procedure. Lists are
    sorted here (Vietnamese order), so a template iterating them needs no
    sort of its own and re-rendering gives the same bytes.
    """
    chosen = ordered(catalogue, procedures)
    names = procedure_names(chosen)
    dpaths = decision_paths(published_decisions(catalogue)[1])
    by_number = catalogue.decisions_by_number()  # once, not once per page
    views = [procedure_view(p, catalogue, names[p.code], dpaths, by_number) for p in chosen]
    return site_view(catalogue, chosen, views, page_values(catalogue, chosen))


def site_view(catalogue: Catalogue, chosen: Sequence[Procedure], views: list[View], values: View) -> View:
    """:func:`catalogue_view` around views of ``chosen`` already made, whole or their summaries, and its :func:`page_values`."""
    decisions, dnames = published_decisions(catalogue)
    dpaths = decision_paths(dnames)
    by_code = catalogue.by_code()  # once, not once per page
    ppaths = {v["code"]: v["path"] for v in views}
    return {
        "authority": values["authority"],
        "province": values["province"],
        "as_of": values["as_of"],
        "feedback": values["feedback"],
        "procedures": views,
        "fields": group_by_field(catalogue, views),
        "levels": values["levels"],
        "agencies": values["agencies"],
        "online_options": values["online_options"],
        "decisions": [
            decision_view(d, catalogue, dnames[d.number], ppaths, dpaths, by_code) for d in reversed(decisions)
        ],
        "search": search_entries(views),
        "upcoming": values["upcoming"],
        "stats": stats_view(catalogue, chosen),
        "counts": values["counts"],
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


