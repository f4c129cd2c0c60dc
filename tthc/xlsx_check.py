"""An .xlsx workbook from outside, checked before openpyxl builds anything from it.

An .xlsx is a zip of XML parts, and each layer can be turned against the
reader: a megabyte of zip that unpacks to gigabytes of XML, a DOCTYPE whose
entities expand a billion times or name a file on the machine, a sheet whose
few bytes declare a merged range or a hyperlink over every cell of the sheet
(openpyxl builds an object for each), a part cut short. openpyxl would
spend minutes and gigabytes on some of these and raise a parser error with a
traceback on others.

So the zip's directory is checked first (the sizes it declares, before
anything is decompressed), then every XML part is read once, in chunks,
through expat: the bytes actually unpacked count against the same budget (in
case the directory lies), a DOCTYPE refuses the part at once, broken or
unfinished XML is named with its line, and the rows and cells of the sheets
are counted as they pass. Only a workbook that passes is given to openpyxl,
which then parses what is known to be plain, bounded XML (and uses
defusedxml when it is installed, which tthc requires).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.parsers import expat

from tthc.model import Limits
from tthc.wording import number_text

CHUNK = 1 << 20
MAX_PARTS = 10_000
"""Parts of one workbook: Excel writes tens; zipfile spends memory on each one its directory lists."""
XML_PARTS = (".xml", ".rels", ".vml")
"""Parts openpyxl parses as XML; images and printer settings are only sized."""


class WorkbookRefused(Exception):
    """The workbook is broken or over a limit; the message says which, without the file's name."""


class _Count:
    """Bytes unpacked, and rows and cells of the sheets, against the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.bytes = 0
        self.rows = 0
        self.cells = 0

    def add_bytes(self, size: int) -> None:
        self.bytes += size
        if self.bytes > self.limits.max_import_bytes:
            raise WorkbookRefused(_too_large(self.bytes, self.limits.max_import_bytes, "giải nén ra hơn"))

    def add_row(self) -> None:
        self.rows += 1
        if self.rows > self.limits.max_import_rows:
            raise WorkbookRefused(
                f"bảng tính có hơn {number_text(self.limits.max_import_rows)} dòng, vượt giới hạn "
                "limits.max_import_rows trong tthc.yaml; hãy tách tệp hoặc nâng giới hạn."
            )

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > self.limits.max_import_cells:
            raise WorkbookRefused(
                f"bảng tính có hơn {number_text(self.limits.max_import_cells)} ô (kể cả ô gộp, ô có liên kết), "
                "vượt giới hạn limits.max_import_cells trong tthc.yaml; hãy tách tệp hoặc nâng giới hạn."
            )


def _too_large(size: int, limit: int, verb: str) -> str:
    return (
        f"tệp {verb} {number_text(size)} byte, vượt giới hạn {number_text(limit)} byte "
        "(limits.max_import_bytes trong tthc.yaml); hãy tách tệp hoặc nâng giới hạn."
    )


def check_workbook(path: Path, limits: Limits) -> None:
    """Raise :class:`WorkbookRefused` unless ``path`` is a whole .xlsx within ``limits``."""
    size = path.stat().st_size
    if size > limits.max_import_bytes:
        raise WorkbookRefused(_too_large(size, limits.max_import_bytes, "nặng"))
    parts = _parts(path)
    if parts is not None and parts > MAX_PARTS:
        raise WorkbookRefused(
            f"tệp nén có hơn {number_text(MAX_PARTS)} phần; một bảng tính Excel chỉ có vài chục, tệp không được đọc."
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise WorkbookRefused(
            f"không phải tệp nén zip, hoặc tệp bị cắt cụt ({error}); hãy mở lại trong Excel và lưu thành .xlsx."
        ) from error
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or not any(name.endswith("workbook.xml") for name in names):
            raise WorkbookRefused("tệp nén zip này không chứa bảng tính Excel (thiếu xl/workbook.xml).")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_import_bytes:
            raise WorkbookRefused(_too_large(declared, limits.max_import_bytes, "giải nén ra"))
        count = _Count(limits)
        for info in infos:
            if info.filename.lower().endswith(XML_PARTS):
                _scan(archive, info, count)
            else:
                count.add_bytes(info.file_size)


def _parts(path: Path) -> int | None:
    """How many parts the zip's end record says it has, read before zipfile lists them all (None: no record)."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - (1 << 16) - 22))
        tail = stream.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 12:
        return None
    return int.from_bytes(tail[end + 10 : end + 12], "little")  # 0xFFFF (ZIP64) is over MAX_PARTS too


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, count: _Count) -> None:
    """Read one XML part through expat, counting what it unpacks to and, for a sheet, its rows and cells."""
    parser = expat.ParserCreate(namespace_separator=" ")
    part = info.filename

    def doctype(*_: Any) -> None:
        raise WorkbookRefused(
            f"phần {part} có khai báo DOCTYPE/ENTITY; Excel không bao giờ ghi khai báo này, tệp có thể "
            "là tệp độc hại nên không được đọc."
        )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    if part.startswith("xl/worksheets/"):
        parser.StartElementHandler = _sheet_counter(count)
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                count.add_bytes(len(chunk))
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise WorkbookRefused(
            f"phần {part}, dòng {error.lineno}, cột {error.offset + 1}: XML hỏng "
            f"({expat.ErrorString(error.code)}); tệp có thể bị cắt cụt, hãy lưu lại từ Excel."
        ) from error
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise WorkbookRefused(f"phần {part} không giải nén được ({error}); tệp bị hỏng hoặc bị cắt cụt.") from error


def _sheet_counter(count: _Count) -> Any:
    """An expat start-element handler counting rows, cells, and the cells merged ranges and links cover."""

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "c":
            count.add_cells(1)
        elif local == "row":
            count.add_row()
        elif local in ("mergeCell", "hyperlink"):
            count.add_cells(_area(attributes.get("ref", "")))

    return start


def _area(ref: str) -> int:
    """Cells an A1:B2 reference covers (1 for a single cell or one openpyxl will refuse anyway)."""
    from openpyxl.utils.cell import range_boundaries

    try:
        left, top, right, bottom = range_boundaries(ref)
    except (ValueError, TypeError):
        return 1
    if None in (left, top, right, bottom):
        return 1
    return (int(right or 0) - int(left or 0) + 1) * (int(bottom or 0) - int(top or 0) + 1)
