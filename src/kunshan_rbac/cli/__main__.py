"""``python -m kunshan_rbac.cli``."""

import sys

from . import main

sys.exit(main())
