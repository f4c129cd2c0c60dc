"""heap.keeping: no collection while long-lived data is built, none of it walked after, no garbage pinned;
and only when the program said so (the command line does, for one command)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from tests.conftest import MINIMAL
from tthc import heap
from tthc.cli import main


class _Node:
    def __init__(self) -> None:
        self.other: object = None


@pytest.fixture
def managed() -> Iterator[None]:
    heap.manage()
    try:
        yield
    finally:
        heap.manage(False)


def test_a_library_caller_keeps_its_collector_untouched() -> None:
    assert not heap.managed()
    before = gc.get_freeze_count()
    with heap.keeping():
        assert gc.isenabled()
        kept = [_Node() for _ in range(100)]
    assert gc.isenabled() and gc.get_freeze_count() == before, "nothing frozen, nothing turned off"
    del kept


def test_the_command_line_steers_the_collector_for_its_command_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from tthc import reading

    seen: list[bool] = []
    load = reading.load
    monkeypatch.setenv("TTHC_CACHE_DIR", "off")  # a cached report would need no reading
    monkeypatch.setattr(reading, "load", lambda *a, **k: seen.append(heap.managed()) or load(*a, **k))
    result = CliRunner().invoke(main, ["validate", str(MINIMAL)])
    assert result.exit_code == 0, result.output
    assert seen == [True], "the command ran with the collector in tthc's hands"
    assert not heap.managed(), "and gave it back when it ended"


def test_the_collector_is_off_inside_and_as_it_was_after(managed: None) -> None:
    assert gc.isenabled()
    with heap.keeping():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with heap.keeping():
            pass
        assert not gc.isenabled()  # a caller that had turned it off keeps it off
    finally:
        gc.enable()


def test_the_collector_comes_back_when_the_block_fails(managed: None) -> None:
    with pytest.raises(ValueError), heap.keeping():
        raise ValueError("broken")
    assert gc.isenabled()


def test_what_is_built_inside_is_frozen_but_still_freed_when_dropped(managed: None) -> None:
    before = gc.get_freeze_count()
    with heap.keeping():
        kept = [_Node() for _ in range(1000)]
    assert gc.get_freeze_count() >= before + 1000
    probe = weakref.ref(kept[0])
    del kept
    assert probe() is None  # freezing keeps nothing alive: reference counting still frees it


def test_a_cycle_left_by_earlier_work_is_collected_not_frozen(managed: None) -> None:
    gc.disable()  # so that no collection between here and the block frees the cycle first
    try:
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        probe = weakref.ref(a)
        del a, b
        assert probe() is not None  # a cycle: only the collector can free it
        with heap.keeping():
            pass
        assert probe() is None
    finally:
        gc.enable()
