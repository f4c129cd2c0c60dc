"""The pruned schema check gives jsonschema's findings exactly, on real files broken in many ways.

``schema.check`` lets jsonschema step only into the values jsonschema-rs
finds at fault; these tests compare its findings (rule, path, message, in
order) with those of jsonschema walking the whole document.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINIMAL, SAMPLE
from tests.test_rules import _cases, apply
from tthc import loader, schema
from tthc.source import folder_files

pytest.importorskip("jsonschema_rs")


def _documents(root: Path) -> Iterator[tuple[str, str, Any]]:
    for file in folder_files(root):
        if file.data is None:
            continue
        data = loader.load(file.path, file.kind, file.data).document.data
        if data is not None:
            yield file.path, file.kind, data


def _same(file: str, kind: str, data: Any) -> bool:
    pruned = schema.findings_from(file, kind, data, schema.pruned_validator(kind))
    full = schema.findings_from(file, kind, data, schema.validator(kind))
    assert pruned == full, file
    return bool(full)


def test_the_rule_cases_get_the_same_findings(tmp_path: Path) -> None:
    faulted = 0
    for n, param in enumerate(_cases()):
        trial = tmp_path / f"case{n}"
        shutil.copytree(MINIMAL, trial)
        try:
            apply(trial, param.values[0]["files"])  # type: ignore[index]
        except (KeyError, ValueError, AssertionError, OSError):
            continue
        faulted += sum(_same(*document) for document in _documents(trial))
    assert faulted > 20, "the rule cases must give files with schema errors"


_WRONG = ([], {}, "", None, 7, -1, 1.5, True, "x", ["x", "x"], [{}], {"lạ": 1}, "1/7/2025")
"""Values put in place of each value of a sample file: each type, empty, duplicates, unknown keys, a date as staff type it."""


def _places(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        yield from _places(value, (*path, key))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def test_every_value_of_the_sample_made_wrong_gets_the_same_findings() -> None:
    faulted = 0
    for file, kind, data in _documents(SAMPLE):
        places = [p for p in _places(data) if p]
        for n, path in enumerate(places[:: max(1, len(places) // 40)]):
            broken = _replaced(data, path, _WRONG[n % len(_WRONG)])
            # two faults in one file: the first place stays broken too
            broken = _replaced(broken, places[0], _WRONG[(n + 5) % len(_WRONG)])
            faulted += _same(file, kind, broken)
    assert faulted > 200
