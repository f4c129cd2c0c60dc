"""The fast paths of validation give exactly the findings of the slow ones.

Cached and uncached runs, one process and several, libyaml and ruamel, the
jsonschema-rs gate and jsonschema: each pair is compared on real files (the
sample, broken by the declarative rule cases, and the hostile corpus).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import MINIMAL, SAMPLE, TESTS
from tests.test_rules import _cases, apply
from tthc import cache, libyaml, loader, parallel, reading, schema, validate
from tthc.cli import main
from tthc.report import Report
from tthc.source import folder_files

CASES = [param.values[0] for param in _cases()]
"""The declarative rule cases (tests/rules), each an edit of the minimal catalogue."""


def _findings(report: Report) -> list[tuple[object, ...]]:
    return [(f.rule, f.severity.value, f.file, f.line, f.column, f.message, f.code) for f in report.findings]


def _broken_sample(root: Path) -> Path:
    """The minimal catalogue broken in a dozen ways at once, from the declarative rule cases."""
    shutil.copytree(MINIMAL, root)
    for case in CASES[:: max(1, len(CASES) // 12)]:
        try:
            apply(root, case["files"])
        except (KeyError, ValueError, AssertionError, OSError):
            continue  # a case written against a file another case already changed
    return root


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "store"
    monkeypatch.setenv("TTHC_CACHE_DIR", str(folder))
    return folder


def test_cached_runs_report_exactly_the_uncached_findings(tmp_path: Path, store_dir: Path) -> None:
    root = _broken_sample(tmp_path / "catalogue")
    plain = validate.validate(root)
    assert plain.findings, "the broken sample must have findings to compare"
    first = cache.Cache.open(str(root))
    cold = validate.validate(root, store=first, keep_catalogue=False)
    first.save()
    warm_store = cache.Cache.open(str(root))
    warm = validate.validate(root, store=warm_store, keep_catalogue=False)
    assert warm.catalogue is None, "an unchanged catalogue is answered from the kept report"
    per_file = validate.validate(root, store=cache.Cache.open(str(root)))  # model needed: per-file entries
    assert per_file.catalogue is not None
    for report in (cold, warm, per_file):
        assert _findings(report) == _findings(plain)
        assert (report.files, report.procedures, report.decisions) == (plain.files, plain.procedures, plain.decisions)


def test_one_changed_file_is_checked_again(tmp_path: Path, store_dir: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    store = cache.Cache.open(str(root))
    assert validate.validate(root, store=store, keep_catalogue=False).errors == 0
    store.save()
    target = root / "procedures" / "ho-tich" / "1.001193.yaml"
    target.write_text(target.read_text("utf-8").replace('code: "1.001193"', "code: 1.001193"), "utf-8")
    again = validate.validate(root, store=cache.Cache.open(str(root)), keep_catalogue=False)
    assert _findings(again) == _findings(validate.validate(root))
    assert any(f.rule == "code-unquoted" for f in again.findings)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b[:-10] + b"0123456789",  # corrupt payload
        lambda b: b"not a cache at all",
        lambda b: b"",
    ],
    ids=["truncated", "corrupt", "foreign", "empty"],
)
def test_a_damaged_store_is_ignored(tmp_path: Path, store_dir: Path, damage: object) -> None:
    root = _broken_sample(tmp_path / "catalogue")
    store = cache.Cache.open(str(root))
    expected = _findings(validate.validate(root, store=store, keep_catalogue=False))
    store.save()
    (file,) = store_dir.iterdir()
    file.write_bytes(damage(file.read_bytes()))  # type: ignore[operator]
    reopened = cache.Cache.open(str(root))
    assert reopened.get(b"anything") is None
    assert _findings(validate.validate(root, store=reopened, keep_catalogue=False)) == expected


def test_a_store_of_another_tthc_is_ignored(tmp_path: Path, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    store = cache.Cache.open(str(root))
    validate.validate(root, store=store, keep_catalogue=False)
    store.save()
    assert cache.Cache.open(str(root))._old, "the same tthc reads its store back"
    monkeypatch.setattr(cache, "salt", lambda: b"another version of tthc".ljust(32, b"."))
    assert not cache.Cache.open(str(root))._old


def test_stale_entry_of_an_edited_file_is_not_used(tmp_path: Path, store_dir: Path) -> None:
    """The key is the content: an edit that keeps size and time still misses."""
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    store = cache.Cache.open(str(root))
    validate.validate(root, store=store)
    store.save()
    target = root / "procedures" / "ho-tich" / "1.001193.yaml"
    before = target.stat()
    body = target.read_bytes().replace(b"level: [C\xe1\xba\xa5p x\xc3\xa3]", b"level: [C\xe1\xba\xa5p xx]")
    assert len(body) != len(target.read_bytes()) or body != target.read_bytes()
    target.write_bytes(body)
    import os

    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = validate.validate(root, store=cache.Cache.open(str(root)), keep_catalogue=False)
    assert _findings(again) == _findings(validate.validate(root))


def test_entries_kept_by_a_reading_command_do_not_stand_in_for_validation(tmp_path: Path, store_dir: Path) -> None:
    """diff, stats and export keep files without running the per-document rules; validate must not trust that."""
    root = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, root)
    target = root / "procedures" / "ho-tich" / "1.001193.yaml"
    target.write_text(target.read_text("utf-8").replace('code: "1.001193"', "code: 1.001193"), "utf-8")
    expected = _findings(validate.validate(root))
    assert "code-unquoted" in {f[0] for f in expected}, "a per-document rule must have something to say"
    kept = cache.Cache.open(str(root))
    catalogue, _ = reading.load_catalogue(str(root), folder_files(root), store=kept)
    kept.save()
    assert catalogue.procedures
    again = validate.validate(root, store=cache.Cache.open(str(root)), keep_catalogue=False)
    assert _findings(again) == expected
    # and a store that validation filled serves the reading commands with the same model
    full = cache.Cache.open(str(root))
    validate.validate(root, store=full)
    full.save()
    served, _ = reading.load_catalogue(str(root), folder_files(root), store=cache.Cache.open(str(root)))
    assert served.procedures == catalogue.procedures and served.decisions == catalogue.decisions


def test_entries_a_run_only_keeps_are_written_back_unchanged(tmp_path: Path, store_dir: Path) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    store = cache.Cache.open(str(root))
    validate.validate(root, store=store)
    store.save()
    (file,) = store_dir.iterdir()
    before = file.read_bytes()
    target = root / "procedures" / "ho-tich" / "1.001193.yaml"
    target.write_text(target.read_text("utf-8").replace("Đăng ký khai sinh", "Đăng ký khai sinh mới", 1), "utf-8")
    again = cache.Cache.open(str(root))
    validate.validate(root, store=again, keep_catalogue=False)
    again.save()
    reread = cache.Cache.open(str(root))
    kept = set(store._used) & set(reread._old)
    assert len(kept) >= len(store._used) - 2, "only the edited file's entry and the report change"
    assert all(reread._old[k] == store._used[k] for k in kept)
    assert file.read_bytes() != before


def test_a_value_replaced_under_its_key_is_written_back(store_dir: Path) -> None:
    """validate replaces a reading command's entry (no rules) under the same key: the store must take it."""
    first = cache.Cache.open("catalogue")
    first.put(b"key", ("data", None))
    first.save()
    second = cache.Cache.open("catalogue")
    assert second.get(b"key") == ("data", None)
    second.put(b"key", ("data", ()))
    second.save()
    assert cache.Cache.open("catalogue").get(b"key") == ("data", ())


def test_cli_uses_and_can_turn_off_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    folder = tmp_path / "store"
    monkeypatch.setenv("TTHC_CACHE_DIR", str(folder))
    runs = [CliRunner().invoke(main, ["validate", str(root), "-f", "json"]) for _ in range(2)]
    assert [r.exit_code for r in runs] == [0, 0]
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout)
    assert len(list(folder.iterdir())) == 1
    monkeypatch.setenv("TTHC_CACHE_DIR", "off")
    shutil.rmtree(folder)
    assert CliRunner().invoke(main, ["validate", str(root)]).exit_code == 0
    assert not folder.exists()


def test_workers_give_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _broken_sample(tmp_path / "catalogue")
    serial = validate.validate(root)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    monkeypatch.setattr(parallel, "CHUNK", 5)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    spread = validate.validate(root)
    assert _findings(spread) == _findings(serial)
    assert spread.catalogue is not None and serial.catalogue is not None
    assert spread.catalogue.procedures == serial.catalogue.procedures


def _yaml_texts() -> list[tuple[str, str]]:
    """Every YAML text the tests hold: the sample, the rule cases' snippets, the hostile corpus files."""
    texts = [(str(p), p.read_text("utf-8")) for p in sorted(SAMPLE.rglob("*.yaml"))]
    for case in CASES:
        for name, edit in case["files"].items():
            if isinstance(edit, dict):
                for pair in edit.get("replace", []):
                    texts.append((f"{case['name']}:{name}", f"a: {pair[1]}\n"))
                    texts.append((f"{case['name']}:{name}:block", pair[1] + "\n"))
            elif isinstance(edit, str):
                texts.append((f"{case['name']}:{name}", edit))
    for path in sorted((TESTS / "hostile" / "files").glob("*.yaml")):
        raw = path.read_bytes()
        try:
            texts.append((str(path), raw.decode("utf-8-sig")))
        except UnicodeDecodeError:
            continue
    scalars = ["017", "0o17", "0x1F", "1_000", "-", "+", "1e3", "1e999", ".nan", ".inf", "-.inf", "yes", "no",
               "on", "off", "true", "True", "TRUE", "null", "Null", "~", "", "2025-02-30", "2025-02-28",
               "2025-1-5", "2025-02-28 10:00:00+07:00", "2025-02-28T10:00:00Z", "1:30", "=", "<<", "0b101",
               "'017'", '"\\u0301"', "1.001193", "1.0", "-0", "00", "9" * 5000, "12:30:00", "0.", ".5"]  # fmt: skip
    texts += [(f"scalar {s[:20]}", f"a: {s}\nb: [{s}]\n") for s in scalars]
    return texts


@pytest.mark.skipif(not libyaml.AVAILABLE, reason="PyYAML without libyaml")
@pytest.mark.parametrize(("name", "source"), _yaml_texts(), ids=lambda v: str(v)[:40])
def test_libyaml_reads_what_ruamel_reads_or_declines(name: str, source: str) -> None:
    try:
        fast = libyaml.load(source)
    except libyaml.Unsure:
        return
    full = loader._jsonable(loader._yaml().load(source), 0, 1000)
    assert repr(fast) == repr(full), name


def test_the_schema_gate_never_passes_a_file_jsonschema_faults(tmp_path: Path) -> None:
    documents = []
    for case in CASES:
        trial = tmp_path / f"case{len(documents)}"
        shutil.copytree(MINIMAL, trial)
        try:
            apply(trial, case["files"])
        except (KeyError, ValueError, AssertionError, OSError):
            continue
        documents.extend((trial, f) for f in folder_files(trial))
        if len(documents) > 3000:
            break
    faulted = 0
    for _, file in documents:
        if file.data is None:
            continue
        data = loader.load(file.path, file.kind, file.data).document.data
        if data is None:
            continue
        errors = list(schema.validator(file.kind).iter_errors(data))
        if errors:
            faulted += 1
            assert not schema.passes_gate(file.kind, data), (file.path, errors[0].message)
    assert faulted > 20, "the rule cases must give the gate files to refuse"


def test_a_store_whose_index_does_not_add_up_is_ignored_even_with_its_checksum(store_dir: Path) -> None:
    """The checksum says tthc wrote it; the index must still describe exactly the values before it."""
    store = cache.Cache.open("catalogue")
    store.put(b"key", ("data", ()))
    store.save()
    (file,) = store_dir.iterdir()
    assert cache.Cache.open("catalogue").get(b"key") == ("data", ())
    value = marshal.dumps(("data", ()))
    for keys, lengths in [((b"key",), (10_000,)), ((b"key",), (1,)), ((), ())]:
        index = marshal.dumps((keys, lengths))
        body = cache.MAGIC + value + index + len(index).to_bytes(8, "little")
        file.write_bytes(body + hashlib.blake2b(body, key=cache.salt(), digest_size=32).digest())
        assert cache.Cache.open("catalogue").get(b"key") is None


def test_values_read_back_are_views_of_the_store_read_once(store_dir: Path) -> None:
    """A store of a quarter of a gigabyte (50,000 procedures) is not copied value by value when it is read."""
    first = cache.Cache.open("catalogue")
    values = {bytes([n]) * 20: ("data", n, "x" * n) for n in range(50)}
    for k, value in values.items():
        first.put(k, value)
    first.save()
    again = cache.Cache.open("catalogue")
    assert all(isinstance(raw, memoryview) for raw in again._old.values())
    assert len({raw.obj for raw in again._old.values()}) == 1  # type: ignore[union-attr]
    assert {k: again.get(k) for k in values} == values
    again.keep(b"\x01" * 20)
    again.save()  # only what this run used is written back
    assert {k: cache.Cache.open("catalogue").get(k) for k in values} == {
        k: (v if k in again._used else None) for k, v in values.items()
    }


def test_documents_share_their_keys_and_short_texts(tmp_path: Path, store_dir: Path) -> None:
    """Each file's data comes back with its keys and short texts interned: one copy for the whole catalogue."""
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    for store in (cache.Cache.open(str(root)), cache.Cache.open(str(root)), None):  # checked, from the store, no store
        catalogue, _ = reading.load_catalogue(str(root), folder_files(root), store=store)
        if store is not None:
            store.save()
        first, second = catalogue.procedures[0].data, catalogue.procedures[1].data
        assert next(k for k in first if k == "name") is next(k for k in second if k == "name")
        units = [m["time"]["unit"] for p in catalogue.procedures for m in p.data.get("methods", []) if m.get("time")]
        assert len(units) > 1 and all(unit is units[0] for unit in units if unit == units[0])
