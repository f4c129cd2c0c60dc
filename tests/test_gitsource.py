"""Sides of ``tthc diff`` read from git objects: revisions, REV:path, decision numbers, errors.

Every test works in a real temporary repository whose two commits are the
sample catalogue before and after the 2025 reform decision 1420/QĐ-UBND.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import PROJECT, SAMPLE
from tests.test_diff import reform_before
from tthc.cli import main
from tthc.gitsource import SourceError, resolve_side, resolve_sides
from tthc.source import folder_files

ENV = {"GIT_AUTHOR_DATE": "2025-07-01T08:00:00+07:00", "GIT_COMMITTER_DATE": "2025-07-01T08:00:00+07:00"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Cán bộ Kiểm thử", "-c", "user.email=kiemthu@example.vn", "-c", "init.defaultBranch=main", *args],
        cwd=repo, capture_output=True, text=True, check=True, env={**os.environ, **ENV},
    )  # fmt: skip
    return done.stdout


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A repository: commit 1 before the reform (tag v2024), commit 2 recording 1420/QĐ-UBND."""
    repo = tmp_path_factory.mktemp("repo")
    git(repo, "init", "-q")
    reform_before(repo / "catalogue")
    (repo / "README.md").write_text("Kho danh mục thử\n", "utf-8")
    first = commit_all(repo, "Danh mục trước cải cách")
    git(repo, "tag", "v2024")
    shutil.rmtree(repo / "catalogue")
    shutil.copytree(SAMPLE, repo / "catalogue")
    second = commit_all(repo, "Ghi nhận Quyết định 1420/QĐ-UBND: chính quyền địa phương hai cấp")
    return repo, first, second


@pytest.fixture
def repo(history: tuple[Path, str, str], tmp_path: Path) -> Path:
    """A fresh clone per test, so that a test may dirty its work tree."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(history[0]), str(clone)], check=True, capture_output=True)
    return clone


def invoke(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    result = CliRunner().invoke(main, ["diff", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_tree_files_equal_the_folder(repo: Path) -> None:
    side = resolve_side("HEAD", cwd=repo)
    from_git = [(f.path, f.kind, f.data) for f in side.files()]
    from_folder = [(f.path, f.kind, f.data) for f in folder_files(repo / "catalogue")]
    assert from_git == from_folder
    assert side.prefix == "catalogue" and side.label.startswith("HEAD (")


def test_revision_forms(repo: Path, history: tuple[Path, str, str]) -> None:
    _, first, second = history
    assert resolve_side("HEAD~1", cwd=repo).commit == first
    assert resolve_side("v2024", cwd=repo).commit == first
    assert resolve_side("main", cwd=repo).commit == second
    explicit = resolve_side("HEAD~1:catalogue", cwd=repo)
    assert (explicit.commit, explicit.prefix) == (first, "catalogue")
    inside = resolve_side("HEAD:./catalogue", cwd=repo)
    assert inside.prefix == "catalogue"


def test_decision_number_resolves_to_the_commit_that_added_it(repo: Path, history: tuple[Path, str, str]) -> None:
    _, first, second = history
    assert resolve_side("1420/QĐ-UBND", cwd=repo).commit == second
    assert resolve_side("2150/QĐ-UBND", cwd=repo).commit == first
    typed = resolve_side("1420/qd-ubnd", cwd=repo)  # no Vietnamese keyboard
    assert typed.commit == second and typed.label.startswith("1420/QĐ-UBND")


def test_reading_revisions_leaves_the_work_tree_and_index_alone(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "catalogue/procedures/ho-tich/1.001193.yaml").write_text("code: hỏng\n", "utf-8")
    status = git(repo, "status", "--porcelain")
    index = (repo / ".git/index").read_bytes()
    code, _, _ = invoke(repo, "HEAD~1", "HEAD", "--format", "json", monkeypatch=monkeypatch)
    assert code == 0
    assert git(repo, "status", "--porcelain") == status
    assert (repo / ".git/index").read_bytes() == index


def test_cli_between_two_decisions(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = invoke(repo, "2587/QĐ-UBND", "1420/QĐ-UBND", "--format", "json", "--require-decisions", monkeypatch=monkeypatch)
    assert code == 0, err
    data = json.loads(out)
    assert data["old"].startswith("2587/QĐ-UBND (") and data["new_label"].startswith("1420/QĐ-UBND (")
    assert sorted(p["code"] for p in data["abolished"]) == ["2.001475", "2.001489"]
    assert [d["number"] for d in data["decisions"]["added"]] == ["1420/QĐ-UBND"]
    assert "Mọi thay đổi pháp lý đều có quyết định công bố" in err


def test_no_arguments_compares_head_with_the_work_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = invoke(repo, "--exit-code", monkeypatch=monkeypatch)
    assert code == 0 and "Không có khác biệt" in out
    path = repo / "catalogue/procedures/cu-tru/1.004222.yaml"
    path.write_text(path.read_text("utf-8").replace("Đăng ký thường trú", "Đăng ký thường trú mới", 1), "utf-8")
    code, out, _ = invoke(repo, "--exit-code", monkeypatch=monkeypatch)
    assert code == 1
    assert "thư mục làm việc (working tree)" in out and "Tên thủ tục" in out
    code, out, _ = invoke(repo, "HEAD", "--exit-code", "--require-decisions", monkeypatch=monkeypatch)
    assert code == 1 and "1.004222" in out and "chưa có quyết định công bố" in out.lower()


def test_from_a_subfolder_of_the_catalogue(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = invoke(repo / "catalogue/procedures", "v2024", "HEAD", "--format", "json", monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["summary"]["abolished"] == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["khong-co-nhanh-nay"], ["khong-co-nhanh-nay", "git log --oneline"]),
        (["HEAD~9"], ["HEAD~9", "unknown revision"]),
        (["9999/QĐ-UBND"], ["9999/QĐ-UBND", "9999-QĐ-UBND.yaml", "1420/QĐ-UBND"]),
        (["HEAD:khong/co"], ["khong/co", "không có bộ danh mục"]),
    ],
)
def test_bad_sides_exit_2_with_a_clear_message(
    repo: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], expected: list[str]
) -> None:
    code, out, err = invoke(repo, *args, monkeypatch=monkeypatch)
    assert code == 2 and out == ""
    assert err.startswith("tthc: ") and "Traceback" not in err
    for fragment in expected:
        assert fragment in err


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SAMPLE, tmp_path / "catalogue")
    code, _, err = invoke(tmp_path, "HEAD", monkeypatch=monkeypatch)
    assert code == 2 and "không nằm trong kho git" in err and "HEAD" in err
    code, _, err = invoke(tmp_path, "1420/QĐ-UBND", monkeypatch=monkeypatch)
    assert code == 2 and "1420/QĐ-UBND" in err


def test_two_folders_need_no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = reform_before(tmp_path / "truoc")
    code, out, _ = invoke(tmp_path, str(before), str(SAMPLE), "--exit-code", "--format", "json", monkeypatch=monkeypatch)
    assert code == 1 and json.loads(out)["summary"]["abolished"] == 2


def test_shallow_clone_says_how_to_fetch_history(history: tuple[Path, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history[0]}", str(shallow)], check=True, capture_output=True)
    code, _, err = invoke(shallow, "HEAD~1", "HEAD", monkeypatch=monkeypatch)
    assert code == 2 and "shallow clone" in err and "fetch-depth: 0" in err
    code, _, err = invoke(shallow, "1420/QĐ-UBND", "HEAD", monkeypatch=monkeypatch)
    assert code == 2 and "1420/QĐ-UBND" in err and "git fetch --unshallow" in err
    code, _, _ = invoke(shallow, "--exit-code", monkeypatch=monkeypatch)
    assert code == 0  # HEAD itself is there


def test_a_decision_added_twice_is_ambiguous(repo: Path) -> None:
    rel = "catalogue/decisions/2025/1420-QĐ-UBND.yaml"
    data = (repo / rel).read_bytes()
    (repo / rel).unlink()
    commit_all(repo, "Bỏ nhầm quyết định")
    (repo / rel).write_bytes(data)
    commit_all(repo, "Thêm lại quyết định")
    with pytest.raises(SourceError, match="nhiều commit"):
        resolve_side("1420/QĐ-UBND", cwd=repo)


def test_one_side_against_the_work_tree(repo: Path) -> None:
    old, new = resolve_sides("v2024", None, cwd=repo)
    assert old.commit and new.folder == repo / "catalogue"


def test_subprocess_run(repo: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CI")}
    env["PYTHONPATH"] = str(PROJECT)
    done = subprocess.run(
        [sys.executable, "-m", "tthc", "diff", "v2024", "HEAD", "--format", "json", "--exit-code"],
        cwd=repo, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["amended"] >= 13
    bad = subprocess.run(
        [sys.executable, "-m", "tthc", "diff", "9999/QĐ-UBND"],
        cwd=repo, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "9999/QĐ-UBND" in bad.stderr


def test_two_decisions_of_one_commit_get_a_note(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """2150 and 2587 were recorded in the same commit: the empty diff says why, and what to run instead."""
    code, out, err = invoke(repo, "2150/QĐ-UBND", "2587/QĐ-UBND", monkeypatch=monkeypatch)
    first = git(repo, "rev-parse", "--short", "HEAD~1").strip()
    assert code == 0 and "Không có khác biệt" in out
    assert "là cùng một commit" in err and f"tthc diff {first}~1 {first}" in err
    code, out, err = invoke(repo, "2587/QĐ-UBND", "1420/QĐ-UBND", monkeypatch=monkeypatch)
    assert code == 0 and "cùng một commit" not in err
