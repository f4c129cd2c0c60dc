"""The catalogue layout decided once: fmt and validate see the same files, of the same kinds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import MINIMAL
from tthc import layout
from tthc.fmt import format_paths, targets
from tthc.source import folder_files
from tthc.validate import validate

PROCEDURE_FIRST = 'name: Đăng ký lại khai tử\ncode: "1.000650"\nfield: decisions\n'


def test_fmt_walks_the_files_validate_reads_with_the_same_kinds(minimal: Path) -> None:
    """Files whose kind the two used to decide differently: a field folder named ``decisions``,
    YAML in a folder of the catalogue that is not part of the layout."""
    extra = {
        "procedures/decisions/1.000650.yaml": PROCEDURE_FIRST,
        "ghi-chu/procedures/nhap.yaml": "name: nháp\n",
    }
    for rel, content in extra.items():
        (minimal / rel).parent.mkdir(parents=True, exist_ok=True)
        (minimal / rel).write_text(content, "utf-8")
    read = {(f.path, f.kind) for f in folder_files(minimal)}
    formatted = {(p.relative_to(minimal).as_posix(), layout.kind_of_file(p)) for p in targets([minimal])}
    assert formatted == read
    assert ("procedures/decisions/1.000650.yaml", "procedure") in read
    assert not any(path.startswith("ghi-chu/") for path, _ in read)


def test_a_procedure_in_a_field_folder_named_decisions_is_formatted_as_a_procedure(minimal: Path) -> None:
    path = minimal / "procedures" / "decisions" / "1.000650.yaml"
    path.parent.mkdir()
    path.write_text(PROCEDURE_FIRST, "utf-8")
    format_paths([minimal])
    assert path.read_text("utf-8").startswith('code: "1.000650"\nname: Đăng ký lại khai tử\n')
    assert "field-unknown" in {f.rule for f in validate(minimal).findings if f.file.endswith("1.000650.yaml")}


def test_a_catalogue_kept_under_a_folder_named_decisions(tmp_path: Path) -> None:
    root = tmp_path / "decisions" / "danh-muc"
    shutil.copytree(MINIMAL, root)
    kinds = {p.relative_to(root).as_posix(): layout.kind_of_file(p) for p in targets([tmp_path])}
    assert kinds == {
        "decisions/2025/10-QĐ-UBND.yaml": "decision",
        "procedures/ho-tich/1.001193.yaml": "procedure",
        "tthc.yaml": "catalogue",
    }


def test_without_a_settings_file_the_innermost_layout_folder_decides(tmp_path: Path) -> None:
    """A catalogue being put together has no tthc.yaml yet; its files still have a kind."""
    procedure = tmp_path / "decisions" / "procedures" / "ho-tich" / "1.001193.yaml"
    decision = tmp_path / "decisions" / "2025" / "10-QĐ-UBND.yaml"
    stray = tmp_path / "site" / "mkdocs.yml"
    for path in (procedure, decision, stray):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x: 1\n", "utf-8")
    assert layout.kind_of_file(procedure) == "procedure"
    assert layout.kind_of_file(decision) == "decision"
    assert layout.kind_of_file(stray) is None


def test_a_relative_path_is_placed_from_the_working_folder(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(minimal / "procedures")
    assert layout.kind_of_file(Path("ho-tich/1.001193.yaml")) == "procedure"
    monkeypatch.chdir(minimal.parent)
    assert layout.kind_of_file(Path("catalogue/tthc.yaml")) == "catalogue"


def test_decision_numbers_and_file_names() -> None:
    root = Path("danh-muc")
    assert layout.decision_path(root, "1234/QĐ-UBND", "2025-07-01") == root / "decisions/2025/1234-QĐ-UBND.yaml"
    assert layout.decision_path(root, "1234/QĐ-UBND", "chưa rõ") == root / "decisions/khac/1234-QĐ-UBND.yaml"
    assert layout.number_of_file("decisions/2025/1234-QĐ-UBND.yaml") == "1234/QĐ-UBND"
    assert layout.normalise_decision_number(" 12/qd-ubnd ") == "12/QĐ-UBND"
    assert layout.DECISION_NUMBER.match(layout.normalise_decision_number("12/qd-ubnd"))


def test_unsafe_names_never_become_paths(tmp_path: Path) -> None:
    assert layout.procedure_path(tmp_path, "ho-tich", "1.001193") == tmp_path / "procedures/ho-tich/1.001193.yaml"
    for field, code in (("../../x", "1.001193"), ("ho-tich", "../1.001193"), (".an", "1.001193"), ("ho-tich", "a/b")):
        with pytest.raises(layout.UnsafeName, match="Không dùng được"):
            layout.procedure_path(tmp_path, field, code)
