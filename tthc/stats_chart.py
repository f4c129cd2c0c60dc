"""The "Thống kê" chart of the index page: the figures of :mod:`tthc.stats` as bars a template draws."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from tthc import stats
from tthc.model import Catalogue, Procedure
from tthc.procedure_view import View, unique_procedures
from tthc.wording import SHARE_LABELS, percent_text


def bar_width(percent: float, count: int = 1) -> int:
    """A bar's width in whole percent (0 to 100) of its track: the shown percentage rounded half up.

    Half up, not to even, so "25,5 %" is always drawn 26 wide; a non-zero
    count is never drawn as an empty track (at least 1).
    """
    if count <= 0 or percent <= 0:
        return 0
    return max(1, min(100, int(percent + 0.5)))


def _bar(key: str, label: str, count: int, total: int) -> View:
    percent = round(100 * count / total, 1) if total else 0.0
    return {
        "key": key,
        "label": label or key,
        "count": count,
        "percent": percent,
        "percent_text": percent_text(percent),
        "width": bar_width(percent, count),
    }


def _cut_note(cuts: stats.TimeCuts) -> str:
    """The average cut in words; empty when no committed time could be compared."""
    if not cuts.compared:
        return ""
    way = "ngắn hơn" if cuts.average_cut_percent >= 0 else "dài hơn"
    return (
        f"Thời hạn cam kết {way} thời hạn luật định trung bình {percent_text(abs(cuts.average_cut_percent))}"
        f" (tính trên {cuts.compared} thủ tục so sánh được, cùng đơn vị thời gian)."
    )


def stats_view(catalogue: Catalogue, procedures: Sequence[Procedure] | None = None) -> View:
    """The "Thống kê" chart of the index page, from :func:`tthc.stats.compute`.

    Each group is one small table of bars; a bar has a Vietnamese label, the
    number of procedures, its share of all procedures (rounded to one
    decimal, as ``tthc stats`` prints it) and the width of its bar in whole
    percent, which the template turns into a CSS class (``w-37``): the
    pages' Content-Security-Policy forbids inline ``style`` attributes.

    Order: levels in the order of the administrative hierarchy (Cấp tỉnh
    before Cấp xã, :data:`~tthc.model.LEVELS`); the online and postal groups
    from the most to the least service, with "không" last; fields by count,
    largest first, ties in Vietnamese alphabetical order
    (:func:`tthc.collation.sort_key`): a bar chart is read for what is biggest,
    and a reader looking a field up by name has the "Lĩnh vực" filter and
    the alphabetical listing just above it.

    ``procedures`` (already de-duplicated) defaults to the catalogue's unique
    procedures, so the chart counts exactly the rows of the listing; with no
    duplicate codes this is ``compute(catalogue)`` itself.
    """
    chosen = tuple(procedures) if procedures is not None else tuple(unique_procedures(catalogue))
    figures = stats.compute(dataclasses.replace(catalogue, procedures=chosen))
    total = figures.procedures
    full, partial = figures.online_full.count, figures.online_partial.count
    unstated = figures.online_any.count - full - partial
    online = [
        _bar("toan-trinh", SHARE_LABELS["online_full"], full, total),
        _bar("mot-phan", SHARE_LABELS["online_partial"], partial, total),
    ]
    if unstated > 0:
        online.append(_bar("khac", "Trực tuyến, chưa ghi mức độ", unstated, total))
    online.append(_bar("khong", "Không có trực tuyến", total - figures.online_any.count, total))
    cuts = figures.time_cuts
    groups: list[View] = [
        {
            "id": "cap",
            "title": "Theo cấp thực hiện",
            "head": "Cấp thực hiện",
            "bars": [_bar(c.key, c.label, c.count, total) for c in figures.by_level],
            "notes": [
                f"Có {figures.several_levels} thủ tục thực hiện ở nhiều cấp, được tính ở mỗi cấp."
                if figures.several_levels
                else "",
                f"{len(figures.district)} thủ tục còn ghi cấp huyện (cấp huyện đã kết thúc hoạt động từ ngày 01/7/2025)."
                if figures.district
                else "",
            ],
        },
        {
            "id": "truc-tuyen",
            "title": "Dịch vụ công trực tuyến",
            "head": "Mức độ",
            "bars": online,
            "notes": [],
        },
        {
            "id": "buu-chinh",
            "title": "Nộp hồ sơ, nhận kết quả qua bưu chính công ích",
            "head": "Bưu chính công ích",
            "bars": [
                _bar("co", "Có", figures.postal.count, total),
                _bar("khong", "Không", total - figures.postal.count, total),
            ],
            "notes": [],
        },
        {
            "id": "thoi-han",
            "title": "Thời hạn giải quyết cam kết",
            "head": "Thời hạn",
            "bars": [
                _bar("co", "Có thời hạn cam kết", cuts.with_local_time, total),
                _bar("khong", "Chỉ có thời hạn luật định", total - cuts.with_local_time, total),
            ],
            "notes": [_cut_note(cuts)],
        },
        {
            "id": "linh-vuc",
            "title": "Theo lĩnh vực",
            "head": "Lĩnh vực",
            "bars": [_bar(c.key, c.label, c.count, total) for c in figures.by_field if c.count],
            "notes": [],
        },
    ]
    for group in groups:
        group["notes"] = [note for note in group["notes"] if note]
    return {
        "procedures": total,
        "average_cut_percent": cuts.average_cut_percent,
        "compared": cuts.compared,
        "groups": groups,
    }


