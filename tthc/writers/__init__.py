"""Writers turn a diff's change set into output, chosen by name.

Each writer is one module with a ``write(changes, context) -> bytes``
function and one entry in :data:`WRITERS`; they are the only place that
formats a change set. Formats in :data:`NEEDS_FILE` are binary and must be
written with ``--output``.
"""

from __future__ import annotations

from tthc.writers import annex, docx_writer, json_writer, markdown, text
from tthc.writers.base import Context, Writer

WRITERS: dict[str, Writer] = {
    "text": text.write,
    "json": json_writer.write,
    "markdown": markdown.write,
    "annex": annex.write,
    "annex-pdf": annex.write_pdf,
    "docx": docx_writer.write,
}

NEEDS_FILE = frozenset({"docx", "annex-pdf"})

__all__ = ["NEEDS_FILE", "WRITERS", "Context", "Writer"]
