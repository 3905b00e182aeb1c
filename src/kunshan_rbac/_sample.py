"""The embedded Kunshan sample: 10 towns, the city departments and their three lists.

The data are synthetic but calibrated to Kunshan's published figures (about 140 basic
and 80 cooperative items per town, 347 reclaimed items city-wide, 338 enforcement items
reclaimed by 玉山镇, 周庄镇's penalty items falling from 674 to 278), and the reform is
recorded as real transfers on each town's adoption date: 巴城镇 and 锦溪镇 (the pilots) in
2024, the other eight towns in 2025.
"""

from __future__ import annotations

import gzip
import json
from importlib import resources

from ._graph import ResponsibilityGraph
from ._jsonio import _read

__all__ = ["SAMPLE_FILE", "load_sample"]

SAMPLE_FILE = "kunshan.json.gz"
"""Name of the sample's data file inside the package's ``data`` folder."""


def load_sample() -> ResponsibilityGraph:
    """Load the embedded Kunshan sample as a new graph (yours to change).

    Returns:
        A graph with the 10 towns of 昆山市, about 30 city departments, the item
        catalogue (with sub-items), every town's records from 2021 on, and the reform's
        transfers.

    Examples:
        >>> import kunshan_rbac as kr
        >>> g = kr.load_sample()
        >>> len(g.towns())
        10
    """
    data = resources.files("kunshan_rbac").joinpath("data", SAMPLE_FILE)
    text = gzip.decompress(data.read_bytes()).decode("utf-8")
    # The shipped file is checked against the schema by the test suite, not on each load.
    return _read(json.loads(text), f"kunshan_rbac/data/{SAMPLE_FILE}", validate=False)
