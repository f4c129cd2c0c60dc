"""tthc stats: figures that match a count made by hand, on a built catalogue and on the sample."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tthc.cli import main
from tthc.model import Decision, DecisionEntry, Replacement
from tthc.reading import load_catalogue
from tthc.source import folder_files
from tthc.stats import Count, Share, Stats, compute, cut_count, period, rows

EXTRA = {
    # 1.000894: two levels (one of them district), online toàn trình, by post, local time 2 of 4 days (50 %).
    "procedures/ho-tich/1.000894.yaml": """\
code: "1.000894"
name: Đăng ký kết hôn
field: ho-tich
level: [Cấp huyện, Cấp xã]
decisions: ["10/QĐ-UBND"]
steps: [Bước 1]
methods:
  - channel: trực tiếp
    time: {value: 4, unit: ngày làm việc}
    local_time: {value: 2, unit: ngày làm việc}
    fee: {free: true}
  - channel: trực tuyến
    time: {value: 4, unit: ngày làm việc}
    local_time: {value: 2, unit: ngày làm việc}
    fee: {free: true}
    online: toàn trình
  - channel: bưu chính
    time: {value: 4, unit: ngày làm việc}
    fee: {free: true}
dossier: {cases: [{items: [{name: Tờ khai}]}]}
subjects: [Công dân Việt Nam]
agencies: {performing: [ubnd-xa, so-tu-phap]}
results: [{name: Giấy chứng nhận kết hôn}]
legal_basis: [{number: 60/2014/QH13}]
""",
    # 2.000001: provincial, online một phần, local time 8 of 10 days on one channel (20 %),
    # and a local time in hours that cannot be compared with days on the other.
    "procedures/chung-thuc/2.000001.yaml": """\
code: "2.000001"
name: Chứng thực chữ ký
field: chung-thuc
level: Cấp tỉnh
decisions: ["10/QĐ-UBND"]
steps: [Bước 1]
methods:
  - channel: trực tiếp
    time: {value: 10, unit: ngày làm việc}
    local_time: {value: 8, unit: ngày làm việc}
    fee: {amount: 10000}
  - channel: trực tuyến
    time: {value: 10, unit: ngày làm việc}
    local_time: {value: 8, unit: giờ làm việc}
    fee: {amount: 10000}
    online: một phần
    online_reason: Phải ký trước mặt người thực hiện chứng thực.
dossier: {cases: [{items: [{name: Giấy tờ}]}]}
subjects: [Công dân Việt Nam]
agencies: {performing: [so-tu-phap]}
results: [{name: Văn bản được chứng thực}]
legal_basis: [{number: 23/2015/NĐ-CP}]
""",
    # 2.000002: a local time in another unit only: counted as stated, not compared.
    "procedures/chung-thuc/2.000002.yaml": """\
code: "2.000002"
name: Chứng thực bản sao
field: chung-thuc
level: [Cấp xã]
decisions: ["10/QĐ-UBND"]
steps: [Bước 1]
methods:
  - channel: trực tiếp
    time: {value: 1, unit: ngày làm việc}
    local_time: {value: 4, unit: giờ làm việc}
    fee: {amount: 2000}
dossier: {cases: [{items: [{name: Bản chính}]}]}
subjects: [Công dân Việt Nam]
agencies: {performing: [ubnd-xa]}
results: [{name: Bản sao có chứng thực}]
legal_basis: [{number: 23/2015/NĐ-CP}]
""",
}
EXTRA_SETTINGS = """\
  - id: chung-thuc
    name: Chứng thực
agencies:
  - id: so-tu-phap
    name: Sở Tư pháp tỉnh Mẫu
"""
DECISION = """\
amended:
  - code: "1.001193"
    components: [fee]
abolished:
  - code: "1.000000"
    name: Thủ tục cũ
    by: 1/2025/NĐ-CP
"""


def built(root: Path) -> Path:
    """The minimal fixture (1.001193: Cấp xã, online toàn trình, no post) plus the three above."""
    settings = root / "tthc.yaml"
    settings.write_text(settings.read_text("utf-8").replace("agencies:\n", EXTRA_SETTINGS), "utf-8")
    decision = root / "decisions" / "2025" / "10-QĐ-UBND.yaml"
    decision.write_text(decision.read_text("utf-8") + DECISION, "utf-8")
    for name, content in EXTRA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, "utf-8")
    return root


def stats_of(root: Path) -> Stats:
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    return compute(catalogue)


def test_counts_on_a_built_catalogue(minimal: Path) -> None:
    s = stats_of(built(minimal))
    assert s.procedures == 4
    # Levels: 1.001193 xã; 1.000894 huyện + xã; 2.000001 tỉnh; 2.000002 xã.
    assert s.by_level == (Count("Cấp tỉnh", "Cấp tỉnh", 1), Count("Cấp huyện", "Cấp huyện", 1), Count("Cấp xã", "Cấp xã", 3))
    assert s.several_levels == 1
    assert s.by_field == (Count("chung-thuc", "Chứng thực", 2), Count("ho-tich", "Hộ tịch", 2))
    assert s.by_agency == (Count("ubnd-xa", "Ủy ban nhân dân cấp xã", 3), Count("so-tu-phap", "Sở Tư pháp tỉnh Mẫu", 2))
    assert s.online_full == Share(2, 4) and s.online_full.percent == 50.0  # 1.001193, 1.000894
    assert s.online_partial == Share(1, 4)  # 2.000001
    assert s.online_any == Share(3, 4)
    assert s.postal == Share(1, 4) and s.postal.percent == 25.0
    # Local times: 1.000894 (50 % on both channels), 2.000001 (20 % on one; the hours one not compared),
    # 2.000002 (hours against days: stated, not compared). Average (50 + 20) / 2 = 35.
    assert s.time_cuts.with_local_time == 3
    assert s.time_cuts.compared == 2
    assert s.time_cuts.average_cut_percent == 35.0
    assert s.time_cuts.not_comparable == ("2.000002",)
    assert s.district == ("1.000894",)
    assert [(d.number, d.new, d.amended, d.replaced, d.abolished, d.total) for d in s.decisions] == [
        ("10/QĐ-UBND", 1, 1, 0, 1, 3)
    ]


def test_counts_on_the_bundled_sample_match_a_hand_count() -> None:
    """Counted once from the YAML files themselves, not with tthc: `grep -h '^level:' -r procedures |
    sort | uniq -c` gives 38 × [Cấp xã], 10 × [Cấp tỉnh], 3 × [Cấp tỉnh, Cấp xã]; `grep -l` over
    procedures/ gives 25 files with `online: toàn trình`, 18 with `online: một phần`, 33 with
    `channel: bưu chính`, 25 with `local_time`; the fields, agencies, cuts and decision groups were
    counted with a throwaway script reading each file with ruamel's safe loader (sample as committed in
    "Sample catalogue: 51 real procedures …"; update these numbers when the sample changes).
    """
    s = stats_of(SAMPLE)
    assert s.procedures == 51
    assert {c.key: c.count for c in s.by_level} == {"Cấp tỉnh": 13, "Cấp xã": 41}
    assert s.several_levels == 3
    assert {c.key: c.count for c in s.by_field} == {
        "ho-tich": 19, "chung-thuc": 9, "cu-tru": 4, "quan-tai-vien": 4, "dang-ky-bien-phap-bao-dam": 3,
        "nuoi-con-nuoi": 3, "can-cuoc": 2, "dat-dai": 2, "ho-kinh-doanh": 2, "bao-tro-xa-hoi": 1,
        "giao-duc-trung-hoc": 1, "viec-lam": 1,
    }  # fmt: skip
    assert {c.key: c.count for c in s.by_agency} == {
        "ubnd-xa": 35, "so-tu-phap": 7, "cong-an-xa": 6, "vpdkdd": 4, "cn-vpdkdd": 4,
        "to-chuc-hanh-nghe-cong-chung": 2, "truong-thpt": 1, "so-gddt": 1, "so-noi-vu": 1,
    }  # fmt: skip
    assert (s.online_full.count, s.online_partial.count, s.online_any.count, s.postal.count) == (25, 18, 43, 33)
    assert s.time_cuts.with_local_time == 25
    assert s.time_cuts.compared == 25
    assert s.time_cuts.average_cut_percent == 38.7
    assert s.district == ()
    assert [(d.number, d.new, d.amended, d.replaced, d.abolished) for d in s.decisions] == [
        ("2150/QĐ-UBND", 34, 0, 0, 0),
        ("2587/QĐ-UBND", 8, 0, 0, 0),
        ("1420/QĐ-UBND", 0, 16, 0, 2),
        ("3125/QĐ-UBND", 6, 8, 0, 0),
        ("1186/QĐ-UBND", 3, 4, 1, 1),
    ]


def test_stats_do_not_depend_on_the_order_files_were_read() -> None:
    """The same catalogue read in another order gives the same figures, in the same order."""
    catalogue, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))
    backwards = dataclasses.replace(catalogue, procedures=tuple(reversed(catalogue.procedures)))
    forward, reverse = compute(catalogue), compute(backwards)
    assert reverse.by_level == forward.by_level and reverse.by_field == forward.by_field
    assert reverse.by_agency == forward.by_agency and reverse.decisions == forward.decisions
    assert dataclasses.replace(reverse, time_cuts=forward.time_cuts) == forward
    assert sorted(reverse.time_cuts.not_comparable) == sorted(forward.time_cuts.not_comparable)


def test_to_dict_is_json_with_each_share_s_percent() -> None:
    catalogue, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))
    data = json.loads(json.dumps(compute(catalogue).to_dict(), ensure_ascii=False))
    assert data["online_full"] == {"count": 25, "total": 51, "percent": 49.0}
    assert data["postal"] == {"count": 33, "total": 51, "percent": 64.7}
    assert [(d["number"], d["total"]) for d in data["decisions"]] == [
        ("2150/QĐ-UBND", 34), ("2587/QĐ-UBND", 8), ("1420/QĐ-UBND", 18), ("3125/QĐ-UBND", 14), ("1186/QĐ-UBND", 9)
    ]  # fmt: skip  (the hand count above, summed)


def test_cli_text_is_plain_when_piped(minimal: Path) -> None:
    result = CliRunner().invoke(main, ["stats", str(built(minimal))])
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.stdout
    assert "Tổng số thủ tục: 4" in result.stdout
    assert "Trực tuyến toàn trình" in result.stdout and "50,0\u00a0%" in result.stdout
    assert "Còn ở cấp huyện (1): 1.000894" in result.stdout


def test_cli_text_is_coloured_in_a_terminal(minimal: Path) -> None:
    result = CliRunner().invoke(main, ["stats", str(minimal)], env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout


def test_cli_json_and_csv(minimal: Path) -> None:
    root = built(minimal)
    data = json.loads(CliRunner().invoke(main, ["stats", str(root), "-f", "json"]).stdout)
    assert data["procedures"] == 4
    assert data["online_full"] == {"count": 2, "total": 4, "percent": 50.0}
    assert data["time_cuts"]["average_cut_percent"] == 35.0
    assert data["decisions"][0]["total"] == 3
    table = list(csv.reader(io.StringIO(CliRunner().invoke(main, ["stats", str(root), "-f", "csv"]).stdout)))
    assert table[0] == ["muc", "ma", "ten", "gia_tri"]
    assert ["cap-huyen", "count", "Còn ở cấp huyện", "1"] in table
    assert table[1:] == [list(r) for r in rows(stats_of(root))]


def test_cli_unreadable_file_exit_1_and_no_catalogue_exit_2(minimal: Path, tmp_path: Path) -> None:
    (minimal / "procedures" / "ho-tich" / "1.000009.yaml").write_text("code: [\n", "utf-8")
    result = CliRunner().invoke(main, ["stats", str(minimal), "-f", "json"])
    assert result.exit_code == 1
    assert "không được đếm" in result.stderr
    result = CliRunner().invoke(main, ["stats", str(tmp_path / "khong-co")])
    assert result.exit_code == 2 and "Traceback" not in result.output


# --- a reporting period: the decisions signed in it ------------------------------------------

PERIODS = [
    # (from, to): [(decision, new, amended, replaced, abolished)], cut. Counted by hand from the
    # sample's decisions/: the entries under new/amended/replaced/abolished of each file, and its
    # `signed:` line (1420: 30/06/2025; 3125: 15/12/2025; 1186: signed 15/06/2026, in force 01/07/2026).
    ((dt.date(2025, 1, 1), dt.date(2025, 12, 31)), [("1420/QĐ-UBND", 0, 16, 0, 2), ("3125/QĐ-UBND", 6, 8, 0, 0)], 2),
    ((None, dt.date(2024, 12, 31)), [("2150/QĐ-UBND", 34, 0, 0, 0), ("2587/QĐ-UBND", 8, 0, 0, 0)], 0),
    ((dt.date(2026, 4, 1), dt.date(2026, 6, 30)), [("1186/QĐ-UBND", 3, 4, 1, 1)], 1),
    # 1186/QĐ-UBND takes effect on 1 July but was signed in June: the third quarter has nothing.
    ((dt.date(2026, 7, 1), dt.date(2026, 9, 30)), [], 0),
    # Both ends count: the one day 1420/QĐ-UBND was signed.
    ((dt.date(2025, 6, 30), dt.date(2025, 6, 30)), [("1420/QĐ-UBND", 0, 16, 0, 2)], 2),
]


@pytest.mark.parametrize(("span", "decisions", "cut"), PERIODS)
def test_period_on_the_sample_counts_the_decisions_signed_in_it(
    span: tuple[dt.date | None, dt.date | None], decisions: list[tuple[str, int, int, int, int]], cut: int
) -> None:
    catalogue, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))
    p = period(catalogue, *span)
    assert [(d.number, d.new, d.amended, d.replaced, d.abolished) for d in p.decisions] == decisions
    sums = [sum(d[i] for d in decisions) for i in range(1, 5)]
    assert [p.sum_of(g) for g in ("new", "amended", "replaced", "abolished")] == sums and p.total == sum(sums)
    assert p.cut == cut  # the sample merges nothing: its abolished entries


def test_cut_counts_abolished_and_merged_procedures_not_one_for_one_replacements() -> None:
    merge = Decision(
        file="decisions/2026/20-QĐ-UBND.yaml", number="20/QĐ-UBND",
        replaced=(Replacement("1.000001", "1.000009"), Replacement("1.000002", "1.000009"), Replacement("1.000003", "1.000008")),
        abolished=(DecisionEntry("1.000004"),),
    )  # fmt: skip
    later = Decision(file="decisions/2026/21-QĐ-UBND.yaml", number="21/QĐ-UBND", replaced=(Replacement("1.000005", "1.000009"),))
    # 1.000004 abolished; three procedures merged into 1.000009 (two cut); 1.000003 → 1.000008 one for one.
    assert cut_count([merge]) == 2
    assert cut_count([merge, later]) == 3


def test_cli_every_format_shows_the_period() -> None:
    args = ["stats", str(SAMPLE), "--from", "01/01/2025", "--to", "2025-12-31"]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "Trong kỳ từ 01/01/2025 đến 31/12/2025, theo ngày ký quyết định công bố" in text.stdout
    assert re.search(r"Cộng \(2 quyết định\) +\| +\| +6 \| +24 \| +0 \| +2 \| +32 \|", text.stdout)
    assert "Cắt giảm (bãi bỏ, gộp): 2 thủ tục" in text.stdout
    data = json.loads(CliRunner().invoke(main, [*args, "-f", "json"]).stdout)["period"]
    assert (data["from"], data["to"], data["by"]) == ("2025-01-01", "2025-12-31", "signed")
    assert (data["new"], data["amended"], data["replaced"], data["abolished"], data["cut"], data["total"]) == (6, 24, 0, 2, 2, 32)
    assert [d["number"] for d in data["decisions"]] == ["1420/QĐ-UBND", "3125/QĐ-UBND"] and "note" not in data
    table = list(csv.reader(io.StringIO(CliRunner().invoke(main, [*args, "-f", "csv"]).stdout)))
    period_rows = [row for row in table if row[0].startswith("ky")]
    assert period_rows[:4] == [
        ["ky", "from", "Từ ngày", "2025-01-01"], ["ky", "to", "Đến ngày", "2025-12-31"],
        ["ky", "by", "Tính", "theo ngày ký quyết định công bố"], ["ky", "decisions", "Số quyết định công bố", "2"],
    ]  # fmt: skip
    assert ["ky", "cut", "Cắt giảm (bãi bỏ, gộp)", "2"] in period_rows
    assert ["ky-quyet-dinh", "1420/QĐ-UBND", "1420/QĐ-UBND", "2025-06-30"] in period_rows


def test_cli_a_period_without_decisions_says_so_in_every_format() -> None:
    args = ["stats", str(SAMPLE), "--from", "2026-07-01", "--to", "2026-09-30"]
    text = CliRunner().invoke(main, args).stdout
    assert "Trong kỳ từ 01/07/2026 đến 30/09/2026" in text and "Không có quyết định công bố nào ký trong kỳ." in text
    data = json.loads(CliRunner().invoke(main, [*args, "-f", "json"]).stdout)["period"]
    assert data["decisions"] == [] and data["total"] == 0 and data["note"] == "Không có quyết định công bố nào ký trong kỳ."
    table = list(csv.reader(io.StringIO(CliRunner().invoke(main, [*args, "-f", "csv"]).stdout)))
    assert ["ky", "note", "Ghi chú", "Không có quyết định công bố nào ký trong kỳ."] in table


def test_cli_without_a_period_has_no_period() -> None:
    data = json.loads(CliRunner().invoke(main, ["stats", str(SAMPLE), "-f", "json"]).stdout)
    assert "period" not in data
    assert "Trong kỳ" not in CliRunner().invoke(main, ["stats", str(SAMPLE)]).stdout


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--from", "2026-02-30"], "--from “2026-02-30” không phải ngày hợp lệ (ghi 2025-07-01 hoặc 01/07/2025)."),
        (["--to", "quý 1"], "--to “quý 1” không phải ngày hợp lệ"),
        (["--from", "2026-03-01", "--to", "31/01/2026"], "ngày --to (31/01/2026) trước ngày --from (01/03/2026)."),
    ],
)
def test_cli_bad_period_exit_2_with_a_vietnamese_message(options: list[str], says: str) -> None:
    result = CliRunner().invoke(main, ["stats", str(SAMPLE), *options])
    assert result.exit_code == 2, result.output
    assert says in result.stderr and result.stdout == "" and "Traceback" not in result.output
