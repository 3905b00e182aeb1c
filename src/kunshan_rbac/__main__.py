"""``python -m kunshan_rbac``: the command line."""

import sys

from .cli import main

sys.exit(main())
