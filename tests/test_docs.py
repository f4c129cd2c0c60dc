"""The README and docs/ say what is true: links land, commands parse, pictures exist.

The reference lives in several pages now; a renamed page, a heading whose
anchor changed or an option that no longer exists would leave staff at a dead
end, and the Vietnamese guide is read by people who cannot tell a typo in a
command from a broken tool.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import termios
import unicodedata
from pathlib import Path

import click
import pytest

from tests.conftest import PROJECT
from tthc.cli import main

DOCS = PROJECT / "docs"
PAGES = sorted(
    [PROJECT / "README.md", PROJECT / "ARCHITECTURE.md", PROJECT / "CHANGELOG.md", *DOCS.glob("*.md")]
)
# Commands described before the branch that adds them is merged; the lead empties this at merge.
PENDING_COMMANDS: frozenset[str] = frozenset()

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text("utf-8"))
    return {anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def prose(page: Path) -> str:
    """The page without its code blocks, where a `[x](y)` is not a link."""
    return FENCE.sub("", page.read_text("utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_links_land(page: Path) -> None:
    broken = []
    for target in LINK.findall(prose(page)):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, fragment = target.partition("#")
        landing = (page.parent / path).resolve() if path else page
        if not landing.exists() or (
            fragment and landing.suffix == ".md" and fragment not in anchors(landing)
        ):
            broken.append(target)
    assert broken == [], f"{page.name}: links to nothing: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_text_is_nfc(page: Path) -> None:
    text = page.read_text("utf-8")
    assert unicodedata.is_normalized("NFC", text)


def test_every_docs_page_is_reachable_from_the_readme() -> None:
    readme = prose(PROJECT / "README.md")
    linked = {(PROJECT / t.partition("#")[0]).resolve() for t in LINK.findall(readme)}
    assert sorted(p.name for p in DOCS.glob("*.md") if p.resolve() not in linked) == []


def test_the_readme_keeps_the_commands_ci_runs() -> None:
    """`.ci/run` runs "the README's main job" and "the README's test command": the same bytes."""
    readme = (PROJECT / "README.md").read_text("utf-8")
    ci = (PROJECT / ".ci" / "run").read_text("utf-8")
    setup = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/tthc build catalogue"
    assert f"```sh\n{setup}\n```" in readme
    assert "```sh\n.venv/bin/python -m pytest -q\n```" in readme
    assert "\n.venv/bin/tthc build catalogue\n" in ci
    assert "\n.venv/bin/python -m pytest -q\n" in ci


def test_safety_is_findable_from_the_readme() -> None:
    readme = (PROJECT / "README.md").read_text("utf-8")
    assert "\n## Safety\n" in readme
    assert "(docs/safety.md)" in readme


def images() -> list[tuple[Path, str]]:
    found = []
    for page in PAGES:
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", prose(page)):
            found.append((page, target))
    return found


def test_pictures_exist_are_small_and_used() -> None:
    used = set()
    for page, target in images():
        path = (page.parent / target).resolve()
        assert path.is_file(), f"{page.name}: {target}"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", target
        assert path.stat().st_size < 400_000, f"{target} is {path.stat().st_size} bytes"
        used.add(path)
    assert used, "the guide shows real output"
    unused = sorted(p.name for p in (DOCS / "img").glob("*.png") if p.resolve() not in used)
    assert unused == [], "pictures no page shows"


def commands(page: Path) -> list[str]:
    """Every `tthc …` line of the page's shell blocks, and the README's table of commands."""
    text = page.read_text("utf-8")
    found = []
    for language, block in FENCE.findall(text):
        if language != "sh":
            continue
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith("tthc "):
                found.append(line)
    found += re.findall(r"^\| `(tthc [^`]+)` \|", text, re.MULTILINE)
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_commands_shown_parse(page: Path) -> None:
    """Options and arguments of every example exist (parsed, not run)."""
    shown = commands(page)
    if page.name in ("README.md", "huong-dan.md"):
        assert len(shown) >= 10
    for command in shown:
        words = shlex.split(command, comments=True)
        cut = next((i for i, w in enumerate(words) if w in (">", ">>", "|", "&&")), len(words))  # the shell's
        args = [a for a in words[1:cut] if a != "--help"]  # help exits before parsing the rest
        if not args or (
            args[0] in PENDING_COMMANDS and args[0] not in main.list_commands(click.Context(main))
        ):
            continue
        context = main.make_context("tthc", list(args), resilient_parsing=False)
        sub = main.get_command(context, args[0])
        assert sub is not None, command
        sub_context = sub.make_context(args[0], args[1:])
        if isinstance(sub, click.Group) and args[1:]:
            leaf = sub.get_command(sub_context, args[1])
            assert leaf is not None, command
            leaf.make_context(args[1], args[2:])


# --------------------------------------------------------------------------
# The guide's terminal transcripts are what tthc prints
# --------------------------------------------------------------------------


def run(args: list[str], cwd: Path, answers: str | None = None) -> str:
    """What a user reads after running the real command line; with answers, at a terminal (a pty)."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    env.pop("FORCE_COLOR", None)
    env.pop("CI", None)  # tthc new asks questions only outside CI
    command = [sys.executable, "-m", "tthc", *args]
    if answers is None:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        return done.stdout + done.stderr
    master, slave = os.openpty()
    mode = termios.tcgetattr(slave)
    mode[3] &= ~termios.ECHO  # the answers are typed ahead; only the prompts are read back
    termios.tcsetattr(slave, termios.TCSANOW, mode)
    with subprocess.Popen(command, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave) as process:
        os.close(slave)
        os.write(master, answers.encode("utf-8"))
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def transcripts() -> list[list[str]]:
    """The guide's ```text blocks, line by line."""
    text = (DOCS / "huong-dan.md").read_text("utf-8")
    return [block.splitlines() for language, block in FENCE.findall(text) if language == "text"]


def shown(line: str, output: str, prompt: bool) -> bool:
    """A transcript line is in the output; "…" stands for what the guide leaves out.

    At a terminal the answers are typed, not printed, so a prompt's answer is
    dropped and the prompts run on into one another: there a line is looked
    for anywhere in the output, elsewhere as a whole line.
    """
    if prompt and ": " in line and not line.startswith(" "):
        line = line.rsplit(": ", 1)[0] + ": "
    pattern = ".*".join(re.escape(part) for part in line.strip().split("…"))
    if prompt:
        return re.search(pattern, output) is not None
    return any(re.fullmatch(pattern, real.strip()) for real in output.splitlines())


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is a POSIX thing")
def test_the_guide_shows_real_output(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE

    folder = tmp_path / "danh-muc"
    shutil.copytree(SAMPLE, folder / "catalogue")
    built = run(["build"], folder)  # the sample is valid: the success message
    asked = run(["new", "procedure"], folder, answers="1.000000\nĐăng ký lại khai sinh\nho-tich\nxã\n")
    assert (folder / "catalogue" / "procedures" / "ho-tich" / "1.000000.yaml").is_file(), asked
    decided = run(["new", "decision", "--number", "1234/QĐ-UBND", "--signed", "01/07/2026"], folder)
    refused = run(["build"], folder)  # two files to fill in: validation stops the build
    output = "\n".join([built, decided, refused])
    blocks = transcripts()
    assert len(blocks) == 5
    missing = [line for line in blocks[0] if line.strip() and not shown(line, asked, prompt=True)]
    for block in blocks[1:]:
        missing += [line for line in block if line.strip() and not shown(line, output, prompt=False)]
    assert missing == [], "docs/huong-dan.md shows lines tthc does not print"
