"""The daily loop's background work: plain functions the main screen runs with ``run_in_thread``.

Why plain functions (as in ``main_workers.py``): each shows exactly what it reads and reports only through
``post``; a failure (a read-only data directory, a lock held too long) is not caught here but ends the worker in
the ERROR state, where the screen's one ``Worker.StateChanged`` handler shows it ("Could not save read state:
...") like any other worker's failure. Nothing was changed then: each store writes in one locked step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from paperdeck.index import every_hit
from paperdeck.index import SearchRequest
from paperdeck.index import ReadState, Undo
from paperdeck.index import WatchStore
from ..messages import ReadStateChanged, WatchesCounted, WatchSaved

if TYPE_CHECKING:
    from paperdeck.index import Library
    from paperdeck.index import UserFacets

Post = Callable[[Message], object]
EVERYTHING = 100_000  # ``R`` marks every paper the search lists, not only the loaded rows


def change_reading(state: ReadState, change: str, keys: list[str], title: str, undo: Undo | None,
                   post: Post) -> None:
    """``change``: read, unread, dismiss, seen (opened in the reader: quiet) or restore (``undo``)."""
    if change == "restore":
        assert undo is not None
        state.restore(undo)
        post(ReadStateChanged(f"Undone: {title}", None))
    elif change == "seen":
        state.mark_read(keys)
        post(ReadStateChanged("", None, keys))
    elif change == "dismiss":
        post(ReadStateChanged(f"Not interested: {title} (u undoes)", state.dismiss(keys)))
    else:
        done = state.mark_read(keys, read=change == "read")
        text = "Marked read" if change == "read" else "Marked unread"
        post(ReadStateChanged(f"{text}: {title} (u undoes)", done))


def mark_everything_read(state: ReadState, library: Library, request: SearchRequest, marks: frozenset[str],
                         user_facets: Callable[[], UserFacets], post: Post) -> None:
    """``R``: every paper the search lists (found here, in the worker: it may be thousands)."""
    keys = [hit.paper.key for hit in every_hit(library, request, marks, user_facets(), EVERYTHING)]
    change_reading(state, "read", keys, f"{len(keys)} papers", None, post)


def save_watch(store: WatchStore, name: str, request: SearchRequest, post: Post) -> None:
    watch = store.save(name, request.query, request.filters, request.exclude)
    post(WatchSaved(f"Saved watch: {watch.name}"))


def count_watches(store: WatchStore, library: Library, marks: frozenset[str],
                  user_facets: Callable[[], UserFacets], post: Post) -> None:
    """Each watch with its unread and total counts (two one-row searches per watch)."""
    facets = user_facets()
    rows = []
    for watch in store.all():
        options = {"page_size": 1, "with_facets": False, "with_snippets": False}
        total = library.search(watch.request(**options), marks, user_facets=facets).total
        unread = library.search(watch.request(unread_only=True, **options), marks, user_facets=facets).total
        rows.append((watch, unread, total))
    post(WatchesCounted(rows))
