"""Pilot tests of the keyboard model: the keys do what they say wherever the focus is."""

from __future__ import annotations

from conftest import SEEDS
from textual.content import Content
from textual.widgets import Input

from paperdeck.tui.screens.help import HelpScreen
from paperdeck.tui.widgets.result_list import ResultList
from paperdeck.tui.testing import make_app, settle

SIZE = (120, 40)


def footer_keys(app) -> set[str]:
    return {binding.key for _node, binding, enabled, _tip in app.screen.active_bindings.values()
            if binding.show and enabled}


async def test_escape_then_q_quits_from_an_empty_result(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"zzzz")
        main = await settle(pilot)
        assert main.results.total == 0
        await pilot.press("escape")
        assert app.focused is main.query_one(ResultList)  # the list, though it has no rows
        await pilot.press("q")
        await pilot.pause()
        assert main.query_one("#search", Input).value == "zzzz"  # q was not typed into the query
    assert app.return_code == 0


async def test_X_after_escape_clears_the_filters_named_by_the_empty_state(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        main.session.set_facet("has_code", {"yes"})
        main.run_search()
        await pilot.press(*"zzzz")
        main = await settle(pilot)
        shown = " ".join(line.plain for line in main.query_one(ResultList).message)
        assert "Press escape then X to clear the filters." in shown
        await pilot.press("escape", "X")
        main = await settle(pilot)
        assert main.filters == {} and main.query_one("#search", Input).value == "zzzz"


async def test_question_mark_opens_help_from_the_search_box_and_help_lists_every_key(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        assert isinstance(app.focused, Input)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert main.query_one("#search", Input).value == ""
        text = app.screen.query_one("#help-text").render()
        plain = text.plain if isinstance(text, Content) else str(text)
        for needed in ("enter", "ctrl+d", "escape", "end, G", "Bookmark", "Clear filters", "author:hinton",
                       "category:cs.cl", "year:2024"):
            assert needed in plain, needed
        assert "escape" in footer_keys(app)  # behind help, the footer shows help's keys
        assert "b" not in footer_keys(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is main


async def test_the_footer_shows_only_keys_that_work_where_the_focus_is(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        in_search = footer_keys(app)
        assert "question_mark" in in_search and not {"b", "q", "f", "S"} & in_search
        await pilot.press("escape")
        in_list = footer_keys(app)
        assert {"b", "q", "f", "S", "slash", "question_mark"} <= in_list


async def test_paging_keys_move_the_list_cursor_like_less(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        await pilot.press("escape")
        results = main.query_one(ResultList)
        await pilot.press("space")
        page = results.highlighted
        assert page is not None and page > 5
        await pilot.press("ctrl+b")
        assert results.highlighted == 0
        await pilot.press("G")
        main = await settle(pilot)
        assert results.highlighted == len(results.hits) - 1 or len(results.hits) > 40  # last, or more loaded
        await pilot.press("g")
        assert results.highlighted == 0


async def test_below_100_columns_the_filters_wait_for_f(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=(90, 30)) as pilot:
        main = await settle(pilot)
        filters = main.query_one("#filters")
        assert main.has_class("narrow") and filters.styles.display == "none"
        await pilot.press("escape", "f")
        await pilot.pause()
        assert filters.styles.display == "block" and filters in app.focused.ancestors
        await pilot.press("escape")
        await pilot.pause()
        assert filters.styles.display == "none" and app.focused is main.query_one(ResultList)


async def test_palette_texts_keep_brackets_and_name_every_sort(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        helps = {c.title: Content.from_markup(c.help).plain for c in app.get_system_commands(app.screen)}
        assert helps["Copy Markdown link"] == "Copy [title](link) (m)"
        assert "upvotes" in helps["Cycle sort"]
        assert "Add file or folder" in helps


async def test_an_empty_library_says_how_to_add_papers_and_the_palette_adds_them(isolated_home) -> None:
    from paperdeck.index import locations
    from paperdeck.index.store import Manifest

    Manifest(locations.manifest_path()).save()  # an empty library: no bundled seeds
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        shown = " ".join(line.plain for line in main.query_one(ResultList).message)
        assert main.results.total == 0 and "paperdeck add PATH" in shown and "Add file or folder" in shown
        said: list[str] = []
        notify = main.notify
        main.notify = lambda message, **kw: (said.append(message), notify(message, **kw))[1]  # type: ignore
        main.add_files()
        await pilot.pause()
        app.screen.query_one("#add-path", Input).value = str(SEEDS / "000_60c9915acdce8430.txt")
        await pilot.press("enter")
        main = await settle(pilot)
        assert main.results.total == 71
        assert "Added 1 path: 71 papers." in said  # kept here: a notification may expire before settle returns


async def test_ctrl_q_quits_from_the_search_box_and_a_question_mark_in_a_dialog_is_text(seeded_home) -> None:
    from paperdeck.tui.screens.add_path import AddPathScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        main.add_files()
        await pilot.pause()
        assert isinstance(app.screen, AddPathScreen)
        await pilot.press(*"a?b")
        assert app.screen.query_one("#add-path", Input).value == "a?b"  # typed, not help
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main and isinstance(app.focused, Input)
        await pilot.press("ctrl+q")
    assert app.return_code == 0
