"""Issue 23, point 3, end to end: `tthc upstream records.json list.json --draft-decision --apply`.

A ministry changes a fee in a national record (Đăng ký thường trú, 20,000 →
25,000 đồng in person) and its complete list of Chứng thực procedures no
longer has one the province keeps (2.001008). The command writes the draft
decision and the national content; the catalogue then validates with no
error and the pull request passes `tthc diff --require-decisions` against
the revision before it.

The list is the Ministry of Justice's real list (shared/data), cut to the
Chứng thực procedures the sample catalogue has, so that it says nothing the
sample cannot answer; each row names the ministry's decision that abolishes
what is missing from it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import SHARED_DATA
from tests.test_draft_decision import AMENDED, committed_sample, errors, fee_raised, load, record_of
from tthc.cli import main
from tthc.draft_decision import plan_draft, write_draft

DROPPED = "2.001008"
"""Chứng thực chữ ký người dịch …: in the sample, no longer in the ministry's list."""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_sample(tmp_path / "repo")


def sources(repo: Path, real_records: list[dict[str, str]]) -> tuple[Path, Path]:
    listed = json.loads((SHARED_DATA / "real-procedures" / "procedure-list-bo-tu-phap.json").read_text("utf-8"))
    kept = {p.stem for p in (repo / "catalogue" / "procedures" / "chung-thuc").glob("*.yaml")} - {DROPPED}
    rows = [{**row, "Số quyết định công bố": "1217/QĐ-BTP"} for row in listed if row["Mã số"] in kept]
    assert {row["Mã số"] for row in rows} == kept
    records = repo / "records.json"
    records.write_text(json.dumps([fee_raised(record_of(real_records, AMENDED))], ensure_ascii=False), "utf-8")
    ministry = repo / "list.json"
    ministry.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    return records, ministry


def check_result(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo / "catalogue"
    [draft_file] = sorted((root / "decisions").glob("*/DU-THAO-*.yaml"))
    decision = yaml.safe_load(draft_file.read_text("utf-8"))
    assert decision["draft"] is True and "signed" not in decision
    [amended] = decision["amended"]
    assert amended["code"] == AMENDED and "fee" in amended["components"]
    assert [e["code"] for e in decision["abolished"]] == [DROPPED]
    assert (root / "procedures" / "chung-thuc" / f"{DROPPED}.yaml").is_file()
    assert errors(root) == []
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "HEAD", "--require-decisions"])
    assert result.exit_code == 0, result.output


def test_upstream_draft_decision_apply_through_the_command_line(
    repo: Path, real_records: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    records, ministry = sources(repo, real_records)
    monkeypatch.chdir(repo)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    result = CliRunner().invoke(main, ["upstream", records.name, ministry.name, "--draft-decision", "--apply"])
    assert result.exit_code == 0, result.output
    assert "DU-THAO-" in result.output
    records.unlink()
    ministry.unlink()
    check_result(repo, monkeypatch)


def test_upstream_library_calls_give_the_same_draft(
    repo: Path, real_records: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tthc import upstream, upstream_sources

    records, ministry = sources(repo, real_records)
    root = repo / "catalogue"
    catalogue = load(root)
    read = upstream_sources.read_sources([records, ministry], catalogue.settings.limits)
    report = upstream.compare(catalogue, read, today=dt.date(2026, 12, 7))
    records.unlink()
    ministry.unlink()
    assert {i.code for i in report.group("amend")} == {AMENDED}
    assert {i.code for i in report.group("abolish")} == {DROPPED}
    write_draft(root, plan_draft(root, catalogue, report, today=dt.date(2026, 12, 7)), apply=True)
    check_result(repo, monkeypatch)
