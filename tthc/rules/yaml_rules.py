"""Problems found while reading a file, before its content can be checked."""

from __future__ import annotations

from typing import ClassVar

from tthc.findings import Rule, register


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
