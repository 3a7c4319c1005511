"""Pilot tests of the worker rules: a further page never replaces a newer search; any failure is visible."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.widgets import Input

from paperdeck.index.models import SearchRequest
from paperdeck.tui.widgets.result_list import ResultList
from paperdeck.tui.testing import make_app, settle

SIZE = (120, 40)


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def hold_searches(library, monkeypatch, held: Callable[[SearchRequest], bool]) -> tuple[threading.Event, threading.Event]:
    """Make the library's searches for which ``held`` is true wait (in their worker) until released.

    Returns (asked, release): ``asked`` is set once such a search has started."""
    original = library.search
    asked, release = threading.Event(), threading.Event()

    def held_search(request: SearchRequest, **kwargs):  # type: ignore[no-untyped-def]
        if held(request):
            asked.set()
            release.wait(30)
        return original(request, **kwargs)

    monkeypatch.setattr(library, "search", held_search)
    return asked, release


async def test_load_more_never_replaces_a_newer_search(seeded_home, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        assert main.results.total == 456
        # The page the list asks for near its end is held until the new search is done.
        page_two_asked, release = hold_searches(main.library, monkeypatch, lambda request: request.page == 2)
        await pilot.press("escape", "end")
        while not page_two_asked.is_set():
            await pilot.pause(0.01)
        main.query_one("#search", Input).value = "pruning"
        while main.results.request.query != "pruning":
            await pilot.pause(0.01)
        release.set()
        main = await settle(pilot)
        results = main.query_one(ResultList)
        assert main.results.request.query == "pruning" and main.results.total == 33
        assert len(results.hits) == 33 and all(h.paper.key in {x.paper.key for x in main.results.hits}
                                               for h in results.hits[:33])


async def test_the_list_nearing_its_end_does_not_cancel_a_newer_search_in_flight(seeded_home, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        new_search_running, release = hold_searches(main.library, monkeypatch,
                                                    lambda request: request.query == "pruning")
        await pilot.press("escape")
        main.query_one("#search", Input).value = "pruning"
        while not new_search_running.is_set():
            await pilot.pause(0.01)
        await pilot.press("end")  # the old list's end: asks for a further page of the old search
        release.set()
        main = await settle(pilot)
        assert main.results.request.query == "pruning" and main.results.total == 33
        assert len(main.query_one(ResultList).hits) == 33


async def test_a_failing_search_is_shown_and_the_next_one_recovers(seeded_home, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        library = main.library
        original = library.search

        def broken(request: SearchRequest, **kwargs):  # type: ignore[no-untyped-def]
            if request.query.startswith("boom"):
                raise RuntimeError("the evaluator fell over")
            return original(request, **kwargs)

        monkeypatch.setattr(library, "search", broken)
        await pilot.press(*"boom")
        main = await settle(pilot)
        assert "Could not search: RuntimeError: the evaluator fell over" in notifications(app)
        shown = " ".join(line.plain for line in main.query_one(ResultList).message)
        assert "The search for boom failed." in shown and main.query_one(ResultList).hits == []
        assert "The search failed" in str(main.query_one("#status").render())
        await pilot.press("ctrl+u", *"pruning")
        main = await settle(pilot)
        assert main.results.total == 33 and len(main.query_one(ResultList).hits) == 33


async def test_a_failed_rebuild_clears_its_progress_bar(seeded_home, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)

        def failing_rebuild() -> list[str]:
            assert main.library is not None and main.library.progress is not None
            main.library.progress(1, 10, "reading pages")
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(main.library, "rebuild", failing_rebuild)
        main.rebuild()
        main = await settle(pilot)
        assert not main.query_one("#loading").display
        assert any(n.startswith("Could not rebuild the index: OSError") for n in notifications(app))
        assert main.library.progress is None


async def test_a_superseded_search_is_cancelled_and_the_latest_text_runs(seeded_home, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        original = main.library.search
        started, told_to_stop = threading.Event(), threading.Event()

        def slow_search(request: SearchRequest, **kwargs):  # type: ignore[no-untyped-def]
            if request.query == "pru":  # a search that would run long: waits until it is cancelled
                started.set()
                if kwargs["cancel"].wait(30):
                    told_to_stop.set()
            return original(request, **kwargs)  # raises SearchCancelled once cancel is set

        monkeypatch.setattr(main.library, "search", slow_search)
        await pilot.press(*"pru")
        while not started.is_set():
            await pilot.pause(0.01)
        await pilot.press(*"ning")
        main = await settle(pilot)
        assert told_to_stop.is_set()
        assert main.results.request.query == "pruning" and main.results.total == 33
        assert not any(n.startswith("Could not") for n in notifications(app))  # cancelling is not a failure
