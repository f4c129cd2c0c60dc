"""The decision's annex as a printable HTML page (A4, Vietnamese fonts), and that page as PDF.

Rendered through :func:`tthc.templating.environment` (autoescaping on, so a
``<script>`` in a procedure name prints as text) from
``templates/annex.html.j2``, which a province can override by name.
"""

from __future__ import annotations

from tthc import text
from tthc.changes import ChangeSet
from tthc.templating import environment
from tthc.writers import annex_view
from tthc.writers.base import Context

TEMPLATE = "annex.html.j2"


def render(changes: ChangeSet, context: Context) -> str:
    annex = annex_view.build(changes)
    page = environment().get_template(TEMPLATE).render(
        annex=annex, old_label=context.old_label, new_label=context.new_label
    )
    return text.nfc(page)


def write(changes: ChangeSet, context: Context) -> bytes:
    return render(changes, context).encode("utf-8")


PAGE_NUMBERS = (
    '@page { @bottom-center { content: "Trang " counter(page) "/" counter(pages) !important;'
    ' font-family: "Times New Roman", "Noto Serif", "DejaVu Serif", serif; font-size: 11pt; } }'
)
"""Printed at the foot of every page, Phần I (landscape) and Phần II (portrait) alike.

Given as the user's stylesheet, which wins over the page's own only when ``!important``."""


def write_pdf(changes: ChangeSet, context: Context) -> bytes:
    """The same page printed to A4 by WeasyPrint: Phần I landscape, Phần II portrait, numbered pages.

    The page needs no other file, so the printer is allowed to read none.
    """
    from tthc.pdf import Printer, pdf_bytes

    return pdf_bytes(Printer(None).document(render(changes, context), [PAGE_NUMBERS]))
