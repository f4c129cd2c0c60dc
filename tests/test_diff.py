"""tthc.diff: every class of change an announcement decision knows, on copies of the sample.

The helpers at the top build "before" catalogues by editing copies of the
bundled sample; the reform builder turns the sample back into the catalogue as
it stood before decision 1420/QĐ-UBND (the 2025 move of district-level
procedures to commune level), so the same fixture serves the git, writer and
eye tests.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import SAMPLE
from tthc.changes import Amended, ChangeSet
from tthc.diff import diff
from tthc.editorial import LEGAL_COMPONENTS, is_editorial_text, word_diff
from tthc.model import COMPONENTS, Catalogue, Procedure
from tthc.reading import load_catalogue
from tthc.record_diff import compare_procedures
from tthc.records import build_procedure
from tthc.rules.announcement_rules import unannounced
from tthc.source import folder_files

REFORM = "1420/QĐ-UBND"
REFORM_FILE = "decisions/2025/1420-QĐ-UBND.yaml"
BIRTH = "procedures/ho-tich/1.001193.yaml"  # Đăng ký khai sinh
PERMANENT = "procedures/cu-tru/1.004222.yaml"  # Đăng ký thường trú


# --- helpers shared with test_gitsource and test_writers -----------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    return yaml


def read(root: Path, rel: str) -> Any:
    return _yaml().load((root / rel).read_text("utf-8"))


def write(root: Path, rel: str, data: Any) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        _yaml().dump(data, handle)


def edit(root: Path, rel: str, change: Callable[[Any], None]) -> None:
    data = read(root, rel)
    change(data)
    write(root, rel, data)


def load(root: Path) -> Catalogue:
    if root == SAMPLE:
        return _sample()
    catalogue, _ = load_catalogue(str(root), folder_files(root))
    return catalogue


@functools.cache
def _sample() -> Catalogue:
    """The bundled sample is read once: every test compares against it."""
    catalogue, _ = load_catalogue(str(SAMPLE), folder_files(SAMPLE))
    return catalogue


def copy_sample(dest: Path) -> Path:
    shutil.copytree(SAMPLE, dest)
    return dest


def file_of(root: Path, code: str) -> str:
    found = list((root / "procedures").glob(f"*/{code}.yaml"))
    assert found, code
    return found[0].relative_to(root).as_posix()


def add_decision(root: Path, number: str, **groups: Any) -> None:
    data = {
        "number": number,
        "title": "Về việc công bố thủ tục hành chính (kiểm thử)",
        "issuer": "Chủ tịch Ủy ban nhân dân tỉnh Quảng Trị",
        "signed": "2026-09-01",
        "effective": "2026-09-15",
        **groups,
    }
    write(root, f"decisions/2026/{number.replace('/', '-')}.yaml", data)


def reform_before(dest: Path) -> Path:
    """The sample as it stood before decision 1420/QĐ-UBND (2025 reform): district level still there."""
    root = copy_sample(dest)
    decision = read(root, REFORM_FILE)
    (root / REFORM_FILE).unlink()

    def settings(data: Any) -> None:
        data["levels"] = ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]
        data["as_of"] = "2025-06-01"
        data["agencies"].append(
            {
                "id": "ubnd-huyen",
                "name": "Ủy ban nhân dân cấp huyện",
                "level": "Cấp huyện",
                "address": "Bộ phận Một cửa Ủy ban nhân dân huyện, thị xã, thành phố",
            }
        )
        data["fields"].append({"id": "pbgdpl", "name": "Phổ biến, giáo dục pháp luật"})

    edit(root, "tthc.yaml", settings)
    for entry in decision["amended"]:
        rel = file_of(root, entry["code"])

        def revert(data: Any, components: list[str] = entry["components"]) -> None:
            data["decisions"] = [d for d in data["decisions"] if d != REFORM]
            if "level" in components:
                data["level"] = ["Cấp huyện"]
                data["agencies"]["performing"] = ["ubnd-huyen"]
            elif "agencies" in components:
                data["agencies"]["coordinating"] = ["ubnd-huyen"]
            if "steps" in components:
                data["steps"][0] = "Bước 1: Người yêu cầu nộp hồ sơ tại Bộ phận tiếp nhận và trả kết quả của Ủy ban nhân dân cấp xã."

        edit(root, rel, revert)
    template = read(root, file_of(root, "1.004837"))
    for entry in decision["abolished"]:
        data = dict(template)
        data.update(
            code=entry["code"], name=entry["name"], field="pbgdpl", level=["Cấp huyện"],
            decisions=["2150/QĐ-UBND"], agencies={"performing": ["ubnd-huyen"]},
        )  # fmt: skip
        write(root, f"procedures/pbgdpl/{entry['code']}.yaml", data)
    return root


# --- the classes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    return load(SAMPLE)


def test_a_catalogue_compared_with_itself_is_empty(base: Catalogue) -> None:
    changes = diff(base, base)
    assert changes.empty
    assert changes.summary() == {"new": 0, "amended": 0, "replaced": 0, "abolished": 0, "unchanged": len(base.procedures)}
    assert unannounced(changes) == []


def test_a_copy_compared_with_the_original_is_empty(tmp_path: Path, base: Catalogue) -> None:
    assert diff(base, load(copy_sample(tmp_path / "c"))).empty


def test_new_and_abolished(tmp_path: Path) -> None:
    old = copy_sample(tmp_path / "old")
    new = copy_sample(tmp_path / "new")
    (new / "procedures/viec-lam/1.014201.yaml").unlink()
    edit(new, BIRTH, lambda d: None)
    data = read(new, "procedures/dat-dai/1.012784.yaml")
    data.update(code="1.099999", name="Giao đất, cho thuê đất không đấu giá quyền sử dụng đất")
    write(new, "procedures/dat-dai/1.099999.yaml", data)
    changes = diff(load(old), load(new))
    assert [p.code for p in changes.new] == ["1.099999"]
    assert [p.code for p in changes.abolished] == ["1.014201"]
    assert not changes.amended and not changes.replaced


def test_replaced_by_a_decision(tmp_path: Path) -> None:
    """1186/QĐ-UBND (in the sample) replaces 2.001023 by 2.000986: build the side before it."""
    old = copy_sample(tmp_path / "old")
    (old / "procedures/ho-tich/2.000986.yaml").unlink()
    data = read(SAMPLE, "procedures/ho-tich/2.000986.yaml")
    data.update(code="2.001023", name="Liên thông các thủ tục hành chính về đăng ký khai sinh, cấp Thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi")
    write(old, "procedures/ho-tich/2.001023.yaml", data)
    changes = diff(load(old), load(SAMPLE))
    assert len(changes.replaced) == 1
    rep = changes.replaced[0]
    assert (rep.old.code, rep.new.code, rep.guessed, rep.decision) == ("2.001023", "2.000986", False, "1186/QĐ-UBND")
    assert not changes.new and not changes.abolished


def test_replaced_guessed_from_similar_names(tmp_path: Path) -> None:
    old = copy_sample(tmp_path / "old")
    new = copy_sample(tmp_path / "new")
    (new / "procedures/cu-tru/1.003677.yaml").unlink()  # Khai báo tạm vắng
    data = read(old, "procedures/cu-tru/1.003677.yaml")
    data.update(code="1.099001", name="Khai báo việc tạm vắng")
    write(new, "procedures/cu-tru/1.099001.yaml", data)
    changes = diff(load(old), load(new))
    assert [(r.old.code, r.new.code, r.guessed) for r in changes.replaced] == [("1.003677", "1.099001", True)]
    assert 0.85 <= changes.replaced[0].similarity < 1


def test_dissimilar_names_are_new_and_abolished_not_replaced(tmp_path: Path) -> None:
    old = copy_sample(tmp_path / "old")
    new = copy_sample(tmp_path / "new")
    (new / "procedures/cu-tru/1.003677.yaml").unlink()
    data = read(old, "procedures/cu-tru/1.003677.yaml")
    data.update(code="1.099001", name="Cấp giấy phép xây dựng nhà ở riêng lẻ")
    write(new, "procedures/cu-tru/1.099001.yaml", data)
    changes = diff(load(old), load(new))
    assert not changes.replaced
    assert [p.code for p in changes.new] == ["1.099001"] and [p.code for p in changes.abolished] == ["1.003677"]


def test_provisional_code_assigned_is_the_same_procedure(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    rel = "procedures/quan-tai-vien/TAM-2026-01.yaml"
    data = read(new, rel)
    (new / rel).unlink()
    data["code"] = "1.014967"
    write(new, "procedures/quan-tai-vien/1.014967.yaml", data)
    changes = diff(load(SAMPLE), load(new))
    assert not changes.new and not changes.abolished and not changes.replaced
    (item,) = changes.amended
    assert item.code_assigned and item.old.code == "TAM-2026-01" and item.code == "1.014967"
    assert [(c.component, c.kind, c.old, c.new) for c in item.changes] == [("code", "changed", "TAM-2026-01", "1.014967")]
    assert not item.legal


def test_moved_file_is_not_a_change(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    (new / "procedures/khac").mkdir()
    shutil.move(str(new / PERMANENT), str(new / "procedures/khac/1.004222.yaml"))
    changes = diff(load(SAMPLE), load(new))
    assert changes.empty
    assert [(m.code, m.old_file, m.new_file) for m in changes.moved] == [
        ("1.004222", PERMANENT, "procedures/khac/1.004222.yaml")
    ]


def amend(tmp_path: Path, rel: str, change: Callable[[Any], None]) -> Amended:
    """Change one record of the sample in memory (fast: no copy, no schema pass) and diff."""
    data = copy.deepcopy(read(SAMPLE, rel))
    change(data)
    base = load(SAMPLE)
    edited = build_procedure(rel, data)
    new = dataclasses.replace(base, procedures=tuple(edited if p.file == rel else p for p in base.procedures))
    changes = diff(base, new)
    assert not changes.new and not changes.abolished, changes
    (item,) = changes.amended
    return item


def test_reordered_dossier_items_are_one_reorder(tmp_path: Path) -> None:
    def swap(d: Any) -> None:
        items = d["dossier"]["cases"][0]["items"]
        items[0], items[1] = items[1], items[0]

    item = amend(tmp_path, BIRTH, swap)
    (change,) = item.changes
    assert (change.component, change.kind, change.path) == ("dossier", "reordered", "dossier.cases[Giấy tờ phải nộp].items")
    assert change.old[0] == change.new[1]
    assert change.editorial  # the order of dossier items carries no legal meaning


def test_reordered_methods_and_steps(tmp_path: Path) -> None:
    def swap(d: Any) -> None:
        d["methods"].reverse()
        d["steps"][1], d["steps"][2] = d["steps"][2], d["steps"][1]

    item = amend(tmp_path, BIRTH, swap)
    kinds = {(c.component, c.kind, c.editorial) for c in item.changes}
    assert kinds == {("methods", "reordered", True), ("steps", "reordered", False)}


def test_renumbered_steps_after_an_insert_are_one_addition(tmp_path: Path) -> None:
    def insert(d: Any) -> None:
        steps = [s.split(": ", 1)[1] for s in d["steps"]]
        steps.insert(1, "Công chức tiếp nhận tra cứu Cơ sở dữ liệu quốc gia về dân cư để khai thác thông tin.")
        d["steps"] = [f"Bước {i}: {s}" for i, s in enumerate(steps, 1)]

    item = amend(tmp_path, BIRTH, insert)
    assert [(c.component, c.kind, c.path) for c in item.changes] == [("steps", "added", "steps[1]")]


@pytest.mark.parametrize(
    ("change", "component", "path", "kind"),
    [
        (lambda d: d.update(name="Đăng ký khai sinh cho trẻ em"), "name", "name", "changed"),
        (lambda d: d["steps"].__setitem__(1, d["steps"][1].replace("viết phiếu hẹn", "cấp giấy tiếp nhận hồ sơ và hẹn trả kết quả")), "steps", "steps[1]", "changed"),
        (lambda d: d["methods"][0]["time"].update(value=3, unit="ngày làm việc"), "time", "methods[trực tiếp].time", "changed"),
        (lambda d: d["methods"][0]["fee"].update(free=False, amount=8000), "fee", "methods[trực tiếp].fee", "changed"),
        (lambda d: d["methods"][1].update(online="một phần"), "methods", "methods[trực tuyến].online", "changed"),
        (lambda d: d["methods"].pop(2), "methods", "methods[bưu chính]", "removed"),
        (lambda d: d["dossier"]["cases"][0]["items"][0].update(originals=2), "dossier", "dossier.cases[Giấy tờ phải nộp].items[Tờ khai đăng ký khai sinh].originals", "changed"),
        (lambda d: d["dossier"]["cases"][0]["items"].pop(2), "dossier", "dossier.cases[Giấy tờ phải nộp].items[Văn bản ủy quyền (được chứng thực) nếu ủy quyền thực hiện việc đăng ký khai sinh]", "removed"),
        (lambda d: d["agencies"].update(coordinating=["so-tu-phap"]), "agencies", "agencies.coordinating", "added"),
        (lambda d: d["legal_basis"].append({"number": "04/2024/TT-BTP", "type": "Thông tư"}), "legal_basis", "legal_basis[04/2024/TT-BTP]", "added"),
        (lambda d: d["results"][0].update(code="KQ.G15.000099"), "results", "results[Giấy khai sinh (bản chính)].code", "changed"),
        (lambda d: d.update(requirements=["Trẻ em sinh ra trên địa bàn tỉnh"]), "requirements", "requirements[0]", "added"),
        (lambda d: d["subjects"].append("Người nước ngoài"), "subjects", "subjects[Người nước ngoài]", "added"),
        (lambda d: d.update(level=["Cấp tỉnh", "Cấp xã"]), "level", "level", "changed"),
        (lambda d: d["forms"][0].update(name="Tờ khai đăng ký khai sinh mới"), "forms", "forms[Tờ khai đăng ký khai sinh mới].name", "changed"),
    ],
)
def test_amended_names_each_component(
    tmp_path: Path, change: Callable[[Any], None], component: str, path: str, kind: str
) -> None:
    item = amend(tmp_path, BIRTH, change)
    assert [(c.component, c.path, c.kind) for c in item.changes] == [(component, path, kind)]
    (found,) = item.changes
    assert found.label == COMPONENTS[component]
    assert item.legal and not found.editorial


def test_time_and_fee_keep_old_and_new_values(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d["methods"][0]["time"] = {"value": 5, "unit": "ngày làm việc"}
        d["methods"][0]["fee"] = {"amount": 8000, "note": "8.000 đồng/bản sao"}

    item = amend(tmp_path, BIRTH, change)
    time, fee = item.changes
    assert time.old["unit"] == "trong ngày" and time.new == {"value": 5, "unit": "ngày làm việc"}
    assert fee.old["free"] is True and fee.new == {"amount": 8000, "note": "8.000 đồng/bản sao"}


def test_long_texts_get_a_word_level_diff(tmp_path: Path) -> None:
    item = amend(tmp_path, BIRTH, lambda d: d["steps"].__setitem__(1, d["steps"][1].replace("viết phiếu hẹn", "cấp giấy hẹn")))
    (change,) = item.changes
    removed = "".join(w.text for w in change.words if w.op == "-")
    added = "".join(w.text for w in change.words if w.op == "+")
    assert removed.split() == ["viết", "phiếu"] and added.split() == ["cấp", "giấy"]
    assert "".join(w.text for w in change.words if w.op != "-") == change.new


def test_word_diff_normalises_to_nfc_first() -> None:
    import unicodedata

    old = unicodedata.normalize("NFD", "Nộp hồ sơ tại Bộ phận Một cửa của Ủy ban nhân dân cấp xã")
    ops = word_diff(old, "Nộp hồ sơ tại Bộ phận Một cửa của Ủy ban nhân dân cấp tỉnh")
    assert [(o.op, o.text.strip()) for o in ops if o.op != "="] == [("-", "xã"), ("+", "tỉnh")]


@pytest.mark.parametrize(
    ("old", "new", "editorial"),
    [
        ("Nộp hồ sơ tại Bộ phận Một cửa.", "Nộp hồ sơ tại Bộ phận Một cửa", True),
        ("Nộp hồ  sơ tại Bộ phận Một cửa", "Nộp hồ sơ tại Bộ phận Một cửa", True),
        ("Nộp hổ sơ tại Bộ phận Một cửa", "Nộp hồ sơ tại Bộ phận Một cửa", True),
        ("Uỷ ban nhân dân cấp xã", "Ủy ban nhân dân cấp xã", True),
        ("Trong thời hạn 05 ngày làm việc", "Trong thời hạn 03 ngày làm việc", False),
        ("Nộp bản sao có chứng thực", "Nộp bản sao không chứng thực", False),
        ("Nộp bản sao", "Không nộp bản sao", False),
        ("Nộp tại cấp xã", "Nộp tại cấp tỉnh", False),
    ],
)
def test_editorial_text(old: str, new: str, editorial: bool) -> None:
    import unicodedata

    assert is_editorial_text(old, new) is editorial
    assert is_editorial_text(unicodedata.normalize("NFD", new), new)


def test_editorial_only_edits(tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d["methods"][1]["url"] = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html"
        d["steps"][0] = d["steps"][0].rstrip(".")
        d["note"] = "Ghi chú nội bộ."

    item = amend(tmp_path, BIRTH, change)
    assert {c.component for c in item.changes} == {"methods", "steps", "note"}
    assert all(c.editorial for c in item.changes) and not item.legal


def test_legal_components_are_documented() -> None:
    assert set(LEGAL_COMPONENTS) <= set(COMPONENTS)
    assert {"code", "decisions", "note"}.isdisjoint(LEGAL_COMPONENTS)
    assert "NĐ 63/2010" in (LEGAL_COMPONENTS.__doc__ or "") or "63/2010" in (Path(__file__).parents[1] / "tthc/diff.py").read_text("utf-8")


def test_compare_procedures_of_the_same_record_is_empty(base: Catalogue) -> None:
    for proc in base.procedures:
        assert compare_procedures(proc, proc) == []


# --- the 2025 reform and the rule that every legal change is announced ------------------


@pytest.fixture
def reform(tmp_path: Path) -> ChangeSet:
    return diff(load(reform_before(tmp_path / "before")), load(SAMPLE))


def test_reform_moves_district_procedures_to_commune_level(reform: ChangeSet) -> None:
    assert [d.number for d in reform.decisions_added] == [REFORM]
    assert sorted(p.code for p in reform.abolished) == ["2.001475", "2.001489"]
    levels = [c for a in reform.amended for c in a.changes if c.component == "level"]
    assert levels and all(c.path == "level" and c.old == ["Cấp huyện"] for c in levels)
    assert {tuple(c.new) for c in levels} == {("Cấp xã",), ("Cấp tỉnh", "Cấp xã")}
    assert {a.code for a in reform.amended} >= {"2.000528", "1.001612", "1.001193"}
    assert unannounced(reform) == []


def test_require_decisions_flags_an_unannounced_amendment(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    edit(new, PERMANENT, lambda d: d["methods"][0].update(time={"value": 10, "unit": "ngày làm việc"}))
    (offence,) = unannounced(diff(load(SAMPLE), load(new)))
    assert offence.code == "1.004222" and offence.finding.rule == "unannounced-amended" and offence.components == ("time",)
    code_line = (new / PERMANENT).read_text("utf-8").splitlines().index("code: '1.004222'") + 1
    assert (offence.finding.file, offence.finding.line) == (PERMANENT, code_line), "at the code, in the new side's file"
    assert "amended" in offence.message and "Thời hạn giải quyết" in offence.message
    assert "1186/QĐ-UBND" in offence.message  # listed there, but that decision is not in the range


def test_require_decisions_passes_with_a_decision_in_the_range(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    edit(new, PERMANENT, lambda d: d["methods"][0].update(time={"value": 10, "unit": "ngày làm việc"}))
    add_decision(new, "2000/QĐ-UBND", amended=[{"code": "1.004222", "components": ["time"], "by": "58/2026/NĐ-CP"}])
    assert unannounced(diff(load(SAMPLE), load(new))) == []


def test_require_decisions_names_missing_components(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    edit(new, PERMANENT, lambda d: d["methods"][0].update(time={"value": 10, "unit": "ngày làm việc"}))
    add_decision(new, "2000/QĐ-UBND", amended=[{"code": "1.004222", "components": ["fee"], "by": "58/2026/NĐ-CP"}])
    (offence,) = unannounced(diff(load(SAMPLE), load(new)))
    assert offence.finding.rule == "unannounced-components"
    assert offence.components == ("time",) and "Thời hạn giải quyết" in offence.message


def test_require_decisions_lets_editorial_edits_pass(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    edit(new, PERMANENT, lambda d: d.update(note="Sửa lỗi chính tả."))
    edit(new, BIRTH, lambda d: d["methods"][1].update(url="https://dichvucong.gov.vn/moi"))
    changes = diff(load(SAMPLE), load(new))
    assert len(changes.amended) == 2 and unannounced(changes) == []


def test_require_decisions_for_new_abolished_and_replaced(tmp_path: Path) -> None:
    new = copy_sample(tmp_path / "new")
    (new / "procedures/viec-lam/1.014201.yaml").unlink()
    data = read(new, "procedures/dat-dai/1.012784.yaml")
    data.update(code="1.099999", name="Giao đất không đấu giá quyền sử dụng đất")
    write(new, "procedures/dat-dai/1.099999.yaml", data)
    offences = unannounced(diff(load(SAMPLE), load(new)))
    assert sorted((o.code, o.finding.rule) for o in offences) == [
        ("1.014201", "unannounced-abolished"),
        ("1.099999", "unannounced-new"),
    ]
    add_decision(
        new, "2001/QĐ-UBND",
        new=[{"code": "1.099999"}],
        abolished=[{"code": "1.014201", "name": "Gia hạn giấy phép lao động", "by": "12/2026/NĐ-CP"}],
    )  # fmt: skip
    assert unannounced(diff(load(SAMPLE), load(new))) == []


def test_both_sides_are_checked_in_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """reading.load_catalogues checks each distinct file of both sides once, and reads them as load_catalogue does."""
    from tthc import cache, reading

    before = reform_before(tmp_path / "before")
    after = copy_sample(tmp_path / "after")
    edit(after, BIRTH, lambda d: d.update(name=d["name"] + " (sửa)"))
    sides = [(str(before), list(folder_files(before))), (str(after), list(folder_files(after)))]
    checked: list[str] = []
    check_file = reading.check_file
    monkeypatch.setattr(reading, "check_file", lambda file, *a, **k: checked.append(file.path) or check_file(file, *a, **k))
    (old, old_findings), (new, new_findings) = reading.load_catalogues(sides, cache.Cache())
    distinct = {(f.path, f.data) for _, files in sides for f in files}
    assert len(checked) == len(distinct), "each distinct file once, the unchanged ones not twice"
    assert (old, old_findings) == load_catalogue(str(before), folder_files(before))
    assert (new, new_findings) == load_catalogue(str(after), folder_files(after))
    assert diff(old, new) == diff(load(before), load(after))
    same = [file for file, doc in new.documents.items() if file in old.documents and doc.text == old.documents[file].text]
    assert len(same) > 5 and all(new.documents[file].source is old.documents[file].source for file in same), (
        "a file the same on both sides keeps its bytes once"
    )


def test_sides_with_other_limits_check_their_own_files(tmp_path: Path) -> None:
    """A side whose tthc.yaml sets other limits cannot use the first side's checks: it checks its files itself,
    under its own limits, and still reads as load_catalogue reads it."""
    from tthc import cache, reading

    before = copy_sample(tmp_path / "before")
    after = copy_sample(tmp_path / "after")
    edit(after, "tthc.yaml", lambda d: d.update(limits={"max_file_bytes": 2000}))  # every procedure is bigger
    edit(after, BIRTH, lambda d: d.update(name=d["name"] + " (sửa)"))
    sides = [(str(before), list(folder_files(before))), (str(after), list(folder_files(after)))]
    (old, old_findings), (new, new_findings) = reading.load_catalogues(sides, cache.Cache())
    assert (old, old_findings) == load_catalogue(str(before), folder_files(before))
    assert (new, new_findings) == load_catalogue(str(after), folder_files(after))
    assert new_findings and not new.procedures, "the new side's own limit refused its procedures"


def test_reusing_the_old_sides_records_changes_nothing(tmp_path: Path) -> None:
    """Records of unchanged files are taken from the old side (the speed of diff at scale): the
    change set must be exactly the one built from scratch, and an edited file must get its new record."""
    before = reform_before(tmp_path / "before")
    after = copy_sample(tmp_path / "after")
    edit(after, BIRTH, lambda d: d.update(name=d["name"] + " (sửa)"))
    (after / PERMANENT).rename(after / PERMANENT.replace("cu-tru", "ho-tich"))  # moved: not reused, not a change
    old = load(before)
    fresh, _ = load_catalogue(str(after), folder_files(after))
    reused, _ = load_catalogue(str(after), folder_files(after), like=old)
    assert reused == fresh
    shared = {p.file for p in old.procedures} & {p.file for p in reused.procedures}
    same = [p for p in reused.procedures if p.file in shared and p in old.procedures]
    assert same and all(any(p is q for q in old.procedures) for p in same)  # taken, not rebuilt
    by_code = reused.by_code()
    assert by_code["1.001193"].name.endswith("(sửa)")
    assert diff(old, reused) == diff(old, fresh)


def test_require_decisions_findings_in_sarif_and_json(tmp_path: Path) -> None:
    """The findings of --require-decisions in validate's formats: registered rules, located, in a file or on stderr."""
    import json

    import jsonschema
    from click.testing import CliRunner

    from tests.conftest import SHARED_DATA
    from tthc.cli import main

    new = copy_sample(tmp_path / "new")
    edit(new, PERMANENT, lambda d: d["methods"][0].update(time={"value": 10, "unit": "ngày làm việc"}))
    target = tmp_path / "out" / "diff.sarif"
    args = ["diff", str(SAMPLE), str(new), "--require-decisions", "--findings-format", "sarif", "--findings-output", str(target)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Thời hạn giải quyết" in result.stdout, "the text diff on stdout is as before"
    sarif = json.loads(target.read_text("utf-8"))
    schema_path = SHARED_DATA / "sarif-schema-2.1.0.json"
    jsonschema.validate(sarif, json.loads(schema_path.read_text("utf-8")))
    (found,) = sarif["runs"][0]["results"]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert found["ruleId"] == "unannounced-amended" == rules[found["ruleIndex"]]["id"]
    location = found["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith(PERMANENT)
    assert location["region"] == {"startLine": 1, "startColumn": 7}, "at the code (the edit wrote it first)"
    result = CliRunner().invoke(main, [*args[:4], "--findings-format", "json"])
    report = json.loads(result.stderr)
    assert result.exit_code == 1 and not report["ok"] and [f["code"] for f in report["findings"]] == ["1.004222"]
    refused = CliRunner().invoke(main, ["diff", str(SAMPLE), str(new), "--findings-format", "json"])
    assert refused.exit_code == 2 and "--require-decisions" in refused.stderr


def test_the_warning_says_which_broken_files_were_compared_and_which_left_out(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tthc.cli import main

    new = copy_sample(tmp_path / "new")
    (new / BIRTH).write_text("code: [chưa đóng\n", "utf-8")  # unreadable: not in the model
    edit(new, PERMANENT, lambda d: d.update(name=12))  # schema error: read, and compared
    result = CliRunner().invoke(main, ["diff", str(SAMPLE), str(new)])
    assert result.exit_code == 0, result.output
    left_out, compared = result.stderr.splitlines()[-2:]
    assert "1 tệp không đọc được nên không được so sánh: " + BIRTH in left_out
    assert "1 tệp sai cấu trúc nhưng vẫn được so sánh" in compared and PERMANENT in compared
    assert "1.004222" in result.stdout, "the schema-broken file's changes are shown"


def test_one_channel_at_two_places_is_matched_by_its_place() -> None:
    """The fee at the mission abroad changed; the commune's did not, though the methods were listed the other way round."""
    from tthc.model import Fee, Method

    commune = Method(channel="trực tiếp", time=None, fee=Fee(2000))
    mission = Method(channel="trực tiếp", time=None, fee=Fee(10, "USD"), place="cơ quan đại diện")
    old = Procedure(file="p.yaml", code="2.000815", name="Chứng thực", field="f", levels=("Cấp xã",), methods=(commune, mission))
    new = dataclasses.replace(old, methods=(dataclasses.replace(mission, fee=Fee(12, "USD")), commune))
    changes = [(c.path, c.kind) for c in compare_procedures(old, new)]
    assert ("methods[trực tiếp (cơ quan đại diện)].fee", "changed") in changes
    assert not any(path.startswith("methods[trực tiếp].") for path, _ in changes)
