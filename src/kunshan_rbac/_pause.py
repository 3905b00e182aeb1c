"""The cyclic garbage collector paused while many objects without cycles are made at once.

Reading a data set and applying a transfer each make thousands to millions of objects in one
go (records, slots, moves), none of them in a reference cycle. Collections triggered
meanwhile would walk the whole graph again and again and free nothing, so these steps pause
the collector and restore it as they found it. Reference counting still frees everything at
once; only the search for cycles waits.

When the block ends, the objects it made are handed straight to the collector's oldest
generation (``gc.freeze()`` then ``gc.unfreeze()``, which moves every tracked object there
without examining any). Left in the youngest generation, they would be walked by the next
young collection and again by the next middle one, for nothing: at national scale (14.5
million records) each walk took seconds, paid by whatever allocation came next. Objects of
the program that were young at that moment move with them, so a reference cycle among
them waits for the next full collection instead of a young one. This is done only where
those two calls are constant-time list moves (CPython 3.11 and 3.12), and only when no
object is frozen: a program that froze objects itself (before forking, say) keeps them
frozen, and the new objects then age as usual.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]

_SETTLES = sys.implementation.name == "cpython" and sys.version_info[:2] in {(3, 11), (3, 12)}
"""Whether ``gc.freeze()`` and ``gc.unfreeze()`` move whole generations in constant time."""


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block; leave it as it was afterwards.

    A collector the caller had disabled stays disabled. When the block ends with the
    collector back on, what it made goes to the oldest generation (see the module's note).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if _SETTLES and gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
