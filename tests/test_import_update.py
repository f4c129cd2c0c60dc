"""tthc export then tthc import --update: a real round trip, and a real edit changes only its component."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook
from ruamel.yaml import YAML

from tests.conftest import MINIMAL
from tthc.cells import parse_fee, parse_time
from tthc.cli import main
from tthc.export import HEADERS, channel_text
from tthc.import_rows import UNCHANGED, UPDATED
from tthc.importer import import_table
from tthc.reading import load_catalogue
from tthc.source import folder_files


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def export_xlsx(root: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["export", str(root), "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def import_update(root: Path, sheet: Path) -> Any:
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    return import_table(root, catalogue, sheet, update=True)


def edit_cell(sheet: Path, code: str, header: str, value: str) -> str:
    """Type ``value`` into the row of ``code`` under ``header``, as a person would in Excel; the old value."""
    workbook = load_workbook(sheet)
    ws = workbook.active
    assert ws is not None
    column = HEADERS.index(header) + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == code)
    old = str(ws.cell(row, column).value)
    ws.cell(row, column).value = value
    workbook.save(sheet)
    return old


def test_export_then_import_update_changes_no_byte(sample: Path, tmp_path: Path) -> None:
    before = snapshot(sample)
    sheet = export_xlsx(sample, tmp_path / "xuat.xlsx")
    result = CliRunner().invoke(main, ["import", str(sheet), "--update", "-C", str(sample)])
    assert result.exit_code == 0, result.output
    assert "Tạo mới 0, cập nhật 0, không đổi 51, bỏ qua 0 dòng." in result.stdout
    assert snapshot(sample) == before


def test_every_channel_cell_reads_back_as_the_record(sample: Path) -> None:
    """What export writes for each channel's time, committed time and fee parses back to the file's value.

    So an edited cell of the same shape is read faithfully; ``basis`` has no column and is never touched.
    """
    catalogue, _ = load_catalogue(str(sample), folder_files(sample))
    checked = 0
    for proc in catalogue.procedures:
        for method, raw in zip(proc.methods, proc.data["methods"], strict=True):
            for key in ("time", "local_time", "fee"):
                cell = channel_text(method, key)
                if not cell:
                    continue
                parsed, why = (parse_fee if key == "fee" else parse_time)(cell)
                assert parsed == {k: v for k, v in raw[key].items() if k != "basis"}, (proc.code, key, cell, why)
                checked += 1
    assert checked > 300


def changed_paths(old: Any, new: Any, path: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    if isinstance(old, dict) and isinstance(new, dict):
        return {p for k in old.keys() | new.keys() for p in changed_paths(old.get(k), new.get(k), (*path, k))}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return {p for i, (a, b) in enumerate(zip(old, new, strict=True)) for p in changed_paths(a, b, (*path, i))}
    return set() if old == new else {path}


def test_one_edited_fee_cell_changes_that_fee_only(sample: Path, tmp_path: Path) -> None:
    name = "procedures/ho-tich/1.000894.yaml"
    load = YAML(typ="safe").load
    original = load((sample / name).read_text("utf-8"))
    before = snapshot(sample)
    sheet = export_xlsx(sample, tmp_path / "xuat.xlsx")
    old = edit_cell(sheet, "1.000894", "Phí, lệ phí", "20.000 đồng")
    assert old.startswith("Miễn phí (Miễn lệ phí đăng ký kết hôn.")
    report = import_update(sample, sheet)
    assert [(r.code, r.reason) for r in report.rows if r.status != UNCHANGED] == [("1.000894", "đã cập nhật: fee")]
    after = snapshot(sample)
    assert [f for f in after if after[f] != before[f]] == [name]
    text = (sample / name).read_text("utf-8")
    assert text.startswith("# Thủ tục đăng ký kết hôn giữa công dân Việt Nam với nhau (cấp xã).\n")
    new = load(text)
    assert changed_paths(original, new) == {("methods", i, "fee", k) for i in range(3) for k in ("free", "amount")}
    note = original["methods"][0]["fee"]["note"]
    assert [m["fee"] for m in new["methods"]] == [{"amount": 20000, "note": note}] * 3  # the note stays


def test_one_channel_of_a_per_channel_cell(sample: Path, tmp_path: Path) -> None:
    """“trực tiếp: …; trực tuyến: …”: editing the online part changes the online fee, nothing else."""
    catalogue, _ = load_catalogue(str(sample), folder_files(sample))
    proc = catalogue.by_code()["1.014063"]
    online = proc.methods[1]
    assert online.channel == "trực tuyến"
    load = YAML(typ="safe").load
    original = load((sample / proc.file).read_text("utf-8"))
    sheet = export_xlsx(sample, tmp_path / "xuat.xlsx")
    old = edit_cell(sheet, proc.code, "Phí, lệ phí", "")
    edited = old.replace(f"trực tuyến: {channel_text(online, 'fee')}", "trực tuyến: 10.000 đồng (Thử sửa.)")
    assert edited != old
    edit_cell(sheet, proc.code, "Phí, lệ phí", edited)
    report = import_update(sample, sheet)
    assert [(r.code, r.status) for r in report.rows if r.status != UNCHANGED] == [(proc.code, UPDATED)]
    new = load((sample / proc.file).read_text("utf-8"))
    assert changed_paths(original, new) <= {("methods", 1, "fee", k) for k in ("amount", "note", "free", "currency")}
    assert new["methods"][1]["fee"]["amount"] == 10000 and new["methods"][1]["fee"]["note"] == "Thử sửa."


def test_one_value_for_channels_that_differ_updates_in_person_and_says_so(sample: Path, tmp_path: Path) -> None:
    before = snapshot(sample)
    sheet = export_xlsx(sample, tmp_path / "xuat.xlsx")
    edit_cell(sheet, "1.014063", "Phí, lệ phí", "30.000 đồng")
    report = import_update(sample, sheet)
    row = next(r for r in report.rows if r.code == "1.014063")
    assert row.status == UPDATED
    assert "chỉ cập nhật kênh trực tiếp" in row.reason
    changed = [f for f, content in snapshot(sample).items() if content != before[f]]
    assert changed == [row.file]
    fees = [m["fee"] for m in YAML(typ="safe").load((sample / row.file).read_text("utf-8"))["methods"]]
    assert fees[0]["amount"] == 30000 and fees[0].get("note")  # the note is kept
    assert fees[1:] == [m["fee"] for m in YAML(typ="safe").load(before[row.file].decode())["methods"]][1:]


# --- issue 5.3: the result validates -------------------------------------------------

FULL_HEADER = ["Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Số quyết định công bố", "Trình tự thực hiện",
               "Thời hạn giải quyết", "Phí, lệ phí", "Thành phần hồ sơ", "Đối tượng thực hiện", "Cơ quan thực hiện",
               "Kết quả thực hiện", "Căn cứ pháp lý"]  # fmt: skip
FULL_ROW = [
    "1.000894", "Đăng ký kết hôn", "Hộ tịch", "Cấp xã", "11/QĐ-UBND",
    "Bước 1: Nộp hồ sơ tại Bộ phận Một cửa.\nBước 2: Công chức tư pháp - hộ tịch kiểm tra, ghi vào Sổ đăng ký kết hôn.\n"
    "Bước 3: Trả Giấy chứng nhận kết hôn.",
    "Trong ngày; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo", "Miễn phí",
    "- Tờ khai đăng ký kết hôn (theo mẫu)\n- Giấy xác nhận tình trạng hôn nhân", "Công dân Việt Nam",
    "Ủy ban nhân dân cấp xã", "Giấy chứng nhận kết hôn Mã: KQ.G15.000032",
    "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP",
]  # fmt: skip
DECISION = """\
number: 11/QĐ-UBND
title: Công bố thủ tục hành chính mới lĩnh vực hộ tịch
issuer: Chủ tịch UBND tỉnh Mẫu
signed: "2025-09-01"
effective: "2025-09-15"
new:
  - code: "1.000894"
"""


def full_sheet(path: Path, row: list[str]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(FULL_HEADER)
    ws.append(row)
    wb.save(path)
    return path


def test_a_sheet_with_every_required_column_imports_into_files_that_validate(minimal: Path, tmp_path: Path) -> None:
    """The decision recorded first lists the code; after the import its file exists and validate finds 0 errors."""
    from tthc.validate import validate

    (minimal / "decisions/2025/11-QĐ-UBND.yaml").write_text(DECISION, "utf-8")
    assert [f.rule for f in validate(minimal).findings] == ["decision-code-missing"]
    report = import_update(minimal, full_sheet(tmp_path / "du.xlsx", FULL_ROW))
    assert [(r.status, r.todo, r.reason) for r in report.rows] == [("created", (), "")]
    result = validate(minimal)
    assert [f for f in result.findings if f.severity.value == "error"] == []
    data = YAML(typ="safe").load((minimal / report.rows[0].file).read_text("utf-8"))
    assert data["steps"][1] == "Bước 2: Công chức tư pháp - hộ tịch kiểm tra, ghi vào Sổ đăng ký kết hôn."
    assert data["methods"][0]["time"] == {
        "unit": "trong ngày", "note": "trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
    }  # fmt: skip
    assert data["dossier"]["cases"][0]["items"] == [
        {"name": "Tờ khai đăng ký kết hôn (theo mẫu)"}, {"name": "Giấy xác nhận tình trạng hôn nhân"},
    ]  # fmt: skip
    assert data["results"] == [{"name": "Giấy chứng nhận kết hôn", "code": "KQ.G15.000032"}]
    assert data["legal_basis"] == [
        {"number": "60/2014/QH13", "type": "Luật", "title": "Luật Hộ tịch"},
        {"number": "123/2015/NĐ-CP", "type": "Nghị định"},
    ]


def test_what_is_missing_is_listed_per_file_and_validate_names_each_place(minimal: Path, tmp_path: Path) -> None:
    """Blank cells: the report lists each component left to fill with its line; validate reports exactly those lines."""
    from tthc.validate import validate

    row = list(FULL_ROW)
    for header in ("Trình tự thực hiện", "Phí, lệ phí", "Kết quả thực hiện", "Số quyết định công bố"):
        row[FULL_HEADER.index(header)] = ""
    report = import_update(minimal, full_sheet(tmp_path / "thieu.xlsx", row))
    (created,) = report.rows
    assert [t.split(" (")[0] for t in created.todo] == [
        "Số quyết định công bố", "Trình tự thực hiện", "Phí, lệ phí", "Kết quả thực hiện", "Quyết định công bố: chưa quyết định nào trong danh mục ghi thủ tục này",
    ]  # fmt: skip
    lines = {int(t.rsplit("dòng ", 1)[1].rstrip(")")) for t in created.todo if "dòng " in t}
    findings = [f for f in validate(minimal).findings if f.file == created.file]
    assert {f.line for f in findings if f.rule != "procedure-not-announced"} == lines
    assert len(findings) == len(created.todo)  # one finding a placeholder, no cascade
    assert all(f.fix for f in findings)
    again = tmp_path / "lan-hai"
    shutil.copytree(MINIMAL, again)
    result = CliRunner().invoke(main, ["import", str(tmp_path / "thieu.xlsx"), "-C", str(again)])
    assert result.exit_code == 0, result.output
    assert "Còn cần điền" in result.stdout
    assert f"  {created.file}: {'; '.join(created.todo)}" in result.stdout.splitlines()


def test_one_channel_at_two_places_updates_the_place_the_cell_names(sample: Path, tmp_path: Path) -> None:
    """Chứng thực at the commune and at a mission abroad: the export names each place, and an edit reaches only its own."""
    path = sample / "procedures" / "chung-thuc" / "2.000815.yaml"
    text = path.read_text("utf-8")
    mission = (
        "  - channel: trực tiếp\n"
        "    place: cơ quan đại diện\n"
        "    time:\n      value: 1\n      unit: ngày làm việc\n"
        "    fee:\n      amount: 10\n      currency: USD\n      unit: /bản\n"
    )
    path.write_text(text.replace("\ndossier:", f"{mission}\ndossier:", 1), "utf-8")
    load = YAML(typ="safe").load
    original = load(path.read_text("utf-8"))
    assert [m.get("place", "") for m in original["methods"]] == ["", "cơ quan đại diện"]
    sheet = export_xlsx(sample, tmp_path / "xuat.xlsx")
    old = edit_cell(sheet, "2.000815", "Phí, lệ phí", "")
    assert "trực tiếp (tại cơ quan đại diện): 10 USD/bản" in old
    edit_cell(sheet, "2.000815", "Phí, lệ phí", old.replace("10 USD/bản", "12 USD/bản"))
    report = import_update(sample, sheet)
    assert [(r.code, r.status) for r in report.rows if r.status != UNCHANGED] == [("2.000815", UPDATED)]
    new = load(path.read_text("utf-8"))
    assert changed_paths(original, new) == {("methods", 1, "fee", "amount")}
    assert new["methods"][1]["fee"] == {"amount": 12, "currency": "USD", "unit": "/bản"}
