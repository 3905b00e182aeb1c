"""The optional analytics dependencies (pyarrow, duckdb), imported only when needed.

The core library stays light; `ownership_table` and `evaluate` need the
``kunshan-rbac[analytics]`` extra, and say so when it is missing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ._errors import MissingExtraError

__all__ = ["require"]


def require(module: str, extra: str = "analytics") -> ModuleType:
    """Import ``module`` or raise `MissingExtraError` naming the extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(module, extra) from None
