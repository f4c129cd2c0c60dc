"""New catalogue files that explain themselves: ``tthc new`` and the importer.

A legal officer writing a procedure for the first time does not know the
component names, their order or their shapes; a file that already holds every
component, each with a Vietnamese comment saying what to write and an example,
is faster than any manual. The same skeleton is what ``tthc import`` writes for
a spreadsheet row, with the components the spreadsheet gave filled in.

What the user (or the spreadsheet) has not given is never invented. A required
component with no content is written empty (``steps: []``) and marked
``# CẦN ĐIỀN`` (to fill in), so that ``tthc validate`` reports each one at its
line until it is filled; the file is clearly incomplete, never silently wrong.
Optional components (kind, requirements, forms, note) are shown as commented
examples rather than written empty, because an empty list would claim "none".
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from tthc import fmt

TODO = "CẦN ĐIỀN"
"""The mark on every component left for the user to fill in."""

PROCEDURE_TODO: tuple[tuple[str | int, ...], ...] = (
    ("decisions",),
    ("steps",),
    ("methods", 0, "time"),
    ("methods", 0, "fee"),
    ("dossier", "cases", 0, "items"),
    ("subjects",),
    ("agencies", "performing"),
    ("results",),
    ("legal_basis",),
)
"""Where a fresh procedure scaffold has placeholders: validate reports exactly these."""

DECISION_TODO: tuple[tuple[str | int, ...], ...] = (("title",), ("effective",))
"""Where a fresh decision scaffold has placeholders."""


class ScaffoldError(Exception):
    """The file cannot be created (it exists, or the folder cannot be written); the message says why."""


# --------------------------------------------------------------------------
# Small YAML fragments
# --------------------------------------------------------------------------


def _convert(value: Any, flow: bool) -> Any:
    if isinstance(value, Mapping):
        out = CommentedMap((k, _convert(v, flow)) for k, v in value.items())
        if flow:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_convert(v, flow) for v in value)
        if flow or all(not isinstance(v, Mapping | list | tuple) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _dump(key: str, value: Any, flow: bool = False, indent: int = 0) -> str:
    """``key: value`` as canonical YAML, indented; lists of text in flow style ``[a, b]``."""
    y = fmt.yaml_rt()
    out = io.StringIO()
    y.dump(CommentedMap([(key, _convert(value, flow))]), out)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in out.getvalue().splitlines(keepends=True))


def _comment(text: str, indent: int = 0) -> str:
    pad = " " * indent
    return "".join(f"{pad}# {line}".rstrip() + "\n" for line in text.strip("\n").split("\n"))


def _todo(fragment: str, hint: str = "") -> str:
    """Mark the first line of a fragment as to be filled in."""
    first, sep, rest = fragment.partition("\n")
    mark = f"  # {TODO}" + (f": {hint}" if hint else "")
    return first + mark + sep + rest


# --------------------------------------------------------------------------
# Procedures
# --------------------------------------------------------------------------

_METHODS_HELP = """\
Cách thức thực hiện: một mục cho mỗi kênh nộp hồ sơ (channel): trực tiếp, trực tuyến, bưu chính.
Mỗi kênh có thời hạn giải quyết và phí, lệ phí riêng:
  time: {value: 5, unit: ngày làm việc}   đơn vị: ngày làm việc, ngày, giờ làm việc, giờ, tháng;
        {unit: trong ngày} nếu giải quyết trong ngày
  local_time: thời hạn địa phương cam kết rút ngắn (nếu có), cùng đơn vị với time
  fee: {amount: 50000} (số đồng, không dấu chấm) hoặc {free: true}; basis: văn bản quy định phí
Kênh trực tuyến còn ghi online: toàn trình hoặc một phần (NĐ 42/2022/NĐ-CP) và url."""

_METHODS_MORE = """\
- channel: trực tuyến
  time: {value: 5, unit: ngày làm việc}
  fee: {free: true}
  online: toàn trình
  url: https://dichvucong.gov.vn/...
- channel: bưu chính
  time: {value: 5, unit: ngày làm việc}
  fee: {free: true}"""


@dataclass(frozen=True)
class ProcedureInfo:
    """What is known about a new procedure; anything left empty becomes a placeholder."""

    code: str
    name: str
    field: str
    levels: tuple[str, ...]
    field_name: str = ""
    decisions: tuple[str, ...] = ()
    time: Mapping[str, Any] | None = None
    fee: Mapping[str, Any] | None = None
    performing: tuple[str, ...] = ()
    legal_basis: tuple[Mapping[str, Any], ...] = ()
    agency_ids: tuple[str, ...] = ()
    """Agency ids declared in tthc.yaml, listed in the comment on ``agencies``."""
    source_note: str = ""
    """Where the content came from, for the header (e.g. the spreadsheet row)."""
    remarks: Mapping[str, str] | None = None
    """Text the source gave for a component that could not be read, kept in a comment beside it."""


def procedure_text(info: ProcedureInfo) -> str:
    """A procedure file with every component, Vietnamese comments and ``# CẦN ĐIỀN`` placeholders."""
    remarks = dict(info.remarks or {})

    def remark(key: str) -> str:
        value = remarks.get(key, "")
        return f"nguồn ghi “{' '.join(value.split())}”" if value else ""

    parts: list[str] = []
    header = f"Thủ tục hành chính: {info.name} ({info.code})."
    if info.source_note:
        header += f"\n{info.source_note}"
    header += (
        f"\nĐiền các mục có ghi “{TODO}” theo quyết định công bố và Cơ sở dữ liệu quốc gia về TTHC,"
        "\nrồi chạy `tthc validate` (báo từng mục còn thiếu) và `tthc fmt`."
    )
    parts.append(_comment(header) + "\n")

    parts.append(_comment(
        "Mã số TTHC trên Cơ sở dữ liệu quốc gia, dạng d.dddddd, luôn trong dấu nháy kép.\n"
        "Thủ tục mới chưa có mã: dùng mã tạm \"TAM-<số>\"; khi có mã thì đổi cả tên tệp."
    ))
    parts.append(f'code: "{info.code}"\n')
    parts.append(_comment("Tên thủ tục, đúng như trong quyết định công bố."))
    parts.append(_dump("name", info.name))
    field_label = f" ({info.field_name})" if info.field_name else ""
    parts.append(_comment(
        f"Lĩnh vực: mã (id) khai báo trong tthc.yaml{field_label}; trùng tên thư mục chứa tệp."
    ))
    parts.append(_dump("field", info.field))
    parts.append(_comment(
        "Cấp thực hiện: một hoặc nhiều cấp: Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác\n"
        "(Cấp huyện chỉ có trong danh mục trước 01/7/2025). Ví dụ: [Cấp tỉnh, Cấp xã]."
    ))
    if info.levels:
        parts.append(_dump("level", list(info.levels)))
    else:
        parts.append(_todo("level: []\n", remark("level")))
    parts.append(_comment(
        "Loại thủ tục (không bắt buộc), ví dụ:\nkind: TTHC được giao luật quy định chi tiết"
    ))
    parts.append(_comment(
        "Số quyết định công bố: các quyết định đã công bố hoặc sửa đổi thủ tục, trong dấu nháy kép.\n"
        'Ví dụ: ["1234/QĐ-UBND"]'
    ))
    if info.decisions:
        parts.append(_dump("decisions", list(info.decisions)))
    else:
        parts.append(_todo("decisions: []\n", remark("decisions")))

    parts.append("\n" + _comment(
        "Trình tự thực hiện: các bước theo thứ tự, mỗi bước một mục, trong dấu nháy kép. Ví dụ:\n"
        '  - "Bước 1: Người yêu cầu nộp hồ sơ tại Bộ phận Một cửa."\n'
        '  - "Bước 2: Công chức tiếp nhận kiểm tra hồ sơ, viết phiếu hẹn trả kết quả."'
    ))
    parts.append(_todo("steps: []\n"))

    parts.append("\n" + _comment(_METHODS_HELP))
    parts.append("methods:\n  - channel: trực tiếp\n")
    if info.time:
        parts.append(_dump("time", dict(info.time), flow=True, indent=4))
    else:
        parts.append(_todo("    time: {unit: ngày làm việc}\n", remark("time") or "số lượng, ví dụ value: 5"))
    if info.fee:
        parts.append(_dump("fee", dict(info.fee), flow=True, indent=4))
    else:
        parts.append(_todo("    fee: {}\n", remark("fee") or "amount: 50000 hoặc free: true"))
    parts.append(_comment(_METHODS_MORE, indent=2))

    parts.append("\n" + _comment(
        "Thành phần, số lượng hồ sơ: sets là số bộ (thường 1); cases là các trường hợp (case),\n"
        "mỗi giấy tờ có name, form (mẫu đơn, tờ khai), originals (số bản chính), copies (số bản sao).\n"
        "Ví dụ một giấy tờ:\n"
        "      - name: Tờ khai đăng ký khai sinh\n"
        "        form: Mẫu tờ khai theo Thông tư 04/2024/TT-BTP\n"
        "        originals: 1"
    ))
    parts.append("dossier:\n  sets: 1\n  cases:\n    - case: Giấy tờ phải nộp\n")
    parts.append(_todo("      items: []\n"))

    parts.append("\n" + _comment("Đối tượng thực hiện. Ví dụ: [Công dân Việt Nam, Người nước ngoài]"))
    parts.append(_todo("subjects: []\n"))

    ids = ", ".join(info.agency_ids) if info.agency_ids else "xem agencies trong tthc.yaml"
    parts.append("\n" + _comment(
        f"Cơ quan thực hiện: mã (id) cơ quan khai báo trong tthc.yaml ({ids}).\n"
        "performing: trực tiếp thực hiện; có thể thêm deciding (có thẩm quyền quyết định),\n"
        "authorised (được ủy quyền), coordinating (phối hợp)."
    ))
    parts.append("agencies:\n")
    if info.performing:
        fragment = _dump("performing", list(info.performing), indent=2)
        if remark("agencies"):  # some names were not declared: keep the source's text beside the ids
            fragment = fragment.rstrip("\n") + f"  # {remark('agencies')}; chưa khai báo hết trong tthc.yaml\n"
        parts.append(fragment)
    else:
        parts.append(_todo("  performing: []\n", remark("agencies")))

    parts.append("\n" + _comment(
        "Kết quả thực hiện: giấy tờ trả cho người yêu cầu; code là mã kết quả trên Cổng DVC\n"
        "quốc gia (ví dụ KQ.G15.000031), template là mẫu kết quả. Ví dụ:\n"
        "  - name: Giấy khai sinh (bản chính)"
    ))
    parts.append(_todo("results: []\n"))

    parts.append("\n" + _comment(
        "Yêu cầu, điều kiện thực hiện (nếu có), ví dụ:\n"
        "requirements:\n"
        "  - Người yêu cầu phải xuất trình bản chính giấy tờ tùy thân."
    ))
    parts.append("\n" + _comment(
        "Căn cứ pháp lý: number (số, ký hiệu), type (loại văn bản), date (ngày ban hành), title\n"
        "(trích yếu). Ví dụ:\n"
        "  - number: 60/2014/QH13\n"
        "    type: Luật\n"
        '    date: "2014-11-20"\n'
        "    title: Luật Hộ tịch"
    ))
    if info.legal_basis:
        parts.append(_dump("legal_basis", [dict(ref) for ref in info.legal_basis]))
    else:
        parts.append(_todo("legal_basis: []\n", remark("legal_basis")))

    parts.append("\n" + _comment(
        "Mẫu đơn, tờ khai (nếu có), niêm yết ngay sau thủ tục, ví dụ:\n"
        "forms:\n"
        "  - name: Tờ khai đăng ký khai sinh\n"
        "    source: Thông tư 04/2024/TT-BTP\n"
        "Ghi chú (nếu có):\n"
        "note: …"
    ))
    return fmt.format_text("".join(parts), "procedure")


# --------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInfo:
    number: str
    signed: str
    """ISO date ``YYYY-MM-DD``."""
    issuer: str = ""
    title: str = ""
    effective: str = ""


def decision_text(info: DecisionInfo) -> str:
    """A decision file with every key, Vietnamese comments and placeholders for title and effective date."""
    parts: list[str] = []
    parts.append(_comment(
        f"Quyết định công bố thủ tục hành chính {info.number}.\n"
        f"Điền các mục có ghi “{TODO}”, rồi liệt kê thủ tục theo ba nhóm của phụ lục quyết định.\n"
        "Chạy `tthc validate` để kiểm tra."
    ) + "\n")
    parts.append(_comment("Số, ký hiệu quyết định, trong dấu nháy kép; tên tệp là số này với “/” thay bằng “-”."))
    parts.append(f'number: "{info.number}"\n')
    parts.append(_comment("Trích yếu, ví dụ: Về việc công bố Danh mục thủ tục hành chính lĩnh vực hộ tịch …"))
    parts.append(_dump("title", info.title) if info.title else _todo('title: ""\n'))
    parts.append(_comment("Cơ quan (người) ban hành, ví dụ: Chủ tịch Ủy ban nhân dân tỉnh Quảng Trị."))
    parts.append(_dump("issuer", info.issuer) if info.issuer else _todo('issuer: ""\n'))
    parts.append(_comment("Người ký (không bắt buộc), ví dụ:\nsigner:\n  name: Nguyễn Văn A\n  title: Phó Chủ tịch"))
    parts.append(_comment("Ngày ký và ngày có hiệu lực, dạng \"YYYY-MM-DD\" trong dấu nháy kép."))
    parts.append(f'signed: "{info.signed}"\n')
    parts.append(
        f'effective: "{info.effective}"\n' if info.effective else _todo('effective: ""\n', "ngày có hiệu lực")
    )
    parts.append("\n" + _comment(
        "Căn cứ ban hành (không bắt buộc), ví dụ:\n"
        "legal_basis:\n"
        "  - number: 63/2010/NĐ-CP\n"
        "    type: Nghị định\n"
        "    title: Về kiểm soát thủ tục hành chính"
    ))
    parts.append(_comment(
        "Thủ tục mới ban hành: mã (code), tên (name), văn bản quy định (by) và ngày văn bản đó\n"
        "có hiệu lực (by_effective, không bắt buộc: quyết định phải ký trước ngày này). Ví dụ:\n"
        '  - code: "1.001193"\n'
        "    name: Đăng ký khai sinh\n"
        "    by: 60/2014/QH13\n"
        '    by_effective: "2016-01-01"'
    ))
    parts.append("new: []\n")
    parts.append(_comment(
        "Thủ tục được sửa đổi, bổ sung: thêm components, các thành phần được sửa\n"
        "(name, level, steps, methods, time, fee, dossier, agencies, results, legal_basis …)."
    ))
    parts.append("amended: []\n")
    parts.append(_comment("Thủ tục được thay thế: old (mã cũ), new (mã mới), name, by."))
    parts.append("replaced: []\n")
    parts.append(_comment("Thủ tục bị bãi bỏ: code, name và by (văn bản bãi bỏ) đều bắt buộc; by_effective như trên."))
    parts.append("abolished: []\n")
    parts.append(_comment("Quyết định công bố trước bị bãi bỏ (nếu có), ví dụ: cancels: [\"2150/QĐ-UBND\"]"))
    return fmt.format_text("".join(parts), "decision")


# --------------------------------------------------------------------------
# Writing without overwriting
# --------------------------------------------------------------------------


def create(path: Path, content: str, root: Path) -> None:
    """Write a new file of the catalogue at ``root`` atomically; refuse if it exists, even if it appears meanwhile.

    A symbolic link anywhere from ``root`` to the file raises
    :class:`tthc.atomic.LinkOnWritePath` (not a :class:`ScaffoldError`: the
    catalogue itself is unsafe, so a caller stops rather than skips a row).
    The file gets the mode the user's umask gives.
    """
    from tthc.atomic import LinkOnWritePath, create_atomic

    exists = f"Tệp “{path}” đã có; tthc không ghi đè. Sửa tệp đó, hoặc xóa nó trước nếu muốn tạo lại."
    try:
        create_atomic(path, content.encode("utf-8"), root)
    except LinkOnWritePath:
        raise
    except FileExistsError as error:
        raise ScaffoldError(exists) from error
    except OSError as error:
        raise ScaffoldError(f"Không tạo được tệp “{path}”: {error.strerror or error}.") from error
