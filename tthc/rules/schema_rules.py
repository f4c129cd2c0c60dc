"""Problems of structure, reported by the JSON Schema layer.

One kind per JSON Schema keyword family, so that a reporter or a CI filter can
tell a missing component from a misspelt key.
"""

from __future__ import annotations

from typing import ClassVar

from tthc.findings import Rule, register


class _SchemaRule(Rule):
    layer = "schema"
    tags: ClassVar[tuple[str, ...]] = ("schema",)


@register
class Required(_SchemaRule):
    id = "schema-required"
    title = "Thiếu thành phần bắt buộc"
    message = "Thiếu “{key}” ({label})."
    fix = "Thêm khóa “{key}:” vào {where}."


@register
class UnknownKey(_SchemaRule):
    id = "schema-unknown-key"
    title = "Khóa không có trong mẫu"
    message = "Khóa “{key}” không thuộc mẫu {kind}.{hint}"
    fix = "Sửa tên khóa cho đúng mẫu (xem `tthc schema {kind_id}`) hoặc xóa khóa này."


@register
class WrongType(_SchemaRule):
    id = "schema-type"
    title = "Sai kiểu giá trị"
    message = "“{key}” ({label}) phải là {expected}, không phải {actual}."
    fix = "Viết lại giá trị thành {expected}.{example}"


@register
class NotAllowed(_SchemaRule):
    id = "schema-enum"
    title = "Giá trị không nằm trong danh sách cho phép"
    message = "“{value}” không phải giá trị hợp lệ của “{key}” ({label})."
    fix = "Chọn một trong: {allowed}."


@register
class BadFormat(_SchemaRule):
    id = "schema-format"
    title = "Sai định dạng"
    message = "“{value}” không đúng định dạng của “{key}” ({label})."
    fix = "{how}"


@register
class EmptyValue(_SchemaRule):
    id = "schema-empty"
    title = "Giá trị rỗng hoặc quá ngắn"
    message = "“{key}” ({label}) để trống hoặc quá ngắn."
    fix = "Điền nội dung cho “{key}”."


@register
class OutOfRange(_SchemaRule):
    id = "schema-range"
    title = "Giá trị ngoài khoảng cho phép"
    message = "“{key}” ({label}) = {value} nằm ngoài khoảng cho phép ({bound})."
    fix = "Sửa giá trị cho hợp lý."


@register
class DuplicateItem(_SchemaRule):
    id = "schema-duplicate-item"
    title = "Mục bị lặp trong danh sách"
    message = "Danh sách “{key}” ({label}) có mục trùng nhau."
    fix = "Xóa mục trùng."


@register
class Invalid(_SchemaRule):
    id = "schema-invalid"
    title = "Không đúng mẫu"
    message = "“{key}” ({label}) không đúng mẫu: {detail}."
    fix = "Xem mẫu bằng lệnh `tthc schema {kind_id}`."
