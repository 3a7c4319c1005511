"""The main screen's reading and keeping actions: full-screen reader, links by number, undoable removal,
tags/note drafts, export, and opening links that says what happened.

Why apart from ``main_actions.py``: these actions share state of their own (drafts, the undo list) and their
own workers; keeping them together keeps the main screen's modules small and the bindings in one block.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from paperdeck.index import Bookmark, BookmarkStore
from paperdeck.index import plural
from paperdeck.index import DraftStore
from paperdeck.index import export_bookmarks, write_export
from paperdeck.index import Paper
from ..browser import open_in_browser
from ..messages import BookmarksChanged
from ..widgets.reader import LinkChosen, Reader
from ..widgets.result_list import ResultList
from . import main_workers as workers
from .export import ExportScreen
from .tags_note import NoteDraft, TagsNoteScreen, draft_kept_notice

if TYPE_CHECKING:
    from textual.worker import Worker

    from paperdeck.index import Library

READING_BINDINGS = [
    Binding("z", "zoom", "Zoom", id="zoom", tooltip="Give the focused pane (reader or list) the whole screen"),
]


class MainScreenReading:
    """Mixed into ``MainScreen`` (a Textual ``Screen``), which provides what is declared here."""

    if TYPE_CHECKING:
        library: Library | None
        bookmarks: BookmarkStore
        app: Any
        focused: Any

        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def set_class(self, add: bool, *names: str) -> Any: ...
        def has_class(self, *names: str) -> bool: ...
        def add_class(self, *names: str) -> Any: ...
        def remove_class(self, *names: str) -> Any: ...
        def post_message(self, message: Any) -> bool: ...
        def copy_in_thread(self, text: str | None, what: str) -> None: ...
        def checked_link(self, url: str, what: str) -> str | None: ...
        def osc52(self, text: str) -> None: ...
        def run_in_thread(self, job: Callable[..., None], *args: object, group: str, description: str,
                          exclusive: bool = True) -> Worker[None]: ...

    def init_reading(self) -> None:
        self.drafts: dict[str, NoteDraft] = {}  # unsaved tags/note per paper key whose disk write failed
        self.draft_store = DraftStore()  # unsaved tags/note on disk (``drafts.json``): they survive a restart
        self.undo_keys: list[str] = []  # bookmarks removed in this session, last one last

    # -- full screen -----------------------------------------------------------------------------------------

    def read_full_screen(self, on: bool = True) -> None:
        self.set_class(on, "reading")
        if on:
            self.remove_class("zoom-list")

    def action_zoom(self) -> None:
        """Zoom the focused pane: the reader (or anything in it) to full screen, else the result list."""
        reader = self.query_one(Reader)
        focused = self.focused
        if focused is not None and reader in focused.ancestors_with_self:
            self.read_full_screen(not self.has_class("reading"))
            return
        if self.has_class("reading") or self.has_class("zoom-list"):
            self.remove_class("reading", "zoom-list")
            return
        self.add_class("zoom-list")
        self.query_one(ResultList).focus()

    def leave_zoom(self) -> None:
        self.remove_class("reading", "zoom-list")

    def on_descendant_focus(self, event: object) -> None:
        """A zoomed pane gives way when focus leaves it (``/`` to the hidden search box, ``f`` to the filters)."""
        focused = self.focused
        if focused is None:
            return
        in_reader = self.query_one(Reader) in focused.ancestors_with_self
        if (self.has_class("reading") and not in_reader) or (self.has_class("zoom-list") and in_reader):
            self.leave_zoom()

    # -- links -----------------------------------------------------------------------------------------------

    def on_link_chosen(self, message: LinkChosen) -> None:
        """(Handlers in this mixin go by name: Textual's ``@on`` only registers on the widget class itself.)"""
        what = f"the {message.label} link"
        url = self.checked_link(message.url, what)
        if url is None:
            return
        if message.action == "copy":
            self.copy_in_thread(url, what)
        else:
            self.open_link(url, what)

    def open_link(self, url: str, what: str = "the paper link") -> None:
        """Open ``url`` in a browser (or copy it when there is none); the module's ``open_in_browser`` is
        looked up here, at the call, so tests can stand in for the browser."""
        self.run_in_thread(workers.open_link, url, what, open_in_browser, self.osc52, group="browser",
                           exclusive=False, description="open a link")

    # -- bookmarks: removal is undoable, old keys are adopted ------------------------------------------------

    def adopt_old_bookmark_keys(self) -> None:
        """Bookmarks saved under old keys move to their papers' current keys (after the library opens or changes)."""
        if self.library is not None:
            self.run_in_thread(workers.move_old_bookmark_keys, self.bookmarks, self.library, group="bookmark-keys",
                               description="move bookmarks to new keys")

    def action_undo_remove(self) -> None:
        if not self.undo_keys:
            self.notify("Nothing to undo: no bookmark was removed in this session.", markup=False)
            return
        self.run_in_thread(workers.restore_bookmark, self.bookmarks, self.undo_keys.pop(), group="bookmarks",
                           exclusive=False, description="restore the bookmark")

    # -- dialogs ---------------------------------------------------------------------------------------------

    def edit_tags_and_note(self, paper: Paper) -> None:
        def save(tags: list[str], note: str) -> Bookmark:
            workers.adopt_old_key(self.bookmarks, self.library, paper)
            return self.bookmarks.save_tags_and_note(paper, tags, note)

        def closed(result: Bookmark | NoteDraft | None) -> None:
            if isinstance(result, Bookmark):
                self.drafts.pop(paper.key, None)
                self.post_message(BookmarksChanged(paper.key, "Saved tags and note: " + paper.title))
            elif isinstance(result, NoteDraft):
                if result.on_disk:
                    self.drafts.pop(paper.key, None)
                else:
                    self.drafts[paper.key] = result
                self.notify(draft_kept_notice(result), markup=False)
            else:
                self.drafts.pop(paper.key, None)
        dialog = TagsNoteScreen(paper.title, self.bookmarks.get(paper.key), save, self.drafts.get(paper.key),
                                paper.key, self.draft_store)
        self.app.push_screen(dialog, closed)

    def export(self) -> None:
        def write(fmt: str, path: Path, overwrite: bool) -> tuple[Path, int]:
            marks = self.bookmarks.all()
            return write_export(export_bookmarks(marks, fmt), path, overwrite), len(marks)

        def written(result: tuple[Path, int] | None) -> None:
            if result is not None:
                path, count = result
                self.notify(f"Exported {plural(count, 'bookmark')} to {path}", markup=False)
        self.app.push_screen(ExportScreen(write), written)
