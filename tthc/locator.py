"""Turn a path inside a YAML document into a line and column.

Only files that have findings are parsed again here, with the round-trip
parser that keeps positions, so that a clean catalogue never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from tthc.findings import Finding, Path


def _tree(text: str) -> Any:
    y = YAML(typ="rt")
    y.allow_duplicate_keys = True
    try:
        return y.load(text)
    except (YAMLError, RecursionError):
        return None


def position(tree: Any, path: Path, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the node at ``path``, or of its deepest existing parent.

    A scalar points at its value; a block mapping or list reached through a key
    points at that key, which is where a person looks for it. So does an empty
    value (``code:``), which has no place of its own: ruamel puts it where the
    next line begins.
    """
    line, column = 0, 0
    node = tree
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            child = node[step]
            use_key = (
                (at_key and step == path[-1]) or child is None or isinstance(child, CommentedMap | CommentedSeq)
            )
            line, column = node.lc.key(step) if use_key else node.lc.value(step)
            node = child
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line, column = node.lc.item(step)
            node = node[step]
        else:
            break
    return line + 1, column + 1


def locate(findings: Iterable[Finding], texts: dict[str, str]) -> list[Finding]:
    """Fill in positions of findings that lack them, parsing each file at most once."""
    trees: dict[str, Any] = {}
    out = []
    for finding in findings:
        if finding.line is None:
            text = texts.get(finding.file)
            if text is None:
                finding = finding.located(1, 1)
            else:
                if finding.file not in trees:
                    trees[finding.file] = _tree(text)
                finding = finding.located(*position(trees[finding.file], finding.path, finding.at_key))
        out.append(finding)
    return out
