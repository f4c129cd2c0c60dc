"""Turn a path inside a YAML document into a line and column.

Only files that have findings are parsed again here, so that a clean
catalogue never pays for it. They are composed into nodes, which carry their
marks, by the same C parser that loaded them: the round-trip parser knows
positions too but is pure Python, and on a file of a few hundred kilobytes of
flow lists it takes minutes, which a hostile or pasted file must not cost.
Only files the loader accepted get here, so their nesting is within limits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tthc.findings import Finding, Path
from tthc.text import nfc

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"


def _yaml() -> YAML:
    return YAML(typ="safe", pure=False)


def _tree(text: str, yaml: YAML) -> Node | None:
    try:
        node: Node | None = yaml.compose(text)
    except (YAMLError, RecursionError):
        return None
    return node


def _key(yaml: YAML, node: Node) -> Any:
    """A mapping key as the loader built it (``1:`` is the number 1), to match path steps."""
    if not isinstance(node, ScalarNode) or node.tag == _STR:
        return node.value
    try:
        return yaml.constructor.construct_object(node, deep=True)
    except (YAMLError, ValueError, TypeError):
        return node.value


def _child(yaml: YAML, node: Node, step: str | int) -> tuple[Node, Node] | None:
    """(key node, value node) of ``step`` in a mapping; the last one wins, as in the loaded data.

    Findings name keys in NFC (the model and the schema see NFC text), and the
    file may spell them in NFD.
    """
    want = nfc(step) if isinstance(step, str) else step
    found = None
    for key, value in node.value:
        have = _key(yaml, key)
        if (nfc(have) if isinstance(have, str) else have) == want:
            found = (key, value)
    return found


def written(text: str, path: Path) -> str | None:
    """The characters of the plain scalar at ``path`` as the file spells them, or None.

    A number YAML read where text belongs has lost how it was typed
    (``1.000650`` is 1.00065); the node still holds the digits as written.
    """
    yaml = _yaml()
    node = _tree(text, yaml)
    for step in path:
        down = _down(yaml, node, step)
        if down is None:
            return None
        node = down[1]
    return node.value if isinstance(node, ScalarNode) and not node.style else None


def _down(yaml: YAML, node: Node | None, step: str | int) -> tuple[Node | None, Node] | None:
    """(key node or None for a list item, child node) one step down, or None where the path ends."""
    if isinstance(node, MappingNode):
        return _child(yaml, node, step)
    if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return None, node.value[step]
    return None


def position(tree: Node | None, path: Path, at_key: bool = False, yaml: YAML | None = None) -> tuple[int, int]:
    """1-based (line, column) of the node at ``path``, or of its deepest existing parent.

    A scalar points at its value; a block mapping or list reached through a key
    points at that key, which is where a person looks for it. So does an empty
    value (``code:``), which has no place of its own.
    """
    line, column = 0, 0
    node = tree
    yaml = yaml or _yaml()
    for i, step in enumerate(path):
        down = _down(yaml, node, step)
        if down is None:
            break
        key, node = down
        use_key = key is not None and (
            (at_key and i == len(path) - 1)
            or (isinstance(node, ScalarNode) and node.tag == _NULL and not node.value)
            or isinstance(node, MappingNode | SequenceNode)
        )
        mark = key.start_mark if use_key and key is not None else node.start_mark
        line, column = mark.line, mark.column
    return line + 1, column + 1


def locate(findings: Iterable[Finding], texts: dict[str, str]) -> list[Finding]:
    """Fill in positions of findings that lack them, parsing each file at most once."""
    trees: dict[str, Node | None] = {}
    yaml = _yaml()  # building one costs more than locating a finding
    out = []
    for finding in findings:
        if finding.line is None:
            text = texts.get(finding.file)
            if text is None:
                finding = finding.located(1, 1)
            else:
                if finding.file not in trees:
                    trees[finding.file] = _tree(text, yaml)
                finding = finding.located(*position(trees[finding.file], finding.path, finding.at_key, yaml))
        out.append(finding)
    return out
