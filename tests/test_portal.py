"""National-portal records into procedure data (tthc.portal), over the 300 real records.

The real records are read from shared/data beside the checkout (never copied
here); the tests that need them skip when it is absent. The rule under test:
every value written appears in its record as written (after NFC and
whitespace normalisation), or carries a review mark.
"""

from __future__ import annotations

import collections
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA
from tthc import portal, schema, text
from tthc.model import Field, Limits
from tthc.portal_tables import CHANNELS, CHROME, EMPTY

RECORDS = SHARED_DATA / "real-procedures" / "records.json"
CHANNEL_ROW = re.compile(r"(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)(?=\d|Không)")


@pytest.fixture(scope="module")
def records() -> list[portal.Record]:
    if not RECORDS.is_file():
        pytest.skip("the real portal records (shared/data) are not beside this checkout")
    return portal.read_records(RECORDS)


@pytest.fixture(scope="module")
def converted(records: list[portal.Record]) -> list[tuple[portal.Record, portal.Converted]]:
    return [(record, portal.to_procedure(record)) for record in records]


def flat(value: str) -> str:
    """Text compared the way the rule says: NFC, every run of whitespace one space, no invisible noise."""
    return " ".join(text.drop_pasted_noise(unicodedata.normalize("NFC", value)).split())


def leaves(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, (*path, i))
    else:
        yield path, data


def marked(conv: portal.Converted, path: tuple[str | int, ...]) -> bool:
    return any(path[: len(mark.path)] == mark.path for mark in conv.marks)


# Values that are ids or a fixed label of the schema matched without case
# ("LUẬT …" is a Luật), not text of the record.
DERIVED = {
    "field",
    "channel",
    "unit",
    "currency",
    "type",
    "performing",
    "deciding",
    "authorised",
    "coordinating",
}


def test_all_300_records_are_read(records: list[portal.Record]) -> None:
    assert len(records) == 300
    assert len({r["ma_thu_tuc"] for r in records}) == 300


def test_every_record_fits_the_schema_except_where_the_record_says_nothing(
    converted: list[tuple[portal.Record, portal.Converted]],
) -> None:
    """The schema holds every real record: its only complaints are components the record leaves empty."""
    check = schema.validator("procedure")
    for _, conv in converted:
        errors = [(tuple(e.absolute_path), e.validator) for e in check.iter_errors(conv.data)]
        assert [e for e in errors if e[0] not in conv.missing] == [], conv.code
        assert {path for path, _ in errors} == set(conv.missing), conv.code


def test_every_value_is_in_its_record_or_marked(
    converted: list[tuple[portal.Record, portal.Converted]],
) -> None:
    for record, conv in converted:
        source = flat(" ".join(record.values()))
        for path, value in leaves(conv.data):
            if DERIVED & {key for key in path if isinstance(key, str)} or marked(conv, path):
                continue
            if isinstance(value, bool):
                assert value is True and "Miễn phí" in source, (conv.code, path)
            elif isinstance(value, int):
                assert str(value) in source or f"{value:,}" in source, (conv.code, path, value)
            else:
                assert flat(value) in source, (conv.code, path, value)
                assert flat(value) != EMPTY, (conv.code, path)


def test_numbers_amounts_and_times_are_verbatim(
    converted: list[tuple[portal.Record, portal.Converted]],
) -> None:
    """Legal numbers whole from the legal table; amounts and times from the channel table."""
    for record, conv in converted:
        legal = flat(record["can_cu_phap_ly"])
        for ref in conv.data["legal_basis"]:
            assert flat(ref["number"]) in legal, (conv.code, ref)
        methods = flat(record["cach_thuc_thuc_hien"])
        for method in conv.data["methods"]:
            if "amount" in method["fee"]:
                amount = method["fee"]["amount"]
                assert f"{amount:,} " in methods or f"{amount} " in methods, (conv.code, method)
            if "value" in method["time"]:
                value = method["time"]["value"]
                assert any(f"{label}{value}" in methods for label in CHANNELS), (conv.code, method)


def test_no_value_holds_page_chrome_or_invisible_noise(
    converted: list[tuple[portal.Record, portal.Converted]],
) -> None:
    for _, conv in converted:
        for path, value in leaves(conv.data):
            if isinstance(value, str):
                assert not any(piece in value for piece in CHROME), (conv.code, path, value[-120:])
                assert text.drop_pasted_noise(value) == value, (conv.code, path)
                assert unicodedata.is_normalized("NFC", value), (conv.code, path)


def test_one_method_per_channel_row(converted: list[tuple[portal.Record, portal.Converted]]) -> None:
    for record, conv in converted:
        rows = CHANNEL_ROW.findall(unicodedata.normalize("NFC", record["cach_thuc_thuc_hien"]))
        assert len(conv.data["methods"]) == len(rows), conv.code


def test_share_of_records_without_review_marks(
    converted: list[tuple[portal.Record, portal.Converted]],
) -> None:
    """Printed for the report (pytest -s); the floor keeps the parser from getting worse."""
    clean = sum(1 for _, conv in converted if not conv.marks)
    reasons = collections.Counter(mark.reason for _, conv in converted for mark in conv.marks)
    print(f"\n{clean}/{len(converted)} bản ghi không có dấu cần xem lại ({clean / len(converted):.0%})")
    for reason, count in reasons.most_common():
        print(f"{count:4} {reason}")
    assert clean / len(converted) >= 0.75


def by_code(converted: list[tuple[portal.Record, portal.Converted]], code: str) -> portal.Converted:
    return next(conv for _, conv in converted if conv.code == code)


def test_one_channel_at_two_places_keeps_both(
    converted: list[tuple[portal.Record, portal.Converted]],
) -> None:
    """2.000815 chứng thực bản sao: in person at the commune, and for 10 USD a page at a mission abroad."""
    methods = by_code(converted, "2.000815").data["methods"]
    assert [(m["channel"], m.get("place")) for m in methods] == [
        ("trực tiếp", "Ủy ban nhân dân cấp xã, Tổ chức hành nghề công chứng"),
        ("trực tiếp", "cơ quan đại diện"),
    ]
    assert methods[1]["fee"] == {"amount": 10, "currency": "USD", "unit": "/bản"}
    order = list(schema.schema("procedure")["$defs"]["method"]["properties"])
    assert (
        list(methods[1])
        == [key for key in order if key in methods[1]]
        == ["channel", "time", "fee", "place", "note"]
    )
    assert methods[0]["time"] == {}  # "Không có thông tin": nothing, for the user to fill


def test_times_keep_their_unit_or_have_none(converted: list[tuple[portal.Record, portal.Converted]]) -> None:
    """1.001193 gives "1" with no unit: no unit is guessed; 1.002411 says ngày làm việc, not ngày."""
    birth = by_code(converted, "1.001193").data["methods"]
    assert [m["time"] for m in birth] == [{"value": 1}] * 3
    assert all(m["fee"] == {"free": True} for m in birth)
    passport = by_code(converted, "1.002411").data["methods"]
    assert passport[0]["time"] == {"value": 5, "unit": "ngày làm việc"}
    assert passport[0]["fee"] == {"amount": 10, "currency": "USD", "unit": "/lần", "note": "10 USD/lần"}


def test_long_names_and_decomposed_text(converted: list[tuple[portal.Record, portal.Converted]]) -> None:
    name = by_code(converted, "1.008494").data["name"]
    assert len(name) > 600
    for code in ("1.009055", "1.009063", "1.010092", "1.013809", "1.013861"):
        data = by_code(converted, code).data
        assert unicodedata.is_normalized("NFC", json.dumps(data, ensure_ascii=False)), code


def test_legal_basis_rows(converted: list[tuple[portal.Record, portal.Converted]]) -> None:
    refs = {ref["number"]: ref for ref in by_code(converted, "1.001193").data["legal_basis"]}
    assert refs["60/2014/QH13"] == {"number": "60/2014/QH13", "type": "Luật", "title": "Luật 60/2014/QH13"}
    assert refs["66.7/2025/NQ-CP"]["type"] == "Nghị quyết"
    assert refs["85/2019/TT-BTC"]["title"].endswith("thành phố trực thuộc Trung ương")
    assert "18/2026/NĐ-CP" in refs and "87/2020/NĐ-CP" in refs
    assert len(refs) == 15


def test_steps_dossier_results_and_decision(converted: list[tuple[portal.Record, portal.Converted]]) -> None:
    conv = by_code(converted, "1.001193")
    assert conv.upstream_decisions == ["163/QĐ-BTP"] == conv.data["decisions"]
    assert conv.upstream_decisions is not conv.data["decisions"]  # adding the province's keeps the ministry's
    assert conv.field_name == "Hộ tịch" and conv.data["field"] == "ho-tich"
    cases = conv.data["dossier"]["cases"]
    assert [c.get("case") for c in cases] == ["Giấy tờ phải nộp", "Giấy tờ phải xuất trình", "Lưu ý", None]
    assert cases[0]["items"][0]["name"].startswith("Trường hợp trẻ em bị bỏ rơi")
    assert conv.data["results"] == [{"name": "Giấy khai sinh", "code": "KQ.G15.000031"}]
    assert "requirements" not in conv.data  # "Không có thông tin"
    for _, conv in converted:
        for step in conv.data["steps"][1:]:
            assert step.startswith("Bước "), conv.code


def test_forms_and_copies(converted: list[tuple[portal.Record, portal.Converted]]) -> None:
    """A form's file name runs into the document's name: "… theo mẫu1.002899.docx", "… 25/01/2026Mau don ….docx"."""
    conv = by_code(converted, "1.002899")
    items = conv.data["dossier"]["cases"][0]["items"]
    assert items[0] == {
        "name": "Bản chính văn bản đề nghị đăng ký thay đổi theo mẫu",
        "form": "1.002899.docx",
        "originals": 1,
        "copies": 1,
    }
    assert conv.marks == []
    conv = by_code(converted, "1.014864")
    assert (
        conv.data["dossier"]["cases"][0]["items"][0]["form"] == "Mau don de nghi cap, gia han giay phep.docx"
    )
    assert [m.path for m in conv.marks] == [
        ("dossier", "cases", 0, "items", 0, "form")
    ]  # digits, then a capital


def test_match_field() -> None:
    fields = {"ho-tich": Field("ho-tich", "Hộ tịch"), "chung-thuc": Field("chung-thuc", "Chứng thực")}
    assert portal.match_field(unicodedata.normalize("NFD", " hộ  TỊCH "), fields) == "ho-tich"
    assert portal.match_field("Hộ tịch có yếu tố nước ngoài", fields) is None
    assert portal.match_field("Ho tich", fields) is None


# --------------------------------------------------------------------------
# Hand-made records: the edge cases
# --------------------------------------------------------------------------


def record(**changes: str) -> dict[str, str]:
    base = {
        "ma_thu_tuc": "1.000001",
        "ten_thu_tuc": "Thủ tục thử",
        "so_quyet_dinh": "12/QĐ-BTP",
        "cap_thuc_hien": "Cấp xã",
        "loai_thu_tuc": "",
        "linh_vuc": "Hộ tịch",
        "doi_tuong_thuc_hien": "Công dân Việt Nam, Tổ chức (không bao gồm doanh nghiệp, HTX)",
        "co_quan_thuc_hien": "Ủy ban nhân dân cấp xã",
        "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ.\na) Trực tiếp.\nBước 2: Nhận kết quả.",
        "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc20,000 VNĐ(/tờ khai)",
        "thanh_phan_ho_so": "--Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khaiTK01.docx1 bản chính",
        "can_cu_phap_ly": "Tên văn bản pháp lýMã văn bảnLuật Hộ tịch60/2014/QH13",
        "yeu_cau_dieu_kien": EMPTY,
        "ket_qua_xu_ly": "Trích lụcMã: KQ.G15.000031Từ khóaKhông có thông tinMô tảKhông có thông tinNộp hồ sơ",
    }
    return {**base, **changes}


def test_hand_made_record_converts_cleanly() -> None:
    conv = portal.to_procedure(record())
    assert conv.marks == [] and conv.missing == []
    assert conv.data["steps"] == ["Bước 1: Nộp hồ sơ.\na) Trực tiếp.", "Bước 2: Nhận kết quả."]
    assert conv.data["subjects"] == ["Công dân Việt Nam", "Tổ chức (không bao gồm doanh nghiệp, HTX)"]
    assert conv.data["methods"] == [
        {
            "channel": "trực tiếp",
            "time": {"value": 5, "unit": "ngày làm việc"},
            "fee": {"amount": 20000, "currency": "VND", "unit": "/tờ khai"},
        }
    ]
    assert conv.data["agencies"] == {"performing": ["uy-ban-nhan-dan-cap-xa"]}
    assert conv.agency_names == {"uy-ban-nhan-dan-cap-xa": "Ủy ban nhân dân cấp xã"}
    assert list(conv.data) == [k for k in schema.schema("procedure")["properties"] if k in conv.data]
    assert schema.validator("procedure").is_valid(conv.data)


def test_time_and_amount_run_together_is_marked() -> None:
    """ "Trực tuyến120 VNĐ": one day and 20 đồng, or 12 days and 0? The split is shown for review."""
    conv = portal.to_procedure(
        record(
            cach_thuc_thuc_hien="Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến120 VNĐ(20.000 vnđ /tờ khai)"
        )
    )
    assert any(m.path == ("methods", 0, "fee", "amount") for m in conv.marks)


def test_free_with_a_charge_in_its_note_is_marked() -> None:
    conv = portal.to_procedure(
        record(
            cach_thuc_thuc_hien="Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp2 Ngày làm việcMiễn phí(Lệ phí: 40.000 đồng/01 Giấy)"
        )
    )
    assert [m.path for m in conv.marks] == [("methods", 0, "fee")]


def test_record_without_code_is_refused() -> None:
    with pytest.raises(portal.PortalError, match="không có mã thủ tục"):
        portal.to_procedure(record(ma_thu_tuc=""))
    with pytest.raises(portal.PortalError, match="không đúng dạng"):
        portal.to_procedure(record(ma_thu_tuc="1.001.193"))


def test_json_that_is_not_records_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    for data in ([{"a": "b"}], {"ma_thu_tuc": "1.000001"}, [], "text", [record(), 3]):
        path.write_text(json.dumps(data), "utf-8")
        with pytest.raises(portal.PortalError, match=r"x\.json"):
            portal.read_records(path)
    path.write_text(json.dumps([record(ten_thu_tuc=5)]), "utf-8")  # type: ignore[arg-type]
    with pytest.raises(portal.PortalError, match="ten_thu_tuc"):
        portal.read_records(path)


def test_one_record_or_a_list(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record(), ensure_ascii=False), "utf-8")
    assert portal.read_records(path) == [record()]
    assert portal.is_portal_data([record()]) and not portal.is_portal_data({"ma_thu_tuc": "1"})


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps([record(), record()], ensure_ascii=False, indent=1)[:-40], "utf-8")
    with pytest.raises(portal.PortalError, match=r"cut\.json, dòng \d+, cột \d+: JSON hỏng"):
        portal.read_records(path)


def test_hostile_json_is_refused_before_it_is_built(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(portal.PortalError, match="lồng quá sâu"):
        portal.read_records(deep)
    big = tmp_path / "big.json"
    big.write_text(json.dumps([record()] * 50, ensure_ascii=False), "utf-8")
    with pytest.raises(portal.PortalError, match="vượt giới hạn"):
        portal.read_records(big, Limits(max_import_bytes=10_000))
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[\xff]")
    with pytest.raises(portal.PortalError, match="UTF-8"):
        portal.read_records(bad)


def test_portal_json_is_held_to_the_catalogues_limits(tmp_path: Path) -> None:
    """Wide or long JSON is refused from its punctuation, before the parser builds millions of objects."""
    wide = tmp_path / "wide.json"
    wide.write_text("[" + ",".join(["[]"] * 200_000) + "]", "utf-8")
    with pytest.raises(portal.PortalError, match=r"wide\.json: hơn 50\.000 bản ghi"):
        portal.read_records(wide)
    ones = tmp_path / "ones.json"
    ones.write_text("[" + ",".join(["1"] * 2_000_000) + "]", "utf-8")
    with pytest.raises(portal.PortalError, match=r"ones\.json: hơn 1\.000\.000 giá trị"):
        portal.read_records(ones)
    three = tmp_path / "three.json"
    three.write_text(json.dumps([record(), record(), record()], ensure_ascii=False), "utf-8")
    assert len(portal.read_records(three)) == 3
    with pytest.raises(portal.PortalError, match=r"vượt giới hạn limits\.max_import_rows"):
        portal.read_records(three, Limits(max_import_rows=2))
    shallow = Limits(max_depth=1)
    with pytest.raises(portal.PortalError, match="lồng quá sâu"):
        portal.read_records(three, shallow)
    brackets = tmp_path / "brackets.json"
    brackets.write_text(json.dumps([record(ten_thu_tuc='Tên có \\" và [[[{{ ' + "[" * 100)]), "utf-8")
    assert portal.read_records(brackets)[0]["ten_thu_tuc"].endswith("[" * 100)  # brackets in strings are text
