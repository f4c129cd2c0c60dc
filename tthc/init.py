"""A new catalogue that validates and builds from its first commit: ``tthc init``.

Copying the sample catalogue was the only way to start, and its "(mẫu)"
placeholders then printed on every notice board. A new catalogue is made
from the answers of the person who keeps it (authority, levels, where
citizens send feedback, the fields it holds), so that nothing in it is
invented: every value is one the user gave or one that follows from it
(the province from "Ủy ban nhân dân tỉnh X", the commune People's
Committee when the commune level is in force).

Fields are picked from a list of national field names shipped as data
(``tthc/data/fields.yaml``, made by ``benchmarks/national_fields.py`` from
real portal records), so that a field's name is written as the national
portal writes it.

Everything here is pure except :func:`repository_top` and :func:`write`:
the answers go in, the files' contents come out, and the command line asks
the questions.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from tthc import __version__, collation, fmt, text
from tthc.findings import Finding
from tthc.layout import SETTINGS_FILE
from tthc.model import DEFAULT_PORTAL_URL, DISTRICT, LEVELS, REFORM_DATE
from tthc.wording import date_text

WORKFLOW_FILE = ".github/workflows/tthc.yml"
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
DEFAULT_LEVELS = ("Cấp tỉnh", "Cấp xã")
"""The levels of local government since 1 July 2025 (NQ 202/2025/QH15)."""

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PLACEHOLDERS = ("(mau)", "can dien", "…", "...", "xxx")
"""Folded marks of text that stands in for a value (the sample's "(mẫu)", the scaffold's "CẦN ĐIỀN")."""
_PEOPLES_COMMITTEE = re.compile(r"^Ủy ban nhân dân (tỉnh|thành phố) (.+)$")


class InitError(Exception):
    """An answer or a folder that cannot make a catalogue; the message says why, in Vietnamese."""


# --------------------------------------------------------------------------
# The national list of fields
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalField:
    name: str
    id: str
    code: str = ""
    ministry: str = ""

    @property
    def label(self) -> str:
        """How a list shows it: name, then id and ministry to tell similar names apart."""
        extra = ", ".join(part for part in (self.id, self.ministry) if part)
        return f"{self.name} ({extra})"


@functools.cache
def national_fields() -> tuple[NationalField, ...]:
    """The fields ``tthc init`` offers, in Vietnamese order of their names."""
    source = resources.files("tthc").joinpath("data", "fields.yaml").read_text("utf-8")
    return tuple(
        NationalField(name=e["name"], id=e["id"], code=e.get("code", ""), ministry=e.get("ministry", ""))
        for e in yaml.safe_load(source)["fields"]
    )


def search_fields(query: str, fields: Iterable[NationalField]) -> list[NationalField]:
    """Fields where every word of ``query`` begins a word of the name, id or ministry, diacritics optional."""
    words = _words(query)

    def hit(f: NationalField) -> bool:
        hay = _words(f"{f.name} {f.id} {f.ministry}")
        return all(any(h.startswith(w) for h in hay) for w in words)

    return [f for f in fields if words and hit(f)]


def _words(value: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.fold(value))


def resolve_field(answer: str, fields: Sequence[NationalField]) -> list[NationalField]:
    """The fields an answer may mean: one when it names one, else every search hit (maybe none).

    An answer names a field by its id, by its whole name (diacritics
    optional), by the only search hit, or, for a field missing from the
    list, as "Tên lĩnh vực=ma-thu-muc".
    """
    name, sep, ident = answer.partition("=")
    if sep:
        return [custom_field(name, ident)]
    wanted = text.fold(answer)
    exact = [f for f in fields if answer.strip() == f.id or wanted == text.fold(f.name)]
    return exact or search_fields(answer, fields)


def custom_field(name: str, ident: str) -> NationalField:
    name, ident = _clean(name), ident.strip()
    if len(name) < 2:
        raise InitError("tên lĩnh vực phải có ít nhất 2 ký tự (ghi “Tên lĩnh vực=ma-thu-muc”).")
    if not _ID.match(ident):
        raise InitError(
            f"mã lĩnh vực “{ident}” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ {text.slug(name) or 'ho-tich'}."
        )
    return NationalField(name=name, id=ident)


# --------------------------------------------------------------------------
# The answers, each checked as it is given
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    authority: str
    province: str
    as_of: dt.date
    levels: tuple[str, ...]
    fields: tuple[NationalField, ...]
    feedback_agency: str
    feedback_address: str
    feedback_phone: str
    feedback_email: str
    feedback_website: str = ""
    portal_url: str = DEFAULT_PORTAL_URL


def _clean(value: str) -> str:
    return " ".join(text.nfc(value).split())


def check_text(value: str, least: int = 2) -> str:
    """Text as it will print: NFC, one space between words, no placeholder."""
    value = _clean(value)
    if len(value) < least:
        raise InitError(f"cần ghi giá trị (ít nhất {least} ký tự).")
    folded = text.fold(value)
    if any(mark in folded for mark in _PLACEHOLDERS):
        raise InitError(f"“{value}” trông như giá trị giữ chỗ; ghi thông tin thật, vì giá trị này được in để niêm yết.")
    return value


def check_phone(value: str) -> str:
    value = check_text(value)
    if sum(ch.isdigit() for ch in value) < 6:
        raise InitError(f"“{value}” không giống số điện thoại (ví dụ 0232 3822 123).")
    return value


def check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value) or value.casefold().startswith("mailto:"):
        raise InitError(f"“{value}” không phải địa chỉ thư điện tử (ví dụ kiemsoattthc@quangtri.gov.vn).")
    return check_text(value)


def check_website(value: str) -> str:
    value = value.strip()
    if value and (not value.startswith(("https://", "http://")) or any(ch.isspace() for ch in value)):
        raise InitError(f"“{value}” phải là đường dẫn đầy đủ bắt đầu bằng https://, không có dấu cách.")
    return value


def check_portal_url(value: str) -> str:
    value = check_website(value)
    if not value.startswith("https://") or "{code}" not in value:
        raise InitError(f"đường dẫn phải bắt đầu bằng https:// và chứa {{code}} (chỗ thay bằng mã thủ tục), ví dụ {DEFAULT_PORTAL_URL}")
    return value


def check_levels(levels: Sequence[str], as_of: dt.date) -> tuple[str, ...]:
    """Levels in their national order, once each; no district level after the 2025 reform."""
    if not levels:
        raise InitError(f"ghi ít nhất một cấp: {', '.join(LEVELS)}.")
    if DISTRICT in levels and as_of >= REFORM_DATE:
        raise InitError(f"từ {date_text(REFORM_DATE)} không còn {DISTRICT}; danh mục có hiệu lực {date_text(as_of)}.")
    return tuple(level for level in LEVELS if level in levels)


def province_of(authority: str) -> str:
    """"Quảng Trị" for "Ủy ban nhân dân tỉnh Quảng Trị"; empty when the name does not say."""
    match = _PEOPLES_COMMITTEE.match(_clean(authority))
    return match.group(2) if match else ""


def feedback_agency_of(authority: str) -> str:
    """The office of a People's Committee receives feedback on administrative rules (NĐ 20/2008, NĐ 92/2017)."""
    authority = _clean(authority)
    return f"Văn phòng {authority}" if authority.startswith("Ủy ban nhân dân ") else ""


# --------------------------------------------------------------------------
# tthc.yaml
# --------------------------------------------------------------------------


def _agencies(answers: Answers) -> list[CommentedMap]:
    """The authority, and the commune People's Committee when the commune level is in force.

    The schema wants one agency at least; these two are facts of the
    answers, and most procedures of a province name one of them.
    """
    match = _PEOPLES_COMMITTEE.match(answers.authority)
    authority = CommentedMap(
        id=f"ubnd-{text.slug(match.group(1))}" if match else text.slug(answers.authority) or "co-quan-cong-bo",
        name=answers.authority,
    )
    if match and "Cấp tỉnh" in answers.levels:
        authority["level"] = "Cấp tỉnh"
    elif answers.authority.startswith("Bộ ") and "Cấp bộ" in answers.levels:
        authority["level"] = "Cấp bộ"
    agencies = [authority]
    if "Cấp xã" in answers.levels:
        agencies.append(CommentedMap(id="ubnd-xa", name="Ủy ban nhân dân cấp xã", level="Cấp xã"))
    return agencies


def settings_text(answers: Answers) -> str:
    """The catalogue's tthc.yaml: the answers, each key under a comment saying what it is and where it prints."""
    doc = CommentedMap()
    doc["authority"] = CommentedMap(name=answers.authority, province=answers.province)
    doc["as_of"] = DoubleQuotedScalarString(answers.as_of.isoformat())
    levels = CommentedSeq(answers.levels)
    levels.fa.set_flow_style()
    doc["levels"] = levels
    doc["fields"] = CommentedSeq(
        CommentedMap((k, v) for k, v in (("id", f.id), ("name", f.name), ("code", f.code)) if v)
        for f in sorted(answers.fields, key=lambda f: collation.sort_key(f.name))
    )
    doc["agencies"] = CommentedSeq(_agencies(answers))
    feedback = CommentedMap(
        agency=answers.feedback_agency,
        address=answers.feedback_address,
        phone=answers.feedback_phone,
        email=answers.feedback_email,
    )
    if answers.feedback_website:
        feedback["website"] = answers.feedback_website
    doc["feedback"] = feedback
    doc["portal_url"] = answers.portal_url

    doc.yaml_set_start_comment(
        f"Thiết lập bộ danh mục thủ tục hành chính (TTHC) của {answers.authority}, tạo bằng `tthc init`.\n"
        "Sửa bằng trình soạn thảo bất kỳ, rồi chạy `tthc validate` để kiểm tra; mọi khóa: `tthc schema catalogue`."
    )
    as_of = date_text(answers.as_of)
    notes = {
        "authority": "Cơ quan công bố danh mục.",
        "as_of": f"Ngày danh mục có hiệu lực: in ở cuối mọi trang (“áp dụng từ ngày {as_of}”); các quy tắc\n"
        "theo thời điểm dựa trên ngày này (từ 01/7/2025 không còn cấp huyện).",
        "levels": "Các cấp thực hiện đang áp dụng (Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác): thủ tục chỉ được ghi các cấp này;\n"
        "mỗi cấp có một danh sách niêm yết (build/sheets/danh-muc/cap-xa.html) và một bộ lọc trên trang tra cứu.",
        "fields": "Lĩnh vực: id là tên thư mục trong procedures/ và là giá trị field của thủ tục; name in trên tờ niêm yết,\n"
        "đầu mỗi nhóm của danh sách niêm yết và trong bộ lọc của trang tra cứu; code là mã lĩnh vực trên CSDL quốc gia.\n"
        "Thêm lĩnh vực: thêm một mục id, name (tên như Cổng Dịch vụ công quốc gia ghi).",
        "agencies": "Cơ quan: id dùng trong mục agencies của từng thủ tục; name in ở mục Cơ quan thực hiện của tờ niêm yết,\n"
        "address in là địa chỉ tiếp nhận hồ sơ; mỗi cơ quan thực hiện có một danh sách niêm yết riêng.\n"
        "Thêm các sở, ngành và Bộ phận Một cửa: mỗi cơ quan một mục id, name, level, address, phone, email, website.",
        "feedback": "Nơi tiếp nhận phản ánh, kiến nghị về quy định hành chính: in trong khung “Tiếp nhận phản ánh, kiến nghị”\n"
        "của mọi tờ niêm yết và mọi trang tra cứu (NĐ 63/2010/NĐ-CP).",
        "portal_url": "Đường dẫn tới trang thủ tục trên Cổng Dịch vụ công quốc gia; {code} được thay bằng mã thủ tục.\n"
        "Mã QR và đường dẫn trên tờ niêm yết trỏ tới đây khi thủ tục không có dịch vụ trực tuyến riêng.",
    }
    for key, note in notes.items():
        doc.yaml_set_comment_before_after_key(key, before="\n" + note)
    inner = {
        "authority": {
            "name": "Tên cơ quan: in ở đầu mọi tờ niêm yết, danh sách niêm yết và trang tra cứu.",
            "province": "Tỉnh, thành phố: in ở tiêu đề phụ lục quyết định công bố (tthc diff -f annex, -f docx).",
        },
        "feedback": {
            "agency": "Cơ quan tiếp nhận.",
            "address": "Địa chỉ.",
            "phone": "Điện thoại.",
            "email": "Thư điện tử (in thành liên kết).",
            "website": "Trang thông tin điện tử (in thành liên kết).",
        },
    }
    for section, keys in inner.items():
        for key, note in keys.items():
            if key in doc[section]:
                doc[section].yaml_set_comment_before_after_key(key, before=note, indent=2)
    return fmt.format_text(fmt.dumped(doc), "catalogue", SETTINGS_FILE)


# --------------------------------------------------------------------------
# The other files
# --------------------------------------------------------------------------

_PROCEDURES_README = """\
# Thủ tục hành chính

Mỗi thủ tục một tệp `procedures/<lĩnh vực>/<mã>.yaml`, trong đó `<lĩnh vực>` là một `id`
khai báo trong `tthc.yaml` (mục `fields`) và `<mã>` là mã số TTHC trên CSDL quốc gia
(thủ tục chưa có mã dùng mã tạm `TAM-<số>`).

Tạo tệp mới có đủ các thành phần và chú thích hướng dẫn:

    tthc new procedure

hoặc nhập từ bảng tính: `tthc import danh-muc.xlsx`. Kiểm tra: `tthc validate`.
"""

_DECISIONS_README = """\
# Quyết định công bố

Mỗi quyết định công bố một tệp `decisions/<năm ký>/<số>.yaml`; tên tệp là số quyết định,
“/” thay bằng “-” (ví dụ `decisions/2026/1234-QĐ-UBND.yaml`). Ghi quyết định trước các thủ tục
mà nó công bố, mỗi quyết định trong một commit riêng, để `tthc diff` so sánh được theo số quyết định.

    tthc new decision
"""

_PRE_COMMIT = """\
# Kiểm tra danh mục TTHC trước mỗi commit (https://pre-commit.com); cài một lần: pre-commit install
# Hai hook chạy tthc đã cài trên máy: tthc-fmt đưa các tệp đã sửa về dạng chuẩn, rồi tthc-validate
# kiểm tra chúng (đọc cả bộ danh mục, chỉ báo lỗi của các tệp đó). Cùng mã hook với .pre-commit-hooks.yaml của tthc.
repos:
  - repo: local
    hooks:
      - id: tthc-fmt
        name: tthc fmt (định dạng tệp danh mục)
        entry: tthc fmt
        language: system
        files: '{files}'
        pass_filenames: true
      - id: tthc-validate
        name: tthc validate (kiểm tra danh mục TTHC)
        entry: tthc validate
        language: system
        files: '{files}'
        pass_filenames: true
        require_serial: true
"""

_WORKFLOW = """\
# Kiểm tra danh mục TTHC trên GitHub Actions, tạo bằng `tthc init` (công thức khác: docs/ci.md của tthc).
# Mỗi lần đẩy lên và mỗi pull request: kiểm tra danh mục, lỗi hiện ngay trên dòng đã sửa.
# Pull request còn phải có quyết định công bố cho mọi thủ tục mới, sửa đổi, thay thế hay bãi bỏ.
name: Danh mục TTHC

on:
  push:
    paths: [PATHS]
  pull_request:
    paths: [PATHS]

permissions:
  contents: read

jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      # Đúng phiên bản tthc đã tạo danh mục: một quy tắc mới không làm hỏng danh mục hôm qua.
      # Nếu cơ quan cài tthc từ kho riêng: pip install "tthc @ git+https://<kho>@<thẻ>".
      - run: pip install "tthc==VERSION"
      - name: Kiểm tra danh mục
        run: tthc validate CATALOGUE --format github
      - name: Định dạng chuẩn
        if: always()
        run: tthc fmt --check CATALOGUE

  diff:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # tthc diff đọc cả hai revision từ git
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "tthc==VERSION"
      - name: Thay đổi của pull request
        run: tthc diff --catalogue CATALOGUE --format markdown "origin/${{ github.base_ref }}" HEAD >> "$GITHUB_STEP_SUMMARY"
      - name: Quy tắc quyết định công bố
        run: tthc diff --catalogue CATALOGUE --require-decisions "origin/${{ github.base_ref }}" HEAD
"""


def pre_commit_text(prefix: str) -> str:
    """The hooks of tthc's .pre-commit-hooks.yaml, run from the tthc on the machine (no repository URL needed)."""
    files = "^" + re.escape(f"{prefix}/" if prefix else "") + r"((procedures|decisions)/.*\.ya?ml|tthc\.yaml)$"
    return _PRE_COMMIT.replace("{files}", files.replace("'", "''"))


def workflow_text(prefix: str) -> str:
    """The GitHub Actions workflow, for a catalogue at ``prefix`` in the repository ("" at its top)."""
    base = f"{prefix}/" if prefix else ""
    paths = ", ".join(f'"{base}{p}"' for p in (SETTINGS_FILE, "procedures/**", "decisions/**")) + f', "{WORKFLOW_FILE}"'
    return (
        _WORKFLOW.replace("PATHS", paths)
        .replace("CATALOGUE", _shell_word(prefix or "."))
        .replace("VERSION", __version__)
    )


def _shell_word(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9._/-]+", value) else "'" + value.replace("'", "'\\''") + "'"


def plan(answers: Answers, folder: Path, top: Path) -> dict[Path, str]:
    """Every file of the new catalogue at ``folder``, in the git repository whose top is ``top``.

    The pre-commit configuration and the workflow belong at the repository's
    top, the only place pre-commit and GitHub read them.
    """
    prefix = folder.relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix
    contents = (
        settings_text(answers),
        _PROCEDURES_README,
        _DECISIONS_README,
        pre_commit_text(prefix),
        workflow_text(prefix),
    )
    return dict(zip(targets(folder, top), contents, strict=True))


def targets(folder: Path, top: Path) -> tuple[Path, ...]:
    """The files :func:`plan` writes, known before any question is asked."""
    return (
        folder / SETTINGS_FILE,
        folder / "procedures" / "README.md",
        folder / "decisions" / "README.md",
        top / PRE_COMMIT_FILE,
        top / WORKFLOW_FILE,
    )


def findings(settings: str) -> list[Finding]:
    """What ``tthc validate`` would report of a catalogue holding only this tthc.yaml.

    The answers are checked one by one as they are given; this catches what
    only the whole rule book sees (mojibake, invisible characters …), so
    that a new catalogue starts with no finding at all.
    """
    from tthc.reading import load_catalogue
    from tthc.source import SourceFile
    from tthc.validate import check_catalogue

    catalogue, loaded = load_catalogue("", [SourceFile(SETTINGS_FILE, "catalogue", settings.encode("utf-8"))])
    return check_catalogue(catalogue, loaded)


# --------------------------------------------------------------------------
# The folder, git, and writing
# --------------------------------------------------------------------------


def repository_top(folder: Path) -> Path | None:
    """The top of the git repository that holds ``folder`` (which may not exist yet); None outside one."""
    from tthc.gitsource import GitRepo, SourceError

    if shutil.which("git") is None:
        raise InitError("không tìm thấy lệnh git trên máy này; cài git rồi chạy lại (danh mục được giữ trong kho git).")
    start = folder.resolve()
    while not start.exists():
        start = start.parent
    if not start.is_dir():
        raise InitError(f"“{start}” là một tệp, không phải thư mục.")
    try:
        return GitRepo.find(start, str(folder)).top.resolve()
    except SourceError:
        return None


def refuse_existing(files: Iterable[Path]) -> None:
    """Stop, naming them, when any of the files exists: init writes all of its files or none."""
    taken = [path for path in files if path.exists() or path.is_symlink()]
    if taken:
        names = ", ".join(f"“{p}”" for p in taken)
        raise InitError(f"đã có {names}; tthc init không ghi đè tệp nào. Chọn thư mục khác, hoặc chuyển đi các tệp đó.")


def write(files: Mapping[Path, str], folder: Path, new_repository: bool) -> None:
    """Create the folder (and a git repository in it), then every file, atomically, never over one.

    Nothing is written when any of the files exists, or when a symbolic link
    lies between ``folder`` (or, for the files at the repository's top, that
    top) and a file. Files get the mode the user's umask gives, like any file
    the user creates.
    """
    from tthc.atomic import LinkOnWritePath, checked_path
    from tthc.scaffold import ScaffoldError, create

    refuse_existing(files)
    tops = {path: Path(os.path.commonpath([folder, path])) for path in files}
    try:
        for path, top in tops.items():
            checked_path(path, top)
    except LinkOnWritePath as error:
        raise InitError(str(error)) from error
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InitError(f"không tạo được thư mục “{folder}”: {error.strerror or error}.") from error
    if new_repository:
        _git_init(folder)
    for path, content in files.items():
        try:
            create(path, content, tops[path])
        except (ScaffoldError, LinkOnWritePath) as error:
            raise InitError(str(error)) from error


def _git_init(folder: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    try:
        done = subprocess.run(["git", "init", "--quiet"], cwd=folder, env=env, capture_output=True, check=False)
    except OSError as error:
        raise InitError(f"không chạy được git init: {error.strerror or error}.") from error
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip()
        raise InitError(f"git init trong “{folder}” không thành công: {reason}")
