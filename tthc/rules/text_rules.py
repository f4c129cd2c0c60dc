"""Rules about Vietnamese text itself, over every string of every file."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from typing import ClassVar

from tthc import encodings, text
from tthc.findings import Finding, Rule, Severity, register
from tthc.model import Catalogue, Document, doc_is_nfc, iter_strings


class _TextRule(Rule):
    """A rule over every text of one document.

    Where a rule can tell from the document's source that no value can
    fire (:func:`tthc.text.yaml_source_plain`), it skips the walk over the
    values: that walk was most of a clean validation's rule time. A document
    built without its source (``text`` empty) is always walked.
    """

    tags: ClassVar[tuple[str, ...]] = ("text",)
    per_document = True


@register
class NotNfc(_TextRule):
    """Run over the catalogue, not per document: the fix names the file by its full path, which a document does not know.

    Findings name files from the catalogue's root, and ``tthc fmt`` is run
    from wherever the reader stands (the repository's root, as often as not):
    a path from the root, pasted, would name no file. The full path is right
    from anywhere, and stays right in the cached report, which is kept per
    catalogue folder (tthc.cache). The walk is as cheap as before: one C-speed
    look at each file's source, and values only of a file that fails it.
    """

    id = "text-not-nfc"
    severity = Severity.WARNING
    title = "Văn bản chưa chuẩn hóa Unicode NFC"
    message = "{count} đoạn văn bản dùng dấu tổ hợp (Unicode NFD), thường do dán từ văn bản cũ; tìm kiếm và sắp xếp sẽ sai. Đoạn đầu tiên ở đây."
    fix = "Chạy `tthc fmt {target}` để chuẩn hóa về NFC (nội dung không đổi)."
    per_document = False

    def check(self, catalogue: Catalogue) -> Iterator[Finding]:
        for doc in catalogue.documents.values():
            if doc.data is None or doc_is_nfc(doc):
                continue
            bad = [(path, key) for path, value, key in iter_strings(doc.data) if not text.is_nfc(value)]
            if bad:
                path, key = bad[0]
                full = os.path.join(catalogue.root, doc.file) if catalogue.root else doc.file
                yield self.finding(doc.file, path, at_key=key, count=len(bad), target=shlex.quote(full))


@register
class Mojibake(_TextRule):
    id = "text-mojibake"
    title = "Chữ bị lỗi phông (TCVN3, VNI)"
    message = "Văn bản “{sample}” có vẻ gõ bằng phông {encoding} cũ, hiển thị sai."
    fix = "Gõ lại hoặc chuyển mã sang Unicode (ví dụ bằng Unikey: Công cụ chuyển mã, nguồn {encoding}, đích Unicode). Có lẽ là: “{repaired}”."

    def check_document(self, doc: Document) -> Iterator[Finding]:
        for path, value, key in iter_strings(doc.data):
            encoding = encodings.detect_mojibake(value)
            if encoding:
                repaired = encodings.repair_mojibake(value) or "?"
                yield self.finding(
                    doc.file, path, at_key=key, sample=text.clip(value), encoding=encoding, repaired=text.clip(repaired)
                )


@register
class Invisible(_TextRule):
    id = "text-invisible"
    severity = Severity.WARNING
    title = "Ký tự ẩn hoặc ký tự điều khiển"
    message = "Văn bản có ký tự ẩn {chars}; chúng làm sai tìm kiếm và có thể che nội dung."
    fix = "Xóa các ký tự này (gõ lại đoạn văn bản)."
    tags = ("text", "security")

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if text.yaml_source_plain(doc.text) and not text.has_invisible(doc.text):
            return
        for path, value, key in iter_strings(doc.data):
            found = text.invisible_chars(value)
            if found:
                names = ", ".join(dict.fromkeys(name for _, name in found))
                yield self.finding(doc.file, path, at_key=key, chars=names)
