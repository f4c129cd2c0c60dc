"""Problems found while reading a file, before its content can be checked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from tthc.findings import Finding, Rule, register
from tthc.model import Document


class _YamlRule(Rule):
    layer = "yaml"
    tags: ClassVar[tuple[str, ...]] = ("yaml",)


@register
class Syntax(_YamlRule):
    id = "yaml-syntax"
    title = "YAML không hợp lệ"
    message = "Tệp không đọc được như YAML: {problem}."
    fix = "Sửa cú pháp tại vị trí được chỉ ra: kiểm tra thụt lề, dấu hai chấm sau tên khóa, dấu nháy đóng mở."


@register
class Tab(_YamlRule):
    id = "yaml-tab"
    title = "Thụt lề bằng tab"
    message = "Dòng này thụt lề bằng ký tự tab; YAML chỉ cho phép dấu cách."
    fix = "Thay tab bằng dấu cách (2 dấu cách cho mỗi mức thụt lề)."


@register
class DuplicateKey(_YamlRule):
    id = "yaml-duplicate-key"
    title = "Khóa bị lặp"
    message = "Khóa “{key}” xuất hiện hai lần trong cùng một khối; chỉ giá trị sau được giữ, giá trị trước bị mất."
    fix = "Gộp hai khóa “{key}” làm một, hoặc xóa khóa thừa."


@register
class Tag(_YamlRule):
    id = "yaml-tag"
    title = "Thẻ (tag) YAML"
    message = "Không dùng thẻ YAML “{tag}” trong danh mục; tthc không bao giờ thực thi thẻ."
    fix = "Xóa thẻ “{tag}” và viết giá trị bình thường (đặt văn bản trong dấu nháy nếu cần)."
    tags = ("yaml", "security")


@register
class TooManyAliases(_YamlRule):
    id = "yaml-aliases"
    title = "Quá nhiều alias"
    message = "Tệp dùng quá {limit} alias (*tên), tính cả các alias nằm trong phần được lặp lại; có thể là tệp độc hại (“alias bomb”)."
    fix = "Viết đầy đủ giá trị thay cho alias, hoặc tăng limits.max_aliases trong tthc.yaml nếu thật sự cần."
    tags = ("yaml", "security")


@register
class TooDeep(_YamlRule):
    id = "yaml-depth"
    title = "Lồng quá sâu"
    message = "Dữ liệu lồng sâu quá {limit} mức."
    fix = "Kiểm tra thụt lề và dấu ngoặc [ {{ chưa đóng; tăng limits.max_depth trong tthc.yaml nếu thật sự cần."
    tags = ("yaml", "security")


@register
class TooManyNodes(_YamlRule):
    id = "yaml-nodes"
    title = "Quá nhiều giá trị"
    message = "Tệp có hơn {limit} nút YAML (giá trị, khối, danh sách, kể cả phần alias lặp lại); tthc không đọc tiếp để khỏi treo máy."
    fix = "Kiểm tra tệp có bị dán nhầm dữ liệu hay không, hoặc tách thành nhiều tệp; tăng limits.max_nodes trong tthc.yaml nếu thật sự cần."
    tags = ("yaml", "security")


@register
class Empty(_YamlRule):
    id = "yaml-empty"
    title = "Tệp rỗng"
    message = "Tệp không có nội dung."
    fix = "Điền nội dung (dùng `tthc new` để tạo khung) hoặc xóa tệp."


@register
class FileTooLarge(_YamlRule):
    id = "file-too-large"
    title = "Tệp quá lớn"
    message = "Tệp có {size} byte, vượt giới hạn {limit} byte."
    fix = "Tách nội dung hoặc kiểm tra tệp có bị dán nhầm dữ liệu; tăng limits.max_file_bytes trong tthc.yaml nếu thật sự cần."
    tags = ("yaml", "security")


@register
class BinaryFile(_YamlRule):
    id = "file-binary"
    title = "Tệp nhị phân"
    message = "Tệp không phải văn bản (có byte NUL hoặc ký tự điều khiển)."
    fix = "Xóa tệp này khỏi thư mục danh mục hoặc thay bằng tệp YAML đúng."


@register
class NotUtf8(_YamlRule):
    id = "encoding-not-utf8"
    title = "Không phải UTF-8"
    message = "Tệp không được mã hóa UTF-8; có vẻ là {encoding}."
    fix = "Mở tệp và lưu lại với mã hóa UTF-8 (trong Notepad: Save As → Encoding: UTF-8; trong VS Code: Reopen with Encoding → {encoding}, rồi Save with Encoding → UTF-8)."
    tags = ("yaml", "encoding")


@register
class OutsideCatalogue(_YamlRule):
    id = "file-outside-catalogue"
    title = "Liên kết ra ngoài danh mục"
    message = "Tệp là liên kết (symlink) trỏ ra ngoài thư mục danh mục; tthc không đọc tệp này."
    fix = "Chép nội dung vào thư mục danh mục thay cho liên kết."
    tags = ("security",)


@register
class Unreadable(_YamlRule):
    id = "file-unreadable"
    title = "Không đọc được tệp"
    message = "Không đọc được tệp: {reason}."
    fix = "Kiểm tra quyền đọc tệp và ổ đĩa."


_KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE_FLOW_ITEM = re.compile(r"\{[^{}\n]*,[ \t]*[^\s\"'\[{][^:,{}\n]*[,}]")
"""An item of a ``{…}`` on one line with no “:”: a file without one has no key the comma made."""


@register
class FlowComma(Rule):
    """Run on the loaded data, not by the loader: the file is valid YAML, only not what was meant.

    In ``{…}`` (the style ``tthc new`` writes fees and times in) a comma ends
    a value: ``fee: {amount: 50000, note: 50.000 đồng, nộp khi nhận}`` reads
    as a key “nộp khi nhận” with no value. The schema would call it an
    unknown key; this error at the same key says why, and claims it.
    """

    id = "yaml-flow-comma"
    title = "Dấu phẩy trong { } tách văn bản thành khóa mới"
    message = "Dấu phẩy trong {{ }} kết thúc giá trị của “{previous}”, nên YAML đọc “{key}” thành một khóa không có giá trị."
    fix = 'Đặt cả văn bản trong dấu nháy kép: {previous}: "{joined}"'
    tags = ("yaml",)
    per_document = True

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if doc.text and not _BARE_FLOW_ITEM.search(doc.text):
            return
        yield from self._walk(doc, doc.data, ())

    def _walk(self, doc: Document, value: object, path: tuple[str | int, ...]) -> Iterator[Finding]:
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from self._walk(doc, item, (*path, i))
        if not isinstance(value, dict):
            return
        previous: tuple[str, object] | None = None
        for key, item in value.items():
            if (
                item is None and isinstance(key, str) and not _KEY_NAME.fullmatch(key)
                and previous is not None and isinstance(previous[1], str)
                and (not doc.text or re.search(rf",\s*{re.escape(key)}\s*[,}}]", doc.text))
            ):
                joined = f"{previous[1]}, {key}".replace("\\", "\\\\").replace('"', '\\"')
                yield self.finding(doc.file, (*path, key), at_key=True, key=key, previous=previous[0], joined=joined)
            yield from self._walk(doc, item, (*path, key))
            previous = (str(key), item)
