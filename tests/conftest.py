from __future__ import annotations

import shutil
from pathlib import Path

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
