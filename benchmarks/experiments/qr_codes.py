#!/usr/bin/env python3
"""What the QR codes on sheets and pages cost, and how to make them cheap.

    python benchmarks/experiments/qr_codes.py [--codes 200] [--procedures 10000]

``tthc build`` draws one QR code per procedure for the sheets and again for
the site, through ``tthc.qr.svg`` (segno, pure Python, behind an
``lru_cache(maxsize=8192)``). Measured here, per code:

* tthc.qr.svg as it is (segno picks the best of 8 masks: 8 full penalty
  evaluations in Python);
* segno with one fixed mask (a valid QR code; only the readability penalty
  is not optimised) plus the same SVG serialisation;
* zxing-cpp (C++), if installed;

and, by simulation, how many codes a build of ``--procedures`` draws with the
LRU cache as it is: build asks for every code in the same order twice
(sheets, then site), so above 8,192 procedures every second request misses.
"""

from __future__ import annotations

import argparse
import functools
import io
import time

import segno

from tthc import qr

URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.{:06d}"


def _per_code(draw: object, count: int) -> float:
    start = time.perf_counter()
    for i in range(count):
        draw(URL.format(i))  # type: ignore[operator]
    return (time.perf_counter() - start) / count


def _segno_fixed_mask(payload: str) -> str:
    code = segno.make(payload, error="m", micro=False, boost_error=False, mask=0)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", xmldecl=False, svgns=True, omitsize=True, nl=False, border=4,
              dark="#000", light="#fff", svgclass="qr", lineclass=None)
    return buffer.getvalue().decode()


def _misses(procedures: int, maxsize: int | None) -> int:
    @functools.lru_cache(maxsize=maxsize)
    def draw(i: int) -> int:
        return i

    for _ in ("sheets", "site"):
        for i in range(procedures):
            draw(i)
    return draw.cache_info().misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--procedures", type=int, default=10_000)
    args = parser.parse_args()
    qr.svg.cache_clear()
    rows = {"tthc.qr.svg (segno, best of 8 masks)": _per_code(qr.svg, args.codes)}
    rows["segno, one fixed mask, same SVG"] = _per_code(_segno_fixed_mask, args.codes)
    try:
        import zxingcpp

        rows["zxing-cpp (C++), SVG"] = _per_code(
            lambda p: zxingcpp.write_barcode_to_svg(zxingcpp.create_barcode(p, zxingcpp.BarcodeFormat.QRCode,
                                                                            ec_level="M")), args.codes)
    except ImportError:
        pass
    base = rows["tthc.qr.svg (segno, best of 8 masks)"]
    print(f"{args.codes} codes each\n\n| QR drawing | ms per code | vs now |\n|---|---:|---:|")
    for name, seconds in rows.items():
        print(f"| {name} | {seconds * 1000:.2f} | {seconds / base:.2f} |")
    n = args.procedures
    now, unbounded = _misses(n, 8192), _misses(n, None)
    print(f"\nA build of {n:,} procedures draws {now:,} codes with lru_cache(8192) and {unbounded:,} with an "
          f"unbounded cache (or one drawing per procedure shared by sheets and site): "
          f"{now * base:.0f} s vs {unbounded * base:.0f} s at {base * 1000:.1f} ms per code; "
          f"{unbounded * rows['segno, one fixed mask, same SVG']:.0f} s with a fixed mask.")


if __name__ == "__main__":
    main()
