"""The pictures of docs/huong-dan.md, taken from tthc's real output.

Run from the repository's root after a change that shows on a page or in a
terminal:

    .venv/bin/python docs/screenshots.py

It copies the bundled catalogue into a temporary folder, runs the real
commands on it (``python -m tthc``, as a user would), opens a posting sheet
and the listing site in headless Chromium (Debian's ``chromium`` driven by
Playwright, as tests/test_browser.py does) and writes PNG files into
``docs/img/``. Terminal output (``tthc validate`` on a copy with a mistake
put in on purpose) is rendered by rich with its colours and photographed the
same way, so the guide shows exactly what staff will see. Nothing outside the
temporary folder and ``docs/img/`` is written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "img"
CHROMIUM = os.environ.get("TTHC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The procedure shown on the sheet, and the mistake put into the broken copy:
# the code without quotes, the commonest error of hand-edited files.
CODE = "1.001193"
SEARCH = "dang ky ket hon"  # typed without diacritics, as on a kiosk keyboard


def tthc(*args: str, cwd: Path, color: bool = False) -> str:
    """Run the real command line and return what a user would read (stdout, then stderr)."""
    env = {**os.environ, "COLUMNS": "100", "TTHC_CACHE_DIR": "off"}
    env.pop("NO_COLOR" if color else "FORCE_COLOR", None)
    env["FORCE_COLOR" if color else "NO_COLOR"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "tthc", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    return done.stdout + done.stderr


def broken_copy(folder: Path) -> Path:
    """The sample catalogue with one procedure code written without quotes."""
    copy = folder / "catalogue"
    shutil.copytree(ROOT / "catalogue", copy)
    procedure = copy / "procedures" / "ho-tich" / f"{CODE}.yaml"
    text = procedure.read_text("utf-8")
    procedure.write_text(text.replace(f'code: "{CODE}"', f"code: {CODE}", 1), "utf-8")
    return copy


def terminal_page(ansi: str, title: str) -> str:
    """A terminal's output as an HTML page, colours kept, for the browser to photograph."""
    from rich.console import Console
    from rich.terminal_theme import MONOKAI
    from rich.text import Text

    console = Console(record=True, width=104, file=open(os.devnull, "w"), color_system="truecolor")  # noqa: SIM115
    console.print(Text.from_ansi(ansi.rstrip("\n")))
    html = console.export_html(theme=MONOKAI, inline_styles=True)
    style = (
        "<style>body{margin:0;background:#272822}"
        "pre{margin:0;padding:14px 18px;font:15px/1.35 'DejaVu Sans Mono',monospace;display:inline-block}</style>"
    )
    return html.replace("<head>", f"<head><title>{title}</title>{style}", 1)


@contextmanager
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def save(page: Any, name: str, **options: Any) -> Path:
    """A screenshot, reduced to 256 colours when Pillow is there (text pages lose nothing visible)."""
    path = IMAGES / name
    page.screenshot(path=str(path), **options)
    try:
        from PIL import Image
    except ImportError:
        return path
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path


def main() -> int:
    if not Path(CHROMIUM).is_file():
        print(f"Chromium is not at {CHROMIUM} (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="tthc-screenshots-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "catalogue", work / "sample" / "catalogue")
        build = work / "sample" / "build"
        print(tthc("build", "catalogue", "--out", str(build), cwd=work / "sample"), end="")
        broken = broken_copy(work / "broken")
        validate = tthc("validate", "catalogue", cwd=broken.parent, color=True)
        print(tthc("validate", "catalogue", cwd=broken.parent), end="")
        terminal = work / "validate.html"
        terminal.write_text(terminal_page(validate, "tthc validate"), "utf-8")

        with browser() as chromium:
            context = chromium.new_context(viewport={"width": 1100, "height": 800}, service_workers="block")
            page = context.new_page()

            page.goto(terminal.as_uri())
            made.append(save(page.locator("pre"), "validate.png"))

            page.goto((build / "sheets" / "index.html").as_uri())
            made.append(save(page, "sheets-index.png", full_page=False))

            page.set_viewport_size({"width": 900, "height": 1150})
            page.goto((build / "sheets" / "thu-tuc" / f"{CODE}.html").as_uri())
            made.append(save(page, "sheet.png", full_page=False))

            page.set_viewport_size({"width": 1280, "height": 760})
            page.goto((build / "site" / "index.html").as_uri())
            made.append(save(page, "site-index.png", full_page=False))

            page.get_by_label("Tìm theo tên hoặc mã thủ tục").press_sequentially(SEARCH)
            page.locator("#ket-qua").scroll_into_view_if_needed()
            made.append(save(page, "site-search.png", full_page=False))
            context.close()
    for path in made:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
