"""Driving the app headlessly (tests, the screenshot script): build it, and wait on its workers, never sleep.

Lives in the package (not in tests/) so ``screenshots/generate.py`` can use the same waiting rules as the tests.
"""

from __future__ import annotations

import time

from textual.pilot import Pilot

from .app import PaperdeckApp
from .screens.main import MainScreen

TIMEOUT = 30.0


def make_app(show_timing: bool = False) -> PaperdeckApp:
    app = PaperdeckApp()
    app.show_timing = show_timing  # read by the main screen when it mounts
    app.cursor_blink = False  # a blinking cursor would make screenshots differ from run to run
    return app


async def settle(pilot: Pilot) -> MainScreen:
    """Wait until the library is open, no search is pending or running, and its answer is on screen.

    Polls the app's own state (debounce pending, generations answered, workers running); never a fixed sleep.
    """
    app = pilot.app
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        await pilot.pause()
        main = app.main_screen
        if main is not None and main.library is not None and _idle(main):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if _idle(main) and not _busy(app):
                return main
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
    raise TimeoutError("the app did not settle")


def _idle(main: MainScreen) -> bool:
    return not main.search_pending and not main.preview_pending and main.session.settled


def _busy(app: PaperdeckApp) -> bool:
    return any(w.is_running for w in app.workers)
