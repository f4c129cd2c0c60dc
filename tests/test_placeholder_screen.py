"""The placeholder rule's second screen (tthc.rules.placeholder_rules._may_hold) never hides a finding.

A first import writes “# CẦN ĐIỀN” beside every value left to fill: its source
holds a mark in every file, but its data none. The screen looks at the data's
``repr``; whatever it lets through, the walk decides as before.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from tthc.model import Document
from tthc.rules import placeholder_rules as P

SOURCE = "code: '1.000001'\ndecisions: []  # CẦN ĐIỀN\nname: {value}\n"


def _doc(data: Any) -> Document:
    return Document("procedures/a/1.000001.yaml", "procedure", data, SOURCE)


def _walked(data: Any) -> list[tuple[Any, ...]]:
    """The findings of the walk alone, the screens left out."""
    return [(path, what) for path, value, key in P.iter_strings(data) if not key
            for what in [P.placeholder(value, phone=bool(path) and path[-1] == "phone")] if what]


@pytest.mark.parametrize(
    "value",
    [
        "Không Có Thông Tin", "N/a", "ĐANG CẬP NHẬT", "Chưa có thông tin", "…", "...", "Tờ khai (MẪU)",
        "( Mẫu)", "cần  điền", "Cần\nđiền", "CẦN\tĐIỀN", "0123456789", "09XX XXX XXX", "0123 456 789",
        "Số …/QĐ-UBND", "Bước 1: ...", "0000 000 000",
    ],
)
def test_every_placeholder_value_passes_the_screen(value: str) -> None:
    data = {"code": "1.000001", "steps": ["Bước 1: nộp hồ sơ.", {"note": value}]}
    assert _walked(data), value  # the value is one, or the case proves nothing
    assert P._may_hold(data)
    assert [f.path for f in P.Placeholder().check_document(_doc(data))] == [path for path, _ in _walked(data)]


def test_a_phone_key_passes_the_screen_with_any_number() -> None:
    data = {"feedback": {"phone": "0211 1111 11xx"}}
    assert _walked(data) and P._may_hold(data)


def test_comments_alone_are_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[Any] = []
    monkeypatch.setattr(P, "iter_strings", lambda data: walked.append(data) or iter(()))
    data = {"code": "1.000001", "decisions": [], "name": unicodedata.normalize("NFC", "Đăng ký khai tử")}
    assert list(P.Placeholder().check_document(_doc(data))) == []
    assert not walked
    assert not P._may_hold(data)
