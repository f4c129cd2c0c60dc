"""One canonical form for catalogue files, keeping every comment.

Legal staff edit these files by hand, copy blocks between them and paste text
from Word; without a formatter every file drifts into its own key order,
indentation and Unicode form, and reviews drown in noise. ``tthc fmt`` gives
each file one form, so that a diff shows only what changed in the law:

- keys in the order of the national record (the order of ``properties`` in the
  shipped JSON Schemas), unknown keys kept at the end in their own order;
- procedure codes and decision numbers in double quotes, so that a code such
  as ``1.000650`` can never again be read as the number 1.00065 (an unquoted
  code is re-quoted from the digits *as written*, so the trailing zero is
  recovered rather than lost);
- the whole file in Unicode NFC: values, keys and comments;
- mappings indented 2, sequences 4 with the dash at 2 (``  - item``), flow
  collections broken at about 100 columns.

It works on the files themselves with ruamel's round-trip parser, so comments,
blank lines, flow or block style and the quoting authors chose are kept.
Scalars are never folded onto several lines: a sentence of legal text stays on
one line, because re-wrapping it on every edit makes diffs unreadable and
ruamel's folding leaves trailing spaces.

Two guards make the formatter safe to run on anything: the formatted text is
loaded again and must hold the same data as the input (after NFC and code
quoting), and it must hold the same comments (compared in NFC); otherwise the file is reported
and left as it was. Nothing here prints; the command layer reports.
"""

from __future__ import annotations

import difflib
import functools
import io
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tthc import layout, loader, schema, text, yaml_comments
from tthc.model import Limits, code_text

WIDTH = 100
"""Where flow collections (``[a, b, c]``) break; scalars are never folded."""

# Values that are identifiers, not prose: always double-quoted. Each is a path
# pattern inside a document of that kind ("*" is any list index).
_QUOTED: dict[str, tuple[tuple[str, ...], ...]] = {
    "procedure": (("code",), ("decisions", "*")),
    "decision": (
        ("number",),
        ("new", "*", "code"),
        ("amended", "*", "code"),
        ("abolished", "*", "code"),
        ("replaced", "*", "old"),
        ("replaced", "*", "new"),
        ("cancels", "*"),
    ),
    "catalogue": (),
}

_TOKEN = re.compile(r"[^\s,\]\}#]+")


class FormatError(Exception):
    """A file that cannot be formatted; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


# --------------------------------------------------------------------------
# Which files
# --------------------------------------------------------------------------


def targets(paths: Sequence[Path]) -> list[Path]:
    """The files named by ``paths``, once each, in a stable order.

    A folder is walked for catalogue files only (the files ``tthc validate``
    reads, see :mod:`tthc.layout`), so that running ``tthc fmt`` at a
    repository's root never rewrites someone else's YAML (CI workflows, site
    configuration); hidden files (an editor's or a tool's) are validated but
    never rewritten. A file named explicitly is formatted whatever its place.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for _, full in layout.yaml_files(path):
                candidate = Path(full)
                if not candidate.name.startswith(".") and layout.kind_of_file(candidate) is not None:
                    found.setdefault(candidate, None)
        else:
            found.setdefault(path, None)
    return list(found)



def refuse_links(files: Sequence[Path]) -> None:
    """Raise :class:`tthc.atomic.LinkOnWritePath` for the first file that is, or lies under, a link in its catalogue.

    ``tthc fmt`` calls it before writing anything: a catalogue holding a link
    is formatted not at all rather than in part. The check runs from the
    root of the file's catalogue (from its own folder when it has none).
    """
    from tthc.atomic import checked_path

    roots: dict[Path, Path | None] = {}  # per folder: a catalogue has thousands of files in a few folders
    for file in files:
        absolute = Path(os.path.abspath(file))
        if absolute.parent not in roots:
            root = layout.catalogue_root_of(absolute)
            roots[absolute.parent] = root if root is not None and absolute.is_relative_to(root) else None
        checked_path(file, roots[absolute.parent])

# --------------------------------------------------------------------------
# The canonical key order, read from the schemas
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Order:
    """Key order of one mapping, and the orders of what its keys and items hold."""

    keys: tuple[str, ...] = ()
    children: dict[str, Order] = field(default_factory=dict)
    items: Order | None = None


_EMPTY = Order()


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _order(node: Any, root: dict[str, Any], depth: int = 0) -> Order:
    node = _resolve(node, root)
    if depth > 20:
        return _EMPTY
    properties: dict[str, Any] = {}
    for part in node.get("allOf", []):
        properties.update(_resolve(part, root).get("properties", {}))
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        resolved = _resolve(branch, root)
        if resolved.get("type") in ("object", "array"):
            return _order(resolved, root, depth + 1)
    for key, sub in node.get("properties", {}).items():
        if key not in properties or sub is not True:
            properties[key] = sub
    items = node.get("items")
    return Order(
        keys=tuple(properties),
        children={k: _order(v, root, depth + 1) for k, v in properties.items() if isinstance(v, dict)},
        items=_order(items, root, depth + 1) if isinstance(items, dict) else None,
    )


@functools.cache
def key_order(kind: str) -> Order:
    """The canonical order for a kind: the order of ``properties`` in its schema."""
    root = schema.schema(kind)
    return _order(root, root)


# --------------------------------------------------------------------------
# ruamel set-up
# --------------------------------------------------------------------------


class _NoFoldEmitter(Emitter):
    """An emitter that never folds a scalar onto several lines.

    ruamel folds long plain and quoted scalars at ``width`` (leaving a trailing
    space, and moving a long URL to a line of its own); only flow collections
    should break there.
    """

    def _whole(self, method: Any, value: Any) -> None:
        width = self.best_width
        self.best_width = 1 << 30
        try:
            method(self, value, False)
        finally:
            self.best_width = width

    def write_plain(self, value: Any, split: Any = True) -> None:
        self._whole(Emitter.write_plain, value)

    def write_single_quoted(self, value: Any, split: Any = True) -> None:
        self._whole(Emitter.write_single_quoted, value)

    def write_double_quoted(self, value: Any, split: Any = True) -> None:
        self._whole(Emitter.write_double_quoted, value)


def yaml_rt() -> YAML:
    """The round-trip parser and emitter in the canonical style (also used to write new files)."""
    y = YAML(typ="rt")
    y.Emitter = _NoFoldEmitter
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = WIDTH
    y.preserve_quotes = True
    y.allow_duplicate_keys = False
    return y


def dumped(data: Any) -> str:
    """The text :func:`yaml_rt` writes for ``data``, before :func:`format_text` checks and orders it."""
    out = io.StringIO()
    yaml_rt().dump(data, out)
    return out.getvalue()


# --------------------------------------------------------------------------
# Canonical values
# --------------------------------------------------------------------------


def _nfc_scalar(value: Any) -> Any:
    if not isinstance(value, str) or text.is_nfc(value):
        return value
    if type(value) is str:
        return text.nfc(value)
    new: Any = type(value)(text.nfc(value))
    comment = getattr(value, "comment", None)
    if comment is not None:
        new.comment = comment
    return new


def _normalise(node: Any, order: Order | None, root: bool = True) -> bool:
    """NFC every text value and order every mapping, deepest first; True when comments were moved."""
    moved = False
    if isinstance(node, CommentedMap):
        for key in list(node):
            child = order.children.get(key) if order is not None and isinstance(key, str) else None
            value = node[key]
            if isinstance(value, CommentedMap | CommentedSeq):
                moved = _normalise(value, child, root=False) or moved
            else:
                new = _nfc_scalar(value)
                if new is not value:
                    node[key] = new
        if order is not None and order.keys:
            moved = yaml_comments.reorder(node, order.keys, root) or moved
    elif isinstance(node, CommentedSeq):
        item_order = order.items if order is not None else None
        for i, value in enumerate(node):
            if isinstance(value, CommentedMap | CommentedSeq):
                moved = _normalise(value, item_order, root=False) or moved
            else:
                new = _nfc_scalar(value)
                if new is not value:
                    node[i] = new
    return moved


def _written(holder: Any, index: Any, lines: Sequence[str]) -> str | None:
    """The characters of a scalar as written in the source, from its position."""
    try:
        line, column = holder.lc.value(index) if isinstance(holder, CommentedMap) else holder.lc.item(index)
    except (KeyError, TypeError, AttributeError, IndexError):
        return None
    if not 0 <= line < len(lines):
        return None
    match = _TOKEN.match(lines[line], column)
    return match.group(0) if match else None


def _quote(node: Any, pattern: tuple[str, ...], lines: Sequence[str]) -> None:
    if not pattern:
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        indexes: list[Any] = list(range(len(node))) if isinstance(node, CommentedSeq) else []
    else:
        indexes = [head] if isinstance(node, CommentedMap) and head in node else []
    for index in indexes:
        if rest:
            _quote(node[index], rest, lines)
            continue
        value = node[index]
        if isinstance(value, bool) or value is None or isinstance(value, CommentedMap | CommentedSeq):
            continue
        if isinstance(value, int | float):
            quoted = _written(node, index, lines) or code_text(value)
        elif isinstance(value, str):
            if isinstance(value, DoubleQuotedScalarString):
                continue
            quoted = str(value)
        else:
            continue
        node[index] = DoubleQuotedScalarString(quoted)


# --------------------------------------------------------------------------
# Formatting text and files
# --------------------------------------------------------------------------


def _plain(value: Any, kind: str | None) -> Any:
    """Data as the safe loader gives it, made comparable: NFC text, codes as text."""

    def walk(node: Any, path: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            return {text.nfc(k) if isinstance(k, str) else k: walk(v, (*path, str(k))) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*path, "*")) for v in node]
        if isinstance(node, str):
            return text.nfc(node)
        if kind and path in _QUOTED.get(kind, ()) and not isinstance(node, bool) and node is not None:
            return code_text(node)
        return node

    return walk(value, ())


_LOOSE = Limits(max_file_bytes=16 * 1024 * 1024)


def canonicalise(data: Any, kind: str | None, lines: Sequence[str] = ()) -> bool:
    """Put round-trip data in canonical form in place: codes quoted, text in NFC, keys in order.

    ``lines`` are the source's, to re-quote an unquoted code from its digits
    as written. True when comments had to be moved with their keys. Data
    tthc builds itself (``tthc import``) is put in this form before it is
    first dumped, so that it needs no second round trip through the formatter.
    """
    if kind in _QUOTED:
        for pattern in _QUOTED[kind]:
            _quote(data, pattern, lines)
    return _normalise(data, key_order(kind) if kind in layout.KINDS else None)


def format_text(source: str, kind: str | None, name: str = "<text>") -> str:
    """The canonical form of one file's text; raises :class:`FormatError` if it cannot be formatted.

    ``kind`` is "procedure", "decision", "catalogue" or None (a YAML file of
    no known kind: only indentation and NFC apply).
    """
    loaded = loader.load(name, kind or "procedure", source.encode("utf-8"), _LOOSE)
    problems = [f for f in loaded.findings if f.line is not None]
    if loaded.document.data is None:
        if loaded.findings and loaded.findings[0].rule == "yaml-empty":
            return text.nfc(source)  # comments only
        first = (problems or loaded.findings)[0]
        raise FormatError(first.message, first.line, first.column)
    y = yaml_rt()
    try:
        data = y.load(source)
    except YAMLError as error:  # the safe loader accepted it: should not happen
        raise FormatError(loader.explain(str(error).splitlines()[0])) from error
    except (ValueError, OverflowError) as error:
        # A date not on the calendar, an integer of thousands of digits: the safe
        # loader keeps such a value as text, ruamel's round-trip constructor cannot.
        raise FormatError(
            f"có giá trị không đọc được ({error}); chạy `tthc validate` để biết chỗ cần sửa"
        ) from error
    before_comments = Counter(yaml_comments.comments(data))
    moved = canonicalise(data, kind, source.splitlines())
    out = io.StringIO()
    y.dump(data, out)
    # Values were put in NFC before dumping; this catches what ruamel keeps
    # as written (comments, keys), so the whole file is in NFC and a search
    # for a word finds it in a comment too.
    result = text.nfc(out.getvalue())
    _check(source, result, kind, before_comments if moved else None)
    return result


def _check(source: str, result: str, kind: str | None, before_comments: Counter[str] | None) -> None:
    """Refuse output that would change the data or lose a comment (a formatter bug, never the user's).

    The data is compared every time (the C loader makes it cheap); comments are
    counted again only when keys were moved, the one step where tthc rather
    than ruamel decides where a comment goes.
    """
    y = YAML(typ="safe")
    try:
        before = _plain(y.load(source), kind)
        after = _plain(y.load(result), kind)
    except YAMLError as error:
        raise FormatError(f"định dạng lại sẽ làm hỏng tệp ({error}); tệp được giữ nguyên") from error
    if before != after:
        raise FormatError("định dạng lại sẽ làm đổi nội dung tệp; tệp được giữ nguyên (xin báo lỗi này)")
    if before_comments is None:
        return
    after_comments = Counter(yaml_comments.comments(yaml_rt().load(result)))
    lost = before_comments - after_comments
    if lost:
        sample = next(iter(lost))
        raise FormatError(f"định dạng lại sẽ làm mất chú thích “{sample}”; tệp được giữ nguyên (xin báo lỗi này)")


@dataclass(frozen=True)
class Outcome:
    """What formatting did, or would do, to one file."""

    path: Path
    before: str = ""
    after: str | None = None
    error: str = ""
    line: int | None = None
    column: int | None = None

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before

    def diff(self, name: str) -> str:
        """A unified diff from the file as it is to its canonical form."""
        if not self.changed or self.after is None:
            return ""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )


def _decode(raw: bytes) -> str:
    source, findings = loader.decode("", raw, _LOOSE)
    if source is None:
        first = findings[0]
        raise FormatError(first.message, first.line, first.column)
    return source


def format_file(path: Path, write: bool = True, kind: str | None = None) -> Outcome:
    """Format one file; with ``write`` the file is replaced atomically, and only if it changes.

    Never raises for a bad file: the problem is in ``Outcome.error``.
    """
    from tthc.atomic import write_text_atomic

    if path.suffix.lower() not in layout.YAML_SUFFIXES:
        return Outcome(path, error="không phải tệp YAML (.yaml, .yml); bỏ qua")
    if path.is_symlink():
        # Read through, a link could show (in --check's diff) a file from outside the
        # catalogue; written, the atomic replace would put a copy in place of the link.
        return Outcome(path, error="tệp là liên kết (symlink); chỉ định dạng tệp thật mà nó trỏ tới")
    try:
        raw = path.read_bytes()
    except OSError as error:
        return Outcome(path, error=f"không đọc được tệp: {error.strerror or error}")
    try:
        before = raw.decode("utf-8", errors="replace")
        source = _decode(raw)
        after = format_text(source, kind if kind is not None else layout.kind_of_file(path), path.name)
    except FormatError as error:
        return Outcome(path, before=before, error=error.message, line=error.line, column=error.column)
    except RecursionError:
        return Outcome(path, before=before, error="tệp lồng quá sâu, không định dạng được")
    outcome = Outcome(path, before=before, after=after)
    if write and outcome.changed:
        try:
            write_text_atomic(path, after)
        except OSError as error:
            return Outcome(path, before=before, error=f"không ghi được tệp: {error.strerror or error}")
    return outcome


def format_paths(paths: Sequence[Path], write: bool = True) -> list[Outcome]:
    """Format every YAML file named by ``paths`` (files or folders)."""
    return [format_file(path, write) for path in targets(paths)]
