"""The hostile corpus: broken and malicious input against every command, as a user runs it.

Each case in ``tests/hostile/cases.yaml`` starts from the minimal catalogue
(formatted, so that ``fmt --check`` passes on it), breaks it in one way, and
runs the real CLI (``python -m tthc``) in a subprocess held to 5 seconds of
CPU (its own and its children's, measured, and enforced by RLIMIT_CPU) and
1 GiB of address space; CPU time, not wall time, because the commands of a
case run side by side on a machine shared with other work. Whatever the
input, a command must end with its documented exit code, never a traceback, never an escape sequence
from the catalogue on a terminal, and never a file written outside the
folder the user named.

A case is one of:

- a **file case** (``files`` and ``expect``): the catalogue is validated
  (``validate -f json``: every ``rule file:line:col`` listed must be there),
  checked by ``fmt --check``, exported to Excel, counted by ``stats``,
  rendered as a site and compared with ``diff`` (text, for the terminal);
  for a file the loader refuses (``unreadable``) export, stats and render
  run only when the case says ``every_command``, since they leave through
  the same door as validate; ``exit`` overrides the expected exit code
  of a command (defaults: validate 1, fmt 1, render as validate, export and
  stats 1 when a file is ``unreadable`` else 0, diff 0). A case with only
  warnings sets ``strict`` so that ``validate --strict`` exits 1. No command
  may change the catalogue;
- a **run case** (``run``): its own commands, each with ``args``, ``exit``,
  words it ``says`` (on stderr or stdout), ``writes``, the one folder or
  file it may create or change (everything else in the case's folder is
  compared before and after), ``no_line_starts`` (what a log must not see
  at the start of a line: a forged GitHub workflow command), and ``colour``
  to run it as in a terminal;
- an **HTML case** (``payload``): a catalogue with the payload in every field
  a page prints is built and compared (annex, Markdown); every page must pass
  :func:`html_problems` and show the payload as text.

Files are given as in ``tests/rules/`` (see :func:`tests.test_rules.apply`),
plus ``{file: name}`` (bytes of ``tests/hostile/files/name``) and
``{generate: name}`` (a function of :data:`GENERATORS`, for inputs too large
or too binary to keep). ``{tmp}`` in any text or argument is the case's
folder; ``absent`` lists paths under it that must not exist afterwards (what a
payload would have created had it run); ``secret`` lists text from outside
the catalogue that no output may show; ``setup`` builds something beside the
catalogue (see :func:`_setup`). Git cases run in ``repo``,
``shallow`` or ``spaced`` (a repository in a folder with spaces and
Vietnamese letters), built once per session.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from tests.conftest import MINIMAL, PROJECT
from tests.test_rules import apply
from tthc import render
from tthc.fmt import format_paths
from tthc.validate import validate as validate_catalogue

HOSTILE = Path(__file__).parent / "hostile"
TIMEOUT = 5.0
MEMORY = 1 << 30
PROCEDURE = "procedures/ho-tich/1.001193.yaml"
DECISION = "decisions/2025/10-QĐ-UBND.yaml"


# --------------------------------------------------------------------------
# Running the CLI
# --------------------------------------------------------------------------


def _limits() -> None:  # runs in the child, between fork and exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    # SIGXCPU at the budget, SIGKILL a second later: a runaway child stops
    # itself however loaded the machine is. Each process has its own budget;
    # the whole command's is checked from wait4's usage, grandchildren included.
    resource.setrlimit(resource.RLIMIT_CPU, (int(TIMEOUT), int(TIMEOUT) + 1))


@dataclasses.dataclass
class Run:
    args: list[str]
    code: int | None
    """None when the command was killed as hung (:data:`HUNG`)."""
    out: str
    err: str
    cpu: float
    """CPU seconds of the command and every process it waited for."""
    seconds: float

    def __str__(self) -> str:
        return (
            f"tthc {' '.join(self.args)} → {self.code} in {self.cpu:.1f}s CPU ({self.seconds:.1f}s wall)\n"
            f"{self.out[-2000:]}\n{self.err[-2000:]}"
        )


Command = tuple[list[str], Path] | tuple[list[str], Path, dict[str, str]]
"""Arguments, working folder and, optionally, environment variables to set."""

HUNG = 120.0
"""Wall seconds after which a child that uses no CPU (blocked, asleep) is killed.

The bound a case is held to is :data:`TIMEOUT` seconds of CPU: wall time on a
shared machine measures the neighbours as much as tthc, and the commands of a
case run side by side. This is only the backstop for a child that waits forever."""


def tthc(commands: list[Command]) -> list[Run]:
    """Run ``python -m tthc ARGS`` in each folder, as many at once as there are cores.

    Output goes to files, not pipes, so that no child can stall on a full
    pipe while another is waited for; processes are started from this thread
    only, because ``preexec_fn`` is unsafe with threads. Each child is reaped
    with ``wait4``, whose usage is that child's alone (``RUSAGE_CHILDREN``
    would mix the commands running at once).
    """
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "NO_COLOR": "",
        "FORCE_COLOR": "",
        "CI": "",
        "COLUMNS": "200",
        "PYTHONIOENCODING": "utf-8",
    }
    width = os.cpu_count() or 2
    results: list[Run | None] = [None] * len(commands)
    pending = list(enumerate(commands))
    running: list[tuple[int, subprocess.Popen[bytes], Any, Any, float]] = []
    with contextlib.ExitStack() as files:
        while pending or running:
            while pending and len(running) < width:
                index, (args, cwd, *extra) = pending.pop(0)
                out = files.enter_context(tempfile.TemporaryFile())
                err = files.enter_context(tempfile.TemporaryFile())
                process = subprocess.Popen(
                    [sys.executable, "-m", "tthc", *args],
                    cwd=cwd,
                    env={**env, **(extra[0] if extra else {})},
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    preexec_fn=_limits,
                )
                running.append((index, process, out, err, time.monotonic()))
            time.sleep(0.02)
            for item in list(running):
                index, process, out, err, start = item
                elapsed = time.monotonic() - start
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid == 0 and elapsed < HUNG:
                    continue
                code: int | None = None
                if pid == 0:
                    process.kill()
                    _, status, usage = os.wait4(process.pid, 0)
                else:
                    code = os.waitstatus_to_exitcode(status)
                process.returncode = code if code is not None else -9  # reaped here: Popen must not wait again
                running.remove(item)
                out.seek(0)
                err.seek(0)
                results[index] = Run(
                    commands[index][0],
                    code,
                    out.read().decode("utf-8", "replace"),
                    err.read().decode("utf-8", "replace"),
                    usage.ru_utime + usage.ru_stime,
                    elapsed,
                )
    return [r for r in results if r is not None]


COLOUR = re.compile(r"\x1b\[[0-9;]*m")
"""The only escape sequences tthc writes itself: colours, when asked for (FORCE_COLOR)."""


def check_run(run: Run, expected: int | set[int], colour: bool = False) -> None:
    """Ended in time, with the expected code, no traceback and no escape code of the catalogue's."""
    allowed = expected if isinstance(expected, set) else {expected}
    assert run.code is not None, f"hung ({HUNG:g}s without ending): {run}"
    assert run.code != -signal.SIGXCPU and run.cpu <= TIMEOUT, f"more than {TIMEOUT:g}s of CPU: {run}"
    assert run.code in allowed, f"exit {run.code}, expected {sorted(allowed)}: {run}"
    for stream in (run.out, run.err):
        assert "Traceback" not in stream, str(run)
        shown = COLOUR.sub("", stream) if colour else stream
        assert "\x1b" not in shown, f"an escape sequence reached the terminal: {run}"


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file and link under ``folder`` (except ``skip``) with a digest of its content."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        if skip is not None and (here == skip or skip in here.parents):
            dirnames[:] = []
            continue
        for name in [*filenames, *(d for d in dirnames if (here / d).is_symlink())]:
            path = here / name
            if skip is not None and path == skip:
                continue
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


# --------------------------------------------------------------------------
# HTML a citizen's browser may open
# --------------------------------------------------------------------------

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite"})
OUR_SCRIPTS = ("assets/site.js",)


def safe_link(value: str) -> bool:
    """http(s), mailto, or a link inside the output (relative, no host)."""
    parts = urlsplit(value.strip())
    if parts.scheme:
        return parts.scheme.lower() in SAFE_SCHEMES
    return not parts.netloc and not value.strip().startswith(("\\", "//"))


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: an event handler")
            if name in URL_ATTRIBUTES and value is not None and not safe_link(value):
                self.problems.append(f"<{tag} {name}={value!r}>: not an http(s), mailto or relative link")
            if name == "srcset" or (name == "style" and value and ("url(" in value or "expression" in value)):
                self.problems.append(f"<{tag} {name}={value!r}>: loads something")
        if tag == "script":
            src = found.get("src")
            if src is None and found.get("type") != "application/json":
                self.problems.append("<script> with inline code")
            if src is not None and not src.endswith(OUR_SCRIPTS):
                self.problems.append(f"<script src={src!r}>: not ours")
        if tag in ("iframe", "object", "embed", "base", "frame", "frameset", "applet", "portal"):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def html_problems(page: str) -> list[str]:
    """What in a page could run or load something not ours: [] for a safe page.

    Only tthc's own script (``assets/site.js``) and JSON data blocks may be
    scripts; no element may carry an ``on…`` attribute; every link and source
    is http(s), mailto or relative to the output.
    """
    checker = _Checker()
    checker.feed(page)
    checker.close()
    return checker.problems


# --------------------------------------------------------------------------
# Inputs too large or too binary to keep as files
# --------------------------------------------------------------------------

MINIMAL_PROCEDURE = (MINIMAL / PROCEDURE).read_text("utf-8")


def _procedure(code: str, **extra: str) -> str:
    text = MINIMAL_PROCEDURE.replace('"1.001193"', f'"{code}"', 1)
    for key, value in extra.items():
        text += f"{key}: {value}\n"
    return text


def _twenty_megabytes(path: Path) -> None:
    with path.open("wb") as out:
        out.write(_procedure("1.000894").encode("utf-8") + b'note: "')
        line = ("Nộp hồ sơ trực tiếp tại Bộ phận Một cửa. " * 25 + "\n").encode("utf-8")
        for _ in range(20 * 1024 * 1024 // len(line) + 1):
            out.write(line)
        out.write(b'"\n')


def _billion_laughs(path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path.write_text(_procedure("1.000894") + "\n".join(lines) + "\n", "utf-8")


def _doubling_aliases(path: Path) -> None:
    """Ten aliases of aliases, each of two: 1024 copies of a 50 000-item list."""
    lines = ["a0: &a0 [" + ", ".join(["1"] * 50_000) + "]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 11)]
    path.write_text(_procedure("1.000894") + "\n".join(lines) + "\n", "utf-8")


def _flow_10k(path: Path) -> None:
    path.write_text(_procedure("1.000894") + "steps: " + "[" * 10_000 + "]" * 10_000 + "\n", "utf-8")


def _flow_mapping_10k(path: Path) -> None:
    path.write_text(_procedure("1.000894") + "dossier: " + "{a: " * 10_000 + "}" * 10_000 + "\n", "utf-8")


def _block_10k(path: Path) -> None:
    path.write_text(_procedure("1.000894") + "steps:\n  " + "- " * 10_000 + "Bước 1\n", "utf-8")


def _indented_1000(path: Path) -> None:
    body = "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1000)) + " " * 1001 + "x: 1\n"
    path.write_text(_procedure("1.000894") + "dossier:\n" + body, "utf-8")


def _unclosed_100k(path: Path) -> None:
    path.write_text(_procedure("1.000894") + "steps: " + "[" * 100_000 + "\n", "utf-8")


def _many_nodes(path: Path) -> None:
    path.write_text(_procedure("1.000894") + "subjects: [" + ", ".join(["Công dân"] * 60_000) + "]\n", "utf-8")


def _megabyte_name(path: Path) -> None:
    path.write_text(MINIMAL_PROCEDURE.replace("name: Đăng ký khai sinh", "name: " + "Dang ky " * 125_000), "utf-8")


def _five_thousand_digits(path: Path) -> None:
    """More digits than Python converts to int by default (4300): YAML still reads it as a number."""
    path.write_text(MINIMAL_PROCEDURE.replace("    online: toàn trình\n", "    online: toàn trình\n    legacy_level: 1" + "0" * 5000 + "\n"), "utf-8")


def _four_hundred_digit_fee(path: Path) -> None:
    """A whole number no float can hold: read as text, so the schema says it is not a number."""
    text = _procedure("1.000894").replace("    fee: {free: true}\n  - channel: trực tuyến", "    fee: {amount: 1" + "0" * 400 + "}\n  - channel: trực tuyến")
    path.write_text(text, "utf-8")


def _unique_mappings(path: Path) -> None:
    """5000 mappings where a list of unique texts belongs: jsonschema compared every pair."""
    items = ", ".join(f"{{a: {i}}}" for i in range(5000))
    path.write_text(MINIMAL_PROCEDURE.replace("subjects: [Công dân Việt Nam]", f"subjects: [{items}]"), "utf-8")


def _long_line_block(path: Path) -> None:
    """Ordinary nesting, one 300 kB line: the loader must scan it, and find nothing wrong."""
    path.write_text(MINIMAL_PROCEDURE + "note: " + "Lưu ý " * 50_000 + "\n", "utf-8")


# Spreadsheets from outside: a workbook openpyxl writes, with one part changed.

SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"


def _workbook() -> dict[str, bytes]:
    """The parts of a workbook with a header and one procedure, as ``tthc import`` accepts it."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện"])
    sheet.append(["1.000897", "Đăng ký lại khai sinh", "Hộ tịch", "Cấp xã"])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_xlsx(path: Path, parts: dict[str, bytes]) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _xlsx_with_sheet(sheet: bytes) -> Callable[[Path], None]:
    return lambda path: _write_xlsx(path, {**_workbook(), SHEET: sheet})


def _rows(count: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, count + 1))


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10) for i in range(1, 10))
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>' + SHEET_END
)
_EXTERNAL = (
    b'<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c></row>' + SHEET_END
)


def _xlsx_bomb(path: Path) -> None:
    """300 MB of sheet XML in about a megabyte of zip, written in pieces."""
    import zipfile

    parts = _workbook()
    row = _rows(1) * 4000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != SHEET:
                archive.writestr(name, data)
        with archive.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START)
            for _ in range(300 * 1024 * 1024 // len(row)):
                sheet.write(row)
            sheet.write(SHEET_END)


def _xlsx_lying_directory(path: Path) -> None:
    """A sheet of 2 MB whose zip directory and local header say 2 kB: zip's own size fields lie."""
    import struct

    sheet = SHEET_START + _rows(40_000) + SHEET_END
    _write_xlsx(path, {**_workbook(), SHEET: sheet})
    data = bytearray(path.read_bytes())
    true, lie = struct.pack("<I", len(sheet)), struct.pack("<I", 2048)
    assert data.count(true) == 2, "the sheet's size is in its local header and in the directory"
    path.write_bytes(bytes(data).replace(true, lie))


def _xlsx_sheet_cut_short(path: Path) -> None:
    parts = _workbook()
    _write_xlsx(path, {**parts, SHEET: parts[SHEET][: len(parts[SHEET]) // 2]})


def _xlsx_file_cut_short(path: Path) -> None:
    _xlsx_with_sheet(_workbook()[SHEET])(path)
    path.write_bytes(path.read_bytes()[:-300])


def _zip_without_workbook(path: Path) -> None:
    _write_xlsx(path, {"word/document.xml": b"<document/>"})


def _many_parts(path: Path) -> None:
    """A workbook with 100 000 empty parts: zipfile would build an object for each before anything is read."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in _workbook().items():
            archive.writestr(name, data)
        for i in range(100_000):
            archive.writestr(f"xl/media/{i}", b"")


def _merged_everything(path: Path) -> None:
    """Four bytes of XML that openpyxl would make 17 billion cells of."""
    sheet = SHEET_START.replace(b"<sheetData>", b"<sheetData>" + _rows(1) + b"</sheetData>")
    _xlsx_with_sheet(sheet + b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>')(path)


def _csv_rows(count: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        rows = "".join(f"1.{i:06d},Đăng ký lại lần {i},Hộ tịch,Cấp xã\n" for i in range(count))
        path.write_text("Mã TTHC,Tên thủ tục,Lĩnh vực,Cấp thực hiện\n" + rows, "utf-8")

    return write


def _far_cells(path: Path) -> None:
    """Two cells, at A1 and XFD1048576: a grid of every cell between them."""
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    _xlsx_with_sheet(SHEET_START + _rows(1) + far + SHEET_END)(path)


GENERATORS: dict[str, Callable[[Path], None]] = {
    "twenty_megabytes": _twenty_megabytes,
    "billion_laughs": _billion_laughs,
    "doubling_aliases": _doubling_aliases,
    "flow_10k": _flow_10k,
    "flow_mapping_10k": _flow_mapping_10k,
    "block_10k": _block_10k,
    "indented_1000": _indented_1000,
    "unclosed_100k": _unclosed_100k,
    "many_nodes": _many_nodes,
    "megabyte_name": _megabyte_name,
    "long_line": _long_line_block,
    "five_thousand_digits": _five_thousand_digits,
    "four_hundred_digit_fee": _four_hundred_digit_fee,
    "unique_mappings": _unique_mappings,
    "xlsx_bomb": _xlsx_bomb,
    "xlsx_lying_directory": _xlsx_lying_directory,
    "xlsx_billion_laughs": _xlsx_with_sheet(_LAUGHS),
    "xlsx_external_entity": _xlsx_with_sheet(_EXTERNAL),
    "xlsx_sheet_cut_short": _xlsx_sheet_cut_short,
    "xlsx_file_cut_short": _xlsx_file_cut_short,
    "xlsx_broken_xml": _xlsx_with_sheet(SHEET_START + b"<row><c><v>1</c></row>" + SHEET_END),
    "xlsx_60k_rows": lambda path: _xlsx_with_sheet(SHEET_START + _rows(60_000) + SHEET_END)(path),
    "csv_60k_rows": _csv_rows(60_000),
    "csv_150_rows": _csv_rows(150),
    "csv_30k_rows": _csv_rows(30_000),
    "xlsx_merged_everything": _merged_everything,
    "xlsx_far_cells": _far_cells,
    "zip_without_workbook": _zip_without_workbook,
    "xlsx_100k_parts": _many_parts,
}


# --------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = YAML(typ="safe").load((HOSTILE / "cases.yaml").read_text("utf-8"))
    return cases


CASES = _load_cases()
CATEGORIES = ("yaml", "encoding", "values", "paths", "html", "git", "import")


def _param(case: dict[str, Any]) -> Any:
    return pytest.param(case, id=f"{case['category']}: {case['name']}")


def _fill(value: Any, tmp: Path) -> Any:
    """``{tmp}`` → the case's folder, in every string of a case."""
    if isinstance(value, str):
        return value.replace("{tmp}", str(tmp))
    if isinstance(value, list):
        return [_fill(v, tmp) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, tmp) for k, v in value.items()}
    return value


def put_files(root: Path, files: dict[str, Any]) -> None:
    """The rule harness's edits, plus kept files and generated ones."""
    plain: dict[str, Any] = {}
    for rel, change in files.items():
        target = root / rel
        if isinstance(change, dict) and ("file" in change or "generate" in change):
            target.parent.mkdir(parents=True, exist_ok=True)
            if "file" in change:
                target.write_bytes((HOSTILE / "files" / change["file"]).read_bytes())
            else:
                GENERATORS[change["generate"]](target)
        else:
            plain[rel] = change
    apply(root, plain)


@pytest.fixture(scope="session")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal catalogue in canonical form: ``fmt --check`` passes on it, ``validate`` too."""
    root = tmp_path_factory.mktemp("hostile-base") / "catalogue"
    shutil.copytree(MINIMAL, root)
    format_paths([root])
    return root


@pytest.fixture
def case_dir(tmp_path: Path, base: Path) -> Path:
    shutil.copytree(base, tmp_path / "catalogue")
    return tmp_path


def test_every_category_has_cases() -> None:
    counts = {category: sum(1 for c in CASES if c["category"] == category) for category in CATEGORIES}
    assert all(counts.values()), counts
    assert {c["category"] for c in CASES} == set(CATEGORIES)
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    assert f"a corpus of {len(CASES)} broken" in (PROJECT / "docs" / "safety.md").read_text("utf-8"), "docs/safety.md"


# --------------------------------------------------------------------------
# File cases: every command on a catalogue with one hostile file
# --------------------------------------------------------------------------

FILE_CASES = [_param(c) for c in CASES if "files" in c and "run" not in c]


@pytest.mark.parametrize("case", FILE_CASES)
def test_file_case(case: dict[str, Any], case_dir: Path, base: Path) -> None:
    case = _fill(case, case_dir)
    catalogue = case_dir / "catalogue"
    put_files(catalogue, case["files"])
    _setup(case, case_dir, base)
    before = snapshot(case_dir)
    unreadable = bool(case.get("unreadable"))
    exits: dict[str, int | set[int]] = {"validate": 1, "fmt": 1, "export": 1 if unreadable else 0, "diff": 0}
    exits["stats"] = exits["export"]
    exits.update(case.get("exit", {}))
    exits.setdefault("render", exits["validate"])
    validate = ["validate", "catalogue", "-f", "json", *(["--strict"] if case.get("strict") else [])]
    commands = {
        "validate": validate,
        "fmt": ["fmt", "--check", "catalogue"],
        "export": ["export", "catalogue", "-f", "xlsx", "-o", "out/danh-muc.xlsx"],
        "stats": ["stats", "catalogue"],
        "render": ["render", "site", "catalogue", "-o", "out/site"],
        "diff": ["diff", str(base), "catalogue"],
    }
    if unreadable and not case.get("every_command"):
        # A file the loader refuses takes the same way out of export, stats and
        # render as of validate; the cases marked every_command check those.
        for name in ("export", "stats", "render"):
            del commands[name]
    runs = dict(zip(commands, tthc([(args, case_dir) for args in commands.values()]), strict=True))
    for name, run in runs.items():
        check_run(run, exits[name])
    report = json.loads(runs["validate"].out)
    found = {f"{f['rule']} {f['file']}:{f['line']}:{f['column']}" for f in report["findings"]}
    missing = [line for line in case["expect"] if line not in found]
    assert not missing, f"missing {missing}; found {sorted(found)}"
    assert all(f["line"] >= 1 and f["column"] >= 1 for f in report["findings"])
    for secret in case.get("secret", []):
        assert all(secret not in run.out + run.err for run in runs.values()), f"{secret!r} leaked"
    after = snapshot(case_dir, skip=case_dir / "out")
    assert after == before, "a command changed the catalogue or wrote outside its output folder"
    for path in case.get("absent", []):
        assert not Path(path).exists(), f"{path} exists: a payload ran"


# --------------------------------------------------------------------------
# Run cases: commands of their own, with what each may write
# --------------------------------------------------------------------------

RUN_CASES = [_param(c) for c in CASES if "run" in c]


def _setup(case: dict[str, Any], folder: Path, base: Path) -> None:
    setup = case.get("setup") or ""
    if setup == "outside":
        (folder / "outside").mkdir()
        # Keys out of order: read through the link, `fmt --check` would print it in its diff.
        (folder / "outside" / "secret.yaml").write_text('name: BÍ MẬT NGOÀI DANH MỤC\ncode: "1.000894"\n', "utf-8")
    elif setup == "templates":
        (folder / "secret.txt").write_text("BÍ MẬT NGOÀI THƯ MỤC MẪU\n", "utf-8")
        (folder / "mau").mkdir()
        (folder / "mau" / "_brand.html.j2").write_text('{% include "../secret.txt" %}\n', "utf-8")
    elif setup == "not-ours":
        (folder / "tai-lieu").mkdir()
        (folder / "tai-lieu" / "bao-cao.docx").write_bytes(b"PK\x03\x04 someone's report")
    elif setup == "link-out":
        (folder / "elsewhere").mkdir()
        (folder / "out").symlink_to(folder / "elsewhere")
    elif setup == "file-out":
        (folder / "out").write_text("một tệp, không phải thư mục\n", "utf-8")
    elif setup == "link-procedures":
        # The whole procedures folder moved out, a link left in its place.
        shutil.move(folder / "catalogue" / "procedures", folder / "outside")
        (folder / "catalogue" / "procedures").symlink_to("../outside")
    elif setup == "link-init":
        (folder / "outside").mkdir()
        (folder / "moi").mkdir()
        (folder / "moi" / "procedures").symlink_to("../outside")
    elif setup == "link-file-out":
        (folder / "elsewhere").mkdir()
        (folder / "elsewhere" / "bao-cao.txt").write_text("một tệp ngoài, phải giữ nguyên\n", "utf-8")
        (folder / "out.xlsx").symlink_to("elsewhere/bao-cao.txt")
        (folder / "bao-cao").symlink_to("elsewhere")
    elif setup == "link-in-out":
        # An output folder tthc made, then given a link: replacing it must not be how a link gets in.
        (folder / "elsewhere").mkdir()
        (folder / "out" / "site").mkdir(parents=True)
        (folder / "out" / render.MARKER).write_text(render.MARKER_TEXT, "utf-8")
        (folder / "out" / "site" / "index.html").symlink_to("../../elsewhere/index.html")
    elif setup.startswith("recoded-"):
        # Every code changed, every name alike: each vanished code is a candidate for each new one.
        for side, first in (("cu", 1), ("moi", 2)):
            shutil.copytree(base, folder / side)
            (folder / side / PROCEDURE).unlink()
            for i in range(int(setup.removeprefix("recoded-"))):
                text = MINIMAL_PROCEDURE.replace('"1.001193"', f'"{first}.{i:06d}"', 1)
                text = text.replace("Đăng ký khai sinh", f"Đăng ký khai sinh cho trẻ em số {i} tại xã")
                (folder / side / f"procedures/ho-tich/{first}.{i:06d}.yaml").write_text(text, "utf-8")


@pytest.fixture(scope="session")
def repos(tmp_path_factory: pytest.TempPathFactory, base: Path) -> dict[str, Path]:
    """A repository whose decision 11 was added twice, a shallow clone of it, and a copy in a folder with spaces."""
    top = tmp_path_factory.mktemp("hostile-git")
    repo = top / "repo"
    shutil.copytree(base, repo / "catalogue")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip

    def git(*args: str, cwd: Path = repo) -> None:
        subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("commit", "-q", "-m", "danh mục")
    eleven = repo / "catalogue" / "decisions" / "2025" / "11-QĐ-UBND.yaml"
    text = (base / DECISION).read_text("utf-8").replace("10/QĐ-UBND", "11/QĐ-UBND").replace("new:", "amended:")
    for message in ("thêm 11", "bỏ 11", "thêm lại 11"):
        if eleven.exists():
            eleven.unlink()
        else:
            eleven.write_text(text, "utf-8")
        git("add", "-A")
        git("commit", "-q", "-m", message)
    link = repo / "catalogue" / "procedures" / "ho-tich" / "1.000894.yaml"
    link.symlink_to("/etc/passwd")
    git("add", "-A")
    git("commit", "-q", "-m", "liên kết ra ngoài")
    link.unlink()
    git("add", "-A")
    git("commit", "-q", "-m", "bỏ liên kết")
    shallow = top / "shallow"
    git("clone", "-q", "--depth", "1", repo.as_uri(), str(shallow), cwd=top)
    spaced = top / "thư mục có dấu cách" / "kho danh mục"
    spaced.parent.mkdir()
    shutil.copytree(repo, spaced, symlinks=True)
    return {"repo": repo, "shallow": shallow, "spaced": spaced}


def _check_step(case: dict[str, Any], step: dict[str, Any], run: Run) -> None:
    check_run(run, step["exit"], colour=bool(step.get("colour")))
    for words in step.get("says", []):
        assert words in run.out + run.err, f"{words!r} not said: {run}"
    for start in step.get("no_line_starts", []):
        lines = (run.out + run.err).splitlines()
        assert not any(line.startswith(start) for line in lines), f"a line starts with {start!r}: {run}"
    for secret in case.get("secret", []):
        assert secret not in run.out + run.err, f"{secret!r} leaked: {run}"


def _command(step: dict[str, Any], cwd: Path) -> Command:
    """A step's command; ``colour: true`` runs it as in a terminal, where reports use rich."""
    return (step["args"], cwd, {"FORCE_COLOR": "1"} if step.get("colour") else {})


@pytest.mark.parametrize("case", RUN_CASES)
def test_run_case(case: dict[str, Any], case_dir: Path, base: Path, request: pytest.FixtureRequest) -> None:
    case = _fill(case, case_dir)
    catalogue = case_dir / "catalogue"
    put_files(catalogue, case.get("files") or {})
    _setup(case, case_dir, base)
    where = case.get("cwd")
    cwd = request.getfixturevalue("repos")[where] if where else case_dir
    steps = [_fill(step, case_dir) for step in case["run"]]
    if all("writes" not in step for step in steps):
        # Nothing may be written: every step at once, one comparison.
        before = snapshot(case_dir)
        for step, run in zip(steps, tthc([_command(step, cwd) for step in steps]), strict=True):
            _check_step(case, step, run)
        assert snapshot(case_dir) == before, "a command wrote something"
    else:
        for step in steps:
            writes = case_dir / step["writes"] if "writes" in step else None
            before = {k: v for k, v in snapshot(case_dir).items() if writes is None or not k.startswith(step["writes"])}
            (run,) = tthc([_command(step, cwd)])
            _check_step(case, step, run)
            assert snapshot(case_dir, skip=writes) == before, f"wrote outside {step.get('writes', 'nothing')}: {run}"
            if writes is not None and step["exit"] == 0:
                assert writes.exists(), f"{writes} was not written: {run}"
            folder = (writes or case_dir).parent
            leftovers = [p.name for p in folder.iterdir() if ".tmp" in p.name or ".old-" in p.name]
            assert leftovers == [], f"temporary files left behind: {leftovers}"
    for path in case.get("absent", []):
        assert not Path(path).exists(), f"{path} exists: a payload ran"


# --------------------------------------------------------------------------
# HTML cases: the payload in every field a page shows
# --------------------------------------------------------------------------

HTML_CASES = [_param(c) for c in CASES if "payload" in c]


SAFE_URL = "https://example.vn/"
LINK_FIELDS = {"tthc.yaml": 5, PROCEDURE: 1}
"""Where :func:`payload_catalogue` puts a hostile link: the agency's and the feedback's website
and e-mail, the portal's address (tthc.yaml), the form's link (the procedure)."""


def payload_catalogue(root: Path, text: str, url: str) -> Path:
    """The minimal catalogue with ``text`` in every field a page or annex prints, ``url`` in every link.

    Only fields whose schema takes free text get the payload, so that the
    catalogue validates (with warnings) and the CLI renders it; fields with a
    fixed shape (codes, levels, dates) are what validation refuses, and so
    are links (``url``, and the e-mail addresses made of the payload with it).
    """
    # An e-mail address is a link too: the hostile one goes with the hostile url.
    email = "a" + "".join(text.split()) + "@x.vn" if url != SAFE_URL else "mot-cua@x.vn"
    settings = {
        "authority": {"name": f"UBND tỉnh {text}", "short_name": text, "province": text},
        "as_of": "2026-01-01",
        "levels": ["Cấp tỉnh", "Cấp xã"],
        "fields": [{"id": "ho-tich", "name": f"Hộ tịch {text}", "code": text}],
        "agencies": [
            {"id": "ubnd-xa", "name": f"UBND xã {text}", "level": "Cấp xã", "address": text, "phone": text,
             "email": email, "website": url},
        ],
        "feedback": {"agency": text, "address": text, "phone": text, "email": email, "website": url},
        "portal_url": f"{url}?ma={{code}}",
    }  # fmt: skip
    procedure = {
        "code": "1.001193",
        "name": f"Đăng ký khai sinh {text}",
        "field": "ho-tich",
        "level": ["Cấp xã"],
        "decisions": ["10/QĐ-UBND"],
        "steps": [f"Bước 1: {text}", f"Bước 2: {text}"],
        "methods": [
            {"channel": "trực tiếp", "time": {"value": 1, "unit": "ngày làm việc", "note": text},
             "local_time": {"value": 1, "unit": "ngày làm việc", "note": text},
             "fee": {"amount": 8000, "note": text, "basis": text}, "note": text},
            {"channel": "trực tuyến", "time": {"value": 1, "unit": "ngày làm việc"}, "fee": {"free": True},
             "online": "một phần", "online_reason": text, "url": "https://dichvucong.gov.vn/", "note": text},
        ],
        "dossier": {"sets": 1, "cases": [{"case": text, "items": [
            {"name": f"Tờ khai {text}", "form": text, "originals": 1, "note": text}]}]},
        "subjects": [text],
        "agencies": {"performing": ["ubnd-xa"]},
        "results": [{"name": f"Giấy khai sinh {text}", "template": text}],
        "requirements": [text],
        "legal_basis": [{"number": "60/2014/QH13", "type": "Luật", "title": text}],
        "forms": [{"name": f"Tờ khai {text}", "source": text, "url": url}],
        "note": text,
    }  # fmt: skip
    decision = {
        "number": "10/QĐ-UBND",
        "title": f"Công bố {text}",
        "issuer": text,
        "signer": {"name": text, "title": text},
        "signed": "2025-08-01",
        "effective": "2025-08-01",
        "new": [{"code": "1.001193", "name": text, "by": text}],
        "abolished": [{"code": "1.000894", "name": text, "by": f"01/2025/NĐ-CP {text}"}],
    }
    root.mkdir(parents=True)
    (root / "tthc.yaml").write_text(json.dumps(settings, ensure_ascii=False), "utf-8")
    (root / "procedures" / "ho-tich").mkdir(parents=True)
    (root / PROCEDURE).write_text(json.dumps(procedure, ensure_ascii=False), "utf-8")
    (root / "decisions" / "2025").mkdir(parents=True)
    (root / DECISION).write_text(json.dumps(decision, ensure_ascii=False), "utf-8")
    return root


@pytest.mark.parametrize("case", HTML_CASES)
def test_html_case(case: dict[str, Any], tmp_path: Path, base: Path) -> None:
    """The payload's pages are safe; a hostile link is refused by validation first, and by the pages anyway."""
    catalogue = payload_catalogue(tmp_path / "catalogue", case["payload"], case.get("url", SAFE_URL))
    refused = "url" in case  # every url a case gives is one no page may link
    before = snapshot(tmp_path)
    runs = tthc([
        (["build", "catalogue", "-o", "out"], tmp_path),
        (["validate", "catalogue", "-f", "json"], tmp_path),
        (["diff", str(base), "catalogue", "-f", "annex", "-o", "out-annex/phu-luc.html"], tmp_path),
        (["diff", str(base), "catalogue", "-f", "markdown"], tmp_path),
    ])  # fmt: skip
    for run, code in zip(runs, [1 if refused else 0] * 2 + [0, 0], strict=True):
        check_run(run, code)
    errors = Counter(f["file"] for f in json.loads(runs[1].out)["findings"] if f["severity"] == "error")
    assert errors == (LINK_FIELDS if refused else {}), runs[1].out
    if refused:
        # Validation stops build; the pages must refuse the link all the same, built from the model.
        assert not (tmp_path / "out").exists()
        report = validate_catalogue(catalogue)
        assert {f.rule for f in report.findings if f.severity.value == "error"} == {"link-unsafe"}
        assert report.catalogue is not None
        render.build(report.catalogue, tmp_path / "out")
    after = snapshot(tmp_path, skip=tmp_path / "out")
    after = {k: v for k, v in after.items() if not k.startswith("out-annex/")}
    assert after == before, "wrote outside the output folders"
    pages = [*sorted((tmp_path / "out").rglob("*.html")), tmp_path / "out-annex" / "phu-luc.html"]
    assert len(pages) >= 8
    shown = ""
    for page in pages:
        html = page.read_text("utf-8")
        assert html_problems(html) == [], f"{page.relative_to(tmp_path)}: {html_problems(html)}"
        shown += html
    for visible in case.get("shows", []):
        assert visible in shown, f"the payload is not shown as text ({visible!r})"
    assert markdown_problems(runs[2].out) == []


MARKDOWN_TAGS = frozenset({"details", "summary", "b", "i", "sub"})
"""The HTML tags tthc's Markdown writer emits itself."""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_comment(self, data: str) -> None:
        self.tags.append("<!--")


def markdown_problems(markdown: str) -> list[str]:
    """HTML or links in a Markdown comment that tthc did not write: [] for a safe comment.

    Text inside code spans is shown as it is by every Markdown renderer, so
    only what lies outside them is checked: tags other than tthc's own,
    comments, and links to anything but http(s) and mailto.
    """
    outside = re.sub(r"`[^`\n]*`", "", markdown)
    tags = _Tags()
    tags.feed(outside)
    problems = [f"<{tag}>" for tag in tags.tags if tag not in MARKDOWN_TAGS]
    problems += [link for link in re.findall(r"\]\(\s*<?\s*([^)\s>]*)", outside) if not safe_link(link)]
    problems += html_problems(outside)
    return problems

