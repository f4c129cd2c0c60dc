"""Turn a path inside a YAML document into a line and column.

Only files that have findings are parsed again here, so that a clean
catalogue never pays for it. A first import has findings in every file,
though, and then this is a parse of every file: it goes through libyaml's
composer in C (:func:`tthc.libyaml.compose`), whose nodes carry their marks,
at a quarter of the cost of ruamel's composer and resolver in Python
(benchmarks/README.md, "Findings in every file"). Where that composer is not
sure to read the file as the loader did (see :func:`tthc.libyaml.compose`),
or a mapping on the way has a key that is not plain text (``1:``, ``yes:``,
``2025-01-01:``, ``<<:``), ruamel composes it and builds the keys with its
own YAML 1.2 constructor, as before.
Only files the loader accepted get here, so their nesting is within limits.

Most files are not parsed here at all, though: the worker that loaded a
file with findings kept where its nodes are (:func:`table`, from the tree
libyaml composed to build the data), and every finding of that file, its
own and those of the rules across files, is placed from that table
(:func:`place`). Only files without one (no finding of their own, or read
by ruamel) are composed again.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml as _pyyaml
from ruamel.yaml import YAML
from ruamel.yaml import nodes as _ruamel
from ruamel.yaml.error import YAMLError

from tthc import libyaml, parallel
from tthc.findings import Finding, Path
from tthc.text import nfc

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"

_SCALAR = (_ruamel.ScalarNode, _pyyaml.ScalarNode)
_MAPPING = (_ruamel.MappingNode, _pyyaml.MappingNode)
_SEQUENCE = (_ruamel.SequenceNode, _pyyaml.SequenceNode)
_COLLECTION = _MAPPING + _SEQUENCE


class _NotText(Exception):
    """A key that libyaml's tree holds as its tag and characters only; ruamel's tree builds it."""


def _yaml() -> YAML:
    return YAML(typ="safe", pure=False)


class _Tree:
    """One file's composed nodes, from libyaml while every key on the way is text, else from ruamel."""

    def __init__(self, text: str, yaml: YAML) -> None:
        self.text, self.yaml = text, yaml
        self.ruamel = False
        try:
            self.root: Any = libyaml.compose(text)
        except libyaml.Unsure:
            self._fall_back()

    def _fall_back(self) -> None:
        self.ruamel = True
        try:
            self.root = self.yaml.compose(self.text)
        except (YAMLError, RecursionError):
            self.root = None

    def walk(self, path: Path) -> list[tuple[Any, Any]]:
        """(key node or None for a list item, node) of each step of ``path`` that exists, from the top."""
        try:
            return self._walk(path)
        except _NotText:
            self._fall_back()
            return self._walk(path)

    def _walk(self, path: Path) -> list[tuple[Any, Any]]:
        steps: list[tuple[Any, Any]] = []
        node = self.root
        for step in path:
            down = self._down(node, step)
            if down is None:
                break
            steps.append(down)
            node = down[1]
        return steps

    def _down(self, node: Any, step: str | int) -> tuple[Any, Any] | None:
        """(key node or None for a list item, child node) one step down, or None where the path ends."""
        if isinstance(node, _MAPPING):
            return self._child(node, step)
        if isinstance(node, _SEQUENCE) and isinstance(step, int) and 0 <= step < len(node.value):
            return None, node.value[step]
        return None

    def _child(self, node: Any, step: str | int) -> tuple[Any, Any] | None:
        """(key node, value node) of ``step`` in a mapping; the last one wins, as in the loaded data.

        Findings name keys in NFC (the model and the schema see NFC text), and the
        file may spell them in NFD.
        """
        want = nfc(step) if isinstance(step, str) else step
        found = None
        for key, value in node.value:
            have = self._key(key)
            if (nfc(have) if isinstance(have, str) else have) == want:
                found = (key, value)
        return found

    def _key(self, node: Any) -> Any:
        """A mapping key as the loader built it (``1:`` is the number 1), to match path steps."""
        if isinstance(node, _SCALAR) and node.tag == _STR:
            return node.value
        if not self.ruamel:
            raise _NotText
        if not isinstance(node, _ruamel.ScalarNode):
            return node.value
        try:
            return self.yaml.constructor.construct_object(node, deep=True)
        except (YAMLError, ValueError, TypeError):
            return node.value


def written(text: str, path: Path) -> str | None:
    """The characters of the plain scalar at ``path`` as the file spells them, or None.

    A number YAML read where text belongs has lost how it was typed
    (``1.000650`` is 1.00065); the node still holds the digits as written.
    """
    tree = _Tree(text, _yaml())
    steps = tree.walk(path)
    if len(steps) < len(path):
        return None
    node = steps[-1][1] if steps else tree.root
    return node.value if isinstance(node, _SCALAR) and not node.style else None


def position(tree: _Tree, path: Path, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the node at ``path``, or of its deepest existing parent.

    A scalar points at its value; a block mapping or list reached through a key
    points at that key, which is where a person looks for it. So does an empty
    value (``code:``), which has no place of its own.
    """
    line, column = 0, 0
    steps = tree.walk(path)
    for i, (key, node) in enumerate(steps):
        use_key = key is not None and (
            (at_key and i == len(path) - 1)
            or (isinstance(node, _SCALAR) and node.tag == _NULL and not node.value)
            or isinstance(node, _COLLECTION)
        )
        mark = key.start_mark if use_key and key is not None else node.start_mark
        line, column = mark.line, mark.column
    return line + 1, column + 1


def table(root: Any) -> bytes | None:
    """Where every node of a tree from :func:`tthc.libyaml.load_nodes` is, as :func:`position` would say.

    Five numbers a node, depth first in the order of the data (the root left
    out): how many nodes its subtree holds, itself included, so that a walk
    skips a sibling in one step; the line and column a path ending there
    points at; and those of its key, where a finding ``at_key`` points.
    Packed in two bytes a number where they fit: about a kilobyte for a
    procedure, which travels back from the worker and into the cache.
    None when the tree nests too deep to walk.
    """
    marks: list[int] = []
    try:
        _add_children(root, marks)
    except RecursionError:
        return None
    code = "H" if max(marks, default=0) < 1 << 16 else "I"
    return code.encode("ascii") + array(code, marks).tobytes()


def _add_children(node: Any, marks: list[int]) -> None:
    kind = type(node)
    if kind is _pyyaml.MappingNode:
        for key, value in node.value:
            _add(key, value, marks)
    elif kind is _pyyaml.SequenceNode:
        for item in node.value:
            _add(None, item, marks)


def _add(key: Any, node: Any, marks: list[int]) -> None:
    """One node and its subtree: the marks :func:`position` picks for a step that ends at ``node``."""
    mark = node.start_mark
    scalar = type(node) is _pyyaml.ScalarNode
    if key is None:
        line, column = mark.line + 1, mark.column + 1
        if scalar:
            marks += (1, line, column, line, column)
            return
        at = len(marks)
        marks += (0, line, column, line, column)
    else:
        key_mark = key.start_mark
        key_line, key_column = key_mark.line + 1, key_mark.column + 1
        if scalar:
            if node.value or node.tag != _NULL:
                marks += (1, mark.line + 1, mark.column + 1, key_line, key_column)
            else:  # an empty value has no place of its own
                marks += (1, key_line, key_column, key_line, key_column)
            return
        at = len(marks)
        marks += (0, key_line, key_column, key_line, key_column)
    _add_children(node, marks)
    marks[at] = (len(marks) - at) // 5


def place(places: bytes, data: Any, path: Path, at_key: bool = False) -> tuple[int, int]:
    """:func:`position` of ``path``, from the :func:`table` of the tree ``data`` was built from.

    ``data`` has the tree's shape, node for node (mappings in the order
    written, no key twice, every key text), so the walk counts its way
    through the table as :func:`position` walks the nodes, and keys match
    as there: in NFC, the last one wins.
    """
    marks = array(chr(places[0]), places[1:])
    node, first, found, steps = data, 0, -1, 0
    for step in path:
        at, hit, child = first, -1, None
        if isinstance(node, dict):
            if not isinstance(step, str):
                break
            want = nfc(step)
            for key, value in node.items():
                if key == want or nfc(key) == want:
                    hit, child = at, value
                at += marks[at * 5]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            for _ in range(step):
                at += marks[at * 5]
            hit, child = at, node[step]
        if hit < 0:
            break
        found, node, first, steps = hit, child, hit + 1, steps + 1
    if found < 0:
        return 1, 1
    at = found * 5 + (3 if at_key and steps == len(path) else 1)
    return marks[at], marks[at + 1]


def locate(
    findings: Iterable[Finding],
    texts: dict[str, str],
    workers: parallel.Shared | None = None,
    tables: Mapping[str, tuple[bytes, Any]] | None = None,
) -> list[Finding]:
    """Fill in positions of findings that lack them: from a file's ``tables`` entry, else parsing it once.

    ``tables`` holds, by file, the :func:`table` of its nodes and its data;
    a file there is not parsed.

    A file's findings are located together and its nodes let go before the
    next file is parsed: a first import has findings in every file, and the
    trees of thousands of files kept to the end were walked again and again
    by the cycle collector, which made parsing half as slow again.

    With ``workers`` and findings in many files (a first import), the files
    are spread over the command's workers: parsing them was the larger part
    of what a cold validate does after the checks, on one core.
    """
    out = list(findings)
    tables = tables or {}
    by_file: dict[str, list[int]] = {}
    for n, finding in enumerate(out):
        if finding.line is None:
            if finding.file in tables:
                marks, data = tables[finding.file]
                out[n] = finding.located(*place(marks, data, finding.path, finding.at_key))
            elif finding.file in texts:
                by_file.setdefault(finding.file, []).append(n)
            else:
                out[n] = finding.located(1, 1)
    files = [(texts[file], [out[n] for n in places]) for file, places in by_file.items()]
    pool = workers.get(len(files)) if workers is not None else None
    if pool is None:
        placed = _locate_files(files)
    else:
        placed = [found for chunk in pool.map(_locate_files, parallel.chunks(files)) for found in chunk]
    for places, found in zip(by_file.values(), placed, strict=True):
        for n, finding in zip(places, found, strict=True):
            out[n] = finding
    return out


def _locate_files(files: Sequence[tuple[str, list[Finding]]]) -> list[list[Finding]]:
    """The findings of each (text, findings) located in its text, one file's nodes at a time."""
    yaml = _yaml()  # building one costs more than locating a finding
    placed = []
    for text, found in files:
        tree = _Tree(text, yaml)
        placed.append([f.located(*position(tree, f.path, f.at_key)) for f in found])
    return placed
