"""Files and folders tthc creates get the mode the user's umask gives, under every command that writes.

A catalogue on a shared folder is read by colleagues and served by a web
server: a file made private (0600, what ``tempfile`` gives) breaks both. Each
command runs in a subprocess with its own umask, as a user's shell starts it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL

INIT = [
    "init", "moi", "--authority", "Ủy ban nhân dân tỉnh Quảng Trị", "--field", "ho-tich", "--as-of", "01/11/2026",
    "--feedback-address", "Số 1 Hùng Vương", "--feedback-phone", "0232 3822 123",
    "--feedback-email", "kiemsoattthc@quangtri.gov.vn",
]  # fmt: skip


def tthc(cwd: Path, umask: int, *args: str) -> None:
    env = {**os.environ, "CI": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tthc", *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, preexec_fn=lambda: os.umask(umask),
    )  # fmt: skip
    assert done.returncode in (0, 1), f"tthc {' '.join(args)} → {done.returncode}\n{done.stderr}"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_created_files_and_folders_follow_the_umask(tmp_path: Path, umask: int) -> None:
    shutil.copytree(MINIMAL, tmp_path / "catalogue")
    (tmp_path / "nhap.csv").write_text(
        "Mã TTHC,Tên thủ tục,Lĩnh vực,Cấp thực hiện\n1.000897,Đăng ký lại khai sinh,Hộ tịch,Cấp xã\n", "utf-8"
    )
    tthc(tmp_path, umask, "build", "catalogue", "-o", "out")  # before new files leave the catalogue incomplete
    tthc(tmp_path, umask, "new", "procedure", "-C", "catalogue", "--code", "1.000898", "--name", "Đăng ký khai tử",
         "--field", "ho-tich", "--level", "Cấp xã")  # fmt: skip
    tthc(tmp_path, umask, "new", "decision", "-C", "catalogue", "--number", "11/QĐ-UBND", "--signed", "2026-01-02")
    tthc(tmp_path, umask, "import", "nhap.csv", "-C", "catalogue")
    tthc(tmp_path, umask, "export", "catalogue", "-f", "xlsx", "-o", "xuat/danh-muc.xlsx")
    tthc(tmp_path, umask, "validate", "catalogue", "-f", "json", "-o", "bao-cao.json")
    tthc(tmp_path, umask, "diff", "catalogue", "catalogue", "-f", "docx", "-o", "phu-luc.docx")
    tthc(tmp_path, umask, *INIT)
    files = [
        "catalogue/procedures/ho-tich/1.000898.yaml",
        "catalogue/procedures/ho-tich/1.000897.yaml",
        "catalogue/decisions/2026/11-QĐ-UBND.yaml",
        "xuat/danh-muc.xlsx",
        "bao-cao.json",
        "phu-luc.docx",
        "out/site/index.html",
        "out/sheets/index.html",
        "moi/tthc.yaml",
        "moi/procedures/README.md",
    ]
    folders = ["catalogue/decisions/2026", "xuat", "out", "out/site", "out/sheets", "moi/procedures"]
    wrong = {name: oct(mode(tmp_path / name)) for name in files if mode(tmp_path / name) != 0o666 & ~umask}
    wrong |= {name: oct(mode(tmp_path / name)) for name in folders if mode(tmp_path / name) != 0o777 & ~umask}
    assert wrong == {}, f"umask {umask:03o}"


def test_a_file_rewritten_keeps_its_mode(tmp_path: Path) -> None:
    shutil.copytree(MINIMAL, tmp_path / "catalogue")
    procedure = tmp_path / "catalogue" / "procedures" / "ho-tich" / "1.001193.yaml"
    before = procedure.read_text("utf-8")
    procedure.chmod(0o640)
    tthc(tmp_path, 0o022, "fmt", "catalogue")
    assert procedure.read_text("utf-8") != before, "fmt did not rewrite the file: the test shows nothing"
    assert mode(procedure) == 0o640
