"""Pilot tests of the daily loop in the app: New since the previous session, r/R/d with undo, watches saved,
counted and run, tag: search and the Tag facet, ``-`` to exclude a facet value, and the session restored."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from daily_helpers import hf_item, write_hf
from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.export import FORMATS
from paperdeck.index.library import Library
from paperdeck.index.readstate import ReadState
from paperdeck.index.watches import WatchStore
from paperdeck.tui.screens.watches import WatchesScreen, WatchNameScreen
from paperdeck.tui.widgets.filter_pane import FacetList, FilterPanes, value_label
from paperdeck.tui.widgets.result_list import ResultList
from paperdeck.tui.testing import make_app, settle

SIZE = (120, 40)


async def search_for(pilot, text: str):
    await pilot.press("slash")
    pilot.app.screen.query_one("#search", Input).value = ""
    await pilot.press(*text)
    return await settle(pilot)


def status(main) -> str:
    return str(main.query_one("#status").render())


async def one_session(*keys: str):
    """Open the app, settle, press ``keys``, quit with q (which saves the session)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        await pilot.press("q")


async def test_a_page_added_between_two_sessions_is_new_with_its_count(seeded_home: Path, tmp_path: Path) -> None:
    await one_session()
    with Library() as library:
        library.add([write_hf(tmp_path / "in" / "day.json", [hf_item("2611.00001", "Quantum Gardening"),
                                                              hf_item("2611.00002", "Tidal Compilers")])])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        assert main.results.total == 458
        assert "2 new since last session" in status(main)
        await pilot.press("escape", "1")
        main = await settle(pilot)
        assert main.filters == {"state": {"new"}} and main.sort == "date"
        assert status(main).count("new since last session") == 1  # the filter's label, not the count again
        assert {h.paper.key for h in main.query_one(ResultList).hits} == {"2611.00001", "2611.00002"}
        rows = main.query_one(ResultList)
        first = str(rows.row_text(0))
        assert first.startswith("● ") and "NEW" in first  # a marker, not only a colour
        await pilot.press("1")
        main = await settle(pilot)
        assert "state" not in main.filters and main.results.total == 458


async def test_r_R_d_and_undo(seeded_home: Path) -> None:
    await one_session()  # from now on nothing is new: a plain list of unread papers
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        total = main.results.total
        rows = main.query_one(ResultList)
        first = rows.current.paper.key
        assert str(rows.row_text(0)).startswith("● ")  # unread
        await pilot.press("escape", "r")
        main = await settle(pilot)
        assert ReadState().get(first).seen
        assert str(rows.row_text(0)).startswith("  ")  # read: no marker
        await pilot.press("u")
        await settle(pilot)
        assert ReadState().get(first).seen is None
        await pilot.press("d")
        await settle(pilot)
        assert ReadState().get(first).dismissed
        await pilot.press("u")
        await settle(pilot)
        assert ReadState().get(first).dismissed is None
        await pilot.press("R")
        main = await settle(pilot)
        assert len(ReadState().key_sets(None)["read"]) == total  # every paper listed, not only loaded rows
        assert dict(main.results.facets["state"]).get("unread", 0) == 0
        await pilot.press("u")
        await settle(pilot)
        assert ReadState().key_sets(None)["read"] == frozenset()
        await pilot.press("j", "enter")  # opening a paper in the reader reads it
        await settle(pilot)
        second = main.query_one(ResultList).current.paper.key
        assert ReadState().key_sets(None)["read"] == {second}
        assert str(rows.row_text(1)).startswith("  ")


async def test_a_watch_is_saved_counted_and_run(seeded_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        expected = main.results.total
        await pilot.press("escape", "r")  # one of them read
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WatchNameScreen)
        app.screen.query_one("#watch-name", Input).value = ""
        await pilot.press(*"prune", "enter")
        await settle(pilot)
        [watch] = WatchStore().all()
        assert (watch.name, watch.query) == ("prune", "pruning")
        await search_for(pilot, "attention")
        await pilot.press("escape", "W")
        await settle(pilot)
        assert isinstance(app.screen, WatchesScreen)
        assert app.screen.rows[0][1:] == (expected - 1, expected)  # unread, total
        watch_list = app.screen.query_one("#watch-list", OptionList)
        assert f"{expected - 1} unread" in str(watch_list.get_option_at_index(0).prompt)
        await pilot.press("enter")
        main = await settle(pilot)
        assert main.query_one("#search", Input).value == "pruning" and main.results.total == expected


async def test_tag_search_and_the_tag_facet(seeded_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        papers = [h.paper for h in main.query_one(ResultList).hits[:2]]
        store = BookmarkStore()
        for paper in papers:
            store.add_paper(paper, tags=["to-read"])
        main = await search_for(pilot, "tag:to-read")
        assert {h.paper.key for h in main.query_one(ResultList).hits} == {p.key for p in papers}
        assert not main.results.notes  # no "unknown field" note
        assert dict(main.results.facets["tag"]) == {"to-read": 2}
        assert main.query_one("#facet-tag", FacetList).display
        assert "#to-read" in str(main.query_one(ResultList).row_text(0))  # tags in the rows


async def test_minus_on_a_facet_value_excludes_it(seeded_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        total = main.results.total
        counts = dict(main.results.facets["source"])
        await pilot.press("escape", "f", "minus")  # the first source
        main = await settle(pilot)
        first = sorted(counts)[0]
        assert main.session.excluded == {"source": {first}}
        assert main.results.total == total - counts[first]
        assert f"not {value_label('source', first, main.query_one(FilterPanes).sources)}" in status(main)
        await pilot.press("minus")  # again: back
        main = await settle(pilot)
        assert main.session.excluded == {} and main.results.total == total


async def test_the_session_is_restored_after_a_restart(seeded_home: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "sparse attention")
        await pilot.press("escape", "S", "j", "j")
        main = await settle(pilot)
        selected = main.query_one(ResultList).current.paper.key
        await pilot.press("f", "space")  # a filter too
        main = await settle(pilot)
        filters = {k: set(v) for k, v in main.filters.items()}
        selected = main.query_one(ResultList).current.paper.key
        await pilot.press("q")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        assert main.query_one("#search", Input).value == "sparse attention"
        assert main.filters == filters and main.sort == "date"
        assert main.query_one(ResultList).current.paper.key == selected


async def test_trending_pane_rising_and_top_of_the_week_and_month(isolated_home: Path, tmp_path: Path) -> None:
    """Two imports of the same HF day with other upvote counts: Rising orders by the gain, the tabs show the
    newest week and month of listings by upvotes, enter opens the paper in the reader."""
    from paperdeck.tui.screens.trending import TrendingScreen
    from paperdeck.tui.widgets.reader import Reader

    day = tmp_path / "in" / "day.json"
    for counts in ((5, 5, 99), (6, 40, 99)):
        write_hf(day, [hf_item("2611.00001", "Slow Riser", counts[0], "2026-11-01"),
                       hf_item("2611.00002", "Rocket", counts[1], "2026-11-20"),
                       hf_item("2611.00003", "Old Favourite", counts[2], "2026-10-01")])
        with Library() as library:
            library.add([day])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape", "T")
        await settle(pilot)
        pane = app.screen
        assert isinstance(pane, TrendingScreen) and pane.mode == "rising"
        assert [(p.key, figure) for p, figure in pane.rows] == [("2611.00002", "+35"), ("2611.00001", "+1")]
        assert "since the previous import" in str(pane.query_one("#trending-list", OptionList)
                                                  .get_option_at_index(0).prompt)
        await pilot.press("tab")
        await settle(pilot)
        assert pane.mode == "week" and [p.key for p, _ in pane.rows] == ["2611.00002"]
        await pilot.press("tab")
        await settle(pilot)
        assert pane.mode == "month" and [p.key for p, _ in pane.rows] == ["2611.00002", "2611.00001"]
        await pilot.press("j", "enter")
        main = await settle(pilot)
        assert main.query_one(Reader).paper.key == "2611.00001" and main.has_class("reading")
        await pilot.press("escape", "T", "tab")
        await settle(pilot)
        assert isinstance(app.screen, TrendingScreen) and app.screen.mode == "week"
        await pilot.press("ctrl+q")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:  # the pane left open comes back, on the same tab
        await settle(pilot)
        assert isinstance(app.screen, TrendingScreen) and app.screen.mode == "week"
        assert [p.key for p, _ in app.screen.rows] == ["2611.00002"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_palette_exports_the_result_list_and_a_watch_in_every_format(seeded_home: Path, fmt: str) -> None:
    """Every paper listed (not only the loaded rows), written to the exports folder, read back; an existing
    file is replaced only after a second confirmation, as for the bookmarks."""
    from paperdeck.index import locations
    from paperdeck.index.export import EXTENSIONS
    from paperdeck.tui.screens.export import ExportScreen

    WatchStore().save("prune/1", "pruning", (), ())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "attention")
        total = main.results.total
        assert total > len(main.query_one(ResultList).hits)  # more than the loaded rows
        commands = {c.title: c for c in app.get_system_commands(main)}
        for title, stem, expected in (("Export the result list…", "paperdeck-results", total),
                                      ("Export watch: prune/1…", "paperdeck-watch-prune-1", None)):
            commands[title].callback()
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ExportScreen)
            dialog.query_one("#export-format").value = fmt
            await pilot.pause()
            target = locations.data_dir() / "exports" / f"{stem}.{EXTENSIONS[fmt]}"
            assert dialog.query_one("#export-path", Input).value == str(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("precious\n")
            dialog.query_one("#export-path", Input).focus()
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog and target.read_text() == "precious\n"  # not without asking
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is main
            assert count_records(target.read_text(), fmt) == (expected or search_total(main, "pruning"))


def search_total(main, query: str) -> int:
    from paperdeck.index.models import SearchRequest
    return main.library.search(SearchRequest(query, page_size=1)).total


def count_records(text: str, fmt: str) -> int:
    """Read an export back with the parser its format's readers use."""
    import csv
    import io
    import json

    import bibtexparser
    import rispy
    if fmt == "bibtex":
        return len(bibtexparser.loads(text).entries)
    if fmt == "ris":
        return len(rispy.loads(text))
    if fmt == "csl-json":
        return len(json.loads(text))
    if fmt == "json":
        return len(json.loads(text)["bookmarks"])
    if fmt == "csv":
        return len(list(csv.DictReader(io.StringIO(text))))
    return sum(line.startswith("- ") for line in text.splitlines())


async def test_a_read_mark_that_cannot_be_saved_is_shown_and_changes_nothing(seeded_home: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from paperdeck.index.userfile import UserDataBusy

    def busy(self, keys, read=True):  # another process holds the lock for too long
        raise UserDataBusy("read state busy: another paperdeck process holds them; try again")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await search_for(pilot, "pruning")
        first = main.query_one(ResultList).current.paper.key
        monkeypatch.setattr(ReadState, "mark_read", busy)
        await pilot.press("escape", "r")
        main = await settle(pilot)
        assert any("Could not save read state: UserDataBusy: read state busy" in str(n.message)
                   for n in app._notifications)
        assert main.undo_stack == [] and ReadState().get(first).seen is None
