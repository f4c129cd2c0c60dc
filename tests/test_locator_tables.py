"""Findings placed from the table of node positions a worker keeps (tthc.locator.table), not by a second parse.

A first import has findings in every file, the cross-file ``procedure-not-announced``
among them. Each test runs the real ``validate`` twice, once as it is and once
with the tables taken away (so the locator composes every file again, as it did
before), and the positions must be the same.
"""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, SAMPLE
from tests.test_benchmark_generator import generate
from tthc import locator, reading
from tthc.source import folder_files
from tthc.validate import validate


def _placed(root: Path) -> list[tuple[str, str, tuple[str | int, ...], int | None, int | None]]:
    return [(f.rule, f.file, f.path, f.line, f.column) for f in validate(root).findings]


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the locator composes from now on."""
    parsed: list[str] = []
    original = locator._Tree.__init__

    def counting(self: locator._Tree, text: str, yaml: object) -> None:
        parsed.append(text)
        original(self, text, yaml)  # type: ignore[arg-type]

    monkeypatch.setattr(locator._Tree, "__init__", counting)
    return parsed


@pytest.fixture(scope="module")
def first_import(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("first-import") / "catalogue"
    generate.generate(40, root, seed="21", findings=True)
    return root


def test_a_first_import_is_placed_without_a_second_parse(first_import: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _parses(monkeypatch)
    with_tables = _placed(first_import)
    assert not parsed
    assert {rule for rule, *_ in with_tables} >= {"schema-empty", "procedure-not-announced"}
    monkeypatch.setattr(locator, "table", lambda nodes: None)
    assert _placed(first_import) == with_tables
    assert len(parsed) == 40  # without tables, every procedure's file composed again


def test_the_sample_and_a_broken_procedure_are_placed_as_by_the_locator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(MINIMAL, broken)
    procedure = next((broken / "procedures").rglob("*.yaml"))
    text = procedure.read_text("utf-8")
    procedure.write_text(text.replace("code:", "ghi chú: x\ncode:", 1).replace("steps:", "steps: []\nold_steps:", 1), "utf-8")
    roots = [SAMPLE, broken]
    placed = [_placed(root) for root in roots]
    assert any(placed)
    monkeypatch.setattr(locator, "table", lambda nodes: None)
    assert [_placed(root) for root in roots] == placed


def test_the_table_travels_through_the_cache(first_import: Path) -> None:
    files = list(folder_files(first_import))
    limits = reading.catalogue_limits(files)
    checked = [reading.check_file(file, limits) for file in files]
    assert all(result.document.places for result in checked if result.document.file.startswith("procedures/"))
    for file, result in zip(files, checked, strict=True):
        kept = marshal.loads(marshal.dumps(reading._pack(result)))  # as tthc.cache keeps it
        again = reading._unpack(file, kept)
        assert again is not None and again.document.places == result.document.places


def test_a_clean_file_keeps_no_table() -> None:
    files = list(folder_files(SAMPLE))
    limits = reading.catalogue_limits(files)
    assert not [file.path for file in files if reading.check_file(file, limits).document.places]


def test_reading_without_rules_keeps_no_table(first_import: Path) -> None:
    """diff, stats and export place no finding, and validate does not take their entries from the cache."""
    files = list(folder_files(first_import))
    limits = reading.catalogue_limits(files)
    assert not [file.path for file in files if reading.check_file(file, limits, rules=False).document.places]
