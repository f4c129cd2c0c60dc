"""The fast path of the loader: libyaml builds the data, or declines.

ruamel's safe loader parses in C but builds every value in Python, and that
was half of a cold ``tthc validate`` (benchmarks/README.md: 36 of 77 s at
10,000 procedures). PyYAML's ``CSafeLoader`` composes in C and is 2.9 times
faster, but it speaks YAML 1.1, where ``no`` is ``False`` and ``017`` is 15.
So it is given ruamel's own YAML 1.2 resolvers and integers, and everything
it is not sure to read exactly as :mod:`tthc.loader` would (a duplicate or
merge key, a date not on the calendar, a time of day, a number no float can
hold, a version directive, any error) raises :class:`Unsure`, and the full
loader takes the file and reports what is wrong with its position. The fast
path can only ever say "this file is this data"; it never makes a finding.

Only files without ``&``, ``*`` or ``!`` come here (the loader scans the
others first), so anchors, aliases and tags never reach it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import yaml as _pyyaml
from ruamel.yaml import resolver as _ruamel_resolver

_BASE: Any = getattr(_pyyaml, "CSafeLoader", None)  # absent when PyYAML was built without libyaml
AVAILABLE = _BASE is not None


class Unsure(Exception):
    """The fast path declines this document; the full loader reads it."""


_TAG = "tag:yaml.org,2002:"
_RESOLVED = {_TAG + name for name in ("bool", "float", "int", "null", "timestamp", "merge", "value")}


_STR, _MAP, _SEQ, _MERGE = (_TAG + name for name in ("str", "map", "seq", "merge"))


class _Loader(_BASE or object):  # type: ignore[misc]
    """libyaml's composer with YAML 1.2 resolution; :func:`_build` makes the data.

    The composer asks :meth:`resolve` for the tag of every node, and PyYAML's
    own also walks path resolvers that tthc never sets. Here the candidates
    for a plain scalar are looked up by its first character (the empty one
    for an empty value; ruamel's YAML 1.2 resolvers all name theirs), which
    for most text is one dictionary lookup and no match.
    """

    def resolve(self, kind: Any, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is _pyyaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is _pyyaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to follow."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to follow."""


def _int(loader: Any, node: Any) -> int:
    """YAML 1.2 integers as ruamel reads them: ``017`` is 17, ``0o17`` is 15, ``1_000`` is 1000."""
    value = loader.construct_scalar(node).replace("_", "")
    sign = -1 if value.startswith("-") else 1
    digits = value.lstrip("+-")
    base = {"0b": 2, "0x": 16, "0o": 8}.get(digits[:2], 10)
    number = sign * int(digits[2:] if base != 10 else digits, base)  # ValueError → Unsure
    float(number)  # more digits than a float holds: the full loader keeps it as text
    return number


def _float(loader: Any, node: Any) -> float:
    value: float = loader.construct_yaml_float(node)
    if not math.isfinite(value):  # .nan, .inf, 1e999: kept as text by the full loader
        raise Unsure("not a finite number")
    return value


def _timestamp(loader: Any, node: Any) -> str:
    """A date as ISO text, as :func:`tthc.loader._jsonable` makes it of the full loader's date."""
    value = loader.construct_scalar(node)
    if len(value) != 10:  # a time of day: time zones are where two loaders may differ
        raise Unsure("timestamp with a time")
    return dt.date.fromisoformat(value).isoformat()  # 2025-02-30 → ValueError → Unsure


def _build(loader: Any, node: Any, depth: int, limit: int) -> Any:
    """The data of a composed node: text, mappings and lists here, any other scalar by its constructor.

    PyYAML's constructor (a generator for every collection, a table of the
    objects made so far, for aliases that never come here) and its resolver
    were half of this path: 1.4 ms for a generated procedure's file, 0.7 ms
    now. Nine scalars in ten are text, returned as they are.

    The data comes out as :func:`tthc.loader._jsonable` would make it (dates
    as text, RecursionError at ``limit`` enclosing collections): a second
    walk for that was a seventh of checking a file.
    """
    tag = node.tag
    if tag == _STR:
        return node.value
    if depth >= limit and tag in (_MAP, _SEQ):
        raise RecursionError
    if tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise Unsure("merge key")
            if key_node.tag != _STR:  # a number, a date, a list as a key: the full loader's way, not worth a copy
                raise Unsure(f"key {key_node.tag}")
            key = key_node.value
            if key in mapping:
                raise Unsure("duplicate key")
            mapping[key] = _build(loader, value_node, depth + 1, limit)
        return mapping
    if tag == _SEQ:
        return [_build(loader, item, depth + 1, limit) for item in node.value]
    construct = loader.yaml_constructors.get(tag)
    if construct is None:
        raise Unsure(f"scalar {tag}")
    return construct(loader, node)


def _decline(loader: Any, node: Any) -> Any:
    raise Unsure(f"scalar {node.tag}")


def _compiled(regexp: Any) -> Any:
    """The pattern itself: ruamel compiles its own on first use, behind a proxy that every match goes through."""
    lazy = getattr(regexp, "lazy_self", None)
    return lazy() if lazy is not None else regexp


if AVAILABLE:
    _Loader.yaml_implicit_resolvers = {}
    for _versions, _tag, _regexp, _first in _ruamel_resolver.implicit_resolvers:
        if (1, 2) in _versions and _tag in _RESOLVED:
            _Loader.add_implicit_resolver(_tag, _compiled(_regexp), _first)
    _Loader.add_constructor(_TAG + "int", _int)
    _Loader.add_constructor(_TAG + "float", _float)
    _Loader.add_constructor(_TAG + "timestamp", _timestamp)
    _Loader.add_constructor(_TAG + "value", _decline)
    _Loader.add_constructor(_TAG + "merge", _decline)


_FLOW_REST = re.compile("[\\[{][^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*")
"""From the first bracket of a line to its end; a line ends where :meth:`str.splitlines` ends it."""
_FLOW_COLON = re.compile(r":(?!\s|$)")


def _flow_differs(source: str) -> bool:
    """Whether a flow collection might hold a ``:`` that the two libyamls read differently.

    PyYAML's libyaml (0.2) reads ``[1:30]`` as a list of one text, as YAML
    1.2 says; the older libyaml inside ruamel calls it a syntax error. Any
    ``:`` not followed by a space after a bracket on its line, and any flow
    collection that goes on to another line, is left to the full loader.
    """
    for found in _FLOW_REST.finditer(source):  # lines without a bracket are skipped in C: most of them
        rest = found.group()
        if _FLOW_COLON.search(rest) or rest.count("[") + rest.count("{") != rest.count("]") + rest.count("}"):
            return True
    return False


def _screen(source: str) -> None:
    """:class:`Unsure` for a document the two libyamls may read differently, or when there is no libyaml."""
    if not AVAILABLE:
        raise Unsure("libyaml is not available")
    if source.startswith("%") or "\n%" in source:  # a %YAML 1.1 directive changes the rules
        raise Unsure("directive")
    if _flow_differs(source):
        raise Unsure("flow collection with a colon")


def compose(source: str) -> Any:
    """The node tree of one YAML document (None when it is empty), with marks; :class:`Unsure` when in doubt.

    Tags are resolved as :func:`load` resolves them (YAML 1.2). This is
    :mod:`tthc.locator`'s parse: the marks are where findings point.
    """
    _screen(source)
    loader = _Loader(source)
    try:
        return loader.get_single_node()
    except Exception as error:  # any YAML error: ruamel's composer decides
        raise Unsure(str(error)) from error
    finally:
        loader.dispose()


def load(source: str, max_depth: int = 1000) -> Any:
    """The data of one YAML document as a JSON Schema expects it; :class:`Unsure` when in doubt.

    Dates come as ISO text; RecursionError when collections nest ``max_depth`` deep.
    """
    return load_nodes(source, max_depth)[0]


def load_nodes(source: str, max_depth: int = 1000) -> tuple[Any, Any]:
    """:func:`load`'s data and the node tree it was built from, whose marks are where findings point.

    The tree is what :func:`compose` gives for the same text, so positions
    taken from it (:func:`tthc.locator.table`) are the locator's own.
    """
    _screen(source)
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        data = None if node is None else _build(loader, node, 0, max_depth)
    except (Unsure, RecursionError):
        raise
    except Exception as error:  # any YAML or value error: the full loader says where and what
        raise Unsure(str(error)) from error
    finally:
        loader.dispose()
    if data is None:
        raise Unsure("empty")
    return data, node
