"""Declarative rule tests, yamllint style.

Each file in ``tests/rules/`` is a list of cases. A case starts from the
minimal valid catalogue in ``tests/fixtures/minimal``, changes some files, and
lists every finding expected as ``rule file:line:col``: the run must report
exactly those, no more and no fewer. A case with ``expect: []`` is the passing
twin of a failing one.

A file entry in ``files`` is one of:

- the full new text of the file (UTF-8);
- ``null``, to delete it;
- ``{replace: [[old, new], ...]}``, to edit the fixture's text (each ``old``
  must occur in it, so that a stale case fails loudly);
- ``{text: ..., encoding: cp1258}``, the text saved in another encoding;
- ``{symlink: target}``, a symbolic link (target relative to the link).
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import MINIMAL
from tthc.findings import REGISTRY
from tthc.validate import validate

CASES_DIR = Path(__file__).parent / "rules"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in YAML(typ="safe").load(path.read_text("utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return params


def apply(root: Path, files: dict[str, Any]) -> None:
    for rel, change in files.items():
        target = root / rel
        if change is None:
            target.unlink()
        elif isinstance(change, str):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(change.encode("utf-8"))
        elif "symlink" in change:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(change["symlink"])
        elif "encoding" in change:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(unicodedata.normalize("NFD", change["text"]).encode(change["encoding"]))
        else:
            text = target.read_text("utf-8")
            for old, new in change["replace"]:
                assert old in text, f"{rel}: {old!r} not in the fixture"
                text = text.replace(old, new, 1)
            target.write_bytes(text.encode("utf-8"))


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, root)
    apply(root, case.get("files") or {})
    report = validate(root)
    found = sorted(f"{f.rule} {f.file}:{f.line}:{f.column}" for f in report.findings)
    assert found == sorted(case["expect"]), "\n".join(f"{f.rule}: {f.message}" for f in report.findings)


def test_every_rule_has_a_failing_case() -> None:
    """A rule nobody can trigger is dead code or an untested promise."""
    expected = set()
    for param in _cases():
        for line in param.values[0]["expect"]:
            expected.add(line.split()[0])
    untested = sorted(rule.id for rule in REGISTRY if rule.id not in expected)
    assert untested == [], f"rules without a failing case in tests/rules/: {untested}"
