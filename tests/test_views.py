"""The view layer: order, grouping, names, links and QR payloads, checked without any HTML."""

from __future__ import annotations

from typing import Any

import pytest

from tthc import links, text
from tthc.catalogue_view import catalogue_view, posting_lists
from tthc.model import (
    Catalogue,
)
from tthc.output_names import file_name, unique_names
from tthc.procedure_view import email_link, field_name, link, procedure_view, short_link
from tthc.records import build_decision, build_procedure, build_settings
from tthc.selection import FilterError, Filters, select
from tthc.stats_chart import bar_width
from tthc.text import fold

SETTINGS: dict[str, Any] = {
    "authority": {"name": "Ủy ban nhân dân tỉnh Mẫu"},
    "as_of": "2026-01-01",
    "levels": ["Cấp tỉnh", "Cấp xã"],
    "fields": [
        {"id": "ho-tich", "name": "Hộ tịch"},
        {"id": "chung-thuc", "name": "Chứng thực"},
        {"id": "dat-dai", "name": "Đất đai"},
        {"id": "bao-tro", "name": "Bảo trợ xã hội"},
    ],
    "agencies": [
        {"id": "ubnd-xa", "name": "Ủy ban nhân dân cấp xã", "address": "Bộ phận Một cửa xã"},
        {"id": "so-tu-phap", "name": "Sở Tư pháp", "email": "stp@example.vn", "website": "https://stp.example.vn"},
    ],
    "feedback": {
        "agency": "Văn phòng UBND tỉnh",
        "address": "Số 1, phường Trung tâm",
        "phone": "0200 000 000",
        "email": "kiemsoat@example.vn",
        "website": "https://example.vn",
    },
}


def proc(code: str, name: str, field: str = "ho-tich", level: Any = ("Cấp xã",), **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": name,
        "field": field,
        "level": list(level),
        "decisions": ["10/QĐ-UBND"],
        "steps": ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."],
        "methods": [
            {"channel": "trực tiếp", "time": {"value": 5, "unit": "ngày làm việc"}, "fee": {"free": True}},
        ],
        "dossier": {"sets": 1, "cases": [{"items": [{"name": "Tờ khai", "originals": 1}]}]},
        "subjects": ["Công dân Việt Nam"],
        "agencies": {"performing": ["ubnd-xa"]},
        "results": [{"name": "Giấy chứng nhận"}],
        "legal_basis": [{"number": "60/2014/QH13", "type": "Luật", "date": "2014-11-20", "title": "Luật Hộ tịch"}],
    }
    data.update(extra)
    return data


def catalogue(*procedures: dict[str, Any], settings: dict[str, Any] | None = None, decisions: Any = ()) -> Catalogue:
    return Catalogue(
        root="",
        settings=build_settings("tthc.yaml", settings if settings is not None else SETTINGS),
        procedures=tuple(build_procedure(f"procedures/{p['field']}/{p['code']}.yaml", p) for p in procedures),
        decisions=tuple(build_decision(f"decisions/{i}.yaml", d) for i, d in enumerate(decisions)),
    )


ONLINE_FULL = {
    "channel": "trực tuyến",
    "time": {"value": 3, "unit": "ngày làm việc"},
    "local_time": {"value": 1.5, "unit": "ngày làm việc"},
    "fee": {"amount": 8000},
    "online": "toàn trình",
    "url": "https://dichvucong.gov.vn/nop?ma=1",
}
POSTAL = {"channel": "bưu chính", "time": {"unit": "trong ngày"}, "fee": {"amount": 25, "currency": "USD"}}

_CLAUSE = "tổ chức, cá nhân khấu trừ nộp thay cho nhà thầu, nhà thầu phụ nước ngoài; "
LONG_NAME = ("Đăng ký thuế để cấp mã số thuế nộp thay đối với " + _CLAUSE * 9)[:614].rstrip(" ;,") + " riêng"
"""A 619-character name, as long as the national record's longest (1.008494 has 619)."""

PLACES = proc(
    "2.000815",
    LONG_NAME,
    field="chung-thuc",
    methods=[
        {"channel": "trực tiếp", "place": "Ủy ban nhân dân cấp xã", "time": {"value": 5},
         "fee": {"amount": 2000, "unit": "/trang"}},
        {"channel": "trực tiếp", "place": "Cơ quan đại diện Việt Nam ở nước ngoài", "time": {},
         "fee": {"amount": 10, "currency": "USD", "unit": "/bản"}},
        {"channel": "trực tuyến", "time": {"value": 1, "unit": "ngày làm việc"},
         "fee": {"amount": 50000, "unit": "/tờ khai"}, "online": "một phần"},
    ],
    agencies={"performing": ["ubnd-xa"], "address": "Bộ phận Một cửa, số 2 đường Trần Phú"},
)  # fmt: skip
"""One channel at two places (as 2.000815 is), fees with a unit, a time without unit, an empty time, the receiving address."""

MIXED = catalogue(
    proc("1.000003", "Đăng ký khai sinh"),
    proc("1.000001", "Chứng thực chữ ký", field="chung-thuc"),
    proc("1.000002", "Cấp bản sao trích lục hộ tịch"),
    proc("1.000004", "Xác nhận tình trạng hôn nhân"),
    proc("1.000005", "Đăng ký đất đai lần đầu", field="dat-dai", level=["Cấp tỉnh"],
         agencies={"performing": ["so-tu-phap"]}),
    proc("1.000006", "Ân giảm", field="bao-tro", level=["Cấp tỉnh", "Cấp xã"]),
)  # fmt: skip


# --------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        "http://example.vn",
        "HTTPS://EXAMPLE.VN/a",
        "https://xn--ng-kha.vn/đăng-ký",
        "mailto:kiemsoat@example.vn",
    ],
)
def test_safe_url_keeps_web_and_mail_links(url: str) -> None:
    assert links.safe_url(url) == url
    assert links.safe_url(f"  {url}  ") == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "/relative/page.html",
        "https:evil.example",
        "https:\\\\evil.example",
        "https://exa mple.vn",
        "mailto:javascript:alert(1)",
        "mailto:",
        "",
        "https://[::1",
    ],
)
def test_safe_url_refuses_everything_else(url: str) -> None:
    assert links.safe_url(url) is None


def test_safe_url_refuses_non_text() -> None:
    assert links.safe_url(None) is None
    assert links.safe_url(42) is None


def test_unsafe_link_keeps_its_text_without_href() -> None:
    assert link("javascript:alert(1)", "javascript:alert(1)") == {"text": "javascript:alert(1)", "href": None}
    assert short_link("https://dichvucong.gov.vn/a/b?c=d") == {
        "text": "dichvucong.gov.vn",
        "href": "https://dichvucong.gov.vn/a/b?c=d",
    }
    assert short_link("javascript:alert(1)")["href"] is None


def test_email_links() -> None:
    assert email_link("a@b.vn") == {"text": "a@b.vn", "href": "mailto:a@b.vn"}
    assert email_link("not an email")["href"] is None  # type: ignore[index]
    assert email_link('"><script>@x.vn')["href"] is None  # type: ignore[index]
    assert email_link("") is None


# --------------------------------------------------------------------------
# Names and numbers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("1.001193", "1.001193"),
        ("2.000884.000.00.00.H55", "2.000884.000.00.00.H55"),
        ("TAM-12", "TAM-12"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b", "a-b"),
        ("..", "khong-ma"),
        (".hidden", "hidden"),
        ("1..2", "1-2"),
        ("", "khong-ma"),
        ("C:\\Windows", "c-windows"),
    ],
)
def test_file_name_never_leaves_its_folder(code: str, name: str) -> None:
    assert file_name(code) == name


def test_unique_names() -> None:
    assert unique_names(["a", "b", "a", "A", "a"]) == ["a", "b", "a-2", "A-3", "a-4"]


# --------------------------------------------------------------------------
# One procedure
# --------------------------------------------------------------------------


def test_online_status_postal_and_qr_target() -> None:
    cat = catalogue(
        proc("1.000001", "Toàn trình", methods=[proc("x", "x")["methods"][0], ONLINE_FULL, POSTAL]),
        proc("1.000002", "Một phần", methods=[{**ONLINE_FULL, "online": "một phần", "url": "javascript:alert(1)"}]),
        proc("1.000003", "Không trực tuyến"),
    )
    full, part, none = (procedure_view(p, cat) for p in cat.procedures)
    assert (full["online"], full["online_label"], full["postal"]) == ("toan-trinh", "Toàn trình", True)
    assert (part["online"], part["postal"]) == ("mot-phan", False)
    assert (none["online"], none["online_label"]) == ("khong", "Không")
    assert full["qr"]["payload"] == "https://dichvucong.gov.vn/nop?ma=1"
    # A javascript: service URL is never a QR payload: the portal page is used instead.
    assert part["qr"]["payload"].startswith("https://dichvucong.gov.vn/")
    assert part["qr"]["payload"].endswith("ma_thu_tuc=1.000002")
    assert part["methods"][0]["url"] == {"text": "javascript:alert(1)", "href": None}


def test_no_qr_when_the_portal_template_is_unsafe() -> None:
    cat = catalogue(proc("1.000001", "A"), settings={**SETTINGS, "portal_url": "javascript:alert('{code}')"})
    assert procedure_view(cat.procedures[0], cat)["qr"] is None


def test_procedure_view_resolves_names_and_summaries() -> None:
    cat = catalogue(
        proc(
            "1.000001",
            "Đăng ký",
            methods=[proc("x", "x")["methods"][0], {**ONLINE_FULL, "fee": {"free": True}}, POSTAL],
            agencies={"performing": ["ubnd-xa", "khong-co"], "coordinating": ["so-tu-phap"]},
            dossier={"cases": [{"case": "Nộp", "items": [{"name": "Tờ khai", "form": "Mẫu TK1", "copies": 2}]}]},
        ),
        # validate refuses such a link (link-unsafe); the view must still not make it one
        settings={**SETTINGS, "agencies": [SETTINGS["agencies"][0], {**SETTINGS["agencies"][1], "website": "javascript:alert(1)"}]},
    )
    view = procedure_view(cat.procedures[0], cat)
    assert view["field"] == {"id": "ho-tich", "name": "Hộ tịch"}
    assert view["performing"] == ["Ủy ban nhân dân cấp xã", "khong-co"]  # an unknown id stays visible
    assert [g["label"] for g in view["agencies"]] == ["Cơ quan trực tiếp thực hiện", "Cơ quan phối hợp"]
    assert view["agencies"][1]["agencies"][0]["website"] == {"text": "javascript:alert(1)", "href": None}
    assert view["methods"][1]["local_time"] == "1,5 ngày làm việc"
    assert view["time_short"] == "Trực tiếp: 5 ngày làm việc; Trực tuyến: 3 ngày làm việc (cam kết 1,5 ngày làm việc); Bưu chính: Trong ngày"
    assert view["fee_short"] == "Trực tiếp, Trực tuyến: Miễn phí; Bưu chính: 25 USD"
    assert [line["channels"] for line in view["fee_summary"]] == ["Trực tiếp, Trực tuyến", "Dịch vụ bưu chính công ích"]
    item = view["dossier"]["cases"][0]["documents"][0]
    assert (item["originals"], item["copies"], item["form_label"]) == (0, 2, "")
    assert view["path"] == "thu-tuc/1.000001.html"
    assert "dang ky" in view["search"] and "1.000001" in view["search"] and "ho tich" in view["search"]


def test_one_channel_at_two_places_with_fee_units_and_a_time_without_unit() -> None:
    cat = catalogue(PLACES)
    view = procedure_view(cat.procedures[0], cat)
    assert view["name"] == LONG_NAME and len(view["name"]) >= 600
    assert [(m["label"], m["time"], m["fee"]) for m in view["methods"]] == [
        ("Trực tiếp (tại Ủy ban nhân dân cấp xã)", "5", "2.000 đồng/trang"),
        ("Trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài)", "", "10 USD/bản"),
        ("Trực tuyến", "1 ngày làm việc", "50.000 đồng/tờ khai"),
    ]
    # each place keeps its own line: the two in-person methods are not one channel
    assert [(line["channels"], line["fee"]) for line in view["fee_summary"]] == [
        ("Trực tiếp (tại Ủy ban nhân dân cấp xã)", "2.000 đồng/trang"),
        ("Trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài)", "10 USD/bản"),
        ("Trực tuyến", "50.000 đồng/tờ khai"),
    ]
    # the time without unit is its number alone; the empty time is left out, not called "Không quy định"
    assert view["time_short"] == "Trực tiếp (tại Ủy ban nhân dân cấp xã): 5; Trực tuyến: 1 ngày làm việc"
    assert view["fee_short"] == (
        "Trực tiếp (tại Ủy ban nhân dân cấp xã): 2.000 đồng/trang; "
        "Trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài): 10 USD/bản; Trực tuyến: 50.000 đồng/tờ khai"
    )
    assert (view["address_label"], view["address"]) == ("Địa chỉ tiếp nhận hồ sơ", "Bộ phận Một cửa, số 2 đường Trần Phú")


def test_a_procedure_without_places_reads_as_before() -> None:
    cat = catalogue(proc("1.000001", "Đăng ký", methods=[proc("x", "x")["methods"][0], POSTAL]))
    view = procedure_view(cat.procedures[0], cat)
    assert [m["label"] for m in view["methods"]] == ["Trực tiếp", "Dịch vụ bưu chính công ích"]
    assert view["fee_short"] == "Trực tiếp: Miễn phí; Bưu chính: 25 USD"
    assert view["address"] == ""


# --------------------------------------------------------------------------
# Order and grouping
# --------------------------------------------------------------------------


def test_procedures_in_vietnamese_order() -> None:
    names = [p["name"] for p in catalogue_view(MIXED)["procedures"]]
    assert names == [
        "Ân giảm",
        "Cấp bản sao trích lục hộ tịch",
        "Chứng thực chữ ký",
        "Đăng ký đất đai lần đầu",
        "Đăng ký khai sinh",
        "Xác nhận tình trạng hôn nhân",
    ]
    assert names != sorted(names)  # Python's code-point order puts "Đ" and "Â" after "X"


def test_fields_levels_and_agencies_grouped_in_order() -> None:
    site = catalogue_view(MIXED)
    assert [f["name"] for f in site["fields"]] == ["Bảo trợ xã hội", "Chứng thực", "Đất đai", "Hộ tịch"]
    assert [f["number"] for f in site["fields"]] == ["I", "II", "III", "IV"]
    assert [p["name"] for p in site["fields"][3]["procedures"]] == [
        "Cấp bản sao trích lục hộ tịch",
        "Đăng ký khai sinh",
        "Xác nhận tình trạng hôn nhân",
    ]
    assert [lv["name"] for lv in site["levels"]] == ["Cấp tỉnh", "Cấp xã"]
    assert [a["name"] for a in site["agencies"]] == ["Sở Tư pháp", "Ủy ban nhân dân cấp xã"]
    assert site["counts"]["procedures"] == 6 and site["counts"]["fields"] == 4


def test_posting_lists_per_level_and_per_agency() -> None:
    site = catalogue_view(MIXED)
    lists = posting_lists(MIXED, site)
    assert [(item["kind"], item["title"], item["count"]) for item in lists] == [
        ("level", "Cấp tỉnh", 2),
        ("level", "Cấp xã", 5),
        ("agency", "Sở Tư pháp", 1),
        ("agency", "Ủy ban nhân dân cấp xã", 5),
    ]
    assert [item["path"] for item in lists] == [
        "danh-muc/cap-tinh.html",
        "danh-muc/cap-xa.html",
        "danh-muc/co-quan-so-tu-phap.html",
        "danh-muc/co-quan-ubnd-xa.html",
    ]
    commune = lists[1]
    assert [g["name"] for g in commune["groups"]] == ["Bảo trợ xã hội", "Chứng thực", "Hộ tịch"]


def test_search_entries_fold_and_rank() -> None:
    site = catalogue_view(MIXED)
    entries = site["search"]
    by_code = {e["code"]: e for e in entries}
    assert fold("dang ky khai sinh") in by_code["1.000003"]["fold"]
    assert by_code["1.000005"]["levels"] == ["cap-tinh"]
    assert by_code["1.000005"]["agencies"] == ["so-tu-phap"]
    assert [e["rank"]["name"] for e in entries] == list(range(len(entries)))
    ordered_by_code = sorted(entries, key=lambda e: e["rank"]["code"])
    assert [e["code"] for e in ordered_by_code] == sorted(by_code)
    ordered_by_field = sorted(entries, key=lambda e: e["rank"]["field"])
    fields = [field_name(MIXED, e["field"]) for e in ordered_by_field]
    assert fields == ["Bảo trợ xã hội", "Chứng thực", "Đất đai", "Hộ tịch", "Hộ tịch", "Hộ tịch"]


def test_duplicate_codes_render_once_with_unique_file_names() -> None:
    cat = catalogue(proc("1.000001", "A"), proc("1.000001", "B"), proc("../x", "C"), proc("x", "D"))
    site = catalogue_view(cat)
    assert [p["name"] for p in site["procedures"]] == ["A", "C", "D"]
    assert sorted(p["file"] for p in site["procedures"]) == ["1.000001", "x", "x-2"]


# --------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------


def test_decision_view_links_only_to_procedures_in_the_catalogue() -> None:
    decision = {
        "number": "12/QĐ-UBND",
        "title": "Công bố",
        "signed": "2025-08-01",
        "new": [{"code": "1.000003"}],
        "amended": [{"code": "1.000001", "components": ["fee", "time"], "by": "1/2025/TT-BTP"}],
        "replaced": [{"old": "9.000001", "new": "1.000002"}],
        "abolished": [{"code": "9.000002", "name": "Thủ tục cũ", "by": "2/2025/TT-BTP"}],
        "cancels": ["10/QĐ-UBND", "11/QĐ-UBND"],
    }
    older = {"number": "10/QĐ-UBND", "title": "Cũ", "signed": "2024-01-01"}
    cat = catalogue(*MIXED_PROCS, decisions=[decision, older])
    site = catalogue_view(cat)
    assert [d["number"] for d in site["decisions"]] == ["12/QĐ-UBND", "10/QĐ-UBND"]  # newest first
    view = site["decisions"][0]
    assert view["path"] == "quyet-dinh/12-qd-ubnd.html"
    assert view["signed"] == "01/08/2025"
    assert view["new"][0] == {
        "code": "1.000003", "name": "Đăng ký khai sinh", "path": "thu-tuc/1.000003.html", "by": "", "components": [],
    }  # fmt: skip
    assert view["amended"][0]["components"] == ["Phí, lệ phí", "Thời hạn giải quyết"]
    assert view["replaced"][0]["old"]["path"] is None
    assert view["replaced"][0]["new"]["path"] == "thu-tuc/1.000002.html"
    assert view["abolished"][0]["path"] is None and view["abolished"][0]["name"] == "Thủ tục cũ"
    assert view["cancels"] == [
        {"number": "10/QĐ-UBND", "path": "quyet-dinh/10-qd-ubnd.html"},
        {"number": "11/QĐ-UBND", "path": None},
    ]
    assert view["count"] == 4
    procedure = next(p for p in site["procedures"] if p["code"] == "1.000003")
    assert procedure["decisions"][0]["path"] == "quyet-dinh/10-qd-ubnd.html"
    assert procedure["decisions"][0]["date"] == "01/01/2024"


MIXED_PROCS = [
    proc("1.000003", "Đăng ký khai sinh"),
    proc("1.000001", "Chứng thực chữ ký", field="chung-thuc"),
    proc("1.000002", "Cấp bản sao trích lục hộ tịch"),
]


# --------------------------------------------------------------------------
# The statistics chart
# --------------------------------------------------------------------------

STATS = catalogue(
    # 1.000001: Cấp xã, online toàn trình (local 1.5 of 3 days: 50 % cut), by post.
    proc("1.000001", "Đăng ký khai sinh", methods=[proc("x", "x")["methods"][0], ONLINE_FULL, POSTAL]),
    # 1.000002: Cấp xã, online một phần (local 2.4 of 3 days: 20 % cut), no post.
    proc("1.000002", "Chứng thực chữ ký", field="chung-thuc",
         methods=[{**ONLINE_FULL, "online": "một phần", "local_time": {"value": 2.4, "unit": "ngày làm việc"}}]),
    # 1.000003: Cấp tỉnh and Cấp xã, online with no level stated, no post, no local time.
    proc("1.000003", "Cấp bản sao trích lục hộ tịch", level=["Cấp xã", "Cấp tỉnh"],
         methods=[{"channel": "trực tuyến", "time": {"value": 1, "unit": "ngày làm việc"}, "fee": {"free": True}}]),
)  # fmt: skip


def chart(view: dict[str, Any]) -> dict[str, list[tuple[str, int, str, int]]]:
    """Group id → its bars as (label, count, percent text, width)."""
    return {
        g["id"]: [(b["label"], b["count"], b["percent_text"], b["width"]) for b in g["bars"]] for g in view["groups"]
    }


def test_stats_view_counted_by_hand() -> None:
    view = catalogue_view(STATS)["stats"]
    assert view["procedures"] == 3
    nbsp = "\u00a0"
    assert chart(view) == {
        # A procedure at two levels counts at each; provincial first, as in the hierarchy.
        "cap": [("Cấp tỉnh", 1, f"33,3{nbsp}%", 33), ("Cấp xã", 3, f"100,0{nbsp}%", 100)],
        "truc-tuyen": [
            ("Trực tuyến toàn trình", 1, f"33,3{nbsp}%", 33),
            ("Trực tuyến một phần", 1, f"33,3{nbsp}%", 33),
            ("Trực tuyến, chưa ghi mức độ", 1, f"33,3{nbsp}%", 33),
            ("Không có trực tuyến", 0, f"0,0{nbsp}%", 0),
        ],
        "buu-chinh": [("Có", 1, f"33,3{nbsp}%", 33), ("Không", 2, f"66,7{nbsp}%", 67)],
        "thoi-han": [("Có thời hạn cam kết", 2, f"66,7{nbsp}%", 67), ("Chỉ có thời hạn luật định", 1, f"33,3{nbsp}%", 33)],
        # Largest first; "Bảo trợ xã hội" and "Đất đai" have no procedure and no bar.
        "linh-vuc": [("Hộ tịch", 2, f"66,7{nbsp}%", 67), ("Chứng thực", 1, f"33,3{nbsp}%", 33)],
    }
    groups = {g["id"]: g for g in view["groups"]}
    assert groups["cap"]["notes"] == ["Có 1 thủ tục thực hiện ở nhiều cấp, được tính ở mỗi cấp."]
    assert view["average_cut_percent"] == 35.0 and view["compared"] == 2  # (50 + 20) / 2
    assert groups["thoi-han"]["notes"] == [
        f"Thời hạn cam kết ngắn hơn thời hạn luật định trung bình 35,0{nbsp}% "
        "(tính trên 2 thủ tục so sánh được, cùng đơn vị thời gian)."
    ]
    for group in view["groups"]:
        for bar in group["bars"]:
            assert text.is_nfc(bar["label"]) and text.is_nfc(bar["percent_text"])
    assert all(text.is_nfc(note) for g in view["groups"] for note in g["notes"])


def test_stats_view_matches_stats_compute_on_the_sample() -> None:
    from tests.conftest import SAMPLE
    from tthc.reading import load_catalogue
    from tthc.source import folder_files
    from tthc.stats import compute

    cat, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))
    figures = compute(cat)
    view = catalogue_view(cat)["stats"]
    bars = chart(view)
    total = figures.procedures
    assert view["procedures"] == total == len(catalogue_view(cat)["procedures"])
    assert [(label, count) for label, count, _, _ in bars["cap"]] == [(c.label, c.count) for c in figures.by_level]
    assert [label for label, *_ in bars["cap"]][:2] == ["Cấp tỉnh", "Cấp xã"]
    assert [(label, count) for label, count, _, _ in bars["linh-vuc"]] == [
        (c.label, c.count) for c in figures.by_field if c.count
    ]
    counts = [count for _, count, _, _ in bars["linh-vuc"]]
    assert counts == sorted(counts, reverse=True)
    online = {label: count for label, count, _, _ in bars["truc-tuyen"]}
    assert online["Trực tuyến toàn trình"] == figures.online_full.count
    assert online["Trực tuyến một phần"] == figures.online_partial.count
    assert online["Không có trực tuyến"] == total - figures.online_any.count
    assert sum(online.values()) == total
    assert [count for _, count, _, _ in bars["buu-chinh"]] == [figures.postal.count, total - figures.postal.count]
    assert bars["thoi-han"][0][1] == figures.time_cuts.with_local_time
    assert view["average_cut_percent"] == figures.time_cuts.average_cut_percent
    for group in bars.values():
        for _, count, percent_text, width in group:
            percent = round(100 * count / total, 1)
            assert percent_text == f"{percent:.1f}".replace(".", ",") + "\u00a0%"
            assert width == (int(percent + 0.5) if count else 0)
    # A hand check against `tthc stats catalogue`: 25 of 51 fully online is 49,0 %.
    assert bars["truc-tuyen"][0] == ("Trực tuyến toàn trình", 25, "49,0\u00a0%", 49)


@pytest.mark.parametrize(
    ("percent", "count", "width"),
    [(0.0, 0, 0), (0.3, 1, 1), (25.4, 1, 25), (25.5, 1, 26), (66.7, 2, 67), (100.0, 3, 100)],
)
def test_bar_width_rounds_half_up_and_never_hides_a_count(percent: float, count: int, width: int) -> None:
    assert bar_width(percent, count) == width


def test_stats_view_names_the_abolished_district_level() -> None:
    view = catalogue_view(catalogue(proc("1.000001", "A", level=["Cấp xã", "Cấp huyện"]), proc("1.000002", "B")))
    cap = next(g for g in view["stats"]["groups"] if g["id"] == "cap")
    assert [(b["label"], b["count"]) for b in cap["bars"]] == [("Cấp huyện", 1), ("Cấp xã", 2)]
    assert cap["notes"] == [
        "Có 1 thủ tục thực hiện ở nhiều cấp, được tính ở mỗi cấp.",
        "1 thủ tục còn ghi cấp huyện (cấp huyện đã kết thúc hoạt động từ ngày 01/7/2025).",
    ]


def test_no_stats_bars_for_an_empty_catalogue() -> None:
    view = catalogue_view(catalogue())["stats"]
    assert view["procedures"] == 0
    assert all(b["width"] == 0 and b["percent_text"] == "0,0\u00a0%" for g in view["groups"] for b in g["bars"])


# --------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------


def codes(filters: Filters) -> list[str]:
    return [p.code for p in select(MIXED, filters)]


def test_no_filter_chooses_everything_in_order() -> None:
    assert codes(Filters()) == ["1.000006", "1.000002", "1.000001", "1.000005", "1.000003", "1.000004"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(levels=("Cấp tỉnh",)), ["1.000006", "1.000005"]),
        (Filters(levels=("tinh",)), ["1.000006", "1.000005"]),
        (Filters(levels=("cap tinh", "xã")), ["1.000006", "1.000002", "1.000001", "1.000005", "1.000003", "1.000004"]),
        (Filters(fields=("chung-thuc",)), ["1.000001"]),
        (Filters(fields=("ho tich",)), ["1.000002", "1.000003", "1.000004"]),
        (Filters(agencies=("so-tu-phap",)), ["1.000005"]),
        (Filters(agencies=("Ủy ban nhân dân cấp xã",)), ["1.000006", "1.000002", "1.000001", "1.000003", "1.000004"]),
        (Filters(codes=("1.000004", "1.000001")), ["1.000001", "1.000004"]),
        (Filters(levels=("xa",), fields=("Hộ tịch",), codes=("1.000003",)), ["1.000003"]),
    ],
)
def test_filters(filters: Filters, expected: list[str]) -> None:
    assert codes(filters) == expected


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (Filters(levels=("huyện",)), "Không có cấp thực hiện “huyện”. Có thể chọn: Cấp tỉnh; Cấp xã."),
        (Filters(fields=("y tế",)), "Không có lĩnh vực “y tế”"),
        (Filters(agencies=("bo-cong-an",)), "Không có cơ quan “bo-cong-an”"),
        (Filters(codes=("9.999999",)), "Không có thủ tục mã “9.999999”"),
        (Filters(fields=("dat-dai",), levels=("xa",)), "Không có thủ tục nào khớp"),
    ],
)
def test_filters_naming_nothing_are_errors(filters: Filters, message: str) -> None:
    with pytest.raises(FilterError, match=message.replace("(", r"\(").replace(".", r"\.")):
        select(MIXED, filters)


def test_filter_error_lists_ids_beside_names() -> None:
    with pytest.raises(FilterError) as error:
        select(MIXED, Filters(fields=("y tế",)))
    assert "Bảo trợ xã hội (bao-tro); Chứng thực (chung-thuc); Đất đai (dat-dai); Hộ tịch (ho-tich)" in str(error.value)
