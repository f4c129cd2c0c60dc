"""heap.keeping: no collection while long-lived data is built, none of it walked after, no garbage pinned."""

from __future__ import annotations

import gc
import weakref

import pytest

from tthc import heap


class _Node:
    def __init__(self) -> None:
        self.other: object = None


def test_the_collector_is_off_inside_and_as_it_was_after() -> None:
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


def test_the_collector_comes_back_when_the_block_fails() -> None:
    with pytest.raises(ValueError), heap.keeping():
        raise ValueError("broken")
    assert gc.isenabled()


def test_what_is_built_inside_is_frozen_but_still_freed_when_dropped() -> None:
    before = gc.get_freeze_count()
    with heap.keeping():
        kept = [_Node() for _ in range(1000)]
    assert gc.get_freeze_count() >= before + 1000
    probe = weakref.ref(kept[0])
    del kept
    assert probe() is None  # freezing keeps nothing alive: reference counting still frees it


def test_a_cycle_left_by_earlier_work_is_collected_not_frozen() -> None:
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
