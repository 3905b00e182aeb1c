"""The garbage collector is paused only while a data set is read or a transfer is applied."""

from __future__ import annotations

import gc
import platform
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac import _pause
from kunshan_rbac._pause import collection_paused


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """Leave the process's collector as the test found it, whatever the test did."""
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_inside_and_back_on_after(collector_restored: None) -> None:
    """Inside the block no collection runs; afterwards the collector is on again."""
    gc.enable()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(collector_restored: None) -> None:
    """A program that runs with the collector off does not find it switched on."""
    gc.disable()
    with collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_collector_is_restored_when_the_block_fails(collector_restored: None) -> None:
    """An error inside the block does not leave the collector off."""
    gc.enable()
    with pytest.raises(ValueError, match="boom"), collection_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_reading_and_transfers_leave_the_collector_on(
    collector_restored: None, tmp_path: Path
) -> None:
    """`read_json`, a reclaim, a refused reclaim and a revert each leave the collector on."""
    gc.enable()
    g = kr.load_sample()
    kr.write_json(g, tmp_path / "g.json")
    kr.read_json(tmp_path / "g.json")
    assert gc.isenabled()
    transfer = g.reclaim(["B-CJ-043"], towns=["玉山镇"], to="市住建局", effective="2026-04-01")
    assert gc.isenabled()
    with pytest.raises(kr.TransferError):
        g.reclaim(["B-CJ-043"], towns=["玉山镇"], to="市住建局", effective="2026-04-01")
    assert gc.isenabled()
    g.revert(transfer, effective="2026-07-01")
    assert gc.isenabled()


class _Made:
    """An object the collector tracks, made inside a paused block."""


def _generation_of(obj: object) -> int | None:
    """The collector generation holding ``obj`` (``None``: not tracked, or frozen)."""
    for generation in range(3):
        if any(o is obj for o in gc.get_objects(generation=generation)):
            return generation
    return None


def test_objects_are_handed_over_on_cpython_3_11_and_3_12_only() -> None:
    """The hand-over is used only where ``gc.freeze()`` and ``gc.unfreeze()`` are known
    to move whole generations in constant time: CPython 3.11 and 3.12."""
    expected = (platform.python_implementation() == "CPython"
                and sys.version_info[:2] in ((3, 11), (3, 12)))
    assert _pause._SETTLES is expected


@pytest.mark.skipif(not _pause._SETTLES, reason="objects age as usual on this Python")
def test_what_a_paused_block_made_goes_to_the_oldest_generation(
    collector_restored: None,
) -> None:
    """Objects made while the collector was paused are not walked again by young
    collections: they leave the block in the oldest generation, and nothing stays
    frozen."""
    gc.enable()
    assert gc.get_freeze_count() == 0
    with collection_paused():
        made = _Made()
    assert gc.is_tracked(made)
    assert _generation_of(made) == 2
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_objects_the_program_froze_stay_frozen(collector_restored: None) -> None:
    """A program that froze objects (before forking, say) finds them still frozen after a
    paused block, and what the block made ages as usual from the youngest generation."""
    gc.enable()
    frozen = _Made()
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        assert count > 0
        with collection_paused():
            made = _Made()
        assert gc.get_freeze_count() == count
        assert _generation_of(frozen) is None
        assert _generation_of(made) == 0
    finally:
        gc.unfreeze()


def test_a_disabled_collector_gets_no_objects_moved(collector_restored: None) -> None:
    """With the collector off, the block's objects are left where they were made."""
    gc.disable()
    with collection_paused():
        made = _Made()
    assert _generation_of(made) == 0
    assert gc.get_freeze_count() == 0
