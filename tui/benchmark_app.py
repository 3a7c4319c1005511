"""The app's side of the benchmark: ``python -m paperdeck.tui.benchmark_app START_EPOCH`` prints one JSON line.

Run by ``paperdeck.bench`` in its own process (so the start is cold), against the library in $PAPERDECK_HOME.
Why here and not in the app: the measurement wraps two methods of one running screen from the outside (the
session's ``set_query`` and the screen's ``show_answer``), so the production code carries no timing hooks.

Figures: *interactive* is process start to the first frame with the search box focused; *first results* is
until the first result list is on screen; *keystroke to paint* is from the search box's change to the frame
after the answer for that text was shown; the pilot's whole round trip per key, and that of a key bound to
nothing (the pilot's own cost), are given for scale.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from .screens.main import MainScreen
from .testing import make_app, settle

TYPED = "sparse attention"


def measure_paint(main: MainScreen) -> list[float]:
    """Record keystroke-to-paint latencies (ms) on this screen instance; returns the list it fills."""
    latencies: list[float] = []
    typed_at: list[float] = []  # the first keystroke not yet answered on screen
    set_query, show_answer = main.session.set_query, main.show_answer

    def timed_set_query(text: str) -> bool:
        if not typed_at:
            typed_at.append(time.perf_counter())
        return set_query(text)

    def painted(started: float) -> None:
        latencies.append((time.perf_counter() - started) * 1000)

    def timed_show_answer(results: Any) -> None:
        show_answer(results)
        if typed_at and results.request.query == main.session.query and not main.session.rerun \
                and not main.search_pending:
            main.call_after_refresh(painted, typed_at.pop())

    main.session.set_query = timed_set_query  # type: ignore[method-assign]
    main.show_answer = timed_show_answer  # type: ignore[method-assign]
    return latencies


async def run(start: float) -> dict[str, Any]:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        interactive = time.time() - start  # first frame shown, search box focused and taking keys
        main = app.main_screen
        assert main is not None
        while main.results is None:  # the first result list on screen
            await pilot.pause(0.01)
        ready = time.time() - start
        await settle(pilot)  # background work (warming caches) done before typing is timed
        latencies = measure_paint(main)
        keystrokes = []
        for ch in TYPED:
            t = time.perf_counter()
            await pilot.press(ch if ch != " " else "space")
            while main.search_pending or not main.session.settled:
                await pilot.pause()
            keystrokes.append((time.perf_counter() - t) * 1000)
        await settle(pilot)
        await pilot.press("escape")
        floor = []
        for _ in range(8):  # a key nothing is bound to: the pilot's own round trip, for scale
            t = time.perf_counter()
            await pilot.press("f12")
            floor.append((time.perf_counter() - t) * 1000)
        return {"interactive_s": round(interactive, 3), "cold_start_s": round(ready, 3),
                "keystroke_to_paint_ms": latencies, "pilot_round_trip_ms": keystrokes, "pilot_idle_key_ms": floor}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(json.dumps(asyncio.run(run(float(args[0]) if args else time.time()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
