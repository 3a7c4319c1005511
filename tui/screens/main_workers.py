"""The main screen's background work: plain functions the screen runs in thread workers.

Why plain functions with explicit arguments: each one shows exactly what it reads (the library, a request, a
paper) and reports only through ``post`` with a message from ``messages.py``; none touches a widget, and none
needs the screen's state. A failure is not caught here: it ends the worker in the ERROR state, and the screen's
one ``Worker.StateChanged`` handler shows it and clears any progress.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from paperdeck.index import plural
from paperdeck.index import BookmarkStore
from paperdeck.index import Paper, SearchRequest

if TYPE_CHECKING:  # Whoosh and numpy load in the worker that opens the library, after the first frame
    from paperdeck.index import Library
    from paperdeck.index import UserFacets
from ..clipboard import copy_everywhere
from ..messages import (BookmarksChanged, ClipboardCopied, IndexingProgressed, LibraryChanged, LibraryFailed,
                        LibraryOpened, PaperPrepared, SearchFinished, SimilarFound, SourcesLabelled,
                        WorkerNoted)
from ..session import Ticket
from ..widgets.filter_pane import short_source
from ..widgets.render import listing_label

Post = Callable[[Message], object]


def open_library(post: Post) -> None:
    def progress(done: int, total: int, label: str) -> None:
        post(IndexingProgressed(done, total, label))
    try:
        from paperdeck.index import Library  # Whoosh and numpy load here, not before the first frame

        library = Library(progress=progress)
    except Exception as err:  # an unwritable cache, a full disk: say so on the loading screen
        post(LibraryFailed(f"{type(err).__name__}: {err}"))
        return
    post(LibraryOpened(library, list(library.messages)))
    library.warm()  # facet arrays and vocabulary, while the user reads the first screen


def search(library: Library, ticket: Ticket, marks: frozenset[str], user_facets: Callable[[], UserFacets],
           post: Post) -> None:
    """A cancelled search (a newer one superseded it) ends quietly: the session runs the newer one next.
    ``user_facets`` reads the tags and read state here, in the worker (the read-state file is on disk)."""
    from paperdeck.index import SearchCancelled  # loaded with the library, after the first frame

    try:
        results = library.search(ticket.request, bookmarks=library.resolve_keys(marks), cancel=ticket.cancel,
                                 user_facets=user_facets())
    except SearchCancelled:
        return
    if not get_current_worker().is_cancelled:
        post(SearchFinished(ticket, results))


MAX_LABELLED_SOURCES = 200  # one small search each; beyond this many pages the short file name has to do


def label_sources(library: Library, post: Post) -> None:
    """Label each page file with the listing date most of its papers carry, through the public search API."""
    everything = library.search(SearchRequest("", page_size=1, with_snippets=False))
    labels: dict[str, str] = {}
    for source, _count in everything.facets.get("source", ())[:MAX_LABELLED_SOURCES]:
        if get_current_worker().is_cancelled:
            return
        listed = library.search(SearchRequest("", filters=(("source", source),), page_size=1,
                                              with_snippets=False)).facets.get("listed", ())
        dated = [(count, value) for value, count in listed if value != "undated"]
        if dated:
            labels[source] = f"{listing_label(max(dated)[1])} · {short_source(source)}"
    post(SourcesLabelled(labels))


def prepare_reader(library: Library, paper: Paper, query: str, with_similar: bool, post: Post) -> None:
    title, abstract = library.highlight_paper(paper, query, as_you_type=True)
    post(PaperPrepared(paper.key, title, abstract))
    if with_similar and not get_current_worker().is_cancelled:
        post(SimilarFound(paper.key, library.similar(paper.key, limit=8)))


def adopt_old_key(bookmarks: BookmarkStore, library: Library | None, paper: Paper) -> None:
    """A bookmark saved under an older key of this paper moves to its current key."""
    if library is None or paper.key in bookmarks:
        return
    found = bookmarks.find(paper.key, library.resolve_keys)
    if found is not None:
        bookmarks.rekey({found.key: paper.key})


def toggle_bookmark(bookmarks: BookmarkStore, library: Library | None, paper: Paper, post: Post) -> None:
    """Bookmark the paper, or remove its bookmark (kept as removed: ``u`` brings it back)."""
    undo_key = None
    try:
        adopt_old_key(bookmarks, library, paper)
        if bookmarks.toggle(paper):
            message = "Bookmarked: " + paper.title
        else:
            undo_key = paper.key
            message = f"Removed bookmark: {paper.title} (u brings it back, with its tags and note)"
    except Exception as err:  # read-only data dir, disk full, lock held too long
        message = f"Could not save the bookmark ({type(err).__name__}: {err}); nothing was changed"
    post(BookmarksChanged(paper.key, message, undo_key))


def restore_bookmark(bookmarks: BookmarkStore, key: str, post: Post) -> None:
    try:
        restored = bookmarks.restore(key)
        message = "Restored bookmark with its tags and note: " + restored.title
    except KeyError:
        message = "That bookmark was already restored (or emptied from the removed list)."
    except Exception as err:  # read-only data dir, disk full, lock held too long
        message = f"Could not restore the bookmark ({type(err).__name__}: {err}); it is still kept as removed"
    post(BookmarksChanged(key, message))


def move_old_bookmark_keys(bookmarks: BookmarkStore, library: Library, post: Post) -> None:
    """Move bookmarks saved under old keys to their papers' current keys, and refresh their links."""
    keys = bookmarks.keys()
    moves = {k: new for k in keys if (new := next(iter(library.resolve_keys([k])))) != k}
    moved = bookmarks.rekey(moves) if moves else 0
    bookmarks.refresh_from(library.get)
    if moved:
        post(BookmarksChanged("", f"Moved {plural(moved, 'bookmark')} to the papers' new keys (matched to arXiv "
                                  "ids)."))


def copy(text: str, what: str, osc52: Callable[[str], object], post: Post) -> None:
    routes, problem = copy_everywhere(text, osc52)
    post(ClipboardCopied(what, routes, problem))


def open_link(url: str, what: str, opener: Callable[[str], tuple[bool, str]], osc52: Callable[[str], object],
              post: Post) -> None:
    """Open the link with ``opener`` (``browser.open_in_browser``); when no browser could, copy it instead, and
    say which happened."""
    opened, detail = opener(url)
    if opened:
        post(WorkerNoted(f"Opened {what} in the browser: {url}"))
        return
    routes, problem = copy_everywhere(url, osc52)
    post(ClipboardCopied(f"{what} instead ({detail})", routes, problem))


def watch_library(library: Library, post: Post) -> None:
    if library.refresh():
        post(LibraryChanged("The library changed on disk: results refreshed."))


def rebuild(library: Library, post: Post) -> None:
    library.progress = lambda done, total, label: post(IndexingProgressed(done, total, label))
    try:
        problems = library.rebuild()
    finally:
        library.progress = None
    post(LibraryChanged(" ".join([f"Rebuilt the index: {plural(library.stats().papers, 'paper')}.", *problems])))


def add_paths(library: Library, paths: list[Path], post: Post) -> None:
    """Add files or folders from inside the app (the palette's "Add file or folder")."""
    library.progress = lambda done, total, label: post(IndexingProgressed(done, total, label))
    try:
        reports = library.add(paths)
    finally:
        library.progress = None
    landed = sum(r.papers for r in reports if r.status in ("added", "updated"))
    skipped = [f"{r.source}: {r.reason}" for r in reports if r.status == "skipped"]
    summary = f"Added {len(paths)} path{'s' if len(paths) != 1 else ''}: {landed} paper{'s' if landed != 1 else ''}."
    post(LibraryChanged(" ".join([summary, *(f"Skipped {s}." for s in skipped)])))
