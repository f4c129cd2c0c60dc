"""`tthc export --format xlsx --layout danh-muc`: the province's official list, read back with openpyxl."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tests.test_diff import load
from tthc.cli import main
from tthc.collation import sort_key
from tthc.model import LEVELS
from tthc.wording import field_name, roman
from tthc.writers.annex_view import MAIN_COLUMNS

HEADER_ROW = 5


def export(root: Path, target: Path) -> Any:
    result = CliRunner().invoke(
        main, ["export", str(root), "--format", "xlsx", "--layout", "danh-muc", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(target).active


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return export(SAMPLE, tmp_path_factory.mktemp("danh-muc") / "danh-muc.xlsx")


def rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


def test_title_rows_and_header(sheet: Any) -> None:
    assert sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ"
    assert sheet["A2"].value == (
        "DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA CẤP TỈNH VÀ CẤP XÃ TRÊN ĐỊA BÀN TỈNH QUẢNG TRỊ"
    )
    assert sheet["A3"].value == "(Áp dụng từ ngày 01/11/2026)"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:G1", "A2:G2", "A3:G3"} <= merged
    header = next(sheet.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True))
    assert header == MAIN_COLUMNS
    assert header[:3] == ("Số TT", "Tên thủ tục hành chính", "Thời hạn giải quyết")


def test_print_settings(sheet: Any) -> None:
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFG"]
    assert widths[0] < 10 and min(widths[1:]) >= 20
    body = [cell for row in sheet.iter_rows(min_row=HEADER_ROW) for cell in row if cell.value is not None]
    assert all(cell.alignment.wrap_text for cell in body if cell.column > 1)


def test_every_procedure_once_grouped_by_level_then_field_in_order(sheet: Any) -> None:
    catalogue = load(SAMPLE)
    by_code = catalogue.by_code()
    seen: list[str] = []
    level_title = ""
    level_letters: list[str] = []
    field_numerals: list[str] = []
    field_names: list[str] = []
    names: list[str] = []
    stt: list[int] = []
    for row in rows(sheet):
        first = row[0]
        if isinstance(first, str) and row[1] is None:  # a title row, merged across
            if m := re.fullmatch(r"([A-Z])\. (Thủ tục hành chính .+)", first):
                level_letters.append(m[1])
                level_title, stt, field_numerals, field_names = m[2], [], [], []
                continue
            m = re.fullmatch(r"([IVXLC]+)\. Lĩnh vực (.+)", first)
            assert m, first
            field_numerals.append(m[1])
            field_names.append(m[2])
            names = []
            assert field_numerals == [roman(i) for i in range(1, len(field_numerals) + 1)]
            assert field_names == sorted(field_names, key=sort_key)
            continue
        number, name_cell = row[0], row[1]
        stt.append(int(number))
        assert stt == list(range(1, len(stt) + 1))  # numbered from 1 in each level
        name, code = name_cell.rsplit("\nMã: ", 1)
        proc = by_code[code]
        assert name == proc.name
        assert field_name(catalogue.settings, proc.field) == field_names[-1]
        levels = [level for level in LEVELS if level in proc.levels]
        assert level_title == "Thủ tục hành chính " + " và ".join(lv[0].lower() + lv[1:] for lv in levels)
        names.append(name)
        assert names == sorted(names, key=sort_key)
        seen.append(code)
    assert level_letters == ["A", "B", "C"][: len(level_letters)] and len(level_letters) >= 2
    assert sorted(seen) == sorted({p.code for p in catalogue.procedures})
    assert len(seen) == len(set(seen))


def test_cells_are_text_and_never_formulas(tmp_path: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    path = root / "procedures" / "ho-tich" / "1.001193.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: Đăng ký khai sinh\n", 'name: "=HYPERLINK(\\"http://x\\")"\n', 1),
        encoding="utf-8",
    )
    target = tmp_path / "danh-muc.xlsx"
    sheet = export(root, target)
    cell = next(c for row in sheet.iter_rows(min_row=HEADER_ROW + 1) for c in row if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s" and cell.quotePrefix
    assert not list(tmp_path.glob(".*danh-muc*"))  # written atomically: no temporary file left


def test_layout_is_only_for_xlsx(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(SAMPLE), "--format", "csv", "--layout", "danh-muc"])
    assert result.exit_code == 2 and "--layout danh-muc" in result.output
