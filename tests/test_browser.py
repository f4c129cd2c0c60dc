"""The listing site in a real headless Chromium, opened from file:// as on an offline kiosk.

Driven by Playwright for Python against Debian's ``chromium`` (never a
browser downloaded by ``playwright install``). Locally the tests skip with
the reason when Chromium or Playwright is missing; in CI (``CI=true``) they
fail instead, so a broken setup cannot pass as green.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE
from tests.test_render import EVIL_ATTR, EVIL_SCRIPT, evil_catalogue, loaded, places_catalogue
from tests.test_views import LONG_NAME
from tthc import collation, render, text


class Watched:
    """A page plus every request, dialog and console error it caused."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self._dialog)
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def off_disk(self) -> list[str]:
        """Requests to anything but a local file: there must be none."""
        return [url for url in self.requests if not url.startswith("file://")]


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = Watched(context.new_page())
    try:
        yield page
    finally:
        assert page.off_disk() == [], "the page asked the network for something"
        assert page.dialogs == []
        context.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "build"
    render.build(loaded(SAMPLE), out)
    return out / "site"


def url(path: Path) -> str:
    return path.resolve().as_uri()


def visible_rows(page: Any) -> list[list[str]]:
    rows: list[list[str]] = page.eval_on_selector_all(
        "#danh-sach tbody tr",
        "rows => rows.filter(r => !r.hidden && r.offsetParent !== null)"
        ".map(r => Array.from(r.cells, c => c.innerText.trim()))",
    )
    return rows


def test_search_without_diacritics(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto(url(site / "index.html"))
    total = len(visible_rows(page))
    assert total >= 40
    assert any(u.endswith("/site/assets/site.js") for u in watched.requests)  # the listener sees file:// too
    search = page.get_by_label("Tìm theo tên hoặc mã thủ tục")
    search.press_sequentially("dang ky khai sinh")
    rows = visible_rows(page)
    names = [row[1] for row in rows]
    assert "Đăng ký khai sinh" in names
    assert 0 < len(rows) < total  # non-matching rows are hidden
    assert all(all(word in text.fold(" ".join(row)) for word in ("dang", "ky", "khai", "sinh")) for row in rows)
    hidden = page.eval_on_selector_all("#danh-sach tbody tr[hidden]", "rows => rows.length")
    assert hidden == total - len(rows)
    assert page.locator("#ket-qua").inner_text() == f"Tìm thấy {len(rows)} trong số {total} thủ tục."
    search.fill("ĐĂNG KÝ KHAI SINH")  # upper case and diacritics find the same
    assert [row[1] for row in visible_rows(page)] == names


def test_search_by_code(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto(url(site / "index.html"))
    page.get_by_label("Tìm theo tên hoặc mã thủ tục").fill("1.001193")
    rows = visible_rows(page)
    assert [(row[0], row[1]) for row in rows] == [("1.001193", "Đăng ký khai sinh")]
    page.get_by_label("Tìm theo tên hoặc mã thủ tục").fill("khong co thu tuc nao nhu the nay")
    assert visible_rows(page) == []
    assert page.locator("#khong-co").is_visible()


def test_filters(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto(url(site / "index.html"))
    total = len(visible_rows(page))
    page.get_by_label("Lĩnh vực").select_option(label="Chứng thực")
    rows = visible_rows(page)
    assert rows and len(rows) < total
    assert {row[2] for row in rows} == {"Chứng thực"}
    page.get_by_label("Dịch vụ công trực tuyến").select_option("mot-phan")
    narrowed = visible_rows(page)
    assert len(narrowed) <= len(rows)
    assert {row[4] for row in narrowed} <= {"Một phần"}
    page.get_by_label("Lĩnh vực").select_option("")
    page.get_by_label("Dịch vụ công trực tuyến").select_option("toan-trinh")
    page.get_by_label("Nộp, nhận qua bưu chính").select_option("co")
    both = visible_rows(page)
    assert both and {(row[4], row[5]) for row in both} == {("Toàn trình", "Có")}
    page.get_by_label("Cấp thực hiện").select_option(label="Cấp tỉnh")
    assert all("Cấp tỉnh" in row[3] for row in visible_rows(page))
    page.get_by_role("button", name="Xóa bộ lọc").click()
    from playwright.sync_api import expect

    # expect() polls with Playwright's own script; wait_for_function would eval a string, which the page's CSP forbids
    expect(page.locator("#danh-sach tbody tr[hidden]")).to_have_count(0)
    assert len(visible_rows(page)) == total


def test_sorting_keeps_vietnamese_order(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto(url(site / "index.html"))
    names = [row[1] for row in visible_rows(page)]
    assert names == sorted(names, key=collation.sort_key)
    page.get_by_role("button", name="Mã số").click()
    codes = [row[0] for row in visible_rows(page)]
    assert codes == sorted(codes)
    assert page.locator("th:has(button[data-sort=code])").get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Mã số").click()
    assert [row[0] for row in visible_rows(page)] == sorted(codes, reverse=True)
    page.get_by_role("button", name="Lĩnh vực").click()
    fields = [row[2] for row in visible_rows(page)]
    assert fields == sorted(fields, key=collation.sort_key)
    page.get_by_role("button", name="Tên thủ tục").click()
    assert [row[1] for row in visible_rows(page)] == names


def test_open_a_procedure_page_by_clicking(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto(url(site / "index.html"))
    page.get_by_label("Tìm theo tên hoặc mã thủ tục").fill("dang ky khai sinh")
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    page.wait_for_url("**/thu-tuc/1.001193.html")
    assert page.locator("h1").inner_text() == "Đăng ký khai sinh"
    assert page.get_by_role("button", name="In trang này").is_visible()
    assert page.locator("figure.qr svg").is_visible()
    for heading in ("Trình tự thực hiện", "Thành phần, số lượng hồ sơ", "Căn cứ pháp lý", "Tiếp nhận phản ánh, kiến nghị"):
        assert page.get_by_role("heading", name=re.compile(re.escape(heading))).count() == 1
    page.get_by_role("link", name="Danh mục thủ tục").click()
    page.wait_for_url("**/site/index.html")
    assert watched.errors == []


def test_keyboard_skip_link_and_landmarks(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto(url(site / "index.html"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"
    for role in ("banner", "main", "contentinfo", "search"):
        assert page.get_by_role(role).count() >= 1, role
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.evaluate("document.characterSet") == "UTF-8"


def test_statistics_chart_is_visible_and_reads_right(site: Path, watched: Watched) -> None:
    from tthc.stats import compute

    figures = compute(loaded(SAMPLE))
    page = watched.page
    page.goto(url(site / "index.html"))
    assert page.get_by_role("region", name="Thống kê").is_visible()
    table = page.get_by_role("table", name="Dịch vụ công trực tuyến")
    row = table.locator("tbody tr").first
    cells = [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
    percent = figures.online_full.percent
    assert cells == ["Trực tuyến toàn trình", str(figures.online_full.count), f"{percent:.1f}".replace(".", ",") + "\u00a0%"]
    fill, track = row.locator(".fill").bounding_box(), row.locator(".track").bounding_box()
    assert fill is not None and track is not None
    assert abs(fill["width"] / (track["width"] - 2) - percent / 100) < 0.01  # drawn as wide as it says
    assert watched.errors == []  # no Content-Security-Policy complaint either


def test_qr_code_on_the_page_decodes(site: Path, watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    page.goto(url(site / "thu-tuc" / "1.001193.html"))
    qr = page.locator("figure.qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 120 and abs(box["width"] - box["height"]) < 1
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg (Debian: zbar-tools) is not installed: the QR structure is checked in test_render")
    shot = tmp_path / "qr.png"
    qr.screenshot(path=str(shot))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(shot)], capture_output=True, text=True, check=False)
    assert decoded.stdout.strip() in {
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193",
        page.locator("a.button").get_attribute("href"),
    }


def test_phone_layout_has_no_sideways_scroll(site: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        for path in (site / "index.html", site / "thu-tuc" / "1.001193.html"):
            page.goto(url(path))
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    finally:
        context.close()


def test_printed_sheet_is_a4(site: Path, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url(site.parent / "sheets" / "thu-tuc" / "1.001193.html"))
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        assert pdf.startswith(b"%PDF-")
        boxes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
        if boxes:
            assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}
    finally:
        context.close()


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build of a catalogue holding 2.000815 with two places and a 619-letter name."""
    root = tmp_path_factory.mktemp("places")
    render.build(places_catalogue(root / "catalogue"), root / "build")
    return root / "build"


OVERFLOWING = """() => {
    const wide = el => el.scrollWidth > el.clientWidth + 1;
    const page = document.querySelector("main").getBoundingClientRect();
    return Array.from(document.querySelectorAll("h1, h2, .posting, .posting td, .methods, .methods th, .methods td"))
        .filter(el => wide(el) || el.getBoundingClientRect().right > page.right + 1)
        .map(el => el.tagName + " " + el.textContent.slice(0, 40));
}"""
"""Headings, cells and tables wider than their box or than the page: what a printed sheet would cut."""


@pytest.mark.parametrize(
    ("media", "width"),
    [("screen", 794), ("print", 680)],  # A4 at 96 dpi; in print, its 180 mm between the margins of sheet.css
)
def test_a_619_letter_name_and_two_places_fit_an_a4_sheet(places: Path, browser: Any, media: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 1123})
    try:
        page = context.new_page()
        page.emulate_media(media=media)
        for path in (places / "sheets" / "thu-tuc" / "2.000815.html", places / "sheets" / "danh-muc" / "cap-xa.html"):
            page.goto(url(path))
            assert LONG_NAME in page.inner_text("main"), path
            assert page.evaluate(OVERFLOWING) == [], path
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        page.goto(url(places / "sheets" / "thu-tuc" / "2.000815.html"))
        heading = page.locator("h1")
        assert heading.evaluate("h => h.scrollHeight <= h.clientHeight + 1 && h.getClientRects().length > 0")
        assert " ".join(heading.inner_text().split()) == LONG_NAME
    finally:
        context.close()


def test_two_places_on_a_phone_have_no_sideways_scroll(places: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(url(places / "site" / "thu-tuc" / "2.000815.html"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        labels = page.locator(".methods th[scope=row]").all_inner_texts()
        assert [" ".join(label.split()) for label in labels] == [
            "Trực tiếp (tại Ủy ban nhân dân cấp xã)",
            "Trực tiếp (tại Cơ quan đại diện Việt Nam ở nước ngoài)",
            "Trực tuyến",
        ]
    finally:
        context.close()


def test_hostile_text_fires_no_dialog(browser: Any, tmp_path: Path) -> None:
    catalogue = evil_catalogue(tmp_path / "catalogue")
    out = tmp_path / "build"
    render.build(catalogue, out)
    context = browser.new_context()
    watched = Watched(context.new_page())
    try:
        pages = sorted(out.rglob("*.html"))
        assert len(pages) > 10
        for path in pages:
            watched.page.goto(url(path))
            watched.page.wait_for_load_state("load")
        watched.page.goto(url(out / "site" / "index.html"))
        watched.page.get_by_label("Tìm theo tên hoặc mã thủ tục").fill(EVIL_SCRIPT)
        names = [row[1] for row in visible_rows(watched.page)]
        assert names == [f"Đăng ký {EVIL_SCRIPT} {EVIL_ATTR}"]  # shown as text, found by search
        watched.page.get_by_role("link", name=re.compile("Đăng ký <script>")).click()
        watched.page.wait_for_url("**/thu-tuc/1.009999.html")
        assert watched.page.locator("img").count() == 0
        assert watched.page.locator("a[href^='javascript'], a[href^='data']").count() == 0
        watched.page.wait_for_timeout(200)
        assert watched.dialogs == []
        assert watched.off_disk() == []
        assert watched.errors == []
    finally:
        context.close()
