"""The bookmarks view (``v``): newest added first, title + tags + the note's first line, filter by tag, ``enter``
opens the paper in the reader; plus its snapshot."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, strategies as st
from textual.widgets import Input, OptionList

from paperdeck.index.bookmarks import Bookmark, BookmarkStore
from paperdeck.index.clean import latex_to_display
from paperdeck.tui.screens.bookmarks import BookmarksScreen, bookmark_row, first_line, matches_tag
from paperdeck.tui.testing import make_app, settle
from paperdeck.tui.widgets.reader import Reader

PAPERS = [  # key, tags, note, added
    ("compressing-features-for-learning-with-noisy-labels", ["noise", "to-read"],
     "\n  check [/] section 4\nsecond line", "2026-01-01T00:00:00Z"),
    ("r-2-tuning-efficient-image-to-video-transfer-learning-for-video-temporal-groundi-d2d9c6f0", ["video"],
     "", "2026-03-05T10:00:00Z"),
    ("2401.99999", ["[bold]to-read"], "gone from the library", "2026-02-01T00:00:00Z"),
]


@pytest.fixture
def three_bookmarks(seeded_home):
    """Two papers of the library and one whose paper is not in it, each added on a fixed date."""
    from paperdeck.index.library import Library

    store = BookmarkStore()
    with Library() as library:
        for key, tags, note, added in PAPERS:
            paper = library.get(key)
            mark = (Bookmark.for_paper(paper, tags, note) if paper is not None else
                    Bookmark(key=key, title="A Paper Nobody Indexed", url="https://arxiv.org/abs/2401.99999",
                             added_at=added, tags=tuple(tags), note=note, arxiv_id="2401.99999"))
            store.add(replace(mark, added_at=added))
    return seeded_home


async def open_view(pilot) -> BookmarksScreen:
    await settle(pilot)
    await pilot.press("escape", "v")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, BookmarksScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.loaded
    return screen


def rows(screen: BookmarksScreen) -> list[str]:
    options = screen.query_one("#bookmarks-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_view_lists_bookmarks_newest_first_with_tags_and_the_notes_first_line(three_bookmarks) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_view(pilot)
        assert [b.key for b in screen.shown] == [PAPERS[1][0], PAPERS[2][0], PAPERS[0][0]]
        first, second, third = rows(screen)
        assert first.splitlines()[0] == latex_to_display(screen.shown[0].title)  # as the result list shows it
        assert first.splitlines()[0].startswith("R²-Tuning")
        assert first.splitlines()[1] == "2026-03-05 · #video"
        assert second.splitlines() == ["A Paper Nobody Indexed", "2026-02-01 · #[bold]to-read · gone from the library"]
        assert third.splitlines()[1] == "2026-01-01 · #noise #to-read · check [/] section 4"  # brackets literal
        assert "3 bookmarks, newest added first" in str(screen.query_one("#bookmarks-title").render())
        assert "#to-read 1" in str(screen.query_one("#bookmarks-tags").render())


async def test_typing_a_tag_narrows_the_list_and_enter_opens_the_paper_in_the_reader(three_bookmarks) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_view(pilot)
        await pilot.press("slash", *"to")
        assert isinstance(app.focused, Input)
        assert [b.key for b in screen.shown] == [PAPERS[0][0]]  # "to" starts "to-read", not "[bold]to-read"
        assert "1 of 3 bookmarks" in str(screen.query_one("#bookmarks-title").render())
        await pilot.press("backspace", "backspace", *"#vid")
        assert [b.key for b in screen.shown] == [PAPERS[1][0]]
        await pilot.press(*"zzz")
        assert screen.shown == [] and "none tagged" in str(screen.query_one("#bookmarks-title").render())
        await pilot.press(*["backspace"] * 3, "enter")  # enter in the tag box goes to the list
        assert isinstance(app.focused, OptionList)
        await pilot.press("enter")
        main = await settle(pilot)
        assert app.screen is main and main.has_class("reading")  # the full-screen reader
        reader = main.query_one(Reader)
        assert reader.paper.key == PAPERS[1][0] and reader in app.focused.ancestors_with_self


async def test_a_bookmark_whose_paper_left_the_library_opens_with_what_it_knows(three_bookmarks) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot)
        await pilot.press("j", "enter")
        main = await settle(pilot)
        paper = main.query_one(Reader).paper
        assert (paper.key, paper.title, paper.url) == ("2401.99999", "A Paper Nobody Indexed",
                                                       "https://arxiv.org/abs/2401.99999")


async def test_escape_closes_the_view_and_an_empty_one_says_how_to_bookmark(seeded_home) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(pilot)
        assert screen.shown == []
        assert "No bookmarks yet: press b on a paper" in str(screen.query_one("#bookmarks-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen


@given(st.text(), st.lists(st.text(max_size=12), max_size=4), st.text())
def test_any_bookmark_text_makes_an_inert_two_line_row(title: str, tags: list[str], note: str) -> None:
    mark = Bookmark(key="k", title=title or "t", url="https://arxiv.org/abs/1", added_at="2026-01-01T00:00:00Z",
                    tags=tuple(t for t in tags if t.strip()), note=note)
    row = bookmark_row(mark)
    text = row.plain
    assert text.count("\n") == 1  # every row has the same shape
    assert "\x1b" not in text and "\r" not in text
    assert "\n" not in first_line(note)
    assert matches_tag(mark, "")  # no tag typed: everything shows


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_bookmarks_view_snapshot(snap_compare, three_bookmarks, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await open_view(pilot)
    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


async def test_the_palette_opens_the_bookmarks_view(three_bookmarks) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Bookmarks view")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
