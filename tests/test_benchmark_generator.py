"""The benchmark's catalogue generator (benchmarks/generate.py): valid, deterministic, realistic."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from ruamel.yaml import YAML

from tthc.validate import validate

PROJECT = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tthc_bench_generate", PROJECT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


generate = _generator()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def revisions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("generated")
    generate.generate(200, base / "rev1", seed="7", revision2=base / "rev2")
    return base / "rev1", base / "rev2"


def _errors(root: Path) -> list[str]:
    report = validate(root)
    return [f"{f.rule} {f.file}:{f.line}: {f.message}" for f in report.findings if f.severity.value == "error"]


def test_generated_catalogue_validates(revisions: tuple[Path, Path]) -> None:
    rev1, _ = revisions
    assert _errors(rev1) == []
    report = validate(rev1)
    assert (report.procedures, report.errors) == (200, 0)
    assert report.decisions >= 2


def test_second_revision_validates(revisions: tuple[Path, Path]) -> None:
    _, rev2 = revisions
    assert _errors(rev2) == []


def test_same_seed_gives_byte_identical_trees(revisions: tuple[Path, Path], tmp_path: Path) -> None:
    rev1, rev2 = revisions
    generate.generate(200, tmp_path / "a", seed="7", revision2=tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(rev1)
    assert _tree(tmp_path / "b") == _tree(rev2)


def test_another_seed_gives_another_catalogue(revisions: tuple[Path, Path], tmp_path: Path) -> None:
    generate.generate(200, tmp_path / "other", seed="8")
    assert _tree(tmp_path / "other") != _tree(revisions[0])


def test_shape_imitates_the_sample(revisions: tuple[Path, Path]) -> None:
    rev1, _ = revisions
    yaml = YAML(typ="safe", pure=False)
    records = [yaml.load(p.read_text("utf-8")) for p in sorted((rev1 / "procedures").rglob("*.yaml"))]
    codes = [r["code"] for r in records]
    assert len(set(codes)) == len(codes)
    assert all(generate.re.fullmatch(r"\d\.\d{6}", c) for c in codes)
    provincial = sum(r["level"] == ["Cấp tỉnh"] for r in records) / len(records)
    commune = sum(r["level"] == ["Cấp xã"] for r in records) / len(records)
    both = sum(len(r["level"]) == 2 for r in records)
    assert 0.1 < provincial < 0.45 and 0.5 < commune < 0.9 and both >= 1
    assert len({r["field"] for r in records}) >= 10
    required = {"steps", "methods", "dossier", "subjects", "agencies", "results", "legal_basis", "decisions"}
    assert all(required <= r.keys() for r in records)
    sizes = sorted(p.stat().st_size for p in (rev1 / "procedures").rglob("*.yaml"))
    assert 2_000 < sizes[len(sizes) // 2] < 9_000  # the sample's files are 3–8 kB


def test_decisions_hold_50_to_200_procedures_and_each_procedure_cites_them(revisions: tuple[Path, Path]) -> None:
    rev1, _ = revisions
    yaml = YAML(typ="safe", pure=False)
    cited: dict[str, set[str]] = {}
    for path in sorted((rev1 / "decisions").rglob("*.yaml")):
        decision = yaml.load(path.read_text("utf-8"))
        entries = [*decision.get("new", []), *decision.get("amended", []), *decision.get("abolished", []),
                   *decision.get("replaced", [])]
        assert 50 <= len(entries) <= 200 or path == max((rev1 / "decisions").rglob("*.yaml"))
        for entry in [*decision.get("new", []), *decision.get("amended", [])]:
            cited.setdefault(entry["code"], set()).add(decision["number"])
        for entry in decision.get("replaced", []):
            cited.setdefault(entry["new"], set()).add(decision["number"])
    for path in (rev1 / "procedures").rglob("*.yaml"):
        record = yaml.load(path.read_text("utf-8"))
        assert set(record["decisions"]) == cited[record["code"]]


def test_second_revision_amends_adds_and_abolishes_in_one_new_decision(revisions: tuple[Path, Path]) -> None:
    rev1, rev2 = revisions
    before, after = _tree(rev1), _tree(rev2)
    procedures = {k for k in before if k.startswith("procedures/")}
    kept = {k for k in after if k.startswith("procedures/")}
    changed = {k for k in procedures & kept if before[k] != after[k]}
    assert len(procedures - kept) == 1  # 0.2 % of 200, at least one
    assert len(kept - procedures) == 1  # 0.3 % of 200
    assert len(changed) == 2  # 1 % of 200
    new_decisions = [k for k in after if k.startswith("decisions/") and k not in before]
    assert len(new_decisions) == 1
    decision = YAML(typ="safe", pure=False).load(after[new_decisions[0]].decode("utf-8"))
    listed = {e["code"] for e in [*decision["new"], *decision["amended"], *decision["abolished"]]}
    named = {Path(k).stem for k in (procedures - kept) | (kept - procedures) | changed}
    assert listed == named
    assert {c for e in decision["amended"] for c in e["components"]} <= {"fee", "time", "steps", "dossier"}


def test_diff_sees_the_second_revision_as_generated(revisions: tuple[Path, Path]) -> None:
    diff = pytest.importorskip("tthc.diff")
    from tthc.reading import load_catalogue
    from tthc.source import folder_files

    rev1, rev2 = revisions
    old, _ = load_catalogue(str(rev1), folder_files(rev1))
    new, _ = load_catalogue(str(rev2), folder_files(rev2))
    changes = diff.diff(old, new)
    assert (len(changes.new), len(changes.abolished), len(changes.amended)) == (1, 1, 2)
    assert len(changes.decisions_added) == 1


def test_first_import_has_findings_in_every_procedure_file(tmp_path: Path) -> None:
    """``--findings``: the catalogue a first import leaves, every file with the findings ``tthc new`` leaves."""
    generate.generate(200, tmp_path / "first", seed="7", findings=True)
    report = validate(tmp_path / "first")
    files = {p.relative_to(tmp_path / "first").as_posix() for p in (tmp_path / "first" / "procedures").rglob("*.yaml")}
    assert report.procedures == len(files) == 200
    by_file: dict[str, set[tuple[str, str]]] = {}
    for f in report.findings:
        by_file.setdefault(f.file, set()).add((f.rule, "/".join(map(str, f.path))))
    assert set(by_file) == files
    assert all({("procedure-not-announced", "code"), ("schema-empty", "decisions")} <= kinds for kinds in by_file.values())
    rules = {rule for kinds in by_file.values() for rule, _ in kinds}
    assert rules == {"procedure-not-announced", "schema-empty", "time-invalid", "fee-invalid"}
    emptied = {path for kinds in by_file.values() for rule, path in kinds if rule == "schema-empty"}
    assert emptied == {"decisions", "steps", "subjects", "results", "legal_basis"}
    placed = [f for f in report.findings if f.line is not None and f.line > 1]
    assert len(placed) == len(report.findings)  # every finding at its own line, none left at the top


def test_first_import_is_deterministic_and_refuses_a_second_revision(tmp_path: Path) -> None:
    generate.generate(50, tmp_path / "a", seed="7", findings=True)
    generate.generate(50, tmp_path / "b", seed="7", findings=True)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert "decisions: []  # CẦN ĐIỀN".encode() in (tmp_path / "a" / _first(tmp_path / "a")).read_bytes()
    with pytest.raises(ValueError):
        generate.generate(50, tmp_path / "c", seed="7", findings=True, revision2=tmp_path / "d")


def _first(root: Path) -> str:
    return next(p.relative_to(root).as_posix() for p in sorted((root / "procedures").rglob("*.yaml")))
