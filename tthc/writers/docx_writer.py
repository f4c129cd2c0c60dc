"""The decision's annex as a Word document, because decisions are drafted in Word.

Same content as the HTML annex (both come from :mod:`annex_view`), laid out as
Vietnamese administrative documents are: Phần I on A4 landscape for the wide
tables, Phần II (each procedure in full, running text) on A4 portrait in a
section of its own, Times New Roman (NĐ 30/2020/NĐ-CP, with full Vietnamese
coverage in every office), the table header repeated on each page, heading
rows that do not break across pages.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from tthc.changes import ChangeSet
from tthc.text import xml_safe
from tthc.writers import annex_view
from tthc.writers.base import Context

FONT = "Times New Roman"
MAIN_WIDTHS = (1.3, 5.4, 2.9, 4.1, 3.8, 4.6, 3.7)
ABOLISHED_WIDTHS = (1.3, 2.9, 7.6, 5.6, 3.1, 5.2)
INNER_WIDTHS = {"methods": (2.5, 3.3, 5.5, 5.2), "dossier": (1.3, 8.6, 3.7, 2.9)}
"""Phần II's tables, on a portrait page 16.5 cm wide."""


def write(changes: ChangeSet, context: Context) -> bytes:
    annex = annex_view.build(changes)
    document = Document()
    _page(document)
    _paragraph(document.add_paragraph(), annex.heading, bold=True, size=14, center=True)
    _paragraph(document.add_paragraph(), annex.title, bold=True, size=13, center=True)
    _paragraph(document.add_paragraph(), annex.attached, italic=True, center=True)
    _paragraph(document.add_paragraph(), _part(annex.part_one), bold=True, size=13, center=True, keep_with_next=True)
    if annex.empty:
        _paragraph(document.add_paragraph(), annex.nothing, italic=True)
    for lst in annex.lists:
        _paragraph(document.add_paragraph(), f"{lst.number}. {lst.title}", bold=True, keep_with_next=True)
        _table(document, lst)
    if annex.contents:
        _part_two(document, annex)
    props = document.core_properties
    props.title = xml_safe(f"{annex.heading}: {annex.title}")
    props.subject = xml_safe(f"{context.old_label} → {context.new_label}".strip(" →"))
    props.author = "tthc"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _part(title: str) -> str:
    """"Phần I. DANH MỤC THỦ TỤC HÀNH CHÍNH": the part's name as written, its title in capitals."""
    number, _, rest = title.partition(". ")
    return f"{number}. {rest.upper()}"


def _part_two(document: DocumentType, annex: annex_view.Annex) -> None:
    """Phần II on portrait pages: it is read as running text, not scanned as a table."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    heading = _paragraph(document.add_paragraph(), _part(annex.part_two), bold=True, size=13, center=True)
    heading.paragraph_format.keep_with_next = True
    for lst in annex.contents:
        _paragraph(document.add_paragraph(), f"{lst.number}. {lst.content_title.upper()}", bold=True, center=True,
                   keep_with_next=True)  # fmt: skip
        for group in lst.groups:
            _paragraph(document.add_paragraph(), f"{group.letter}. {group.title}", bold=True, keep_with_next=True)
            for fg in group.fields:
                _paragraph(document.add_paragraph(), f"{fg.numeral}. {fg.title}", bold=True, italic=True,
                           keep_with_next=True)  # fmt: skip
                for row in fg.rows:
                    _procedure(document, row)


def _procedure(document: DocumentType, row: annex_view.Row) -> None:
    title = _paragraph(document.add_paragraph(), f"{row.number}. {row.name}", bold=True, keep_with_next=True)
    title.paragraph_format.space_before = Pt(9)
    _paragraph(document.add_paragraph(), f"Mã số TTHC: {row.code}", keep_with_next=True)
    for note in (row.note, row.by):
        if note:
            _paragraph(document.add_paragraph(), note, italic=True, keep_with_next=True)
    for section in row.content:
        _paragraph(document.add_paragraph(), f"{section.number}. {section.title}", bold=True, keep_with_next=True)
        for block in section.blocks:
            if block.heading:
                _paragraph(document.add_paragraph(), block.heading, italic=True, keep_with_next=True)
            for line in block.lines:
                _paragraph(document.add_paragraph(), f"- {line}" if block.bullets else line).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if block.table is not None:
                _inner_table(document, block.table)


def _inner_table(document: DocumentType, inner: annex_view.Table) -> None:
    table = document.add_table(rows=1, cols=len(inner.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _no_split(header, header=True)
    for cell, name in zip(header.cells, inner.columns, strict=True):
        _cell(cell, [name], bold=True, center=True, size=11)
    for cells in inner.rows:
        row = _add_row(table)
        for i, (cell, lines) in enumerate(zip(row.cells, cells, strict=True)):
            _cell(cell, lines, size=11, center=inner.kind == "dossier" and i in (0, 3))
    _widths(table, INNER_WIDTHS[inner.kind])
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _page(document: DocumentType) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    normal = document.styles["Normal"]
    font = normal.font
    font.name, font.size = FONT, Pt(12)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    paragraph = normal.paragraph_format
    paragraph.space_after = Pt(3)


def _paragraph(
    paragraph: Paragraph,
    content: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    center: bool = False,
    keep_with_next: bool = False,
) -> Paragraph:
    run = paragraph.add_run(xml_safe(content))  # python-docx raises on control characters
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if keep_with_next:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _cell(cell: _Cell, lines: list[str], *, bold: bool = False, italic: bool = False, center: bool = False,
          size: float | None = None) -> None:
    first = cell.paragraphs[0]
    for i, line in enumerate(lines or [""]):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        _paragraph(paragraph, line, bold=bold, italic=italic, center=center, size=size)


def _no_split(row: _Row, header: bool = False) -> None:
    """Heading rows never split (and the header row repeats on each page).

    Data rows may split: a long legal-basis cell would otherwise push a whole
    row to the next page and leave half a page blank.
    """
    props = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    props.append(cant)
    if header:
        repeat = OxmlElement("w:tblHeader")
        props.append(repeat)


def _widths(table: Table, widths: tuple[float, ...]) -> None:
    """Widths on the grid and on every cell: LibreOffice reads the grid, Word the cells."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def _add_row(table: Table) -> _Row:
    row: _Row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves it untyped
    return row


def _span(table: Table, content: str, *, bold: bool = True, italic: bool = False) -> None:
    row = _add_row(table)
    _no_split(row)
    merged = row.cells[0].merge(row.cells[-1])
    _cell(merged, [content], bold=bold, italic=italic)
    merged.paragraphs[0].paragraph_format.keep_with_next = True


def _table(document: DocumentType, lst: annex_view.AnnexList) -> None:
    columns = lst.columns
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _no_split(header, header=True)
    for cell, name in zip(header.cells, columns, strict=True):
        _cell(cell, [name], bold=True, center=True)
    for group in lst.groups:
        _span(table, f"{group.letter}. {group.title}")
        for fg in group.fields:
            if fg.title:
                _span(table, f"{fg.numeral}. {fg.title}", italic=True)
            for row in fg.rows:
                cells = _add_row(table)
                c = cells.cells
                _cell(c[0], [str(row.number)], center=True)
                if lst.abolished:
                    _cell(c[1], [row.code])
                    _cell(c[2], [row.name])
                    _cell(c[3], [row.repealed_by])
                    _cell(c[4], [row.field_name])
                    _cell(c[5], row.agency)
                    continue
                _cell(c[1], [row.name])
                _paragraph(c[1].add_paragraph(), f"Mã: {row.code}", size=10.5)
                for note in (row.note, row.by):
                    if note:
                        _paragraph(c[1].add_paragraph(), note, italic=True, size=10.5)
                _cell(c[2], row.time)
                _cell(c[3], [f"- {p}" for p in row.place])
                _cell(c[4], row.fee)
                _cell(c[5], [f"- {b}" for b in row.basis])
                _cell(c[6], row.agency)
    _widths(table, ABOLISHED_WIDTHS if lst.abolished else MAIN_WIDTHS)
    document.add_paragraph()
