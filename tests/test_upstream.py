"""tthc upstream: the bundled sample against the 300 real portal records and the Bộ Tư pháp complete list.

The real data is read in place from shared/data (never copied here); tests
that need it are skipped when it is absent. The differences pinned below
were checked by reading both sides: the sample's file and the record's
``cach_thuc_thuc_hien`` / ``so_quyet_dinh`` text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import SAMPLE, SHARED_DATA
from tthc.cli import main
from tthc.model import Catalogue, Limits
from tthc.reading import load_catalogue
from tthc.source import folder_files
from tthc.upstream import Item, UpstreamReport, compare
from tthc.upstream_sources import SourceError, check_fields, read_sources

DATA = SHARED_DATA / "real-procedures"
RECORDS = DATA / "records.json"
LIST = DATA / "procedure-list-bo-tu-phap.json"
TODAY = dt.date(2026, 12, 7)

needs_data = pytest.mark.skipif(not RECORDS.is_file() or not LIST.is_file(), reason="shared/data is not beside this checkout")


def tthc(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def catalogue_at(root: Path) -> Catalogue:
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    return catalogue


def run(root: Path, *paths: Path, today: dt.date = TODAY) -> UpstreamReport:
    catalogue = catalogue_at(root)
    return compare(catalogue, read_sources(list(paths), catalogue.settings.limits), today=today)


def item(report: UpstreamReport, code: str) -> Item:
    return next(i for i in (*report.items, *report.unchanged) if i.code == code)


@pytest.fixture(scope="module")
def with_records() -> UpstreamReport:
    if not RECORDS.is_file():
        pytest.skip("shared/data is not beside this checkout")
    return run(SAMPLE, RECORDS)


@pytest.fixture(scope="module")
def with_both() -> UpstreamReport:
    if not RECORDS.is_file() or not LIST.is_file():
        pytest.skip("shared/data is not beside this checkout")
    return run(SAMPLE, RECORDS, LIST)


# --------------------------------------------------------------------------
# The comparison on real data
# --------------------------------------------------------------------------


@needs_data
def test_every_shared_code_is_compared_component_by_component(with_records: UpstreamReport) -> None:
    records = json.loads(RECORDS.read_text("utf-8"))
    shared = {r["ma_thu_tuc"] for r in records} & set(catalogue_at(SAMPLE).by_code())
    assert len(shared) == 25
    compared = {i.code for i in with_records.group("amend")} | {i.code for i in with_records.unchanged}
    assert compared == shared
    for each in with_records.group("amend"):
        assert each.province is not None and each.national is not None
        assert each.announced_by and all("/QĐ-" in n for n in each.announced_by)


@needs_data
def test_real_differences_are_reported_as_the_record_gives_them(with_records: UpstreamReport) -> None:
    # 1.012784: "Trực tiếp22 Ngày làm việc" in the record; the sample writes 12.
    land = item(with_records, "1.012784")
    time = [c for c in land.changes if c.path == "methods[trực tiếp].time"]
    assert [(c.old, c.new) for c in time] == [({"value": 12, "unit": "ngày làm việc"}, {"value": 22, "unit": "ngày làm việc"})]
    # 1.003197: the record has one row, "Trực tuyến5 Ngày làm việc…": no in-person channel any more.
    removed = [c for c in item(with_records, "1.003197").changes if c.path == "methods[trực tiếp]"]
    assert [c.kind for c in removed] == ["removed"]
    # 1.014063: the record adds "Dịch vụ bưu chính".
    assert "added" in [c.kind for c in item(with_records, "1.014063").changes if c.path == "methods[bưu chính]"]
    # Decisions named as the record names them, the ministry read from the number.
    assert land.announced_by == ("2304/QĐ-BNNMT",) and land.ministry == "Bộ Nông nghiệp và Môi trường"


@needs_data
def test_a_fee_other_than_the_fixed_national_amount_is_an_error_not_a_difference(with_records: UpstreamReport) -> None:
    # 1.002681: "800,000 Việt Nam Đồng(/hồ sơ)" on every channel; the sample charges 500.000 đồng.
    trustee = item(with_records, "1.002681")
    assert sorted(p.path for p in trustee.problems) == [
        "methods[bưu chính].fee", "methods[trực tiếp].fee", "methods[trực tuyến].fee",
    ]  # fmt: skip
    assert all("500.000 đồng" in p.message and "800.000 đồng" in p.message for p in trustee.problems)
    assert not [c for c in trustee.changes if c.component == "fee"]
    # 1.004194: 10.000 đồng in person (sample 15.000 đồng) is an error; 7.000 đồng online agrees.
    residence = item(with_records, "1.004194")
    assert [p.path for p in residence.problems] == ["methods[trực tiếp].fee"]


@needs_data
def test_a_fee_the_provincial_council_sets_is_the_provinces_own(with_records: UpstreamReport) -> None:
    # 1.001612: "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định": 50.000 / 100.000 đồng are the province's.
    business = item(with_records, "1.001612")
    assert not business.problems
    assert not [c for c in business.changes if c.component == "fee"]


@needs_data
def test_quirks_of_portal_text_are_not_differences(with_records: UpstreamReport) -> None:
    for each in with_records.group("amend"):
        paths = [c.path for c in each.changes]
        # "Thủ tục đăng ký khai tử" is the portal's way of writing "Đăng ký khai tử".
        assert "name" not in paths or not each.name.startswith("Đăng ký")
        # Province-only keys: the committed time, online service, forms' text, notes.
        assert not [p for p in paths if p.endswith((".local_time", ".online", ".url", ".note", ".form"))]
        assert not [c for c in each.changes if c.editorial]
    # "Cán bộ, công chức, viên chức" split at every comma by the portal is the same subject.
    assert not [c for c in item(with_records, "1.003197").changes if c.component == "subjects"]


@needs_data
def test_what_the_record_does_not_give_is_not_compared_rather_than_removed(with_records: UpstreamReport) -> None:
    death = item(with_records, "1.000656")
    gaps = {g.path: g.reason for g in death.not_compared}
    # "Không có thông tin" for requirements; "Trực tuyến1Miễn phí": a time without a unit.
    assert "requirements" in gaps and "methods[trực tiếp].time" in gaps
    assert not [c for c in death.changes if c.component in ("requirements", "time")]
    for each in with_records.group("amend"):
        for change in each.changes:
            assert not any(change.path == g.path or change.path.startswith(g.path + ".") for g in each.not_compared)


@needs_data
def test_with_records_alone_nothing_is_to_abolish_and_missing_ones_are_not_in_source(with_records: UpstreamReport) -> None:
    assert not with_records.group("abolish")
    missing = {i.code for i in with_records.group("not_in_source")}
    assert {"1.000419", "3.000181", "1.014201"} <= missing
    assert [i.code for i in with_records.group("local")] == ["TAM-2026-01"]


@needs_data
def test_adopt_is_national_procedures_of_the_samples_fields_and_levels(with_both: UpstreamReport) -> None:
    catalogue = catalogue_at(SAMPLE)
    ours = set(catalogue.settings.levels)
    fields = {f.name for f in catalogue.settings.fields.values()}
    records = {r["ma_thu_tuc"]: r for r in json.loads(RECORDS.read_text("utf-8"))}
    listed = {r["Mã số"].strip(): r for r in json.loads(LIST.read_text("utf-8"))}
    adopt = with_both.group("adopt")
    assert adopt and not {i.code for i in adopt} & set(catalogue.by_code())
    for each in adopt:
        assert catalogue.settings.fields[each.field].name in fields
        if each.code in records:
            levels = {x.strip() for x in records[each.code]["cap_thuc_hien"].split(",")}
            assert levels & ours, each.code
        else:
            assert listed[each.code]["Lĩnh vực"].strip() in fields
            assert each.national is None
    codes = {i.code for i in adopt}
    # From records: "Cấp tỉnh" land and identity-card procedures; from the list: e.g. 3.000323 (Ủy ban nhân dân cấp xã).
    assert {"1.012805", "1.014060", "3.000323", "1.004845"} <= codes
    # Outside the scope: another ministry's field the sample lacks (Luật sư), or a ministry-level one (Cục …).
    assert not [i for i in adopt if "Luật sư" in i.name]
    assert "1.012544" in codes  # "(thực hiện tại cấp tỉnh)"
    for each in with_both.items:
        assert each.group != "adopt" or catalogue.settings.fields.get(each.field) is not None


@needs_data
def test_each_source_says_what_it_covered(with_both: UpstreamReport) -> None:
    records, ministry = with_both.scopes
    assert records.kind == "records" and records.procedures == 300
    assert ministry.kind == "list" and ministry.ministries == ("Bộ Tư pháp",) and ministry.procedures == 271
    assert "Hộ tịch" in ministry.fields and "Luật sư" in ministry.other_fields and "Hộ tịch" not in ministry.other_fields
    assert ministry.levels == ("Cấp tỉnh", "Cấp xã")
    # A list row with no performing agency and no record: its level is unknown, so it is not adopted.
    assert "1.004772" in ministry.unknown_level
    assert "1.004772" not in {i.code for i in with_both.items}
    assert "1.000419" not in ministry.unknown_level  # the sample has it: nothing to decide


@needs_data
def test_a_complete_list_makes_a_missing_procedure_to_abolish(sample: Path) -> None:
    extra = (sample / "procedures" / "ho-tich" / "1.000419.yaml").read_text("utf-8")
    (sample / "procedures" / "ho-tich" / "1.999998.yaml").write_text(extra.replace("1.000419", "1.999998"), "utf-8")
    report = run(sample, RECORDS)
    assert "1.999998" in {i.code for i in report.group("not_in_source")}
    report = run(sample, RECORDS, LIST)
    abolish = report.group("abolish")
    assert [i.code for i in abolish] == ["1.999998"] and abolish[0].ministry == "Bộ Tư pháp"
    assert report.actionable


@needs_data
def test_skipped_procedures_are_listed_apart_with_their_reason(sample: Path) -> None:
    settings = sample / "tthc.yaml"
    settings.write_text(
        settings.read_text("utf-8")
        + "\nupstream:\n  skip:\n    - code: \"1.012805\"\n      reason: Tỉnh chưa có tranh chấp đất đai cấp tỉnh\n",
        "utf-8",
    )
    assert tthc("validate", str(sample)).exit_code == 0
    report = run(sample, RECORDS)
    skipped = report.group("skipped")
    assert [(i.code, i.reason) for i in skipped] == [("1.012805", "Tỉnh chưa có tranh chấp đất đai cấp tỉnh")]
    assert "1.012805" not in {i.code for i in report.group("adopt")}


@needs_data
def test_a_decision_source_gives_deadlines_and_the_overdue_come_first(tmp_path: Path) -> None:
    late = tmp_path / "2304-QĐ-BNNMT.yaml"
    late.write_text('number: "2304/QĐ-BNNMT"\ntitle: Công bố\nissuer: Bộ trưởng\nsigned: "2025-06-01"\n'
                    'effective: "2025-07-01"\n', "utf-8")  # fmt: skip
    soon = tmp_path / "5710.yaml"
    soon.write_text('number: "5710/QĐ-BCA-C06"\neffective: "2026-12-17"\n', "utf-8")
    report = run(SAMPLE, RECORDS, late, soon)
    assert report.dates_from == (str(late), str(soon))
    first = report.items[0]
    assert first.effective == dt.date(2025, 7, 1) and first.days_left is not None and first.days_left < 0
    card = item(report, "1.014060")
    assert (card.effective, card.days_left) == (dt.date(2026, 12, 17), 10)
    overdue = [i for i in report.items if i.days_left is not None and i.days_left < 0]
    assert list(report.items[: len(overdue)]) == overdue


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


def test_the_xlsx_list_is_read_under_its_title_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["DANH SÁCH THỦ TỤC HÀNH CHÍNH"])
    sheet.append([])
    sheet.append(["STT", "Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append([1, "1.004845", "Thủ tục đăng ký chấm dứt giám hộ", "Bộ Tư pháp", "Ủy ban nhân dân cấp xã", "Hộ tịch"])
    sheet.append([2, "1.014966", "Cấp lại chứng chỉ", "Bộ Tư pháp", "Chủ tịch ủy ban nhân dân cấp tỉnh\nSở Tư Pháp",
                  "Quản tài viên "])  # fmt: skip
    sheet.append([3, "1.005461", "Không rõ cấp", "Bộ Tư pháp", None, "Hộ tịch"])
    path = tmp_path / "danh-sach.xlsx"
    workbook.save(path)
    (source,) = read_sources([path], Limits())
    assert source.kind == "list"
    assert [(e.code, e.levels, e.field) for e in source.entries] == [
        ("1.004845", ("Cấp xã",), "Hộ tịch"), ("1.014966", ("Cấp tỉnh",), "Quản tài viên"), ("1.005461", (), "Hộ tịch"),
    ]  # fmt: skip
    report = compare(catalogue_at(SAMPLE), [source], today=TODAY)
    assert [i.code for i in report.group("adopt")] == ["1.004845"]
    assert report.scopes[0].unknown_level == ("1.005461",)


def test_a_folder_of_record_files_is_one_source(tmp_path: Path, real_records: list[dict[str, str]]) -> None:
    folder = tmp_path / "bo-tu-phap"
    folder.mkdir()
    for record in real_records[239:245]:
        (folder / f"{record['ma_thu_tuc']}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (source,) = read_sources([folder], Limits())
    assert source.kind == "records" and len(source.records) == 6


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.json", "", "tệp rỗng"),
        ("nothing.json", "[]", "không có bản ghi"),
        ("other.json", '[{"a": "b"}]', "không phải bản ghi Cổng DVC quốc gia"),
        ("broken.json", '[{"ma_thu_tuc": ', "JSON hỏng"),
        ("deep.json", "[" * 200 + "]" * 200, "lồng quá sâu"),
        ("latin1.json", "\xe9", "không phải UTF-8"),
        ("list.csv", "Mã số,Tên\n", "không phải tệp .json, .xlsx hay .yaml"),
        ("fake.xlsx", "not a zip", ".xlsx"),
        ("bad-code.json", '[{"Mã số": "12", "Tên": "x", "Lĩnh vực": "Hộ tịch"}]', "không đúng dạng"),
        ("twice.json", '[{"Mã số": "1.000001", "Tên": "a", "Lĩnh vực": "Hộ tịch"},'
                       '{"Mã số": "1.000001", "Tên": "a", "Lĩnh vực": "Hộ tịch"}]', "đã có ở dòng 1"),
        ("decision.yaml", "number: 1/QĐ-BTP\n", "effective"),
    ],
)  # fmt: skip
def test_bad_sources_are_refused_naming_the_file_and_the_fix(tmp_path: Path, name: str, content: str, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1") if name.startswith("latin1") else content.encode("utf-8"))
    with pytest.raises(SourceError) as error:
        read_sources([path], Limits())
    assert name in str(error.value) and says in str(error.value)
    result = tthc("upstream", str(path), "-C", str(SAMPLE))
    assert result.exit_code == 2 and name in result.output and "Traceback" not in result.output


def test_too_large_and_too_many_are_refused_within_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"Mã số": f"1.{i:06d}", "Tên": "x", "Lĩnh vực": "Hộ tịch"} for i in range(30)]), "utf-8")
    with pytest.raises(SourceError, match="max_import_rows"):
        read_sources([path], Limits(max_import_rows=10))
    with pytest.raises(SourceError, match="max_import_bytes"):
        read_sources([path], Limits(max_import_bytes=100))


def test_a_list_of_another_ministry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bo-khac.json"
    path.write_text(json.dumps([{"Mã số": "1.000001", "Tên": "Cấp phép bay", "Cơ quan ban hành": "Bộ Xây dựng",
                                 "Cơ quan thực hiện": "Cục Hàng không Việt Nam", "Lĩnh vực": "Hàng không"}],
                               ensure_ascii=False), "utf-8")  # fmt: skip
    catalogue = catalogue_at(SAMPLE)
    with pytest.raises(SourceError, match="Bộ Xây dựng không có lĩnh vực nào"):
        check_fields(read_sources([path], Limits()), catalogue.settings)
    result = tthc("upstream", str(path), "-C", str(SAMPLE))
    assert result.exit_code == 2 and "bo-khac.json" in result.output
    assert tthc("upstream", "-C", str(SAMPLE)).exit_code == 2


# --------------------------------------------------------------------------
# The command and its formats
# --------------------------------------------------------------------------


@needs_data
def test_text_is_grouped_and_plain_when_piped() -> None:
    result = tthc("upstream", str(RECORDS), str(LIST), "-C", str(SAMPLE), "--today", "2026-12-07")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "\x1b[" not in out
    order = [out.index(h) for h in ("CHƯA CÔNG BỐ (CẦN CÔNG BỐ MỚI)", "CẦN SỬA ĐỔI, BỔ SUNG", "CHỈ CÓ Ở TỈNH")]
    assert order == sorted(order)
    assert "Thời hạn giải quyết (methods[trực tiếp].time): sửa: 12 ngày làm việc → 22 ngày làm việc" in out
    assert "Tóm tắt:" in out and "danh sách thủ tục đầy đủ của Bộ" in out


@needs_data
def test_exit_code_is_one_only_when_something_is_to_do() -> None:
    assert tthc("upstream", str(RECORDS), "-C", str(SAMPLE), "--exit-code").exit_code == 1
    assert tthc("upstream", str(RECORDS), "-C", str(SAMPLE)).exit_code == 0


def test_exit_code_is_zero_when_the_catalogue_matches(tmp_path: Path, minimal: Path) -> None:
    catalogue = catalogue_at(minimal)
    proc = catalogue.procedures[0]
    record = {"ma_thu_tuc": proc.code, "ten_thu_tuc": proc.name, "cach_thuc_thuc_hien": "",
              "thanh_phan_ho_so": "", "trinh_tu_thuc_hien": "", "linh_vuc": catalogue.settings.fields[proc.field].name,
              "cap_thuc_hien": ", ".join(proc.levels), "so_quyet_dinh": "1/QĐ-BTP"}  # fmt: skip
    path = tmp_path / "one.json"
    path.write_text(json.dumps([record], ensure_ascii=False), "utf-8")
    result = tthc("upstream", str(path), "-C", str(minimal), "--exit-code", "-f", "json")
    data = json.loads(result.output)
    assert data["summary"]["amend"] == 0 and data["unchanged"] == [proc.code], result.output
    assert result.exit_code == 0 and data["actionable"] is False


@needs_data
def test_json_follows_the_documented_contract() -> None:
    result = tthc("upstream", str(RECORDS), str(LIST), "-C", str(SAMPLE), "-f", "json", "--today", "2026-12-07")
    data: dict[str, Any] = json.loads(result.output)
    assert set(data) == {"version", "as_of", "actionable", "sources", "dates_from", "summary", "items", "unchanged"}
    assert data["as_of"] == "2026-12-07" and data["actionable"] is True and data["version"] == 1
    assert set(data["summary"]) == {"adopt", "amend", "abolish", "local", "skipped", "not_in_source", "unchanged"}
    assert set(data["sources"][0]) == {"source", "kind", "ministries", "fields", "levels", "procedures", "compared",
                                       "unknown_level", "other_fields", "unreadable"}  # fmt: skip
    land = next(i for i in data["items"] if i["code"] == "1.012784")
    assert set(land) == {"group", "code", "name", "field", "ministry", "announced_by", "effective", "days_left", "reason",
                         "file", "sources", "changes", "problems", "not_compared"}  # fmt: skip
    assert land["file"] == "procedures/dat-dai/1.012784.yaml"
    time = next(c for c in land["changes"] if c["path"] == "methods[trực tiếp].time")
    assert time == {"component": "time", "label": "Thời hạn giải quyết", "path": "methods[trực tiếp].time",
                    "kind": "changed", "old": {"value": 12, "unit": "ngày làm việc"},
                    "new": {"value": 22, "unit": "ngày làm việc"}}  # fmt: skip
    assert sum(data["summary"][g] for g in ("adopt", "amend", "abolish", "local", "skipped", "not_in_source")) == len(data["items"])


@needs_data
def test_markdown_is_escaped_and_folds_the_differences() -> None:
    result = tthc("upstream", str(RECORDS), "-C", str(SAMPLE), "-f", "markdown")
    out = result.output
    assert out.startswith("### tthc upstream")
    assert "| `1.012784` | Tách thửa hoặc hợp thửa đất |" in out
    assert "<details><summary>`1.012784`" in out
    assert "<script" not in out


@needs_data
def test_xlsx_is_written_atomically_with_cells_that_are_never_formulas(tmp_path: Path, sample: Path) -> None:
    from openpyxl import load_workbook

    proc = sample / "procedures" / "ho-tich" / "1.001193.yaml"
    proc.write_text(proc.read_text("utf-8").replace("name: Đăng ký khai sinh\n", 'name: "=HYPERLINK(\\"x\\")"\n'), "utf-8")
    assert tthc("upstream", str(RECORDS), "-C", str(sample), "-f", "xlsx").exit_code == 2  # needs --output
    out = tmp_path / "doi-chieu.xlsx"
    result = tthc("upstream", str(RECORDS), "-C", str(sample), "-f", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(io.BytesIO(out.read_bytes()))
    sheet = workbook["Đối chiếu"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["STT", "Nhóm", "Mã số TTHC", "Tên thủ tục"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    formula = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)
    assert "Nguồn" in workbook.sheetnames
    assert not list(tmp_path.glob(".*tmp*"))


def test_draft_decision_needs_the_draft_module_wired_lazily() -> None:
    source = (Path(__file__).parents[1] / "tthc" / "cli" / "upstream_cmd.py").read_text("utf-8")
    assert "from tthc.draft_decision import plan_draft, write_draft" in source
    assert "apply=apply_flag" in source


def test_the_skip_key_is_in_the_schema(sample: Path) -> None:
    settings = sample / "tthc.yaml"
    settings.write_text(settings.read_text("utf-8") + "\nupstream:\n  skip:\n    - code: \"1.012805\"\n", "utf-8")
    result = tthc("validate", str(sample))
    assert result.exit_code == 1 and "reason" in result.output


def test_a_refused_source_writes_nothing(sample: Path) -> None:
    before = {p: p.read_bytes() for p in sample.rglob("*") if p.is_file()}
    tthc("upstream", str(sample / "nothing.json"), "-C", str(sample))
    assert before == {p: p.read_bytes() for p in sample.rglob("*") if p.is_file()}
