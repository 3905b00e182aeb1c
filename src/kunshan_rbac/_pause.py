"""The cyclic garbage collector paused while many objects without cycles are made at once.

Reading a data set and applying a transfer each make thousands to millions of objects in one
go (records, slots, moves), none of them in a reference cycle. Collections triggered
meanwhile would walk the whole graph again and again and free nothing, so these steps pause
the collector and restore it as they found it. Reference counting still frees everything at
once; only the search for cycles waits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block; leave it as it was afterwards.

    A collector the caller had disabled stays disabled.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
