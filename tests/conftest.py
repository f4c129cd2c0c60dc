from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
PROJECT = TESTS.parent
SHARED_DATA = PROJECT.parent / "shared" / "data"
MINIMAL = TESTS / "fixtures" / "minimal"
SAMPLE = PROJECT / "catalogue"


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A fresh copy of the smallest valid catalogue, to break in one way."""
    root = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, root)
    return root


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of the bundled sample catalogue."""
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    return root


@pytest.fixture
def real_records() -> list[dict[str, str]]:
    import json

    path = SHARED_DATA / "real-procedures" / "records.json"
    if not path.is_file():
        pytest.skip("the real portal records (shared/data) are not beside this checkout")
    records: list[dict[str, str]] = json.loads(path.read_text("utf-8"))
    return records


# Headless Chromium, shared by the browser tests (test_browser, test_hostile_browser).
CHROMIUM = os.environ.get("TTHC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--headless",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _missing() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; never `playwright install`)"
    return None


def _require_browser() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True, scope="session")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Runs of the tests keep their cache (tthc.cache) apart from the user's, and start with none."""
    old = os.environ.get("TTHC_CACHE_DIR")
    os.environ["TTHC_CACHE_DIR"] = str(tmp_path_factory.mktemp("tthc-cache"))
    yield
    if old is None:
        del os.environ["TTHC_CACHE_DIR"]
    else:
        os.environ["TTHC_CACHE_DIR"] = old
