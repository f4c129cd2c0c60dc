"""Rendering: files, atomic replacement, confinement, escaping, templates, QR, CLI."""

from __future__ import annotations

import dataclasses
import html.parser
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pytest
from click.testing import CliRunner

from tests.test_views import LONG_NAME, ONLINE_FULL, PLACES, POSTAL, SETTINGS, proc
from tthc import output_folder, parallel, portal, render, templating
from tthc.catalogue_view import catalogue_view
from tthc.cli import main
from tthc.collation import sort_key
from tthc.model import Catalogue
from tthc.output_names import file_name
from tthc.procedure_view import View
from tthc.records import build_procedure
from tthc.selection import Filters
from tthc.text import is_nfc, nfc
from tthc.validate import validate

EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_ATTR = "\"'><img src=x onerror=alert(1)>"
EVIL_URL = "javascript:alert(1)"


# --------------------------------------------------------------------------
# Catalogues on disk (JSON is YAML, so no YAML writer is needed)
# --------------------------------------------------------------------------


def write_catalogue(
    root: Path,
    procedures: list[dict[str, Any]],
    settings: dict[str, Any] | None = None,
    decisions: list[dict[str, Any]] | None = None,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "tthc.yaml").write_text(json.dumps(settings or SETTINGS, ensure_ascii=False), "utf-8")
    for p in procedures:
        folder = root / "procedures" / p["field"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{file_name(p['code'])}.yaml").write_text(json.dumps(p, ensure_ascii=False), "utf-8")
    for d in decisions if decisions is not None else [DECISION]:
        folder = root / "decisions" / "2025"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{d['number'].replace('/', '-')}.yaml").write_text(json.dumps(d, ensure_ascii=False), "utf-8")
    return root


DECISION: dict[str, Any] = {
    "number": "10/QĐ-UBND",
    "title": "Công bố danh mục thủ tục hành chính",
    "issuer": "Chủ tịch Ủy ban nhân dân tỉnh Mẫu",
    "signed": "2025-08-01",
    "effective": "2025-08-01",
    "new": [{"code": "1.001193"}, {"code": "2.000815"}, {"code": "1.000001"}, {"code": "1.000002"}],
}

PROCEDURES = [
    proc("1.001193", "Đăng ký khai sinh", methods=[proc("x", "x")["methods"][0], ONLINE_FULL, POSTAL]),
    proc("2.000815", "Chứng thực bản sao từ bản chính", field="chung-thuc",
         methods=[{**ONLINE_FULL, "online": "một phần"}]),
    proc("1.000001", "Cấp bản sao trích lục hộ tịch"),
    proc("1.000002", "Đăng ký đất đai", field="dat-dai", level=["Cấp tỉnh"],
         agencies={"performing": ["so-tu-phap"]}),
]  # fmt: skip


def loaded(root: Path) -> Catalogue:
    report = validate(root)
    assert report.catalogue is not None
    return report.catalogue


@pytest.fixture
def small(tmp_path: Path) -> Catalogue:
    return loaded(write_catalogue(tmp_path / "catalogue", PROCEDURES))


def evil_catalogue(root: Path) -> Catalogue:
    """Hostile text in every place a template prints catalogue text."""
    settings = {
        **SETTINGS,
        "authority": {"name": f"UBND {EVIL_SCRIPT}"},
        "agencies": [
            {"id": "ubnd-xa", "name": f"UBND xã {EVIL_ATTR}", "address": EVIL_SCRIPT, "website": EVIL_URL},
            {"id": "so-tu-phap", "name": "Sở Tư pháp"},
        ],
        "feedback": {
            "agency": EVIL_ATTR,
            "address": EVIL_SCRIPT,
            "phone": EVIL_ATTR,
            "email": f"a{EVIL_ATTR}@x.vn",
            "website": EVIL_URL,
        },
    }
    evil = proc(
        "1.009999",
        f"Đăng ký {EVIL_SCRIPT} {EVIL_ATTR}",
        kind="Loại khác",
        steps=[f"Bước 1: {EVIL_ATTR}", f"Bước 2: {EVIL_SCRIPT}"],
        methods=[
            {**ONLINE_FULL, "url": EVIL_URL, "note": EVIL_ATTR, "online_reason": EVIL_SCRIPT},
            {**POSTAL, "fee": {"note": EVIL_SCRIPT, "basis": EVIL_ATTR}, "time": {"unit": "ngày", "value": 1, "note": EVIL_ATTR}},
        ],
        dossier={"sets": 1, "cases": [{"case": EVIL_SCRIPT, "items": [{"name": EVIL_ATTR, "form": EVIL_SCRIPT, "note": EVIL_ATTR}]}]},
        subjects=[EVIL_SCRIPT],
        results=[{"name": EVIL_ATTR, "template": EVIL_SCRIPT}],
        requirements=[EVIL_ATTR],
        legal_basis=[{"number": "60/2014/QH13", "type": EVIL_SCRIPT, "title": EVIL_ATTR}],
        forms=[{"name": EVIL_ATTR, "source": EVIL_SCRIPT, "url": EVIL_URL}, {"name": "Tờ khai", "url": "data:text/html,<b>x</b>"}],
        note=EVIL_SCRIPT,
    )  # fmt: skip
    decision = {
        **DECISION,
        "title": EVIL_SCRIPT,
        "new": [{"code": "1.009999", "name": EVIL_ATTR, "by": EVIL_SCRIPT}],
        "abolished": [{"code": "9.000001", "name": EVIL_SCRIPT, "by": EVIL_ATTR}],
        "amended": [{"code": "1.001193", "components": ["fee"], "by": EVIL_ATTR}],
    }
    write_catalogue(root, [*PROCEDURES, evil], settings, [decision])
    return loaded(root)


def places_catalogue(root: Path) -> Catalogue:
    """The small catalogue with 2.000815 as the national record has it: two places, fee units, a 619-letter name."""
    return loaded(write_catalogue(root, [PLACES, *(p for p in PROCEDURES if p["code"] != PLACES["code"])]))


def real_catalogue(root: Path, records: list[dict[str, str]], codes: tuple[str, ...]) -> Catalogue:
    """A catalogue of national-portal records as ``tthc import`` reads them, their fields and agencies declared."""
    converted = [portal.to_procedure(r) for r in records if r.get("ma_thu_tuc") in codes]
    assert sorted(c.code for c in converted) == sorted(codes)
    settings = {
        **SETTINGS,
        "levels": ["Cấp bộ", "Cấp tỉnh", "Cấp xã", "Cơ quan khác"],
        "fields": [{"id": c.data["field"], "name": c.field_name} for c in converted],
        "agencies": [{"id": i, "name": n} for c in converted for i, n in c.agency_names.items()],
    }
    decision = {**DECISION, "new": [{"code": c.code} for c in converted]}
    return loaded(write_catalogue(root, [c.data for c in converted], settings, [decision]))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


# --------------------------------------------------------------------------
# What gets written
# --------------------------------------------------------------------------


def test_build_layout(small: Catalogue, tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = render.build(small, out)
    written = files(out)
    assert result.out == out.resolve() and result.procedures == 4
    for expected in [
        ".tthc-output",
        "sheets/.tthc-output",
        "sheets/index.html",
        "sheets/assets/sheet.css",
        "sheets/thu-tuc/1.001193.html",
        "sheets/danh-muc/cap-xa.html",
        "sheets/danh-muc/cap-tinh.html",
        "sheets/danh-muc/co-quan-ubnd-xa.html",
        "sheets/danh-muc/co-quan-so-tu-phap.html",
        "site/.tthc-output",
        "site/index.html",
        "site/assets/site.css",
        "site/assets/site.js",
        "site/thu-tuc/2.000815.html",
        "site/quyet-dinh/10-qd-ubnd.html",
    ]:
        assert expected in written, expected
    assert result.files == len(written) - 3  # the three markers are not counted
    assert siblings(out) == ["build", "catalogue"]  # no temporary folder left behind


def test_rerender_is_byte_identical(small: Catalogue, tmp_path: Path) -> None:
    render.build(small, tmp_path / "a")
    render.build(small, tmp_path / "b")
    first = files(tmp_path / "a")
    assert first == files(tmp_path / "b")
    render.build(small, tmp_path / "a")  # again, over the previous output
    assert files(tmp_path / "a") == first


def test_sample_catalogue_builds_identically(sample: Path, tmp_path: Path) -> None:
    catalogue = loaded(sample)
    render.build(catalogue, tmp_path / "a")
    render.build(loaded(sample), tmp_path / "b")
    assert files(tmp_path / "a") == files(tmp_path / "b")
    index = (tmp_path / "a" / "site" / "index.html").read_text("utf-8")
    assert index.count('<tr data-i="') == len(catalogue.by_code())


def test_every_page_is_vietnamese_utf8_html(small: Catalogue, tmp_path: Path) -> None:
    render.build(small, tmp_path / "out")
    for path in (tmp_path / "out").rglob("*.html"):
        page = path.read_text("utf-8")
        assert page.startswith("<!DOCTYPE html>\n<html lang=\"vi\">"), path
        assert '<meta charset="utf-8">' in page
        assert "<main" in page
        assert is_nfc(page)


def test_sheet_has_every_component_in_order(small: Catalogue, tmp_path: Path) -> None:
    render.render_sheets(small, tmp_path / "out")
    sheet = (tmp_path / "out" / "thu-tuc" / "1.001193.html").read_text("utf-8")
    headings = re.findall(r'<h2><span class="num">(\d+)\.</span> ([^<]+)</h2>', sheet)
    assert [title for _, title in headings] == [
        "Trình tự thực hiện",
        "Cách thức thực hiện",
        "Thời hạn giải quyết",
        "Phí, lệ phí",
        "Thành phần, số lượng hồ sơ",
        "Đối tượng thực hiện",
        "Cơ quan thực hiện",
        "Kết quả thực hiện",
        "Yêu cầu, điều kiện thực hiện",
        "Căn cứ pháp lý",
        "Mẫu đơn, tờ khai",
    ]
    assert [int(n) for n, _ in headings] == list(range(1, 12))
    for text in [
        "Ủy ban nhân dân tỉnh Mẫu",  # the authority
        "<h1>Đăng ký khai sinh</h1>",
        "1.001193",
        "Dịch vụ bưu chính công ích",
        "Địa phương cam kết: <strong>1,5 ngày làm việc</strong>",
        "8.000 đồng",
        "Bản chính",
        "Bản sao",
        "Số lượng hồ sơ:</strong> 01 bộ",
        "Quyết định số 10/QĐ-UBND ngày 01/08/2025",
        "Tiếp nhận phản ánh, kiến nghị",
        "Số 1, phường Trung tâm",
        "0200 000 000",
        '<a href="mailto:kiemsoat@example.vn">kiemsoat@example.vn</a>',
        '<a href="https://example.vn">https://example.vn</a>',
    ]:
        assert text in sheet, text
    assert sheet.index("Căn cứ pháp lý") < sheet.index("Mẫu đơn, tờ khai") < sheet.index("Tiếp nhận phản ánh")
    css = (tmp_path / "out" / "assets" / "sheet.css").read_text("utf-8")
    assert "size: A4" in css and "break-inside: avoid" in css
    assert re.search(r"html \{[^}]*font-size: 1[3-9]pt", css)


def test_two_places_fee_units_a_time_without_unit_and_the_address(tmp_path: Path) -> None:
    render.build(places_catalogue(tmp_path / "catalogue"), tmp_path / "out")
    for page in (tmp_path / "out" / "sheets" / "thu-tuc" / "2.000815.html", tmp_path / "out" / "site" / "thu-tuc" / "2.000815.html"):
        html_text = page.read_text("utf-8")
        for text in [
            f"<h1>{LONG_NAME}</h1>",  # the whole name, never cut
            # both in-person methods, each with its place, time and fee; the time without unit is its number only
            '<th scope="row">Trực tiếp (tại Ủy ban nhân dân cấp xã)</th>\n<td data-label="Thời hạn giải quyết">5</td>\n'
            '<td data-label="Phí, lệ phí">2.000 đồng/trang</td>',
            '<th scope="row">Trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài)</th>\n'
            '<td data-label="Thời hạn giải quyết"></td>\n<td data-label="Phí, lệ phí">10 USD/bản</td>',
            '<span class="channels">Trực tiếp (tại Ủy ban nhân dân cấp xã):</span> <strong>5</strong></li>',
            "<strong>50.000 đồng/tờ khai</strong>",
            "<dt>Địa chỉ tiếp nhận hồ sơ</dt>\n<dd>Bộ phận Một cửa, số 2 đường Trần Phú</dd>",
        ]:
            assert text in html_text, (page, text)
    posting = (tmp_path / "out" / "sheets" / "danh-muc" / "cap-xa.html").read_text("utf-8")
    assert f'<span class="name">{LONG_NAME}</span>' in posting
    assert "Trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài): 10 USD/bản" in posting


def test_real_records_with_two_places_and_a_619_letter_name(tmp_path: Path, real_records: list[dict[str, str]]) -> None:
    """2.000815 and 1.008494 as the national portal gives them, read by the importer, rendered."""
    cat = real_catalogue(tmp_path / "catalogue", real_records, ("2.000815", "1.008494"))
    long = next(p for p in cat.procedures if p.code == "1.008494")
    assert len(long.name) == 619
    render.build(cat, tmp_path / "out")
    sheet = (tmp_path / "out" / "sheets" / "thu-tuc" / "2.000815.html").read_text("utf-8")
    assert '<th scope="row">Trực tiếp (tại cơ quan đại diện)</th>' in sheet
    assert "<strong>10 USD/bản</strong>" in sheet and "<strong>2.000 đồng/trang</strong>" in sheet
    assert "Tại cơ quan đại diện: 10 USD/bản." in sheet  # the record's own description, under Mô tả
    # the record gives no time: the sheet says so, and does not claim the law sets none
    assert '<section class="component" id="thoi-han">' in sheet and "<li>Không có thông tin.</li>" in sheet
    assert "Không quy định" not in sheet
    for folder in ("sheets", "site"):
        page = (tmp_path / "out" / folder / "thu-tuc" / "1.008494.html").read_text("utf-8")
        assert f"<h1>{long.name}</h1>" in page


def test_site_pages(small: Catalogue, tmp_path: Path) -> None:
    render.render_site(small, tmp_path / "out")
    page = (tmp_path / "out" / "thu-tuc" / "1.001193.html").read_text("utf-8")
    assert 'href="../assets/site.css"' in page and 'src="../assets/site.js"' in page
    assert "data-print" in page  # the print button
    assert '<a href="../quyet-dinh/10-qd-ubnd.html">10/QĐ-UBND</a>' in page
    assert '<a class="button" href="https://dichvucong.gov.vn/nop?ma=1">Nộp hồ sơ trực tuyến</a>' in page
    decision = (tmp_path / "out" / "quyet-dinh" / "10-qd-ubnd.html").read_text("utf-8")
    assert '<a href="../thu-tuc/1.001193.html">Đăng ký khai sinh</a>' in decision
    assert "Thủ tục mới ban hành <span class=\"count\">(4)</span>" in decision
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert '<a href="quyet-dinh/10-qd-ubnd.html">Quyết định số 10/QĐ-UBND</a>' in index
    data = json.loads(re.search(r'<script type="application/json" id="tthc-data">(.*?)</script>', index, re.S)[1])  # type: ignore[index]
    assert [e["code"] for e in data] == ["1.000001", "2.000815", "1.000002", "1.001193"]


CHART_ROW = re.compile(
    r'<tr data-key="[^"]*">\n<th scope="row">([^<]+)</th>\n<td class="num">(\d+)</td>\n'
    r'<td class="share"><span class="meter"><span class="track" aria-hidden="true">'
    r'<span class="fill w-(\d+)"></span></span><span class="pct">([^<]+)</span></span></td>'
)


def chart_rows(index: str) -> dict[str, list[tuple[str, int, int, str]]]:
    """The "Thống kê" section's tables: table id → (label, count, bar width, percent text) per bar."""
    section = re.search(r'<section id="thong-ke".*?</section>', index, re.S)
    assert section is not None, "no statistics section"
    tables = re.findall(r'<table class="chart" id="thong-ke-([^"]+)">(.*?)</table>', section[0], re.S)
    return {
        name: [(label, int(n), int(w), pct) for label, n, w, pct in CHART_ROW.findall(body)] for name, body in tables
    }


def test_statistics_chart_on_the_index(small: Catalogue, tmp_path: Path) -> None:
    render.render_site(small, tmp_path / "out")
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert '<section id="thong-ke" class="stats" aria-labelledby="thong-ke-tieu-de">' in index
    assert '<h2 id="thong-ke-tieu-de">Thống kê</h2>' in index
    assert '<li><a href="#thong-ke">Thống kê</a></li>' in index
    # After the listing, so the search stays at the top; before the decisions.
    assert index.index('id="danh-sach"') < index.index('id="thong-ke"') < index.index('id="quyet-dinh"')
    pct = "\u00a0%"
    # By hand: 1.001193 xã, toàn trình, post, local 1.5 of 3 days; 2.000815 xã, một phần, local 1.5 of 3;
    # 1.000001 xã, in person only; 1.000002 tỉnh, in person only.
    assert chart_rows(index) == {
        "cap": [("Cấp tỉnh", 1, 25, f"25,0{pct}"), ("Cấp xã", 3, 75, f"75,0{pct}")],
        "truc-tuyen": [
            ("Trực tuyến toàn trình", 1, 25, f"25,0{pct}"),
            ("Trực tuyến một phần", 1, 25, f"25,0{pct}"),
            ("Không có trực tuyến", 2, 50, f"50,0{pct}"),
        ],
        "buu-chinh": [("Có", 1, 25, f"25,0{pct}"), ("Không", 3, 75, f"75,0{pct}")],
        "thoi-han": [("Có thời hạn cam kết", 2, 50, f"50,0{pct}"), ("Chỉ có thời hạn luật định", 2, 50, f"50,0{pct}")],
        "linh-vuc": [("Hộ tịch", 2, 50, f"50,0{pct}"), ("Chứng thực", 1, 25, f"25,0{pct}"), ("Đất đai", 1, 25, f"25,0{pct}")],
    }
    assert f"Thời hạn cam kết ngắn hơn thời hạn luật định trung bình 50,0{pct}" in index
    # The page's CSP forbids inline styles: widths are classes, each defined in the stylesheet.
    assert " style=" not in index
    css = (tmp_path / "out" / "assets" / "site.css").read_text("utf-8")
    for width in range(101):
        assert f".w-{width} {{ width: {width}%; }}" in css or (width == 0 and ".w-0 { width: 0; }" in css)


def test_statistics_chart_of_the_sample_matches_tthc_stats(sample: Path, tmp_path: Path) -> None:
    from tthc.stats import compute

    catalogue = loaded(sample)
    figures = compute(catalogue)
    render.render_site(catalogue, tmp_path / "out")
    rows = chart_rows((tmp_path / "out" / "index.html").read_text("utf-8"))
    assert [(label, n) for label, n, _, _ in rows["cap"]] == [(c.label, c.count) for c in figures.by_level]
    assert rows["truc-tuyen"][0][:2] == ("Trực tuyến toàn trình", figures.online_full.count)
    assert rows["buu-chinh"][0][:2] == ("Có", figures.postal.count)
    for bars in rows.values():
        for _, n, width, pct in bars:
            percent = round(100 * n / figures.procedures, 1)
            assert pct == f"{percent:.1f}".replace(".", ",") + "\u00a0%"
            assert width == int(percent + 0.5)


def names_in(page: str, pattern: str) -> list[str]:
    return re.findall(pattern, page)


def test_vietnamese_order_in_index_and_posting_lists(small: Catalogue, tmp_path: Path) -> None:
    render.build(small, tmp_path / "out")
    index = (tmp_path / "out" / "site" / "index.html").read_text("utf-8")
    assert names_in(index, r'<a href="thu-tuc/[^"]+">([^<]+)</a>') == [
        "Cấp bản sao trích lục hộ tịch",
        "Chứng thực bản sao từ bản chính",
        "Đăng ký đất đai",
        "Đăng ký khai sinh",
    ]
    posting = (tmp_path / "out" / "sheets" / "danh-muc" / "cap-xa.html").read_text("utf-8")
    assert names_in(posting, r'<h2 id="linh-vuc-[^"]+">([^<]+)</h2>') == ["I. Lĩnh vực Chứng thực", "II. Lĩnh vực Hộ tịch"]
    assert names_in(posting, r'<span class="name">([^<]+)</span>') == [
        "Chứng thực bản sao từ bản chính",
        "Cấp bản sao trích lục hộ tịch",
        "Đăng ký khai sinh",
    ]


def test_vietnamese_order_in_the_sample_catalogue(sample: Path, tmp_path: Path) -> None:
    render.render_site(loaded(sample), tmp_path / "out")
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    names = names_in(index, r'<a href="thu-tuc/[^"]+">([^<]+)</a>')
    first = {prefix: next(i for i, n in enumerate(names) if n.startswith(prefix)) for prefix in ("Cấp", "Chứng thực", "Đăng ký")}
    last = {prefix: max(i for i, n in enumerate(names) if n.startswith(prefix)) for prefix in ("Cấp", "Chứng thực", "Đăng ký")}
    assert last["Cấp"] < first["Chứng thực"] and last["Chứng thực"] < first["Đăng ký"]
    assert names == sorted(names, key=sort_key)


def test_progress_reaches_the_total(small: Catalogue, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = render.build(small, tmp_path / "out", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (result.files, result.files)
    assert [done for done, _ in calls] == list(range(1, result.files + 1))
    assert {total for _, total in calls} == {result.files}


# --------------------------------------------------------------------------
# Filters and options
# --------------------------------------------------------------------------


def test_sheet_filters(small: Catalogue, tmp_path: Path) -> None:
    options = render.RenderOptions(filters=Filters(levels=("xa",), fields=("ho tich",)))
    result = render.render_sheets(small, tmp_path / "out", options)
    assert result.procedures == 2
    assert sorted(p.name for p in (tmp_path / "out" / "thu-tuc").iterdir()) == ["1.000001.html", "1.001193.html"]
    assert sorted(p.name for p in (tmp_path / "out" / "danh-muc").iterdir()) == ["cap-xa.html", "co-quan-ubnd-xa.html"]


def test_filter_naming_nothing_is_refused(small: Catalogue, tmp_path: Path) -> None:
    with pytest.raises(render.RenderError, match="Không có lĩnh vực “y tế”"):
        render.render_sheets(small, tmp_path / "out", render.RenderOptions(filters=Filters(fields=("y tế",))))
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# QR codes
# --------------------------------------------------------------------------

QR_SVG = re.compile(r'<svg role="img" aria-label="[^"]*" focusable="false" [^>]*viewBox="0 0 (\d+) \1" class="qr">.*?</svg>', re.S)


def svg_matrix(svg: str) -> list[list[int]]:
    """Read the SVG path (runs of dark modules) back into modules: the QR code as drawn."""
    size = int(re.search(r'viewBox="0 0 (\d+) ', svg)[1])  # type: ignore[index]
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg)[1]  # type: ignore[index]
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([^MmHh]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            length = numbers[0] if command == "h" else numbers[0] - x
            for col in range(int(x), int(x + length)):
                grid[int(y)][col] = 1
            x += length
    return grid


def zbar(svg: str) -> str:
    """Decode an inline SVG QR code with zbar, an independent reader: its modules drawn 6 px each into a PGM."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (Debian: zbar-tools) is not installed")
    grid = svg_matrix(svg)
    scale = 6
    pixels = b"".join(b"".join((b"\x00" if v else b"\xff") * scale for v in row) * scale for row in grid)
    side = len(grid) * scale
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "qr.pgm"
        image.write_bytes(b"P5 %d %d 255\n" % (side, side) + pixels)
        decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, check=False)
    return decoded.stdout.decode("utf-8").removesuffix("\n")


@pytest.mark.parametrize(
    "payload",
    [
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        "https://dichvucong.gov.vn/nop?ma=1",
        "https://dichvucong.tinh.gov.vn/Đăng-ký-khai-sinh?mã=1.001193",
        "https://example.vn/" + "x" * 1500,
    ],
)
def test_qr_svg_encodes_the_payload(payload: str) -> None:
    svg = render.qr.svg(payload, 'Mã "QR" <x>')
    assert svg is not None
    assert QR_SVG.fullmatch(svg)
    assert 'aria-label="Mã &quot;QR&quot; &lt;x&gt;"' in svg
    border = 4
    grid = svg_matrix(svg)
    assert all(not any(row) for row in grid[:border] + grid[-border:])
    assert all(not any(row[:border] + row[-border:]) for row in grid)
    assert grid[border][border : border + 7] == [1] * 7  # a finder pattern in the corner
    assert zbar(svg) == payload
    render.qr.svg.cache_clear()
    assert render.qr.svg(payload, 'Mã "QR" <x>') == svg  # drawn again, the same bytes


def test_qr_on_sheets_and_pages_and_no_qr(small: Catalogue, tmp_path: Path) -> None:
    render.build(small, tmp_path / "qr")
    sheet = (tmp_path / "qr" / "sheets" / "thu-tuc" / "1.001193.html").read_text("utf-8")
    svg = QR_SVG.search(sheet)
    assert svg is not None
    assert zbar(svg[0]) == "https://dichvucong.gov.vn/nop?ma=1"
    posting = (tmp_path / "qr" / "sheets" / "danh-muc" / "cap-xa.html").read_text("utf-8")
    assert len(QR_SVG.findall(posting)) == 3
    page = QR_SVG.search((tmp_path / "qr" / "site" / "thu-tuc" / "1.001193.html").read_text("utf-8"))
    assert page is not None and page[0] == svg[0]  # one drawing, shared by the sheet and the page
    assert QR_SVG.search((tmp_path / "qr" / "site" / "thu-tuc" / "1.000001.html").read_text("utf-8"))

    render.build(small, tmp_path / "plain", render.RenderOptions(qr=False))
    for page_file in (tmp_path / "plain").rglob("*.html"):
        assert "<svg" not in page_file.read_text("utf-8"), page_file


def test_build_makes_the_views_once_and_draws_each_code_once(
    small: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet and a page share one view and its QR code: at 10k procedures each extra pass cost minutes."""
    calls = {"views": 0, "codes": 0}
    original, modules = render.procedure_view, render.qr._modules

    def counted_view(*args: Any, **kwargs: Any) -> View:
        calls["views"] += 1
        return original(*args, **kwargs)

    def counted_modules(payload: str) -> Any:
        calls["codes"] += 1
        return modules(payload)

    monkeypatch.setattr(render, "procedure_view", counted_view)
    monkeypatch.setattr(render.qr, "_modules", counted_modules)
    render.qr.svg.cache_clear()
    render.build(small, tmp_path / "out")
    procedures = catalogue_view(small)["procedures"]
    payloads = {p["qr"]["payload"] for p in procedures if p["qr"]}
    assert calls == {"views": len(procedures), "codes": len(payloads)}


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Render the pages of one procedure in two worker processes, whatever the catalogue's size.

    Returns how often this process rendered such pages itself: the workers
    run their own copy of the module, so it stays 0 when they did the work.
    """
    here = {"calls": 0}
    own = render._render_procedures

    def counted(*args: Any, **kwargs: Any) -> Any:
        here["calls"] += 1
        return own(*args, **kwargs)

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parallel, "CHUNK", 8)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.setattr(render, "_render_procedures", counted)
    return here


def test_workers_write_exactly_what_one_process_writes(sample: Path, tmp_path: Path, in_workers: dict[str, int]) -> None:
    with pytest.MonkeyPatch.context() as one_process:
        one_process.setattr(parallel, "PARALLEL_FROM", 10**9)
        render.build(loaded(sample), tmp_path / "one")
        render.build(loaded(sample), tmp_path / "one-filtered", render.RenderOptions(filters=Filters(fields=("ho-tich",))))
    in_workers["calls"] = 0
    seen: list[tuple[int, int]] = []
    result = render.build(loaded(sample), tmp_path / "many", progress=lambda done, total: seen.append((done, total)))
    assert in_workers["calls"] == 0, "the workers, not this process, rendered the pages"
    assert files(tmp_path / "many") == files(tmp_path / "one")
    assert seen[-1] == (result.files, result.files)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    filtered = render.RenderOptions(filters=Filters(fields=("ho-tich",)))
    render.build(loaded(sample), tmp_path / "many-filtered", filtered)
    assert files(tmp_path / "many-filtered") == files(tmp_path / "one-filtered")
    assert 'class="qr"' in (tmp_path / "many" / "sheets" / "danh-muc" / "cap-xa.html").read_text("utf-8"), (
        "the posting lists get the QR codes the workers drew"
    )


def test_a_template_failing_in_a_worker_keeps_the_previous_output(
    sample: Path, tmp_path: Path, in_workers: dict[str, int]
) -> None:
    out = tmp_path / "out"
    render.build(loaded(sample), out)
    before = files(out)
    own = tmp_path / "tinh"
    own.mkdir()
    (own / "sheet.html.j2").write_text("{{ p.name }} {{ 1 // 0 }}", "utf-8")
    with pytest.raises(render.RenderError, match=r"sheet\.html\.j2.*ZeroDivisionError"):
        render.build(loaded(sample), out, render.RenderOptions(templates=own))
    assert files(out) == before
    assert siblings(out) == ["catalogue", "out", "tinh"]


def test_qr_too_long_is_left_out() -> None:
    assert render.qr.svg("https://example.vn/" + "x" * 5000) is None


# --------------------------------------------------------------------------
# Escaping: hostile catalogue text renders inert everywhere
# --------------------------------------------------------------------------


class _Audit(html.parser.HTMLParser):
    """Collects what could execute or navigate: tags, event attributes, URLs, scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.urls += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction", "xlink:href")]
        if tag == "script":
            self.scripts.append(dict(attrs))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.text.append(data)


def audit(page: str) -> _Audit:
    parser = _Audit()
    parser.feed(page)
    parser.close()
    return parser


def test_hostile_text_is_inert_in_every_output(tmp_path: Path) -> None:
    catalogue = evil_catalogue(tmp_path / "catalogue")
    render.build(catalogue, tmp_path / "out")
    pages = sorted((tmp_path / "out").rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        page = path.read_text("utf-8")
        found = audit(page)
        assert "img" not in found.tags, path
        assert found.handlers == [], path
        for url in found.urls:
            scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
            assert scheme is None or scheme[1] in ("http", "https", "mailto"), (path, url)
        for script in found.scripts:
            assert script.get("type") == "application/json" or (script.get("src") or "").endswith("assets/site.js")
        assert "<script>alert" not in page and "<img" not in page, path
        assert "javascript:" not in "".join(found.urls).lower()
    sheet = audit((tmp_path / "out" / "sheets" / "thu-tuc" / "1.009999.html").read_text("utf-8"))
    shown = "".join(sheet.text)
    for hostile in (EVIL_SCRIPT, EVIL_ATTR, EVIL_URL):
        assert hostile in shown  # printed as text for a reviewer to see, never executed
    index = (tmp_path / "out" / "site" / "index.html").read_text("utf-8")
    data = re.search(r'<script type="application/json" id="tthc-data">(.*?)</script>', index, re.S)
    assert data is not None and "<" not in data[1]
    assert any(EVIL_SCRIPT.lower() in entry["fold"] for entry in json.loads(data[1]))


def test_hostile_procedure_never_gets_a_javascript_qr(tmp_path: Path) -> None:
    catalogue = evil_catalogue(tmp_path / "catalogue")
    site = catalogue_view(catalogue)
    target = next(p for p in site["procedures"] if p["code"] == "1.009999")["qr"]
    assert target["payload"].startswith("https://dichvucong.gov.vn/")


# --------------------------------------------------------------------------
# The output folder: refused places, atomic replacement, confinement
# --------------------------------------------------------------------------


def test_refuses_the_catalogue_and_its_parents(small: Catalogue, tmp_path: Path) -> None:
    root = Path(small.root)
    for out in (root, root.parent, root.parent.parent):
        with pytest.raises(render.RenderError, match="bộ danh mục hoặc thư mục chứa nó"):
            render.build(small, out)
    assert (root / "tthc.yaml").is_file()


def test_refuses_root_and_home(small: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(render.RenderError, match="thư mục gốc"):
        render.check_output(Path("/"))
    home = tmp_path / "home" / "user"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for out in (home, home.parent):
        with pytest.raises(render.RenderError, match="thư mục nhà"):
            render.render_site(small, out)
    render.render_site(small, home / "tthc-site")  # inside home is fine
    assert (home / "tthc-site" / "index.html").is_file()


def test_refuses_a_folder_tthc_did_not_make(small: Catalogue, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(render.RenderError, match="không phải do tthc tạo ra"):
        render.render_site(small, out)
    assert (out / "thesis.docx").read_bytes() == b"precious"
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(render.RenderError, match="không phải là thư mục"):
        render.render_site(small, tmp_path / "a-file")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(render.RenderError, match="liên kết"):
        render.render_site(small, link)


def test_empty_or_previous_output_is_replaced_whole(small: Catalogue, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    render.render_site(small, out)  # an empty folder is fine
    (out / "stale.html").write_text("old")
    (tmp_path / "neighbour.txt").write_text("keep")
    render.render_site(small, out)
    assert not (out / "stale.html").exists()
    assert (tmp_path / "neighbour.txt").read_text() == "keep"
    assert siblings(out) == ["catalogue", "neighbour.txt", "out"]


def test_failed_render_keeps_the_previous_output(small: Catalogue, tmp_path: Path) -> None:
    out = tmp_path / "out"
    render.render_site(small, out)
    before = files(out)
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "procedure.html.j2").write_text("{{ no_such_variable }}", "utf-8")
    with pytest.raises(render.RenderError, match=r"procedure\.html\.j2"):
        render.render_site(small, out, render.RenderOptions(templates=broken))
    assert files(out) == before
    assert siblings(out) == ["catalogue", "out", "templates"]


def test_writer_refuses_paths_that_leave_the_folder(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path, target_is_directory=True)
    writer = output_folder.Writer(root, 1, None)
    for bad in ("../x.html", "a/../../x.html", "/etc/passwd", ".hidden", "a//b", "", "a\\..\\b", "link/x.html", "..", "a/./b"):
        with pytest.raises(render.RenderError):
            writer.write(bad, "x")
    writer.write("thu-tuc/1.001193.html", "ok")
    assert (root / "thu-tuc" / "1.001193.html").read_text() == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root"]


def test_codes_with_slashes_stay_inside(tmp_path: Path) -> None:
    """Codes are validated, but the writer must not rely on it."""
    catalogue = loaded(write_catalogue(tmp_path / "catalogue", []))
    hostile = [proc("../../escape", "Thủ tục A"), proc("a/b", "Thủ tục B"), proc("..", "Thủ tục C")]
    catalogue = dataclasses.replace(catalogue, procedures=tuple(build_procedure("x.yaml", p) for p in hostile))
    out = tmp_path / "deep" / "out"
    render.build(catalogue, out)
    assert sorted(p.name for p in (out / "site" / "thu-tuc").iterdir()) == ["a-b.html", "escape.html", "khong-ma.html"]
    assert sorted(p.name for p in (out / "sheets" / "thu-tuc").iterdir()) == ["a-b.html", "escape.html", "khong-ma.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue", "deep"]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]


# --------------------------------------------------------------------------
# Templates: override by name, nothing outside the folders
# --------------------------------------------------------------------------


def test_templates_override_by_name(small: Catalogue, tmp_path: Path) -> None:
    own = tmp_path / "tinh"
    own.mkdir()
    (own / "_brand.html.j2").write_text('<p class="brand">Tỉnh Mẫu: {{ site.authority }}</p>\n', "utf-8")
    (own / "site.css").write_text("body { color: #123456; }\n", "utf-8")
    render.build(small, tmp_path / "out", render.RenderOptions(templates=own))
    index = (tmp_path / "out" / "site" / "index.html").read_text("utf-8")
    assert '<p class="brand">Tỉnh Mẫu: Ủy ban nhân dân tỉnh Mẫu</p>' in index
    assert (tmp_path / "out" / "site" / "assets" / "site.css").read_text("utf-8") == "body { color: #123456; }\n"
    assert (tmp_path / "out" / "site" / "assets" / "site.js").read_text("utf-8") == (
        templating.builtin_templates() / "site.js"
    ).read_text("utf-8")


def test_template_names_cannot_escape_their_folder(tmp_path: Path) -> None:
    own = tmp_path / "tinh"
    own.mkdir()
    (tmp_path / "secret.html.j2").write_text("secret", "utf-8")
    env = templating.environment(own)
    for name in ("../secret.html.j2", "../../etc/passwd", "/etc/passwd", "a/../../secret.html.j2"):
        with pytest.raises(jinja2.TemplateNotFound):
            env.get_template(name)
        with pytest.raises(render.RenderError, match="Không tìm thấy"):
            render._template(env, name)
        with pytest.raises(render.RenderError):
            render._asset(env, name)


def test_a_template_including_outside_is_refused(small: Catalogue, tmp_path: Path) -> None:
    own = tmp_path / "tinh"
    own.mkdir()
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    (own / "_brand.html.j2").write_text('{% include "../secret.txt" %}', "utf-8")
    with pytest.raises(render.RenderError, match=r"Không tìm thấy mẫu|không hiển thị được"):
        render.render_site(small, tmp_path / "out", render.RenderOptions(templates=own))
    assert not (tmp_path / "out").exists()


def test_missing_or_broken_templates_are_clear_errors(small: Catalogue, tmp_path: Path) -> None:
    with pytest.raises(render.RenderError, match="Không tìm thấy thư mục mẫu"):
        render.render_site(small, tmp_path / "out", render.RenderOptions(templates=tmp_path / "nope"))
    own = tmp_path / "tinh"
    own.mkdir()
    (own / "index.html.j2").write_text("{% if %}", "utf-8")
    with pytest.raises(render.RenderError, match="lỗi cú pháp"):
        render.render_site(small, tmp_path / "out", render.RenderOptions(templates=own))


def test_autoescape_is_on_even_in_a_province_template(small: Catalogue, tmp_path: Path) -> None:
    own = tmp_path / "tinh"
    own.mkdir()
    (own / "_brand.html.j2").write_text("<p>{{ '<b>' ~ site.authority }}</p>", "utf-8")
    render.render_site(small, tmp_path / "out", render.RenderOptions(templates=own))
    assert "<p>&lt;b&gt;Ủy ban nhân dân tỉnh Mẫu</p>" in (tmp_path / "out" / "index.html").read_text("utf-8")


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def test_pdf_problem_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes the import fail
    problem = render.pdf_problem()
    assert problem is not None and "pip install 'tthc[pdf]'" in problem


def test_pdf_without_weasyprint_stops_before_writing(small: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(render.PdfUnavailable):
        render.render_sheets(small, tmp_path / "out", render.RenderOptions(pdf=True))
    assert not (tmp_path / "out").exists()


def test_pdf_sheets(small: Catalogue, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Printed with their stylesheet (written before any sheet is printed), the same bytes every time."""
    if render.pdf_problem() is not None:
        pytest.skip("WeasyPrint is not installed (pip install 'tthc[pdf]')")
    options = render.RenderOptions(pdf=True, filters=Filters(codes=("1.001193",)))
    render.render_sheets(small, tmp_path / "a", options)
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint" and r.levelno >= logging.ERROR] == []
    pdf = (tmp_path / "a" / "thu-tuc" / "1.001193.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert (tmp_path / "a" / "danh-muc" / "cap-xa.pdf").read_bytes().startswith(b"%PDF-")
    render.render_sheets(small, tmp_path / "b", options)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", str(tmp_path / "a" / "thu-tuc" / "1.001193.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Đăng ký khai sinh" in nfc(text)
        assert "Tiếp nhận phản ánh" in nfc(text) or "TIẾP NHẬN PHẢN ÁNH" in nfc(text)


# --------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------


def invoke(*args: str, cwd: Path | None = None) -> Any:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args))
    finally:
        os.chdir(old)


def test_cli_build(tmp_path: Path) -> None:
    root = write_catalogue(tmp_path / "catalogue", PROCEDURES)
    result = invoke("build", str(root), "--out", str(tmp_path / "build"))
    assert result.exit_code == 0, result.output
    assert "sheets/index.html" in result.output and "site/index.html" in result.output
    assert (tmp_path / "build" / "sheets" / "index.html").is_file()
    assert (tmp_path / "build" / "site" / "index.html").is_file()


def test_cli_build_defaults_to_build_in_the_working_folder(tmp_path: Path) -> None:
    write_catalogue(tmp_path / "catalogue", PROCEDURES)
    result = invoke("build", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "build" / "site" / "index.html").is_file()


def test_cli_build_stops_on_validation_errors(tmp_path: Path) -> None:
    broken = proc("1.001193", "Đăng ký khai sinh", field="khong-co")
    del broken["steps"]
    root = write_catalogue(tmp_path / "catalogue", [broken])
    result = invoke("build", str(root), "--out", str(tmp_path / "build"))
    assert result.exit_code == 1
    assert "Không hợp lệ" in result.output
    assert "1.001193.yaml" in result.output
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "sheets", "--field", "y tế"], "Không có lĩnh vực “y tế”"),
        (["render", "sheets", "--code", "9.999999"], "Không có thủ tục mã “9.999999”"),
        (["render", "site", "--templates", "/no/such/folder"], "không tìm thấy thư mục mẫu"),
        (["build", "--out", "{root}"], "bộ danh mục hoặc thư mục chứa nó"),
        (["build", "--out", "{documents}"], "không phải do tthc tạo ra"),
    ],
)
def test_cli_errors_exit_2_without_traceback(tmp_path: Path, args: list[str], message: str) -> None:
    root = write_catalogue(tmp_path / "catalogue", PROCEDURES)
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("x")
    args = [a.format(root=root, documents=documents) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "out")]
    result = invoke(*args[:2], str(root), *args[2:]) if args[0] == "render" else invoke(args[0], str(root), *args[1:])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_pdf_without_weasyprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_catalogue(tmp_path / "catalogue", PROCEDURES)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    result = invoke("render", "sheets", str(root), "--pdf", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "pip install 'tthc[pdf]'" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_render_sheets_with_filters(tmp_path: Path) -> None:
    root = write_catalogue(tmp_path / "catalogue", PROCEDURES)
    out = tmp_path / "out"
    result = invoke("render", "sheets", str(root), "--out", str(out), "--level", "Cấp tỉnh", "--no-qr")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "thu-tuc").iterdir()) == ["1.000002.html"]
    assert "<svg" not in (out / "thu-tuc" / "1.000002.html").read_text("utf-8")


def test_cli_help_is_vietnamese() -> None:
    for args in (["render", "--help"], ["render", "sheets", "--help"], ["render", "site", "--help"], ["build", "--help"]):
        result = invoke(*args)
        assert result.exit_code == 0
        assert "thủ tục" in result.output or "danh mục" in result.output
