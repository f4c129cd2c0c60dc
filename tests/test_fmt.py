"""tthc fmt: canonical form, idempotent, comments and styles kept, never a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from tthc.cli import main
from tthc.fmt import FormatError, format_file, format_paths, format_text, key_order, targets
from tthc.validate import validate

MESSY = """\
# Tệp mẫu: thủ tục viết lộn thứ tự
# dòng hai của phần đầu

name: Đăng ký khai tử  # tên theo Cổng DVC
# mã quốc gia, gõ thiếu dấu nháy
code: 1.000650
level: [Cấp xã]  # một cấp

# các bước
steps:
  - "Bước 1: Nộp hồ sơ."  # bước đầu
  # bước giữa đã bỏ
  - "Bước 2: Nhận kết quả."
  # bước cuối đã bỏ
# lĩnh vực đặt sau các bước
field: ho-tich
methods:
  - time: {unit: ngày làm việc, value: 1}
    # kênh nộp
    channel: trực tiếp
    fee: {free: true}
decisions: [10/QĐ-UBND]
note: |
  Ghi chú nhiều dòng,
  giữ nguyên.

# trước hồ sơ
dossier:
  cases:
    - items:
        - originals: 1
          name: Tờ khai
  sets: 1  # một bộ
extra_b: 2
extra_a: 1
subjects: [Công dân Việt Nam]
agencies:
  performing: [ubnd-xa]
results:
  - name: Trích lục khai tử
legal_basis:
  - number: 60/2014/QH13
# cuối tệp
"""


def comment_texts(source: str) -> Counter[str]:
    """Every comment in a test file, found by reading lines (no '#' occurs in these files' values)."""
    return Counter(m.group(0).strip() for line in source.splitlines() for m in [re.search(r"#.*$", line)] if m)


def top_keys(source: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^([a-z_]+):", source, re.MULTILINE)]


def test_sample_catalogue_is_stable_after_one_pass(sample: Path) -> None:
    before = validate(sample)
    first = format_paths([sample])
    assert not [o for o in first if o.error]
    assert len(first) == before.files
    second = format_paths([sample])
    changed = [str(o.path) for o in second if o.changed]
    assert changed == []
    after = validate(sample)
    assert after.errors == before.errors
    assert CliRunner().invoke(main, ["fmt", "--check", str(sample)]).exit_code == 0


def test_reorders_keys_and_keeps_every_comment(tmp_path: Path) -> None:
    path = tmp_path / "procedures" / "ho-tich" / "1.000650.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(MESSY, "utf-8")
    outcome = format_file(path)
    assert outcome.error == ""
    result = path.read_text("utf-8")
    assert comment_texts(result) == comment_texts(MESSY)
    assert top_keys(result) == [
        "code", "name", "field", "level", "decisions", "steps", "methods", "dossier",
        "subjects", "agencies", "results", "legal_basis", "note", "extra_b", "extra_a",
    ]  # fmt: skip
    # A comment above a key travels with the key; the header stays at the top.
    assert result.startswith("# Tệp mẫu: thủ tục viết lộn thứ tự\n# dòng hai của phần đầu\n\n")
    assert '# mã quốc gia, gõ thiếu dấu nháy\ncode: "1.000650"\n' in result
    assert "# lĩnh vực đặt sau các bước\nfield: ho-tich\n" in result
    assert "\n# trước hồ sơ\ndossier:\n  sets: 1  # một bộ\n  cases:\n" in result
    assert "# kênh nộp\n  - channel: trực tiếp\n    time: {value: 1, unit: ngày làm việc}\n" in result
    # Comments inside a list stay inside it.
    assert '  - "Bước 1: Nộp hồ sơ."  # bước đầu\n  # bước giữa đã bỏ\n' in result
    # End-of-line comments stay on their line; flow and block styles are kept.
    assert "level: [Cấp xã]  # một cấp\n" in result
    assert "note: |\n  Ghi chú nhiều dòng,\n  giữ nguyên.\n" in result
    assert result.rstrip().endswith("# cuối tệp")
    # Decision numbers quoted; the unquoted code got its quotes and kept its final zero.
    assert 'decisions: ["10/QĐ-UBND"]' in result
    assert format_text(result, "procedure") == result


@pytest.mark.parametrize(
    ("kind", "name", "source", "expected"),
    [
        # ruamel keeps the closing comment as the end comment of the list the last key holds.
        (
            "decision", "10-QĐ-UBND.yaml",
            'note: Ghi chú\nnumber: "10/QĐ-UBND"\namended:\n  - code: "1.001193"\n    components: [fee]\n\n# cuối tệp\n',
            'number: "10/QĐ-UBND"\namended:\n  - code: "1.001193"\n    components: [fee]\nnote: Ghi chú\n\n# cuối tệp\n',
        ),
        # The key that ends up last holds a block of its own; the comment goes after it.
        (
            "procedure", "1.001193.yaml",
            'legal_basis:\n  - number: 60/2014/QH13\nname: X\ncode: "1.001193"\n# cuối tệp\n',
            'code: "1.001193"\nname: X\nlegal_basis:\n  - number: 60/2014/QH13\n# cuối tệp\n',
        ),
        # A comment indented under the last list item belongs to the list and travels with it.
        (
            "catalogue", "tthc.yaml",
            "feedback:\n  agency: A\nauthority:\n  name: X\n  # thụt vào\n# cuối tệp\n",
            "authority:\n  name: X\n  # thụt vào\nfeedback:\n  agency: A\n# cuối tệp\n",
        ),
    ],
)  # fmt: skip
def test_end_of_file_comment_stays_at_the_end(tmp_path: Path, kind: str, name: str, source: str, expected: str) -> None:
    folder = {"decision": "decisions/2025", "procedure": "procedures/ho-tich", "catalogue": "."}[kind]
    path = tmp_path / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, "utf-8")
    outcome = format_file(path)
    assert outcome.error == ""
    assert path.read_text("utf-8") == expected
    assert format_text(expected, kind) == expected


def test_formatted_file_holds_the_same_data(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    path = tmp_path / "procedures" / "ho-tich" / "1.000650.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(MESSY, "utf-8")
    format_file(path)
    before = YAML(typ="safe").load(MESSY)
    after = YAML(typ="safe").load(path.read_text("utf-8"))
    before["code"] = "1.000650"  # the one intended change: the number as written, quoted
    assert after == before


def test_nfd_text_becomes_nfc(minimal: Path) -> None:
    path = minimal / "procedures" / "ho-tich" / "1.001193.yaml"
    source = path.read_text("utf-8")
    nfd = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    path.write_text(source.replace("name: Đăng ký khai sinh", f"name: {nfd}"), "utf-8")
    assert "text-not-nfc" in {f.rule for f in validate(minimal).findings}
    format_file(path)
    result = path.read_text("utf-8")
    assert unicodedata.is_normalized("NFC", result)
    assert "name: Đăng ký khai sinh\n" in result
    assert "text-not-nfc" not in {f.rule for f in validate(minimal).findings}


def test_nfd_comments_become_nfc(minimal: Path) -> None:
    """A comment pasted in NFD is written in NFC, so a search for its words finds it; --check reports it."""
    path = minimal / "procedures" / "ho-tich" / "1.001193.yaml"
    format_paths([minimal])
    source = path.read_text("utf-8")
    assert unicodedata.is_normalized("NFC", source)
    words = "Thời hạn theo Nghị định mới"
    path.write_text(f"# {unicodedata.normalize('NFD', words)}\n{source}", "utf-8")
    checked = CliRunner().invoke(main, ["fmt", "--check", str(minimal)])
    assert checked.exit_code == 1, checked.output
    assert "1.001193.yaml" in checked.stdout
    assert CliRunner().invoke(main, ["fmt", str(minimal)]).exit_code == 0
    result = path.read_text("utf-8")
    assert unicodedata.is_normalized("NFC", result)
    assert result == f"# {words}\n{source}"
    assert CliRunner().invoke(main, ["fmt", "--check", str(minimal)]).exit_code == 0


def test_nfd_comments_moved_with_their_keys_pass_the_comment_check(tmp_path: Path) -> None:
    """Keys reordered under NFD comments: the check compares comments in NFC, so the file is formatted, not refused."""
    path = tmp_path / "procedures" / "ho-tich" / "1.000650.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(unicodedata.normalize("NFD", MESSY), "utf-8")
    outcome = format_file(path)
    assert outcome.error == ""
    result = path.read_text("utf-8")
    assert unicodedata.is_normalized("NFC", result)
    assert comment_texts(result) == comment_texts(MESSY)
    assert "# lĩnh vực đặt sau các bước\nfield: ho-tich\n" in result


def test_a_file_of_comments_only_becomes_nfc() -> None:
    source = unicodedata.normalize("NFD", "# Thủ tục đang soạn, chưa có nội dung\n")
    assert format_text(source, "procedure") == unicodedata.normalize("NFC", source)


def test_the_nfc_hint_runs_as_written_from_the_repository_root(tmp_path: Path) -> None:
    """The fix of text-not-nfc is a command that works pasted where validate ran, not only at the catalogue's root."""
    import shlex
    import subprocess
    import sys

    from tests.conftest import MINIMAL, PROJECT

    repo = tmp_path / "kho danh mục"  # a space and Vietnamese letters: the path must be quoted
    shutil.copytree(MINIMAL, repo / "catalogue")
    path = repo / "catalogue" / "decisions" / "2025" / "10-QĐ-UBND.yaml"
    path.write_text(path.read_text("utf-8").replace("title: Công bố", unicodedata.normalize("NFD", "title: Công bố")), "utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "TTHC_CACHE_DIR": "off", "PYTHONIOENCODING": "utf-8"}

    def tthc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tthc", *args], cwd=repo, env=env, capture_output=True, text=True)

    report = json.loads(tthc("validate", "catalogue", "-f", "json").stdout)
    (fix,) = [f["fix"] for f in report["findings"] if f["rule"] == "text-not-nfc"]
    command = re.search(r"`(tthc fmt [^`]+)`", fix)
    assert command is not None, fix
    ran = tthc(*shlex.split(command.group(1))[1:])
    assert ran.returncode == 0, ran.stderr
    assert unicodedata.is_normalized("NFC", path.read_text("utf-8"))
    after = json.loads(tthc("validate", "catalogue", "-f", "json").stdout)
    assert [f for f in after["findings"] if f["rule"] == "text-not-nfc"] == []


def test_decision_codes_and_numbers_are_quoted() -> None:
    source = "number: 11/QĐ-UBND\ntitle: Công bố\nnew:\n  - code: 1.000650\n    name: A\ncancels: [10/QĐ-UBND]\n"
    result = format_text(source, "decision")
    assert 'number: "11/QĐ-UBND"' in result
    assert '  - code: "1.000650"' in result
    assert 'cancels: ["10/QĐ-UBND"]' in result


def test_long_text_is_not_folded_and_long_flow_lists_break() -> None:
    long_step = "Bước 1: " + "nộp hồ sơ tại Bộ phận Một cửa " * 8
    subjects = ", ".join(f"Đối tượng số {i}" for i in range(12))
    source = f'code: "1.000001"\nsteps:\n  - "{long_step.strip()}"\nsubjects: [{subjects}]\n'
    result = format_text(source, "procedure")
    assert f'  - "{long_step.strip()}"\n' in result
    assert all(len(line) <= 110 for line in result.splitlines() if line.startswith(("subjects", "  Đối")))
    assert result.count("\n") > source.count("\n")
    assert format_text(result, "procedure") == result


def test_key_order_comes_from_the_schemas() -> None:
    procedure = key_order("procedure")
    assert procedure.keys[:4] == ("code", "name", "field", "level")
    assert procedure.children["methods"].items is not None
    assert procedure.children["methods"].items.keys[:4] == ("channel", "time", "local_time", "fee")
    decision = key_order("decision")
    assert decision.keys[:3] == ("number", "title", "issuer")
    assert decision.children["amended"].items is not None
    assert decision.children["amended"].items.keys == ("code", "name", "by", "by_effective", "components")
    assert key_order("catalogue").keys[0] == "authority"


def test_unchanged_files_are_not_rewritten(minimal: Path) -> None:
    format_paths([minimal])
    path = minimal / "tthc.yaml"
    stamp = path.stat().st_mtime_ns
    inode = path.stat().st_ino
    outcomes = format_paths([minimal])
    assert not any(o.changed for o in outcomes)
    assert path.stat().st_mtime_ns == stamp and path.stat().st_ino == inode


def test_check_fails_with_a_diff_then_passes_after_fmt(minimal: Path) -> None:
    path = minimal / "decisions" / "2025" / "10-QĐ-UBND.yaml"
    before = path.read_text("utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["fmt", "--check", str(minimal)])
    assert result.exit_code == 1
    assert '-number: 10/QĐ-UBND\n+number: "10/QĐ-UBND"\n' in result.stdout
    assert "\x1b[" not in result.stdout  # plain when not a terminal
    assert "cần định dạng lại" in result.stderr
    assert path.read_text("utf-8") == before
    result = runner.invoke(main, ["fmt", str(minimal)])
    assert result.exit_code == 0, result.output
    assert "đã định dạng:" in result.stderr
    result = runner.invoke(main, ["fmt", "--check", str(minimal)])
    assert result.exit_code == 0
    assert result.stdout == ""


def test_diff_is_coloured_for_a_terminal(minimal: Path) -> None:
    result = CliRunner().invoke(main, ["fmt", "--check", str(minimal)], env={"FORCE_COLOR": "1"})
    assert result.exit_code == 1
    assert "\x1b[32m+" in result.stdout


def test_a_broken_file_is_reported_and_skipped(minimal: Path) -> None:
    broken = minimal / "procedures" / "ho-tich" / "1.000894.yaml"
    broken.write_text('code: "1.000894"\nname: [Đăng ký kết hôn\n', "utf-8")
    latin = minimal / "procedures" / "ho-tich" / "1.000656.yaml"
    latin.write_bytes('code: "1.000656"\nname: Đăng ký khai tử\n'.encode("utf-16"))
    result = CliRunner().invoke(main, ["fmt", str(minimal)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert re.search(r"1\.000894\.yaml:3:1: lỗi: không định dạng được: .*ngoặc \[ \]", result.stderr)
    assert "1.000656.yaml:1:1: lỗi: không định dạng được: Tệp không được mã hóa UTF-8" in result.stderr
    assert "2 tệp không định dạng được" in result.stderr
    assert broken.read_text("utf-8") == 'code: "1.000894"\nname: [Đăng ký kết hôn\n'
    assert '"10/QĐ-UBND"' in (minimal / "decisions" / "2025" / "10-QĐ-UBND.yaml").read_text("utf-8")


def test_tags_are_refused_not_executed() -> None:
    with pytest.raises(FormatError) as error:
        format_text('code: !!python/object/apply:os.system ["true"]\n', "procedure")
    assert "thẻ YAML" in error.value.message
    assert error.value.line == 1


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "procedures" / "x" / "1.000001.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'\xef\xbb\xbfcode: "1.000001"\r\nname: T\xc3\xaan\r\n')
    outcome = format_file(path)
    assert outcome.changed and outcome.error == ""
    assert path.read_bytes() == 'code: "1.000001"\nname: Tên\n'.encode()


def test_missing_path_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["fmt", str(tmp_path / "khong-co")])
    assert result.exit_code == 2
    assert "Không tìm thấy" in result.stderr


def test_default_is_the_catalogue_found_from_here(minimal: Path) -> None:
    cwd = Path.cwd()
    os.chdir(minimal / "procedures")
    try:
        result = CliRunner().invoke(main, ["fmt", "--check"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1
    assert "decisions/2025/10-QĐ-UBND.yaml" in result.stdout


def test_pre_commit_hooks() -> None:
    from ruamel.yaml import YAML

    from tests.conftest import PROJECT

    hooks = {h["id"]: h for h in YAML(typ="safe").load((PROJECT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert hooks["tthc-validate"]["entry"] == "tthc validate"
    assert hooks["tthc-fmt"]["entry"] == "tthc fmt"
    for hook in hooks.values():
        assert hook["pass_filenames"] is True
        files = re.compile(hook["files"])
        for path in ("catalogue/procedures/ho-tich/1.001193.yaml", "decisions/2025/10-QĐ-UBND.yaml", "catalogue/tthc.yaml"):
            assert files.search(path), path
        for path in ("README.md", "catalogue/README.md", "docs/tthc.yaml.md", ".github/workflows/ci.yml"):
            assert not files.search(path), path


def test_commands_in_the_ci_guide_parse() -> None:
    """Every `tthc …` line of docs/ci.md names real options (parsed, not run)."""
    import shlex

    from tests.conftest import PROJECT

    guide = (PROJECT / "docs" / "ci.md").read_text("utf-8")
    commands = re.findall(r"(?:run: |- |^\s+)(tthc [^\n|>]+?)(?:\s*(?:>>|\|\||$))", guide, re.MULTILINE)
    assert len(commands) >= 8
    for command in commands:
        args = [a if "$" not in a else "HEAD" for a in shlex.split(command.split("#")[0])[1:]]
        context = main.make_context("tthc", list(args), resilient_parsing=False)
        sub = main.get_command(context, args[0])
        assert sub is not None, command
        sub.make_context(args[0], args[1:])


def test_files_that_are_not_yaml_are_left_alone(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Danh mục\n\nGhi chú: xem tệp.\n", "utf-8")
    result = CliRunner().invoke(main, ["fmt", str(readme)])
    assert result.exit_code == 1
    assert "không phải tệp YAML" in result.stderr
    assert readme.read_text("utf-8") == "# Danh mục\n\nGhi chú: xem tệp.\n"


def test_folders_are_walked_for_catalogue_files_only(minimal: Path) -> None:
    other = minimal / "mkdocs.yml"
    other.write_text("site_name:   Danh mục\n", "utf-8")
    names = {p.relative_to(minimal).as_posix() for p in targets([minimal])}
    assert names == {"tthc.yaml", "procedures/ho-tich/1.001193.yaml", "decisions/2025/10-QĐ-UBND.yaml"}
    assert [o.path for o in format_paths([other]) if o.changed] == [other]  # named explicitly: formatted
