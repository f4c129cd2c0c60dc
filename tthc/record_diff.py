"""Two versions of one procedure compared component by component.

Lists are compared by their natural key (a dossier item by its folded name, a
method by its channel, a legal text by its number, a result or form by its
name, a step by its text without its "Bước N:" label), so that reordering is
reported as ``reordered`` and not as removal plus addition. Each change is
marked editorial or legal (:mod:`tthc.editorial`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tthc import text
from tthc.changes import Change, ChangeKind, Value, WordOp
from tthc.editorial import editorial_path, editorial_value, is_editorial_text, word_diff
from tthc.model import DossierCase, DossierItem, Duration, Fee, Form, LegalRef, Method, Procedure, Result
from tthc.similarity import GUESS_RATIO, similar_pairs

__all__ = ["compare_procedures"]

T = TypeVar("T")

_STEP_LABEL = re.compile(r"^\s*bước\s*\d+\s*[:.)\-–]?\s*", re.IGNORECASE)
_LONG_TEXT_WORDS = 6
"""Texts longer than this many words get a word-level diff."""


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
    _records(out, "results", old.results, new.results, lambda r: text.fold_memo(r.name), lambda r: r.name)
    _strings(out, "requirements", "requirements", old.requirements, new.requirements, fuzzy=True)
    _records(
        out, "legal_basis", old.legal_basis, new.legal_basis,
        lambda r: text.fold_memo(r.number).replace(" ", ""), lambda r: r.number, fuzzy=False,
    )  # fmt: skip
    _records(out, "forms", old.forms, new.forms, lambda f: text.fold_memo(f.name), lambda f: f.name)
    _text(out, "note", "note", old.note, new.note)
    return out


def _set(out: list[Change], component: str, path: str, old: list[str], new: list[str]) -> None:
    """A small set read as one value: "Cấp huyện → Cấp xã" is one change, not a removal and an addition.

    Used for the levels and for each role of the agencies, where staff read
    the whole list at once.
    """
    if old == new:
        return
    if sorted(map(text.fold_memo, old)) == sorted(map(text.fold_memo, new)):
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


def _scalar(out: list[Change], component: str, path: str, old: Value, new: Value) -> None:
    if old == new:
        return
    editorial = editorial_path(component, path) or editorial_value(old, new)
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
    editorial = editorial_path(component, path) or is_editorial_text(old, new)
    out.append(Change(component, path, _kind(old, new), old, new, words=words, editorial=editorial))


def _strings(
    out: list[Change], component: str, path: str, old: Sequence[str], new: Sequence[str], *, fuzzy: bool = False
) -> None:
    _keyed(
        out, component, path, old, new,
        key=text.fold_memo, label=None if fuzzy else (lambda s: s), similar=text.fold_memo if fuzzy else None,
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
    if old == new:
        return  # every item the same at the same place: nothing below would report anything

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
        pairs = similar_pairs([similar(old[i]) for i in left_a], [similar(new[j]) for j in left_b], threshold)
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
                editorial=not ordered or editorial_path(component, path),
            )
        )  # fmt: skip
    for i, j in sorted(matched, key=lambda m: m[1]):
        compare(at(new, j), old[i], new[j])
    for i in left_a:
        out.append(Change(component, at(old, i), "removed", value(old[i]), None, editorial=editorial_path(component, path)))
    for j in left_b:
        out.append(Change(component, at(new, j), "added", None, value(new[j]), editorial=editorial_path(component, path)))


def _item_label(item: Any, label: Callable[[Any], str] | None, index: int) -> str:
    if label is not None:
        return label(item)
    return item if isinstance(item, str) else str(index)


@functools.lru_cache(maxsize=1024)  # a step is its own key, its similarity text, and on both sides
def _step_key(step: str) -> str:
    return text.fold_memo(_STEP_LABEL.sub("", step))


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


def _method_name(method: Method) -> str:
    """A method's key and label: its channel, and its place when it has one ("trực tiếp (cơ quan đại diện)").

    One channel offered at two places (chứng thực at the commune and at a
    mission abroad) is two methods; matched by channel alone they paired by
    position, and a fee moved from one place to the other read as a change.
    """
    return f"{method.channel} ({method.place})" if method.place else method.channel


def _methods(out: list[Change], old: Sequence[Method], new: Sequence[Method]) -> None:
    """Methods by channel and place; the law names time and fee apart, so they are their own components."""

    def compare(path: str, a: Method, b: Method) -> None:
        _whole(out, "time", f"{path}.time", _duration(a.time), _duration(b.time))
        _whole(out, "time", f"{path}.local_time", _duration(a.local_time), _duration(b.local_time))
        _whole(out, "fee", f"{path}.fee", _fee(a.fee), _fee(b.fee))
        for name in ("online", "online_reason", "url", "note"):
            _text(out, "methods", f"{path}.{name}", getattr(a, name), getattr(b, name))

    _keyed(
        out, "methods", "methods", old, new,
        key=lambda m: text.fold_memo(_method_name(m)), label=_method_name, similar=None, threshold=1.0,
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
            key=lambda i: text.fold_memo(i.name), label=lambda i: i.name, similar=lambda i: text.fold_memo(i.name),
            threshold=GUESS_RATIO, compare=compare_item, value=_plain, ordered=False,
        )  # fmt: skip

    _keyed(
        out, "dossier", "dossier.cases", old.dossier.cases, new.dossier.cases,
        key=lambda c: text.fold_memo(c.case), label=lambda c: c.case or "-", similar=lambda c: text.fold_memo(c.case),
        threshold=GUESS_RATIO, compare=compare_case, value=_plain, ordered=False,
    )  # fmt: skip


def _whole(out: list[Change], component: str, path: str, old: Value, new: Value) -> None:
    """A small record (a duration, a fee) compared as one value: "05 ngày → 03 ngày" reads as one change."""
    if old == new:
        return
    editorial = editorial_path(component, path) or editorial_value(old, new)
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
