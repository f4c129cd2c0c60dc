"""Bytes to plain data, safely, with every problem turned into a finding.

The common path is the C-based safe loader with no position bookkeeping:
most files have no problem, and the round-trip parser that knows lines and
columns is about ten times slower. Positions of problems found
later are looked up by :mod:`tthc.locator`, only for the files that need them.

Nothing here executes YAML tags: the safe constructor knows only plain types,
and any explicit tag is reported before it gets that far.

Three kinds of file must never reach the C composer: one nested thousands
of levels deep (it recurses in C and crashes the process, and libyaml's
scanner is quadratic in the depth of flow brackets), an alias bomb (aliases
of aliases expand exponentially once the data is walked) and one of
hundreds of thousands of values (building data costs tens of microseconds a
node, in Python). All are stopped by the event scan, which runs first
whenever a file could be any of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError

from tthc import encodings, libyaml, schema
from tthc.findings import Finding, Rule
from tthc.model import Document, Limits
from tthc.rules import yaml_rules as R

_SUSPECT_CHARS = "&*!"
"""Characters without which a document can hold no anchor, alias or tag."""

_SAFE_LINE = 2000
"""Lines at most this long cannot nest block collections deep enough to hurt.

A block collection nested in another starts further right (a list may share
its key's column once), so a document whose lines are all shorter than this
nests at most about twice as deep in block style: far below the depth at
which the C composer's recursion overflows the stack. Flow collections need
a bracket per level, and are bounded by counting brackets.
"""


@dataclass(frozen=True)
class Loaded:
    document: Document
    findings: list[Finding]
    nodes: Any = None
    """The composed tree, with marks, when libyaml built the data (:func:`tthc.libyaml.load_nodes`)."""


class _Constructor(SafeConstructor):
    """The safe constructor, except that a value Python cannot build, or no time or fee can be, stays text.

    YAML reads ``2025-02-30`` as a date and a number of five thousand digits
    as an integer, and Python refuses both with a bare ``ValueError`` that
    carries no position; ``.nan``, ``.inf`` and ``1e999`` are floats that
    pass every ``minimum`` of a JSON Schema (NaN compares false) and break
    sums and formatting later. Kept as text, the value reaches the schema
    layer, which says where it is and what to write ("2025-02-30 is not on
    the calendar", "a number is expected").
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            value = super().construct_yaml_int(node)
            float(value)
        except (ValueError, OverflowError):  # more digits than int() converts, or than a float holds
            return self.construct_scalar(node)
        return value

    def construct_yaml_float(self, node: Any) -> Any:
        value = super().construct_yaml_float(node)
        return value if math.isfinite(value) else self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=False)
    y.Constructor = _Constructor
    y.allow_duplicate_keys = False
    return y


_PROBLEMS = {
    "mapping values are not allowed": "dấu hai chấm không đúng chỗ: thụt lề sai, hoặc văn bản có “: ” chưa đặt trong dấu nháy",
    "could not find expected ':'": "thiếu dấu hai chấm sau tên khóa",
    "cannot start any token": "ký tự không được đứng đầu giá trị (như @, `, %, tab); đặt văn bản trong dấu nháy",
    "did not find expected key": "thụt lề không đều giữa các khóa cùng cấp",
    "did not find expected '-' indicator": "thụt lề không đều giữa các mục của danh sách",
    "block sequence entries are not allowed": "dấu “- ” của danh sách không đúng chỗ",
    "found unexpected end of stream": "dấu nháy hoặc ngoặc mở mà chưa đóng",
    "did not find expected ',' or ']'": "danh sách trong ngoặc [ ] thiếu dấu phẩy hoặc chưa đóng ngoặc",
    "did not find expected ',' or '}'": "khối trong ngoặc { } thiếu dấu phẩy hoặc chưa đóng ngoặc",
    "expected a single document": "tệp chứa nhiều tài liệu YAML (dòng ---); mỗi tệp chỉ một",
    "found another document": "tệp chứa nhiều tài liệu YAML (dòng ---); mỗi tệp chỉ một",
    "found undefined alias": "dùng alias (*tên) chưa được định nghĩa",
    "found unknown escape character": "chuỗi trong nháy kép có ký tự thoát (\\) không hợp lệ; dùng nháy đơn",
}


def explain(problem: str) -> str:
    """ruamel's English problem, in Vietnamese where we know it, with the original kept."""
    for needle, vietnamese in _PROBLEMS.items():
        if needle in problem:
            return f"{vietnamese} ({problem})"
    return problem


_FLOW_KEY = re.compile(r"[{,]\s*([A-Za-z_]\w*):\s")
_NEXT_FLOW_KEY = re.compile(r",\s*[A-Za-z_]\w*:\s")


def flow_colon(line: str, column: int, problem: str) -> str | None:
    """The problem of a “: ” inside a value written in ``{…}``, with the value quoted, or None.

    ``tthc new`` writes fees and times in flow style (``fee: {amount: 50000}``);
    a note typed into one (``note: Lệ phí: 50.000 đồng``) ends the mapping at
    its colon, and ruamel says only that a comma or ``}`` was expected. The
    person needs the cause and the line as it should read.
    """
    at = column - 1
    if line[at : at + 2].rstrip() != ":" or "expected ',' or '}'" not in problem:
        return None
    keys = [match for match in _FLOW_KEY.finditer(line) if match.end() <= at]
    if not keys:
        return None
    key = keys[-1]
    following = _NEXT_FLOW_KEY.search(line, at)
    end = following.start() if following else line.rfind("}")
    if end <= at:
        return None
    value = line[key.end() : end].strip()
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (
        f"giá trị của “{key.group(1)}” có dấu hai chấm mà chưa đặt trong dấu nháy; trong {{ }}, “: ” ngăn tên khóa"
        f" với giá trị và “,” ngăn các khóa, nên văn bản có dấu hai chấm hay dấu phẩy phải đặt trong dấu nháy kép:"
        f" {key.group(1)}: {quoted} ({problem})"
    )


def _position(error: MarkedYAMLError) -> tuple[int, int]:
    mark = error.problem_mark or error.context_mark
    if error.context_mark is not None and "end of stream" in (error.problem or ""):
        mark = error.context_mark  # the quote or bracket left open, not the end of the file
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def _line_of_char(source: str, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of a byte offset into the UTF-8 text libyaml read."""
    before = source.encode("utf-8")[: max(offset, 0)].decode("utf-8", "ignore")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _line_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, offset - line_start + 1


def decode(file: str, raw: bytes, limits: Limits) -> tuple[str | None, list[Finding]]:
    """Bytes to text; anything but UTF-8 (a BOM is fine) is reported, not guessed at."""
    if len(raw) > limits.max_file_bytes:
        return None, [R.FileTooLarge.finding(file, size=len(raw), limit=limits.max_file_bytes)]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        guess = encodings.guess_encoding(raw)
        if guess is None:
            return None, [R.BinaryFile.finding(file)]
        return None, [R.NotUtf8.finding(file, encoding=guess).located(1, 1)]
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _line_of_offset(raw, error.start)
        guess = encodings.guess_encoding(raw) or "không rõ"
        return None, [R.NotUtf8.finding(file, encoding=guess).located(line, column)]
    return decoded, []


def _needs_scan(source: str, limits: Limits) -> bool:
    """Whether the file could nest too deep or hold too many nodes for the C loader.

    Cheap and conservative, so that ordinary files skip the event scan: every
    flow level needs a bracket, block levels need long lines (see
    :data:`_SAFE_LINE`), and every node takes a character (``{a,b}`` is five
    nodes in five; nothing packs more). The
    few files that fail this test are scanned, which is exact.
    """
    if len(source) >= limits.max_nodes or source.count("[") + source.count("{") > limits.max_depth:
        return True
    return len(source) > _SAFE_LINE and max(map(len, source.splitlines()), default=0) > _SAFE_LINE


def _scan_events(file: str, source: str, limits: Limits) -> list[Finding]:
    """Report tags, alias bombs, too many nodes and too deep nesting before anything is constructed.

    Alias bombs (a billion laughs) cost nothing to parse as events but expand
    exponentially once walked, so they must be stopped here. An alias counts
    once, plus every alias inside the anchor it repeats (expanded in turn),
    so ten aliases of an anchor holding ten aliases are a hundred and ten:
    that is what the constructor would walk. Nodes are counted the same way,
    an alias standing for every node it repeats. An alias inside its own
    anchor would be data that never ends, reported as too deep.

    The scan stops at the first node too many or level too deep: building
    data costs tens of microseconds a node, and libyaml's scanner is
    quadratic in the depth of flow brackets, so reading on would hang.
    """
    findings: list[Finding] = []
    aliases = nodes = 0
    anchors: list[str | None] = []
    """The anchor of each open collection, outermost first."""
    inside: list[list[int]] = []
    """[aliases, nodes] (expanded) met so far inside each open collection."""
    weight: dict[str, tuple[int, int]] = {}
    """(aliases, nodes) (expanded) that each finished anchor stands for."""

    def located(rule: type[Rule], event: Any, **params: Any) -> Finding:
        mark = event.start_mark
        return rule.finding(file, **params).located(mark.line + 1, mark.column + 1)

    for event in _yaml().parse(source):
        if isinstance(event, AliasEvent):
            if event.anchor in anchors:
                findings.append(located(R.TooDeep, event, limit=limits.max_depth))
                return findings
            held, size = weight.get(event.anchor, (0, 1))
            count = 1 + held
            if aliases <= limits.max_aliases < aliases + count:
                findings.append(located(R.TooManyAliases, event, limit=limits.max_aliases))
            aliases += count
        elif isinstance(event, ScalarEvent | CollectionStartEvent):
            count, size = 0, 1
            if event.tag is not None:
                findings.append(located(R.Tag, event, tag=_short_tag(event.tag)))
            if isinstance(event, ScalarEvent) and event.anchor is not None:
                weight[event.anchor] = (0, 1)
        else:
            count = size = 0
        if size:
            nodes += size
            if inside:
                inside[-1][0] += count
                inside[-1][1] += size
            if nodes > limits.max_nodes:
                findings.append(located(R.TooManyNodes, event, limit=limits.max_nodes))
                return findings
        if isinstance(event, CollectionStartEvent):
            anchors.append(event.anchor)
            inside.append([0, 0])
            if len(anchors) > limits.max_depth:
                findings.append(located(R.TooDeep, event, limit=limits.max_depth))
                return findings
        elif isinstance(event, CollectionEndEvent):
            anchor, (held, size) = anchors.pop(), inside.pop()
            if anchor is not None:
                weight[anchor] = (held, size + 1)  # the collection itself
            if inside:
                inside[-1][0] += held
                inside[-1][1] += size
    return findings


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _jsonable(value: Any, depth: int, limit: int) -> Any:
    """Dates become ISO strings so that the data is what a JSON Schema expects.

    ``depth`` counts the enclosing collections, as :func:`_scan_events` does:
    whether a file is too deep must not depend on whether it happens to hold
    a “!” or “*” (which is what makes the event scan run).
    """
    if isinstance(value, dict | list) and depth >= limit:
        raise RecursionError
    if isinstance(value, dict):
        return {k: _jsonable(v, depth + 1, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v, depth + 1, limit) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


DEFAULT_LIMITS = Limits()


def floored(limits: Limits) -> Limits:
    """The limits, each within the range the catalogue schema allows.

    tthc.yaml sets the limits for every file, itself included: applied as
    written, ``max_file_bytes: 100`` would refuse tthc.yaml before its
    schema-range finding could be reported, and then every other file; and
    ``max_depth: 100000`` would let a file crash the C composer. Out-of-range
    values are reported by the schema and used at the nearest bound.
    """
    bounds = schema.schema("catalogue")["properties"]["limits"]["properties"]
    return dataclasses.replace(
        limits,
        **{
            name: min(max(getattr(limits, name), spec["minimum"]), spec["maximum"])
            for name, spec in bounds.items()
        },
    )


def load(file: str, kind: str, raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Load one YAML file. Never raises on bad input."""
    limits = floored(limits)
    source, findings = decode(file, raw, limits)
    if source is None:
        return Loaded(Document(file, kind, None), findings)
    if any(char in source for char in _SUSPECT_CHARS) or _needs_scan(source, limits):
        try:
            findings = _scan_events(file, source, limits)
        except YAMLError:
            findings = []  # the loader below reports the syntax error with its position
        if findings:
            return Loaded(Document(file, kind, None, source), findings)
    try:  # the fast path, exact or declining (tthc.libyaml); the full loader below says what is wrong
        data, nodes = libyaml.load_nodes(source, limits.max_depth)
        return Loaded(Document(file, kind, data, source), [], nodes)
    except (libyaml.Unsure, RecursionError):
        pass
    try:
        data = _yaml().load(source)
        data = _jsonable(data, 0, limits.max_depth)
    except DuplicateKeyError as error:
        line, column = _position(error)
        key = _duplicate_key(source, line, column)
        return _failed(file, kind, source, R.DuplicateKey.finding(file, key=key).located(line, column))
    except MarkedYAMLError as error:
        line, column = _position(error)
        problem = error.problem or str(error).splitlines()[0]
        tab = "cannot start any token" in problem or "tab character" in problem
        rule = R.Tab if tab and "\t" in _line(source, line) else R.Syntax
        described = flow_colon(_line(source, line), column, problem) or explain(problem)
        return _failed(file, kind, source, rule.finding(file, problem=described).located(line, column))
    except RecursionError:
        # The events know where the limit was crossed; the built data does not.
        deep = [f for f in _scan_events(file, source, limits) if f.rule == R.TooDeep.id]
        finding = deep[0] if deep else R.TooDeep.finding(file, limit=limits.max_depth).located(1, 1)
        return _failed(file, kind, source, finding)
    except ReaderError as error:  # a control character YAML does not allow in a file, such as U+0001
        line, column = _line_of_char(source, error.position)
        problem = f"ký tự điều khiển U+{error.character:04X} không được phép trong tệp YAML; xóa ký tự này"
        return _failed(file, kind, source, R.Syntax.finding(file, problem=problem).located(line, column))
    except YAMLError as error:
        return _failed(file, kind, source, R.Syntax.finding(file, problem=str(error)).located(1, 1))
    if data is None:
        return _failed(file, kind, source, R.Empty.finding(file).located(1, 1))
    return Loaded(Document(file, kind, data, source), findings)


def _failed(file: str, kind: str, source: str, finding: Finding) -> Loaded:
    return Loaded(Document(file, kind, None, source), [finding])


def _line(source: str, line: int) -> str:
    lines = source.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _duplicate_key(source: str, line: int, column: int) -> str:
    key = _line(source, line)[column - 1 :].split(":", 1)[0].strip()
    return key.strip("\"'") or "?"
