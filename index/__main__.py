"""``python -m paperdeck.index``: the headless CLI without the app."""

import sys

from .cli import main

sys.exit(main())
