"""tthc.atomic: the one place every write passes, refusing a symbolic link on the way."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tthc.atomic import (
    LinkOnWritePath,
    checked_path,
    create_atomic,
    first_link,
    write_bytes_atomic,
    write_new,
    write_parts_atomic,
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``root/a`` a real folder, ``root/link`` a link to ``outside``, ``outside/kept`` a file that must stay."""
    (tmp_path / "root" / "a").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "kept").write_text("giữ nguyên", "utf-8")
    (tmp_path / "root" / "link").symlink_to("../outside")
    return tmp_path


def test_a_link_anywhere_below_the_top_is_refused_and_named(tree: Path) -> None:
    root = tree / "root"
    with pytest.raises(LinkOnWritePath) as caught:
        write_bytes_atomic(root / "link" / "b" / "x.yaml", b"x", root)
    assert caught.value.link.name == "link" and caught.value.target == "../outside"
    assert "tthc không ghi qua liên kết" in str(caught.value)
    assert sorted(p.name for p in (tree / "outside").iterdir()) == ["kept"]


def test_dot_dot_after_a_link_is_read_by_name(tree: Path) -> None:
    """``link/../a/x`` is ``a/x``: the write goes where the name says, never to the link's parent."""
    root = tree / "root"
    assert checked_path(root / "link" / ".." / "a" / "x.yaml", root) == root / "a" / "x.yaml"
    write_bytes_atomic(root / "link" / ".." / "a" / "x.yaml", b"x", root)
    assert (root / "a" / "x.yaml").read_bytes() == b"x"
    assert not (tree / "a").exists()


def test_links_above_the_top_are_followed(tree: Path) -> None:
    write_bytes_atomic(tree / "root" / "link" / "new.txt", b"x", tree / "root" / "link")
    assert (tree / "outside" / "new.txt").read_bytes() == b"x"


def test_an_output_file_that_is_a_link_is_neither_written_through_nor_replaced(tree: Path) -> None:
    report = tree / "root" / "a" / "report.json"
    report.symlink_to("../../outside/kept")
    with pytest.raises(LinkOnWritePath):
        write_bytes_atomic(report, b"{}")
    with pytest.raises(LinkOnWritePath):
        create_atomic(report, b"{}", tree / "root")
    with pytest.raises(LinkOnWritePath):
        write_new(report, b"{}")
    assert report.is_symlink() and (tree / "outside" / "kept").read_text("utf-8") == "giữ nguyên"


def test_a_dangling_link_is_refused_too(tree: Path) -> None:
    (tree / "root" / "a" / "new.yaml").symlink_to("../../outside/made.yaml")
    with pytest.raises(LinkOnWritePath):
        create_atomic(tree / "root" / "a" / "new.yaml", b"x", tree / "root")
    assert not (tree / "outside" / "made.yaml").exists()


def test_first_link_finds_a_link_deep_inside_without_following_it(tree: Path) -> None:
    out = tree / "out"
    (out / "site" / "p").mkdir(parents=True)
    assert first_link(out) is None
    (out / "site" / "p" / "x.html").symlink_to(tree / "outside" / "kept")
    found = first_link(out)
    assert found is not None and os.path.abspath(found) == str(out / "site" / "p" / "x.html")


def test_parts_are_written_one_after_the_other_and_a_failure_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "store.bin"
    target.write_bytes(b"old")
    blob = b"0123456789"
    write_parts_atomic(target, iter([b"head-", memoryview(blob)[2:5], b"", b"-tail"]))
    assert target.read_bytes() == b"head-234-tail"

    def failing() -> Iterator[bytes]:
        yield b"half of a "
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_parts_atomic(target, failing())
    assert target.read_bytes() == b"head-234-tail"
    assert [p.name for p in tmp_path.iterdir()] == ["store.bin"], "no temporary file is left behind"
