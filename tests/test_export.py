"""tthc export: nested JSON, flat rows with Vietnamese headers, Vietnamese order, atomic files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from tests import test_views as views
from tests.test_render import write_catalogue
from tests.test_views import PLACES
from tthc.cli import main
from tthc.export import FLAT_COLUMNS, HEADERS, channel_text, flat_rows, nested, to_csv, to_json
from tthc.model import Duration, Fee, Method
from tthc.reading import load_catalogue
from tthc.source import folder_files

SETTINGS = """\
authority:
  name: Ủy ban nhân dân tỉnh Mẫu
as_of: "2026-01-01"
levels: [Cấp tỉnh, Cấp xã]
fields:
  - id: ho-tich
    name: Hộ tịch
  - id: dat-dai
    name: Đất đai
  - id: dan-toc
    name: Dân tộc
  - id: chung-thuc
    name: Chứng thực
agencies:
  - id: ubnd-xa
    name: Ủy ban nhân dân cấp xã
feedback:
  agency: Văn phòng UBND tỉnh
  address: Số 1
  phone: "0200 000 000"
  email: a@example.vn
"""


def procedure(code: str, name: str, field: str, extra: str = "") -> str:
    return (
        f'code: "{code}"\nname: {name}\nfield: {field}\nlevel: [Cấp xã, Cấp tỉnh]\ndecisions: ["10/QĐ-UBND"]\n'
        "steps: [Bước 1]\nmethods:\n"
        "  - channel: trực tiếp\n    time: {value: 5, unit: ngày làm việc}\n    fee: {amount: 50000}\n"
        "  - channel: trực tuyến\n    time: {value: 3, unit: ngày làm việc}\n    fee: {amount: 50000}\n"
        "    online: toàn trình\n"
        "dossier: {cases: [{items: [{name: Tờ khai}]}]}\nsubjects: [Công dân Việt Nam, Người nước ngoài]\n"
        "agencies: {performing: [ubnd-xa]}\nresults: [{name: Giấy chứng nhận}]\n"
        "legal_basis: [{number: 60/2014/QH13, title: Luật Hộ tịch}, {number: 123/2015/NĐ-CP, type: Nghị định}]\n"
        + extra
    )


def build(tmp_path: Path) -> Path:
    """Four fields whose names test Vietnamese order: Chứng thực < Dân tộc < Đất đai < Hộ tịch."""
    root = tmp_path / "catalogue"
    root.mkdir()
    (root / "tthc.yaml").write_text(SETTINGS, "utf-8")
    for code, name, field in (
        ("1.000003", "Đăng ký khai tử", "ho-tich"),
        ("1.000001", "Đăng ký kết hôn", "ho-tich"),
        ("1.000002", "Cấp bản sao", "ho-tich"),
        ("1.000004", "Giao đất", "dat-dai"),
        ("1.000005", "Chứng thực chữ ký", "chung-thuc"),
        ("1.000006", "Xác định dân tộc", "dan-toc"),
    ):
        path = root / "procedures" / field / f"{code}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(procedure(code, name, field), "utf-8")
    return root


def test_rows_are_in_vietnamese_order_of_field_then_name(tmp_path: Path) -> None:
    root = build(tmp_path)
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    rows = flat_rows(catalogue)
    assert [(r["field"], r["name"]) for r in rows] == [
        ("Chứng thực", "Chứng thực chữ ký"),
        ("Dân tộc", "Xác định dân tộc"),
        ("Đất đai", "Giao đất"),
        ("Hộ tịch", "Cấp bản sao"),
        ("Hộ tịch", "Đăng ký kết hôn"),
        ("Hộ tịch", "Đăng ký khai tử"),
    ]


def test_flat_row_joins_lists_and_writes_values_as_people_do(tmp_path: Path) -> None:
    root = build(tmp_path)
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    row = next(r for r in flat_rows(catalogue) if r["code"] == "1.000001")
    assert row["level"] == "Cấp xã; Cấp tỉnh"
    assert row["decisions"] == "10/QĐ-UBND"
    assert row["channels"] == "trực tiếp; trực tuyến"
    assert row["time"] == "trực tiếp: 5 ngày làm việc; trực tuyến: 3 ngày làm việc"
    assert row["fee"] == "50.000 đồng"
    assert row["online"] == "toàn trình"
    assert row["subjects"] == "Công dân Việt Nam; Người nước ngoài"
    assert row["agencies"] == "Ủy ban nhân dân cấp xã"
    assert row["legal_basis"] == "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP"
    assert row["file"] == "procedures/ho-tich/1.000001.yaml"
    free = Method("trực tiếp", None, Fee(free=True, note="khi đăng ký đúng hạn"))
    assert channel_text(free, "fee") == "Miễn phí (khi đăng ký đúng hạn)"


def test_cells_write_a_decimal_comma_as_the_sheets_do() -> None:
    """A half day and 25.5 USD are worded as on a notice board, not "0.5" (issue 18)."""
    method = Method("trực tiếp", Duration(0.5, "ngày", "kể từ khi nhận đủ hồ sơ"), Fee(25.5, "USD"))
    assert channel_text(method, "time") == "0,5 ngày (kể từ khi nhận đủ hồ sơ)"
    assert channel_text(method, "fee") == "25,5 USD"
    assert channel_text(Method("trực tiếp", None, Fee(1234.5)), "fee") == "1.234,5 đồng"


def test_nested_json_is_the_whole_catalogue(tmp_path: Path) -> None:
    root = build(tmp_path)
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    data = json.loads(to_json(catalogue))
    assert data["catalogue"]["authority"]["name"] == "Ủy ban nhân dân tỉnh Mẫu"
    assert [p["code"] for p in data["procedures"]] == ["1.000005", "1.000006", "1.000004", "1.000002", "1.000001", "1.000003"]
    assert data["procedures"][0]["methods"][0]["time"] == {"value": 5, "unit": "ngày làm việc"}
    assert data == nested(catalogue)
    flat = json.loads(to_json(catalogue, flat=True))
    assert list(flat[0]) == list(HEADERS)


def test_csv_has_vietnamese_headers(tmp_path: Path) -> None:
    root = build(tmp_path)
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    table = list(csv.reader(io.StringIO(to_csv(catalogue))))
    assert table[0] == list(HEADERS)
    assert table[0][:3] == ["Mã số TTHC", "Tên thủ tục", "Lĩnh vực"]
    assert len(table) == 7


def test_cli_json_and_csv_to_stdout(tmp_path: Path) -> None:
    root = build(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(root)])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["procedures"]) == 6
    result = runner.invoke(main, ["export", str(root), "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Mã số TTHC,")  # no BOM on standard output


def test_cli_files_csv_with_bom_and_xlsx(tmp_path: Path) -> None:
    root = build(tmp_path)
    runner = CliRunner()
    out = tmp_path / "ra" / "danh-muc.csv"
    result = runner.invoke(main, ["export", str(root), "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfM\xc3\xa3 s\xe1\xbb\x91 TTHC")
    assert "Đã xuất 6 thủ tục" in result.stderr
    book = tmp_path / "danh-muc.xlsx"
    result = runner.invoke(main, ["export", str(root), "-f", "xlsx", "-o", str(book)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(book).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(HEADERS)
    assert values[1][0] == "1.000005" and sheet["A2"].number_format == "@"
    assert len(values) == 7
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_bad_usage_is_exit_2(tmp_path: Path) -> None:
    root = build(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(root), "-f", "xlsx"])
    assert result.exit_code == 2 and "cần --output" in result.stderr
    result = runner.invoke(main, ["export", str(root), "-f", "csv", "--flat"])
    assert result.exit_code == 2 and "--flat chỉ dùng với --format json" in result.stderr
    result = runner.invoke(main, ["export", str(tmp_path / "khong-co")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_unreadable_files_are_named_and_exit_1(tmp_path: Path) -> None:
    root = build(tmp_path)
    (root / "procedures" / "ho-tich" / "1.000009.yaml").write_text("code: [\n", "utf-8")
    result = CliRunner().invoke(main, ["export", str(root), "-f", "csv"])
    assert result.exit_code == 1
    assert "1 tệp không đọc được" in result.stderr and "1.000009.yaml" in result.stderr
    assert len(result.stdout.splitlines()) == 7


def test_every_flat_column_has_a_header() -> None:
    assert len({key for key, _ in FLAT_COLUMNS}) == len(FLAT_COLUMNS) == len(set(HEADERS))


FORMULAS = {
    "1.000001": '=HYPERLINK("http://x.example/?a=1","Bấm vào đây")',
    "1.000002": "+84 Đăng ký kết hôn",
    "1.000003": "-2+3+cmd|' /C calc'!A0",
    "1.000004": "@SUM(1+1)*cmd|' /C calc'!A0",
    "1.000005": "'Chứng thực' chữ ký",
    "1.000006": "Xác định dân tộc",
}
"""Names a spreadsheet would run (OWASP's CSV injection), one already quoted, and a plain one."""


def formula_catalogue(tmp_path: Path) -> Path:
    root = build(tmp_path)
    for path in root.glob("procedures/*/*.yaml"):
        name = json.dumps(FORMULAS[path.stem], ensure_ascii=False)  # JSON's string is YAML's double-quoted one
        lines = [f"name: {name}" if line.startswith("name: ") else line for line in path.read_text("utf-8").splitlines()]
        text = "\n".join(lines) + "\n"
        path.write_text(text.replace("subjects: [", 'subjects: ["-1", "- Công dân", '), "utf-8")
    return root


def test_formula_safe_gives_back_every_value() -> None:
    from tthc.tables import formula_safe, formula_unsafe

    values = ["", "'", "''", "'=1", "=1", "-", "-5", "- Bước 1", "\tx", "\rx", "@x", "+x", "x=1", "Đăng ký"]
    for value in values:
        safe = formula_safe(value)
        assert not safe.startswith(("=", "+", "-", "@", "\t", "\r")), safe
        assert formula_unsafe(safe) == value
    assert formula_safe("x=1") == "x=1" and formula_unsafe("'x") == "'x"  # a quote the export did not add stays


def test_no_exported_cell_starts_a_formula_and_import_gives_every_value_back(tmp_path: Path) -> None:
    root = formula_catalogue(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    assert {p.code: p.name for p in catalogue.procedures} == FORMULAS
    runner = CliRunner()
    sheets = {}
    for fmt in ("csv", "xlsx"):
        sheets[fmt] = tmp_path / f"xuat.{fmt}"
        result = runner.invoke(main, ["export", str(root), "-f", fmt, "-o", str(sheets[fmt])])
        assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(sheets["csv"].read_text("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    names = {row[0]: row[1] for row in rows[1:]}
    assert names["1.000001"] == "'" + FORMULAS["1.000001"] and names["1.000005"] == "''Chứng thực' chữ ký"
    assert names["1.000006"] == "Xác định dân tộc"
    assert rows[1][HEADERS.index("Đối tượng thực hiện")].startswith("'-1; - Công dân")
    sheet = load_workbook(sheets["xlsx"]).active
    assert sheet is not None
    formulas = [c for row in sheet.iter_rows(min_row=2) for c in row if str(c.value or "").startswith("=")]
    assert formulas and all(c.data_type == "s" and c.quotePrefix for c in formulas)
    assert {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == FORMULAS
    for fmt, path in sheets.items():
        result = runner.invoke(main, ["import", str(path), "--update", "-C", str(root)])
        assert result.exit_code == 0, (fmt, result.output)
        assert "cập nhật 0, không đổi 6" in result.stdout, (fmt, result.stdout)
        assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before


def test_places_and_fee_units_are_written_and_an_import_of_the_export_changes_no_byte(tmp_path: Path) -> None:
    """2.000815 as the national record has it: one channel at two places, fees with a unit, a time without unit."""
    root = write_catalogue(tmp_path / "catalogue", [PLACES], views.SETTINGS)
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    [row] = flat_rows(catalogue)
    assert row["channels"] == (
        "trực tiếp (tại Ủy ban nhân dân cấp xã); trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài); trực tuyến"
    )
    assert row["fee"] == (
        "trực tiếp (tại Ủy ban nhân dân cấp xã): 2.000 đồng/trang; "
        "trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài): 10 USD/bản; trực tuyến: 50.000 đồng/tờ khai"
    )
    # the number the file holds and no unit it does not; the empty time is left out, never "Không quy định"
    assert row["time"] == "trực tiếp (tại Ủy ban nhân dân cấp xã): 5; trực tuyến: 1 ngày làm việc"

    before = {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    sheet = tmp_path / "xuat.xlsx"
    assert CliRunner().invoke(main, ["export", str(root), "-f", "xlsx", "-o", str(sheet)]).exit_code == 0
    worksheet = load_workbook(sheet).active
    assert worksheet is not None
    cells = dict(zip(HEADERS, next(worksheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert cells["Phí, lệ phí"] == row["fee"]
    result = CliRunner().invoke(main, ["import", str(sheet), "--update", "-C", str(root)])
    assert result.exit_code == 0, result.output
    assert "cập nhật 0, không đổi 1" in result.stdout
    assert {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} == before
