"""What changed between two catalogues, as a lawyer reads it.

A line diff of YAML tells a reviewer that line 42 moved; an announcement
decision must say which procedures are new, which are amended (and in which
component, in the words of NĐ 63/2010 Điều 8.2), which are replaced and which
are abolished (DOMAIN.md section 3). This module computes exactly that from two
:class:`~tthc.model.Catalogue` objects. It is pure: no I/O, no printing; the
writers in :mod:`tthc.writers` turn a :class:`ChangeSet` into text, JSON,
Markdown or the decision's annex.

Procedures are matched by code, then:

* a code that only the new side has is **new**, one only the old side has is
  **abolished**, unless they pair up as
* **replaced**: the new side's decisions say so (``replaced`` entries), or
  else, as a marked guess (``guessed=True``), the names are nearly the same
  (difflib ratio of folded names ≥ :data:`GUESS_RATIO`; not guessed when more
  than :data:`MAX_PAIRS` pairs of names would have to be compared);
* a provisional code (``TAM-…``, used before the national database assigns
  one) that disappears while a code with the same name appears is the **same
  procedure** that received its code: an amendment of component ``code``,
  never new + abolished;
* a procedure present on both sides is **amended** when any component
  differs; its file moving to another folder is not a change by itself.

Lists are compared by their natural key (a dossier item by its folded name, a
method by its channel, a legal text by its number, a result or form by its
name, a step by its text without its "Bước N:" label), so that reordering is
reported as ``reordered`` and not as removal plus addition.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from tthc import text
from tthc.model import (
    COMPONENTS,
    Catalogue,
    Decision,
    DossierCase,
    DossierItem,
    Duration,
    Fee,
    Form,
    LegalRef,
    Method,
    Procedure,
    Result,
)

__all__ = [
    "EDITORIAL_COMPONENTS",
    "GUESS_RATIO",
    "LEGAL_COMPONENTS",
    "MAX_PAIRS",
    "Amended",
    "Change",
    "ChangeKind",
    "ChangeSet",
    "Moved",
    "Replaced",
    "Unannounced",
    "WordOp",
    "compare_procedures",
    "diff",
    "is_editorial_text",
    "is_provisional",
    "unannounced",
    "word_diff",
]

T = TypeVar("T")
ChangeKind = Literal["changed", "added", "removed", "reordered"]
Value = Any
"""A JSON-able value: str, int, float, bool, None, or lists and dicts of them."""

GUESS_RATIO = 0.85
"""Folded names at least this similar pair a vanished and an appeared code as a guessed replacement."""
MAX_PAIRS = 20_000
"""Pairs of texts compared for similarity at most, per list: beyond (about 140 vanished codes against
140 new ones), nothing is paired by likeness and the leftovers are reported as they are, new and abolished,
removed and added. difflib's ratio is slow, and a re-coded field or a pasted list must not stall a CI job."""
PROVISIONAL_PREFIX = "TAM-"

LEGAL_COMPONENTS: frozenset[str] = frozenset(
    {
        "name",
        "field",
        "level",
        "kind",
        "steps",
        "methods",
        "time",
        "fee",
        "dossier",
        "subjects",
        "agencies",
        "results",
        "requirements",
        "legal_basis",
        "forms",
    }
)
"""Components whose change must be announced by a decision.

They are the parts of a procedure that NĐ 63/2010/NĐ-CP Điều 8.2 makes the
law's content of a procedure (name, steps, methods, dossier, time, subjects,
agencies, result, forms, requirements, fees, legal basis), plus the field,
level and kind under which the decision lists it: a citizen's rights change
when any of them does, so Điều 15 requires an announcement. The same keys are
the ``components`` a decision's ``amended`` entry may name.

Not legal: ``code`` (assigned by the national database, not by a decision),
``decisions`` (the record of announcements itself) and ``note`` (an internal
remark); nor any ``url`` (a link to the portal or a form moves without the law
changing). See :func:`is_editorial_text` for edits inside legal text that are
still editorial.
"""

EDITORIAL_COMPONENTS: frozenset[str] = frozenset(COMPONENTS) - LEGAL_COMPONENTS
"""``code``, ``decisions``, ``note``: changes to them never need a decision."""

_STEP_LABEL = re.compile(r"^\s*bước\s*\d+\s*[:.)\-–]?\s*", re.IGNORECASE)
_WORD = re.compile(r"\s*(\w+|[^\w\s])")
_SQUASH = re.compile(r"[\W_]+")
_LONG_TEXT_WORDS = 6
"""Texts longer than this many words get a word-level diff."""


# --- the result -----------------------------------------------------------------------


@dataclass(frozen=True)
class WordOp:
    """One run of a word-level diff: ``=`` kept, ``-`` removed, ``+`` added."""

    op: Literal["=", "-", "+"]
    text: str


@dataclass(frozen=True)
class Change:
    """One changed component of one procedure."""

    component: str
    """A key of :data:`tthc.model.COMPONENTS` ("time", "fee", "dossier" …)."""
    path: str
    """Where inside the record, e.g. ``methods[trực tuyến].fee`` or ``steps[2]``."""
    kind: ChangeKind
    old: Value
    new: Value
    words: tuple[WordOp, ...] = ()
    """A word-level diff, for long texts."""
    editorial: bool = False
    """True when the change needs no announcement (see :data:`LEGAL_COMPONENTS`)."""

    @property
    def label(self) -> str:
        """The component as the law names it."""
        return COMPONENTS.get(self.component, self.component)


@dataclass(frozen=True)
class Amended:
    """A procedure on both sides whose record differs."""

    old: Procedure
    new: Procedure
    changes: tuple[Change, ...]

    @property
    def code(self) -> str:
        return self.new.code

    @property
    def name(self) -> str:
        return self.new.name

    @property
    def code_assigned(self) -> bool:
        """A provisional code that received its national code."""
        return self.old.code != self.new.code

    @property
    def legal(self) -> bool:
        """Whether any change needs an announcement decision."""
        return any(not c.editorial for c in self.changes)

    def components(self, legal_only: bool = False) -> tuple[str, ...]:
        """Changed components in the order of the national record."""
        seen = {c.component for c in self.changes if not (legal_only and c.editorial)}
        return tuple(k for k in COMPONENTS if k in seen)


@dataclass(frozen=True)
class Replaced:
    """An old procedure replaced by a new one (new code)."""

    old: Procedure
    new: Procedure
    guessed: bool
    """True when no decision says so and the pair was guessed from the names."""
    decision: str = ""
    """The number of the decision that lists the replacement, when one does."""
    by: str = ""
    """The legal text that made the replacement, as the decision gives it."""
    similarity: float = 1.0


@dataclass(frozen=True)
class Moved:
    """A procedure whose file moved (another field folder) with its record unchanged."""

    code: str
    old_file: str
    new_file: str


@dataclass(frozen=True)
class ChangeSet:
    """Everything that differs between two catalogues; lists sorted by code."""

    new: tuple[Procedure, ...] = ()
    abolished: tuple[Procedure, ...] = ()
    replaced: tuple[Replaced, ...] = ()
    amended: tuple[Amended, ...] = ()
    moved: tuple[Moved, ...] = ()
    unchanged: int = 0
    decisions_added: tuple[Decision, ...] = ()
    decisions_changed: tuple[Decision, ...] = ()
    """The new side's version of each decision whose content changed."""
    decisions_removed: tuple[Decision, ...] = ()
    before: Catalogue | None = field(default=None, compare=False, repr=False)
    after: Catalogue | None = field(default=None, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        """No procedure or decision differs (a moved file alone is no difference)."""
        return not (
            self.new
            or self.abolished
            or self.replaced
            or self.amended
            or self.decisions_added
            or self.decisions_changed
            or self.decisions_removed
        )

    def summary(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "amended": len(self.amended),
            "replaced": len(self.replaced),
            "abolished": len(self.abolished),
            "unchanged": self.unchanged,
        }

    def announcing(self) -> tuple[Decision, ...]:
        """Decisions recorded between the two sides: added, or changed."""
        return (*self.decisions_added, *self.decisions_changed)


# --- classification -------------------------------------------------------------------


def is_provisional(code: str) -> bool:
    """A code used before the national database assigned one (``TAM-…``)."""
    return code.upper().startswith(PROVISIONAL_PREFIX)


def _similar_pairs(left: Sequence[str], right: Sequence[str], threshold: float) -> list[tuple[float, int, int]]:
    """``(ratio, i, j)`` for every pair of texts at least ``threshold`` alike, most alike first.

    The same pairs as computing difflib's ratio for each, in a fraction of
    the time: each right-hand text is indexed once, and the cheap upper
    bounds (``real_quick_ratio``, ``quick_ratio``) rule out most pairs before
    the quadratic ratio is computed. No pair at all beyond :data:`MAX_PAIRS`.
    """
    if len(left) * len(right) > MAX_PAIRS:
        return []
    pairs: list[tuple[float, int, int]] = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, b in enumerate(right):
        matcher.set_seq2(b)
        for i, a in enumerate(left):
            matcher.set_seq1(a)
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                ratio = matcher.ratio()
                if ratio >= threshold:
                    pairs.append((ratio, i, j))
    return sorted(pairs, key=lambda t: (-t[0], t[1], t[2]))


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
        (ratio, gone[i], came[j]) for ratio, i, j in _similar_pairs(folded_gone, folded_came, GUESS_RATIO)
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


# --- comparing two records ------------------------------------------------------------


def compare_procedures(old: Procedure, new: Procedure) -> list[Change]:
    """Every component that differs between two versions of one procedure."""
    out: list[Change] = []
    _scalar(out, "code", "code", old.code, new.code)
    _text(out, "name", "name", old.name, new.name)
    _text(out, "field", "field", old.field, new.field)
    _set(out, "level", "level", list(old.levels), list(new.levels))
    _text(out, "kind", "kind", old.kind, new.kind)
    _strings(out, "decisions", "decisions", old.decisions, new.decisions)
    _keyed(
        out, "steps", "steps", old.steps, new.steps,
        key=_step_key, label=None, similar=_step_key, threshold=0.5,
        compare=lambda path, a, b: _text(out, "steps", path, a, b, ignore_label=True),
        value=lambda s: s, ordered=True,
    )  # fmt: skip
    _methods(out, old.methods, new.methods)
    _dossier(out, old, new)
    _strings(out, "subjects", "subjects", old.subjects, new.subjects)
    for role in ("performing", "deciding", "authorised", "coordinating"):
        _set(out, "agencies", f"agencies.{role}", list(getattr(old.agencies, role)), list(getattr(new.agencies, role)))
    _records(out, "results", old.results, new.results, lambda r: text.fold(r.name), lambda r: r.name)
    _strings(out, "requirements", "requirements", old.requirements, new.requirements, fuzzy=True)
    _records(
        out, "legal_basis", old.legal_basis, new.legal_basis,
        lambda r: text.fold(r.number).replace(" ", ""), lambda r: r.number, fuzzy=False,
    )  # fmt: skip
    _records(out, "forms", old.forms, new.forms, lambda f: text.fold(f.name), lambda f: f.name)
    _text(out, "note", "note", old.note, new.note)
    return out


def _set(out: list[Change], component: str, path: str, old: list[str], new: list[str]) -> None:
    """A small set read as one value: "Cấp huyện → Cấp xã" is one change, not a removal and an addition.

    Used for the levels and for each role of the agencies, where staff read
    the whole list at once.
    """
    if old == new:
        return
    if sorted(map(text.fold, old)) == sorted(map(text.fold, new)):
        kind: ChangeKind = "reordered" if sorted(old) == sorted(new) else "changed"
        out.append(Change(component, path, kind, old, new, editorial=True))
        return
    out.append(Change(component, path, _kind(old, new), old, new))


def _kind(old: Value, new: Value) -> ChangeKind:
    if old in (None, "", [], {}):
        return "added"
    if new in (None, "", [], {}):
        return "removed"
    return "changed"


def _editorial_path(component: str, path: str) -> bool:
    return component in EDITORIAL_COMPONENTS or path.endswith(".url") or path == "url"


def _scalar(out: list[Change], component: str, path: str, old: Value, new: Value) -> None:
    if old == new:
        return
    editorial = _editorial_path(component, path) or _editorial_value(old, new)
    out.append(Change(component, path, _kind(old, new), old, new, editorial=editorial))


def _text(
    out: list[Change], component: str, path: str, old: str, new: str, *, ignore_label: bool = False
) -> None:
    if old == new:
        return
    if ignore_label and _STEP_LABEL.sub("", old) == _STEP_LABEL.sub("", new):
        return  # only the "Bước N:" numbering moved with an inserted or removed step
    words: tuple[WordOp, ...] = ()
    if old and new and max(len(old.split()), len(new.split())) > _LONG_TEXT_WORDS:
        words = word_diff(old, new)
    editorial = _editorial_path(component, path) or is_editorial_text(old, new)
    out.append(Change(component, path, _kind(old, new), old, new, words=words, editorial=editorial))


def _strings(
    out: list[Change], component: str, path: str, old: Sequence[str], new: Sequence[str], *, fuzzy: bool = False
) -> None:
    _keyed(
        out, component, path, old, new,
        key=text.fold, label=None if fuzzy else (lambda s: s), similar=text.fold if fuzzy else None,
        threshold=0.6, compare=lambda p, a, b: _text(out, component, p, a, b),
        value=lambda s: s, ordered=False,
    )  # fmt: skip


def _keyed(
    out: list[Change],
    component: str,
    path: str,
    old: Sequence[T],
    new: Sequence[T],
    *,
    key: Callable[[T], str],
    label: Callable[[T], str] | None,
    similar: Callable[[T], str] | None,
    threshold: float,
    compare: Callable[[str, T, T], None],
    value: Callable[[T], Value],
    ordered: bool,
) -> None:
    """Compare two lists by a natural key; report reordering once, as ``reordered``.

    Items with the same key are compared field by field. Items left over on
    both sides pair up when ``similar`` texts are close enough (an edited step
    or a renamed dossier item is a change, not a removal plus an addition);
    the rest are removed or added. ``label`` names an item in the path (the
    index on its side when None). ``ordered`` marks lists whose order is
    itself legal content (the steps: trình tự).
    """

    def keyed(items: Sequence[T]) -> dict[str, int]:
        out_keys: dict[str, int] = {}
        for i, item in enumerate(items):
            k, n = key(item), 1
            while (k if n == 1 else f"{k}#{n}") in out_keys:
                n += 1
            out_keys[k if n == 1 else f"{k}#{n}"] = i
        return out_keys

    def at(items: Sequence[T], i: int) -> str:
        return f"{path}[{label(items[i]) if label else i}]"

    ka, kb = keyed(old), keyed(new)
    matched = [(ka[k], kb[k]) for k in ka if k in kb]
    left_a = [ka[k] for k in ka if k not in kb]
    left_b = [kb[k] for k in kb if k not in ka]
    if similar is not None and left_a and left_b:
        pairs = _similar_pairs([similar(old[i]) for i in left_a], [similar(new[j]) for j in left_b], threshold)
        scores = sorted(((ratio, left_a[a], left_b[b]) for ratio, a, b in pairs), key=lambda t: (-t[0], t[1], t[2]))
        for _ratio, i, j in scores:
            if i in left_a and j in left_b:
                matched.append((i, j))
                left_a.remove(i)
                left_b.remove(j)
    if ordered:
        # What is left of a sequence at the same place was rewritten there: a change, not a swap.
        for i in list(left_a):
            if i in left_b:
                matched.append((i, i))
                left_a.remove(i)
                left_b.remove(i)
    matched.sort()
    order_b = [j for _, j in matched]
    if order_b != sorted(order_b):
        out.append(
            Change(
                component, path, "reordered",
                [_item_label(old[i], label, i) for i, _ in matched],
                [_item_label(new[j], label, j) for j in sorted(order_b)],
                editorial=not ordered or _editorial_path(component, path),
            )
        )  # fmt: skip
    for i, j in sorted(matched, key=lambda m: m[1]):
        compare(at(new, j), old[i], new[j])
    for i in left_a:
        out.append(Change(component, at(old, i), "removed", value(old[i]), None, editorial=_editorial_path(component, path)))
    for j in left_b:
        out.append(Change(component, at(new, j), "added", None, value(new[j]), editorial=_editorial_path(component, path)))


def _item_label(item: Any, label: Callable[[Any], str] | None, index: int) -> str:
    if label is not None:
        return label(item)
    return item if isinstance(item, str) else str(index)


def _step_key(step: str) -> str:
    return text.fold(_STEP_LABEL.sub("", step))


def _records(
    out: list[Change],
    component: str,
    old: Sequence[Result] | Sequence[LegalRef] | Sequence[Form],
    new: Sequence[Result] | Sequence[LegalRef] | Sequence[Form],
    key: Callable[[Any], str],
    label: Callable[[Any], str],
    *,
    fuzzy: bool = True,
) -> None:
    """Lists of small records (results, legal texts, forms): compared field by field."""

    def compare(path: str, a: Any, b: Any) -> None:
        for name in (f.name for f in dataclasses.fields(a)):
            av, bv = getattr(a, name), getattr(b, name)
            _text(out, component, f"{path}.{name}", av, bv)

    _keyed(
        out, component, component, old, new,
        key=key, label=label, similar=key if fuzzy else None, threshold=GUESS_RATIO,
        compare=compare, value=_plain, ordered=False,
    )  # fmt: skip


def _methods(out: list[Change], old: Sequence[Method], new: Sequence[Method]) -> None:
    """Methods by channel; the law names time and fee apart, so they are their own components."""

    def compare(path: str, a: Method, b: Method) -> None:
        _whole(out, "time", f"{path}.time", _duration(a.time), _duration(b.time))
        _whole(out, "time", f"{path}.local_time", _duration(a.local_time), _duration(b.local_time))
        _whole(out, "fee", f"{path}.fee", _fee(a.fee), _fee(b.fee))
        for name in ("online", "online_reason", "url", "note"):
            _text(out, "methods", f"{path}.{name}", getattr(a, name), getattr(b, name))

    _keyed(
        out, "methods", "methods", old, new,
        key=lambda m: text.fold(m.channel), label=lambda m: m.channel, similar=None, threshold=1.0,
        compare=compare, value=_method, ordered=False,
    )  # fmt: skip


def _dossier(out: list[Change], old: Procedure, new: Procedure) -> None:
    _scalar(out, "dossier", "dossier.sets", old.dossier.sets, new.dossier.sets)

    def compare_item(path: str, a: DossierItem, b: DossierItem) -> None:
        _text(out, "dossier", f"{path}.name", a.name, b.name)
        _text(out, "dossier", f"{path}.form", a.form, b.form)
        _scalar(out, "dossier", f"{path}.originals", a.originals, b.originals)
        _scalar(out, "dossier", f"{path}.copies", a.copies, b.copies)
        _text(out, "dossier", f"{path}.note", a.note, b.note)

    def compare_case(path: str, a: DossierCase, b: DossierCase) -> None:
        _text(out, "dossier", f"{path}.case", a.case, b.case)
        _keyed(
            out, "dossier", f"{path}.items", a.items, b.items,
            key=lambda i: text.fold(i.name), label=lambda i: i.name, similar=lambda i: text.fold(i.name),
            threshold=GUESS_RATIO, compare=compare_item, value=_plain, ordered=False,
        )  # fmt: skip

    _keyed(
        out, "dossier", "dossier.cases", old.dossier.cases, new.dossier.cases,
        key=lambda c: text.fold(c.case), label=lambda c: c.case or "-", similar=lambda c: text.fold(c.case),
        threshold=GUESS_RATIO, compare=compare_case, value=_plain, ordered=False,
    )  # fmt: skip


def _whole(out: list[Change], component: str, path: str, old: Value, new: Value) -> None:
    """A small record (a duration, a fee) compared as one value: "05 ngày → 03 ngày" reads as one change."""
    if old == new:
        return
    editorial = _editorial_path(component, path) or _editorial_value(old, new)
    out.append(Change(component, path, _kind(old, new), old, new, editorial=editorial))


def _plain(value: Any) -> Value:
    """A model object as JSON-able data, without empty fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Value] = {}
        for f in dataclasses.fields(value):
            if not f.compare:
                continue
            item = _plain(getattr(value, f.name))
            if item not in (None, "", (), [], {}, False) and not (f.name == "currency" and item == "VND"):
                out[f.name] = item
        return out
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _duration(value: Duration | None) -> Value:
    return _plain(value) if value is not None else None


def _fee(value: Fee | None) -> Value:
    return _plain(value) if value is not None else None


def _method(value: Method) -> Value:
    return _plain(value)


# --- editorial or legal --------------------------------------------------------------


def _squash(value: str) -> str:
    return _SQUASH.sub("", text.nfc(value).casefold())


def _words(value: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.nfc(value).casefold())]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance; words are short, so the plain table is enough."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _typo(a: str, b: str) -> bool:
    if any(ch.isdigit() for ch in a + b):
        return False  # a number is never a typo: "05 ngày" → "03 ngày" is law
    if text.fold(a) == text.fold(b):
        return True  # a tone mark or "uỷ"/"ủy" spelling
    return _distance(a, b) <= (1 if max(len(a), len(b)) <= 4 else 2)


def is_editorial_text(old: str, new: str) -> bool:
    """Whether a text edit is editorial: it changes the wording, not the law.

    Editorial means: only whitespace, punctuation, letter case or Unicode
    normalisation (NFC/NFD) differ; or at most two words are replaced, each by
    a word a typo away (a tone mark, one or two letters), with no number
    touched and no word added or removed. Anything larger ("không" added, a
    time or an amount changed) is legal and needs a decision.
    """
    if _squash(old) == _squash(new):
        return True
    a, b = _words(old), _words(new)
    if not a or not b:
        return False
    replaced = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace" or i2 - i1 != j2 - j1:
            return False
        for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
            if not _typo(x, y):
                return False
            replaced += 1
    return replaced <= 2


def _editorial_value(old: Value, new: Value) -> bool:
    """Two structured values that differ only in editorial text (numbers and flags equal)."""
    if isinstance(old, str) and isinstance(new, str):
        return is_editorial_text(old, new)
    if isinstance(old, dict) and isinstance(new, dict):
        if set(old) != set(new):
            return False
        return all(old[k] == new[k] or _editorial_value(old[k], new[k]) for k in old)
    return False


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """A word-level diff of two texts (NFC first), as runs of kept, removed and added words.

    Tokens are words and single punctuation marks; each keeps the spaces in
    front of it so that the runs read back as the original texts.
    """
    ta = [(m.group(0), m.group(1)) for m in _WORD.finditer(text.nfc(old))]
    tb = [(m.group(0), m.group(1)) for m in _WORD.finditer(text.nfc(new))]
    ops: list[WordOp] = []

    def emit(op: Literal["=", "-", "+"], tokens: Iterable[tuple[str, str]]) -> None:
        chunk = "".join(shown for shown, _ in tokens)
        if not chunk:
            return
        if ops and ops[-1].op == op:
            ops[-1] = WordOp(op, ops[-1].text + chunk)
        else:
            ops.append(WordOp(op, chunk))

    matcher = difflib.SequenceMatcher(None, [k for _, k in ta], [k for _, k in tb], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("=", tb[j1:j2])
        else:
            emit("-", ta[i1:i2])
            emit("+", tb[j1:j2])
    if ops:
        ops[0] = WordOp(ops[0].op, ops[0].text.lstrip())
    return tuple(ops)


# --- the CI rule: every legal change is announced ------------------------------------


@dataclass(frozen=True)
class Unannounced:
    """A legal change that no decision recorded in the same range announces."""

    code: str
    name: str
    group: Literal["new", "amended", "replaced", "abolished"]
    message: str
    """What is missing and what to add, in Vietnamese."""
    components: tuple[str, ...] = ()


def unannounced(changes: ChangeSet) -> list[Unannounced]:
    """Procedures whose legal change is not listed in a decision added or changed in the range.

    A procedure counts as announced when a decision added (or changed) between
    the two sides lists it in the matching group: a new procedure under
    ``new`` (or as the successor in ``replaced``), an abolished one under
    ``abolished`` (or as the predecessor in ``replaced``), a replacement under
    ``replaced`` (or as abolished plus new), an amended one under ``amended``
    naming every legal component that changed. Editorial changes (see
    :data:`LEGAL_COMPONENTS` and :func:`is_editorial_text`) need nothing.
    """
    decisions = changes.announcing()
    numbers = ", ".join(d.number for d in decisions)
    where = f"quyết định {numbers}" if decisions else "một quyết định công bố mới (chưa có quyết định nào được thêm)"
    new_codes = {e.code for d in decisions for e in d.new} | {r.new for d in decisions for r in d.replaced}
    gone_codes = {e.code for d in decisions for e in d.abolished} | {r.old for d in decisions for r in d.replaced}
    pairs = {(r.old, r.new) for d in decisions for r in d.replaced}
    amended_entries: dict[str, list[tuple[str, ...]]] = {}
    for d in decisions:
        for e in d.amended:
            amended_entries.setdefault(e.code, []).append(e.components)
    older = changes.after.decisions if changes.after is not None else ()
    recorded = {d.number for d in decisions}

    def elsewhere(*codes: str) -> str:
        listed = sorted(
            {d.number for d in older if d.number not in recorded and any(c in set(d.codes()) for c in codes)}
        )
        return f" (đang được nêu ở {', '.join(listed)}, nhưng quyết định đó không được thêm hay sửa trong khoảng so sánh)" if listed else ""

    out: list[Unannounced] = []
    for proc in changes.new:
        if proc.code not in new_codes:
            out.append(Unannounced(proc.code, proc.name, "new",
                f"thủ tục mới chưa được công bố: thêm mã {proc.code} vào mục “new” của {where}{elsewhere(proc.code)}."))  # fmt: skip
    for proc in changes.abolished:
        if proc.code not in gone_codes:
            out.append(Unannounced(proc.code, proc.name, "abolished",
                f"thủ tục bị xóa khỏi danh mục nhưng chưa có quyết định bãi bỏ: thêm mã {proc.code} (kèm “by”: văn bản quy định việc bãi bỏ) vào mục “abolished” của {where}{elsewhere(proc.code)}."))  # fmt: skip
    for rep in changes.replaced:
        if (rep.old.code, rep.new.code) not in pairs and not (rep.old.code in gone_codes and rep.new.code in new_codes):
            guess = " (cặp này do tthc đoán theo tên gần giống; nếu không phải thay thế, công bố riêng: mới và bãi bỏ)" if rep.guessed else ""
            out.append(Unannounced(rep.new.code, rep.new.name, "replaced",
                f"thay thế {rep.old.code} bằng {rep.new.code} chưa được công bố: thêm “replaced: - old: {rep.old.code}, new: {rep.new.code}” vào {where}{guess}{elsewhere(rep.old.code, rep.new.code)}."))  # fmt: skip
    for item in changes.amended:
        legal = item.components(legal_only=True)
        if not legal:
            continue
        entries = amended_entries.get(item.code, []) + (amended_entries.get(item.old.code, []) if item.code_assigned else [])
        if not entries:
            names = ", ".join(COMPONENTS[c] for c in legal)
            out.append(Unannounced(item.code, item.name, "amended",
                f"sửa đổi ({names}) chưa được công bố: thêm mã {item.code} vào mục “amended” của {where} với components: [{', '.join(legal)}]{elsewhere(item.code, item.old.code)}.",
                legal))  # fmt: skip
            continue
        listed = {c for comps in entries for c in comps}
        missing = tuple(c for c in legal if listed and c not in listed)
        if missing:
            names = ", ".join(COMPONENTS[c] for c in missing)
            out.append(Unannounced(item.code, item.name, "amended",
                f"thành phần đã sửa nhưng quyết định chưa nêu: {names}; thêm {', '.join(missing)} vào “components” của mục “amended” cho mã {item.code}.",
                missing))  # fmt: skip
    return out
