"""Faster YAML loaders for the common path, meant to give exactly ruamel's safe-loader data.

:func:`libyaml12`: libyaml (PyYAML's ``CSafeLoader``) parses; the implicit
resolvers are ruamel's own YAML 1.2 list (so ``yes``/``no``/``on``/``off``
stay text, as in ruamel), integers follow YAML 1.2 (``017`` is 17, ``0o17``
is 15), and a duplicate key raises instead of silently keeping the last value.

:func:`ryaml_guarded`: the Rust ``ryaml`` loader, about 4× faster still, but
it reads a few plain scalars differently from ruamel (``017``, ``1_000``,
timestamps with a time, ``=``); any document holding a string that one of
those could have produced is declined.

Anything a loader is not sure about raises :class:`Unsure`; the caller then
uses tthc's own loader, which reports the problem with its position.

An experiment (benchmarks/experiments), not part of tthc.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml as pyyaml
from ruamel.yaml import resolver as ruamel_resolver


class Unsure(Exception):
    """The fast path declines this document; use the full loader."""


class Yaml12Loader(pyyaml.CSafeLoader):
    pass


Yaml12Loader.yaml_implicit_resolvers = {}
for versions, tag, regexp, first in ruamel_resolver.implicit_resolvers:
    if (1, 2) in versions and tag in {
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:float", "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge",
        "tag:yaml.org,2002:value",
    }:
        Yaml12Loader.add_implicit_resolver(tag, regexp, first)


def _int12(loader: Yaml12Loader, node: Any) -> int:
    value = loader.construct_scalar(node).replace("_", "")
    sign = -1 if value.startswith("-") else 1
    digits = value.lstrip("+-")
    if digits.startswith("0b"):
        return sign * int(digits[2:], 2)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    return sign * int(digits, 10)


def _construct_mapping(self: Yaml12Loader, node: Any, deep: bool = False) -> dict[Any, Any]:
    if not isinstance(node, pyyaml.MappingNode):
        raise Unsure("not a mapping")
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise Unsure("merge key")
        key = self.construct_object(key_node, deep=deep)
        try:
            if key in mapping:
                raise Unsure("duplicate key")
        except TypeError as error:  # an unhashable key: let the full loader say so
            raise Unsure("unhashable key") from error
        mapping[key] = self.construct_object(value_node, deep=deep)
    return mapping


Yaml12Loader.construct_mapping = _construct_mapping  # type: ignore[method-assign]
def _decline(loader: Yaml12Loader, node: Any) -> Any:
    raise Unsure(f"scalar {node.tag}")


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int12)
Yaml12Loader.add_constructor("tag:yaml.org,2002:value", _decline)
Yaml12Loader.add_constructor("tag:yaml.org,2002:merge", _decline)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    return value


def libyaml12(source: str) -> Any:
    """Plain data from YAML text, or :class:`Unsure`."""
    try:
        data = pyyaml.load(source, Loader=Yaml12Loader)
    except Unsure:
        raise
    except Exception as error:  # any YAML error: the full loader reports it, with its position
        raise Unsure(str(error)) from error
    if data is None:
        raise Unsure("empty")
    try:
        return _jsonable(data)
    except RecursionError as error:
        raise Unsure("deep") from error


_RYAML_DIFFERS = re.compile(r"[-+]?0[0-9_]+|[-+]?[0-9]*_[0-9_.]*|\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|[ \t]+)\d.*|=")


def _suspicious(value: Any) -> bool:
    if isinstance(value, str):
        return _RYAML_DIFFERS.fullmatch(value) is not None
    if isinstance(value, dict):
        return any(_suspicious(k) or _suspicious(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_suspicious(v) for v in value)
    return False


def ryaml_guarded(source: str) -> Any:
    """ryaml's data, or :class:`Unsure` where ruamel could have read the text differently."""
    import ryaml

    try:
        data = ryaml.loads(source)
    except Exception as error:
        raise Unsure(str(error)) from error
    if data is None:
        raise Unsure("empty")
    if _suspicious(data):
        raise Unsure("a scalar ruamel may read differently")
    return data
