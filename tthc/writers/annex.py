"""The decision's annex as a printable HTML page (A4, Vietnamese fonts).

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
