"""tthc against real records of the national portal (shared/data, never copied here).

The 300 records are turned into a catalogue the way a clerk pasting from the
portal would: names, levels and decision numbers as the portal gives them.
The validator must flag exactly the records whose text really is wrong.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import SHARED_DATA
from tthc import text
from tthc.layout import CODE
from tthc.validate import validate

DECISION = re.compile(r"^\d{1,5}/QĐ-[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$")


def _catalogue(records: list[dict[str, str]], root: Path) -> Path:
    """Write the records as a catalogue; decisions as the portal numbers them."""
    yaml = YAML()
    fields = {text.slug(r["linh_vuc"]): r["linh_vuc"].strip() for r in records}
    numbers = sorted({r["so_quyet_dinh"] for r in records})
    settings = {
        "authority": {"name": "Bộ, ngành (dữ liệu thật từ Cổng DVC quốc gia)"},
        "as_of": "2026-06-10",
        "levels": ["Cấp bộ", "Cấp tỉnh", "Cấp xã", "Cơ quan khác"],
        "fields": [{"id": k, "name": text.nfc(v)} for k, v in sorted(fields.items())],
        "agencies": [{"id": "co-quan", "name": "Cơ quan thực hiện"}],
        "feedback": {"agency": "Văn phòng Chính phủ", "address": "Hà Nội", "phone": "080 00000", "email": "a@b.vn"},
    }
    root.mkdir()
    with (root / "tthc.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(settings, out)
    for i, number in enumerate(numbers):
        folder = root / "decisions" / "2026"
        folder.mkdir(parents=True, exist_ok=True)
        decision = {
            "number": number,
            "title": "Công bố thủ tục hành chính",
            "issuer": "Bộ trưởng",
            "signed": "2026-01-01",
            "effective": "2026-01-01",
            "new": [{"code": r["ma_thu_tuc"]} for r in records if r["so_quyet_dinh"] == number],
        }
        with (folder / f"{i:03d}.yaml").open("w", encoding="utf-8") as out:
            yaml.dump(decision, out)
    for r in records:
        folder = root / "procedures" / text.slug(r["linh_vuc"])
        folder.mkdir(parents=True, exist_ok=True)
        procedure = {
            "code": r["ma_thu_tuc"],
            "name": r["ten_thu_tuc"],
            "field": text.slug(r["linh_vuc"]),
            "level": [level.strip() for level in r["cap_thuc_hien"].split(",")],
            "decisions": [r["so_quyet_dinh"]],
            "steps": [line for line in r["trinh_tu_thuc_hien"].splitlines() if line.strip()] or ["?"],
            "methods": [{"channel": "trực tiếp", "time": {"unit": "trong ngày"}, "fee": {"free": True}}],
            "dossier": {"cases": [{"items": [{"name": "Tờ khai"}]}]},
            "subjects": [s.strip() for s in r["doi_tuong_thuc_hien"].split(",") if s.strip()],
            "agencies": {"performing": ["co-quan"]},
            "results": [{"name": r["ket_qua_xu_ly"].split("Mã:")[0] or "Kết quả"}],
            "legal_basis": [{"number": "63/2010/NĐ-CP"}],
        }
        with (folder / f"{r['ma_thu_tuc']}.yaml").open("w", encoding="utf-8") as out:
            yaml.dump(procedure, out)
    return root


def test_real_records_validate_without_surprises(real_records: list[dict[str, str]], tmp_path: Path) -> None:
    root = _catalogue(real_records, tmp_path / "real")
    report = validate(root)
    by_rule: dict[str, set[str]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, set()).add(finding.code or finding.file)

    # The portal's malformed decision numbers ("2267./QĐ-BXD", "SỐ 64/QĐ-NHNN" …)
    # are reported on every record citing them, and on the decision files.
    bad_numbers = {r["ma_thu_tuc"] for r in real_records if not DECISION.match(r["so_quyet_dinh"])}
    assert len(bad_numbers) == 5
    assert bad_numbers <= by_rule["schema-format"]

    # Exactly the records the data's README lists have decomposed (NFD) names;
    # other NFD text is in their steps or results.
    nfd = {r["ma_thu_tuc"] for r in real_records if not all(text.is_nfc(v) for v in r.values())}
    nfd_names = {r["ma_thu_tuc"] for r in real_records if not text.is_nfc(r["ten_thu_tuc"])}
    assert nfd_names == {"1.009055", "1.009063", "1.010092", "1.013809", "1.013861"}
    assert nfd_names <= by_rule["text-not-nfc"] <= nfd

    # Correct Unicode Vietnamese is never taken for TCVN3/VNI mojibake.
    assert "text-mojibake" not in by_rule
    # Every real code has the national format; the pasted portal text has no tags or bad YAML.
    assert not {"code-format", "code-unquoted", "yaml-syntax", "yaml-tag"} & set(by_rule)
    # No crash, and every finding has a position.
    assert all(f.line and f.column for f in report.findings)


def test_ministry_list_codes_have_the_national_format() -> None:
    path = SHARED_DATA / "real-procedures" / "procedure-list-bo-tu-phap.json"
    if not path.is_file():
        pytest.skip("the portal's Bộ Tư pháp list (shared/data) is not beside this checkout")
    rows = json.loads(path.read_text("utf-8"))
    assert len(rows) == 271
    assert all(CODE.match(row["Mã số"].strip()) for row in rows)
