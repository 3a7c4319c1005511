"""App-level messages: what happened, in the past tense, as small dataclasses.

Why one module: workers report back only through these, so this file is the complete list of things the UI
reacts to that did not come from a key press.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from paperdeck.index import SearchResults, SimilarPaper
from .session import Ticket

if TYPE_CHECKING:  # the library (Whoosh, numpy) is imported by the worker that opens it, after the first frame
    from paperdeck.index import Library


@dataclass
class LibraryOpened(Message):
    """The library is open (and indexed, on a first run); ``messages`` are one-line recovery notices."""

    library: Library
    messages: list[str]


@dataclass
class LibraryFailed(Message):
    """The library could not be opened at all (for example the cache directory is not writable)."""

    error: str


@dataclass
class IndexingProgressed(Message):
    """A step of a first-run index build or a rebuild. Frequent, so a newer one replaces a queued one."""

    done: int
    total: int
    label: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexingProgressed)


@dataclass
class SearchFinished(Message):
    """A search worker finished; the session judges by ``ticket`` whether the answer is still wanted."""

    ticket: Ticket
    results: SearchResults


@dataclass
class SimilarFound(Message):
    """More-like-this results for the paper in the reader."""

    key: str
    similar: list[SimilarPaper]


@dataclass
class ClipboardCopied(Message):
    """A copy finished: ``routes`` lists what worked (OSC 52 is always sent), ``problem`` what did not."""

    what: str
    routes: list[str]
    problem: str | None = None


@dataclass
class LibraryChanged(Message):
    """Another process changed the library (``paperdeck add`` in another terminal) or a rebuild finished."""

    summary: str


@dataclass
class PaperPrepared(Message):
    """The reader's paper with the current query's matches marked (computed in a worker)."""

    key: str
    title: object  # paperdeck.index.models.Span
    abstract: object  # paperdeck.index.models.Span


@dataclass
class BookmarksChanged(Message):
    """A bookmark was added, removed or edited; ``message`` is what to tell the user."""

    key: str
    message: str
    undo_key: str | None = None  # a bookmark that was removed: ``u`` brings it back


@dataclass
class WorkerNoted(Message):
    """A worker has something to tell the user that is not an error of the worker itself."""

    text: str
    severity: str = "information"


@dataclass
class SourcesLabelled(Message):
    """Page files with a label a reader recognises (listing date and a short name), for the source facet."""

    labels: dict[str, str]


@dataclass
class SessionBegun(Message):
    """The session file was read and this session's start recorded: restore where the user left off."""

    session: object  # paperdeck.index.session.Session
    problem: str = ""  # the file could not be read or written: a fresh session, and this says why


@dataclass
class ReadStateChanged(Message):
    """Papers were marked read, unread or dismissed; ``undo`` restores them (None when the change failed)."""

    message: str
    undo: dict | None
    seen: list[str] | None = None  # marked read by opening them in the reader (quietly)


@dataclass
class WatchesCounted(Message):
    """The watches with their unread and total counts, for the Watches pane."""

    rows: list  # [(Watch, unread, total)]


@dataclass
class WatchSaved(Message):
    """``w`` saved a watch (or failed to: ``message`` says which)."""

    message: str


@dataclass
class TrendingFound(Message):
    """One ranking of the Trending pane: ``mode`` rising, week or month; rows of (Paper, gain or upvotes)."""

    mode: str
    rows: list  # [(Paper, str)]
