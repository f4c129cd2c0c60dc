"""The numbers superiors ask for, computed from the catalogue alone.

Provincial reports on administrative reform quote a handful of figures: how
many procedures at each level and in each field, how many are offered online
fully (toàn trình) or partly (một phần) and by public postal service, how much
the province cut statutory processing times, which procedures still sit at the
district level abolished on 1 July 2025, and what each announcement decision
changed. Everything here is a pure function of a :class:`~tthc.model.Catalogue`
(no I/O, no printing), so the CLI tables, JSON/CSV output and a chart in the
HTML listing all draw the same numbers.

Counting conventions (stated once, used everywhere):

- a procedure at several levels counts once at each level, so the level
  counts may add up to more than the number of procedures;
- online and postal shares are shares of all procedures, from the channels
  each one lists (``methods``);
- a time cut compares a channel's ``local_time`` with its statutory ``time``
  only when both have a value in the same unit; a procedure's cut is the mean
  over its comparable channels, and the average is over procedures;
- a reporting period (:func:`period`) holds the decisions *signed* in it,
  both ends included, as the quarterly and annual reports on the control of
  administrative procedures count the decisions issued in the period; its
  figures are the entries of those decisions' lists, and "cut" (cắt giảm) is
  the procedures the period took off the list without a successor of their
  own (:func:`cut_count`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from tthc import collation, wording
from tthc.model import DISTRICT, LEVELS, Catalogue, Decision, Procedure


@dataclass(frozen=True)
class Count:
    key: str
    """Stable identifier: a level, a field id, an agency id."""
    label: str
    """What a person reads: the Vietnamese name."""
    count: int


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class TimeCuts:
    with_local_time: int
    """Procedures that state a committed (local) time for at least one channel."""
    compared: int
    """Of those, procedures with at least one channel comparable with its statutory time (same unit)."""
    average_cut_percent: float
    """Mean over compared procedures of their mean cut, in percent of the statutory time."""
    not_comparable: tuple[str, ...] = ()
    """Codes with a local time that could not be compared (other unit, or no value)."""


@dataclass(frozen=True)
class DecisionCount:
    number: str
    signed: str
    effective: str
    new: int
    amended: int
    replaced: int
    abolished: int

    @property
    def total(self) -> int:
        return self.new + self.amended + self.replaced + self.abolished


GROUPS = (("new", "Mới ban hành"), ("amended", "Sửa đổi, bổ sung"), ("replaced", "Thay thế"), ("abolished", "Bãi bỏ"))
"""The lists of an announcement decision, as a period's figures name them."""
CUT_LABEL = "Cắt giảm (bãi bỏ, gộp)"
PERIOD_BASIS = "theo ngày ký quyết định công bố"
"""What places a decision in a period: its signing date (ngày ban hành), never its entry into force."""
NO_DECISION = "Không có quyết định công bố nào ký trong kỳ."


@dataclass(frozen=True)
class Period:
    """The decisions signed from ``start`` to ``end`` (both included; an empty end is open) and their lists, summed."""

    start: str
    end: str
    decisions: tuple[DecisionCount, ...]
    cut: int
    """Procedures taken off the list without a successor of their own (:func:`cut_count`)."""

    def sum_of(self, group: str) -> int:
        """The entries of one list (``new``, ``amended``, ``replaced``, ``abolished``) over the period's decisions."""
        return sum(getattr(d, group) for d in self.decisions)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.decisions)

    @property
    def label(self) -> str:
        """“từ 01/01/2026 đến 31/03/2026”, or one end only."""
        ends = [f"từ {wording.date_text(self.start)}" if self.start else "", f"đến {wording.date_text(self.end)}" if self.end else ""]
        return " ".join(part for part in ends if part) or "mọi thời gian"

    def to_dict(self) -> dict[str, Any]:
        """``from`` and ``to`` as the options name them, ``by`` the basis; a note when no decision falls in it."""
        data = {
            "from": self.start, "to": self.end, "by": "signed", "label": f"{self.label}, {PERIOD_BASIS}",
            "decisions": [{**asdict(d), "total": d.total} for d in self.decisions],
            **{key: self.sum_of(key) for key, _ in GROUPS}, "cut": self.cut, "total": self.total,
        }  # fmt: skip
        if not self.decisions:
            data["note"] = NO_DECISION
        return data


@dataclass(frozen=True)
class Stats:
    procedures: int
    by_level: tuple[Count, ...]
    several_levels: int
    by_field: tuple[Count, ...]
    by_agency: tuple[Count, ...]
    online_full: Share
    online_partial: Share
    online_any: Share
    postal: Share
    time_cuts: TimeCuts
    district: tuple[str, ...]
    """Codes of procedures that still name the district level."""
    decisions: tuple[DecisionCount, ...]
    as_of: str = ""
    period: Period | None = None
    """The figures of a reporting period, when one was asked for."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON and for templates): shares carry their percent; ``period`` only when asked for."""
        data = asdict(self)
        for key in ("online_full", "online_partial", "online_any", "postal"):
            data[key]["percent"] = getattr(self, key).percent
        for entry, decision in zip(data["decisions"], self.decisions, strict=True):
            entry["total"] = decision.total
        del data["period"]
        if self.period is not None:
            data["period"] = self.period.to_dict()
        return data


def _cut(proc: Procedure) -> float | None:
    cuts = []
    for method in proc.methods:
        legal, local = method.time, method.local_time
        if legal and local and legal.value and local.value is not None and legal.unit == local.unit:
            cuts.append(100 * (legal.value - local.value) / legal.value)
    return sum(cuts) / len(cuts) if cuts else None


def time_cuts(procedures: tuple[Procedure, ...]) -> TimeCuts:
    with_local = [p for p in procedures if any(m.local_time is not None for m in p.methods)]
    cuts = {p.code: _cut(p) for p in with_local}
    compared = [c for c in cuts.values() if c is not None]
    return TimeCuts(
        with_local_time=len(with_local),
        compared=len(compared),
        average_cut_percent=round(sum(compared) / len(compared), 1) if compared else 0.0,
        not_comparable=tuple(code for code, c in cuts.items() if c is None),
    )


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _decision_count(d: Decision) -> DecisionCount:
    return DecisionCount(
        number=d.number,
        signed=_date(d.signed),
        effective=_date(d.effective),
        new=len(d.new),
        amended=len(d.amended),
        replaced=len(d.replaced),
        abolished=len(d.abolished),
    )


def cut_count(decisions: Iterable[Decision]) -> int:
    """Cắt giảm: the procedures these decisions took off the list without a successor of their own.

    Each abolished entry is one; where several procedures are replaced by one
    (merged), every one of them but one is too. A procedure that stays on the
    list with fewer papers or a shorter time is simplified (đơn giản hóa), but
    a decision's list says which components changed, not in which direction,
    so it is not counted here: the committed time cuts are their own figure.
    """
    decisions = list(decisions)
    merged: dict[str, set[str]] = {}
    for d in decisions:
        for rep in d.replaced:
            merged.setdefault(rep.new, set()).add(rep.old)
    return sum(len(d.abolished) for d in decisions) + sum(len(olds) - 1 for olds in merged.values())


def period(catalogue: Catalogue, start: dt.date | None, end: dt.date | None) -> Period:
    """The decisions signed from ``start`` to ``end`` (both included, None for an open end), oldest first.

    A draft has not been issued and a decision without a signing date cannot
    be placed (``tthc validate`` reports it): neither belongs to any period.
    """
    inside = [
        d for d in catalogue.decisions_in_order()
        if not d.draft and d.signed is not None
        and (start is None or d.signed >= start) and (end is None or d.signed <= end)
    ]  # fmt: skip
    inside.sort(key=lambda d: (d.signed or dt.date.max, d.number))
    return Period(start=_date(start), end=_date(end), decisions=tuple(map(_decision_count, inside)), cut=cut_count(inside))


Span = tuple[dt.date | None, dt.date | None]
"""A reporting period as asked for: (from, to), None for an open end."""


def compute(catalogue: Catalogue, span: Span | None = None) -> Stats:
    """Every figure of :class:`Stats` for one catalogue; with a ``span``, its :func:`period` too."""
    procedures = catalogue.procedures
    total = len(procedures)
    settings = catalogue.settings

    levels = Counter(level for p in procedures for level in dict.fromkeys(p.levels))
    level_order = [lv for lv in LEVELS if lv in levels] + sorted(set(levels) - set(LEVELS))
    by_level = tuple(Count(lv, lv, levels[lv]) for lv in level_order)

    fields = Counter(p.field for p in procedures)
    field_ids = list(settings.fields) + sorted(set(fields) - set(settings.fields))

    by_field = tuple(
        sorted(
            (Count(fid, wording.field_name(settings, fid), fields[fid]) for fid in field_ids),
            key=lambda c: (-c.count, collation.sort_key(c.label)),
        )
    )

    agencies = Counter(a for p in procedures for a in dict.fromkeys(p.agencies.performing))

    def agency_label(aid: str) -> str:
        return settings.agencies[aid].name if aid in settings.agencies else aid

    by_agency = tuple(
        sorted(
            (Count(aid, agency_label(aid), n) for aid, n in agencies.items()),
            key=lambda c: (-c.count, collation.sort_key(c.label)),
        )
    )

    def online(p: Procedure) -> set[str]:
        return {m.online for m in p.methods if m.channel == "trực tuyến"}

    full = sum(1 for p in procedures if "toàn trình" in online(p))
    partial = sum(1 for p in procedures if "một phần" in online(p) and "toàn trình" not in online(p))
    any_online = sum(1 for p in procedures if any(m.channel == "trực tuyến" for m in p.methods))
    postal = sum(1 for p in procedures if any(m.channel == "bưu chính" for m in p.methods))

    decisions = tuple(map(_decision_count, catalogue.decisions_in_order()))
    return Stats(
        procedures=total,
        by_level=by_level,
        several_levels=sum(1 for p in procedures if len(set(p.levels)) > 1),
        by_field=by_field,
        by_agency=by_agency,
        online_full=Share(full, total),
        online_partial=Share(partial, total),
        online_any=Share(any_online, total),
        postal=Share(postal, total),
        time_cuts=time_cuts(procedures),
        district=tuple(sorted(p.code for p in procedures if DISTRICT in p.levels)),
        decisions=decisions,
        as_of=_date(settings.as_of),
        period=period(catalogue, *span) if span is not None else None,
    )


def rows(stats: Stats) -> list[tuple[str, str, str, str]]:
    """The figures as (section, key, label, value) rows, the shape of the CSV output."""
    out: list[tuple[str, str, str, str]] = [("tong", "procedures", "Tổng số thủ tục", str(stats.procedures))]
    out += [("cap", c.key, c.label, str(c.count)) for c in stats.by_level]
    out.append(("cap", "several", "Thực hiện ở nhiều cấp", str(stats.several_levels)))
    out += [("linh-vuc", c.key, c.label, str(c.count)) for c in stats.by_field]
    out += [("co-quan", c.key, c.label, str(c.count)) for c in stats.by_agency]
    for key, label in wording.SHARE_LABELS.items():
        share: Share = getattr(stats, key)
        out.append(("kenh", key, label, str(share.count)))
        out.append(("kenh", f"{key}_percent", f"{label} (%)", f"{share.percent:g}"))
    cuts = stats.time_cuts
    out.append(("thoi-han", "with_local_time", "Có thời hạn cam kết", str(cuts.with_local_time)))
    out.append(("thoi-han", "compared", "So sánh được (cùng đơn vị)", str(cuts.compared)))
    out.append(("thoi-han", "average_cut_percent", "Rút ngắn trung bình (%)", f"{cuts.average_cut_percent:g}"))
    out.append(("cap-huyen", "count", "Còn ở cấp huyện", str(len(stats.district))))
    out += [("cap-huyen", code, code, "1") for code in stats.district]
    for d in stats.decisions:
        for group, label in (("new", "mới"), ("amended", "sửa đổi"), ("replaced", "thay thế"), ("abolished", "bãi bỏ")):
            out.append(("quyet-dinh", f"{d.number}:{group}", f"{d.number} {label}", str(getattr(d, group))))
    if stats.period is not None:
        out += period_rows(stats.period)
    return out


def period_rows(p: Period) -> list[tuple[str, str, str, str]]:
    """A period's figures as (section, key, label, value) rows: its ends and basis, then its decisions."""
    out = [
        ("ky", "from", "Từ ngày", p.start), ("ky", "to", "Đến ngày", p.end), ("ky", "by", "Tính", PERIOD_BASIS),
        ("ky", "decisions", "Số quyết định công bố", str(len(p.decisions))),
    ]  # fmt: skip
    out += [("ky", key, label, str(p.sum_of(key))) for key, label in GROUPS]
    out += [("ky", "cut", CUT_LABEL, str(p.cut)), ("ky", "total", "Cộng", str(p.total))]
    out += [("ky-quyet-dinh", d.number, d.number, d.signed) for d in p.decisions]
    if not p.decisions:
        out.append(("ky", "note", "Ghi chú", NO_DECISION))
    return out
