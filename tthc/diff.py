"""What changed between two catalogues, as a lawyer reads it.

A line diff of YAML tells a reviewer that line 42 moved; an announcement
decision must say which procedures are new, which are amended (and in which
component, in the words of NĐ 63/2010 Điều 8.2), which are replaced and which
are abolished (DOMAIN.md section 3). This module computes exactly that from two
:class:`~tthc.model.Catalogue` objects. It is pure: no I/O, no printing; the
writers in :mod:`tthc.writers` turn a :class:`~tthc.changes.ChangeSet` into
text, JSON, Markdown or the decision's annex.

Procedures are matched by code, then:

* a code that only the new side has is **new**, one only the old side has is
  **abolished**, unless they pair up as
* **replaced**: the new side's decisions say so (``replaced`` entries), or
  else, as a marked guess (``guessed=True``), the names are nearly the same
  (difflib ratio of folded names ≥ :data:`~tthc.similarity.GUESS_RATIO`; not
  guessed when more than :data:`~tthc.similarity.MAX_PAIRS` pairs of names
  would have to be compared);
* a provisional code (``TAM-…``, used before the national database assigns
  one) that disappears while a code with the same name appears is the **same
  procedure** that received its code: an amendment of component ``code``,
  never new + abolished;
* a procedure present on both sides is **amended** when any component
  differs (:func:`tthc.record_diff.compare_procedures`); its file moving to
  another folder is not a change by itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from tthc import text
from tthc.changes import Amended, ChangeSet, Moved, Replaced, Value
from tthc.model import Catalogue, Decision, Procedure
from tthc.record_diff import compare_procedures
from tthc.similarity import GUESS_RATIO, similar_pairs

__all__ = ["diff", "is_provisional"]

PROVISIONAL_PREFIX = "TAM-"


def is_provisional(code: str) -> bool:
    """A code used before the national database assigned one (``TAM-…``)."""
    return code.upper().startswith(PROVISIONAL_PREFIX)


def diff(old: Catalogue, new: Catalogue) -> ChangeSet:
    """Classify every procedure and decision that differs between ``old`` and ``new``."""
    before, after = old.by_code(), new.by_code()
    gone = sorted(c for c in before if c not in after)
    came = sorted(c for c in after if c not in before)
    replaced: list[Replaced] = []
    pairs: list[tuple[Procedure, Procedure]] = []  # same procedure, code assigned

    for decision in new.decisions_in_order():
        for rep in decision.replaced:
            if rep.old in gone and rep.new in came:
                replaced.append(
                    Replaced(before[rep.old], after[rep.new], guessed=False, decision=decision.number, by=rep.by)
                )
                gone.remove(rep.old)
                came.remove(rep.new)

    for code in [c for c in gone if is_provisional(c)]:
        name = text.fold(before[code].name)
        match = next((c for c in came if text.fold(after[c].name) == name), None)
        if match is not None:
            pairs.append((before[code], after[match]))
            gone.remove(code)
            came.remove(match)

    folded_gone, folded_came = [text.fold(before[g].name) for g in gone], [text.fold(after[c].name) for c in came]
    candidates = [
        (ratio, gone[i], came[j]) for ratio, i, j in similar_pairs(folded_gone, folded_came, GUESS_RATIO)
    ]
    candidates.sort(key=lambda t: (-t[0], t[1], t[2]))
    for ratio, g, c in candidates:
        if g in gone and c in came:
            replaced.append(Replaced(before[g], after[c], guessed=True, similarity=round(ratio, 3)))
            gone.remove(g)
            came.remove(c)

    amended: list[Amended] = []
    moved: list[Moved] = []
    unchanged = 0
    for code in sorted(c for c in before if c in after):
        pairs.append((before[code], after[code]))
    for a, b in pairs:
        changes = [] if _same_record(a, b) else compare_procedures(a, b)
        if changes:
            amended.append(Amended(a, b, tuple(changes)))
            continue
        unchanged += 1
        if a.file != b.file:
            moved.append(Moved(b.code, a.file, b.file))

    added_d, changed_d, removed_d = _decisions(old, new)
    return ChangeSet(
        new=tuple(after[c] for c in came),
        abolished=tuple(before[c] for c in gone),
        replaced=tuple(sorted(replaced, key=lambda r: (r.old.code, r.new.code))),
        amended=tuple(sorted(amended, key=lambda a: a.code)),
        moved=tuple(sorted(moved, key=lambda m: m.code)),
        unchanged=unchanged,
        decisions_added=added_d,
        decisions_changed=changed_d,
        decisions_removed=removed_d,
        before=old,
        after=new,
    )


def _same_record(a: Procedure, b: Procedure) -> bool:
    """Whether two versions hold the same values, wherever their files lie.

    Between two revisions almost every record is untouched, and equal
    dataclasses cannot differ in any component: this check is what keeps
    diffing two national catalogues as cheap as reading them
    (:func:`compare_procedures` folds and aligns every list).
    """
    return a == b if a.file == b.file else dataclasses.replace(a, file=b.file) == b


def _decisions(
    old: Catalogue, new: Catalogue
) -> tuple[tuple[Decision, ...], tuple[Decision, ...], tuple[Decision, ...]]:
    a, b = old.decisions_by_number(), new.decisions_by_number()
    added = tuple(d for d in new.decisions_in_order() if d.number not in a and b.get(d.number) is d)
    removed = tuple(d for d in old.decisions_in_order() if d.number not in b and a.get(d.number) is d)
    changed = tuple(
        d
        for d in new.decisions_in_order()
        if d.number in a and b.get(d.number) is d and _decision_content(a[d.number]) != _decision_content(d)
    )
    return added, changed, removed


def _decision_content(decision: Decision) -> tuple[Decision, Value]:
    """What a decision says, wherever its file lies (a file moved between year folders is unchanged)."""
    return dataclasses.replace(decision, file=""), _nfc_data(decision.data)


def _nfc_data(value: Any) -> Value:
    if isinstance(value, str):
        return text.nfc(value)
    if isinstance(value, Mapping):
        return {str(k): _nfc_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nfc_data(v) for v in value]
    return value if isinstance(value, int | float | bool) or value is None else str(value)
