"""Bytes to plain data, safely, with every problem turned into a finding.

The common path is the C-based safe loader with no position bookkeeping:
most files have no problem, and the round-trip parser that knows lines and
columns is about ten times slower. Positions of problems found
later are looked up by :mod:`tthc.locator`, only for the files that need them.

Nothing here executes YAML tags: the safe constructor knows only plain types,
and any explicit tag is reported before it gets that far.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

from tthc import schema, text
from tthc.findings import Finding
from tthc.model import Document, Limits
from tthc.rules import yaml_rules as R

_SUSPECT_CHARS = frozenset("&*!")
"""Characters without which a document can hold no anchor, alias or tag."""


@dataclass(frozen=True)
class Loaded:
    document: Document
    findings: list[Finding]


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=False)
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


def _position(error: MarkedYAMLError) -> tuple[int, int]:
    mark = error.problem_mark or error.context_mark
    if error.context_mark is not None and "end of stream" in (error.problem or ""):
        mark = error.context_mark  # the quote or bracket left open, not the end of the file
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def _line_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, offset - line_start + 1


def decode(file: str, raw: bytes, limits: Limits) -> tuple[str | None, list[Finding]]:
    """Bytes to text; anything but UTF-8 (a BOM is fine) is reported, not guessed at."""
    if len(raw) > limits.max_file_bytes:
        return None, [R.FileTooLarge.finding(file, size=len(raw), limit=limits.max_file_bytes)]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        guess = text.guess_encoding(raw)
        if guess is None:
            return None, [R.BinaryFile.finding(file)]
        return None, [R.NotUtf8.finding(file, encoding=guess).located(1, 1)]
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _line_of_offset(raw, error.start)
        guess = text.guess_encoding(raw) or "không rõ"
        return None, [R.NotUtf8.finding(file, encoding=guess).located(line, column)]
    return decoded, []


def _scan_events(file: str, source: str, limits: Limits) -> list[Finding]:
    """Report tags and too many aliases before anything is constructed.

    Alias bombs (a billion laughs) cost nothing to parse as events but expand
    exponentially once walked, so they must be stopped here.
    """
    findings: list[Finding] = []
    aliases = 0
    depth = 0
    for event in _yaml().parse(source):
        if isinstance(event, AliasEvent):
            aliases += 1
            if aliases == limits.max_aliases + 1:
                mark = event.start_mark
                findings.append(
                    R.TooManyAliases.finding(file, limit=limits.max_aliases).located(
                        mark.line + 1, mark.column + 1
                    )
                )
        elif isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.tag is not None:
            mark = event.start_mark
            findings.append(
                R.Tag.finding(file, tag=_short_tag(event.tag)).located(mark.line + 1, mark.column + 1)
            )
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth == limits.max_depth + 1:
                mark = event.start_mark
                findings.append(
                    R.TooDeep.finding(file, limit=limits.max_depth).located(
                        mark.line + 1, mark.column + 1
                    )
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
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
    """The limits, none below the minimum the catalogue schema allows.

    tthc.yaml sets the limits for every file, itself included: applied as
    written, ``max_file_bytes: 100`` would refuse tthc.yaml before its
    schema-range finding could be reported, and then every other file.
    """
    minimums = {
        name: spec["minimum"]
        for name, spec in schema.schema("catalogue")["properties"]["limits"]["properties"].items()
    }
    return dataclasses.replace(
        limits, **{name: max(getattr(limits, name), low) for name, low in minimums.items()}
    )


def load(file: str, kind: str, raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Load one YAML file. Never raises on bad input."""
    limits = floored(limits)
    source, findings = decode(file, raw, limits)
    if source is None:
        return Loaded(Document(file, kind, None), findings)
    if _SUSPECT_CHARS.intersection(source):
        try:
            findings = _scan_events(file, source, limits)
        except MarkedYAMLError:
            findings = []  # the loader below reports the syntax error with its position
        if findings:
            return Loaded(Document(file, kind, None, source), findings)
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
        return _failed(file, kind, source, rule.finding(file, problem=explain(problem)).located(line, column))
    except RecursionError:
        # The events know where the limit was crossed; the built data does not.
        deep = [f for f in _scan_events(file, source, limits) if f.rule == R.TooDeep.id]
        finding = deep[0] if deep else R.TooDeep.finding(file, limit=limits.max_depth).located(1, 1)
        return _failed(file, kind, source, finding)
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
