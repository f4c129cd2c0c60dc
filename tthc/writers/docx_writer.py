"""The decision's annex as a Word document, because decisions are drafted in Word.

Same content as the HTML annex (both come from :mod:`annex_view`), laid out as
Vietnamese administrative documents are: A4 landscape for the wide tables,
Times New Roman (NĐ 30/2020/NĐ-CP, with full Vietnamese coverage in every
office), the table header repeated on each page, rows that do not break
across pages.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
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


def write(changes: ChangeSet, context: Context) -> bytes:
    annex = annex_view.build(changes)
    document = Document()
    _page(document)
    _paragraph(document.add_paragraph(), annex.heading, bold=True, size=14, center=True)
    _paragraph(document.add_paragraph(), annex.title, bold=True, size=13, center=True)
    _paragraph(document.add_paragraph(), annex.attached, italic=True, center=True)
    _paragraph(document.add_paragraph(), "Phần I. DANH MỤC THỦ TỤC HÀNH CHÍNH", bold=True, size=13, center=True)
    for lst in annex.lists:
        _paragraph(document.add_paragraph(), f"{lst.number}. {lst.title}", bold=True, keep_with_next=True)
        if not lst.count:
            _paragraph(document.add_paragraph(), "(Không có.)", italic=True)
            continue
        _table(document, lst)
    _paragraph(document.add_paragraph(), annex.note, italic=True, size=10.5)
    props = document.core_properties
    props.title = xml_safe(f"{annex.heading}: {annex.title}")
    props.subject = xml_safe(f"{context.old_label} → {context.new_label}".strip(" →"))
    props.author = "tthc"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(document: object) -> None:
    from docx.document import Document as DocumentType

    assert isinstance(document, DocumentType)
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


def _table(document: object, lst: annex_view.AnnexList) -> None:
    from docx.document import Document as DocumentType

    assert isinstance(document, DocumentType)
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
                if row.note:
                    _paragraph(c[1].add_paragraph(), row.note, italic=True, size=10.5)
                _cell(c[2], row.time)
                _cell(c[3], [f"- {p}" for p in row.place])
                _cell(c[4], row.fee)
                _cell(c[5], [f"- {b}" for b in row.basis])
                _cell(c[6], row.agency)
    _widths(table, ABOLISHED_WIDTHS if lst.abolished else MAIN_WIDTHS)
    document.add_paragraph()
