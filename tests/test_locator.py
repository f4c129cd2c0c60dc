"""tthc.locator: findings placed through libyaml's composer exactly where ruamel's put them.

The locator composes files with PyYAML's libyaml (YAML 1.2 resolution from
:mod:`tthc.libyaml`) and goes back to ruamel's composer and constructor for a
file where a key on the way is not text, or that libyaml may read otherwise.
Each test compares both on real files, or pins positions by hand.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import PROJECT, SAMPLE
from tthc import libyaml, locator
from tthc.findings import Finding, Severity

HOSTILE_FILES = PROJECT / "tests" / "hostile" / "files"


def _ruamel_tree(text: str) -> locator._Tree:
    tree = locator._Tree(text, locator._yaml())
    tree._fall_back()
    return tree


def _lenient() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.allow_duplicate_keys = True  # a hostile file has one: the last one wins, in the locator too
    return yaml


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path in the loaded data, plus one step that is not there under each collection."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
        yield (*prefix, "không-có")
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from _paths(value, (*prefix, n))
        yield (*prefix, len(data))


def _texts() -> list[tuple[str, str]]:
    files = [*sorted(SAMPLE.rglob("*.yaml")), *sorted(HOSTILE_FILES.glob("*.yaml")),
             *sorted((PROJECT / "tests" / "rules").glob("*.yaml")), PROJECT / "tests" / "hostile" / "cases.yaml"]
    out = []
    for path in files:
        try:
            out.append((path.name, path.read_text("utf-8")))
        except UnicodeDecodeError:
            continue
    return out


def test_libyaml_places_every_path_of_the_sample_and_hostile_files_as_ruamel_did() -> None:
    compared = fast = 0
    for name, text in _texts():
        tree = locator._Tree(text, locator._yaml())
        ruamel = _ruamel_tree(text)
        if ruamel.root is None:
            continue
        data = _lenient().load(text)
        fast += not tree.ruamel
        for path in _paths(data):
            for at_key in (False, True):
                assert locator.position(tree, path, at_key) == locator.position(ruamel, path, at_key), (name, path)
                compared += 1
    assert fast >= 50  # the sample's files all went through libyaml
    assert compared > 20_000


KEYS = """\
yes: 1
on: 2
1_000: 3
017: 4
0o17: 5
nest:
  no: a
  off: b
  1: c
  "2": d
"""


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("yes",), (1, 6)),  # YAML 1.2: text, not True as in 1.1
        (("on",), (2, 5)),
        ((1000,), (3, 8)),  # ruamel reads 1_000 as a number
        ((17,), (4, 6)),  # 1.2: decimal
        ((15,), (5, 7)),  # 0o17: octal
        (("nest", "no"), (7, 7)),
        (("nest", "off"), (8, 8)),
        (("nest", 1), (9, 6)),
        (("nest", "2"), (10, 8)),
        (("nest", "1"), (6, 1)),  # the text "1" is not the number 1: the nearest parent
        ((True,), (1, 1)),
    ],
)
def test_keys_match_as_the_loader_built_them(path: tuple[Any, ...], where: tuple[int, int]) -> None:
    tree = locator._Tree(KEYS, locator._yaml())
    assert locator.position(tree, path) == where
    assert locator.position(_ruamel_tree(KEYS), path) == where


def test_a_file_of_text_keys_never_needs_ruamel() -> None:
    text = (SAMPLE / "tthc.yaml").read_text("utf-8")
    tree = locator._Tree(text, locator._yaml())
    assert locator.position(tree, ("fields", 1, "name")) > (1, 1)
    assert not tree.ruamel


def test_a_number_key_on_the_way_hands_the_file_to_ruamel() -> None:
    tree = locator._Tree(KEYS, locator._yaml())
    assert locator.position(tree, ("on",)) == (2, 5)  # "yes", "on": text in 1.2; the walk stops at 1_000
    assert tree.ruamel


def test_a_yaml_1_1_directive_is_read_by_ruamel() -> None:
    text = "%YAML 1.1\n---\nyes: 1\nname: x\n"
    with pytest.raises(libyaml.Unsure):
        libyaml.compose(text)
    tree = locator._Tree(text, locator._yaml())
    assert tree.ruamel
    assert locator.position(tree, ("yes",)) == (3, 6)  # ruamel keeps it text, as the loader does


def test_merge_keys_and_flow_colons_go_to_ruamel() -> None:
    merged = "base: &b {note: x}\nmethod:\n  <<: *b\n  channel: y\n"
    tree = locator._Tree(merged, locator._yaml())
    assert locator.position(tree, ("method", "channel")) == (4, 12)
    assert tree.ruamel
    with pytest.raises(libyaml.Unsure):
        libyaml.compose("steps: [1:30]\n")


def test_a_key_written_in_nfd_is_found_by_its_nfc_name() -> None:
    text = unicodedata.normalize("NFD", "tên: a\nghi chú: b\n")
    tree = locator._Tree(text, locator._yaml())
    assert locator.position(tree, ("ghi chú",)) == (2, 11)  # columns count characters: ú is two in NFD
    assert not tree.ruamel


def test_written_keeps_the_digits_of_a_number() -> None:
    assert locator.written('code: 1.000650\nname: "1.5"\n', ("code",)) == "1.000650"
    assert locator.written('code: 1.000650\nname: "1.5"\n', ("name",)) is None  # quoted: not a plain scalar
    assert locator.written("code: 1\n", ("missing",)) is None


def _finding(file: str, path: tuple[Any, ...], line: int | None = None) -> Finding:
    return Finding("schema-type", Severity.ERROR, file, "m", path, line=line)


def test_locate_keeps_the_order_and_places_each_file_once() -> None:
    texts = {"a.yaml": "x: 1\ny:\n  - 2\n", "b.yaml": "\n\nz: 3\n"}
    findings = [_finding("a.yaml", ("y", 0)), _finding("b.yaml", ("z",)), _finding("c.yaml", ("q",)),
                _finding("a.yaml", ("x",)), _finding("b.yaml", ("z",), line=9)]
    placed = locator.locate(findings, texts)
    assert [(f.file, f.line, f.column) for f in placed] == [
        ("a.yaml", 3, 5), ("b.yaml", 3, 4), ("c.yaml", 1, 1), ("a.yaml", 1, 4), ("b.yaml", 9, None)]


def _flow_differs_by_lines(source: str) -> bool:
    """The screen as first written, line by line: the regular expression must say the same."""
    for line in source.splitlines():
        start = re.search(r"[\[{]", line)
        if start is None:
            continue
        rest = line[start.start() :]
        if re.search(r":(?!\s|$)", rest) or rest.count("[") + rest.count("{") != rest.count("]") + rest.count("}"):
            return True
    return False


def test_flow_screen_reads_lines_as_splitlines_does() -> None:
    rng = random.Random(21)
    alphabet = "a :[]{}\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\t#,"
    for _ in range(20_000):
        source = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        assert libyaml._flow_differs(source) == _flow_differs_by_lines(source), repr(source)
    for _, text in _texts():
        assert libyaml._flow_differs(text) == _flow_differs_by_lines(text)


def test_locating_in_workers_gives_what_one_process_gives() -> None:
    from tthc import parallel

    sources = []
    for name, text in _texts()[:20]:
        try:
            data = _lenient().load(text)
        except Exception:  # a hostile file: its first step is enough
            data = {}
        sources.append((name, text, list(_paths(data))))
    texts: dict[str, str] = {}
    findings: list[Finding] = []
    for n in range(parallel.PARALLEL_FROM + 30):
        name, text, paths = sources[n % len(sources)]
        texts[f"{n}-{name}"] = text
        findings += [_finding(f"{n}-{name}", path) for path in paths[n % 3 :: 7]]
    findings.insert(5, _finding("not-read.yaml", ("q",)))
    alone = locator.locate(findings, texts)
    with parallel.shared() as workers:
        spread = locator.locate(findings, texts, workers)
        assert workers._executor is not None or parallel.cores() < 2, "the positions were placed in workers"
    assert [(f.file, f.path, f.line, f.column) for f in spread] == [(f.file, f.path, f.line, f.column) for f in alone]
    assert all(f.line is not None for f in alone)


def _tables() -> Iterator[tuple[str, str, Any, bytes]]:
    """(name, text, data, table) of every file of :func:`_texts` that the loader's fast path reads."""
    for name, text in _texts():
        try:
            data, nodes = libyaml.load_nodes(text)
        except (libyaml.Unsure, RecursionError):
            continue
        places = locator.table(nodes)
        assert places is not None
        yield name, text, data, places


def test_the_workers_table_places_every_path_where_the_locator_does() -> None:
    compared = files = 0
    for name, text, data, places in _tables():
        tree = locator._Tree(text, locator._yaml())
        files += 1
        for path in _paths(data):
            for at_key in (False, True):
                assert locator.place(places, data, path, at_key) == locator.position(tree, path, at_key), (name, path)
                compared += 1
    assert files >= 50  # the sample's files and most rule cases
    assert compared > 15_000


def test_a_table_matches_keys_in_nfc_and_knows_no_number_key() -> None:
    text = unicodedata.normalize("NFD", "tên: a\nghi chú:\n  - b\n  - {c: 1}\n'1': x\n")
    data, nodes = libyaml.load_nodes(text)
    places = locator.table(nodes)
    assert places is not None
    tree = locator._Tree(text, locator._yaml())
    for path in [("ghi chú",), ("ghi chú", 1, "c"), ("ghi chú", 5), ("ghi chú", True), (1,), ("1",), ("tên", "x"), ()]:
        for at_key in (False, True):
            assert locator.place(places, data, path, at_key) == locator.position(tree, path, at_key), path
    assert locator.place(places, data, ("ghi chú", 1, "c")) == (4, 9)


def test_long_files_take_four_bytes_a_number() -> None:
    text = "a: 1\n" + "\n" * 70_000 + "b: [x, y]\n"
    data, nodes = libyaml.load_nodes(text)
    places = locator.table(nodes)
    assert places is not None and places[:1] == b"I"
    assert locator.place(places, data, ("b", 1)) == (70_002, 8)
    assert locator.place(places, data, ("b",), at_key=True) == (70_002, 1)


def test_locate_places_a_file_with_a_table_without_its_text() -> None:
    text = "x: 1\ny:\n  - 2\n"
    data, nodes = libyaml.load_nodes(text)
    places = locator.table(nodes)
    assert places is not None
    findings = [_finding("a.yaml", ("y", 0)), _finding("a.yaml", ("x",)), _finding("b.yaml", ("z",))]
    placed = locator.locate(findings, {"b.yaml": "\n\nz: 3\n"}, tables={"a.yaml": (places, data)})
    assert [(f.file, f.line, f.column) for f in placed] == [("a.yaml", 3, 5), ("a.yaml", 1, 4), ("b.yaml", 3, 4)]
