"""The main screen: search box, filter panes, result list, reader, status line; runs every worker.

Why the screen runs the workers but decides nothing about searching: what to search and which answer belongs on
screen is ``SearchSession``'s job (plain, tested without Textual); the screen turns widget events into calls on
it, runs the tickets it hands out in thread workers (``main_workers.py``), and shows what it accepts. One
``Worker.StateChanged`` handler sees every worker end, so any failure is shown and progress never stays up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
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

from paperdeck.index import BookmarkStore
from paperdeck.index import Paper, SearchResults

if TYPE_CHECKING:  # imported by the worker that opens the library, after the first frame
    from paperdeck.index import Library
from ..messages import (BookmarksChanged, ClipboardCopied, IndexingProgressed, LibraryChanged, LibraryFailed,
                        LibraryOpened, PaperPrepared, SearchFinished, SimilarFound, SourcesLabelled,
                        WorkerNoted)
from ..session import PAGE_SIZE, SearchSession, Ticket
from ..widgets.filter_pane import FacetList, FilterPanes
from ..widgets.reader import Reader, SimilarList
from ..widgets.render import plain
from ..widgets.result_list import ResultList
from ..widgets.search_bar import SearchBar
from . import main_workers as workers
from .main_actions import PaperKeyActions
from .main_loop import LOOP_BINDINGS, DailyLoop
from .main_reading import READING_BINDINGS, MainScreenReading
from .main_text import empty_state, failure_state, status_line

__all__ = ["MainScreen", "PAGE_SIZE"]

DEBOUNCE_SECONDS = 0.01  # pause in typing before searching; stale answers are dropped anyway
REFRESH_SECONDS = 5.0
MEDIUM_WIDTH = 110  # below: the reader goes under the list
NARROW_WIDTH = 100  # below: the filter column is hidden until `f`
TINY_WIDTH = 80  # below (or short): a one-line search box, no similar list
FATAL_GROUPS = {"library"}  # without an open library nothing works: keep the error on screen


class MainScreen(DailyLoop, PaperKeyActions, MainScreenReading, Screen[None]):
    """Everything a session happens on."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="focus_search", tooltip="Focus the search box"),
        Binding("escape", "back_to_list", "List", id="back_to_list", show=False,
                tooltip="Leave the search box, the filters or the reader: back to the list"),
        Binding("b", "toggle_bookmark", "Bookmark", id="toggle_bookmark", tooltip="Bookmark or un-bookmark"),
        Binding("B", "bookmarks_only", "Bookmarks only", id="bookmarks_only"),
        Binding("v", "bookmarks_view", "Bookmarks view", id="bookmarks_view", show=False,
                tooltip="Bookmarks, newest added first, with tags and notes"),
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
        Binding("ctrl+d", "apply_suggestion", "Did you mean", id="apply_suggestion", priority=True,
                tooltip="Search for the \"did you mean\" suggestion (the cursor goes to its end)"),
        *LOOP_BINDINGS,
        *READING_BINDINGS,
        # One `u` for both undo lists (read marks and removed bookmarks): the newest change is undone first.
        Binding("u", "undo", "Undo", id="undo", show=False, tooltip="Undo the last r, R, d or bookmark removal"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library: Library | None = None
        self.bookmarks = BookmarkStore()
        self.session = SearchSession()
        self.show_timing = True  # the status line's query time; snapshot tests turn it off
        self.search_pending = False  # a debounced search is waiting to start
        self.preview_pending = False  # the reader is about to follow the cursor
        self._debounce: Timer | None = None
        self._preview: Timer | None = None
        self._tickets: dict[Worker[None], Ticket] = {}
        self.init_daily_loop()
        self.init_reading()
        self.undo_log: list[str] = []  # "reading" or "remove", newest last: which list `u` takes from

    def action_undo(self) -> None:
        """Undo the newest undoable change, whichever list it is in."""
        while self.undo_log:
            kind = self.undo_log.pop()
            if kind == "remove" and self.undo_keys:
                self.action_undo_remove()
                return
            if kind == "reading" and self.undo_stack:
                self.action_undo_reading()
                return
        self.notify("Nothing to undo.", markup=False)

    @property
    def results(self) -> SearchResults | None:
        """The first page of the search on screen."""
        return self.session.results

    @property
    def filters(self) -> dict[str, set[str]]:
        return self.session.filters

    @property
    def sort(self) -> str:
        return self.session.sort

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
                yield Reader()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#body").display = False
        for message in self.bookmarks.messages:
            self.notify(message, severity="warning", markup=False)
        self.query_one(SearchBar).focus()  # typing works at once; the query runs when the library is open
        self.query_one(ResultList).row_state = self.row_state
        self.query_one(ResultList).row_tags = self.row_tags
        self.begin_session()
        self.run_in_thread(workers.open_library, group="library", description="open the library")
        self.set_interval(REFRESH_SECONDS, self.check_for_changes)

    def on_resize(self) -> None:
        """Three columns when wide; reader under the list below MEDIUM_WIDTH; filters on demand below NARROW."""
        width, height = self.size
        self.set_class(width < MEDIUM_WIDTH, "medium")
        self.set_class(width < NARROW_WIDTH, "narrow")
        self.set_class(width < TINY_WIDTH or height < 22, "tiny")

    def run_in_thread(self, job: Callable[..., None], *args: object, group: str, description: str,
                      exclusive: bool = True, ticket: Ticket | None = None) -> Worker[None]:
        """Run ``job(*args, post)`` in a thread worker; the StateChanged handler reports how it ended."""
        worker: Worker[None] = self.run_worker(partial(job, *args, self.post_message), thread=True, group=group,
                                               exclusive=exclusive, exit_on_error=False, description=description)
        if ticket is not None:
            self._tickets[worker] = ticket
        return worker

    # -- worker results --------------------------------------------------------------------------------------

    @on(Worker.StateChanged)
    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker ends here: a failure becomes a notification (and stays on screen when fatal), progress
        is cleared, and a search that ended lets the session run the text typed meanwhile."""
        worker, state = event.worker, event.state
        if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        ticket = self._tickets.pop(worker, None)
        if state is WorkerState.ERROR:
            self.show_failure(worker, ticket)
        if ticket is not None and self.session.ended(ticket):
            self.run_search()

    def show_failure(self, worker: Worker[None], ticket: Ticket | None) -> None:
        error = f"{type(worker.error).__name__}: {worker.error}"
        self.query_one("#loading").display = False
        self.notify(f"Could not {worker.description}: {error}", severity="error", markup=False,
                    timeout=30 if worker.group in FATAL_GROUPS else 10)
        if worker.group in FATAL_GROUPS and self.library is None:
            self.query_one("#loading").display = True
            self.query_one("#loading-label", Static).update(plain(f"Could not {worker.description}: {error}"))
        if ticket is not None and self.session.failed(ticket, error) and not ticket.append:
            self.query_one(ResultList).show_message(failure_state(ticket.request.query, error))
            self.query_one("#status", Static).update(plain(f"The search failed: {error}", "$error"))
            self.refresh_bindings()

    @on(IndexingProgressed)
    def show_progress(self, message: IndexingProgressed) -> None:
        self.query_one("#loading").display = True  # first run, a rebuild or an add; the old index still answers
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
        self.adopt_old_bookmark_keys()
        if self.session_ready:  # else the restored session's search runs when it is read
            self.run_search()
        self.run_in_thread(workers.label_sources, self.library, group="sources", description="label the pages")

    @on(SourcesLabelled)
    def sources_labelled(self, message: SourcesLabelled) -> None:
        self.query_one(FilterPanes).label_sources(message.labels)

    @on(LibraryFailed)
    def library_failed(self, message: LibraryFailed) -> None:
        self.query_one("#loading-label", Static).update(plain(f"Could not open the library: {message.error}"))
        self.notify(f"Could not open the library: {message.error}", severity="error", markup=False, timeout=30)

    @on(SearchFinished)
    def search_finished(self, message: SearchFinished) -> None:
        verdict = self.session.accept(message.ticket, message.results)
        if verdict == "append":
            self.query_one(ResultList).append_hits(list(message.results.hits))
        elif verdict == "new":
            self.show_answer(message.results)

    def show_answer(self, results: SearchResults) -> None:
        """A new answer replaces the list, the facet counts, the status line and (when empty) the hints."""
        result_list = self.query_one(ResultList)
        if results.total:
            keep = self.keep_key(result_list.current.paper.key if result_list.current else None)
            marks = self.bookmarks.keys() | {h.paper.key for h in results.hits if h.bookmarked}  # old keys too
            result_list.show_hits(list(results.hits), frozenset(marks), keep_key=keep)
        else:
            result_list.show_message(empty_state(results, bool(self.filters), self.library_is_empty()))
            self.query_one(Reader).clear()
            self.leave_zoom()  # nothing to read: show the empty state
        self.query_one(FilterPanes).show(results.facets, self.filters)
        sources = self.query_one(FilterPanes).sources
        status = status_line(results, self.filters, sources, self.show_timing)
        self.query_one("#status", Static).update(Content("  ·  ").join([status, *self.loop_status(results)]))
        self.refresh_bindings()  # ctrl+d is offered only while a suggestion is shown
        self.answer_shown()  # a restored session reopens its view with its first answer
        reader = self.query_one(Reader)
        if reader.paper is not None and results.total and self.library is not None:
            # The reader's matches follow the query too (its paper may not have changed).
            self.run_in_thread(workers.prepare_reader, self.library, reader.paper, results.request.query, False,
                               group="highlight", description="mark the matches")

    def library_is_empty(self) -> bool:
        return self.session.query == "" and not self.filters

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
            self.undo_log.append("remove")
        self.query_one(ResultList).refresh_marks(self.bookmarks.keys())
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

    @on(WorkerNoted)
    def worker_noted(self, message: WorkerNoted) -> None:
        self.notify(message.text, severity=message.severity, markup=False)  # type: ignore[arg-type]

    @on(LibraryChanged)
    def library_changed(self, message: LibraryChanged) -> None:
        self.query_one("#loading").display = False
        self.notify(message.summary, markup=False)
        self.adopt_old_bookmark_keys()
        self.run_search()
        if self.library is not None:  # pages may have come or gone
            self.run_in_thread(workers.label_sources, self.library, group="sources", description="label the pages")

    def check_for_changes(self) -> None:
        if self.library is not None:
            self.run_in_thread(workers.watch_library, self.library, group="refresh",
                               description="check the library for changes")
        self.save_session_if_changed()

    # -- searching -------------------------------------------------------------------------------------------

    def run_search(self) -> None:
        self.search_pending = False
        if self._debounce is not None:
            self._debounce.stop()
        if self.library is None:
            return
        ticket = self.session.start_search()
        if ticket is not None:  # None: one is running; the session runs the latest text when it ends
            self.run_in_thread(workers.search, self.library, ticket, self.bookmarks.keys(), self.user_facets,
                               group="search",
                               description="search", ticket=ticket)

    @on(Input.Changed, "#search")
    def query_changed(self, event: Input.Changed) -> None:
        self.session.set_query(event.value)
        if self._debounce is not None:
            self._debounce.stop()
        self.search_pending = True
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.run_search)

    @on(Input.Submitted, "#search")
    def query_submitted(self) -> None:
        self.run_search()
        self.query_one(ResultList).focus()

    @on(ResultList.NearEnd)
    def load_more(self) -> None:
        ticket = self.session.start_next_page()
        if ticket is not None and self.library is not None:
            # Its own group: an exclusive worker in the search group would cancel the newer search.
            self.run_in_thread(workers.search, self.library, ticket, self.bookmarks.keys(), self.user_facets,
                               group="page",
                               description="load more results", ticket=ticket)

    @on(SelectionList.SelectedChanged, ".facet")
    def facet_changed(self, event: SelectionList.SelectedChanged) -> None:
        facet_list = event.selection_list
        assert isinstance(facet_list, FacetList)
        if self.session.set_facet(facet_list.facet, set(facet_list.selected)):
            self.run_search()

    @on(FacetList.Cleared)
    def facet_cleared(self, message: FacetList.Cleared) -> None:
        if self.session.set_facet(message.facet, set()):
            self.run_search()

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
            self.run_in_thread(workers.prepare_reader, self.library, paper, self.session.query, with_similar,
                               group="reader", description="prepare the reader")

    @on(ResultList.CursorMoved)
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

    @on(ResultList.Opened)
    def result_opened(self) -> None:
        self.action_open_paper()

    @on(SimilarList.OptionSelected, "#similar")
    def similar_selected(self, event: SimilarList.OptionSelected) -> None:
        similar = self.query_one(SimilarList)
        if event.option_index < len(similar.papers):
            self.open_in_reader(similar.papers[event.option_index].paper)
            self.query_one(Reader).focus()
