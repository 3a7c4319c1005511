"""Pilot tests: every key of the main screen, the filter panes, and the worker/staleness rules."""

from __future__ import annotations

import pytest
from textual.widgets import Input, SelectionList

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.models import SearchRequest
from paperdeck.tui import clipboard
from paperdeck.tui.messages import SearchFinished
from paperdeck.tui.session import Ticket
from paperdeck.tui.screens.help import HelpScreen
from paperdeck.tui.screens.tags_note import TagsNoteScreen
from paperdeck.tui.widgets.filter_pane import FacetList
from paperdeck.tui.widgets.reader import Reader, SimilarList
from paperdeck.tui.widgets.result_list import ResultList
from paperdeck.tui.testing import make_app, settle

SIZE = (120, 40)
TOP = "Efficient Content-Based Sparse Attention with Routing Transformers"


@pytest.fixture
def fake_clipboard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    copied: list[str] = []

    def fake(text: str, timeout: float = 3.0) -> tuple[bool, str]:
        copied.append(text)
        return True, "xclip"
    monkeypatch.setattr(clipboard, "copy_with_pyperclip", fake)
    return copied


async def search_for(pilot, text: str):
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = ""
    await pilot.press(*text)
    return await settle(pilot)


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_first_run_indexes_the_seeds_then_searches_as_you_type(isolated_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        assert main.results.total == 456
        assert isinstance(app.focused, Input)
        main = await search_for(pilot, "sparse attenti")  # last word still being typed: prefix
        assert main.results.total == 12
        assert main.query_one(ResultList).hits[0].paper.title == TOP


async def test_navigation_keys_open_and_escape(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "sparse attention")
        await pilot.press("escape")
        results = main.query_one(ResultList)
        assert app.focused is results and results.highlighted == 0
        await pilot.press("j", "j", "down", "k")
        assert results.highlighted == 2
        await pilot.press("enter")
        await settle(pilot)
        reader = main.query_one(Reader)
        assert app.focused is reader
        assert reader.paper.key == results.hits[2].paper.key
        await pilot.press("escape")
        assert app.focused is results
        await pilot.press("slash")
        assert isinstance(app.focused, Input)


async def test_bookmark_toggle_bookmarks_only_and_tags(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "sparse attention")
        await pilot.press("escape", "b")
        await settle(pilot)
        assert BookmarkStore().keys() == {main.query_one(ResultList).hits[0].paper.key}
        await pilot.press("B")
        main = await settle(pilot)
        assert main.results.total == 1 and main.filters == {"bookmarked": {"yes"}}
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsNoteScreen)
        await pilot.press(*"survey, [bold]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = BookmarkStore().all()[0]
        assert saved.tags == ("survey", "[bold]")
        await pilot.press("B", "b")
        await settle(pilot)
        assert BookmarkStore().keys() == frozenset()


async def test_copy_keys_send_osc52_and_try_pyperclip(seeded_home, fake_clipboard) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "routing transformers sparse")
        await pilot.press("escape", "y")
        await settle(pilot)
        paper = main.query_one(ResultList).current.paper
        assert app.clipboard == paper.url == fake_clipboard[-1]
        assert notifications(app)[-1] == "Copied the paper link via OSC 52 and xclip"
        await pilot.press("m")
        await settle(pilot)
        assert fake_clipboard[-1] == f"[{paper.title}]({paper.url})"
        await pilot.press("c")  # this paper has no code link
        await settle(pilot)
        assert notifications(app)[-1] == "This paper has no code link."


async def test_copy_code_link(seeded_home, fake_clipboard) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "autoint")
        await pilot.press("escape", "c")
        await settle(pilot)
        assert fake_clipboard == ["https://github.com/DeepGraphLearning/RecommenderSystems"]


async def test_open_in_browser(seeded_home, monkeypatch) -> None:
    from paperdeck.tui.screens import main_reading

    app = make_app()
    opened: list[str] = []
    monkeypatch.setattr(main_reading, "open_in_browser", lambda url: (opened.append(url) or True, "opened"))
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        await pilot.press("escape", "o")
        await settle(pilot)
        url = main.query_one(ResultList).current.paper.url
        assert opened == [url]
        assert notifications(app)[-1] == f"Opened the paper link in the browser: {url}"


async def test_open_without_a_browser_copies_the_link_and_says_so(seeded_home, monkeypatch, fake_clipboard) -> None:
    import webbrowser

    def no_browser(using=None):  # type: ignore[no-untyped-def]
        raise webbrowser.Error("could not locate runnable browser")

    app = make_app()
    monkeypatch.setattr(webbrowser, "get", no_browser)
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        await pilot.press("escape", "o")
        await settle(pilot)
        url = main.query_one(ResultList).current.paper.url
        assert fake_clipboard == [url] and app.clipboard == url
        assert notifications(app)[-1].startswith("Copied the paper link instead (no browser found) via ")


async def test_similar_papers_and_opening_one_in_place(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "sparse attention")
        await pilot.press("escape", "s")
        await settle(pilot)
        similar = main.query_one(SimilarList)
        assert app.focused is similar and len(similar.papers) == 8
        assert all(s.shared_terms for s in similar.papers)
        target = similar.papers[1].paper.key
        await pilot.press("j", "enter")
        await settle(pilot)
        assert main.query_one(Reader).paper.key == target


async def test_n_and_N_walk_the_matches_in_the_abstract(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "sparse attention")
        await pilot.press("escape", "enter")
        await settle(pilot)
        reader = main.query_one(Reader)
        count = len(reader.abstract_span.matches)
        assert count >= 6
        await pilot.press("n", "n")
        assert reader.current_match == 1
        await pilot.press("N", "N", "N")
        assert reader.current_match == count - 2  # 1 -> 0 -> last -> last but one


async def test_filter_panes_select_count_and_clear(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        total = main.results.total
        await pilot.press("escape", "f")
        facet = app.focused
        assert isinstance(facet, FacetList) and facet.facet == "source"
        counts = dict(main.results.facets["source"])
        await pilot.press("space")  # select the first source
        main = await settle(pilot)
        first = sorted(counts)[0]
        assert main.filters == {"source": {first}}
        assert main.results.total == counts[first] < total
        assert dict(main.results.facets["source"]) == counts  # other values still counted
        await pilot.press("x")
        main = await settle(pilot)
        assert main.filters == {} and main.results.total == total
        await pilot.press("down", "space", "X")
        main = await settle(pilot)
        assert main.filters == {}


async def test_sort_cycles_and_help_and_quit(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        await pilot.press("escape", "S")
        main = await settle(pilot)
        assert main.sort == "date"
        await pilot.press("S")
        main = await settle(pilot)
        titles = [h.paper.title.casefold() for h in main.query_one(ResultList).hits]
        assert main.sort == "title" and titles[0] <= titles[-1]
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("q")
    assert app.return_code == 0


async def test_no_results_offers_did_you_mean_with_one_key(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "sparse atention ")
        assert main.results.total == 0 and main.results.suggestion == "sparse attention"
        shown = "\n".join(line.plain for line in main.query_one(ResultList).message)
        assert "Did you mean sparse attention?  Press ctrl+d" in shown
        await pilot.press("ctrl+d")
        main = await settle(pilot)
        search = main.query_one("#search", Input)
        assert search.value == "sparse attention" and search.cursor_position == len(search.value)
        assert main.results.total == 12
        await pilot.press("s")  # typing on extends the query at its end
        main = await settle(pilot)
        assert search.value == "sparse attentions"


async def test_stale_search_results_are_dropped(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        shown = main.results
        old = main.library.search(SearchRequest("diffusion"))
        main.post_message(SearchFinished(Ticket(old.request, main.session.generation - 1), old))
        await pilot.pause()
        assert main.results is shown
        assert main.query_one(ResultList).hits[0].paper.key == shown.hits[0].paper.key


async def test_every_binding_has_an_id_and_reaches_the_palette(seeded_home) -> None:
    from paperdeck.tui.app import PALETTE_COMMANDS
    from paperdeck.tui.screens.main import MainScreen

    assert all(b.id for b in MainScreen.BINDINGS)
    actions = {b.action for b in MainScreen.BINDINGS} - {"back_to_list", "open_paper", "next_match",
                                                          "previous_match", "apply_suggestion"}
    assert {f"action_{a}" for a in actions} <= {name for _, _, name in PALETTE_COMMANDS}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Export bookmarks…", "Rebuild index", "Copy link"} <= titles


async def test_remapped_key_from_settings(seeded_home, fake_clipboard) -> None:
    from paperdeck.tui.settings import Settings, save_settings

    save_settings(Settings(theme="nord", keymap={"copy_link": "Y"}))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        assert app.theme == "nord"
        await pilot.press("escape", "Y")
        await settle(pilot)
        assert fake_clipboard == [main.query_one(ResultList).current.paper.url]


async def test_theme_choice_persists(seeded_home) -> None:
    from paperdeck.tui.settings import load_settings

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "gruvbox"
        await pilot.pause()
    assert load_settings()[0].theme == "gruvbox"


async def test_export_from_the_palette_writes_the_file(seeded_home, tmp_path) -> None:
    app = make_app()
    target = tmp_path / "out.md"
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        await pilot.press("escape", "b")
        await settle(pilot)
        main.export()
        await pilot.pause()
        app.screen.query_one("#export-format").value = "markdown"
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    assert target.read_text().startswith("# paperdeck bookmarks")


async def test_small_terminal_collapses_panes(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        main = await search_for(pilot, "pruning")
        assert main.has_class("medium") and main.has_class("narrow") and main.has_class("tiny")
        assert not main.query_one("#filters").display or main.query_one("#filters").styles.display == "none"
        await pilot.press("escape", "f")
        await pilot.pause()
        assert isinstance(app.focused, SelectionList) and main.query_one("#filters").display


async def test_long_result_lists_load_more_rows_near_the_end(seeded_home) -> None:
    from paperdeck.tui.screens.main import PAGE_SIZE

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        results = main.query_one(ResultList)
        assert main.results.total == 456 and len(results.hits) == PAGE_SIZE
        await pilot.press("escape", "end")
        await settle(pilot)
        assert len(results.hits) == 2 * PAGE_SIZE
        assert len({h.paper.key for h in results.hits}) == 2 * PAGE_SIZE


async def test_ctrl_d_still_deletes_in_the_search_box_when_there_is_no_suggestion(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "lora")
        assert main.results.suggestion is None
        await pilot.press("home", "ctrl+d")
        main = await settle(pilot)
        assert main.query_one("#search", Input).value == "ora"


async def test_a_rebuild_runs_in_the_background_with_a_progress_bar_and_the_list_still_answers(
        seeded_home, monkeypatch) -> None:
    import threading

    from paperdeck.index import indexing, library as library_module

    halfway, release = threading.Event(), threading.Event()
    original = indexing.build_index

    def paused_build(directory, store, report):  # type: ignore[no-untyped-def]
        report(0, store.count(), "indexing papers")
        halfway.set()
        release.wait(30)
        original(directory, store, report)

    monkeypatch.setattr(library_module, "build_index", paused_build)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        main.rebuild()
        while not halfway.is_set():
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        assert main.query_one("#loading").display  # the progress bar is up...
        try:
            generation = main.session.generation
            main.query_one("#search", Input).value = "sparse attention"
            while main.session.answered_generation == generation or main.search_pending:
                await pilot.pause(0.02)
            results = main.query_one(ResultList)
            assert results.current is not None and results.current.paper.title == TOP  # ...and search works
            assert main.results is not None and main.results.total == 12
        finally:
            release.set()
        await settle(pilot)
        assert not main.query_one("#loading").display
        assert any("Rebuilt the index: 456 papers" in str(n.message) for n in app._notifications)
