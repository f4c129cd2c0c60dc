"""The diff writers: JSON contract, text, Markdown, the annex (HTML) and its Word twin."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tests.test_diff import add_decision, copy_sample, edit, load, read, reform_before, write
from tthc.changes import ChangeSet
from tthc.cli import main
from tthc.diff import diff
from tthc.rules.announcement_rules import unannounced
from tthc.text import sort_key
from tthc.wording import roman
from tthc.writers import NEEDS_FILE, WRITERS, Context
from tthc.writers import annex_view
from tthc.writers.annex import render


@pytest.fixture(scope="module")
def reform(tmp_path_factory: pytest.TempPathFactory) -> ChangeSet:
    before = reform_before(tmp_path_factory.mktemp("reform") / "before")
    return diff(load(before), load(SAMPLE))


@pytest.fixture(scope="module")
def itself() -> ChangeSet:
    return diff(load(SAMPLE), load(SAMPLE))


CONTEXT = Context(old_label="cũ", new_label="mới")


def as_json(changes: ChangeSet) -> Any:
    return json.loads(WRITERS["json"](changes, CONTEXT))


# --- a catalogue against itself is empty in every format ------------------------------


def test_itself_is_empty_in_json(itself: ChangeSet) -> None:
    data = as_json(itself)
    summary = data["summary"]
    assert summary == {"new": 0, "amended": 0, "replaced": 0, "abolished": 0, "unchanged": len(load(SAMPLE).procedures)}
    assert data["new"] == data["abolished"] == data["replaced"] == data["amended"] == []
    assert data["decisions"] == {"added": [], "changed": [], "removed": []}


@pytest.mark.parametrize("fmt", sorted(set(WRITERS) - NEEDS_FILE))
def test_itself_is_empty_in_every_text_format(itself: ChangeSet, fmt: str) -> None:
    out = WRITERS[fmt](itself, CONTEXT).decode("utf-8")
    assert "Đăng ký khai sinh" not in out  # no procedure is listed
    if fmt in ("text", "markdown"):
        assert "Không có khác biệt" in out
    if fmt == "annex":  # one sentence says there is nothing; no empty list, no Phần II
        body = out.split("<body>")[1]
        assert body.count(annex_view.NOTHING) == 1 and "<table" not in body and "Phần II" not in body


def test_itself_is_empty_in_docx(itself: ChangeSet) -> None:
    document = _docx(WRITERS["docx"](itself, CONTEXT))
    assert len(document.tables) == 0
    texts = [p.text for p in document.paragraphs]
    assert texts.count(annex_view.NOTHING) == 1 and not any("Phần II" in t for t in texts)


def test_cli_itself_exit_code_0_in_every_format(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in WRITERS:
        args = ["diff", str(SAMPLE), str(SAMPLE), "--format", fmt, "--exit-code", "--require-decisions"]
        if fmt in NEEDS_FILE:
            args += ["--output", str(tmp_path / f"phu-luc.{fmt}")]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (fmt, result.output)


# --- JSON contract --------------------------------------------------------------------


def test_json_contract(reform: ChangeSet, tmp_path: Path) -> None:
    data = as_json(reform)
    assert list(data) == ["old", "new_label", "summary", "new", "abolished", "replaced", "amended", "decisions"]
    assert (data["old"], data["new_label"]) == ("cũ", "mới")
    assert list(data["summary"]) == ["new", "amended", "replaced", "abolished", "unchanged"]
    assert data["summary"]["abolished"] == 2 and data["summary"]["amended"] == 16
    assert all(list(p) == ["code", "name"] for p in data["abolished"])
    amended = data["amended"][0]
    assert list(amended) == ["code", "name", "changes"]
    assert all(list(c) == ["component", "path", "kind", "old", "new"] for a in data["amended"] for c in a["changes"])
    assert {c["kind"] for a in data["amended"] for c in a["changes"]} <= {"changed", "added", "removed", "reordered"}
    level = next(c for a in data["amended"] if a["code"] == "2.000528" for c in a["changes"] if c["component"] == "level")
    assert (level["old"], level["new"]) == (["Cấp huyện"], ["Cấp xã"])
    assert list(data["decisions"]) == ["added", "changed", "removed"]
    assert data["decisions"]["added"] == [{"number": "1420/QĐ-UBND", "title": reform.decisions_added[0].title}]
    raw = WRITERS["json"](reform, CONTEXT).decode("utf-8")
    assert "Cấp huyện" in raw and "\\u" not in raw  # readable Vietnamese
    codes = [a["code"] for a in data["amended"]]
    assert len(codes) == 16 and codes == sorted(codes)  # sorted by code, as the change set is
    assert [p["code"] for p in data["abolished"]] == sorted(p.code for p in reform.abolished)


def test_json_replaced_and_code_assigned(tmp_path: Path) -> None:
    old = copy_sample(tmp_path / "old")
    (old / "procedures/ho-tich/2.000986.yaml").unlink()
    data = read(SAMPLE, "procedures/ho-tich/2.000986.yaml")
    data["code"] = "2.001023"
    write(old, "procedures/ho-tich/2.001023.yaml", data)
    new = copy_sample(tmp_path / "new")
    tam = read(new, "procedures/quan-tai-vien/TAM-2026-01.yaml")
    (new / "procedures/quan-tai-vien/TAM-2026-01.yaml").unlink()
    tam["code"] = "1.014967"
    write(new, "procedures/quan-tai-vien/1.014967.yaml", tam)
    out = as_json(diff(load(old), load(new)))
    assert out["replaced"] == [{"old": "2.001023", "new": "2.000986", "name": data["name"], "guessed": False}]
    assert out["amended"] == [
        {"code": "1.014967", "name": tam["name"], "changes": [
            {"component": "code", "path": "code", "kind": "changed", "old": "TAM-2026-01", "new": "1.014967"}]}
    ]  # fmt: skip
    assert out["new"] == [] and out["abolished"] == []


# --- text and Markdown ----------------------------------------------------------------


def test_text_plain_and_coloured(reform: ChangeSet) -> None:
    plain = WRITERS["text"](reform, CONTEXT).decode("utf-8")
    assert "\x1b[" not in plain
    for heading in ("SỬA ĐỔI, BỔ SUNG, THAY THẾ (16)", "BÃI BỎ (2)", "QUYẾT ĐỊNH CÔNG BỐ (1)"):
        assert heading in plain
    assert "Cấp thực hiện  level (sửa): Cấp huyện → Cấp xã" in plain
    assert "{+" in plain and "[-" in plain  # word diff of the rewritten first step
    coloured = WRITERS["text"](reform, Context("cũ", "mới", color=True, width=120)).decode("utf-8")
    assert "\x1b[" in coloured


def test_text_shows_the_require_decisions_verdict(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    edit(new, "procedures/cu-tru/1.004222.yaml", lambda d: d["methods"][0].update(time={"value": 9, "unit": "ngày làm việc"}))
    changes = diff(load(SAMPLE), load(new))
    out = WRITERS["text"](changes, Context("a", "b", unannounced=tuple(unannounced(changes)))).decode("utf-8")
    assert "✗ Thay đổi chưa có quyết định công bố (1 thủ tục)" in out
    assert "Thời hạn giải quyết  methods[trực tiếp].time (sửa)" in out and "→ 09 ngày làm việc" in out


def test_markdown(reform: ChangeSet) -> None:
    out = WRITERS["markdown"](reform, CONTEXT).decode("utf-8")
    assert out.startswith("### tthc diff: cũ → mới")
    assert "| 0 | 16 | 0 | 2 | 35 |" in out
    assert "<details><summary><b>2.000528</b> Đăng ký khai sinh có yếu tố nước ngoài" in out
    assert "#### Bãi bỏ (2)" in out and "#### Quyết định công bố (1)" in out


def test_markdown_escapes_catalogue_text(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    edit(new, "procedures/cu-tru/1.004222.yaml", lambda d: d.update(name="Đăng ký | thường trú <script>alert(1)</script> [x](y)"))
    out = WRITERS["markdown"](diff(load(SAMPLE), load(new)), CONTEXT).decode("utf-8")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\\|" in out and "\\[x\\]" in out


# --- the annex ------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", c).split("Mã:")[0].strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def _part_one(page: str) -> str:
    return page.split('<section class="part-2">')[0]


def test_annex_structure(reform: ChangeSet) -> None:
    """Decision 1420/QĐ-UBND amends and abolishes: the title and the lists say so, and only so."""
    page = render(reform, CONTEXT)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert "Phụ lục" in page and "DANH MỤC THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG VÀ BỊ BÃI BỎ TRONG" in page
    assert "Kèm theo Quyết định số 1420/QĐ-UBND ngày 30 tháng 6 năm 2025" in page
    assert "Phần I. Danh mục thủ tục hành chính" in page
    assert re.findall(r"<h3>(.*?)</h3>", _part_one(page)) == [
        "1. Danh mục thủ tục hành chính được sửa đổi, bổ sung",
        "2. Danh mục thủ tục hành chính bị bãi bỏ",
    ]  # nothing new, nothing replaced: no empty list, no "thay thế"
    assert "mới ban hành" not in page and "THAY THẾ" not in page
    headers = re.findall(r"<thead><tr>(.*?)</tr></thead>", _part_one(page), re.S)
    columns = [re.findall(r"<th[^>]*>(.*?)</th>", h) for h in headers]
    assert columns == [
        ["Số TT", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Địa điểm thực hiện", "Phí, lệ phí", "Căn cứ pháp lý", "Cơ quan thực hiện"],
        ["Số TT", "Mã TTHC", "Tên thủ tục hành chính", "Tên VBQPPL quy định việc bãi bỏ thủ tục hành chính", "Lĩnh vực", "Cơ quan thực hiện"],
    ]  # fmt: skip
    assert "A. Thủ tục hành chính cấp tỉnh và cấp xã" in page and "B. Thủ tục hành chính cấp xã" in page
    assert "A. Thủ tục hành chính cấp huyện" in page  # the abolished district procedures
    assert "Quyết định số 1427/QĐ-BTP" in page
    assert "Văn bản quy định nội dung sửa đổi, bổ sung: Nghị định số 120/2025/NĐ-CP ngày 11/06/2025." in page
    assert "Văn bản quy định nội dung sửa đổi, bổ sung: Nghị định số 118/2025/NĐ-CP." in page
    assert "@page { size: A4" in page and "Times New Roman" in page and "DejaVu Serif" in page
    assert "(Không có.)" not in page and "Cơ sở dữ liệu quốc gia về thủ tục hành chính (Cổng" not in page


def test_annex_one_row_for_a_procedure_at_two_levels(reform: ChangeSet, tmp_path: Path) -> None:
    """2.000635 moved to the provincial and commune levels: one row, its agencies named per level."""
    part_one = _part_one(render(reform, CONTEXT))
    assert part_one.count("Mã: 2.000635") == 1
    row = next(r for r in re.findall(r"<tr>\s*<td class=\"no\">.*?</tr>", part_one, re.S) if "2.000635" in r)
    assert "Cấp tỉnh: Sở Tư pháp tỉnh Quảng Trị" in row and "Cấp xã: Ủy ban nhân dân cấp xã" in row
    old = copy_sample(tmp_path / "old")
    new = copy_sample(tmp_path / "new")
    (new / "procedures/ho-tich/2.000635.yaml").unlink()
    abolished = _part_one(render(diff(load(old), load(new)), CONTEXT))
    assert abolished.count("2.000635") == 1 and "A. Thủ tục hành chính cấp tỉnh và cấp xã" in abolished


def test_annex_orders_and_numbers_in_vietnamese(reform: ChangeSet) -> None:
    page = render(reform, CONTEXT)
    amended = page.split("1. Danh mục")[1].split("2. Danh mục")[0]
    commune = amended.split("B. Thủ tục hành chính cấp xã")[1]
    groups = commune.split('<tr class="field">')[1:]
    assert len(groups) >= 2
    for field in groups:
        names = [_cells(r)[1] for r in re.findall(r"<tr>\s*<td class=\"no\">.*?</tr>", field, re.S)]
        assert names and names == sorted(names, key=sort_key)
    fields = re.findall(r'<tr class="field"><td colspan="7">([IVX]+)\. Lĩnh vực (.*?)</td>', commune)
    assert len(fields) == len(groups)
    assert [f[0] for f in fields] == [roman(i) for i in range(1, len(fields) + 1)]
    assert [f[1] for f in fields] == sorted((f[1] for f in fields), key=sort_key)
    numbers = [int(n) for n in re.findall(r'<td class="no">(\d+)</td>', commune)]
    assert numbers == list(range(1, len(numbers) + 1))
    hotich = commune.split("Lĩnh vực Hộ tịch")[1]
    chungthuc = commune.split("Lĩnh vực Chứng thực")[1].split("Lĩnh vực")[0]
    assert "Chứng thực" in chungthuc and commune.index("Lĩnh vực Chứng thực") < commune.index("Lĩnh vực Hộ tịch")
    births = [n for n in (_cells(r)[1] for r in re.findall(r"<tr>\s*<td class=\"no\">.*?</tr>", hotich, re.S)) if n.startswith("Đăng ký")]
    assert births and births == sorted(births, key=sort_key)


def test_annex_alphabet_within_a_group(tmp_path: Path) -> None:
    """"Đăng ký …" after "Chứng thực …" (Python's own sort puts Đ after Z, and after Y)."""
    old = copy_sample(tmp_path / "old")
    new = copy_sample(tmp_path / "new")
    for code, name in (("1.090001", "Đăng ký hoạt động thử"), ("1.090002", "Chứng thực thử"), ("1.090003", "Yêu cầu thử")):
        data = read(SAMPLE, "procedures/ho-tich/1.001193.yaml")
        data.update(code=code, name=name)
        write(new, f"procedures/ho-tich/{code}.yaml", data)
    page = _part_one(render(diff(load(old), load(new)), CONTEXT))
    new_list = page.split("1. Danh mục")[1]
    names = [_cells(r)[1] for r in re.findall(r"<tr>\s*<td class=\"no\">.*?</tr>", new_list, re.S)]
    assert names == ["Chứng thực thử", "Đăng ký hoạt động thử", "Yêu cầu thử"]


def test_annex_escapes_catalogue_text(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    edit(new, "procedures/cu-tru/1.004222.yaml", lambda d: d.update(name="Đăng ký thường trú <script>alert('x')</script>"))
    add_decision(new, "2002/QĐ-UBND", amended=[{"code": "1.004222", "components": ["name"]}])
    page = render(diff(load(SAMPLE), load(new)), CONTEXT)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Kèm theo Quyết định số 2002/QĐ-UBND ngày 01 tháng 9 năm 2026" in page
    assert "Nội dung sửa đổi, bổ sung: Tên thủ tục." in page


def test_annex_lists_a_replacement_and_leaves_out_editorial_edits(tmp_path: Path) -> None:
    old = copy_sample(tmp_path / "old")
    (old / "procedures/ho-tich/2.000986.yaml").unlink()
    data = read(SAMPLE, "procedures/ho-tich/2.000986.yaml")
    data.update(code="2.001023", name="Liên thông đăng ký khai sinh, cấp thẻ bảo hiểm y tế")
    write(old, "procedures/ho-tich/2.001023.yaml", data)
    edit(old, "procedures/cu-tru/1.004222.yaml", lambda d: d.update(note="Ghi chú cũ."))
    page = render(diff(load(old), load(SAMPLE)), CONTEXT)
    assert "Thay thế thủ tục “Liên thông đăng ký khai sinh, cấp thẻ bảo hiểm y tế” (mã 2.001023)" in page
    assert "1.004222" not in page


# --- Word -----------------------------------------------------------------------------


def _docx(data: bytes) -> Any:
    import docx

    return docx.Document(io.BytesIO(data))


def test_docx_tables(reform: ChangeSet, tmp_path: Path) -> None:
    target = tmp_path / "phu-luc.docx"
    result = CliRunner().invoke(
        main, ["diff", str(reform_before(tmp_path / "before")), str(SAMPLE), "-f", "docx", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    document = _docx(target.read_bytes())
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Phụ lục" and texts[1].startswith("DANH MỤC THỦ TỤC HÀNH CHÍNH")
    assert "Phần I. DANH MỤC THỦ TỤC HÀNH CHÍNH" in texts
    assert "Phần II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH" in texts
    main_table, abolished = document.tables[:2]
    assert [c.text for c in main_table.rows[0].cells] == [
        "Số TT", "Tên thủ tục hành chính", "Thời hạn giải quyết", "Địa điểm thực hiện", "Phí, lệ phí",
        "Căn cứ pháp lý", "Cơ quan thực hiện",
    ]  # fmt: skip
    assert main_table.rows[1].cells[0].text == "A. Thủ tục hành chính cấp tỉnh và cấp xã"
    assert main_table.rows[2].cells[0].text == "I. Lĩnh vực Hộ tịch"
    first = main_table.rows[3].cells
    assert first[0].text == "1" and first[1].text.startswith("Cấp bản sao Trích lục hộ tịch") and "Mã: 2.000635" in first[1].text
    assert "Văn bản quy định nội dung sửa đổi, bổ sung: Nghị định số 120/2025/NĐ-CP" in first[1].text
    assert first[6].text.splitlines() == ["Cấp tỉnh: Sở Tư pháp tỉnh Quảng Trị", "Cấp xã: Ủy ban nhân dân cấp xã"]
    assert [c.text for c in abolished.rows[0].cells][:3] == ["Số TT", "Mã TTHC", "Tên thủ tục hành chính"]
    rows = [[c.text for c in r.cells] for r in abolished.rows[2:]]
    assert [r[1] for r in rows] == ["2.001489", "2.001475"]  # công nhận < miễn nhiệm
    assert rows[0][3] == "Quyết định số 1427/QĐ-BTP" and rows[0][4] == "Phổ biến, giáo dục pháp luật"
    section, content = document.sections
    assert section.page_width > section.page_height  # A4 landscape for Phần I
    assert content.page_width < content.page_height  # A4 portrait for Phần II
    assert document.styles["Normal"].font.name == "Times New Roman"


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="needs LibreOffice")
def test_docx_opens_in_libreoffice(tmp_path: Path) -> None:
    """Word is where decisions are drafted; LibreOffice stands in for it: the annex opens, lays out
    on A4 landscape pages and keeps its Vietnamese text (a python-docx file can be valid XML and
    still fail to open)."""
    import subprocess

    target = tmp_path / "phu-luc.docx"
    result = CliRunner().invoke(
        main, ["diff", str(reform_before(tmp_path / "before")), str(SAMPLE), "-f", "docx", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(target)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "phu-luc.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())  # type: ignore[union-attr]
    assert round(width) == 842 and round(height) == 595  # A4 landscape, in points
    words = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split())
    assert "DANH MỤC THỦ TỤC HÀNH CHÍNH" in words and "Cấp bản sao Trích lục hộ tịch" in words
    assert "Thủ tục hành chính cấp xã" in words and "2.001489" in words


def test_docx_needs_an_output_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(SAMPLE), "-f", "docx"])
    assert result.exit_code == 2 and "--output" in result.stderr


def test_output_is_written_atomically_and_whole(tmp_path: Path) -> None:
    target = tmp_path / "out" / "phu-luc.html"
    before = reform_before(tmp_path / "before")
    result = CliRunner().invoke(main, ["diff", str(before), str(SAMPLE), "-f", "annex", "-o", str(target), "--exit-code"])
    assert result.exit_code == 1 and result.stdout == ""
    assert target.read_text("utf-8").rstrip().endswith("</html>")
    assert [p.name for p in target.parent.iterdir()] == ["phu-luc.html"]


def test_require_decisions_on_stderr_for_json(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    shutil.rmtree(new / "procedures/viec-lam")
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(new), "-f", "json", "--require-decisions"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["summary"]["abolished"] == 1
    assert "1.014201" in result.stderr and "abolished" in result.stderr


# --- the annex of decision 1186/QĐ-UBND: Phần I and Phần II -----------------------------

GOLDEN = Path(__file__).parent / "golden"
DECISION_1186 = "decisions/2026/1186-QĐ-UBND.yaml"


def before_1186(dest: Path) -> Path:
    """The sample as it stood before decision 1186/QĐ-UBND, for one procedure of each group.

    1.014965 is not there yet (new); 2.000806 took 10 working days (amended:
    time); the inter-agency procedure still had its old code 2.001023
    (replaced by 2.000986); 1.004866, a provincial nationality procedure, was
    still listed (abolished). The other entries of the decision are left as
    the sample has them, so they do not show in the diff.
    """
    root = copy_sample(dest)
    (root / DECISION_1186).unlink()
    (root / "procedures/quan-tai-vien/1.014965.yaml").unlink()

    def slower(data: Any) -> None:
        data["decisions"].remove("1186/QĐ-UBND")
        for method in data["methods"]:
            method["time"] = {"value": 10, "unit": "ngày làm việc"}
            method.pop("local_time", None)

    edit(root, "procedures/ho-tich/2.000806.yaml", slower)
    old = read(root, "procedures/ho-tich/2.000986.yaml")
    (root / "procedures/ho-tich/2.000986.yaml").unlink()
    old.update(code="2.001023", name=read(SAMPLE, "decisions/2024/2150-QĐ-UBND.yaml")["new"][17]["name"])
    old["decisions"] = ["2150/QĐ-UBND"]
    write(root, "procedures/ho-tich/2.001023.yaml", old)
    nationality = read(root, "procedures/ho-tich/2.002516.yaml")
    nationality.update(code="1.004866", name="Thủ tục thông báo có quốc tịch nước ngoài", field="quoc-tich")
    nationality.update(level=["Cấp tỉnh"], decisions=["2150/QĐ-UBND"])
    nationality["agencies"] = {"performing": ["so-tu-phap"]}
    write(root, "procedures/quoc-tich/1.004866.yaml", nationality)
    edit(root, "tthc.yaml", lambda d: d["fields"].append({"id": "quoc-tich", "name": "Quốc tịch"}))
    return root


@pytest.fixture(scope="module")
def decision_1186(tmp_path_factory: pytest.TempPathFactory) -> ChangeSet:
    return diff(load(before_1186(tmp_path_factory.mktemp("d1186") / "before")), load(SAMPLE))
