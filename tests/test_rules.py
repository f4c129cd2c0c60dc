"""Declarative rule tests, yamllint style.

Each file in ``tests/rules/`` is a list of cases. A case starts from the
minimal valid catalogue in ``tests/fixtures/minimal``, changes some files, and
lists every finding expected as ``rule file:line:col``: the run must report
exactly those, no more and no fewer. A case with ``expect: []`` is the passing
twin of a failing one. A case may also list under ``says`` words that some
finding's message or fix must contain, where the wording is the promise (the
date hint, the guessed encoding). A case with ``xfail: <why>`` documents a
known bug outside the rules: it must fail until fixed (strict), and does not
count as a rule's failing case.

A file entry in ``files`` is one of:

- the full new text of the file (UTF-8);
- ``null``, to delete it;
- ``{replace: [[old, new], ...]}``, to edit the fixture's text (each ``old``
  must occur in it, so that a stale case fails loudly);
- ``{from: path, replace: [...]}``, another fixture file's text, edited and
  saved here (with ``null`` on the old path, a rename);
- ``{text: ..., encoding: cp1258}``, the text saved in another encoding
  (see :func:`encode`);
- ``{symlink: target}``, a symbolic link (target relative to the link), in
  place of the fixture's file if there is one.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests import test_rule_specials
from tests.conftest import MINIMAL
from tthc.diff import diff
from tthc.findings import REGISTRY
from tthc.reading import load_catalogue
from tthc.rules.announcement_rules import unannounced
from tthc.source import folder_files
from tthc.validate import validate

CASES_DIR = Path(__file__).parent / "rules"
DIFF_CASES_DIR = Path(__file__).parent / "diff_rules"
"""Cases of the rules that ``tthc diff --require-decisions`` runs on two revisions."""

NOT_DECLARATIVE = {"schema-invalid": "test_schema_invalid_for_a_keyword_without_a_kind"}
"""Rules that no catalogue can trigger, each with the test in
``tests/test_rule_specials.py`` that covers it instead."""


def _cases(folder: Path = CASES_DIR) -> list[Any]:
    params = []
    for path in sorted(folder.glob("*.yaml")):
        for case in YAML(typ="safe").load(path.read_text("utf-8")):
            marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
            params.append(pytest.param(case, id=f"{path.stem}: {case['name']}", marks=marks))
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
            target.unlink(missing_ok=True)
            target.symlink_to(change["symlink"])
        elif "encoding" in change:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(encode(change["text"], change["encoding"]))
        else:
            source = MINIMAL / change["from"] if "from" in change else target
            text = source.read_text("utf-8")
            for old, new in change.get("replace", []):
                assert old in text, f"{rel}: {old!r} not in the fixture"
                text = text.replace(old, new, 1)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))


TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode(text: str, encoding: str) -> bytes:
    """The text as a tool of that encoding saves it.

    Precomposed (NFC) where the encoding can; a Windows-1258 file has no “ế”,
    so such a letter is written as Windows tools do: the base letter with its
    hat or horn (ê), then the tone as a combining mark.
    """
    text = unicodedata.normalize("NFC", text)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        pass
    out = bytearray()
    for char in text:
        try:
            out += char.encode(encoding)
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in TONES))
            out += (base + "".join(c for c in marks if c in TONES)).encode(encoding)
    return bytes(out)


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: dict[str, Any], tmp_path: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, root)
    apply(root, case.get("files") or {})
    report = validate(root)
    found = sorted(f"{f.rule} {f.file}:{f.line}:{f.column}" for f in report.findings)
    assert found == sorted(case["expect"]), "\n".join(f"{f.rule}: {f.message}" for f in report.findings)
    texts = [f"{f.message} {f.fix}" for f in report.findings]
    for words in case.get("says", []):
        assert any(words in text for text in texts), f"no finding says {words!r}:\n" + "\n".join(texts)


@pytest.mark.parametrize("case", _cases(DIFF_CASES_DIR))
def test_diff_rule_case(case: dict[str, Any], tmp_path: Path) -> None:
    sides = []
    for side in ("old", "new"):
        root = tmp_path / side
        shutil.copytree(MINIMAL, root)
        apply(root, case.get(side) or {})
        sides.append(load_catalogue(str(root), folder_files(root))[0])
    offences = unannounced(diff(*sides))
    found = sorted(f"{o.finding.rule} {o.finding.file}:{o.finding.line}:{o.finding.column}" for o in offences)
    assert found == sorted(case["expect"]), "\n".join(o.message for o in offences)
    texts = [f"{o.finding.message} {o.finding.fix}" for o in offences]
    for words in case.get("says", []):
        assert any(words in text for text in texts), f"no finding says {words!r}:\n" + "\n".join(texts)


def test_every_rule_has_a_failing_case() -> None:
    """A rule nobody can trigger is dead code or an untested promise."""
    expected = set()
    for param in [*_cases(), *_cases(DIFF_CASES_DIR)]:
        if param.marks:
            continue
        for line in param.values[0]["expect"]:
            expected.add(line.split()[0])
    untested = sorted(rule.id for rule in REGISTRY if rule.id not in expected and rule.id not in NOT_DECLARATIVE)
    assert untested == [], f"rules without a failing case in tests/rules/: {untested}"
    for rule_id, test in NOT_DECLARATIVE.items():
        assert rule_id not in expected, f"{rule_id} has a case in tests/rules/ now: drop its exemption"
        assert callable(getattr(test_rule_specials, test, None)), f"{rule_id}: no {test} in test_rule_specials"
