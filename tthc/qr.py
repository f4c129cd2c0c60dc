"""QR codes as inline SVG, made on this machine.

Notice boards carry a QR code per procedure (local practice, DOMAIN.md §4).
The code is drawn here with segno (pure Python, maintained, writes SVG,
needs no network) rather than by an online QR service, because a commune's
kiosk may be offline and because sending every procedure's address to a
third party is no business of a government notice board. Inline SVG scales
to any print size without blurring and keeps a page one self-contained file.
"""

from __future__ import annotations

import functools
import html
import io

import segno

__all__ = ["svg"]


@functools.lru_cache(maxsize=8192)  # sheets and site draw the same codes; segno is pure Python
def svg(payload: str, label: str = "Mã QR") -> str | None:
    """The QR code for ``payload`` as one ``<svg>`` element, or ``None`` if it cannot be encoded.

    Error correction M survives a smudged or creased print; the four-module
    quiet zone and the white background keep it scannable on a coloured
    board. The SVG has a viewBox and no size, so CSS sizes it; ``label``
    becomes its accessible name (escaped here: it is the only text in it).
    Output depends on the payload alone, so re-rendering is byte-identical.
    """
    try:
        code = segno.make(payload, error="m", micro=False, boost_error=False)
    except (segno.DataOverflowError, ValueError):
        return None
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        nl=False,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr",
        lineclass=None,
    )
    markup = buffer.getvalue().decode("utf-8")
    accessible = f'<svg role="img" aria-label="{html.escape(label, quote=True)}" focusable="false" '
    return markup.replace("<svg ", accessible, 1)
