"""`tthc upstream --draft-decision` and `--apply`: the draft decision and the catalogue files, from an UpstreamReport.

The reports are built here from real national-portal records (shared/data),
as `tthc upstream` builds them, so that these tests do not depend on the
comparison; tests/test_upstream_scenario.py runs the same scenario through
the command line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tests.test_gitsource import git
from tthc import portal, schema
from tthc.atomic import LinkOnWritePath
from tthc.catalogue_view import catalogue_view
from tthc.cli import main
from tthc.draft_decision import Draft, plan_draft, write_draft
from tthc.findings import Severity
from tthc.model import Catalogue
from tthc.portal_import import import_records
from tthc.reading import load_catalogue
from tthc.record_diff import compare_procedures
from tthc.records import build_procedure
from tthc.source import folder_files
from tthc.timeline import on_date
from tthc.upstream import Group, Item, Scope, UpstreamReport
from tthc.validate import validate

TODAY = dt.date(2026, 12, 7)
DRAFT = "DU-THAO-20261207"
DRAFT_FILE = f"decisions/2026/{DRAFT}.yaml"
AMENDED = "1.004222"
"""Đăng ký thường trú: in the sample, and a real record whose merge leaves a valid file."""
ABOLISHED = "1.004873"
ADOPTED = "1.013995"
"""A real record of a field the sample declares (Đất đai) for a procedure the sample lacks."""

def committed_sample(repo: Path) -> Path:
    """The sample catalogue committed in a new repository: the revision before the pull request."""
    shutil.copytree(SAMPLE, repo / "catalogue")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Danh mục trước khi cập nhật theo Bộ")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_sample(tmp_path / "repo")


def load(root: Path) -> Catalogue:
    return load_catalogue(str(root), folder_files(root))[0]


def record_of(records: list[dict[str, str]], code: str) -> dict[str, str]:
    return dict(next(r for r in records if r["ma_thu_tuc"] == code))


def fee_raised(record: dict[str, str]) -> dict[str, str]:
    """The record as the ministry changes it: the in-person fee from 20,000 to 25,000 đồng."""
    channels = record["cach_thuc_thuc_hien"]
    assert channels.count("20,000 Việt Nam Đồng") == 1
    return {**record, "cach_thuc_thuc_hien": channels.replace("20,000 Việt Nam Đồng", "25,000 Việt Nam Đồng")}


def item(group: Group, catalogue: Catalogue, code: str, record: dict[str, str] | None = None, **extra: Any) -> Item:
    """An item as `tthc upstream` reports it: the national record as a procedure, in the province's field."""
    province = catalogue.by_code().get(code)
    national = None
    if record is not None:
        national = build_procedure("", portal.to_procedure(record).data)
        national = dataclasses.replace(national, field=province.field if province else extra.get("field", ""))
    changes = tuple(compare_procedures(province, national)) if province and national else ()
    name = national.name if national else province.name if province else ""
    return Item(group, code, name, province=province, national=national, changes=changes, record=record, **extra)


def report(*items: Item) -> UpstreamReport:
    scopes = (
        Scope("records.json", "records", ("Bộ Công an",), ("Đăng ký, quản lý cư trú",), ("Cấp xã",), 1, 1),
        Scope("bo-tu-phap.json", "list", ("Bộ Tư pháp",), ("Hộ tịch",), ("Cấp xã",), 1, 1),
    )
    return UpstreamReport(TODAY, scopes, items)


def scenario(catalogue: Catalogue, records: list[dict[str, str]]) -> UpstreamReport:
    """A national record whose fee changed, and a procedure a ministry's list no longer has."""
    return report(
        item("amend", catalogue, AMENDED, fee_raised(record_of(records, AMENDED)), announced_by=("1523/QĐ-BCA-C06",)),
        item("abolish", catalogue, ABOLISHED, announced_by=("1217/QĐ-BTP",)),
    )


def errors(root: Path) -> list[str]:
    return [f"{f.rule} {f.file}:{f.line}: {f.message}" for f in validate(root).findings if f.severity is Severity.ERROR]


def diff_cli(repo: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(repo)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def test_scenario_fee_change_and_abolition_validate_and_pass_require_decisions(
    repo: Path, real_records: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    before = (root / "procedures/cu-tru/1.004222.yaml").read_text("utf-8")
    draft = plan_draft(root, catalogue, scenario(catalogue, real_records), today=TODAY)
    result = write_draft(root, draft, apply=True)

    assert result.written == (DRAFT_FILE, "procedures/cu-tru/1.004222.yaml")
    decision = yaml.safe_load((root / DRAFT_FILE).read_text("utf-8"))
    assert decision["number"] == DRAFT and decision["draft"] is True
    assert "signed" not in decision and "effective" not in decision
    assert decision["issuer"] == "Chủ tịch Ủy ban nhân dân tỉnh Quảng Trị"
    [amended] = decision["amended"]
    assert amended["code"] == AMENDED and amended["by"] == "1523/QĐ-BCA-C06"
    assert "fee" in amended["components"] and "methods" in amended["components"]
    assert decision["abolished"] == [
        {"code": ABOLISHED, "name": "Cấp Giấy xác nhận tình trạng hôn nhân", "by": "1217/QĐ-BTP"}
    ]
    assert "new" not in decision

    # The file holds the national content, cites the draft, and keeps what is in force under previous.
    after = yaml.safe_load((root / "procedures/cu-tru/1.004222.yaml").read_text("utf-8"))
    fees = {m["channel"]: m["fee"].get("amount") for m in after["methods"]}
    assert fees["trực tiếp"] == 25000
    assert after["decisions"][-1] == DRAFT and "1523/QĐ-BCA-C06" not in after["decisions"]
    assert after["agencies"]["performing"] == ["cong-an-xa"]  # the province's agency, not the record's name
    [previous] = after["previous"]
    assert previous["decision"] == DRAFT
    assert previous["methods"] == yaml.safe_load(before)["methods"]
    assert {m["channel"]: m["fee"]["amount"] for m in previous["methods"]}["trực tiếp"] == 20000
    assert set(previous) - {"decision"} <= set(amended["components"]) | {"level"}
    # Abolished: kept until the signed decision takes effect.
    assert (root / "procedures/ho-tich/1.004873.yaml").read_text("utf-8") == (SAMPLE / "procedures/ho-tich/1.004873.yaml").read_text("utf-8")

    assert errors(root) == []
    warnings = [f for f in validate(root).findings if f.rule == "decision-draft"]
    assert [(f.file, f.severity) for f in warnings] == [(DRAFT_FILE, Severity.WARNING)]
    code, out = diff_cli(repo, "HEAD", "--require-decisions", monkeypatch=monkeypatch)
    assert code == 0, out
    code, annex = diff_cli(repo, "HEAD", "-f", "annex", monkeypatch=monkeypatch)
    assert code == 0 and AMENDED in annex and "1523/QĐ-BCA-C06" in annex
    # The annex lists what the draft abolishes though its file stays, and leaves the number to be given.
    assert ABOLISHED in annex and "1217/QĐ-BTP" in annex and "BỊ BÃI BỎ" in annex
    assert DRAFT not in annex and "Quyết định số        /QĐ-UBND" in annex
    # The notice board: the fee in force until the decision is signed and takes effect, and no draft in sight.
    in_force = on_date(load(root), None)
    fee = in_force.by_code()[AMENDED].method("trực tiếp")
    assert fee is not None and fee.fee is not None and fee.fee.amount == 20000
    assert ABOLISHED in in_force.by_code()
    assert DRAFT not in json.dumps(catalogue_view(in_force), ensure_ascii=False, default=str)

    # The check can fail: the same change without the draft is unannounced.
    (root / DRAFT_FILE).unlink()
    code, out = diff_cli(repo, "HEAD", "--require-decisions", monkeypatch=monkeypatch)
    assert code == 1 and "chưa được công bố: thêm mã 1.004222 vào mục “amended”" in out


def test_notes_say_what_to_fill_in(repo: Path, real_records: list[dict[str, str]]) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    result = write_draft(root, plan_draft(root, catalogue, scenario(catalogue, real_records), today=TODAY), apply=True)
    notes = "\n".join(result.notes)
    for words in ("ngày ký (signed)", "ngày có hiệu lực (effective)", f"thay {DRAFT}", "xóa dòng draft: true", "previous"):
        assert words in notes
    assert f"Thủ tục {ABOLISHED} (tệp procedures/ho-tich/1.004873.yaml) bị bãi bỏ" in notes
    text = (root / DRAFT_FILE).read_text("utf-8")
    assert text.startswith("# DỰ THẢO quyết định công bố")


def test_draft_alone_writes_only_the_decision(repo: Path, real_records: list[dict[str, str]]) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    draft = plan_draft(root, catalogue, scenario(catalogue, real_records), today=TODAY)
    result = write_draft(root, draft, apply=False)
    assert result.written == (DRAFT_FILE,)
    assert git(repo, "status", "--porcelain").splitlines() == [f"?? catalogue/{DRAFT_FILE}"]
    assert any("--apply" in note for note in result.notes)
    assert (root / DRAFT_FILE).read_text("utf-8") == draft.text
    # The procedure files are not yet changed, so their decisions do not cite the draft: warnings, no error.
    assert errors(root) == []


def test_the_draft_is_canonical_and_valid_on_its_own(repo: Path, real_records: list[dict[str, str]]) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    draft = plan_draft(root, catalogue, scenario(catalogue, real_records), today=TODAY)
    from tthc.fmt import format_text

    assert format_text(draft.text, "decision") == draft.text
    assert schema.check(DRAFT_FILE, "decision", yaml.safe_load(draft.text)) == []


def test_a_taken_number_gets_a_suffix(repo: Path, real_records: list[dict[str, str]]) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    first = write_draft(root, plan_draft(root, catalogue, scenario(catalogue, real_records), today=TODAY), apply=False)
    second = plan_draft(root, load(root), scenario(catalogue, real_records), today=TODAY)
    assert first.written == (DRAFT_FILE,)
    assert second.number == f"{DRAFT}-2" and second.path == root / f"decisions/2026/{DRAFT}-2.yaml"
    assert yaml.safe_load(second.text)["number"] == f"{DRAFT}-2"


def test_adopted_procedure_is_written_as_import_writes_it_and_cites_the_draft(
    repo: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    adopt = item("adopt", catalogue, ADOPTED, record_of(real_records, ADOPTED), field="dat-dai", announced_by=("3380/QĐ-BNNMT",))
    result = write_draft(root, plan_draft(root, catalogue, report(adopt), today=TODAY), apply=True)
    path = f"procedures/dat-dai/{ADOPTED}.yaml"
    assert result.written == (DRAFT_FILE, path)
    text = (root / path).read_text("utf-8")
    data = yaml.safe_load(text)
    assert data["decisions"] == [DRAFT]
    assert f"bằng `tthc upstream --apply`, theo dự thảo {DRAFT}" in text
    # The rest is what `tthc import` writes of the record.
    other = tmp_path / "imported"
    shutil.copytree(SAMPLE, other)
    import_records(other, load(other), [record_of(real_records, ADOPTED)], "records.json")
    imported = yaml.safe_load((other / path).read_text("utf-8"))
    assert {**imported, "decisions": [DRAFT]} == data
    decision = yaml.safe_load((root / DRAFT_FILE).read_text("utf-8"))
    assert decision["new"] == [{"code": ADOPTED, "name": data["name"], "by": "3380/QĐ-BNNMT"}]
    # Announced by the draft and citing it: what is left is what the record leaves to fill in.
    announcing = {"procedure-not-announced", "decision-unknown", "decision-not-cited", "decision-code-missing"}
    assert not [e for e in errors(root) if e.split()[0] in announcing]


def test_local_and_skipped_procedures_are_not_announced(repo: Path, real_records: list[dict[str, str]]) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    items = [
        *scenario(catalogue, real_records).items,
        item("local", catalogue, "1.000656"),
        item("skipped", catalogue, "1.000894", reason="tthc.yaml: không theo dõi"),
        item("not_in_source", catalogue, "2.000815"),
    ]
    draft = plan_draft(root, catalogue, report(*items), today=TODAY)
    assert "1.004222" in draft.text and "1.000656" not in draft.text
    assert "1.000894" not in draft.text and "2.000815" not in draft.text


def test_nothing_to_announce_writes_nothing(repo: Path) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    draft = plan_draft(root, catalogue, report(item("local", catalogue, "1.000656")), today=TODAY)
    assert draft.text == "" and draft.writes == ()
    result = write_draft(root, draft, apply=True)
    assert result.written == () and "không lập dự thảo" in result.notes[-1]
    assert git(repo, "status", "--porcelain") == ""


def test_national_entry_into_force_and_missing_ministry_decision(repo: Path) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    abolished = item("abolish", catalogue, ABOLISHED, announced_by=("1217/QĐ-BTP",), effective=dt.date(2027, 1, 1))
    unknown = item("abolish", catalogue, "1.000656")
    draft: Draft = plan_draft(root, catalogue, report(abolished, unknown), today=TODAY)
    entries = {e["code"]: e for e in yaml.safe_load(draft.text)["abolished"]}
    assert entries[ABOLISHED]["by_effective"] == "2027-01-01"
    assert "by" not in entries["1.000656"] and "by_effective" not in entries["1.000656"]
    assert any("1.000656" in note and "“by”" in note for note in draft.notes)


def test_a_link_on_any_path_stops_before_the_first_write(
    repo: Path, real_records: list[dict[str, str]], tmp_path: Path
) -> None:
    root = repo / "catalogue"
    catalogue = load(root)
    draft = plan_draft(root, catalogue, scenario(catalogue, real_records), today=TODAY)
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = root / "procedures/cu-tru"
    shutil.move(folder, outside / "cu-tru")
    folder.symlink_to(outside / "cu-tru")
    before = (outside / "cu-tru/1.004222.yaml").read_bytes()
    with pytest.raises(LinkOnWritePath):
        write_draft(root, draft, apply=True)
    assert not (root / DRAFT_FILE).exists()
    assert (outside / "cu-tru/1.004222.yaml").read_bytes() == before
