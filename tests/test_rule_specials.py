"""Rules that no case in ``tests/rules/`` can trigger, tested here instead.

``schema-invalid`` is the schema layer's fallback for a JSON Schema keyword
that has no kind of its own. The shipped schemas use only keywords that do,
so no catalogue can produce it; :data:`KEYWORDS_WITH_A_KIND` and the walk
below keep that claim true, and ``tests/test_rules.py`` exempts the rule from
needing a declarative case only because this module tests it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tthc import layout, scaffold, schema
from tthc.rules import procedure_rules
from tthc.validate import validate

KEYWORDS_WITH_A_KIND = frozenset(
    {
        "required", "additionalProperties", "type", "enum", "const", "pattern", "format",
        "minItems", "minLength", "minProperties", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "maxLength", "maxItems", "uniqueItems",
    }
)
"""Keywords that :func:`tthc.schema._finding` turns into a kind other than schema-invalid."""

STRUCTURE = frozenset(
    {"$schema", "$id", "$ref", "$defs", "title", "description", "default", "properties", "items",
     "oneOf", "anyOf", "allOf", "if", "then", "else"}
)
"""Keywords that only hold other schemas or words; oneOf/anyOf report their best branch's error,
then/else the errors of their own keywords (``if`` only chooses: a draft decision's number and dates)."""


def _keywords(node: Any) -> Iterator[str]:
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        yield key
        if key in ("properties", "$defs"):
            for sub in value.values():
                yield from _keywords(sub)
        elif key in ("oneOf", "anyOf", "allOf"):
            for sub in value:
                yield from _keywords(sub)
        elif key in ("items", "if", "then", "else"):
            yield from _keywords(value)


@pytest.mark.parametrize("kind", ["procedure", "decision", "catalogue"])
def test_shipped_schemas_use_only_keywords_with_a_kind(kind: str) -> None:
    unknown = set(_keywords(schema.schema(kind))) - KEYWORDS_WITH_A_KIND - STRUCTURE
    assert unknown == set(), f"give these keywords a kind (and a case in tests/rules/): {unknown}"


def test_schema_invalid_for_a_keyword_without_a_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    custom = Draft202012Validator(
        {
            "type": "object",
            "properties": {
                "subjects": {"title": "Đối tượng thực hiện", "type": "array", "contains": {"const": "Công dân Việt Nam"}}
            },
        }
    )
    monkeypatch.setattr(schema, "validator", lambda kind: custom)
    findings = schema.check("procedures/ho-tich/1.001193.yaml", "procedure", {"subjects": ["Người nước ngoài"]})
    assert [(f.rule, f.path) for f in findings] == [("schema-invalid", ("subjects",))]
    assert "Đối tượng thực hiện" in findings[0].message
    assert "tthc schema procedure" in findings[0].fix


def test_rule_patterns_mirror_the_schemas() -> None:
    """The layout keeps copies of two schema patterns; they must not drift apart."""
    procedure = schema.schema("procedure")
    assert layout.CODE.pattern == procedure["properties"]["code"]["pattern"]
    assert layout.CITED_NUMBER.pattern == procedure["$defs"]["decision_number"]["pattern"]
    decision = schema.schema("decision")
    assert layout.DECISION_NUMBER.pattern == decision["else"]["properties"]["number"]["pattern"]
    assert layout.DRAFT_NUMBER.pattern == decision["then"]["properties"]["number"]["pattern"]


_RUN_TWICE = re.compile(r"(?<![\d./])(\d{1,4}(?:\.\d{1,3})?/(?:\d{4}/)?[^\s/]+?)\1")
"""A legal number the portal's flattened table wrote twice in a row ("…QH1354/2014/QH13"):
the repetition shows where the number ends, which the run-in title after it hides."""


def test_legal_number_accepts_the_portals_real_symbols(real_records: list[dict[str, str]]) -> None:
    """Every number the portal's legal-basis tables give whole passes, QĐ-TTg among them."""
    numbers = {
        match.group(1)
        for record in real_records
        for match in _RUN_TWICE.finditer(unicodedata.normalize("NFC", record["can_cu_phap_ly"]))
    }
    assert len(numbers) > 100
    assert {"10/2018/QĐ-TTg", "07/2016/QD-TTg", "38/2001/PL-UBTVQH10"} <= numbers
    assert sorted(n for n in numbers if not procedure_rules.LEGAL_NUMBER.match(n)) == []


def test_legal_number_still_refuses_the_portals_mistakes(real_records: list[dict[str, str]]) -> None:
    """Decision numbers the portal mistyped ("2267./QĐ-BXD", "SỐ 64/QĐ-NHNN") are not numbers."""
    numbers = {record["so_quyet_dinh"] for record in real_records}
    wrong = sorted(n for n in numbers if not procedure_rules.LEGAL_NUMBER.match(n))
    assert wrong == ["2267./QĐ-BXD", "QĐ/0001-BCA", "SỐ 64/QĐ-NHNN"]


def _scaffolded(root: Path) -> Path:
    """A procedure as ``tthc new`` writes it, in the minimal catalogue."""
    info = scaffold.ProcedureInfo(
        code="1.000894", name="Đăng ký kết hôn", field="ho-tich", levels=("Cấp xã",), decisions=("10/QĐ-UBND",),
        time={"value": 5, "unit": "ngày làm việc"},
    )
    path = root / "procedures" / "ho-tich" / "1.000894.yaml"
    path.write_text(scaffold.procedure_text(info), "utf-8")
    return path


@pytest.mark.parametrize(
    ("typed", "rule", "fix"),
    [
        ("fee: {amount: 50000, note: 50.000 đồng, nộp khi nhận}", "yaml-flow-comma", 'note: "50.000 đồng, nộp khi nhận"'),
        ("fee: {amount: 50000, note: Lệ phí: 50.000 đồng}", "yaml-syntax", 'note: "Lệ phí: 50.000 đồng"'),
        ("fee: {free: true, note: Miễn lệ phí theo Luật Hộ tịch: đăng ký đúng hạn}", "yaml-syntax",
         'note: "Miễn lệ phí theo Luật Hộ tịch: đăng ký đúng hạn"'),
    ],
)
def test_a_fee_typed_into_tthc_new_output_says_to_quote_it(
    minimal: Path, typed: str, rule: str, fix: str
) -> None:
    """Staff fill ``fee: {}  # CẦN ĐIỀN`` in place; an unquoted comma or colon gets its cause and the quoted line."""
    path = _scaffolded(minimal)
    source = path.read_text("utf-8")
    blank = next(line for line in source.splitlines() if line.strip().startswith("fee: {}"))
    path.write_text(source.replace(blank, blank[: blank.index("fee:")] + typed), "utf-8")
    findings = [f for f in validate(minimal).findings if f.file == "procedures/ho-tich/1.000894.yaml"]
    ours = [f for f in findings if f.rule == rule]
    assert len(ours) == 1 and fix in f"{ours[0].message} {ours[0].fix}", findings
    assert not [f for f in findings if f.rule == "schema-unknown-key"]


def test_tthc_new_output_has_no_placeholder_finding_for_its_comments(minimal: Path) -> None:
    """Each ``# CẦN ĐIỀN`` of a fresh scaffold is reported once, by the finding on its empty value."""
    _scaffolded(minimal)
    findings = [f for f in validate(minimal).findings if f.file == "procedures/ho-tich/1.000894.yaml"]
    assert findings and not [f for f in findings if f.rule.startswith(("text-", "feedback-"))]
    source = (minimal / "procedures" / "ho-tich" / "1.000894.yaml").read_text("utf-8").splitlines()
    marked = {n for n, line in enumerate(source, 1) if "# CẦN ĐIỀN" in line and not line.lstrip().startswith("#")}
    assert marked <= {f.line for f in findings}
