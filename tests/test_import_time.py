"""Time cells: the table in tests/import/times.yaml, read by parse_time and by a whole import."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from ruamel.yaml import YAML

from tests.conftest import SAMPLE, SHARED_DATA
from tthc import scaffold
from tthc.cells import parse_time
from tthc.export import channel_text
from tthc.import_rows import CREATED
from tthc.importer import import_table
from tthc.reading import load_catalogue
from tthc.source import folder_files

CASES: list[dict[str, Any]] = YAML(typ="safe").load((Path(__file__).parent / "import" / "times.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["cell"][:50] for c in CASES])
def test_parse_time(case: dict[str, Any]) -> None:
    parsed, why = parse_time(case["cell"])
    if "time" in case:
        assert (parsed, why) == (case["time"], "")
    else:
        assert parsed is None
        assert case["report"] in why
        assert unicodedata.is_normalized("NFC", why)


def test_the_texts_are_real() -> None:
    """Each cell said to come from the sample or a portal record does occur there."""
    catalogue, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))
    sample = {channel_text(m, key) for p in catalogue.procedures for m in p.methods for key in ("time", "local_time")}
    sample_text = "\n".join(p.read_text("utf-8") for p in (SAMPLE / "procedures").rglob("*.yaml"))
    records_path = SHARED_DATA / "real-procedures" / "records.json"
    records = (
        {r["ma_thu_tuc"]: unicodedata.normalize("NFC", r["cach_thuc_thuc_hien"]) for r in json.loads(records_path.read_text("utf-8"))}
        if records_path.is_file()
        else {}
    )
    for case in CASES:
        source = case["source"]
        if source == "catalogue":
            assert case["cell"] in sample or case["cell"] in sample_text, case
        elif source.startswith("record ") and records:
            assert case["cell"] in records[source.removeprefix("record ")], case


def test_an_import_writes_the_time_or_reports_the_row_and_cell(minimal: Path, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Thời hạn giải quyết"])
    for number, case in enumerate(CASES, 1):
        ws.append([f"1.{900000 + number}", f"Thủ tục thử {number}", "Hộ tịch", "Cấp xã", case["cell"]])
    wb.save(tmp_path / "thoi-han.xlsx")
    catalogue, _ = load_catalogue(str(minimal), folder_files(minimal))
    report = import_table(minimal, catalogue, tmp_path / "thoi-han.xlsx")
    load = YAML(typ="safe").load
    assert [r.row for r in report.rows] == list(range(2, len(CASES) + 2))
    for row, case in zip(report.rows, CASES, strict=True):
        assert row.status == CREATED
        content = (minimal / row.file).read_text("utf-8")
        time = load(content)["methods"][0]["time"]
        if "time" in case:
            assert time == case["time"], row
            assert "thời hạn" not in row.reason
        else:
            assert case["report"] in row.reason and case["cell"] in row.reason, row
            assert f"time: {{unit: ngày làm việc}}  # {scaffold.TODO}: nguồn ghi “{case['cell']}”" in content
            assert any(t.startswith("Thời hạn giải quyết (time, dòng ") for t in row.todo)
