"""The text ruamel's round-trip emitter writes for a document tthc builds itself, written directly.

``tthc import`` writes hundreds of new files at once; ruamel's pure-Python
emitter took most of its time (issue 21). The files it builds have a few
shapes only: block mappings, block lists, flow lists and flow mappings of
scalars, text, integers and booleans, end-of-line comments beside keys and a
comment block at the top. :func:`dump` writes those shapes the way
:func:`tthc.fmt.yaml_rt` does (indent 2, list dash at 2, flow collections
unbroken below 100 columns, scalars never folded), choosing each scalar's
style with ruamel's own analysis. Anything else, and any case where the text
might differ from ruamel's by one byte, returns None: the caller dumps with
ruamel then. Nothing here prints.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tthc import fmt

_KEY = re.compile(r"[a-z][a-z_]*\Z")
_STR = "tag:yaml.org,2002:str"
_ESCAPES = {"\n": "\\n", "\t": "\\t", '"': '\\"', "\\": "\\\\"}
_ESCAPE = str.maketrans(_ESCAPES)
_RAW = re.compile(r"[\n\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*\Z")
"""What ruamel writes inside double quotes as it is, or as the escapes above: anything else is escaped otherwise."""


class _Unsure(Exception):
    """The document holds something :func:`dump` does not write exactly as ruamel does."""


@functools.cache
def _tools() -> tuple[Any, Any]:
    y = fmt.yaml_rt()
    emitter = fmt._NoFoldEmitter(io.StringIO(), allow_unicode=True, dumper=y)
    return y.resolver, emitter


def _scalar(value: Any, flow: bool) -> str:
    """A scalar as ruamel's emitter writes it as a value (never a key), in a flow collection or not."""
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) not in (str, DoubleQuotedScalarString) or value == "":
        raise _Unsure
    if type(value) is str:
        resolver, emitter = _tools()
        allowed = _plain_allowed(value, flow)
        if allowed is None:
            analysis = emitter.analyze_scalar(value)
            allowed = analysis.allow_flow_plain if flow else analysis.allow_block_plain
            single = analysis.allow_single_quoted
        else:
            single = True
        if allowed and resolver.resolve(ScalarNode, value, (True, False)) == _STR:
            return value
        if single and not ("'" in value or "\n" in value):
            if any(c in value for c in "\x85\u2028\u2029"):
                raise _Unsure  # ruamel breaks the line there
            return f"'{value}'"
    if not _RAW.match(value):
        raise _Unsure
    return '"' + str(value).translate(_ESCAPE) + '"'


_LEADING = frozenset("#,[]{}&*!|>'\"%@`")
_ONE_LINE = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]+\Z")
"""Text on one line of characters ruamel writes as they are: no break, tab, control or character past \\uffff."""


def _plain_allowed(value: str, flow: bool) -> bool | None:
    """Whether ruamel's ``analyze_scalar`` allows ``value`` plain here; None when it must be asked.

    The same rules as its character loop, for text on one line of ordinary
    characters (nearly every value tthc writes), at a fraction of the cost.
    """
    if not _ONE_LINE.match(value):
        return None
    if value[0] == " " or value[-1] == " ":
        return False
    first, spaced = value[0], len(value) == 1 or value[1] == " "
    if (
        value.startswith(("---", "..."))
        or first in _LEADING
        or (first == "-" and spaced)
        or ": " in value[1:]
        or (len(value) > 1 and value.endswith(":"))
        or " #" in value
    ):
        return False
    if flow:  # "? x" is plain in a flow collection, not in a block
        return value not in ("?", ":") and not any(c in value[1:] for c in ",[]{}")
    return not (first in "?:" and spaced)


def _flow(head: str, value: Any, indent: int) -> list[str]:
    """``head`` and a flow collection after it, broken as ruamel breaks it: after a comma past the width."""
    _plain_comments(value)
    if isinstance(value, CommentedMap):
        start, end = "{", "}"
        items = [f"{_key(k)}: {_scalar(v, True)}" for k, v in value.items()]
    else:
        start, end = "[", "]"
        items = [_scalar(v, True) for v in value]
    lines: list[str] = []
    line = f"{head} {start}"
    for i, item in enumerate(items):
        line += "," if i else ""
        if len(line) > fmt.WIDTH:
            lines.append(line)
            line = " " * (indent + 2) + item
        else:
            line += " " + item if i else item
    return [*lines, line + end]


def _key(key: Any) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise _Unsure
    return key


def _plain_comments(node: Any) -> None:
    """Refuse a collection with comments anywhere but beside its mapping keys."""
    ca = node.ca
    if ca.comment is not None or getattr(ca, "end", None) or getattr(ca, "pre", None):
        raise _Unsure
    if isinstance(node, CommentedSeq) and ca.items:
        raise _Unsure
    if isinstance(node, CommentedMap) and node.fa.flow_style() and ca.items:
        raise _Unsure


def _eol(line: str, node: CommentedMap, key: str) -> str:
    """The line with the comment beside ``key``, spaced as ruamel's ``write_comment`` spaces it."""
    entry = node.ca.items.get(key)
    if entry is None:
        return line
    if len(entry) != 4 or entry[0] is not None or entry[1] is not None or entry[3] is not None or entry[2] is None:
        raise _Unsure
    token = entry[2]
    value: str = token.value[:-1] if token.value.endswith("\n") else token.value
    column: int | None = token.start_mark.column
    if not value.strip() or "\n" in value or column is None:
        raise _Unsure
    spaces = max(column - len(line), 1)
    return line + " " * spaces + value


def _is_flow(value: Any) -> bool:
    return isinstance(value, CommentedMap | CommentedSeq) and (not value or value.fa.flow_style())


def _mapping(node: CommentedMap, indent: int, first: str, out: list[str]) -> None:
    """Write a block mapping; ``first`` goes before its first key (a list item's dash)."""
    _plain_comments(node)
    lead = first
    for key, value in node.items():
        head = lead + _key(key) + ":"
        lead = " " * indent
        if _is_flow(value):
            *lines, last = _flow(head, value, indent)
            out += [*lines, _eol(last, node, key)]
        elif isinstance(value, CommentedMap):
            out.append(_eol(head, node, key))
            _mapping(value, indent + 2, " " * (indent + 2), out)
        elif isinstance(value, CommentedSeq):
            out.append(_eol(head, node, key))
            _sequence(value, indent, out)
        else:
            out.append(_eol(f"{head} {_scalar(value, False)}", node, key))


def _sequence(node: CommentedSeq, indent: int, out: list[str]) -> None:
    """A block list under a key at ``indent``: the dash at ``indent + 2``, what it holds at ``indent + 4``."""
    _plain_comments(node)
    dash = " " * (indent + 2) + "- "
    for item in node:
        if isinstance(item, CommentedMap) and item and not item.fa.flow_style():
            _mapping(item, indent + 4, dash, out)
        elif isinstance(item, CommentedMap | CommentedSeq):
            raise _Unsure
        else:
            out.append(dash + _scalar(item, False))


def dump(root: CommentedMap) -> str | None:
    """The text ``yaml_rt().dump(root)`` writes, or None when it cannot be sure of every byte."""
    try:
        if not root or root.fa.flow_style() or getattr(root.ca, "end", None):
            raise _Unsure
        comment, root.ca.comment = root.ca.comment, None
        try:
            out: list[str] = []
            if comment is not None:
                if comment[0] is not None or len(comment) != 2:
                    raise _Unsure
                for token in comment[1] or ():
                    if token.start_mark.column != 0 or not token.value.endswith("\n"):
                        raise _Unsure
                    out.append(token.value[:-1])
            _mapping(root, 0, "", out)
        finally:
            root.ca.comment = comment
    except _Unsure:
        return None
    return "\n".join(out) + "\n"
