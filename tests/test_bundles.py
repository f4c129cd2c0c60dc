"""Print-ready bundles (``--pdf``): one PDF per posting list and per one-stop shop, and the annex as PDF.

The bundles of the sample (three fields, to keep WeasyPrint's work short)
are read back with poppler's ``pdftotext``: the cover, then every procedure
of the bundle's scope, worked out here from the catalogue itself, on the page
the contents give, in order, and "Trang i/N" on every page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tests.test_diff import load
from tests.test_writers import CONTEXT, before_1186
from tthc import bundles, render
from tthc.catalogue_view import catalogue_view
from tthc.cli import main
from tthc.collation import sort_key
from tthc.diff import diff
from tthc.model import Catalogue, Procedure
from tthc.selection import Filters
from tthc.text import nfc
from tthc.wording import field_name
from tthc.writers import annex_view
from tthc.writers.annex import write_pdf

FIELDS = ("dat-dai", "ho-kinh-doanh", "giao-duc-trung-hoc")
SHOP = "Trung tâm Phục vụ hành chính công tỉnh Quảng Trị"

needs_pdf = pytest.mark.skipif(
    render.pdf_problem() is not None or shutil.which("pdftotext") is None,
    reason="WeasyPrint (pip install 'tthc[pdf]') and poppler's pdftotext are needed",
)


def pages(pdf: Path, layout: bool = False) -> list[str]:
    """The text of each page, NFC; whitespace collapsed, or lines as laid out."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [nfc(page) if layout else " ".join(nfc(page).split()) for page in out.split("\f")[:-1]]


def in_order(catalogue: Catalogue, chosen: list[Procedure]) -> list[Procedure]:
    """The order of a posting list: Vietnamese order of field name, then of procedure name."""
    settings = catalogue.settings
    return sorted(chosen, key=lambda p: (sort_key(field_name(settings, p.field)), p.field, sort_key(p.name), p.code))


@pytest.fixture(scope="module")
def sample() -> Catalogue:
    return load(SAMPLE)


@pytest.fixture(scope="module")
def built(sample: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if render.pdf_problem() is not None:
        pytest.skip("WeasyPrint is not installed")
    out = tmp_path_factory.mktemp("bundles") / "build"
    calls: list[tuple[int, int]] = []
    options = render.RenderOptions(pdf=True, filters=Filters(fields=FIELDS))
    result = render.build(sample, out, options, lambda done, total: calls.append((done, total)))
    written = [f for f in out.rglob("*") if f.is_file() and f.name != ".tthc-output"]
    assert result.files == len(written)  # the bundles counted once each, in the progress too
    assert calls[-1] == (result.files, result.files)
    return out / "sheets"


def scope(sample: Catalogue, level: str = "", agencies: tuple[str, ...] = ()) -> list[Procedure]:
    chosen = [
        p
        for p in sample.procedures
        if p.field in FIELDS
        and (not level or level in p.levels)
        and (not agencies or any(a in agencies for a in p.agencies.performing))
    ]
    return in_order(sample, chosen)


def shop_agencies(sample: Catalogue) -> tuple[str, ...]:
    """Agencies receiving at the Trung tâm: those whose address it is, and the Trung tâm itself."""
    return tuple(a.id for a in sample.settings.agencies.values() if SHOP in (a.address, a.name))


def check_bundle(pdf: Path, expected: list[Procedure], title: str) -> None:
    text = pages(pdf)
    total = len(text)
    for number, page in enumerate(text, 1):
        assert f"Trang {number}/{total}" in page, (pdf.name, number)
    cover = text[0]
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ" in cover.upper()
    assert title in cover and "Mục lục" in cover
    assert f"{len(expected)} thủ tục, {total} trang, áp dụng từ ngày 01/11/2026" in cover
    contents = "".join(page for page in pages(pdf, layout=True) if "Mục lục" in page)
    entries = re.findall(r" (\d\.\d{6}) +(\d+)$", contents, re.MULTILINE)
    assert [code for code, _ in entries] == [p.code for p in expected]  # the contents, in the list's order
    starts = [int(page) for _, page in entries]
    assert starts == sorted(starts) and starts[0] == 1 + len([page for page in text if "Mục lục" in page])
    for p, start in zip(expected, starts, strict=True):
        sheet = text[start - 1]
        assert " ".join(p.name.split()) in sheet and p.code in sheet, (pdf.name, p.code, start)


@needs_pdf
def test_a_bundle_per_level_with_every_procedure_in_order(built: Path, sample: Catalogue) -> None:
    for level, name in (("Cấp tỉnh", "cap-tinh"), ("Cấp xã", "cap-xa")):
        expected = scope(sample, level=level)
        assert expected
        check_bundle(built / "ban-in" / f"{name}.pdf", expected, f"thuộc thẩm quyền giải quyết {level.lower()}")


@needs_pdf
def test_a_bundle_per_one_stop_shop(built: Path, sample: Catalogue) -> None:
    agencies = shop_agencies(sample)
    assert "ttpvhcc-tinh" in agencies and "so-gddt" in agencies
    expected = scope(sample, agencies=agencies)
    assert {p.field for p in expected} == {"dat-dai", "giao-duc-trung-hoc"}
    check_bundle(built / "ban-in" / "mot-cua-trung-tam-phuc-vu-hanh-chinh-cong-tinh-quang-tri.pdf", expected, SHOP)


@needs_pdf
def test_a_bundle_per_agency_and_the_index_links_every_bundle(built: Path, sample: Catalogue) -> None:
    expected = scope(sample, agencies=("vpdkdd",))
    check_bundle(built / "ban-in" / "co-quan-vpdkdd.pdf", expected, "Văn phòng Đăng ký đất đai tỉnh Quảng Trị")
    index = (built / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="(ban-in/[^"]+\.pdf)"', index))
    written = {f"ban-in/{f.name}" for f in (built / "ban-in").iterdir()}
    assert linked == written and len(written) >= 5
    assert "Bản in cho từng bộ phận một cửa" in index


def test_no_bundle_without_pdf(sample: Catalogue, tmp_path: Path) -> None:
    render.render_sheets(sample, tmp_path / "out", render.RenderOptions(filters=Filters(fields=FIELDS)))
    assert not (tmp_path / "out" / "ban-in").exists()
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "ban-in/" not in index and "bộ phận một cửa" not in index


def test_one_stop_shops_are_receiving_addresses(sample: Catalogue) -> None:
    site = catalogue_view(sample)
    shops = {s["title"]: s for s in bundles.shop_lists(sample, site)}
    assert SHOP in shops
    centre = shops[SHOP]
    assert centre["agencies"] == [a["name"] for a in site["agencies"] if SHOP in (a["address"], a["name"])]
    assert len(centre["agencies"]) >= 4
    assert centre["count"] == len({p.code for p in sample.procedures if set(p.agencies.performing) & set(shop_agencies(sample))})
    assert all(s["count"] == sum(len(g["procedures"]) for g in s["groups"]) for s in shops.values())


def test_the_centre_itself_joins_the_shop_it_names(sample: Catalogue) -> None:
    """An agency named as the others' address (the Trung tâm) receives there; one without an address has no shop."""
    site = {
        "agencies": [
            {"id": "tt", "name": "Trung tâm X", "address": ""},
            {"id": "so", "name": "Sở Y", "address": "Trung  tâm X"},
            {"id": "le", "name": "Cơ quan Z", "address": ""},
        ],
        "procedures": [
            {"code": "1", "performing_ids": ["tt"], "field": {"id": "ho-tich"}},
            {"code": "2", "performing_ids": ["so"], "field": {"id": "ho-tich"}},
            {"code": "3", "performing_ids": ["le"], "field": {"id": "ho-tich"}},
        ],
    }
    [shop] = bundles.shop_lists(sample, site)
    assert (shop["title"], shop["agencies"], shop["count"]) == ("Trung tâm X", ["Trung tâm X", "Sở Y"], 2)


def test_contents_give_each_sheet_its_first_page() -> None:
    bundle = {"groups": [{"number": "I", "name": "A", "procedures": [{"code": "1"}, {"code": "2"}]},
                         {"number": "II", "name": "B", "procedures": [{"code": "3"}]}]}
    contents = bundles._contents(bundle, [3, 1, 2], 2)
    assert [[r["page"] for r in g["rows"]] for g in contents] == [[3, 6], [7]]


# --------------------------------------------------------------------------
# The annex as PDF
# --------------------------------------------------------------------------


@needs_pdf
def test_annex_pdf(tmp_path: Path) -> None:
    changes = diff(load(before_1186(tmp_path / "before")), load(SAMPLE))
    pdf = tmp_path / "phu-luc.pdf"
    pdf.write_bytes(write_pdf(changes, CONTEXT))
    text = pages(pdf)
    for number, page in enumerate(text, 1):
        assert f"Trang {number}/{len(text)}" in page
    codes = [row.code for lst in annex_view.build(changes).lists for row in (r for g in lst.groups for r in g.rows)]
    assert codes
    part_one = " ".join(page for page in text if "PHẦN II" not in page.upper())
    positions = [part_one.find(code) for code in codes]
    assert -1 not in positions and positions == sorted(positions)
    sizes = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(len(text)), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Page +1 size: +841\.89 x 595\.2", sizes)  # Phần I: A4 landscape
    assert re.search(rf"Page +{len(text)} size: +595\.2\d* x 841\.89", sizes)  # Phần II: A4 portrait


def test_annex_pdf_needs_an_output_file_and_weasyprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(SAMPLE), "-f", "annex-pdf"])
    assert result.exit_code == 2 and "-o phu-luc.pdf" in result.stderr
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    target = tmp_path / "phu-luc.pdf"
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(SAMPLE), "-f", "annex-pdf", "-o", str(target)])
    assert result.exit_code == 2 and "pip install 'tthc[pdf]'" in result.stderr
    assert "Traceback" not in result.output and not target.exists()
