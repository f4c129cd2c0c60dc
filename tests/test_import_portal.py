"""tthc import of national-portal records (.json): whole files, nothing guessed silently, nothing half-written.

The 300 real records (shared/data beside the checkout, never copied here)
are imported into a catalogue made by ``tthc init``, the way a province would:
a dry run lists the fields and agencies to declare, they are added to
tthc.yaml as the report prints them, and the import is run again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from tests.conftest import SHARED_DATA
from tests.test_init import options
from tests.test_portal import CHANNEL_ROW, flat, leaves
from tthc import render, text
from tthc.cli import main
from tthc.portal_import import dotted
from tthc.portal_tables import CHROME
from tthc.report import Report
from tthc.validate import validate

RECORDS = SHARED_DATA / "real-procedures" / "records.json"
REVIEW = "KIỂM TRA"


def tthc(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def declare(root: Path, report: dict[str, Any]) -> None:
    """Add the fields and agencies the report lists to tthc.yaml, as a user copies the printed blocks."""
    settings = (root / "tthc.yaml").read_text("utf-8")
    for key in ("fields", "agencies"):
        block = "".join(f"  - id: {e['id']}\n    name: {json.dumps(e['name'], ensure_ascii=False)}\n"
                        for e in report[f"unknown_{key}"])  # fmt: skip
        settings = re.sub(rf"^{key}:\n(?:  .*\n)+", lambda m, b=block: m.group(0) + b, settings, count=1, flags=re.M)
    (root / "tthc.yaml").write_text(settings, "utf-8")


def new_catalogue(root: Path, *fields: str) -> Path:
    made = tthc("init", str(root), *options(level="Cấp bộ, Cấp tỉnh, Cấp xã"), *(part for f in fields for part in ("--field", f)))
    assert made.exit_code == 0, made.output
    return root


def import_json(root: Path, source: Path, *more: str) -> tuple[Result, dict[str, Any]]:
    result = tthc("import", str(source), "-C", str(root), "--format", "json", *more)
    return result, json.loads(result.output)


# --------------------------------------------------------------------------
# The 300 real records
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], list[dict[str, str]]]:
    if not RECORDS.is_file():
        pytest.skip("the real portal records (shared/data) are not beside this checkout")
    root = new_catalogue(tmp_path_factory.mktemp("portal") / "danh-muc", "Hộ tịch=ho-tich")
    before = snapshot(root)
    dry, planned = import_json(root, RECORDS, "--dry-run")
    assert dry.exit_code == 1  # records of fields not yet declared are skipped
    assert snapshot(root) == before
    assert planned["unknown_fields"] and planned["unknown_agencies"]
    declare(root, planned)
    result, report = import_json(root, RECORDS)
    assert result.exit_code == 0, [r for r in report["records"] if r["status"] == "skipped"]
    records: list[dict[str, str]] = json.loads(RECORDS.read_text("utf-8"))
    return root, report, records


def test_every_record_becomes_a_canonical_file_at_its_layout_path(
    imported: tuple[Path, dict[str, Any], list[dict[str, str]]],
) -> None:
    root, report, records = imported
    assert report["totals"] == {"created": 300, "updated": 0, "unchanged": 0, "skipped": 0}
    assert report["unknown_fields"] == [] and report["unknown_agencies"] == []
    for entry, record in zip(report["records"], records, strict=True):
        assert entry["code"] == record["ma_thu_tuc"].strip()
        data = yaml.safe_load((root / entry["file"]).read_text("utf-8"))
        assert entry["file"] == f"procedures/{data['field']}/{entry['code']}.yaml"
        assert flat(data["name"]) == flat(record["ten_thu_tuc"])
        # The ministry's decision is the record's own, said so beside it; the province's is added later.
        for number in data["decisions"]:
            assert number in record["so_quyet_dinh"].replace("./", "/"), (entry["code"], number)
    assert tthc("fmt", "--check", str(root)).exit_code == 0


@pytest.fixture(scope="module")
def validated(imported: tuple[Path, dict[str, Any], list[dict[str, str]]]) -> Report:
    return validate(imported[0])


def test_schema_complains_exactly_where_the_report_says_to_fill_in(
    imported: tuple[Path, dict[str, Any], list[dict[str, str]]], validated: Report
) -> None:
    _, report, _ = imported
    result = validated
    assert not [f for f in result.findings if f.rule.startswith("yaml")]
    schema_at = {(f.file, dotted(f.path)) for f in result.findings if f.rule.startswith("schema")}
    missing = {(r["file"], path) for r in report["records"] for path in r["missing"]}
    assert schema_at == missing
    assert {f.rule for f in result.findings if f.rule.startswith("schema")} <= {"schema-empty", "schema-required"}
    # Every “CẦN ĐIỀN” line the report lists is a line validate names.
    lines = {(f.file, f.line) for f in result.findings if f.rule.startswith("schema")}
    for r in report["records"]:
        for todo in r["todo"]:
            line = int(re.search(r"dòng (\d+)", todo).group(1))  # type: ignore[union-attr]
            assert (r["file"], line) in lines, todo
    # The province's announcement is still to come, and validate says so for every file.
    assert sum(f.rule == "procedure-not-announced" for f in result.findings) == 300
    assert not any(r["announced"] for r in report["records"])


def test_numbers_amounts_and_times_are_in_their_record_or_marked(
    imported: tuple[Path, dict[str, Any], list[dict[str, str]]],
) -> None:
    root, report, records = imported
    unmarked = 0
    for entry, record in zip(report["records"], records, strict=True):
        reviews = [v["path"] for v in entry["review"]]
        unmarked += not reviews
        content = (root / entry["file"]).read_text("utf-8")
        assert (REVIEW in content) == bool(reviews), entry["code"]
        data = yaml.safe_load(content)

        def marked(path: tuple[str | int, ...], reviews: list[str] = reviews) -> bool:
            where = dotted(path)
            return any(where == r or where.startswith(r + ".") or where.startswith(r + "[") for r in reviews)

        legal, methods = flat(record["can_cu_phap_ly"]), flat(record["cach_thuc_thuc_hien"])
        for i, ref in enumerate(data["legal_basis"]):
            assert flat(ref["number"]) in legal or marked(("legal_basis", i, "number")), (entry["code"], ref)
        for i, method in enumerate(data["methods"]):
            fee, time = method.get("fee", {}), method.get("time", {})
            if "amount" in fee and not marked(("methods", i, "fee", "amount")):
                assert re.search(rf"(?<![\d,.]){fee['amount']:,}(?![\d,])".replace(",", "[,.]"), methods), entry["code"]
            if "value" in time and not marked(("methods", i, "time", "value")):
                assert str(time["value"]) in methods, (entry["code"], time)
        for path, value in leaves(data):
            if isinstance(value, str):
                assert not any(chrome in value for chrome in CHROME), (entry["code"], path)
        assert len(data["methods"]) == len(CHANNEL_ROW.findall(record["cach_thuc_thuc_hien"])), entry["code"]
    print(f"\n{unmarked}/{len(records)} bản ghi ({unmarked / len(records):.0%}) không có giá trị nào cần kiểm tra")


def test_review_marks_sit_beside_their_values_with_the_source(
    imported: tuple[Path, dict[str, Any], list[dict[str, str]]],
) -> None:
    root, report, _ = imported
    for entry in report["records"]:
        content = (root / entry["file"]).read_text("utf-8")
        for review in entry["review"]:
            assert f"{REVIEW}: {review['reason']} — nguồn: \"" in content, (entry["code"], review)
        for line in content.splitlines():
            if REVIEW in line and not line.startswith("#"):
                assert line.split("#")[0].strip(), line  # beside a value, not on a line of its own


@pytest.fixture(scope="module")
def built(validated: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`tthc build` refuses a catalogue with errors (these files still have lines to fill in);
    the renderer it calls after that check is what turns the files into pages."""
    assert validated.catalogue is not None
    out = tmp_path_factory.mktemp("portal-build")
    render.build(validated.catalogue, out)
    return out


def fee_shown(imported: tuple[Path, dict[str, Any], list[dict[str, str]]]) -> tuple[str, str, str]:
    """A record whose in-person fee is an amount nobody has to check: its code, name and amount as printed."""
    root, report, _ = imported
    for entry in report["records"]:
        if entry["review"]:
            continue
        data = yaml.safe_load((root / entry["file"]).read_text("utf-8"))
        for method in data["methods"]:
            amount = method.get("fee", {}).get("amount")
            if method["channel"] == "trực tiếp" and isinstance(amount, int) and amount >= 1000:
                return entry["code"], data["name"], f"{amount:,}".replace(",", ".")
    raise AssertionError("no record with a plain fee")


def test_the_imported_catalogue_renders_sheets_and_a_site(
    imported: tuple[Path, dict[str, Any], list[dict[str, str]]], built: Path
) -> None:
    code, name, amount = fee_shown(imported)
    assert (built / "site" / "index.html").is_file() and (built / "sheets" / "index.html").is_file()
    sheets = {p.name: p for p in (built / "sheets").rglob(f"{code}*.html")}
    assert sheets, code
    page = next(iter(sheets.values())).read_text("utf-8")
    assert amount in page and text.nfc(name.split("\n")[0]) in page


def test_a_sheet_and_the_site_in_a_browser_show_the_records(
    imported: tuple[Path, dict[str, Any], list[dict[str, str]]], built: Path, browser: Any
) -> None:
    code, name, amount = fee_shown(imported)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        page = context.new_page()
        sheet = next((built / "sheets").rglob(f"{code}*.html"))
        page.goto(sheet.resolve().as_uri())
        body = page.inner_text("body")
        assert " ".join(name.split()) in " ".join(body.split()) and amount in body
        page.goto((built / "site" / "index.html").resolve().as_uri())
        page.get_by_label("Tìm theo tên hoặc mã thủ tục").fill(code)
        rows = page.eval_on_selector_all(
            "#danh-sach tbody tr", "rows => rows.filter(r => !r.hidden && r.offsetParent !== null).map(r => r.innerText)"
        )
        assert len(rows) == 1 and code in rows[0] and " ".join(name.split())[:30] in " ".join(rows[0].split())
    finally:
        context.close()


# --------------------------------------------------------------------------
# A few records into the minimal catalogue
# --------------------------------------------------------------------------


def hộ_tịch(records: list[dict[str, str]], count: int = 2) -> list[dict[str, str]]:
    """Records of the field the minimal catalogue declares (Hộ tịch), in file order."""
    chosen = [r for r in records if r.get("linh_vuc", "").strip() == "Hộ tịch"][:count]
    assert len(chosen) == count
    return chosen


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    return path


def test_dry_run_writes_nothing_and_reports_what_it_would_do(
    minimal: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    source = write(tmp_path / "ho-tich.json", hộ_tịch(real_records))
    before = snapshot(minimal)
    result = tthc("import", str(source), "-C", str(minimal), "--dry-run")
    assert snapshot(minimal) == before
    assert "Chạy thử (--dry-run): không ghi tệp nào." in result.output
    assert "Sẽ tạo mới 2," in result.output and "Traceback" not in result.output


def test_a_field_not_declared_is_skipped_with_the_entry_to_add_or_mapped(
    minimal: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    record = next(r for r in real_records if r["linh_vuc"].strip() == "Chứng thực")
    source = write(tmp_path / "chung-thuc.json", record)
    result = tthc("import", str(source), "-C", str(minimal))
    assert result.exit_code == 1
    assert "Lĩnh vực chưa khai báo trong tthc.yaml" in result.output
    assert "  - id: chung-thuc\n    name: Chứng thực\n" in result.output
    assert not (minimal / "procedures" / "chung-thuc").exists()
    mapped = tthc("import", str(source), "-C", str(minimal), "--field-map", "Chứng thực=ho-tich")
    assert mapped.exit_code == 0, mapped.output
    assert (minimal / "procedures" / "ho-tich" / f"{record['ma_thu_tuc'].strip()}.yaml").is_file()


def test_existing_procedure_is_skipped_without_update(
    minimal: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    source = write(tmp_path / "ho-tich.json", hộ_tịch(real_records, 1))
    assert tthc("import", str(source), "-C", str(minimal)).exit_code == 0
    before = snapshot(minimal)
    result, report = import_json(minimal, source)
    assert result.exit_code == 1
    assert report["records"][0]["status"] == "skipped" and report["records"][0]["reason"].startswith("đã có")
    assert snapshot(minimal) == before


def test_update_changes_only_what_the_newer_record_changed_and_keeps_local_lines(
    minimal: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    record = dict(hộ_tịch(real_records, 1)[0])
    source = write(tmp_path / "ho-tich.json", record)
    _, created = import_json(minimal, source)
    file = minimal / created["records"][0]["file"]
    # The province adds its own commitment and a note of its own.
    local = file.read_text("utf-8").replace("\nsubjects:", "\n# Ghi chú của tỉnh: niêm yết tại Bộ phận Một cửa.\nsubjects:", 1)
    local = re.sub(r"(?m)^(    time: .*)$", r"\1\n    local_time: {value: 1, unit: ngày làm việc}", local, count=1)
    file.write_text(local, "utf-8")

    same, report = import_json(minimal, source, "--update")
    assert same.exit_code == 0 and report["records"][0]["status"] == "unchanged"
    assert file.read_text("utf-8") == local

    steps = record["trinh_tu_thuc_hien"]
    record["trinh_tu_thuc_hien"] = steps.rstrip() + " Kết quả được trả qua dịch vụ bưu chính nếu có yêu cầu."
    record["doi_tuong_thuc_hien"] = record["doi_tuong_thuc_hien"] + ", Người nước ngoài"
    write(source, record)
    _, planned = import_json(minimal, source, "--update", "--dry-run")
    assert file.read_text("utf-8") == local and planned["records"][0]["status"] == "updated"
    result, report = import_json(minimal, source, "--update")
    assert result.exit_code == 0
    changes = report["records"][0]["changes"]
    assert changes == planned["records"][0]["changes"]
    assert {c.split(" (")[0] for c in changes} == {"Trình tự thực hiện", "Đối tượng thực hiện"}, changes
    assert "Đối tượng thực hiện (subjects[Người nước ngoài]): thêm" in changes
    after = file.read_text("utf-8")
    assert "# Ghi chú của tỉnh: niêm yết tại Bộ phận Một cửa." in after
    assert "local_time: {value: 1, unit: ngày làm việc}" in after
    changed = [line for line in after.splitlines() if line not in local.splitlines()]
    assert len(changed) == 2 and changed[0].startswith("  - ") and changed[1].startswith("subjects:"), changed
    assert changed[0].endswith('nếu có yêu cầu."')
    text_report = tthc("import", str(source), "-C", str(minimal), "--update")
    assert "không đổi 1" in text_report.output


def test_a_record_that_cannot_be_converted_is_skipped_and_the_others_imported(
    minimal: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    good, bad = (dict(r) for r in hộ_tịch(real_records))
    bad["ma_thu_tuc"] = "ABC-1"
    source = write(tmp_path / "ho-tich.json", [good, bad])
    result = tthc("import", str(source), "-C", str(minimal))
    assert result.exit_code == 1
    assert "không đúng dạng d.dddddd" in result.output and "Tạo mới 1," in result.output
    assert (minimal / "procedures" / "ho-tich" / f"{good['ma_thu_tuc'].strip()}.yaml").is_file()


def bad_inputs(records: list[dict[str, str]], folder: Path) -> Iterator[tuple[str, Path, str]]:
    yield "not-portal", write(folder / "khac.json", [{"ten": "x"}]), "khac.json: không phải bản ghi Cổng DVC quốc gia"
    whole = json.dumps(records[:2], ensure_ascii=False, indent=1)
    cut = folder / "cut.json"
    cut.write_text(whole[: len(whole) // 2], "utf-8")
    yield "truncated", cut, "cut.json, dòng "
    no_code = [dict(records[0]), {**records[1], "ma_thu_tuc": " "}]
    yield "no-code", write(folder / "thieu-ma.json", no_code), "thieu-ma.json: bản ghi thứ 2 không có mã thủ tục"
    big = folder / "lon.json"
    with big.open("wb") as handle:  # sparse: the size is refused before a byte is read
        handle.truncate(129 * 1024 * 1024)  # past limits.max_import_bytes' default of 128 MiB
    yield "too-large", big, "lon.json: tệp 135.266.304 byte, vượt giới hạn"


def test_bad_input_names_the_file_exits_2_and_writes_nothing(
    minimal: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    before = snapshot(minimal)
    for case, source, message in bad_inputs(hộ_tịch(real_records), tmp_path):
        result = tthc("import", str(source), "-C", str(minimal))
        assert result.exit_code == 2, (case, result.output)
        assert message in result.output, (case, result.output)
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit), case
        assert snapshot(minimal) == before, case
