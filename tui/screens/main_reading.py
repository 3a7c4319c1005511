"""The main screen's reading and keeping actions: full-screen reader, links by number, undoable removal,
tags/note drafts, export, and opening links that says what happened.

Why apart from ``main_actions.py``: these actions share state of their own (drafts, the undo list) and their
own workers; keeping them together keeps the main screen's modules small and the bindings in one block.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding

from paperdeck.index.bookmarks import Bookmark, BookmarkStore
from paperdeck.index.export import export_bookmarks, write_export
from paperdeck.index.models import Paper
from ..browser import open_in_browser
from ..clipboard import copy_everywhere
from ..messages import BookmarksChanged, ClipboardCopied, LinkOpened
from ..widgets.reader import LinkChosen, Reader
from ..widgets.result_list import ResultList
from .export import ExportScreen
from .tags_note import NoteDraft, TagsNoteScreen

if TYPE_CHECKING:
    from paperdeck.index.library import Library

READING_BINDINGS = [
    Binding("z", "zoom", "Zoom", id="zoom", tooltip="Give the focused pane (reader or list) the whole screen"),
    Binding("u", "undo_remove", "Undo removal", id="undo_remove", show=False,
            tooltip="Bring back the last removed bookmark with its tags and note"),
]


class MainScreenReading:
    """Mixed into ``MainScreen``, which provides the widgets, ``library``, ``bookmarks`` and ``current_paper``."""

    library: Library | None
    bookmarks: BookmarkStore

    def init_reading(self) -> None:
        self.drafts: dict[str, NoteDraft] = {}  # unsaved tags/note per paper key
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
        if message.action == "copy":
            self.clipboard_worker(message.url, f"the {message.label} link")
        else:
            self.open_link(message.url, f"the {message.label} link")

    def open_link(self, url: str, what: str = "the paper link") -> None:
        self.open_worker(url, what)

    @work(thread=True, group="browser", exit_on_error=False, description="open a link")
    def open_worker(self, url: str, what: str) -> None:
        opened, detail = open_in_browser(url)
        if opened:
            self.post_message(LinkOpened(url, f"Opened {what} in the browser: {url}"))
            return
        routes, problem = copy_everywhere(url, lambda t: self.app.call_from_thread(self.app.copy_to_clipboard, t))
        self.post_message(ClipboardCopied(f"{what} instead ({detail})", routes, problem))

    def on_link_opened(self, message: LinkOpened) -> None:
        self.notify(message.message, markup=False)

    # -- bookmarks: removal is undoable, old keys are adopted ------------------------------------------------

    def adopt_old_key(self, paper: Paper) -> None:
        """A bookmark saved under an older key of this paper moves to its current key (worker threads only)."""
        if self.library is None or paper.key in self.bookmarks:
            return
        found = self.bookmarks.find(paper.key, self.library.resolve_keys)
        if found is not None:
            self.bookmarks.rekey({found.key: paper.key})

    @work(thread=True, exclusive=True, group="bookmark-keys", exit_on_error=False, description="bookmark keys")
    def bookmark_keys_worker(self) -> None:
        """Move bookmarks saved under old keys to their papers' current keys, and refresh their links."""
        library = self.library
        if library is None:
            return
        keys = self.bookmarks.keys()
        moves = {k: new for k in keys if (new := next(iter(library.resolve_keys([k])))) != k}
        moved = self.bookmarks.rekey(moves) if moves else 0
        self.bookmarks.refresh_from(library.get)
        if moved:
            self.post_message(BookmarksChanged("", f"Moved {moved} bookmark{'s' if moved != 1 else ''} to the "
                                                   "papers' new keys (matched to arXiv ids)."))

    def action_undo_remove(self) -> None:
        if not self.undo_keys:
            self.notify("Nothing to undo: no bookmark was removed in this session.", markup=False)
            return
        self.restore_worker(self.undo_keys.pop())

    @work(thread=True, group="bookmarks", exit_on_error=False, description="restore a bookmark")
    def restore_worker(self, key: str) -> None:
        try:
            restored = self.bookmarks.restore(key)
            message = "Restored bookmark with its tags and note: " + restored.title
        except KeyError:
            message = "That bookmark was already restored (or emptied from the removed list)."
        except Exception as err:  # read-only data dir, disk full, lock held too long
            message = f"Could not restore the bookmark ({type(err).__name__}: {err}); it is still kept as removed"
        self.post_message(BookmarksChanged(key, message))

    # -- dialogs ---------------------------------------------------------------------------------------------

    def edit_tags_and_note(self, paper: Paper) -> None:
        def save(tags: list[str], note: str) -> Bookmark:
            self.adopt_old_key(paper)
            return self.bookmarks.save_tags_and_note(paper, tags, note)

        def closed(result: Bookmark | NoteDraft | None) -> None:
            if isinstance(result, Bookmark):
                self.drafts.pop(paper.key, None)
                self.post_message(BookmarksChanged(paper.key, "Saved tags and note: " + paper.title))
            elif isinstance(result, NoteDraft):
                self.drafts[paper.key] = result
                self.notify("Kept your unsaved tags and note as a draft: press t on this paper to go on, "
                            "ctrl+s to save.", markup=False)
        dialog = TagsNoteScreen(paper.title, self.bookmarks.get(paper.key), save, self.drafts.get(paper.key))
        self.app.push_screen(dialog, closed)

    def export(self) -> None:
        def write(fmt: str, path: Path, overwrite: bool) -> tuple[Path, int]:
            marks = self.bookmarks.all()
            return write_export(export_bookmarks(marks, fmt), path, overwrite), len(marks)

        def written(result: tuple[Path, int] | None) -> None:
            if result is not None:
                path, count = result
                self.notify(f"Exported {count} bookmark{'s' if count != 1 else ''} to {path}", markup=False)
        self.app.push_screen(ExportScreen(write), written)
