"""SearchSession: what the user is searching for and which answer belongs on screen. Plain Python, no Textual.

Why a plain object: the rules that decide what the list shows (a new search supersedes everything before it, a
further page is appended only to the search it belongs to, at most one search runs at a time and the latest text
runs when it ends) are the part of the app most easily broken by a small change, and they are testable without
starting a terminal app. The screen only translates widget events into calls here, runs the requests this object
hands out in workers, and shows what ``accept`` lets through.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

from paperdeck.index import SORT_ORDERS, SearchRequest, SearchResults, SortOrder

PAGE_SIZE = 40  # rows per request; further pages load as the cursor nears the end

Verdict = Literal["new", "append", "stale"]


@dataclass(frozen=True, slots=True)
class Ticket:
    """One request handed to a worker: the answer carries it back so the session can judge it."""

    request: SearchRequest
    generation: int  # which search this belongs to; a newer search makes older tickets stale
    append: bool = False  # a further page of the search of the same generation
    cancel: threading.Event = field(default_factory=threading.Event, compare=False, repr=False)  # set: stop it


@dataclass
class SearchSession:
    """Query, filters, sort and paging of the one search on screen, and the stale-answer rule."""

    page_size: int = PAGE_SIZE
    query: str = ""
    filters: dict[str, set[str]] = field(default_factory=dict)
    excluded: dict[str, set[str]] = field(default_factory=dict)  # facet values left out (the daily loop's `-`)
    sort_index: int = 0
    generation: int = 0  # bumped by every new search
    answered_generation: int = 0  # the generation whose first page is on screen
    results: SearchResults | None = None  # that first page (totals, facets, notes, suggestion)
    loaded_pages: int = 0
    searching: Ticket | None = None  # the new search in flight, if any
    paging: Ticket | None = None  # the further page in flight, if any
    rerun: bool = False  # the request changed while a search was in flight: run again when it ends
    error: str | None = None  # the last search of this generation failed with this

    # -- what to search --------------------------------------------------------------------------------------

    @property
    def sort(self) -> SortOrder:
        return SORT_ORDERS[self.sort_index]

    def set_query(self, text: str) -> bool:
        """The search box changed; True when the text differs from the last one."""
        changed = text != self.query
        self.query = text
        return changed

    def cycle_sort(self) -> SortOrder:
        self.sort_index = (self.sort_index + 1) % len(SORT_ORDERS)
        return self.sort

    def set_facet(self, facet: str, values: set[str]) -> bool:
        """Select exactly ``values`` of one facet (none removes the facet). True when that changed anything."""
        before = self.filters.get(facet, set())
        if set(values) == before:
            return False
        if values:
            self.filters[facet] = set(values)
        else:
            del self.filters[facet]
        return True

    def clear_filters(self) -> bool:
        had = bool(self.filters)
        self.filters.clear()
        return had

    def toggle_bookmarks_only(self) -> bool:
        """Show only bookmarked papers, or stop doing so; returns whether the filter is now on."""
        on = self.filters.get("bookmarked") != {"yes"}
        self.set_facet("bookmarked", {"yes"} if on else set())
        return on

    def request(self, page: int = 1) -> SearchRequest:
        filters = tuple(sorted((facet, value) for facet, values in self.filters.items() for value in values))
        return SearchRequest(query=self.query, filters=filters, sort=self.sort, page=page,
                             page_size=self.page_size, as_you_type=True, with_snippets=False,
                             exclude=self.exclude_pairs())

    def exclude_pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((facet, value) for facet, values in self.excluded.items() for value in values))

    # -- running -----------------------------------------------------------------------------------------------

    @property
    def settled(self) -> bool:
        """Nothing in flight, nothing queued, and the latest search's answer (or failure) is on screen."""
        return (self.searching is None and self.paging is None and not self.rerun
                and self.answered_generation == self.generation)

    def start_search(self) -> Ticket | None:
        """A ticket for a new search of the current request, or None (and a rerun queued) while one runs.

        Why not run it at once: on a big library a search can outlast several keystrokes; queuing only a flag
        means the text typed meanwhile runs once, as soon as the running search ends, never a backlog; and the
        running one is cancelled, so it ends at its next term rather than after its whole answer.
        """
        if self.searching is not None:
            self.rerun = True
            self.searching.cancel.set()  # superseded: the engine stops it at its next term
            return None
        if self.paging is not None:
            self.paging.cancel.set()  # a page of the search this one replaces
        self.rerun = False
        self.generation += 1
        self.searching = Ticket(self.request(), self.generation)
        return self.searching

    def start_next_page(self) -> Ticket | None:
        """A ticket for the next page of the search on screen, or None when there is none to load now.

        Refused while a newer search is in flight or queued: that search will replace the list anyway.
        """
        results = self.results
        if (results is None or self.paging is not None or self.searching is not None or self.rerun
                or self.answered_generation != self.generation or self.loaded_pages >= results.pages):
            return None
        self.paging = Ticket(self.request(self.loaded_pages + 1), self.generation, append=True)
        return self.paging

    def accept(self, ticket: Ticket, results: SearchResults) -> Verdict:
        """Judge an answer: ``new`` replaces the list, ``append`` extends it, ``stale`` is dropped."""
        if ticket.generation != self.generation:
            return "stale"
        if ticket.append:
            if self.answered_generation != ticket.generation or ticket.request.page != self.loaded_pages + 1:
                return "stale"
            self.loaded_pages = ticket.request.page
            return "append"
        self.results = results
        self.loaded_pages = 1
        self.answered_generation = ticket.generation
        self.error = None
        return "new"

    def failed(self, ticket: Ticket, error: str) -> bool:
        """A worker for ``ticket`` failed; True when the failure concerns the search on screen."""
        if ticket.generation != self.generation:
            return False
        if not ticket.append:
            self.answered_generation = ticket.generation  # answered, with an error: nothing more will come
            self.error = error
        return True

    def ended(self, ticket: Ticket) -> bool:
        """The worker for ``ticket`` is gone (answered, failed or cancelled); True when a rerun is due."""
        if ticket is self.searching:
            self.searching = None
            if not self.rerun and self.answered_generation != ticket.generation:
                self.answered_generation = ticket.generation  # cancelled without an answer: nothing is coming
            return self.rerun
        if ticket is self.paging:
            self.paging = None
        return False
