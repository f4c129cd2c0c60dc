"""Interrupted runs: real processes stopped by Ctrl-C (SIGINT), SIGTERM and SIGKILL.

Each run works on a generated catalogue of 1,500 procedures, enough for
worker processes, and is interrupted while the workers are writing pages
into the staging folder. An interrupt must be answered within 5 seconds by
exit code 130 or 143, no traceback from any process, no process left behind,
the previous output byte for byte as it was and nothing beside it; what a
killed run leaves, the next run removes, and nothing else.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PROJECT, SAMPLE
from tthc import output_folder

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds worker processes in /proc (Linux)")

ANSWER = 5.0
"""Seconds an interrupt may take to end the run, on a loaded machine."""
PATIENCE = 240.0
"""Seconds a run may take to reach the point where it is interrupted (a loaded 2-core machine is slow)."""


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "catalogue"
    generate = [sys.executable, str(PROJECT / "benchmarks" / "generate.py"), "--procedures", "1500", "--out", str(root)]
    subprocess.run(generate, check=True, capture_output=True, timeout=PATIENCE)
    return root


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the builds of this module: the catalogue is checked in workers once, not by every build."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An earlier build (of the sample: quick) that an interrupted build must leave as it was."""
    out = tmp_path_factory.mktemp("previous") / "out"
    subprocess.run(tthc("build", str(SAMPLE), "--out", str(out)), check=True, capture_output=True, timeout=PATIENCE)
    return out


@pytest.fixture
def out(previous: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site" / "out"
    shutil.copytree(previous, copy, symlinks=True)
    return copy


def tthc(*args: str) -> list[str]:
    return [sys.executable, "-m", "tthc", *args]


def start(args: list[str], cache: Path) -> subprocess.Popen[str]:
    """A run in a session of its own, as a shell starts a job: its pid is its process group's id."""
    env = {**os.environ, "TTHC_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )


def group(pgid: int) -> list[tuple[int, str]]:
    """The processes of a process group, with their command lines."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((int(stat.parent.name), command))
    return found


def wait_for(ready: Callable[[], bool], run: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not ready():
        if run.poll() is not None:
            pytest.fail(f"the run ended (exit {run.returncode}) before {what}: {run.stderr.read() if run.stderr else ''}")
        if time.monotonic() > deadline:
            run.kill()
            pytest.fail(f"no {what} after {PATIENCE} s")
        time.sleep(0.05)


def staging(out: Path) -> list[Path]:
    """Folders named as tthc names its staging folders (``tempfile.mkdtemp``: 8 random characters)."""
    return sorted(p for p in out.parent.glob(f".{out.name}.tmp-*") if re.fullmatch(r"[a-z0-9_]{8}", p.name[-8:]) and p.name[-9] == "-")


def pages_being_written(out: Path) -> bool:
    """The workers are writing pages into the staging folder."""
    return any((tmp / "site" / "thu-tuc").is_dir() for tmp in staging(out))


def workers_started(pgid: int) -> bool:
    return sum("spawn_main" in command for _, command in group(pgid)) >= 2


def interrupt(run: subprocess.Popen[str], signum: int, whole_job: bool) -> tuple[float, str]:
    """Send ``signum`` (to every process of the job, as a terminal's Ctrl-C does, or to the command only); seconds to end, stderr."""
    (os.killpg if whole_job else os.kill)(run.pid, signum)
    sent = time.monotonic()
    try:
        _, stderr = run.communicate(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        pytest.fail(f"the run hung after {signal.Signals(signum).name}")
    return time.monotonic() - sent, stderr


def no_process_left(pgid: int) -> list[tuple[int, str]]:
    """What is left of the job a few seconds after its command ended (multiprocessing's tracker takes a moment)."""
    deadline = time.monotonic() + ANSWER
    while (left := group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


@pytest.mark.parametrize(
    ("signum", "whole_job", "code"),
    [
        pytest.param(signal.SIGINT, True, 130, id="ctrl-c-to-the-job"),
        pytest.param(signal.SIGINT, False, 130, id="sigint-to-the-command"),
        pytest.param(signal.SIGTERM, False, 143, id="sigterm-to-the-command"),
    ],
)
def test_an_interrupted_build_leaves_the_previous_output_as_it_was(
    catalogue: Path, cache: Path, out: Path, signum: int, whole_job: bool, code: int
) -> None:
    before = tree(out)
    run = start(tthc("build", str(catalogue), "--out", str(out)), cache)
    wait_for(lambda: pages_being_written(out), run, "pages in the staging folder")
    seconds, stderr = interrupt(run, signum, whole_job)
    assert run.returncode == code, stderr
    assert seconds <= ANSWER, f"took {seconds:.1f} s to stop"
    assert "Traceback" not in stderr
    assert "đã dừng theo yêu cầu" in stderr
    assert no_process_left(run.pid) == []
    assert beside(out) == ["out"], "no staging or old folder is left"
    assert tree(out) == before


def test_what_a_killed_build_leaves_the_next_build_removes(catalogue: Path, cache: Path, out: Path) -> None:
    place = out.parent
    (place / "keep").mkdir()
    (place / "keep" / "note.txt").write_text("giữ nguyên", "utf-8")
    for name in (".out.tmp-by-hand", ".other.tmp-abcdefgh", ".out.old-notours"):  # not names tthc gives `out`'s
        (place / name).mkdir()
        (place / name / "note.txt").write_text("giữ nguyên", "utf-8")
    (place / "precious").mkdir()
    (place / "precious" / "note.txt").write_text("giữ nguyên", "utf-8")
    (place / ".out.old-0123456789ab").symlink_to(place / "precious")  # a link is followed by nothing
    killed_old = place / ".out.old-a1b2c3d4e5f6"  # a run killed between its swap and removing the old output
    shutil.copytree(out, killed_old)
    unrelated = {name: tree(place / name) for name in beside(out) if name not in ("out", killed_old.name)}

    run = start(tthc("build", str(catalogue), "--out", str(out)), cache)
    wait_for(lambda: pages_being_written(out), run, "pages in the staging folder")
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=PATIENCE)
    assert no_process_left(run.pid) == [], "the workers end with the command"
    assert len(staging(out)) == 1, "the killed run left its staging folder"

    done = subprocess.run(tthc("build", str(SAMPLE), "--out", str(out)), capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 0, done.stderr
    assert staging(out) == [] and not killed_old.exists()
    assert {name: tree(place / name) for name in beside(out) if name != "out"} == unrelated
    assert (place / ".out.old-0123456789ab").is_symlink()


def test_a_staging_folder_in_use_is_kept(tmp_path: Path) -> None:
    """Another run writing the same output at the same time holds its staging folder locked."""
    out = tmp_path / "out"
    busy, left = tmp_path / ".out.tmp-abcd1234", tmp_path / ".out.tmp-wxyz5678"
    busy.mkdir()
    left.mkdir()
    with output_folder.locked(busy):
        output_folder.remove_leftovers(out)
    assert busy.is_dir() and not left.exists()


def test_an_interrupted_validate_stops_its_workers(catalogue: Path, tmp_path: Path) -> None:
    run = start(tthc("validate", str(catalogue)), tmp_path / "cache")  # a cache of its own: every file is checked
    wait_for(lambda: workers_started(run.pid), run, "workers")
    time.sleep(0.5)  # the workers are checking files
    seconds, stderr = interrupt(run, signal.SIGINT, whole_job=True)
    assert run.returncode == 130, stderr
    assert seconds <= ANSWER, f"took {seconds:.1f} s to stop"
    assert "Traceback" not in stderr
    assert no_process_left(run.pid) == []


def test_an_interrupted_report_leaves_no_temporary_file(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The atomic writes of the other commands: Ctrl-C while the report is written leaves neither half of it nor its temporary file."""
    from click.testing import CliRunner

    from tthc.cli import main

    fsync = os.fsync
    written: list[str] = []

    def interrupted(fd: int) -> None:
        """Ctrl-C when the report's temporary file is full and about to be renamed."""
        name = os.readlink(f"/proc/self/fd/{fd}")
        if ".report.json." not in name:
            return fsync(fd)
        written.append(name)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    report = tmp_path / "reports" / "report.json"
    result = CliRunner().invoke(main, ["validate", str(sample), "--format", "json", "--output", str(report)])
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output
    assert written and not Path(written[0]).exists()
    assert sorted(p.name for p in report.parent.iterdir()) == []


def test_ctrl_c_during_the_swap_lets_it_finish(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the new output goes into place the build is done: exit code 0, the new output, no old folder left."""
    from click.testing import CliRunner

    from tthc.cli import main

    out = tmp_path / "site" / "out"
    assert CliRunner().invoke(main, ["build", str(sample), "--out", str(out)]).exit_code == 0
    (out / "from-before.txt").write_text("bản cũ", "utf-8")
    rmtree = shutil.rmtree
    sent: list[str] = []

    def interrupted(path: Path, *args: object, **kwargs: object) -> None:
        if ".out.old-" in str(path):  # the swap is done, the old output is being removed
            sent.append(str(path))
            os.kill(os.getpid(), signal.SIGINT)
        rmtree(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "rmtree", interrupted)
    result = CliRunner().invoke(main, ["build", str(sample), "--out", str(out)])
    assert sent, "the signal was sent during the swap"
    assert result.exit_code == 0, result.output
    assert not (out / "from-before.txt").exists() and (out / "site" / "index.html").is_file()
    assert beside(out) == ["out"]
