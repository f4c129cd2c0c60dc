"""Every legal change is announced: the rules of ``tthc diff --require-decisions``.

They read what changed between two revisions (a :class:`~tthc.changes.ChangeSet`),
not one catalogue, so they form a layer of their own (``diff``) that
validation never runs. A procedure counts as announced when a decision added
(or changed) between the two sides lists it in the matching group: a new
procedure under ``new`` (or as the successor in ``replaced``), an abolished
one under ``abolished`` (or as the predecessor in ``replaced``), a
replacement under ``replaced`` (or as abolished plus new), an amended one
under ``amended`` naming every legal component that changed. Editorial
changes (see :mod:`tthc.editorial`) need nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tthc import locator
from tthc.changes import ChangeSet
from tthc.findings import Finding, Rule, register
from tthc.model import COMPONENTS

__all__ = ["Unannounced", "unannounced"]


class _AnnouncementRule(Rule):
    layer: ClassVar[str] = "diff"
    tags: ClassVar[tuple[str, ...]] = ("decision", "diff")
    fix: ClassVar[str] = (
        "Nêu thay đổi trong một quyết định công bố được thêm (hoặc sửa) giữa hai phiên bản so sánh;"
        " thay đổi chỉ về câu chữ (biên tập) thì không cần."
    )


@register
class NewUnannounced(_AnnouncementRule):
    id = "unannounced-new"
    title = "Thủ tục mới chưa được quyết định nào trong khoảng so sánh công bố"
    message = "thủ tục mới chưa được công bố: thêm mã {code} vào mục “new” của {where}{elsewhere}."


@register
class AbolishedUnannounced(_AnnouncementRule):
    id = "unannounced-abolished"
    title = "Thủ tục bị xóa khỏi danh mục mà chưa có quyết định bãi bỏ"
    message = (
        "thủ tục bị xóa khỏi danh mục nhưng chưa có quyết định bãi bỏ: thêm mã {code} (kèm “by”: văn bản quy"
        " định việc bãi bỏ) vào mục “abolished” của {where}{elsewhere}."
    )


@register
class ReplacedUnannounced(_AnnouncementRule):
    id = "unannounced-replaced"
    title = "Thủ tục được thay thế mà chưa có quyết định công bố việc thay thế"
    message = (
        "thay thế {old} bằng {code} chưa được công bố: thêm “replaced: - old: {old}, new: {code}” vào"
        " {where}{guess}{elsewhere}."
    )


@register
class AmendedUnannounced(_AnnouncementRule):
    id = "unannounced-amended"
    title = "Nội dung pháp lý của thủ tục bị sửa mà chưa có quyết định công bố"
    message = (
        "sửa đổi ({names}) chưa được công bố: thêm mã {code} vào mục “amended” của {where} với components:"
        " [{components}]{elsewhere}."
    )


@register
class ComponentsUnannounced(_AnnouncementRule):
    id = "unannounced-components"
    title = "Quyết định công bố sửa đổi chưa nêu hết các thành phần đã sửa"
    message = (
        "thành phần đã sửa nhưng quyết định chưa nêu: {names}; thêm {components} vào “components” của mục"
        " “amended” cho mã {code}."
    )


@dataclass(frozen=True)
class Unannounced:
    """One finding of these rules, with the procedure's name that the diff writers show beside it."""

    finding: Finding
    name: str
    components: tuple[str, ...] = ()
    """The legal components that no decision in the range names (amendments only)."""

    @property
    def code(self) -> str:
        return self.finding.code or ""

    @property
    def message(self) -> str:
        return self.finding.message


def unannounced(changes: ChangeSet) -> list[Unannounced]:
    """Procedures whose legal change is not listed in a decision added or changed in the range.

    Each finding is placed at the procedure's code in its file on the new
    side (on the old side for an abolished one, which has no file any more).
    """
    decisions = changes.announcing()
    numbers = ", ".join(d.number for d in decisions)
    where = f"quyết định {numbers}" if decisions else "một quyết định công bố mới (chưa có quyết định nào được thêm)"
    new_codes = {e.code for d in decisions for e in d.new} | {r.new for d in decisions for r in d.replaced}
    gone_codes = {e.code for d in decisions for e in d.abolished} | {r.old for d in decisions for r in d.replaced}
    pairs = {(r.old, r.new) for d in decisions for r in d.replaced}
    amended_entries: dict[str, list[tuple[str, ...]]] = {}
    for d in decisions:
        for e in d.amended:
            amended_entries.setdefault(e.code, []).append(e.components)
    older = changes.after.decisions if changes.after is not None else ()
    recorded = {d.number for d in decisions}

    def elsewhere(*codes: str) -> str:
        listed = sorted(
            {d.number for d in older if d.number not in recorded and any(c in set(d.codes()) for c in codes)}
        )
        return f" (đang được nêu ở {', '.join(listed)}, nhưng quyết định đó không được thêm hay sửa trong khoảng so sánh)" if listed else ""

    out: list[Unannounced] = []
    for proc in changes.new:
        if proc.code not in new_codes:
            finding = NewUnannounced.finding(proc.file, ("code",), code=proc.code, where=where, elsewhere=elsewhere(proc.code))
            out.append(Unannounced(finding, proc.name))
    for proc in changes.abolished:
        if proc.code not in gone_codes:
            finding = AbolishedUnannounced.finding(proc.file, ("code",), code=proc.code, where=where, elsewhere=elsewhere(proc.code))
            out.append(Unannounced(finding, proc.name))
    for rep in changes.replaced:
        if (rep.old.code, rep.new.code) not in pairs and not (rep.old.code in gone_codes and rep.new.code in new_codes):
            guess = " (cặp này do tthc đoán theo tên gần giống; nếu không phải thay thế, công bố riêng: mới và bãi bỏ)" if rep.guessed else ""
            finding = ReplacedUnannounced.finding(
                rep.new.file, ("code",), code=rep.new.code, old=rep.old.code, where=where, guess=guess,
                elsewhere=elsewhere(rep.old.code, rep.new.code),
            )  # fmt: skip
            out.append(Unannounced(finding, rep.new.name))
    for item in changes.amended:
        legal = item.components(legal_only=True)
        if not legal:
            continue
        entries = amended_entries.get(item.code, []) + (amended_entries.get(item.old.code, []) if item.code_assigned else [])
        if not entries:
            finding = AmendedUnannounced.finding(
                item.new.file, ("code",), code=item.code, where=where, names=", ".join(COMPONENTS[c] for c in legal),
                components=", ".join(legal), elsewhere=elsewhere(item.code, item.old.code),
            )  # fmt: skip
            out.append(Unannounced(finding, item.name, legal))
            continue
        listed = {c for comps in entries for c in comps}
        missing = tuple(c for c in legal if listed and c not in listed)
        if missing:
            finding = ComponentsUnannounced.finding(
                item.new.file, ("code",), code=item.code, names=", ".join(COMPONENTS[c] for c in missing),
                components=", ".join(missing),
            )  # fmt: skip
            out.append(Unannounced(finding, item.name, missing))
    return _located(out, changes)


def _located(offences: list[Unannounced], changes: ChangeSet) -> list[Unannounced]:
    """Each finding with its line and column in the new side's file (1:1 where that file is gone)."""
    documents = changes.after.documents if changes.after is not None else {}
    texts = {o.finding.file: documents[o.finding.file].text for o in offences if o.finding.file in documents}
    findings = locator.locate([o.finding for o in offences], texts)
    return [Unannounced(f, o.name, o.components) for f, o in zip(findings, offences, strict=True)]
