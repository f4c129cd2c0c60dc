"""The catalogue on a date (issue 20): decisions not yet in force are pending.

Unit tests of :func:`tthc.timeline.on_date` on records built in memory, then
the scenario of the issue on a copy of the sample catalogue: a decision
signed in November 2026 that takes effect on 1 January 2027 raises a fee
(the file keeps the fee in force under ``previous:``), abolishes a
procedure and announces a new one; validate, build, export, stats and diff
on dates before and after it each give the catalogue of that day.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tthc import timeline, wording
from tthc.cli import main
from tthc.model import PREVIOUS_COMPONENTS, Catalogue, Pending, Settings
from tthc.records import build_decision, build_procedure

SAMPLE = Path(__file__).parents[1] / "catalogue"

OLD_METHODS = [{"channel": "trực tiếp", "time": {"value": 1, "unit": "ngày làm việc"}, "fee": {"amount": 5000}}]
NEW_METHODS = [{"channel": "trực tiếp", "time": {"value": 1, "unit": "ngày làm việc"}, "fee": {"amount": 8000}}]


def _procedure(code: str, **data: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Thủ tục {code}", "field": "ho-tich", "level": ["Cấp xã"], **data}


def _catalogue(as_of: str, procedures: list[dict[str, Any]], decisions: list[dict[str, Any]]) -> Catalogue:
    return Catalogue(
        root="x",
        settings=Settings(as_of=dt.date.fromisoformat(as_of)),
        procedures=tuple(build_procedure(f"procedures/ho-tich/{p['code']}.yaml", p) for p in procedures),
        decisions=tuple(build_decision(f"decisions/{i}.yaml", d) for i, d in enumerate(decisions)),
    )


ANNOUNCED = {"number": "1/QĐ-UBND", "signed": "2025-01-01", "new": [{"code": "1.000001"}, {"code": "1.000002"}]}


def _amending(number: str, effective: str, code: str = "1.000001", components: tuple[str, ...] = ("fee",)) -> dict[str, Any]:
    return {"number": number, "signed": "2026-11-20", "effective": effective,
            "amended": [{"code": code, "components": list(components)}]}  # fmt: skip


# --------------------------------------------------------------------------
# When a decision is in force
# --------------------------------------------------------------------------


def test_a_decision_is_in_force_from_its_effective_date_else_its_signing_date() -> None:
    day = dt.date(2026, 12, 31)
    assert not timeline.in_force(build_decision("d", {"signed": "2026-11-20", "effective": "2027-01-01"}), day)
    assert timeline.in_force(build_decision("d", {"signed": "2026-11-20", "effective": "2026-12-31"}), day)
    assert not timeline.in_force(build_decision("d", {"signed": "2027-01-01"}), day)
    assert timeline.in_force(build_decision("d", {}), day)  # undated: nothing says it is not
    assert not timeline.in_force(build_decision("d", {"signed": "2020-01-01", "draft": True}), day)


def test_the_catalogue_date_is_the_option_then_tthc_yaml_then_today() -> None:
    settings = Settings(as_of=dt.date(2026, 11, 1))
    assert timeline.catalogue_date(settings, dt.date(2027, 1, 1)) == dt.date(2027, 1, 1)
    assert timeline.catalogue_date(settings) == dt.date(2026, 11, 1)
    assert timeline.catalogue_date(Settings()) == dt.date.today()


# --------------------------------------------------------------------------
# on_date
# --------------------------------------------------------------------------


def test_nothing_pending_gives_the_same_catalogue() -> None:
    catalogue = _catalogue("2026-11-01", [_procedure("1.000001"), _procedure("1.000002")], [ANNOUNCED])
    assert timeline.on_date(catalogue) is catalogue
    assert timeline.on_date(catalogue, dt.date(2026, 11, 1)) is catalogue


def test_a_pending_amendment_puts_back_what_previous_keeps() -> None:
    amended = _procedure(
        "1.000001", methods=NEW_METHODS, previous=[{"decision": "2/QĐ-UBND", "methods": OLD_METHODS}]
    )
    catalogue = _catalogue("2026-11-01", [amended, _procedure("1.000002")], [ANNOUNCED, _amending("2/QĐ-UBND", "2027-01-01")])

    before = timeline.on_date(catalogue)
    proc = before.by_code()["1.000001"]
    fee = proc.methods[0].fee
    assert fee is not None and fee.amount == 5000
    assert "previous" not in proc.data and proc.previous == ()  # what is in force has nothing left to keep
    assert proc.data["methods"] == OLD_METHODS  # the export's nested JSON reads the data
    [notice] = before.pending
    assert (notice.kind, notice.code, notice.decision, notice.effective) == ("amended", "1.000001", "2/QĐ-UBND", dt.date(2027, 1, 1))
    assert notice.after is not None and notice.after.methods[0].fee is not None
    assert notice.after.methods[0].fee.amount == 8000

    after = timeline.on_date(catalogue, dt.date(2027, 1, 1))
    new_fee = after.by_code()["1.000001"].methods[0].fee
    assert new_fee is not None and new_fee.amount == 8000 and after.pending == ()
    assert after.settings.as_of == dt.date(2027, 1, 1)


def test_two_pending_amendments_are_undone_newest_first() -> None:
    third = [{"channel": "trực tiếp", "time": {"value": 1, "unit": "ngày làm việc"}, "fee": {"amount": 9000}}]
    proc = _procedure("1.000001", methods=third, previous=[
        {"decision": "2/QĐ-UBND", "methods": OLD_METHODS},
        {"decision": "3/QĐ-UBND", "methods": NEW_METHODS},
    ])  # fmt: skip
    decisions = [ANNOUNCED, _amending("2/QĐ-UBND", "2027-01-01"), _amending("3/QĐ-UBND", "2027-07-01")]
    catalogue = _catalogue("2026-11-01", [proc, _procedure("1.000002")], decisions)

    def fee_on(day: str) -> float | None:
        fee = timeline.on_date(catalogue, dt.date.fromisoformat(day)).by_code()["1.000001"].methods[0].fee
        assert fee is not None
        return fee.amount

    assert [fee_on(d) for d in ("2026-11-01", "2027-03-01", "2027-07-01")] == [5000, 8000, 9000]
    pending = timeline.on_date(catalogue).pending
    assert [(p.decision, p.after.methods[0].fee.amount if p.after and p.after.methods[0].fee else None) for p in pending] == [
        ("2/QĐ-UBND", 8000), ("3/QĐ-UBND", 9000)
    ]  # fmt: skip


def test_new_abolished_and_replaced_by_a_pending_decision() -> None:
    pending = {
        "number": "2/QĐ-UBND", "signed": "2026-11-20", "effective": "2027-01-01",
        "new": [{"code": "1.000003"}],
        "abolished": [{"code": "1.000002"}],
        "replaced": [{"old": "1.000001", "new": "1.000004"}],
    }  # fmt: skip
    procedures = [_procedure(c) for c in ("1.000001", "1.000002", "1.000003", "1.000004")]
    catalogue = _catalogue("2026-11-01", procedures, [ANNOUNCED, pending])

    before = timeline.on_date(catalogue)
    assert sorted(before.by_code()) == ["1.000001", "1.000002"]
    kinds = {(p.kind, p.code) for p in before.pending}
    assert kinds == {("new", "1.000003"), ("new", "1.000004"), ("abolished", "1.000002"), ("replaced", "1.000001")}
    assert next(p for p in before.pending if p.kind == "replaced").successor == "1.000004"

    after = timeline.on_date(catalogue, dt.date(2027, 1, 1))  # the files of what is gone are still there that day
    assert sorted(after.by_code()) == ["1.000003", "1.000004"] and after.pending == ()


def test_a_draft_is_never_in_force_and_its_changes_are_not_public() -> None:
    draft = {"number": "DU-THAO-20261207", "draft": True, "new": [{"code": "1.000003"}]}
    catalogue = _catalogue("2030-01-01", [_procedure("1.000001"), _procedure("1.000002"), _procedure("1.000003")],
                           [ANNOUNCED, draft])  # fmt: skip
    dated = timeline.on_date(catalogue)
    assert "1.000003" not in dated.by_code()
    assert [(p.kind, p.effective) for p in dated.pending] == [("new", None)]


def test_previous_keeps_only_components_the_schema_allows() -> None:
    """The schema and the model name the same keys; anything else in a broken file is never put back."""
    schema = json.loads((Path(timeline.__file__).parent / "schemas" / "procedure.schema.json").read_text("utf-8"))
    assert list(schema["properties"]["previous"]["items"]["properties"]) == ["decision", *PREVIOUS_COMPONENTS]
    proc = _procedure("1.000001", previous=[{"decision": "2/QĐ-UBND", "code": "9.999999", "name": "Tên cũ"}])
    catalogue = _catalogue("2026-11-01", [proc, _procedure("1.000002")], [ANNOUNCED, _amending("2/QĐ-UBND", "2027-01-01")])
    assert next((p.code, p.name) for p in timeline.on_date(catalogue).procedures) == ("1.000001", "Tên cũ")


def test_the_notices_wording() -> None:
    day = dt.date(2027, 1, 1)
    assert wording.pending_text(Pending("abolished", "1.000002", "2/QĐ-UBND", day)) == (
        "Thủ tục này bãi bỏ từ ngày 01/01/2027, theo Quyết định số 2/QĐ-UBND."
    )
    assert wording.pending_text(Pending("amended", "1.000001", "2/QĐ-UBND", day, ("fee", "steps")), fee="8.000 đồng") == (
        "Từ ngày 01/01/2027, theo Quyết định số 2/QĐ-UBND: áp dụng mức phí, lệ phí mới: 8.000 đồng;"
        " sửa đổi trình tự thực hiện."
    )
    assert wording.pending_text(Pending("replaced", "1.000001", "2/QĐ-UBND", day, successor="1.000004")) == (
        "Thủ tục này được thay thế bằng thủ tục 1.000004 từ ngày 01/01/2027, theo Quyết định số 2/QĐ-UBND."
    )


# --------------------------------------------------------------------------
# The scenario of the issue, on a copy of the sample catalogue
# --------------------------------------------------------------------------

FEE_OLD = """    fee:
      amount: 2000
      note: 2.000 đồng/trang; từ trang thứ ba trở lên thu 1.000 đồng/trang, tối đa không quá 200.000 đồng/bản. Trang tính theo trang của bản chính.
"""
FEE_NEW = """    fee:
      amount: 3000
      note: 3.000 đồng/trang; từ trang thứ ba trở lên thu 1.500 đồng/trang, tối đa không quá 200.000 đồng/bản. Trang tính theo trang của bản chính.
"""
DECISION = """number: "1500/QĐ-UBND"
title: Về việc công bố Danh mục thủ tục hành chính mới ban hành, được sửa đổi, bổ sung và bị bãi bỏ trong lĩnh vực hộ tịch, chứng thực
issuer: Chủ tịch Ủy ban nhân dân tỉnh Quảng Trị
signed: "2026-11-20"
effective: "2027-01-01"
new:
  - code: "TAM-2027-01"
    name: Đăng ký khai sinh cho trẻ em sinh tại cơ sở y tế
amended:
  - code: "2.000815"
    by: 999/2026/TT-BTC
    components: [fee]
abolished:
  - code: "2.000913"
    name: Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch
    by: 999/2026/NĐ-CP
"""
AMENDED = "procedures/chung-thuc/2.000815.yaml"
ABOLISHED = "procedures/chung-thuc/2.000913.yaml"
NEW = "procedures/ho-tich/TAM-2027-01.yaml"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """The sample (as_of 2026-11-01) with decision 1500/QĐ-UBND entered: signed 20/11/2026, in force 01/01/2027."""
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    (root / "decisions" / "2026" / "1500-QĐ-UBND.yaml").write_text(DECISION, "utf-8")
    amended = (root / AMENDED).read_text("utf-8")
    old_methods = amended[amended.index("methods:\n") : amended.index("\ndossier:")]
    assert FEE_OLD in old_methods
    amended = amended.replace(FEE_OLD, FEE_NEW).replace('"1420/QĐ-UBND"]', '"1420/QĐ-UBND", "1500/QĐ-UBND"]')
    kept = old_methods.replace("methods:\n", "").replace("\n  ", "\n      ").replace("  - ", "    - ", 1)
    previous = (
        "previous:  # nội dung còn áp dụng cho đến khi quyết định có hiệu lực\n"
        f'  - decision: "1500/QĐ-UBND"\n    methods:\n  {kept}\n'
    )
    (root / AMENDED).write_text(amended.rstrip("\n") + "\n\n" + previous, "utf-8")
    new = (root / "procedures" / "ho-tich" / "1.001193.yaml").read_text("utf-8")
    new = new.replace('code: "1.001193"', 'code: "TAM-2027-01"', 1)
    new = new.replace("\nname: Đăng ký khai sinh\n", "\nname: Đăng ký khai sinh cho trẻ em sinh tại cơ sở y tế\n", 1)
    lines = [line if not line.startswith("decisions:") else 'decisions: ["1500/QĐ-UBND"]' for line in new.splitlines()]
    (root / NEW).write_text("\n".join(lines) + "\n", "utf-8")
    return root


def test_the_scenario_files_are_in_canonical_form(scenario: Path) -> None:
    """What the README tells staff to write is what ``tthc fmt`` keeps: ``previous`` last, as the schema orders it."""
    assert _run("fmt", "--check", scenario).exit_code == 0


def _run(*args: str | Path) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def _export(root: Path, *options: str) -> dict[str, Any]:
    result = _run("export", root, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return {p["code"]: p for p in json.loads(result.stdout)["procedures"]}


def _stats(root: Path, *options: str) -> dict[str, Any]:
    result = _run("stats", root, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_validate_before_and_after_the_decision(scenario: Path) -> None:
    assert _run("validate", scenario).exit_code == 0  # tthc.yaml: as_of 2026-11-01
    assert _run("validate", scenario, "--as-of", "2026-12-31").exit_code == 0
    on_the_day = _run("validate", scenario, "--as-of", "2027-01-01")
    assert on_the_day.exit_code == 1  # the abolished procedure's file must go that day
    assert "decision-abolished-present" in on_the_day.output and ABOLISHED in on_the_day.output
    (scenario / ABOLISHED).unlink()
    assert _run("validate", scenario, "--as-of", "01/01/2027").exit_code == 0


def test_validate_reports_future_content_with_nothing_kept(scenario: Path) -> None:
    text = (scenario / AMENDED).read_text("utf-8")
    (scenario / AMENDED).write_text(text[: text.index("\nprevious:")] + "\n", "utf-8")
    result = _run("validate", scenario)
    assert result.exit_code == 1
    assert "pending-amendment-not-kept" in result.output and "2.000815" in result.output
    assert _run("validate", scenario, "--as-of", "2027-01-01").exit_code == 1  # only the abolished file, now
    assert "pending-amendment-not-kept" not in _run("validate", scenario, "--as-of", "2027-01-01").output


def test_export_and_stats_on_either_side_of_the_date(scenario: Path) -> None:
    before = _export(scenario)
    assert before["2.000815"]["methods"][0]["fee"]["amount"] == 2000
    assert "2.000913" in before and "TAM-2027-01" not in before
    after = _export(scenario, "--as-of", "2027-01-01")
    assert after["2.000815"]["methods"][0]["fee"]["amount"] == 3000
    assert "2.000913" not in after and "TAM-2027-01" in after
    assert len(before) == len(after) == 51

    def fields(stats: dict[str, Any]) -> dict[str, int]:
        return {c["key"]: c["count"] for c in stats["by_field"]}

    s_before, s_after = _stats(scenario), _stats(scenario, "--as-of", "2027-01-01")
    assert s_before["as_of"] == "2026-11-01" and s_after["as_of"] == "2027-01-01"
    assert fields(s_after)["chung-thuc"] == fields(s_before)["chung-thuc"] - 1
    assert fields(s_after)["ho-tich"] == fields(s_before)["ho-tich"] + 1
    csv = _run("export", scenario, "--format", "csv").stdout
    assert "TAM-2027-01" not in csv and "2.000913" in csv


def _page(folder: Path, code: str) -> str:
    return (folder / "thu-tuc" / f"{code}.html").read_text("utf-8")


def test_build_shows_the_pending_change_and_never_as_in_force(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = _run("build", scenario, "--out", out, "--no-qr")
    assert result.exit_code == 0, result.output
    notice = "Từ ngày 01/01/2027, theo Quyết định số 1500/QĐ-UBND: áp dụng mức phí, lệ phí mới: 3.000 đồng."
    for folder in (out / "site", out / "sheets"):
        page = _page(folder, "2.000815")
        assert notice in page and "2.000 đồng" in page
        assert "Thủ tục này bãi bỏ từ ngày 01/01/2027, theo Quyết định số 1500/QĐ-UBND." in _page(folder, "2.000913")
        assert not (folder / "thu-tuc" / "TAM-2027-01.html").exists()
        assert notice not in _page(folder, "1.001193")
    index = (out / "site" / "index.html").read_text("utf-8")
    listing, upcoming = index.split('id="sap-ap-dung"')
    assert "TAM-2027-01" not in listing  # neither in the table nor in the search data above the section
    assert "Thủ tục sắp áp dụng" in upcoming and "TAM-2027-01" in upcoming
    assert "Áp dụng từ ngày 01/01/2027, theo Quyết định số 1500/QĐ-UBND." in upcoming
    assert "áp dụng từ ngày 01/11/2026" in index
    decision = next((out / "site" / "quyet-dinh").glob("1500*.html")).read_text("utf-8")
    assert "Quyết định chưa có hiệu lực" in decision

    (scenario / ABOLISHED).unlink()  # on the day, the abolished procedure's file goes
    result = _run("build", scenario, "--out", out, "--no-qr", "--as-of", "2027-01-01")
    assert result.exit_code == 0, result.output
    page = _page(out / "site", "2.000815")
    assert "3.000 đồng" in page and "Thay đổi sắp áp dụng" not in page
    index = (out / "site" / "index.html").read_text("utf-8")
    assert "TAM-2027-01" in index and 'id="sap-ap-dung"' not in index
    assert "áp dụng từ ngày 01/01/2027" in index
    assert (out / "site" / "thu-tuc" / "TAM-2027-01.html").exists()


def test_diff_between_two_dates_is_what_took_effect(scenario: Path) -> None:
    result = _run("diff", "2026-12-31", "2027-01-01", "--catalogue", scenario, "--format", "json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)
    assert [p["code"] for p in changes["new"]] == ["TAM-2027-01"]
    assert [p["code"] for p in changes["abolished"]] == ["2.000913"]
    assert [p["code"] for p in changes["amended"]] == ["2.000815"]
    assert _run("diff", "2026-02-30", "2027-01-01", "--catalogue", scenario).exit_code == 2
    # Both dates read the same files: no decision is added between them to announce anything.
    assert _run("diff", "2026-12-31", "2027-01-01", "--catalogue", scenario, "--require-decisions").exit_code == 2


def test_a_sheet_exported_while_an_amendment_is_pending_never_overwrites_it(scenario: Path, tmp_path: Path) -> None:
    """The export shows the fee in force; the file holds next year's. Imported back, neither side is lost."""
    from tests.test_import_update import edit_cell, export_xlsx, snapshot

    before = snapshot(scenario)
    sheet = export_xlsx(scenario, tmp_path / "xuat.xlsx")
    result = _run("import", sheet, "--update", "-C", scenario)
    assert result.exit_code == 0, result.output
    assert snapshot(scenario) == before

    old = edit_cell(sheet, "2.000815", "Phí, lệ phí", "")
    assert old.startswith("2.000 đồng")  # the fee in force, not next year's
    edit_cell(sheet, "2.000815", "Phí, lệ phí", old.replace("2.000 đồng", "2.500 đồng", 1))
    result = _run("import", sheet, "--update", "-C", scenario)
    assert result.exit_code == 1
    assert "quyết định 1500/QĐ-UBND chưa có hiệu lực" in " ".join(result.output.split())
    assert snapshot(scenario) == before


def test_a_sheet_exported_on_the_effective_date_updates_the_file(scenario: Path, tmp_path: Path) -> None:
    """Exported as the catalogue will be, the sheet speaks of the file's content: an edited name reaches it."""
    from tests.test_import_update import edit_cell, snapshot

    before = snapshot(scenario)
    sheet = tmp_path / "2027.xlsx"
    assert _run("export", scenario, "--as-of", "2027-01-01", "-f", "xlsx", "-o", sheet).exit_code == 0
    assert edit_cell(sheet, "2.000815", "Phí, lệ phí", "").startswith("3.000 đồng")
    result = _run("import", sheet, "--update", "-C", scenario)
    assert result.exit_code == 0, result.output
    assert snapshot(scenario) == before
    edit_cell(sheet, "2.000815", "Tên thủ tục", "Chứng thực bản sao từ bản chính giấy tờ, văn bản (sửa)")
    result = _run("import", sheet, "--update", "-C", scenario)
    assert result.exit_code == 0, result.output
    text = (scenario / AMENDED).read_text("utf-8")
    assert "(sửa)" in text and FEE_NEW in text and "amount: 2000" in text  # the new name; both fees kept
