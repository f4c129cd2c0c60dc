"""tthc init: a new catalogue that validates and builds, from options or questions, never over a file."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from tests.conftest import PROJECT, SAMPLE, SHARED_DATA
from tthc import collation, text
from tthc import init as core
from tthc.cli import asking, main
from tthc.validate import validate

OPTIONS = {
    "--authority": "Ủy ban nhân dân tỉnh Quảng Trị",
    "--feedback-address": "Số 1 Hùng Vương, phường Đồng Hới, tỉnh Quảng Trị",
    "--feedback-phone": "0232 3822 123",
    "--feedback-email": "kiemsoattthc@quangtri.gov.vn",
    "--as-of": "01/11/2026",
}
FIELDS = ("--field", "ho-tich", "--field", "chung thuc", "--field", "Văn thư=van-thu")
RECORDS = SHARED_DATA / "real-procedures"


def options(**changes: str | None) -> list[str]:
    """The command line of a script: every required value as an option; a None change drops one."""
    given = {**OPTIONS, **{"--" + k.replace("_", "-"): v for k, v in changes.items()}}
    return [part for key, value in given.items() if value is not None for part in (key, value)]


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["init", *args], input=input)


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def everything(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")} if folder.exists() else set()


@pytest.fixture
def umask() -> Iterator[int]:
    """A umask other than the usual 022, so that file modes show they follow it."""
    before = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(before)


# --------------------------------------------------------------------------
# Outside a terminal: every value an option
# --------------------------------------------------------------------------


def test_options_make_a_catalogue_that_validates_builds_and_is_canonical(tmp_path: Path, umask: int) -> None:
    root = tmp_path / "danh-muc"
    result = run(str(root), *options(), *FIELDS)
    assert result.exit_code == 0, result.output
    assert "git init" in result.output

    assert everything(root) - {p for p in everything(root) if p.startswith(".git/")} == {
        ".git", "tthc.yaml", "procedures", "procedures/README.md", "decisions", "decisions/README.md",
        ".pre-commit-config.yaml", ".github", ".github/workflows", ".github/workflows/tthc.yml",
    }  # fmt: skip
    for name in ("tthc.yaml", "procedures/README.md", ".github/workflows/tthc.yml"):
        assert (root / name).stat().st_mode & 0o777 == 0o666 & ~umask, name
    assert Path(git("rev-parse", "--show-toplevel", cwd=root)).resolve() == root.resolve()

    report = validate(root)
    assert report.findings == [] and report.files == 1

    settings = yaml.safe_load((root / "tthc.yaml").read_text("utf-8"))
    assert settings["authority"] == {"name": OPTIONS["--authority"], "province": "Quảng Trị"}
    assert settings["as_of"] == "2026-11-01"
    assert settings["levels"] == ["Cấp tỉnh", "Cấp xã"]
    assert settings["fields"] == [  # Vietnamese order of the names
        {"id": "chung-thuc", "name": "Chứng thực"},
        {"id": "ho-tich", "name": "Hộ tịch"},
        {"id": "van-thu", "name": "Văn thư"},
    ]
    assert settings["feedback"]["agency"] == "Văn phòng Ủy ban nhân dân tỉnh Quảng Trị"
    assert [a["id"] for a in settings["agencies"]] == ["ubnd-tinh", "ubnd-xa"]

    assert CliRunner().invoke(main, ["fmt", "--check", str(root)]).exit_code == 0
    built = CliRunner().invoke(main, ["build", str(root), "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    page = (tmp_path / "out" / "site" / "index.html").read_text("utf-8")
    assert OPTIONS["--authority"] in page and OPTIONS["--feedback-phone"] in page


def test_every_key_of_tthc_yaml_has_a_comment_and_no_value_is_a_placeholder(tmp_path: Path) -> None:
    root = tmp_path / "danh-muc"
    assert run(str(root), *options(feedback_website="https://quangtri.gov.vn"), *FIELDS).exit_code == 0
    lines = (root / "tthc.yaml").read_text("utf-8").splitlines()
    keys = [i for i, line in enumerate(lines) if re.match(r"^( {2})?[a-z_]+:", line)]
    assert len(keys) == 14  # 7 top-level keys, authority's 2, feedback's 5
    for i in keys:
        assert lines[i - 1].lstrip().startswith("#"), lines[i]
    values = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    for mark in ("(mẫu)", "CẦN ĐIỀN", "…", "..."):
        assert mark not in values


def test_the_pre_commit_hooks_are_tthcs_own_and_select_catalogue_files(tmp_path: Path) -> None:
    root = tmp_path / "danh-muc"
    assert run(str(root), *options(), *FIELDS).exit_code == 0
    ours = {h["id"]: h for h in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text("utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert [h["id"] for h in hooks] == ["tthc-fmt", "tthc-validate"]  # fmt first: validate sees formatted files
    for hook in hooks:
        assert hook["entry"] == ours[hook["id"]]["entry"]
        assert hook["pass_filenames"] is True
        selects = re.compile(hook["files"])
        assert selects.search("tthc.yaml") and selects.search("procedures/ho-tich/1.001193.yaml")
        assert not selects.search("procedures/README.md") and not selects.search(".github/workflows/tthc.yml")


def _workflow_runs(top: Path) -> dict[str, list[str]]:
    workflow = yaml.safe_load((top / ".github" / "workflows" / "tthc.yml").read_text("utf-8"))
    assert workflow["jobs"]["diff"]["if"] == "github.event_name == 'pull_request'"
    return {job: [s["run"] for s in spec["steps"] if "run" in s] for job, spec in workflow["jobs"].items()}


def _run_step(command: str, cwd: Path, base: str) -> Result:
    """A workflow's tthc step, run here as GitHub would run it (the base branch given as a revision)."""
    command = command.replace('"origin/${{ github.base_ref }}"', base).split(" >> ")[0]
    words = shlex.split(command)
    assert words[0] == "tthc"
    before = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, words[1:])
    finally:
        os.chdir(before)


def test_the_workflow_validates_for_github_and_requires_decisions_on_pull_requests(tmp_path: Path) -> None:
    root = tmp_path / "danh-muc"
    assert run(str(root), *options(), *FIELDS).exit_code == 0
    runs = _workflow_runs(root)
    assert "tthc validate . --format github" in runs["validate"]
    assert any("--require-decisions" in r for r in runs["diff"])
    git("add", "-A", cwd=root)
    git("-c", "user.name=t", "-c", "user.email=t@example.vn", "commit", "-qm", "init", cwd=root)
    for command in runs["validate"][1:] + runs["diff"][1:]:
        result = _run_step(command, root, "HEAD")
        assert result.exit_code == 0, (command, result.output)
        assert "::error" not in result.output


# --------------------------------------------------------------------------
# In a terminal: questions
# --------------------------------------------------------------------------


def test_questions_in_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asking, "interactive", lambda: True)
    national = core.national_fields()
    nuoi = next(i for i, f in enumerate(national, 1) if f.id == "nuoi-con-nuoi")
    answers = [
        "Ủy ban nhân dân tỉnh Quảng Trị",
        "",  # province: the default, from the authority
        "2026-11-01",
        "huyện, xã",  # no district level after 1 July 2025: asked again
        "tỉnh, xã",
        "dang ky cu tru",  # a search without diacritics, one hit: chosen
        "tu phap",  # several hits: listed with their numbers
        str(nuoi),
        "Văn thư=Van Thu",  # a bad id: asked again
        "Văn thư=van-thu",
        "",  # done
        "",  # feedback agency: the default
        "(mẫu) số 1 Hùng Vương",  # a placeholder: asked again
        "Số 1 Hùng Vương, phường Đồng Hới",
        "0232 3822 123",
        "kiemsoattthc@quangtri.gov.vn",
        "",  # no website
        "",  # the national portal
    ]
    root = tmp_path / "hoi-dap"
    result = CliRunner().invoke(main, ["init", str(root)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Cấp huyện" in result.stderr and "giữ chỗ" in result.stderr
    assert f"{nuoi:>3}. Nuôi con nuôi (nuoi-con-nuoi, Bộ Tư pháp)" in result.stderr
    settings = yaml.safe_load((root / "tthc.yaml").read_text("utf-8"))
    assert settings["authority"]["province"] == "Quảng Trị"
    assert settings["levels"] == ["Cấp tỉnh", "Cấp xã"]
    assert [f["id"] for f in settings["fields"]] == ["cu-tru", "nuoi-con-nuoi", "van-thu"]
    assert settings["feedback"]["agency"] == "Văn phòng Ủy ban nhân dân tỉnh Quảng Trị"
    assert "website" not in settings["feedback"]
    assert validate(root).findings == []


# --------------------------------------------------------------------------
# Refusals: nothing is ever overwritten, nothing half-written
# --------------------------------------------------------------------------


@pytest.mark.parametrize("taken", ["tthc.yaml", "decisions/README.md", ".pre-commit-config.yaml", ".github/workflows/tthc.yml"])
def test_an_existing_file_stops_everything_before_anything_is_written(tmp_path: Path, taken: str) -> None:
    root = tmp_path / "danh-muc"
    (root / taken).parent.mkdir(parents=True)
    (root / taken).write_text("của người dùng\n", "utf-8")
    before = everything(root)
    result = run(str(root), *options(), *FIELDS)
    assert result.exit_code == 2
    assert taken.split("/")[-1] in result.stderr and "không ghi đè" in result.stderr
    assert "Traceback" not in result.output
    assert everything(root) == before  # no file, no folder, no .git
    assert (root / taken).read_text("utf-8") == "của người dùng\n"


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"authority": None}, "--authority"),
        ({"feedback_address": None}, "--feedback-address"),
        ({"feedback_phone": None}, "--feedback-phone"),
        ({"feedback_email": None}, "--feedback-email"),
        ({"authority": "Sở Tư pháp tỉnh Quảng Trị"}, "--province"),  # no province to read from the name
        ({"authority": "Sở Tư pháp tỉnh Quảng Trị", "province": "Quảng Trị"}, "--feedback-agency"),
        ({"feedback_email": "mailto:kiemsoattthc@quangtri.gov.vn"}, "--feedback-email"),
        ({"feedback_address": "(mẫu) số 1 Hùng Vương"}, "--feedback-address"),
        ({"level": "Cấp huyện, Cấp xã"}, "--level"),
        ({"portal_url": "http://dichvucong.gov.vn/"}, "--portal-url"),
        ({"as_of": "31/02/2026"}, "--as-of"),
    ],
)
def test_outside_a_terminal_a_missing_or_wrong_value_names_its_option(
    tmp_path: Path, changes: dict[str, str | None], named: str
) -> None:
    root = tmp_path / "danh-muc"
    result = run(str(root), *options(**changes), *FIELDS)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"tthc: {named}") or f"thiếu {named}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not root.exists()


def test_outside_a_terminal_fields_must_be_named_exactly(tmp_path: Path) -> None:
    root = tmp_path / "danh-muc"
    missing = run(str(root), *options())
    assert missing.exit_code == 2 and "thiếu --field" in missing.stderr
    several = run(str(root), *options(), "--field", "thanh lap")
    assert several.exit_code == 2 and "thanh-lap-va-hoat-dong-ngan-hang" in several.stderr
    unknown = run(str(root), *options(), "--field", "khong co linh vuc nay")
    assert unknown.exit_code == 2 and "Tên lĩnh vực=ma-thu-muc" in unknown.stderr
    assert not root.exists()


def test_answers_that_validate_would_report_write_nothing(tmp_path: Path) -> None:
    root = tmp_path / "danh-muc"
    tcvn3 = "Uû ban nh©n d©n tØnh Qu¶ng TrÞ"  # typed with an old TCVN3 font
    result = run(str(root), *options(authority=tcvn3, province="Quảng Trị", feedback_agency="Văn phòng"), *FIELDS)
    assert result.exit_code == 2
    assert "TCVN3" in result.stderr and "chưa ghi tệp nào" in result.stderr
    assert not root.exists()


# --------------------------------------------------------------------------
# A catalogue in a folder of an existing repository
# --------------------------------------------------------------------------


def test_inside_a_repository_no_nested_git_and_ci_files_at_its_top(tmp_path: Path) -> None:
    top = tmp_path / "kho"
    top.mkdir()
    git("init", "-q", cwd=top)
    root = top / "du-lieu" / "danh-muc"
    result = run(str(root), *options(), *FIELDS)
    assert result.exit_code == 0, result.output
    assert "git init" not in result.output
    assert not (root / ".git").exists()
    assert (top / ".pre-commit-config.yaml").is_file() and (top / ".github" / "workflows" / "tthc.yml").is_file()
    assert not (root / ".pre-commit-config.yaml").exists()
    assert validate(root).findings == []

    config = yaml.safe_load((top / ".pre-commit-config.yaml").read_text("utf-8"))
    for hook in config["repos"][0]["hooks"]:
        selects = re.compile(hook["files"])
        assert selects.search("du-lieu/danh-muc/procedures/ho-tich/1.001193.yaml")
        assert selects.search("du-lieu/danh-muc/tthc.yaml") and not selects.search("tthc.yaml")

    runs = _workflow_runs(top)
    git("add", "-A", cwd=top)
    git("-c", "user.name=t", "-c", "user.email=t@example.vn", "commit", "-qm", "init", cwd=top)
    for command in runs["validate"][1:] + runs["diff"][1:]:
        assert "du-lieu/danh-muc" in command
        result = _run_step(command, top, "HEAD")
        assert result.exit_code == 0, (command, result.output)


# --------------------------------------------------------------------------
# The national list of fields
# --------------------------------------------------------------------------


def test_the_fields_list_loads_and_every_entry_has_a_name_and_an_id() -> None:
    fields = core.national_fields()
    assert len(fields) > 90
    for f in fields:
        assert f.name and unicodedata.is_normalized("NFC", f.name) and f.name == " ".join(f.name.split())
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", f.id), f
    assert len({f.id for f in fields}) == len(fields)
    assert len({f.name for f in fields}) == len(fields)
    assert [f.name for f in fields] == collation.sort_vi(f.name for f in fields)
    sample = yaml.safe_load((SAMPLE / "tthc.yaml").read_text("utf-8"))["fields"]
    by_name = {f.name: f for f in fields}
    assert {(s["name"], s["id"]) for s in sample} <= {(f.name, f.id) for f in fields}
    assert by_name["Hộ tịch"].ministry == "Bộ Tư pháp"


def test_search_and_resolve_fields_with_or_without_diacritics() -> None:
    fields = core.national_fields()
    assert [f.id for f in core.search_fields("ho tich", fields)] == ["ho-tich"]
    assert [f.id for f in core.resolve_field("HỘ TỊCH", fields)] == ["ho-tich"]
    assert [f.id for f in core.resolve_field("cu-tru", fields)] == ["cu-tru"]
    justice = core.search_fields("bo tu phap", fields)  # words may match the name or the ministry
    assert {f for f in fields if f.ministry == "Bộ Tư pháp"} <= set(justice)
    assert all("tư pháp" in f"{f.name} {f.ministry}".lower() for f in justice)
    assert len(core.resolve_field("thanh lap", fields)) > 1
    assert core.resolve_field("khong co linh vuc nay", fields) == []
    assert "ho-tich" in {f.id for f in core.search_fields("tich", fields)}  # words start words
    assert "ho-tich" not in {f.id for f in core.search_fields("ich", fields)}
    assert core.resolve_field("Văn thư=van-thu", fields) == [core.NationalField(name="Văn thư", id="van-thu")]
    with pytest.raises(core.InitError):
        core.resolve_field("Văn thư=Văn Thư", fields)


def test_the_fields_list_is_what_its_generator_makes_from_the_real_records(real_records: list[dict[str, str]]) -> None:
    spec = importlib.util.spec_from_file_location("tthc_national_fields", PROJECT / "benchmarks" / "national_fields.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    made = generator.render(generator.collect(RECORDS, SAMPLE))
    assert made == (PROJECT / "tthc" / "data" / "fields.yaml").read_text("utf-8")

    names = {f.name for f in core.national_fields()}
    portal = {" ".join(text.nfc(r["linh_vuc"]).split()) for r in real_records}
    justice = json.loads((RECORDS / "procedure-list-bo-tu-phap.json").read_text("utf-8"))
    portal |= {" ".join(text.nfc(row["Lĩnh vực"]).split()) for row in justice}
    assert portal <= names
    assert all(not f.code for f in core.national_fields())  # no source gives a field code: none is made up
