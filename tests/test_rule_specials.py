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
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tthc import schema
from tthc.rules import decision_rules, procedure_rules

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
     "oneOf", "anyOf", "allOf"}
)
"""Keywords that only hold other schemas or words; oneOf/anyOf report their best branch's error."""


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
        elif key == "items":
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
    """The rules keep copies of two schema patterns; they must not drift apart."""
    procedure = schema.schema("procedure")
    assert procedure_rules.CODE.pattern == procedure["properties"]["code"]["pattern"]
    assert decision_rules.NUMBER.pattern == procedure["$defs"]["decision_number"]["pattern"]
    assert decision_rules.NUMBER.pattern == schema.schema("decision")["properties"]["number"]["pattern"]


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
