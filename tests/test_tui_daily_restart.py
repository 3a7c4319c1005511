"""Pilot tests of the daily loop across restarts, as a user opening paperdeck every morning sees it: the very first
start (seeds indexed then) shows nothing as new, a page added from the CLI between two sessions is new with
exactly its own count, and text typed before the saved session is restored is never replaced."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input

from paperdeck.index.library import Library
from paperdeck.index.session import SessionStore
from paperdeck.tui.widgets.result_list import ResultList
from paperdeck.tui.testing import make_app, settle

SIZE = (120, 40)
TRENDING = Path(__file__).parent / "fixtures" / "hf_captures" / "hf_trending_papers_markdown_capture.md"


def status(main) -> str:
    return str(main.query_one("#status").render())


def new_count(main) -> int:
    return dict(main.results.facets.get("state", ())).get("new", 0)


async def test_first_start_shows_nothing_new_and_a_cli_add_between_sessions_is_new(isolated_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)  # a brand-new home: the seeds are indexed by this start
        assert main.results.total == 456
        assert new_count(main) == 0 and "new since last session" not in status(main)
        rows = main.query_one(ResultList)
        assert not any("NEW" in str(rows.row_text(n)) for n in range(len(rows.hits)))
        await pilot.press("escape", "1")
        main = await settle(pilot)
        assert main.results.total == 0
        assert "first session" in status(main)  # says why the New view is empty
        await pilot.press("1", "q")
    with Library() as library:
        [report] = library.add([TRENDING])
        assert report.new_papers == 50
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        assert new_count(main) == 50 and "50 new since last session" in status(main)
        await pilot.press("escape", "1")
        main = await settle(pilot)
        assert main.results.total == 50
        await pilot.press("q")
    app = make_app()  # a third start with nothing added in between: nothing new again
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        assert new_count(main) == 0


async def test_text_typed_before_the_session_is_restored_is_kept(seeded_home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    SessionStore().save(query="sparse attention", filters=(("has_code", "yes"),), started="2026-01-01T00:00:00Z")
    typed = threading.Event()
    begin = SessionStore.begin

    def begin_after_typing(self: SessionStore, when: float | None = None):  # the restore answers late
        assert typed.wait(30)
        return begin(self, when)
    monkeypatch.setattr(SessionStore, "begin", begin_after_typing)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"pruning")
        assert app.main_screen is not None and not app.main_screen.session_ready  # typed before the restore
        typed.set()
        main = await settle(pilot)
        assert main.query_one("#search", Input).value == "pruning"
        assert main.results.request.query == "pruning" and main.filters == {}


async def test_the_open_reader_and_the_watches_view_come_back_after_a_restart(seeded_home: Path) -> None:
    from paperdeck.index.watches import WatchStore
    from paperdeck.tui.screens.watches import WatchesScreen
    from paperdeck.tui.widgets.reader import Reader

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"pruning")
        main = await settle(pilot)
        await pilot.press("escape", "j", "enter")  # the second paper in the full-screen reader
        main = await settle(pilot)
        selected = main.query_one(ResultList).current.paper.key
        assert main.has_class("reading")
        await pilot.press("q")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        await pilot.pause()
        assert main.query_one(ResultList).current.paper.key == selected
        assert main.has_class("reading") and main.query_one(Reader).paper.key == selected
        assert main.focused is not None and main.query_one(Reader) in main.focused.ancestors_with_self
        await pilot.press("escape")  # out of the reader, then the Watches pane left open at quit
        WatchStore().save("prune", "pruning", (), ())
        await pilot.press("W")
        await settle(pilot)
        assert isinstance(app.screen, WatchesScreen)
        await pilot.press("ctrl+q")  # from the pane (q is not a key there)
        assert not app.is_running
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WatchesScreen) and app.screen.rows[0][0].name == "prune"
