"""The garbage collector is paused only while a data set is read or a transfer is applied."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

import kunshan_rbac as kr
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
