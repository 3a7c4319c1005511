"""``python -m paperdeck.bench --size N [--json FILE]``."""

import sys

from .benchmark import main

sys.exit(main())
