"""Pilot tests for reading and keeping: the full-screen reader, numbered links, undoable removal, the tags/note
draft, a failed save, export that never overwrites silently, and ``o`` saying what happened."""

from __future__ import annotations

import errno
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.widgets import Footer, Input, Static, TextArea

from paperdeck.index import locations
from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.models import Link, PageSeen, Paper
from paperdeck.tui.screens import main_reading
from paperdeck.tui.screens.export import ExportScreen
from paperdeck.tui.screens.tags_note import TagsNoteScreen
from paperdeck.tui.testing import make_app, settle
from paperdeck.tui.widgets.paper_links import link_identity
from paperdeck.tui.widgets.reader import LinkList, Reader
from paperdeck.tui.widgets.result_list import ResultList
from test_tui_pilot import fake_clipboard, notifications  # noqa: F401  (a fixture)
from test_tui_pilot import search_for as pilot_search_for

SIZE = (120, 40)


async def search_for(pilot, text: str):
    """Search, then leave the search box for the list (where the reading keys work)."""
    main = await pilot_search_for(pilot, text)
    await pilot.press("escape")
    return main


@asynccontextmanager
async def app_after_search(text: str = "pruning", size: tuple[int, int] = SIZE):
    """The app with ``text`` searched and the list focused: yields (app, pilot, main screen)."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        yield app, pilot, await search_for(pilot, text)


def shown(widget: Static) -> str:
    return str(widget.content) if widget.display else ""


async def test_undo_brings_back_a_removed_bookmark_with_its_tags_and_note(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        paper = main.query_one(ResultList).current.paper
        BookmarkStore().save_tags_and_note(paper, ["to-read", "llm"], "first line\nsecond line")
        await pilot.press("b")
        await settle(pilot)
        assert paper.key not in BookmarkStore()
        assert notifications(app)[-1] == (f"Removed bookmark: {paper.title} (u brings it back, with its tags "
                                          "and note)")
        await pilot.press("u")
        await settle(pilot)
        back = BookmarkStore().get(paper.key)
        assert back is not None and back.tags == ("to-read", "llm") and back.note == "first line\nsecond line"
        assert notifications(app)[-1] == f"Restored bookmark with its tags and note: {paper.title}"
        await pilot.press("u")
        assert notifications(app)[-1] == "Nothing to undo."


async def test_escape_keeps_the_draft_and_ctrl_s_saves_a_multi_line_note(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        paper = main.query_one(ResultList).current.paper
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagsNoteScreen)
        await pilot.press(*"survey", "enter")  # enter in the tags moves to the note
        assert isinstance(app.focused, TextArea)
        await pilot.press(*"line one", "enter", *"line two")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TagsNoteScreen)
        assert paper.key not in BookmarkStore()  # nothing saved...
        assert "Kept your unsaved tags and note as a draft" in notifications(app)[-1]  # ...but nothing lost
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#tags-input", Input).value == "survey"
        assert dialog.query_one("#note-input", TextArea).text == "line one\nline two"
        assert "Restored your unsaved draft." in shown(dialog.query_one("#tags-status", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = BookmarkStore().get(paper.key)
        assert saved.tags == ("survey",) and saved.note == "line one\nline two"
        assert main.drafts == {}
        note = main.query_one("#reader-note", Static)
        assert "line one\nline two" in shown(note)  # the reader keeps the note's line breaks


async def test_escape_without_changes_just_closes(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert main.drafts == {} and not isinstance(app.screen, TagsNoteScreen)


async def test_a_failed_save_keeps_the_typed_text_on_screen_and_says_so(seeded_home, monkeypatch) -> None:
    def disk_full(self, paper, tags, note):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(BookmarkStore, "save_tags_and_note", disk_full)
    async with app_after_search() as (app, pilot, main):
        paper = main.query_one(ResultList).current.paper
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"keep me", "ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TagsNoteScreen)  # still open
        assert dialog.query_one("#tags-input", Input).value == "keep me"
        status = shown(dialog.query_one("#tags-status", Static))
        assert "Could not save: OSError: [Errno 28] No space left on device" in status
        assert "Your text is still here" in status
        assert paper.key not in BookmarkStore()


async def test_export_defaults_to_the_exports_folder_and_refuses_to_overwrite(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        await pilot.press("b")
        await settle(pilot)
        main.export()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        assert len(dialog.query(Footer)) == 1  # the dialog's own keys, not the main screen's behind it
        target = locations.data_dir() / "exports" / "paperdeck-bookmarks.bib"
        assert dialog.query_one("#export-path", Input).value == str(target)
        target.write_text("precious\n")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and target.read_text() == "precious\n"
        assert f"{target.resolve()} already exists" in shown(dialog.query_one("#export-status", Static))
        await pilot.press("enter")  # the confirmation: same path, second time
        await settle(pilot)
        assert app.screen is main
        assert target.read_text().startswith("@misc{")
        assert notifications(app)[-1] == f"Exported 1 bookmark to {target.resolve()}"


async def test_export_to_an_unwritable_place_keeps_the_dialog_and_says_why(seeded_home, tmp_path: Path) -> None:
    async with app_after_search() as (app, pilot, main):
        main.export()
        await pilot.pause()
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        app.screen.query_one("#export-path", Input).value = str(blocker / "out.bib")  # a file as a folder
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "Could not export" in shown(app.screen.query_one("#export-status", Static))


async def test_full_screen_reader_at_80x24_shows_the_abstract(seeded_home) -> None:
    async with app_after_search("temporal grounding tuning", size=(80, 24)) as (app, pilot, main):
        await pilot.press("enter")
        await settle(pilot)
        assert main.has_class("reading")
        reader = main.query_one(Reader)
        abstract = main.query_one("#reader-abstract", Static)
        assert reader.region.width == 80
        visible = abstract.region.intersection(reader.region)
        assert visible.height >= 5  # several lines of the abstract on the first screen, not just a glimpse
        first_words = " ".join(reader.paper.abstract.split()[:3])
        assert first_words in shown(abstract)
        await pilot.press("j", "j")  # scrolls like less
        assert reader.scroll_y == 2
        await pilot.press("G")
        assert reader.scroll_y == reader.max_scroll_y > 2
        await pilot.press("g")
        assert reader.scroll_y == 0
        await pilot.press("escape")
        assert not main.has_class("reading") and app.focused is main.query_one(ResultList)


async def test_z_zooms_the_focused_pane(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        await pilot.press("z")
        assert main.has_class("zoom-list") and not main.query_one(Reader).display
        await pilot.press("z")
        assert not main.has_class("zoom-list")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("z")
        assert not main.has_class("reading")
        await pilot.press("z")
        assert main.has_class("reading")


def paper_with_everything() -> Paper:
    return Paper(
        key="pages-only-paper", title="Known From Pages", abstract="We study things. " * 20,
        url="https://huggingface.co/papers?q=Known%20From%20Pages",
        links=[Link("https://github.com/Org/Repo", "code", "github.com"),
               Link("https://github.com/org/repo/", "code", "github.com"),
               Link("http://www.github.com/org/repo.git", "code", "github.com"),
               Link("https://org.github.io/project/", "project", "org.github.io"),
               Link("https://org.github.io/project", "project", "org.github.io"),
               Link("javascript:alert(1)", "project", "")],
        pages=[PageSeen("seed.txt", None)], published="2007-04-02",
        ai_summary="A short machine summary.", keywords=["pruning", "LLM"])


async def test_reader_links_are_distinct_numbered_and_work_by_number(seeded_home, fake_clipboard,
                                                                     monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(main_reading, "open_in_browser", lambda url: (opened.append(url) or True, "opened"))
    async with app_after_search() as (app, pilot, main):
        paper = paper_with_everything()
        main.open_in_reader(paper, with_similar=False)
        await settle(pilot)
        links = main.query_one(LinkList)
        assert [(link.label, link.display) for link in links.links] == [
            ("HF search", "huggingface.co/papers?q=Known%20From%20Pages"),
            ("code", "github.com/Org/Repo"),
            ("project", "org.github.io/project"),
        ]
        assert len({link_identity(link.url) for link in links.links}) == len(links.links)
        main.query_one(Reader).focus()
        await pilot.press("2")
        assert app.focused is links and links.current.label == "code"
        await pilot.press("y")
        await settle(pilot)
        assert fake_clipboard[-1] == "https://github.com/Org/Repo"
        await pilot.press("3", "o")
        await settle(pilot)
        assert opened == ["https://org.github.io/project/"]
        await pilot.press("9")
        assert notifications(app)[-1] == "This paper has 3 links: no link 9."


async def test_reader_shows_summary_keywords_publication_date_and_the_search_link_notice(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        main.open_in_reader(paper_with_everything(), with_similar=False)
        await settle(pilot)
        text = {part: shown(main.query_one(f"#{part}", Static))
                for part in ("reader-meta", "reader-notice", "reader-summary", "reader-keywords")}
        assert "published Apr 2 2007" in text["reader-meta"] and "undated" not in text["reader-meta"]
        assert "its link is a Hugging Face search for the title" in text["reader-notice"]
        assert text["reader-summary"] == "AI summary: A short machine summary."
        assert text["reader-keywords"] == "keywords: pruning, LLM"
        arxiv_paper = Paper(key="2401.00001", title="T", abstract="A.", url="https://arxiv.org/abs/2401.00001",
                            arxiv_id="2401.00001")
        main.open_in_reader(arxiv_paper, with_similar=False)
        await settle(pilot)
        assert shown(main.query_one("#reader-notice", Static)) == ""
        assert [link.label for link in main.query_one(LinkList).links] == ["arXiv", "PDF"]


async def test_o_without_a_browser_copies_the_link_and_says_so(seeded_home, fake_clipboard, monkeypatch) -> None:
    monkeypatch.setattr(main_reading, "open_in_browser", lambda url: (False, "no browser found"))
    async with app_after_search() as (app, pilot, main):
        await pilot.press("o")
        await settle(pilot)
        url = main.query_one(ResultList).current.paper.url
        assert fake_clipboard == [url]
        assert notifications(app)[-1] == "Copied the paper link instead (no browser found) via OSC 52 and xclip"


OLD_KEY = "compressing-features-for-learning-with-noisy-labels"
NEW_KEY = "2206.99999"


@pytest.fixture
def renamed_paper(seeded_home, tmp_path: Path):
    """A seed paper that a later source matched to an arXiv id (new key), bookmarked under its old key."""
    import json

    from paperdeck.index.bookmarks import Bookmark
    from paperdeck.index.library import Library

    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps([{"paper": {"id": NEW_KEY, "title": "Compressing Features for Learning with Noisy "
                                           "Labels", "summary": "An abstract.", "authors": [{"name": "A. B"}]},
                                 "publishedAt": "2022-06-30"}]))
    with Library() as library:
        library.add([feed])
        assert library.get(OLD_KEY).key == NEW_KEY
    BookmarkStore().add(Bookmark(key=OLD_KEY, title="old title", url="https://huggingface.co/papers?q=x",
                                 added_at="2026-01-01T00:00:00Z", tags=("kept",), note="my note"))
    return seeded_home


async def test_a_bookmark_under_an_old_key_gets_its_star_and_filter(renamed_paper, monkeypatch) -> None:
    """Without moving the bookmark (the move is switched off here), the stars and the filter resolve old keys."""
    monkeypatch.setattr(main_reading.MainScreenReading, "adopt_old_bookmark_keys", lambda self: None)
    async with app_after_search("compressing features noisy labels") as (app, pilot, main):
        hit = main.query_one(ResultList).current
        assert hit.paper.key == NEW_KEY and hit.bookmarked
        assert NEW_KEY in main.query_one(ResultList).marks  # its row shows the star
        await pilot.press("B")
        main = await settle(pilot)
        assert main.results.total == 1 and main.results.hits[0].paper.key == NEW_KEY


async def test_opening_the_app_moves_old_key_bookmarks_and_refreshes_their_links(renamed_paper) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        main = await settle(pilot)
        await app.workers.wait_for_complete()
        main = await settle(pilot)
    store = BookmarkStore()
    assert store.keys() == {NEW_KEY}
    mark = store.get(NEW_KEY)
    assert (mark.tags, mark.note, mark.url) == (("kept",), "my note", f"https://arxiv.org/abs/{NEW_KEY}")
    assert any("Moved 1 bookmark to the papers' new keys" in n for n in notifications(app))


async def test_similar_titles_render_latex_like_the_list(seeded_home) -> None:
    from paperdeck.index.models import SimilarPaper
    from paperdeck.tui.widgets.reader import SimilarList

    async with app_after_search() as (app, pilot, main):
        other = Paper(key="p-adic", title="On $p$-adic Heights and $\\alpha$-Stable Laws", abstract="A.",
                      url="https://arxiv.org/abs/2401.00009")
        similar = main.query_one(SimilarList)
        similar.show_similar([SimilarPaper(other, 1.0, ("heights", "laws"))])
        prompt = str(similar.get_option_at_index(0).prompt)
        assert prompt.startswith("On p-adic Heights and α-Stable Laws\n") and "$" not in prompt


async def test_the_full_screen_reader_gives_way_to_the_search_box_and_to_an_empty_result(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        await pilot.press("enter")
        await settle(pilot)
        assert main.has_class("reading")
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and not main.has_class("reading")
        await pilot.press("escape", "enter")
        await settle(pilot)
        main.query_one("#search", Input).value = "zzzzqqq"
        await settle(pilot)
        assert not main.has_class("reading") and main.query_one(ResultList).message
