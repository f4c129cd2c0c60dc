"""tthc new: skeletons with every component, placeholders that validate reports, no overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tthc import layout, scaffold
from tthc.cli import asking, main
from tthc.fmt import format_text
from tthc.model import COMPONENTS
from tthc.validate import validate

PROCEDURE = "procedures/ho-tich/1.000894.yaml"

# The decision: a fresh procedure file has exactly these findings, each at a
# component the user must write (marked "# CẦN ĐIỀN"), plus the cross-file
# rule that no decision announces the code yet.
EXPECTED_PROCEDURE = {
    ("schema-empty", ("decisions",)),
    ("schema-empty", ("steps",)),
    ("time-invalid", ("methods", 0, "time")),
    ("fee-invalid", ("methods", 0, "fee")),
    ("schema-empty", ("dossier", "cases", 0, "items")),
    ("schema-empty", ("subjects",)),
    ("schema-empty", ("agencies", "performing")),
    ("schema-empty", ("results",)),
    ("schema-empty", ("legal_basis",)),
    ("procedure-not-announced", ("code",)),
}
EXPECTED_DECISION = {("schema-empty", ("title",)), ("schema-format", ("effective",))}


def info(**changes: object) -> scaffold.ProcedureInfo:
    base = scaffold.ProcedureInfo(
        code="1.000894", name="Đăng ký kết hôn", field="ho-tich", levels=("Cấp xã",), field_name="Hộ tịch",
        agency_ids=("ubnd-xa",),
    )  # fmt: skip
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def findings_of(root: Path, file: str) -> set[tuple[str, tuple[str | int, ...]]]:
    return {(f.rule, tuple(f.path)) for f in validate(root).findings if f.file == file}


def test_procedure_scaffold_findings_are_exactly_the_placeholders(minimal: Path) -> None:
    path = layout.procedure_path(minimal, "ho-tich", "1.000894")
    scaffold.create(path, scaffold.procedure_text(info()), minimal)
    assert findings_of(minimal, PROCEDURE) == EXPECTED_PROCEDURE
    assert {path for _, path in EXPECTED_PROCEDURE} - {("code",)} == set(scaffold.PROCEDURE_TODO)
    # Every placeholder is marked where validate points.
    lines = path.read_text("utf-8").splitlines()
    for finding in validate(minimal).findings:
        if finding.file == PROCEDURE and finding.rule != "procedure-not-announced":
            assert finding.line is not None
            assert scaffold.TODO in lines[finding.line - 1], finding


def test_procedure_scaffold_names_every_component_in_order() -> None:
    text = scaffold.procedure_text(info())
    positions = []
    for key in COMPONENTS:
        if key in ("time", "fee"):
            key_at = text.index(f"    {key}:")  # inside the in-person channel
        else:
            found = [i for i in (text.find(f"\n{key}:"), text.find(f"\n# {key}:")) if i >= 0]
            assert found, key
            key_at = min(found)
        positions.append((key_at, key))
    order = [key for _, key in sorted(positions)]
    expected = [k for k in COMPONENTS if k not in ("time", "fee")]
    assert [k for k in order if k not in ("time", "fee")] == expected


def test_scaffolds_are_already_in_canonical_form() -> None:
    text = scaffold.procedure_text(info())
    assert format_text(text, "procedure") == text
    decision = scaffold.decision_text(scaffold.DecisionInfo("11/QĐ-UBND", "2026-02-01", issuer="Chủ tịch UBND"))
    assert format_text(decision, "decision") == decision
    assert "Lĩnh vực: mã (id) khai báo trong tthc.yaml (Hộ tịch)" in text
    assert "(ubnd-xa)" in text


def test_filled_scaffold_validates(minimal: Path) -> None:
    path = layout.procedure_path(minimal, "ho-tich", "1.000894")
    scaffold.create(path, scaffold.procedure_text(info(decisions=("10/QĐ-UBND",))), minimal)
    text = path.read_text("utf-8")
    for before, after in (
        ("steps: []", 'steps: ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."]'),
        ("time: {unit: ngày làm việc}", "time: {value: 1, unit: ngày làm việc}"),
        ("fee: {}", "fee: {free: true}"),
        ("items: []", "items: [{name: Tờ khai đăng ký kết hôn, originals: 1}]"),
        ("subjects: []", "subjects: [Công dân Việt Nam]"),
        ("performing: []", "performing: [ubnd-xa]"),
        ("results: []", "results: [{name: Giấy chứng nhận kết hôn}]"),
        ("legal_basis: []", "legal_basis: [{number: 60/2014/QH13}]"),
    ):
        assert before in text
        text = text.replace(before, after)
    path.write_text(text, "utf-8")
    decision = minimal / "decisions" / "2025" / "10-QĐ-UBND.yaml"
    decision.write_text(decision.read_text("utf-8") + '  - code: "1.000894"\n', "utf-8")
    assert findings_of(minimal, PROCEDURE) == set()


def test_decision_scaffold_findings_are_exactly_the_placeholders(minimal: Path) -> None:
    path = layout.decision_path(minimal, "11/QĐ-UBND", "2026-02-01")
    assert path == minimal / "decisions" / "2026" / "11-QĐ-UBND.yaml"
    scaffold.create(path, scaffold.decision_text(scaffold.DecisionInfo("11/QĐ-UBND", "2026-02-01", issuer="Chủ tịch UBND")), minimal)
    assert findings_of(minimal, "decisions/2026/11-QĐ-UBND.yaml") == EXPECTED_DECISION


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b.yaml"
    scaffold.create(path, "x: 1\n", tmp_path)
    with pytest.raises(scaffold.ScaffoldError, match="không ghi đè"):
        scaffold.create(path, "x: 2\n", tmp_path)
    assert path.read_text("utf-8") == "x: 1\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["b.yaml"]


# --- the command ------------------------------------------------------------------


def test_new_procedure_with_options(minimal: Path) -> None:
    args = ["new", "procedure", "-C", str(minimal), "--code", "1.000894", "--name", " Đăng ký  kết hôn ",
            "--field", "Hộ tịch", "--level", "xã", "--decision", "10/QĐ-UBND"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "procedures/ho-tich/1.000894.yaml" in result.output
    text = (minimal / PROCEDURE).read_text("utf-8")
    assert "name: Đăng ký kết hôn\n" in text
    assert "level: [Cấp xã]\n" in text
    assert 'decisions: ["10/QĐ-UBND"]\n' in text
    again = CliRunner().invoke(main, [*args[:5], "1.000894", *args[6:]])
    assert again.exit_code == 2
    assert "đã có" in again.stderr
    assert "Traceback" not in again.output


def test_new_procedure_refuses_an_existing_file(minimal: Path) -> None:
    (minimal / PROCEDURE).write_text("giữ nguyên\n", "utf-8")
    args = ["new", "procedure", "-C", str(minimal), "--code", "1.000894", "--name", "Đăng ký kết hôn",
            "--field", "ho-tich", "--level", "Cấp xã"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "không ghi đè" in result.stderr
    assert (minimal / PROCEDURE).read_text("utf-8") == "giữ nguyên\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "1.00089"], "--code: “1.00089” không đúng dạng mã TTHC"),
        (["--code", "1.001193"], "--code: mã 1.001193 đã có"),
        (["--code", "1.000894"], "thiếu --name"),
        (["--code", "1.000894", "--name", "Kết hôn", "--field", "dat-dai"], "--field: lĩnh vực “dat-dai” chưa khai báo"),
        (["--code", "1.000894", "--name", "Kết hôn", "--field", "ho-tich", "--level", "Cấp thôn"],
         "--level: cấp “Cấp thôn” không hợp lệ"),
    ],
)
def test_bad_options_are_exit_2_in_vietnamese(minimal: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["new", "procedure", "-C", str(minimal), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (minimal / PROCEDURE).exists()


def test_new_procedure_asks_in_a_terminal(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asking, "interactive", lambda: True)
    answers = "1.00089\n1.000894\nĐăng ký kết hôn\n1\nthôn\ntỉnh, xã\n"
    result = CliRunner().invoke(main, ["new", "procedure", "-C", str(minimal)], input=answers)
    assert result.exit_code == 0, result.output
    assert "Chưa đúng: “1.00089” không đúng dạng" in result.output
    assert "1. ho-tich: Hộ tịch" in result.output
    assert "Chưa đúng: cấp “thôn” không hợp lệ" in result.output
    assert "level: [Cấp tỉnh, Cấp xã]\n" in (minimal / PROCEDURE).read_text("utf-8")


def test_new_decision(minimal: Path) -> None:
    args = ["new", "decision", "-C", str(minimal), "--number", "11/QĐ-UBND", "--signed", "01/02/2026"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = (minimal / "decisions" / "2026" / "11-QĐ-UBND.yaml").read_text("utf-8")
    assert 'signed: "2026-02-01"\n' in text
    assert "issuer: Chủ tịch Ủy ban nhân dân tỉnh Mẫu\n" in text
    assert 'effective: ""  # CẦN ĐIỀN' in text
    assert CliRunner().invoke(main, args).exit_code == 2
    bad = CliRunner().invoke(main, ["new", "decision", "-C", str(minimal), "--number", "12/QĐ-UBND", "--signed", "31/02/2026"])
    assert bad.exit_code == 2
    assert "không phải ngày hợp lệ" in bad.stderr


def test_a_broken_tthc_yaml_is_named_as_the_problem(minimal: Path) -> None:
    settings = minimal / "tthc.yaml"
    settings.write_text(settings.read_text("utf-8") + "fields: [\n", "utf-8")
    args = ["new", "procedure", "-C", str(minimal), "--code", "1.000894", "--name", "Đăng ký kết hôn",
            "--field", "ho-tich", "--level", "xã"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "không đọc được tệp thiết lập của danh mục (tthc.yaml:" in result.stderr
    assert "Traceback" not in result.output
