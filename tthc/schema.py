"""The JSON Schemas shipped with tthc, and their errors turned into findings.

jsonschema's own messages are English and name JSON paths; staff need the
Vietnamese name of the component and what to type instead, so each error
keyword is translated here into one of the kinds in
:mod:`tthc.rules.schema_rules`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import itertools
import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any

from tthc.findings import Finding
from tthc.rules import schema_rules as S

if TYPE_CHECKING:  # imported when first needed: a clean file never reaches jsonschema (0.1 s of start-up)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

KINDS = {"procedure": "thủ tục", "decision": "quyết định công bố", "catalogue": "tthc.yaml"}

_TYPE_NAMES = {
    "string": "văn bản",
    "object": "một khối khóa: giá trị",
    "array": "một danh sách (mỗi mục bắt đầu bằng “- ”)",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true hoặc false",
    "null": "để trống",
}


def schema_text(kind: str) -> str:
    return resources.files("tthc").joinpath("schemas", f"{kind}.schema.json").read_text("utf-8")


@functools.cache
def schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """``uniqueItems`` in one pass.

    jsonschema compares every pair of items it cannot sort, such as mappings:
    a list of ten thousand of them pasted where a list of subjects belongs
    took minutes. One canonical JSON text per item finds the same duplicates
    (except 1 and 1.0, which no list of tthc's schemas can hold: they are
    lists of text) in linear time.
    """
    from jsonschema.exceptions import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for item in instance:
        key = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
        if key in seen:
            yield ValidationError("has non-unique elements")
            return
        seen.add(key)


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    """jsonschema's validator for ``kind``: the reference every finding of structure comes from."""
    from jsonschema import Draft202012Validator, FormatChecker, validators

    extended: Any = validators.extend(Draft202012Validator, {"uniqueItems": _unique_items})  # type: ignore[no-untyped-call]
    checker: Draft202012Validator = extended(schema(kind), format_checker=FormatChecker())
    return checker


def pruned_validator(kind: str) -> Draft202012Validator:
    """:func:`validator`, stepping only into the values jsonschema-rs finds at fault.

    A first import has findings in every file, often one empty list, and
    jsonschema in Python walked the whole document to find it: 2.4 ms a
    file, as long as check-jsonschema's whole check (benchmarks/README.md).
    Here each value under ``properties`` and ``items`` is first put to
    jsonschema-rs against its own part of the schema, and jsonschema steps
    into it only when that says "invalid". A valid value gives jsonschema
    no error, so the errors, their order and their ``oneOf`` contexts are
    those of :func:`validator`; the gate already relies on jsonschema-rs's
    "valid" in the same way for whole files (tests/test_schema_pruned.py compares
    the findings of both on every rule case).
    """
    checker = validator(kind)
    made = _PRUNED.get(id(checker))
    if made is None or made[0] is not checker:
        made = _PRUNED[id(checker)] = (checker, _pruned(checker))
    return made[1]


_PRUNED: dict[int, tuple[Draft202012Validator, Draft202012Validator]] = {}
"""The pruned form of each validator, by the validator it prunes."""


def _pruned(checker: Draft202012Validator) -> Draft202012Validator:
    from jsonschema import validators

    valid = _part_checker(checker.schema)
    if valid is None:
        return checker

    def properties(checker: Any, properties: dict[str, Any], instance: Any, _: Any) -> Iterator[ValidationError]:
        if not isinstance(instance, dict):
            return
        for name, part in properties.items():
            if name in instance and not valid(part, instance[name]):
                yield from checker.descend(instance[name], part, path=name, schema_path=name)

    def items(checker: Any, part: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
        if not isinstance(instance, list) or part is False or "prefixItems" in schema:
            yield from _items(checker, part, instance, schema)
            return
        for index, item in enumerate(instance):
            if not valid(part, item):
                yield from checker.descend(instance=item, schema=part, path=index)

    extended: Any = validators.extend(type(checker), {"properties": properties, "items": items})  # type: ignore[no-untyped-call]
    pruned: Draft202012Validator = extended(checker.schema, format_checker=checker.format_checker)
    return pruned


def _items(checker: Any, part: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """jsonschema's own ``items``, for the cases the pruned one does not cover."""
    from jsonschema import Draft202012Validator

    items: Any = Draft202012Validator.VALIDATORS["items"]
    yield from items(checker, part, instance, schema)


def _part_checker(whole: Any) -> Callable[[Any, Any], bool] | None:
    """``valid(part, value)``: jsonschema-rs's yes/no for a value against a part of the schema ``whole``.

    Each part is compiled once, the first time it is asked for, with the
    schema's ``$defs`` beside it so that its references resolve. Any data
    jsonschema-rs cannot take counts as invalid: jsonschema then decides.
    """
    try:
        import jsonschema_rs
    except ImportError:
        return None
    if not isinstance(whole, dict):
        return None
    around: dict[str, Any] = {key: whole[key] for key in ("$schema", "$defs") if key in whole}
    compiled: dict[int, tuple[Any, Callable[[Any], bool] | None]] = {}

    def valid(part: Any, value: Any) -> bool:
        entry = compiled.get(id(part))
        if entry is None or entry[0] is not part:
            is_valid = None  # jsonschema steps into every value of this part, as it did before
            if isinstance(part, dict) and "$defs" not in part and "$id" not in part:
                with contextlib.suppress(ValueError):
                    is_valid = jsonschema_rs.validator_for({**around, **part}, validate_formats=True).is_valid
            entry = compiled[id(part)] = (part, is_valid)
        try:
            return entry[1] is not None and entry[1](value)
        except (ValueError, TypeError, OverflowError):
            return False

    return valid


MAX_ERRORS = 100
"""Schema errors reported per file at most.

A pasted list of a hundred thousand numbers is a hundred thousand type
errors; listing them all would take minutes and help nobody, while the
first hundred say what is wrong.
"""


@functools.cache
def _gate(kind: str) -> Callable[[Any], bool] | None:
    """A yes/no check of a document against the schema, a hundred times faster than jsonschema.

    Most files are valid, and jsonschema's ``iter_errors`` spent 22 s on
    10,000 valid procedures (benchmarks/README.md) to say so; jsonschema-rs
    (Rust, Draft 2020-12, formats checked) says it in 0.3 s. Its answer is
    used only when it is "valid": a file it rejects goes through jsonschema,
    whose errors tthc knows how to explain, so a difference between the two
    can only cost time, never hide a finding (tests/test_cache.py
    checks that no file jsonschema faults passes the gate).
    """
    try:
        import jsonschema_rs
    except ImportError:
        return None
    is_valid: Callable[[Any], bool] = jsonschema_rs.validator_for(schema(kind), validate_formats=True).is_valid
    return is_valid


def passes_gate(kind: str, data: Any) -> bool:
    gate = _gate(kind)
    try:
        return gate is not None and gate(data)
    except (ValueError, TypeError, OverflowError):  # data jsonschema-rs cannot take, such as a number as a key
        return False


def check(file: str, kind: str, data: Any) -> list[Finding]:
    """Schema findings of one document (at most :data:`MAX_ERRORS`), most specific error first per place.

    A value of the wrong type gets that one finding: ``unit:`` left empty is
    not also “null is not one of the units”.
    """
    if passes_gate(kind, data):
        return []
    return findings_from(file, kind, data, pruned_validator(kind))


def findings_from(file: str, kind: str, data: Any, checker: Draft202012Validator) -> list[Finding]:
    """:func:`check`'s findings as ``checker`` finds the errors, the gate left out (for tests that compare checkers)."""
    errors = list(itertools.islice(_leaf_errors(checker.iter_errors(data)), MAX_ERRORS))
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    return [
        _finding(file, kind, error)
        for error in errors
        if error.validator == "type" or tuple(error.absolute_path) not in mistyped
    ]


def _leaf_errors(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """oneOf/anyOf errors say nothing useful; report the best branch's error instead."""
    from jsonschema.exceptions import best_match

    for error in errors:
        while error.validator in ("oneOf", "anyOf", "allOf") and error.context:
            error = best_match(_meant_branches(error.context))
        yield error


def _meant_branches(errors: list[ValidationError]) -> list[ValidationError]:
    """The errors of the branches the value was meant for: those of its type.

    ``level: [Cấp xã, Cấp xã]`` fails the one-level branch on its type and the
    list branch on its duplicate; best_match alone prefers the shallower type
    error and would ask for text where a list is fine.
    """
    branches: dict[object, list[ValidationError]] = {}
    for error in errors:
        branch = error.relative_schema_path[0] if error.relative_schema_path else None
        branches.setdefault(branch, []).append(error)
    meant = [
        error
        for branch in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in branch)
        for error in branch
    ]
    return meant or errors


YAML11_BOOLEANS = frozenset({"yes", "no", "y", "n", "on", "off"})
"""Words YAML 1.1 read as true or false; YAML 1.2 (and tthc) reads them as text."""


def _actual(value: Any, boolean: bool = False) -> str:
    if boolean and isinstance(value, str) and value.strip().casefold() in YAML11_BOOLEANS:
        return f"văn bản “{value.strip()}” (YAML chỉ hiểu true/false; yes, no, on, off bị đọc thành chữ)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"số {value}"
    if isinstance(value, str):
        return "văn bản"
    if isinstance(value, list):
        return "danh sách"
    if isinstance(value, dict):
        return "khối khóa: giá trị"
    return "để trống"


def _label(error: ValidationError, key: str | None = None) -> str:
    sub = error.schema if isinstance(error.schema, dict) else {}
    if key is not None:
        sub = sub.get("properties", {}).get(key, {})
    title = sub.get("title")
    if isinstance(title, str):
        return title
    return "mục trong danh sách" if isinstance(key, int) else "giá trị"


def _resolve(kind: str, node: Any) -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/$defs/name``), keeping the referring node's own title."""
    if not isinstance(node, dict):
        return {}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = dict(schema(kind)["$defs"].get(ref.removeprefix("#/$defs/"), {}))
        if "title" in node:
            target["title"] = node["title"]
        return target
    return node


def title_at(kind: str, path: tuple[str | int, ...]) -> str | None:
    """The title of the nearest named component on ``path``, for messages.

    A list item or a ``$ref``'d definition often has no title of its own;
    “Cấp thực hiện” says more to a clerk than “giá trị”.
    """
    node = _resolve(kind, schema(kind))
    title = None
    for step in path:
        if isinstance(step, str):
            node = _resolve(kind, node.get("properties", {}).get(step))
        else:
            branches = [node, *node.get("oneOf", [])]
            node = next((_resolve(kind, b["items"]) for b in branches if isinstance(b, dict) and "items" in b), {})
        if not node:
            break
        title = node.get("title", title)
    return title if isinstance(title, str) else None


def _key(path: tuple[str | int, ...]) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "tệp"


def _short(value: Any) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 60 else shown[:57] + "…"


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(iso: str) -> bool:
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _format_hint(error: ValidationError) -> str:
    sub = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if sub.get("format") == "date":
        match = _DMY.match(value) if isinstance(value, str) else None
        if match:
            day, month, year = match.groups()
            iso = f"{year}-{int(month):02d}-{int(day):02d}"
            if _is_date(iso):
                return f"Viết ngày theo dạng năm-tháng-ngày: {iso}."
        elif isinstance(value, str) and _ISO.match(value):
            # Written the right way but not on the calendar (2025-02-30): asking
            # for the year-month-day form the value already has would puzzle.
            return f"Ngày {value} không có trên lịch; kiểm tra lại ngày và tháng."
        return "Viết ngày theo dạng năm-tháng-ngày, ví dụ 2025-07-01."
    description = sub.get("description")
    if isinstance(description, str):
        return description
    return f"Giá trị phải khớp mẫu {sub.get('pattern', sub.get('format', ''))}."


def _entry_example(kind: str, path: tuple[Any, ...], value: Any) -> str:
    """How to write a decision's list item that was given as a bare code ("- '1.001193'").

    Staff write the codes a decision lists as a plain list, as the annex
    prints them; each item is a block so that its name and legal text can
    follow, and saying so with their own code fixes it in one edit.
    """
    if kind != "decision" or len(path) != 2 or not isinstance(path[1], int) or not isinstance(value, str):
        return ""
    if path[0] == "replaced":
        return f' Ví dụ: - {{old: "{value}", new: "…"}}'
    return f' Ví dụ: - code: "{value}"' if path[0] in ("new", "amended", "abolished") else ""


def _finding(file: str, kind: str, error: ValidationError) -> Finding:
    path = tuple(error.absolute_path)
    key = _key(path)
    label = _label(error)
    if label == "giá trị":
        label = title_at(kind, path) or label
    common: dict[str, Any] = {"kind": KINDS[kind], "kind_id": kind}
    keyword = error.validator
    if keyword == "required":
        missing = re.findall(r"'([^']+)'", error.message)[:1] or ["?"]
        where = "khối “" + key + "”" if path else "đầu tệp"
        return S.Required.finding(
            file, path, key=missing[0], label=_label(error, missing[0]), where=where, **common
        )
    if keyword == "additionalProperties":
        properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        known = [str(k) for k in properties]
        extra = [k for k in error.instance if k not in known] if isinstance(error.instance, dict) else []
        if extra:
            name = str(extra[0])
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Có phải là “{close[0]}”?" if close else ""
            return S.UnknownKey.finding(file, (*path, name), at_key=True, key=name, hint=hint, **common)
    if keyword == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else [str(n) for n in expected]  # type: ignore[union-attr]
        return S.WrongType.finding(
            file,
            path,
            key=key,
            label=label,
            expected=" hoặc ".join(_TYPE_NAMES.get(n, n) for n in names),
            actual=_actual(error.instance, boolean="boolean" in names),
            example=_entry_example(kind, path, error.instance),
            **common,
        )
    if keyword in ("enum", "const"):
        allowed = error.validator_value if keyword == "enum" else [error.validator_value]
        assert isinstance(allowed, list)
        return S.NotAllowed.finding(
            file,
            path,
            value=_short(error.instance),
            key=key,
            label=label,
            allowed=", ".join(str(a) for a in allowed),
            **common,
        )
    if keyword in ("pattern", "format"):
        return S.BadFormat.finding(
            file, path, value=_short(error.instance), key=key, label=label, how=_format_hint(error), **common
        )
    if keyword in ("minItems", "minLength", "minProperties"):
        return S.EmptyValue.finding(file, path, key=key, label=label, **common)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength", "maxItems"):
        return S.OutOfRange.finding(
            file, path, key=key, label=label, value=_short(error.instance),
            bound=f"{keyword} {error.validator_value}", **common,
        )
    if keyword == "uniqueItems":
        return S.DuplicateItem.finding(file, path, key=key, label=label, **common)
    return S.Invalid.finding(file, path, key=key, label=label, detail=error.message, **common)
