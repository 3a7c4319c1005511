"""The main screen's thread workers: everything that may take time runs here, never on the UI thread.

Why a separate module: each worker only calls the library (or pyperclip) and reports back with a message from
``messages.py``; keeping them together shows at a glance that no worker touches a widget directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.models import Paper, SearchRequest

if TYPE_CHECKING:
    from paperdeck.index.library import Library
from ..clipboard import copy_everywhere
from ..messages import (BookmarksChanged, ClipboardCopied, IndexingProgressed, LibraryChanged, LibraryFailed,
                        LibraryOpened, PaperPrepared, SearchFinished, SimilarFound)


class MainScreenWorkers:
    """Mixed into ``MainScreen`` (a Textual ``Screen``), which provides ``post_message``, ``app``, ``notify``."""

    library: Library | None
    bookmarks: BookmarkStore

    @work(thread=True, exclusive=True, group="library", exit_on_error=False, description="open the library")
    def open_library(self) -> None:
        def progress(done: int, total: int, label: str) -> None:
            self.post_message(IndexingProgressed(done, total, label))
        try:
            from paperdeck.index.library import Library  # Whoosh and numpy load here, not before the first frame

            library = Library(progress=progress)
        except Exception as err:  # an unwritable cache, a full disk: say so instead of a traceback
            self.post_message(LibraryFailed(f"{type(err).__name__}: {err}"))
            return
        self.post_message(LibraryOpened(library, list(library.messages)))
        library.warm()  # facet arrays and vocabulary, while the user reads the first screen

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="search")
    def search_worker(self, request: SearchRequest, generation: int, append: bool = False) -> None:
        assert self.library is not None
        results = self.library.search(request, bookmarks=self.library.resolve_keys(self.bookmarks.keys()))
        if not get_current_worker().is_cancelled:
            self.post_message(SearchFinished(generation, results, append))

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False, description="prepare the reader")
    def reader_worker(self, paper: Paper, query: str, with_similar: bool) -> None:
        assert self.library is not None
        title, abstract = self.library.highlight_paper(paper, query, as_you_type=True)
        self.post_message(PaperPrepared(paper.key, title, abstract))
        if with_similar and not get_current_worker().is_cancelled:
            self.post_message(SimilarFound(paper.key, self.library.similar(paper.key, limit=8)))

    @work(thread=True, exclusive=True, group="highlight", exit_on_error=False, description="mark matches")
    def highlight_worker(self, paper: Paper, query: str) -> None:
        """Re-mark the reader's matches for a new query without touching its similar-papers list."""
        assert self.library is not None
        title, abstract = self.library.highlight_paper(paper, query, as_you_type=True)
        if not get_current_worker().is_cancelled:
            self.post_message(PaperPrepared(paper.key, title, abstract))

    @work(thread=True, group="bookmarks", exit_on_error=False, description="save bookmarks")
    def bookmark_worker(self, paper: Paper) -> None:
        undo_key = None
        try:
            self.adopt_old_key(paper)
            if self.bookmarks.toggle(paper):
                message = "Bookmarked: " + paper.title
            else:
                undo_key = paper.key
                message = f"Removed bookmark: {paper.title} (u brings it back, with its tags and note)"
        except Exception as err:  # read-only data dir, disk full, lock held too long
            message = f"Could not save the bookmark ({type(err).__name__}: {err}); nothing was changed"
        self.post_message(BookmarksChanged(paper.key, message, undo_key))

    @work(thread=True, group="clipboard", exit_on_error=False, description="copy")
    def clipboard_worker(self, text: str, what: str) -> None:
        routes, problem = copy_everywhere(text, lambda t: self.app.call_from_thread(self.app.copy_to_clipboard, t))
        self.post_message(ClipboardCopied(what, routes, problem))

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False, description="watch the library")
    def refresh_worker(self) -> None:
        if self.library is not None and self.library.refresh():
            self.post_message(LibraryChanged("The library changed on disk: results refreshed."))

    @work(thread=True, exclusive=True, group="library", exit_on_error=False, description="rebuild the index")
    def rebuild_worker(self) -> None:
        assert self.library is not None
        self.library.progress = lambda d, t, label: self.post_message(IndexingProgressed(d, t, label))
        try:
            problems = self.library.rebuild()
        finally:
            self.library.progress = None
        summary = f"Rebuilt the index: {self.library.stats().papers} papers."
        self.post_message(LibraryChanged(" ".join([summary, *problems])))
