"""Test configuration: Hypothesis profiles chosen by ``KUNSHAN_RBAC_PROFILE``.

* ``dev`` (default): quick, for the edit-test loop.
* ``ci``: what ``.ci/run`` uses; more examples, no deadline (shared machines are noisy).
* ``thorough``: a longer run for before a release
  (``KUNSHAN_RBAC_PROFILE=thorough pytest tests/property tests/stateful``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("KUNSHAN_RBAC_PROFILE", "dev"))
