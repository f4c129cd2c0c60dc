"""The stable JSON contract of ``tthc diff --format json`` (issue 3, README "Output formats").

The issue's contract names two top-level keys "new": the new side's label and
the list of new procedures. JSON objects cannot hold both, so the list keeps
"new" (as in "summary", beside "abolished", "replaced", "amended"), "old"
keeps the old side's label, and the new side's label is "new_label".

Keys come in a fixed order and text stays readable Vietnamese
(``ensure_ascii=False``), so that CI jobs and bots can parse it and people can
still read a saved file. Lists are sorted by code, as the change set is.
"""

from __future__ import annotations

import json
from typing import Any

from tthc.changes import ChangeSet
from tthc.model import Decision
from tthc.writers.base import Context


def as_dict(changes: ChangeSet, context: Context) -> dict[str, Any]:
    return {
        "old": context.old_label,
        "new_label": context.new_label,
        "summary": changes.summary(),
        "new": [{"code": p.code, "name": p.name} for p in changes.new],
        "abolished": [{"code": p.code, "name": p.name} for p in changes.abolished],
        "replaced": [
            {"old": r.old.code, "new": r.new.code, "name": r.new.name, "guessed": r.guessed}
            for r in changes.replaced
        ],
        "amended": [
            {
                "code": a.code,
                "name": a.name,
                "changes": [
                    {"component": c.component, "path": c.path, "kind": c.kind, "old": c.old, "new": c.new}
                    for c in a.changes
                ],
            }
            for a in changes.amended
        ],
        "decisions": {
            "added": [_decision(d) for d in changes.decisions_added],
            "changed": [_decision(d) for d in changes.decisions_changed],
            "removed": [_decision(d) for d in changes.decisions_removed],
        },
    }


def _decision(decision: Decision) -> dict[str, str]:
    return {"number": decision.number, "title": decision.title}


def write(changes: ChangeSet, context: Context) -> bytes:
    return (json.dumps(as_dict(changes, context), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
