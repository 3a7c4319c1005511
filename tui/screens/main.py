"""The main screen: search box, filter panes, result list, reader, status line; owns every worker.

Why the screen owns the workers: widgets only post messages up (a facet toggled, the list near its end); the
screen decides what to run, runs it in an exclusive thread worker, and drops answers that arrive for an older
request (each search carries a generation number). At most one search runs at a time: keys typed meanwhile
only mark the query dirty, and the latest query runs as soon as the running one ends, so a slow search on a big
library never builds a queue of outdated ones behind it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, ProgressBar, SelectionList, Static
from textual.worker import Worker, WorkerState

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.models import SORT_ORDERS, Paper, SearchRequest, SearchResults

if TYPE_CHECKING:  # imported by the worker that opens the library, after the first frame
    from paperdeck.index.library import Library
from ..messages import (BookmarksChanged, ClipboardCopied, IndexingProgressed, LibraryChanged, LibraryFailed,
                        LibraryOpened, PaperPrepared, SearchFinished, SimilarFound)
from ..widgets.filter_pane import FacetList, FilterPanes, value_label
from ..widgets.reader import Reader, SimilarList
from ..widgets.render import plain
from ..widgets.result_list import ResultList
from ..widgets.search_bar import SearchBar
from .main_actions import MainScreenActions
from .main_reading import READING_BINDINGS, MainScreenReading
from .main_workers import MainScreenWorkers

DEBOUNCE_SECONDS = 0.01  # pause in typing before searching; stale answers are dropped anyway
PAGE_SIZE = 40  # rows per search; more load as the cursor nears the end
REFRESH_SECONDS = 5.0
MEDIUM_WIDTH = 110
NARROW_WIDTH = 80


class MainScreen(MainScreenActions, MainScreenReading, MainScreenWorkers, Screen[None]):
    """Everything a session happens on."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="focus_search", tooltip="Focus the search box"),
        Binding("escape", "back_to_list", "List", id="back_to_list", show=False),
        Binding("enter", "open_paper", "Open", id="open_paper", show=False),
        Binding("b", "toggle_bookmark", "Bookmark", id="toggle_bookmark", tooltip="Bookmark or un-bookmark"),
        Binding("B", "bookmarks_only", "Bookmarks only", id="bookmarks_only"),
        Binding("t", "edit_tags", "Tags/note", id="edit_tags"),
        Binding("y", "copy_link", "Copy link", id="copy_link"),
        Binding("c", "copy_code", "Copy code link", id="copy_code", show=False),
        Binding("m", "copy_markdown", "Copy Markdown link", id="copy_markdown", show=False),
        Binding("o", "open_browser", "Open in browser", id="open_browser", show=False),
        Binding("s", "similar", "Similar", id="similar", show=False),
        Binding("n", "next_match", "Next match", id="next_match", show=False),
        Binding("N", "previous_match", "Previous match", id="previous_match", show=False),
        Binding("f", "focus_filters", "Filters", id="focus_filters"),
        Binding("X", "clear_filters", "Clear filters", id="clear_filters", show=False),
        Binding("S", "cycle_sort", "Sort", id="cycle_sort"),
        Binding("ctrl+d", "apply_suggestion", "Did you mean", id="apply_suggestion", priority=True),
        *READING_BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library: Library | None = None
        self.bookmarks = BookmarkStore()
        self.filters: dict[str, set[str]] = {}
        self.sort_index = 0
        self.generation = 0
        self.results: SearchResults | None = None
        self.loaded_pages = 0
        self.loading_more = False
        self._debounce: Timer | None = None
        self._preview: Timer | None = None
        self.answered_generation = 0  # the last search generation whose results are on screen
        self.search_pending = False  # a debounced search is waiting to start
        self.preview_pending = False  # the reader is about to follow the cursor
        self.show_timing = True  # the status line's query time; snapshot tests turn it off
        self._search_again = False  # the query changed while a search was running
        self._typed_at: float | None = None  # first keystroke not yet answered on screen
        self.paint_latencies: list[float] = []  # keystroke -> frame with its results (ms), for the benchmark
        self.init_reading()

    # -- layout ----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield SearchBar()
            yield Static(Content("Opening the library…"), id="status")
        with Vertical(id="loading"):
            yield Static(Content("Indexing the bundled papers (first run only)…"), id="loading-label")
            yield ProgressBar(id="loading-bar", show_eta=False)
        with Horizontal(id="body"):
            yield FilterPanes(id="filters")
            with Horizontal(id="main-area"):
                with Vertical(id="middle"):
                    yield ResultList()
                    yield Static(id="empty")
                yield Reader()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#body").display = False
        for message in self.bookmarks.messages:
            self.notify(message, severity="warning", markup=False)
        self.query_one(SearchBar).focus()  # typing works at once; the query runs when the library is open
        self.open_library()
        self.set_interval(REFRESH_SECONDS, self.check_for_changes)

    def on_resize(self) -> None:
        """Three columns when wide; reader under the list from MEDIUM_WIDTH down; filters on demand when narrow."""
        width, height = self.size
        self.set_class(width < MEDIUM_WIDTH, "medium")
        self.set_class(width < NARROW_WIDTH, "narrow")
        self.set_class(width < NARROW_WIDTH or height < 22, "tiny")

    # -- worker results --------------------------------------------------------------------------------------

    @on(IndexingProgressed)
    def show_progress(self, message: IndexingProgressed) -> None:
        self.query_one("#loading").display = True  # first run, or a rebuild while the old index still answers
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        self.query_one("#loading-label", Static).update(plain(f"Indexing: {message.label}"))

    @on(LibraryOpened)
    def library_opened(self, message: LibraryOpened) -> None:
        self.library = message.library
        self.query_one("#loading").display = False
        self.query_one("#body").display = True
        for notice in message.messages:
            self.notify(notice, severity="warning", markup=False)
        self.bookmark_keys_worker()
        self.run_search()
        self.query_one(SearchBar).focus()

    @on(LibraryFailed)
    def library_failed(self, message: LibraryFailed) -> None:
        self.query_one("#loading-label", Static).update(plain(f"Could not open the library: {message.error}"))
        self.notify(f"Could not open the library: {message.error}", severity="error", markup=False, timeout=30)

    @on(SearchFinished)
    def search_finished(self, message: SearchFinished) -> None:
        if message.generation != self.generation:
            return  # an answer to an older request: the user has typed on since
        results = message.results
        result_list = self.query_one(ResultList)
        marks = frozenset(h.paper.key for h in results.hits if h.bookmarked)  # old bookmark keys resolved
        self.answered_generation = message.generation
        if message.append:
            self.loading_more = False
            self.loaded_pages = results.request.page
            result_list.append_hits(list(results.hits), marks)
            return
        keep = result_list.current.paper.key if result_list.current else None
        if self._typed_at is not None and not self._search_again and not self.search_pending:
            self.call_after_refresh(self._painted, self._typed_at)
            self._typed_at = None
        self.results = results
        self.loaded_pages = 1
        result_list.show_hits(list(results.hits), marks, keep_key=keep)
        self.query_one(FilterPanes).show(results.facets, self.filters)
        self.show_status(results)
        self.show_empty_state(results)
        reader = self.query_one(Reader)
        if reader.paper is not None and results.total:
            # The reader's matches follow the query too (its paper may not have changed).
            self.highlight_worker(reader.paper, results.request.query)

    @on(PaperPrepared)
    def paper_prepared(self, message: PaperPrepared) -> None:
        reader = self.query_one(Reader)
        if reader.paper is not None and reader.paper.key == message.key:
            reader.show_paper(reader.paper, self.bookmarks.get(message.key), message.title, message.abstract)

    @on(SimilarFound)
    def similar_found(self, message: SimilarFound) -> None:
        self.query_one(Reader).show_similar(message.key, message.similar)

    @on(BookmarksChanged)
    def bookmarks_changed(self, message: BookmarksChanged) -> None:
        self.notify(message.message, markup=False, timeout=10 if message.undo_key else 5)
        if message.undo_key:
            self.undo_keys.append(message.undo_key)
        marks = self.bookmarks.keys()
        self.query_one(ResultList).refresh_row(message.key, marks)
        reader = self.query_one(Reader)
        if reader.paper is not None and reader.paper.key == message.key:
            reader.show_meta(self.bookmarks.get(message.key))
        self.run_search()  # the bookmarked counts (and a bookmarks-only list) change

    @on(ClipboardCopied)
    def clipboard_copied(self, message: ClipboardCopied) -> None:
        routes = " and ".join(message.routes) or "nothing"
        if message.problem:
            self.notify(f"Copied {message.what} via {routes}; system clipboard: {message.problem}",
                        severity="warning", markup=False)
        else:
            self.notify(f"Copied {message.what} via {routes}", markup=False)

    @on(LibraryChanged)
    def library_changed(self, message: LibraryChanged) -> None:
        self.query_one("#loading").display = False
        self.notify(message.summary, markup=False)
        self.bookmark_keys_worker()
        self.run_search()

    def check_for_changes(self) -> None:
        if self.library is not None:
            self.refresh_worker()

    # -- searching -------------------------------------------------------------------------------------------

    @property
    def sort(self) -> str:
        return SORT_ORDERS[self.sort_index]

    def current_request(self, page: int = 1, as_you_type: bool = True) -> SearchRequest:
        filters = tuple(sorted((facet, value) for facet, values in self.filters.items() for value in values))
        return SearchRequest(query=self.query_one(SearchBar).value, filters=filters, sort=self.sort, page=page,
                             page_size=PAGE_SIZE, as_you_type=as_you_type, with_snippets=False)

    def run_search(self) -> None:
        self.search_pending = False
        if self.library is None:
            return
        if self._search_running():
            self.search_pending = self._search_again = True  # runs when the one in flight ends
            return
        self.generation += 1
        self.loading_more = False
        self.search_worker(self.current_request(), self.generation)

    def _search_running(self) -> bool:
        return any(w.group == "search" and w.node is self and w.is_running for w in self.app.workers)

    @on(Worker.StateChanged)
    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "search" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                               WorkerState.CANCELLED) and self._search_again:
            self._search_again = False
            self.run_search()

    def _painted(self, typed_at: float) -> None:
        """Called after the frame that shows a search's results: keystroke-to-paint latency."""
        self.paint_latencies.append((time.perf_counter() - typed_at) * 1000)

    @on(Input.Changed, "#search")
    def query_changed(self) -> None:
        if self._typed_at is None:
            self._typed_at = time.perf_counter()
        if self._debounce is not None:
            self._debounce.stop()
        self.search_pending = True
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.run_search)

    @on(Input.Submitted, "#search")
    def query_submitted(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.run_search()
        self.query_one(ResultList).focus()

    @on(ResultList.NearEnd)
    def load_more(self) -> None:
        results = self.results
        if results is None or self.loading_more or self.loaded_pages >= results.pages:
            return
        self.loading_more = True
        self.search_worker(self.current_request(page=self.loaded_pages + 1), self.generation, append=True)

    @on(SelectionList.SelectedChanged, ".facet")
    def facet_changed(self, event: SelectionList.SelectedChanged) -> None:
        facet_list = event.selection_list
        assert isinstance(facet_list, FacetList)
        self.filters[facet_list.facet] = set(facet_list.selected)
        if not self.filters[facet_list.facet]:
            del self.filters[facet_list.facet]
        self.run_search()

    @on(FacetList.Cleared)
    def facet_cleared(self, message: FacetList.Cleared) -> None:
        if self.filters.pop(message.facet, None) is not None:
            self.run_search()

    def show_status(self, results: SearchResults) -> None:
        parts = [Content.styled(f"{results.total} paper{'s' if results.total != 1 else ''}", "bold"), Content(f"{results.elapsed_ms:.0f} ms"),
                 Content(f"sorted by {self.sort}")]
        if not self.show_timing:
            del parts[1]
        for facet, values in sorted(self.filters.items()):
            parts.append(plain(f"{facet}: " + " | ".join(value_label(facet, v) for v in sorted(values)), "$accent"))
        if results.notes:
            parts.append(plain("; ".join(results.notes), "dim italic"))
        self.query_one("#status", Static).update(Content("  ·  ").join(parts))

    def show_empty_state(self, results: SearchResults) -> None:
        empty = self.query_one("#empty", Static)
        result_list = self.query_one(ResultList)
        empty.display = results.total == 0
        result_list.display = results.total > 0
        if results.total:
            return
        self.query_one(Reader).clear()
        self.leave_zoom()  # nothing to read: show the empty state
        lines = [Content.assemble("No papers match ", plain(results.request.query or "(everything)", "bold"),
                                  " with the current filters." if self.filters else ".")]
        if results.suggestion:
            lines.append(Content.assemble("Did you mean ", plain(results.suggestion, "bold $accent"),
                                          "?  Press ", Content.styled("ctrl+d", "bold"), " to search for it."))
        if self.filters:
            lines.append(Content.assemble("Press ", Content.styled("X", "bold"), " to clear the filters."))
        lines.append(Content.styled('Syntax: two words = both · OR · NOT · "a phrase" · prefix* · title:word · '
                                    "fuzzy~", "dim"))
        empty.update(Content("\n\n").join(lines))

    # -- the reader follows the list -------------------------------------------------------------------------

    def current_paper(self) -> Paper | None:
        """The paper the user is looking at: the reader's when it has focus, else the list's cursor."""
        focused = self.focused
        reader = self.query_one(Reader)
        if isinstance(focused, SimilarList) and focused.highlighted is not None and focused.papers:
            return focused.papers[focused.highlighted].paper
        if focused is not None and reader in focused.ancestors_with_self and reader.paper is not None:
            return reader.paper
        hit = self.query_one(ResultList).current
        return hit.paper if hit else reader.paper

    def open_in_reader(self, paper: Paper, with_similar: bool = True) -> None:
        self.query_one(Reader).show_paper(paper, self.bookmarks.get(paper.key))
        if self.library is not None:
            self.reader_worker(paper, self.query_one(SearchBar).value, with_similar)

    @on(ResultList.OptionHighlighted, "#results")
    def result_highlighted(self) -> None:
        """The reader follows the cursor (after a short pause, so holding j does not queue work)."""
        if self._preview is not None:
            self._preview.stop()
        self.preview_pending = True
        self._preview = self.set_timer(DEBOUNCE_SECONDS, self.preview_current)

    def preview_current(self) -> None:
        self.preview_pending = False
        hit = self.query_one(ResultList).current
        reader = self.query_one(Reader)
        if hit is not None and (reader.paper is None or reader.paper.key != hit.paper.key):
            self.open_in_reader(hit.paper)

    @on(ResultList.OptionSelected, "#results")
    def result_selected(self, event: ResultList.OptionSelected) -> None:
        self.action_open_paper()

    @on(SimilarList.OptionSelected, "#similar")
    def similar_selected(self, event: SimilarList.OptionSelected) -> None:
        similar = self.query_one(SimilarList)
        if event.option_index < len(similar.papers):
            self.open_in_reader(similar.papers[event.option_index].paper)
            self.query_one(Reader).focus()
