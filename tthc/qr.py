"""QR codes as inline SVG, made on this machine.

Notice boards carry a QR code per procedure (local practice, DOMAIN.md §4).
The code is drawn here rather than by an online QR service, because a
commune's kiosk may be offline and because sending every procedure's address
to a third party is no business of a government notice board. Inline SVG
scales to any print size without blurring and keeps a page one
self-contained file.

The modules come from zxing-cpp (a C++ encoder with wheels for Linux, macOS
and Windows): a national catalogue has tens of thousands of procedures, and
the pure-Python encoder used before (segno) spent 15 ms per code choosing
its mask, four minutes of a 10,000-procedure build; zxing-cpp makes the same
standard code, best mask included, in about half a millisecond. The SVG is
written here, so its markup is ours and stays the same whatever the
library's own SVG writer does.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any, cast

import zxingcpp

__all__ = ["Compact", "svg"]

BORDER = 4
"""Quiet zone in modules, as ISO/IEC 18004 asks: without it phones misread a code on a busy board."""

_MODULES = bytes.maketrans(b"\x00\xff", b"10")
"""zxing-cpp draws dark modules as 0 and light ones as 255: b"1" dark, b"0" light."""
_RUN = re.compile(rb"0*1+")
"""A gap and the run of dark modules after it: one step of the path."""


def _modules(payload: str) -> tuple[int, bytes] | None:
    """Side and row-major modules (b"1" dark) of the code for ``payload``, or ``None`` if it cannot be encoded.

    Error correction M survives a smudged or creased print and is never
    raised to a higher level when there is room (a denser code would only be
    harder to scan from across a room).
    """
    try:
        code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        image = code.to_image(scale=1, add_quiet_zones=False)
    except ValueError:  # too long for any version, empty, or not encodable as UTF-8
        return None
    side = int(image.shape[0])
    return side, bytes(memoryview(cast(Any, image))).translate(_MODULES)  # a buffer; its stubs do not say so


def _path(side: int, modules: bytes) -> str:
    """The dark modules as one stroked path of horizontal runs, each row at its middle (y + .5).

    The first run is an absolute move, the others relative moves from the end
    of the previous run: about 3 kB for a portal link, a third of one
    ``<rect>`` per module. Within a row a step depends only on its gap and
    run, so its text is made once and looked up (:data:`_STEPS`): this
    halves the time per code.
    """
    parts: list[str] = []
    end = 0  # where the pen stopped: the end of the last run drawn
    down = 0  # rows from the pen to the current row
    for row in range(side):
        line = modules[row * side : (row + 1) * side]
        steps = _RUN.findall(line)
        down += 1
        if not steps:
            continue
        head = steps[0]
        start = len(head) - len(head.lstrip(b"0"))
        if parts:
            parts.append(f"m{start - end} {down}h{len(head) - start}")
        else:
            parts.append(f"M{start + BORDER} {row + BORDER}.5h{len(head) - start}")
        for step in steps[1:]:
            text = _STEPS.get(step)
            if text is None:
                gap = len(step) - len(step.lstrip(b"0"))
                text = _STEPS[step] = f"m{gap} 0h{len(step) - gap}"
            parts.append(text)
        end = len(line.rstrip(b"0"))
        down = 0
    return "".join(parts)


_STEPS: dict[bytes, str] = {}
"""Path text of a step within a row, by its modules; at most one entry per (gap, run) pair."""


@functools.cache
def svg(payload: str, label: str = "Mã QR") -> str | None:
    """The QR code for ``payload`` as one ``<svg>`` element, or ``None`` if it cannot be encoded.

    The four-module quiet zone and the white background keep it scannable on
    a coloured board. The SVG has a viewBox and no size, so CSS sizes it;
    ``label`` becomes its accessible name (escaped here: it is the only text
    in it). Output depends on the payload and label alone, so re-rendering
    is byte-identical.

    The cache is unbounded on purpose: a build asks for every procedure's
    code from the sheets and again from the site, in the same order, so a
    bounded cache smaller than the catalogue evicts each code just before it
    is asked for again. One code is about 3 kB: 30 MB at 10,000 procedures.
    """
    drawn = _modules(payload)
    if drawn is None:
        return None
    side, modules = drawn
    full = side + 2 * BORDER
    name = html.escape(label, quote=True)
    return (
        f'<svg role="img" aria-label="{name}" focusable="false" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {full} {full}" class="qr">'
        f'<path fill="#fff" d="M0 0h{full}v{full}h-{full}z"/>'
        f'<path stroke="#000" d="{_path(side, modules)}"/></svg>'
    )


class Compact:
    """An SVG kept as UTF-8 until a template inserts it (as :class:`markupsafe.Markup` would be, by ``__html__``).

    The SVG's label has Vietnamese letters, so Python keeps all of it at two
    bytes a character: 6 kB a code. A build keeps every procedure's code to
    the end, for the posting lists: as UTF-8, 3 kB.
    """

    __slots__ = ("data",)

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")

    def __html__(self) -> str:
        return self.data.decode("utf-8")
