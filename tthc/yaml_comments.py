"""Comments in ruamel's round-trip documents: where ruamel keeps them, and moving them with their keys.

ruamel stores a comment line that precedes a key as part of the *trailing*
comment of whatever came before it: the end-of-line token of the previous
key's last scalar, however deep. Moving keys naively would leave each comment
above the wrong key. So, before a mapping is reordered, the lines that stand
between two keys (at the mapping's indentation or less) are taken out of the
previous key's trailing token and put in front of the key they precede, as
ruamel's "before key" comments; lines indented deeper stay where they are
(a commented-out list item belongs to its list).

:mod:`tthc.fmt` orders keys with :func:`reorder` and checks, with
:func:`comments`, that no comment was lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from tthc import text


def _is_block(value: Any) -> bool:
    return isinstance(value, CommentedMap | CommentedSeq) and len(value) > 0 and not value.fa.flow_style()


@dataclass
class _Tail:
    """The token holding what follows one value, wherever ruamel keeps it."""

    holder: Any
    index: Any
    slot: int
    block_scalar: bool
    also: Any = None  # a flow sequence keeps the same token in its own ca.comment

    def token(self) -> CommentToken | None:
        entry = self.holder.ca.items.get(self.index)
        return entry[self.slot] if entry and len(entry) > self.slot else None

    def split(self) -> tuple[str, list[str]]:
        """(end-of-line comment with its newline, or "", then the full lines after it)."""
        token = self.token()
        if token is None:
            return "", []
        value = token.value
        if self.block_scalar:
            return "", value.splitlines(keepends=True)
        head, sep, rest = value.partition("\n")
        return head + sep, rest.splitlines(keepends=True)

    def set(self, eol: str, lines: list[str]) -> None:
        """Store (end-of-line comment, full lines) back, creating or dropping the token as needed."""
        if self.block_scalar:
            value = "".join(lines)
        else:
            value = (eol or "\n") + "".join(lines) if (eol or lines) else ""
        token = self.token()
        if token is not None and value:
            token.value = value
        elif token is not None:
            self.holder.ca.items[self.index][self.slot] = None
            if self.also is not None and self.also.ca.comment and self.also.ca.comment[0] is token:
                self.also.ca.comment[0] = None
        elif value:
            entry = self.holder.ca.items.setdefault(self.index, [None, None, None, None])
            entry[self.slot] = CommentToken(value, CommentMark(0), None)


def _tail(holder: Any, index: Any) -> _Tail:
    value = holder[index]
    if _is_block(value):
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _tail(value, last)
    slot = 2 if isinstance(holder, CommentedMap) else 0
    return _Tail(
        holder,
        index,
        slot,
        block_scalar=isinstance(value, LiteralScalarString | FoldedScalarString),
        also=value if isinstance(value, CommentedSeq) else None,
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _split_inner(lines: list[str], column: int) -> tuple[list[str], list[str]]:
    """Lines that belong to the value (indented deeper than its key), and the rest."""
    last_inner = -1
    for i, line in enumerate(lines):
        if line.strip() and _indent(line) > column:
            last_inner = i
    return lines[: last_inner + 1], lines[last_inner + 1 :]


def _before_tokens(lines: list[str]) -> list[CommentToken]:
    tokens = []
    for line in lines:
        stripped = line.strip()
        tokens.append(CommentToken(stripped + "\n" if stripped else "\n", CommentMark(_indent(line)), None))
    return tokens


def _token_lines(tokens: list[Any] | None) -> list[str]:
    lines: list[str] = []
    for token in tokens or []:
        if token is None:
            continue
        column = token.start_mark.column if token.start_mark is not None else 0
        for i, line in enumerate(token.value.splitlines(keepends=True)):
            lines.append(line if i or not line.strip() else " " * column + line)
    return lines


def _take_ends(value: Any, column: int, everything: bool) -> list[str]:
    """Take out the comment lines after ``value`` that stand at ``column`` or left of it.

    Below a nested block, ruamel keeps the lines that follow it (a file's
    closing comment too) as that block's end comments (``ca.end``), not in
    a tail token; left there, they would travel with the key. Lines indented
    deeper belong to the block and stay. With ``everything``, a line before
    these was already outside the value, so all of them are.
    """
    blocks = []
    while _is_block(value):
        blocks.append(value)
        value = value[next(reversed(value))] if isinstance(value, CommentedMap) else value[-1]
    out: list[str] = []
    for block in reversed(blocks):  # the innermost block ends first
        lines = _token_lines(block.ca.end)
        if not lines:
            continue
        inner, gap = ([], lines) if everything or out else _split_inner(lines, column)
        if gap:
            block.ca.end = _before_tokens(inner)
            out += gap
    return out


def reorder(mapping: CommentedMap, canonical: Sequence[str], root: bool) -> bool:
    """Put the keys in the ``canonical`` order (unknown keys last, as they were); True when comments had to be moved.

    ``root`` says the mapping is the document itself, above whose first key
    ruamel keeps comments in another place than in a nested mapping.
    """
    keys = list(mapping)
    rank = {key: i for i, key in enumerate(canonical)}
    wanted = sorted(keys, key=lambda k: (0, rank[k], 0) if k in rank else (1, 0, keys.index(k)))
    if wanted == keys:
        return False
    if mapping.fa.flow_style():
        for key in wanted:
            mapping.move_to_end(key)
        return False
    column = mapping.lc.key(keys[0])[1] if keys[0] in mapping.lc.data else 0
    eols: dict[Any, str] = {}
    inners: dict[Any, list[str]] = {}
    before: dict[Any, list[str]] = {}
    trailer: list[str] = []
    for i, key in enumerate(keys):
        entry = mapping.ca.items.get(key)
        if entry is not None and len(entry) > 1 and entry[1]:
            before.setdefault(key, []).extend(_token_lines(entry[1]))
            entry[1] = None
        eol, lines = _tail(mapping, key).split()
        inner, gap = _split_inner(lines, column)
        gap += _take_ends(mapping[key], column, everything=bool(gap))
        eols[key], inners[key] = eol, inner
        if i + 1 < len(keys):
            before[keys[i + 1]] = gap + before.get(keys[i + 1], [])
        else:
            trailer = gap
    for key in wanted:
        mapping.move_to_end(key)
    for i, key in enumerate(wanted):
        after = trailer if i == len(wanted) - 1 else []
        if after and _is_block(mapping[key]):
            # After the block's own end comments, which its tail token would precede.
            block = mapping[key]
            if block.ca.comment is None:
                block.ca.comment = [None, None]  # ruamel emits end comments only beside these
            block.ca.end = [*(block.ca.end or []), *_before_tokens(after)]
            after = []
        _tail(mapping, key).set(eols[key], inners[key] + after)
        lines = before.get(key, [])
        if not lines:
            continue
        if i == 0 and not root:
            # Before the first key of a nested mapping ruamel only emits the
            # mapping's own start comment (in a list item: above the dash).
            start = mapping.ca.comment
            if start is None or len(start) < 2:
                mapping.ca.comment = start = [None, None]
            if start[1] is None:
                start[1] = []
            start[1].extend(_before_tokens(lines))
        else:
            entry = mapping.ca.items.setdefault(key, [None, None, None, None])
            entry[1] = _before_tokens(lines)
    return True


def comments(value: Any) -> list[str]:
    """Every comment line held in a round-trip document, stripped and in NFC, in no particular order.

    Used to check that formatting lost none; tokens ruamel stores twice are
    counted once. NFC, because formatting writes comments in NFC too.
    """
    seen: set[int] = set()
    out: list[str] = []

    def tokens(node: Any) -> Iterator[Any]:
        if isinstance(node, CommentToken):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from tokens(item)

    def walk(node: Any) -> None:
        ca = getattr(node, "ca", None)
        if ca is not None:
            for token in tokens([ca.comment, list(ca.items.values()), getattr(ca, "end", None)]):
                if id(token) not in seen:
                    seen.add(id(token))
                    out.extend(text.nfc(line.strip()) for line in token.value.splitlines() if line.strip().startswith("#"))
        if isinstance(node, CommentedMap):
            for item in node.values():
                walk(item)
        elif isinstance(node, CommentedSeq):
            for item in node:
                walk(item)

    walk(value)
    return out
