"""The ``paperdeck`` console script: the headless CLI, or the app when no command is given.

Why here and not in ``paperdeck.index.cli``: the engine must never import Textual, and starting the app is the
one thing the CLI cannot do without it. Textual is imported only when the app actually starts, so
``paperdeck search`` stays quick; and a bare ``paperdeck`` starts the app without importing the CLI (and with it
Whoosh and numpy), so the first frame is up sooner: the app loads the library in a worker.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def run_app(args: argparse.Namespace | None = None) -> int:
    from .app import PaperdeckApp

    app = PaperdeckApp()
    app.run()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):
        return run_app()
    from paperdeck.index import run_cli as cli_main

    return cli_main(argv, interactive=run_app)


if __name__ == "__main__":
    sys.exit(main())
