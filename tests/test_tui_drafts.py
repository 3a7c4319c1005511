"""Pilot tests: a tags/note draft survives quitting the app, is discarded only on purpose, and a write that fails
(disk full) keeps what the user typed on screen and says so, in the tags/note and export dialogs."""

from __future__ import annotations

import errno

from textual.widgets import Footer, Input, Static, TextArea

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.drafts import DraftStore
from paperdeck.tui.screens import main_reading
from paperdeck.tui.screens.export import ExportScreen
from paperdeck.tui.screens.tags_note import TagsNoteScreen
from paperdeck.tui.testing import settle
from paperdeck.tui.widgets.result_list import ResultList
from test_tui_keyboard import footer_keys
from test_tui_pilot import notifications
from test_tui_reading import app_after_search, shown


def disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


async def open_dialog(pilot, app) -> TagsNoteScreen:
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(app.screen, TagsNoteScreen)
    return app.screen


def typed(dialog: TagsNoteScreen) -> tuple[str, str]:
    return dialog.query_one("#tags-input", Input).value, dialog.query_one("#note-input", TextArea).text


async def test_a_draft_left_with_escape_is_offered_again_after_a_restart(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        key = main.query_one(ResultList).current.paper.key
        await open_dialog(pilot, app)
        await pilot.press(*"survey", "enter", *"line one", "enter", *"line two", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, TagsNoteScreen)
        assert "(it survives a restart)" in notifications(app)[-1]
    assert DraftStore().get(key).note == "line one\nline two"  # on disk once the app has quit
    async with app_after_search() as (app, pilot, main):  # a new start
        assert main.query_one(ResultList).current.paper.key == key
        dialog = await open_dialog(pilot, app)
        assert typed(dialog) == ("survey", "line one\nline two")
        assert "Restored your unsaved draft." in shown(dialog.query_one("#tags-status", Static))
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = BookmarkStore().get(key)
        assert saved.tags == ("survey",) and saved.note == "line one\nline two"
    assert DraftStore().get(key) is None  # saved: the draft is gone


async def test_ctrl_r_twice_discards_the_draft_and_leaves_the_saved_note_alone(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        paper = main.query_one(ResultList).current.paper
        BookmarkStore().save_tags_and_note(paper, ["kept"], "the saved note")
        DraftStore().keep(paper.key, "kept, more", "the saved note and a draft")
        dialog = await open_dialog(pilot, app)
        assert typed(dialog) == ("kept, more", "the saved note and a draft")
        assert dialog.query(Footer) and {"escape", "ctrl+s", "ctrl+r"} <= footer_keys(app)  # the dialog's keys
        assert "b" not in footer_keys(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.screen is dialog  # the first press only asks
        assert "Press ctrl+r again" in shown(dialog.query_one("#tags-status", Static))
        assert DraftStore().get(paper.key) is not None
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not isinstance(app.screen, TagsNoteScreen)
        assert notifications(app)[-1] == "Discarded the draft."
        assert DraftStore().get(paper.key) is None
        bookmark = BookmarkStore().get(paper.key)
        assert bookmark.tags == ("kept",) and bookmark.note == "the saved note"
        dialog = await open_dialog(pilot, app)  # the next t shows the saved text
        assert typed(dialog) == ("kept", "the saved note")
        assert "ctrl+r" not in footer_keys(app)  # no draft: nothing to discard


async def test_typing_a_draft_back_to_the_saved_text_removes_the_draft(seeded_home) -> None:
    async with app_after_search() as (app, pilot, main):
        paper = main.query_one(ResultList).current.paper
        DraftStore().keep(paper.key, "x", "")
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#tags-input", Input).value = ""  # back to "no tags, no note", as saved
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TagsNoteScreen)
        assert DraftStore().get(paper.key) is None


async def test_a_draft_that_cannot_be_written_stays_on_screen_and_says_so(seeded_home, monkeypatch) -> None:
    monkeypatch.setattr(DraftStore, "keep", disk_full)
    async with app_after_search() as (app, pilot, main):
        key = main.query_one(ResultList).current.paper.key
        dialog = await open_dialog(pilot, app)
        await pilot.press(*"keep me", "enter", *"my note", "escape")
        await settle(pilot)
        assert app.screen is dialog  # still open, the text as typed
        assert typed(dialog) == ("keep me", "my note")
        status = shown(dialog.query_one("#tags-status", Static))
        assert "Could not write the draft: OSError: [Errno 28] No space left on device" in status
        assert "Your text is still here" in status
        await pilot.press("escape")  # the second escape closes; the draft stays in memory
        await settle(pilot)
        assert not isinstance(app.screen, TagsNoteScreen)
        assert "(it could not be written, so it lasts until you quit)" in notifications(app)[-1]
        dialog = await open_dialog(pilot, app)
        assert typed(dialog) == ("keep me", "my note")
    assert DraftStore().get(key) is None and key not in BookmarkStore()


async def test_an_export_on_a_full_disk_keeps_the_path_typed_and_says_so(seeded_home, monkeypatch) -> None:
    monkeypatch.setattr(main_reading, "write_export", disk_full)
    async with app_after_search() as (app, pilot, main):
        main.export()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#export-path", Input).value = "~/my-papers.bib"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#export-path", Input).value == "~/my-papers.bib"
        assert ("Could not export: OSError: No space left on device"
                in shown(dialog.query_one("#export-status", Static)))
