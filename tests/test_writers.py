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
from tthc.collation import sort_key
from tthc.diff import diff
from tthc.rules.announcement_rules import unannounced
from tthc.wording import roman
from tthc.writers import NEEDS_FILE, WRITERS, Context, annex_view
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


PART_ONE_LISTS = [
    "1. Danh mục thủ tục hành chính mới ban hành",
    "2. Danh mục thủ tục hành chính được sửa đổi, bổ sung, thay thế",
    "3. Danh mục thủ tục hành chính bị bãi bỏ",
]
PART_TWO_PROCEDURES = [  # in the order of Phần I: new, then amended or replaced
    ("1.014965", "Thu hồi chứng chỉ hành nghề Quản tài viên trong trường hợp thôi hành nghề Quản tài viên"),
    ("2.000806", "Đăng ký kết hôn có yếu tố nước ngoài"),
    ("2.000986", "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú"),
]


def _in_order(haystack: str, needles: list[str]) -> bool:
    at = 0
    for needle in needles:
        at = haystack.find(needle, at)
        if at < 0:
            return False
        at += len(needle)
    return True


def _headings_of_each_procedure(words: str) -> list[str]:
    """Phần II's headings, in order, as the reader finds them for every procedure of 1186/QĐ-UBND."""
    out: list[str] = []
    for code, name in PART_TWO_PROCEDURES:
        out += [name, code, *(f"{n}. {t}" for n, t in enumerate(annex_view.CONTENT_TITLES, 1))]
    return out


def test_annex_1186_has_part_one_and_part_two(decision_1186: ChangeSet) -> None:
    page = render(decision_1186, CONTEXT)
    assert "DANH MỤC THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH, ĐƯỢC SỬA ĐỔI, BỔ SUNG, ĐƯỢC THAY THẾ VÀ BỊ BÃI BỎ" in page
    assert "Kèm theo Quyết định số 1186/QĐ-UBND ngày 15 tháng 6 năm 2026" in page
    part_one, part_two = page.split('<section class="part-2">')
    assert re.findall(r"<h3>(.*?)</h3>", part_one) == PART_ONE_LISTS
    assert "Văn bản quy định nội dung sửa đổi, bổ sung: Nghị định số 18/2026/NĐ-CP." in part_one
    assert "Quyết định số 1217/QĐ-BTP" in part_one  # the abolishing text, from the decision's ``by``
    assert "<h2>Phần II. Nội dung cụ thể của từng thủ tục hành chính</h2>" in part_two
    assert re.findall(r"<h3>(.*?)</h3>", part_two) == [
        "1. Thủ tục hành chính mới ban hành",
        "2. Thủ tục hành chính được sửa đổi, bổ sung, thay thế",
    ]
    assert re.findall(r'<p class="code">Mã số TTHC: (.*?)</p>', part_two) == [c for c, _ in PART_TWO_PROCEDURES]
    assert "1.004866" not in part_two  # an abolished procedure has no content to publish
    words = " ".join(re.sub(r"<[^>]+>", " ", part_two).split())
    assert _in_order(words, _headings_of_each_procedure(words))
    marriage = words.split("2.000806")[1].split("2.000986")[0]
    assert "Nội dung sửa đổi, bổ sung: Thời hạn giải quyết." in marriage
    assert "Trực tiếp 05 ngày làm việc Tỉnh cam kết: 03 ngày làm việc 1.000.000 đồng" in marriage  # per channel
    assert "Giấy tờ phải nộp STT Tên giấy tờ Mẫu đơn, tờ khai Số lượng 1 Tờ khai đăng ký kết hôn" in marriage
    assert "01 bản sao" in marriage and "Số lượng hồ sơ: 01 bộ." in marriage
    assert (
        "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch"
        in marriage
    )
    assert "Thay thế thủ tục “Liên thông các thủ tục hành chính về đăng ký khai sinh" in words


def test_annex_matches_its_golden_file(decision_1186: ChangeSet) -> None:
    """The whole annex of 1186/QĐ-UBND, read line by line by a person once; any change shows in review.

    ``TTHC_UPDATE_GOLDEN=1`` rewrites the file: read the diff before committing it.
    """
    import os

    golden = GOLDEN / "annex-1186.html"
    page = render(decision_1186, CONTEXT)
    if os.environ.get("TTHC_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(page, "utf-8", newline="\n")
    assert page == golden.read_text("utf-8")


def test_docx_1186_has_part_two_in_portrait(decision_1186: ChangeSet) -> None:
    document = _docx(WRITERS["docx"](decision_1186, CONTEXT))
    texts = [p.text for p in document.paragraphs]
    assert [t for t in texts if re.match(r"\d\. Danh mục", t)] == PART_ONE_LISTS
    assert texts.index("Phần I. DANH MỤC THỦ TỤC HÀNH CHÍNH") < texts.index(
        "Phần II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH"
    )
    assert _in_order("\n".join(texts), _headings_of_each_procedure(""))
    methods = next(t for t in document.tables if t.rows[0].cells[0].text == "Hình thức nộp")
    assert [c.text for c in methods.rows[0].cells] == list(annex_view.METHOD_COLUMNS)
    assert [c.text for c in methods.rows[1].cells][:2] == ["Trực tiếp", "06 ngày làm việc (Thời hạn mẫu, cần đối chiếu Nghị định 65/2026/NĐ-CP.)"]
    section, content = document.sections
    assert section.page_width > section.page_height and content.page_width < content.page_height


def _pdf_of_docx(docx_file: Path, tmp_path: Path) -> Path:
    import subprocess

    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx_file)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return tmp_path / f"{docx_file.stem}.pdf"


def _page_sizes(pdf: Path) -> list[tuple[int, int]]:
    import subprocess

    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True)
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.stdout)]


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="needs LibreOffice")
def test_docx_1186_in_libreoffice_has_every_heading(decision_1186: ChangeSet, tmp_path: Path) -> None:
    """Opened as Word would open it: Phần I on landscape pages, Phần II on portrait ones, every heading there."""
    import subprocess

    target = tmp_path / "phu-luc-1186.docx"
    target.write_bytes(WRITERS["docx"](decision_1186, CONTEXT))
    pdf = _pdf_of_docx(target, tmp_path)
    sizes = _page_sizes(pdf)
    assert sizes[0] == (842, 595) and sizes[-1] == (595, 842)
    assert sizes == sorted(sizes, reverse=True)  # landscape pages first, then portrait ones only
    words = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split())
    assert _in_order(words, ["Phần I. DANH MỤC THỦ TỤC HÀNH CHÍNH", *PART_ONE_LISTS, "Phần II. NỘI DUNG CỤ THỂ"])
    assert _in_order(words.split("Phần II. NỘI DUNG CỤ THỂ")[1], _headings_of_each_procedure(words))


def test_annex_1186_in_chromium_has_every_heading(decision_1186: ChangeSet, browser: Any, tmp_path: Path) -> None:
    """The HTML annex as a browser shows and prints it: every heading visible, Phần II on portrait pages."""
    target = tmp_path / "phu-luc-1186.html"
    target.write_text(render(decision_1186, CONTEXT), "utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(target.as_uri())
        words = " ".join(page.inner_text("body").split())
        headings = page.eval_on_selector_all("h2, h3", "hs => hs.filter(h => h.offsetParent !== null).map(h => h.innerText)")
        pdf = tmp_path / "phu-luc-1186.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    finally:
        context.close()
    assert [" ".join(h.split()) for h in headings] == [
        "PHẦN I. DANH MỤC THỦ TỤC HÀNH CHÍNH", *PART_ONE_LISTS,
        "PHẦN II. NỘI DUNG CỤ THỂ CỦA TỪNG THỦ TỤC HÀNH CHÍNH",
        "1. THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH", "2. THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG, THAY THẾ",
    ]  # fmt: skip
    assert _in_order(words.split("NỘI DUNG CỤ THỂ")[1], _headings_of_each_procedure(words))
    if shutil.which("pdfinfo"):
        sizes = _page_sizes(pdf)
        assert sizes[0] == (842, 595) and sizes[-1] == (595, 842) and sizes == sorted(sizes, reverse=True)


def test_legal_texts_and_quantities_are_worded_once() -> None:
    """The annex's citations and counts come from tthc.wording, as every other output's do."""
    from tthc import wording

    assert wording.legal_ref_short("60/2014/QH13", "Luật", "2014-11-20", "Luật Hộ tịch") == (
        "Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014"
    )
    assert wording.legal_ref_full("123/2015/NĐ-CP", "Nghị định", "2015-11-15", "Quy định chi tiết Luật Hộ tịch.") == (
        "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 quy định chi tiết Luật Hộ tịch"
    )
    assert wording.legal_ref_full("60/2014/QH13", "Luật", "", "Luật Hộ tịch") == "Luật Hộ tịch số 60/2014/QH13"
    assert wording.legal_ref_full("1/2026/TT-BTP", "Thông tư", "", "VNeID và dữ liệu") == (
        "Thông tư số 1/2026/TT-BTP VNeID và dữ liệu"
    )  # an abbreviation keeps its capitals
    assert wording.legal_type_of("1427/QĐ-BTP") == "Quyết định" and wording.legal_type_of("60/2014/QH13") == ""
    assert wording.joined(["MỚI BAN HÀNH", "BỊ BÃI BỎ"], "VÀ") == "MỚI BAN HÀNH VÀ BỊ BÃI BỎ"
    assert wording.joined(["a", "b", "c"]) == "a, b và c" and wording.joined(["a"]) == "a"
    assert wording.levels_text(["Cấp tỉnh", "Cấp xã"]) == "cấp tỉnh và cấp xã"
    assert wording.quantity_text(1, 0) == "01 bản chính" and wording.quantity_text(1, 2) == "01 bản chính, 02 bản sao"
    assert wording.quantity_text(0, 0) == "" and wording.sets_text(1) == "01 bộ" and wording.sets_text(None) == ""
    assert wording.where_text("bưu chính") == "Qua dịch vụ bưu chính công ích"
    assert wording.where_text("trực tuyến", online="toàn trình", site="dvc.quangtri.gov.vn") == (
        "Trực tuyến (toàn trình) trên dvc.quangtri.gov.vn"
    )


def test_the_annex_words_an_empty_time_or_fee_as_the_sheets_do() -> None:
    """“Không quy định” would tell the reader the law sets no time or fee; the file only leaves it empty."""
    from tthc.changes import ChangeSet
    from tthc.model import Catalogue, Method, Procedure, Settings
    from tthc.wording import UNSTATED

    proc = Procedure(file="p.yaml", code="1.000001", name="Thủ tục thử", field="f", levels=("Cấp tỉnh",),
                     methods=(Method(channel="trực tiếp", time=None, fee=None),))  # fmt: skip
    annex = annex_view.build(ChangeSet(new=(proc,), after=Catalogue(root=".", settings=Settings(), procedures=(proc,))))
    said = [
        line
        for annex_list in annex.contents
        for row in annex_list.groups[0].rows
        for section in row.content
        for block in section.blocks
        for line in [*block.lines, *(line for r in (block.table.rows if block.table else []) for cell in r for line in cell)]
    ]
    assert said.count(UNSTATED) == 4  # the time and the fee, in the methods table and in their own sections
    assert f"{UNSTATED}." in said  # steps
    assert not any("Không quy định" in line for line in said)
