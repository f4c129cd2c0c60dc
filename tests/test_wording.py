"""tthc.wording: what it writes is correct Vietnamese, and what it writes the spreadsheet importer reads back."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SAMPLE
from tthc import wording
from tthc.cells import parse_fee, parse_time, split_channels
from tthc.model import Duration, Fee
from tthc.reading import load_catalogue
from tthc.records import build_procedure
from tthc.source import folder_files

UNITS = ("ngày làm việc", "ngày", "giờ làm việc", "giờ", "tháng")
"""The units a record may give a value in (``trong ngày`` has none)."""


# --------------------------------------------------------------------------
# Numbers, money, durations
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "said"),
    [(5, "5"), (5.0, "5"), (0.5, "0,5"), (1234.5, "1.234,5"), (50000, "50.000"), (1500000, "1.500.000"),
     (0.1, "0,1"), (1e-05, "0,00001"), (-2.5, "-2,5"), (float("inf"), "inf")],
)  # fmt: skip
def test_numbers_take_a_decimal_comma_and_dots_between_thousands(value: float, said: str) -> None:
    assert wording.number_text(value) == said


def test_two_digits_only_for_small_whole_counts() -> None:
    assert [wording.two_digits(v) for v in (0, 5, 10, 0.5, 1000)] == ["00", "05", "10", "0,5", "1.000"]


def test_the_same_duration_and_fee_read_the_same_in_every_output() -> None:
    """The disagreement of issue 18: a half day and 25.5 USD now have one form."""
    assert wording.duration_text(Duration(0.5, "ngày")) == "0,5 ngày"
    assert wording.duration_statement(Duration(0.5, "ngày", "kể từ khi nhận đủ hồ sơ")) == (
        "0,5 ngày (kể từ khi nhận đủ hồ sơ)"
    )
    assert wording.fee_text(Fee(25.5, "USD")) == "25,5 USD"
    assert wording.fee_statement(Fee(25.5, "USD", basis="Thông tư 25/2021/TT-BTC")) == (
        "25,5 USD (theo Thông tư 25/2021/TT-BTC)"
    )


def test_durations_and_fees_in_vietnamese() -> None:
    assert wording.duration_text(Duration(5, "ngày làm việc")) == "5 ngày làm việc"
    assert wording.duration_text(Duration(5, "ngày làm việc"), padded=True) == "05 ngày làm việc"
    assert wording.duration_text(Duration(None, "trong ngày")) == "Trong ngày"
    assert wording.duration_text(None) == ""
    assert wording.fee_text(Fee(amount=8000)) == "8.000 đồng"
    assert wording.fee_text(Fee(amount=1500000)) == "1.500.000 đồng"
    assert wording.fee_text(Fee(amount=25, currency="USD")) == "25 USD"
    assert wording.fee_text(Fee(free=True, amount=8000)) == "Miễn phí"
    assert wording.fee_text(Fee(note="Theo quy định")) == ""


def test_a_fee_statement_does_not_repeat_the_amount_its_note_states() -> None:
    assert wording.fee_statement(Fee(8000, note="8.000 đồng/bản sao")) == "8.000 đồng/bản sao"
    assert wording.fee_statement(Fee(8000, note="nộp tại quầy")) == "8.000 đồng; nộp tại quầy"


def test_plain_data_of_unvalidated_files_reads_wrong_types_as_absent() -> None:
    assert wording.duration_of({"value": "năm", "unit": "ngày"}) == Duration(None, "ngày")
    assert wording.fee_of({"amount": "tám nghìn", "note": "x"}) == Fee(note="x")


# --------------------------------------------------------------------------
# Dates and Roman numerals
# --------------------------------------------------------------------------


def test_dates() -> None:
    assert wording.date_text("2014-11-20") == "20/11/2014"
    assert wording.date_text(dt.date(2025, 7, 1)) == "01/07/2025"
    assert wording.date_text("quý IV/2025") == "quý IV/2025"
    assert wording.date_text(None) == ""
    assert wording.date_in_words(dt.date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert wording.date_in_words(dt.date(2024, 11, 18)) == "ngày 18 tháng 11 năm 2024"


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_CANONICAL = re.compile(r"M*(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")


def _read_roman(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


@given(st.integers(min_value=1, max_value=5000))
def test_roman_numerals_for_any_positive_number(number: int) -> None:
    """The annex numbered its sixteenth field "16": a numeral must exist for every group."""
    numeral = wording.roman(number)
    assert _CANONICAL.fullmatch(numeral)
    assert _read_roman(numeral) == number


def test_roman_numerals_as_lists_number_groups() -> None:
    assert [wording.roman(n) for n in (1, 4, 9, 14, 15, 16, 40, 1990)] == [
        "I", "IV", "IX", "XIV", "XV", "XVI", "XL", "MCMXC"
    ]  # fmt: skip
    with pytest.raises(ValueError):
        wording.roman(0)


# --------------------------------------------------------------------------
# Channels and order
# --------------------------------------------------------------------------


def test_per_channel_says_a_shared_value_once() -> None:
    same = [("trực tiếp", "5 ngày"), ("trực tuyến", "5 ngày")]
    assert wording.per_channel(same) == ["5 ngày"]
    assert wording.per_channel(same, grouped=True) == ["5 ngày"]


def test_per_channel_ungrouped_names_each_channel_when_one_has_no_value() -> None:
    """A spreadsheet must not give a value to a channel that had none, so it names the channel."""
    partial = [("trực tiếp", "5 ngày"), ("trực tuyến", "")]
    assert wording.per_channel(partial, label=str) == ["trực tiếp: 5 ngày"]
    assert wording.per_channel(partial, grouped=True) == ["5 ngày"]


def test_per_channel_grouped_joins_channels_that_agree() -> None:
    values = [("trực tiếp", "5 ngày"), ("trực tuyến", "3 ngày"), ("bưu chính", "5 ngày")]
    assert wording.per_channel(values, grouped=True) == ["Trực tiếp, Bưu chính: 5 ngày", "Trực tuyến: 3 ngày"]
    assert wording.per_channel(values) == ["Trực tiếp: 5 ngày", "Trực tuyến: 3 ngày", "Bưu chính: 5 ngày"]
    assert wording.per_channel([]) == []


def test_a_fee_reads_with_its_unit() -> None:
    assert wording.fee_text(Fee(10, "USD", unit="/bản")) == "10 USD/bản"
    assert wording.fee_text(Fee(50000, unit="/tờ khai")) == "50.000 đồng/tờ khai"
    assert wording.fee_text(Fee(50000, unit="tờ khai")) == "50.000 đồng tờ khai"  # no slash is made up
    assert wording.fee_text(Fee(free=True, unit="/bản")) == "Miễn phí"
    assert wording.fee_text(Fee(note="Theo Nghị quyết", unit="/bản")) == ""
    assert wording.fee_of({"amount": 10, "currency": "USD", "unit": "/bản"}) == Fee(10, "USD", unit="/bản")
    assert wording.fee_statement(Fee(2000, unit="/trang", basis="Thông tư 226/2016/TT-BTC")) == (
        "2.000 đồng/trang (theo Thông tư 226/2016/TT-BTC)"
    )


def test_a_time_without_unit_reads_its_number_and_nothing_made_up() -> None:
    def read(time: dict[str, object]) -> Duration | None:
        return build_procedure("p.yaml", {"methods": [{"channel": "trực tiếp", "time": time}]}).methods[0].time

    assert wording.duration_text(read({"value": 5})) == "5"
    assert wording.duration_text(read({"value": 5}), padded=True) == "05"
    assert wording.duration_statement(read({"value": 5, "note": "kể từ ngày nhận"})) == "05 (kể từ ngày nhận)"
    assert wording.duration_text(read({})) == ""


def test_a_method_reads_with_its_place_after_its_channel() -> None:
    assert wording.method_label("trực tiếp", "Cơ quan đại diện Việt Nam ở nước ngoài") == (
        "Trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài)"
    )
    assert wording.method_label("bưu chính", "Bộ phận Một cửa") == "Dịch vụ bưu chính công ích (tại Bộ phận Một cửa)"
    assert wording.method_label("bưu chính", "Bộ phận Một cửa", wording.short_channel_label) == (
        "Bưu chính (tại Bộ phận Một cửa)"
    )
    assert wording.method_label("trực tiếp", "ubnd xã", str) == "trực tiếp (tại ubnd xã)"
    assert wording.method_label("trực tiếp") == wording.method_label("trực tiếp", "  ") == "Trực tiếp"
    # a place with its own preposition is not given a second one
    assert wording.place_text("Tại  cơ quan đại diện") == "tại cơ quan đại diện"
    assert wording.place_text("qua Cổng Dịch vụ công quốc gia") == "qua Cổng Dịch vụ công quốc gia"
    assert wording.place_text("") == ""


def test_per_method_keeps_one_channel_at_two_places_apart() -> None:
    p = build_procedure("p.yaml", {"methods": [
        {"channel": "trực tiếp", "place": "Ủy ban nhân dân cấp xã", "fee": {"amount": 2000, "unit": "/trang"}},
        {"channel": "trực tiếp", "place": "cơ quan đại diện", "fee": {"amount": 10, "currency": "USD", "unit": "/bản"}},
        {"channel": "trực tuyến", "fee": {"amount": 2000, "unit": "/trang"}},
    ]})  # fmt: skip
    said = wording.per_method(p.methods, lambda m: wording.fee_text(m.fee))
    assert said == [
        "Trực tiếp (tại Ủy ban nhân dân cấp xã): 2.000 đồng/trang",
        "Trực tiếp (tại cơ quan đại diện): 10 USD/bản",
        "Trực tuyến: 2.000 đồng/trang",
    ]
    assert wording.per_method(p.methods, lambda m: wording.fee_text(m.fee), grouped=True)[0] == (
        "Trực tiếp (tại Ủy ban nhân dân cấp xã), Trực tuyến: 2.000 đồng/trang"
    )


def test_procedures_in_vietnamese_order() -> None:
    """Python's own order puts "Đ" and "Ủ" after "Z"; equal names are ordered by code."""
    names = ["Đăng ký khai tử", "Cấp bản sao", "Đăng ký kết hôn", "Ủy quyền", "Chứng thực", "Đăng ký khai sinh", "Cấp bản sao"]
    procs = [build_procedure("p.yaml", {"code": f"1.00000{9 - i}", "name": n}) for i, n in enumerate(names)]
    ordered = [(p.name, p.code) for p in wording.sort_procedures(procs)]
    assert ordered == [
        ("Cấp bản sao", "1.000003"), ("Cấp bản sao", "1.000008"), ("Chứng thực", "1.000005"),
        ("Đăng ký kết hôn", "1.000007"), ("Đăng ký khai sinh", "1.000004"), ("Đăng ký khai tử", "1.000009"),
        ("Ủy quyền", "1.000006"),
    ]  # fmt: skip


# --------------------------------------------------------------------------
# Round trip: what wording writes, the importer reads back
# --------------------------------------------------------------------------


def _expected(duration: Duration) -> dict[str, object]:
    out: dict[str, object] = {"unit": duration.unit}
    if duration.value is not None:
        out["value"] = duration.value
    if duration.note:
        out["note"] = duration.note
    return out


@given(st.integers(min_value=1, max_value=999), st.sampled_from(UNITS), st.booleans())
def test_whole_durations_read_back(value: int, unit: str, padded: bool) -> None:
    duration = Duration(value, unit)
    assert parse_time(wording.duration_text(duration, padded=padded)) == (_expected(duration), "")


@given(st.integers(min_value=1, max_value=999_999_999), st.sampled_from(("VND", "USD")))
def test_whole_fees_read_back(amount: int, currency: str) -> None:
    fee = parse_fee(wording.fee_text(Fee(amount, currency)))
    assert fee == ({"amount": amount} if currency == "VND" else {"amount": amount, "currency": "USD"}, "")


def test_free_and_same_day_read_back() -> None:
    assert parse_fee(wording.fee_text(Fee(free=True))) == ({"free": True}, "")
    assert parse_time(wording.duration_text(Duration(None, "trong ngày"))) == ({"unit": "trong ngày"}, "")


def _sample_values() -> tuple[list[Duration], list[Fee]]:
    catalogue, _ = load_catalogue(str(SAMPLE), folder_files(Path(SAMPLE)))
    methods = [m for p in catalogue.procedures for m in p.methods]
    durations = {d for m in methods for d in (m.time, m.local_time) if d is not None}
    fees = {m.fee for m in methods if m.fee is not None and (m.fee.free or m.fee.amount is not None)}
    return sorted(durations, key=repr), sorted(fees, key=repr)


SAMPLE_DURATIONS, SAMPLE_FEES = _sample_values()


def test_the_sample_has_values_to_read_back() -> None:
    assert len(SAMPLE_DURATIONS) >= 5 and len(SAMPLE_FEES) >= 3


@pytest.mark.parametrize("duration", SAMPLE_DURATIONS, ids=repr)
def test_every_sample_duration_reads_back_with_its_note(duration: Duration) -> None:
    said = wording.with_note(wording.duration_text(duration), duration.note)
    assert parse_time(said) == (_expected(duration), "")


@pytest.mark.parametrize("fee", SAMPLE_FEES, ids=repr)
def test_every_sample_fee_reads_back(fee: Fee) -> None:
    read, why = parse_fee(wording.fee_text(fee))
    assert why == ""
    assert read is not None
    if fee.free:
        assert read.get("free") is True
    else:
        assert (read["amount"], read.get("currency", "VND")) == (fee.amount, fee.currency)


# What wording writes with a decimal comma, thousands dots or another currency
# reads back as the same value, with no note.


def test_half_a_day_reads_back_without_a_note() -> None:
    assert parse_time(wording.duration_text(Duration(0.5, "ngày"))) == ({"value": 0.5, "unit": "ngày"}, "")


def test_a_thousand_days_read_back() -> None:
    assert parse_time(wording.duration_text(Duration(1000, "ngày"))) == ({"value": 1000, "unit": "ngày"}, "")


def test_a_fee_with_cents_reads_back() -> None:
    assert parse_fee(wording.fee_text(Fee(25.5, "USD"))) == ({"amount": 25.5, "currency": "USD"}, "")
    assert parse_fee(wording.fee_text(Fee(1234.5))) == ({"amount": 1234.5}, "")
    assert parse_fee(wording.fee_text(Fee(0.5))) == ({"amount": 0.5}, "")


def test_a_fee_in_euro_reads_back() -> None:
    assert parse_fee(wording.fee_text(Fee(100, "EUR"))) == ({"amount": 100, "currency": "EUR"}, "")


def test_a_fee_with_a_unit_reads_back() -> None:
    assert parse_fee(wording.fee_text(Fee(10, "USD", unit="/bản"))) == ({"amount": 10, "currency": "USD", "unit": "/bản"}, "")


def test_one_channel_at_two_places_reads_back() -> None:
    p = build_procedure("p.yaml", {"methods": [
        {"channel": "trực tiếp", "place": "Ủy ban nhân dân cấp xã", "fee": {"amount": 2000}},
        {"channel": "trực tiếp", "place": "cơ quan đại diện", "fee": {"amount": 10, "currency": "USD"}},
    ]})  # fmt: skip
    cell = "; ".join(wording.per_method(p.methods, lambda m: wording.fee_text(m.fee), label=str))
    assert split_channels(cell) == {
        ("trực tiếp", "tại Ủy ban nhân dân cấp xã"): "2.000 đồng",
        ("trực tiếp", "tại cơ quan đại diện"): "10 USD",
    }
