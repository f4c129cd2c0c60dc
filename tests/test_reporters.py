"""The four output formats, on a catalogue broken in known ways."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import SHARED_DATA
from tests.test_rules import apply
from tthc.report import Report
from tthc.reporters import REPORTERS, Context
from tthc.validate import validate

PROC = "procedures/ho-tich/1.001193.yaml"


@pytest.fixture
def broken(minimal: Path) -> Report:
    apply(
        minimal,
        {
            PROC: {"replace": [['code: "1.001193"', "code: 1.001193"], ["url: https://", "url: http://"]]},
            "decisions/2025/10-QĐ-UBND.yaml": {"replace": [['effective: "2025-08-01"', 'effective: "2025-07-01"']]},
        },
    )
    return validate(minimal)


def render(report: Report, name: str, prefix: str = "catalogue", color: bool = False) -> str:
    out = io.StringIO()
    REPORTERS[name](report, out, Context(prefix, color=color))
    return out.getvalue()


def test_the_broken_fixture_has_the_expected_findings(broken: Report) -> None:
    assert [(f.rule, f.file, f.line, f.column) for f in broken.findings] == [
        ("decision-dates", "decisions/2025/10-QĐ-UBND.yaml", 5, 12),
        ("code-unquoted", PROC, 1, 7),
        ("online-url", PROC, 17, 10),
    ]


def test_json_contract(broken: Report) -> None:
    data = json.loads(render(broken, "json"))
    assert list(data) == ["ok", "summary", "findings"]
    assert data["ok"] is False
    assert data["summary"] == {"files": 3, "procedures": 1, "decisions": 1, "errors": 3, "warnings": 0}
    first = data["findings"][1]
    assert {"rule", "severity", "file", "line", "column", "message", "code"} <= set(first)
    assert first["rule"] == "code-unquoted"
    assert first["file"] == PROC  # relative to the catalogue root, whatever the prefix
    assert first["code"] == "1.001193"
    assert first["severity"] == "error"
    assert "dấu nháy" in first["fix"]
    assert data["findings"][0]["code"] is None  # a decision's finding names no procedure


def test_github_annotations_then_text(broken: Report) -> None:
    out = render(broken, "github")
    lines = out.splitlines()
    assert lines[0].startswith(
        "::error file=catalogue/decisions/2025/10-QĐ-UBND.yaml,line=5,col=12,title=decision-dates::"
    )
    assert lines[1].startswith(f"::error file=catalogue/{PROC},line=1,col=7,title=code-unquoted::")
    assert "%0A→ Đặt mã trong dấu nháy" in lines[1]  # the fix rides along, newline escaped
    assert "✗ Không hợp lệ: 3 lỗi" in out  # the full text report follows


def test_github_escapes_properties() -> None:
    from tthc.reporters.github import _escape_property

    assert _escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_sarif_is_valid_against_the_official_schema(broken: Report) -> None:
    schema_path = SHARED_DATA / "sarif-schema-2.1.0.json"
    if not schema_path.is_file():
        pytest.skip("the SARIF schema (shared/data) is not beside this checkout")
    sarif = json.loads(render(broken, "sarif"))
    jsonschema.validate(sarif, json.loads(schema_path.read_text("utf-8")))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == 3
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    location = results[1]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"catalogue/{PROC}"
    assert location["region"] == {"startLine": 1, "startColumn": 7}


def test_text_is_plain_when_piped_and_aligned(broken: Report) -> None:
    out = render(broken, "text")
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "catalogue/decisions/2025/10-QĐ-UBND.yaml"
    assert lines[1].startswith("  5:12   lỗi       Quyết định có hiệu lực")  # columns padded to align
    assert lines[1].endswith("(decision-dates)")
    assert lines[-1].startswith("✗ Không hợp lệ: 3 lỗi, 0 cảnh báo trong 3 tệp")


def test_text_is_coloured_in_a_terminal(broken: Report) -> None:
    assert "\x1b[" in render(broken, "text", color=True)


def test_clean_catalogue_verdict(minimal: Path) -> None:
    out = render(validate(minimal), "text")
    assert out.strip() == "✓ Hợp lệ: 3 tệp (1 thủ tục, 1 quyết định), 0 lỗi."
