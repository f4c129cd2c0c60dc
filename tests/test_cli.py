"""The command line as users and CI call it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import PROJECT, SAMPLE
from tests.test_rules import apply
from tthc import __version__
from tthc.cli import main
from tthc.rulebook import markdown


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI")}
    return subprocess.run(
        [sys.executable, "-m", "tthc", *args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def test_bundled_sample_catalogue_is_valid() -> None:
    result = run("validate", str(SAMPLE), "--format", "json")
    data = json.loads(result.stdout)
    errors = [f"{f['file']}:{f['line']}: {f['message']}" for f in data["findings"] if f["severity"] == "error"]
    assert errors == []
    assert result.returncode == 0
    assert data["summary"]["procedures"] >= 40
    assert data["summary"]["decisions"] >= 4


def test_version_and_help() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output == f"tthc {__version__}\n"
    help_text = runner.invoke(main, ["--help"]).output
    assert "thủ tục hành chính" in help_text
    assert "validate" in help_text


def test_no_catalogue_is_exit_2_with_a_message(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "Không tìm thấy bộ danh mục" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "Không tìm thấy" in result.stderr


def test_bad_option_is_exit_2() -> None:
    assert run("validate", "--format", "xml").returncode == 2


def test_found_by_walking_up(minimal: Path) -> None:
    result = run("validate", cwd=minimal / "procedures" / "ho-tich")
    assert result.returncode == 0, result.stdout
    assert "✓ Hợp lệ" in result.stdout


def test_errors_exit_1_and_name_file_line(minimal: Path) -> None:
    apply(minimal, {"procedures/ho-tich/1.001193.yaml": {"replace": [['code: "1.001193"', "code: 1.001193"]]}})
    result = run("validate", cwd=minimal.parent)
    assert result.returncode == 1
    assert "catalogue/procedures/ho-tich/1.001193.yaml" in result.stdout
    assert "1:7" in result.stdout
    assert "Traceback" not in result.stderr


def test_only_named_files_are_reported(minimal: Path) -> None:
    apply(minimal, {"decisions/2025/10-QĐ-UBND.yaml": {"replace": [["title: Công bố", "title: Công bố\nextra: 1"]]}})
    procedure = minimal / "procedures" / "ho-tich" / "1.001193.yaml"
    assert run("validate", str(procedure)).returncode == 0
    assert run("validate", str(minimal)).returncode == 1


def test_strict_fails_on_warnings(minimal: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "name: Đăng ký khai sinh")
    apply(minimal, {"procedures/ho-tich/1.001193.yaml": {"replace": [["name: Đăng ký khai sinh", decomposed]]}})
    assert run("validate", str(minimal)).returncode == 0
    assert run("validate", "--strict", str(minimal)).returncode == 1


def test_output_file_is_written(minimal: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = run("validate", str(minimal), "--format", "sarif", "--output", str(out))
    assert result.returncode == 0
    assert result.stdout == ""
    assert json.loads(out.read_text("utf-8"))["version"] == "2.1.0"


@pytest.mark.parametrize("kind", ["procedure", "decision", "catalogue"])
def test_schema_prints_a_draft_2020_12_schema(kind: str) -> None:
    result = CliRunner().invoke(main, ["schema", kind])
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)


def test_rule_reference_is_up_to_date() -> None:
    """docs/rules.md is generated; regenerate with `tthc rules -f markdown > docs/rules.md`."""
    assert (PROJECT / "docs" / "rules.md").read_text("utf-8") == markdown()
