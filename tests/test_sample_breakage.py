"""The bundled sample, broken in each way the foundation issue names.

Each case edits a copy of the real sample catalogue as a clerk might, runs
the command line (an exception would fail the test), and expects exit code 1
(0 for a warning) and the right rule at the right file and line.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.test_rules import apply
from tthc.cli import main

KHAI_SINH = "procedures/ho-tich/1.001193.yaml"
DECISION = "decisions/2026/1186-QĐ-UBND.yaml"

CASES = [
    # (what a clerk did, file, [old, new], rule, line)
    ("code without quotes", KHAI_SINH, ['code: "1.001193"', "code: 1.001193"], "code-unquoted", 2),
    ("code mistyped", KHAI_SINH, ['code: "1.001193"', 'code: "1.00119"'], "code-format", 2),
    ("code of another file", KHAI_SINH, ['code: "1.001193"', 'code: "1.000894"'], "code-duplicate", 2),
    ("field not declared", KHAI_SINH, ["field: ho-tich", "field: ho-tich-cu"], "field-unknown", 4),
    ("district level after the reform", KHAI_SINH, ["level: [Cấp xã]", "level: [Cấp huyện]"], "level-district", 5),
    ("unknown agency", KHAI_SINH, ["performing: [ubnd-xa]", "performing: [ubnd-huyen]"], "agency-unknown", 55),
    ("decision that does not exist", KHAI_SINH, ['"3125/QĐ-UBND"]', '"3125/QĐ-UBND", "9999/QĐ-UBND"]'], "decision-unknown", 7),
    ("online without its level", KHAI_SINH, ["    online: toàn trình\n", ""], "online-level", 21),
    ("online link not https", KHAI_SINH, ["url: https://dichvucong", "url: http://dichvucong"], "online-url", 25),
    ("negative time", KHAI_SINH, ["time: {unit: trong ngày}\n    fee: {free: true}\n    online", "time: {value: -3, unit: ngày làm việc}\n    fee: {free: true}\n    online"], "time-invalid", 22),
    ("fee written with a thousands dot", KHAI_SINH, ["fee: {free: true}\n    online", "fee: {amount: 8.000}\n    online"], "fee-invalid", 23),
    ("date the Vietnamese way", DECISION, ['signed: "2026-06-15"', "signed: 15/06/2026"], "schema-format", 5),
    ("effective before signed", DECISION, ['effective: "2026-07-01"', 'effective: "2026-06-01"'], "decision-dates", 6),
    ("unknown key", KHAI_SINH, ["kind: TTHC", "knd: TTHC"], "schema-unknown-key", 6),
    ("decomposed Unicode pasted", KHAI_SINH, ["name: Đăng ký khai sinh", unicodedata.normalize("NFD", "name: Đăng ký khai sinh")], "text-not-nfc", 3),
    ("VNI mojibake pasted", KHAI_SINH, ["name: Đăng ký khai sinh", "name: Ñaêng kyù khai sinh"], "text-mojibake", 3),
    ("tab indentation", KHAI_SINH, ["  sets: 1", "\tsets: 1"], "yaml-tab", 31),
    ("sample phone left in the feedback box", "tthc.yaml", ['  phone: ""', "  phone: (mẫu) 0232 3800 000"], "feedback-placeholder", 107),
    ("free while the council sets the fee", "procedures/ho-tich/1.004873.yaml", ['    fee:\n      note: "Mức', '    fee:\n      free: true\n      note: "Mức'], "fee-free-council", 23),
    ("colon in a note written in { }", KHAI_SINH, ["fee: {free: true}\n    online", "fee: {amount: 8000, note: Lệ phí: 8.000 đồng}\n    online"], "yaml-syntax", 23),
]


WARNINGS = {"text-not-nfc"}
"""Fixable by `tthc fmt`, so a warning: exit 0 unless --strict."""


@pytest.mark.parametrize(("what", "file", "edit", "rule", "line"), CASES, ids=[c[0] for c in CASES])
def test_breaking_the_sample(
    sample: Path, what: str, file: str, edit: list[str], rule: str, line: int
) -> None:
    apply(sample, {file: {"replace": [edit]}})
    result = CliRunner().invoke(main, ["validate", str(sample), "--format", "json"], catch_exceptions=False)
    warning_only = rule in WARNINGS
    assert result.exit_code == (0 if warning_only else 1), what
    found = {(f["rule"], f["file"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert (rule, file, line) in found, found
