"""The daily loop on the main screen: the New view, read / dismissed marks with undo, watches, trending and
excluded facet values (session restore: ``main_session.py``; palette exports: ``loop_export.py``).

Why a mixin of its own: these keys share state (the session, the undo stack, the read-state sets of the last
search) but little with the search machinery in ``main.py``; the screen keeps a few one-line hooks (its
bindings, the request, the status line, the search worker) and everything else lives here. File writes run in
thread workers (plain functions in ``loop_workers.py``, through the screen's ``run_in_thread``) and come back
as past-tense messages (``messages.py``); a failure reaches the screen's one failure handler. Handlers use
Textual's ``on_<message>`` names: ``@on`` only registers handlers on the widget class itself, not on a mixin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.content import Content

from paperdeck.index import Paper, SORT_ORDERS
from paperdeck.index import ReadState
from paperdeck.index import UserFacets
from paperdeck.index import user_facets
from paperdeck.index import Watch, WatchStore
from ..messages import ReadStateChanged, TrendingFound, WatchesCounted, WatchSaved
from ..widgets.filter_pane import FacetList, FilterPanes, value_label
from ..widgets.reader import Reader
from ..widgets.render import plain
from ..widgets.result_list import ResultList
from . import loop_workers as workers
from .main_session import SessionKeeping
from .trending import TrendingScreen, find_trending
from .watches import WatchesScreen, WatchNameScreen

if TYPE_CHECKING:
    from paperdeck.index import Library
    from ..session import SearchSession

LOOP_BINDINGS = [
    Binding("1", "new_view", "New", id="new_view", tooltip="Papers first seen since the previous session"),
    Binding("r", "toggle_read", "Read", id="toggle_read", show=False, tooltip="Mark read (or unread again)"),
    Binding("R", "mark_all_read", "All read", id="mark_all_read", show=False, tooltip="Mark everything listed read"),
    Binding("d", "dismiss_paper", "Not interested", id="dismiss_paper", show=False),
    Binding("w", "save_watch", "Watch", id="save_watch", tooltip="Save this search as a watch"),
    Binding("W", "show_watches", "Watches", id="show_watches", tooltip="Watches with their unread counts"),
    Binding("T", "show_trending", "Trending", id="show_trending",
            tooltip="Rising (upvotes gained since the previous import), top of the week and of the month"),
]
UNDO_DEPTH = 20


class DailyLoop(SessionKeeping):
    """Mixed into ``MainScreen``, which provides the widgets, ``filters``, ``run_search`` and ``notify``."""

    if TYPE_CHECKING:
        library: Library | None
        filters: dict[str, set[str]]
        session: SearchSession

    def init_daily_loop(self) -> None:
        self.readstate = ReadState()
        self.watches = WatchStore()
        self.state_sets: dict[str, frozenset[str]] = {}  # read state of the last search, for drawing rows
        self.undo_stack: list[tuple[str, dict]] = []
        self.init_session_keeping()

    # -- hooks called by the screen -------------------------------------------------------------------------

    def user_facets(self) -> UserFacets:
        """Tags and read state for a search (called in the search worker); keeps the read-state sets."""
        facets = user_facets(self.bookmarks, self.readstate, self.new_since())  # type: ignore[attr-defined]
        self.state_sets = dict(facets["state"])
        return facets

    def exclude_pairs(self) -> tuple[tuple[str, str], ...]:
        return self.session.exclude_pairs()

    def row_state(self, key: str) -> str:
        """How the result list draws a row: "new", "unread" or "" (read, dismissed, or not known yet)."""
        sets = self.state_sets
        if not sets or key in sets.get("read", ()) or key in sets.get("dismissed", ()):
            return ""
        return "new" if key in sets.get("new", ()) else "unread"

    def row_tags(self, key: str) -> tuple[str, ...]:
        bookmark = self.bookmarks.get(key)  # type: ignore[attr-defined]
        return bookmark.tags if bookmark else ()

    def loop_status(self, results: Any) -> list[Content]:
        sources = self.query_one(FilterPanes).sources  # type: ignore[attr-defined]
        parts = [plain(f"not {value_label(f, v, sources)}", "$error") for f, v in self.exclude_pairs()]
        new = dict(results.facets.get("state", ())).get("new", 0)
        if new and self.filters.get("state") != {"new"}:  # in the New view the filter label says it already
            parts.insert(0, Content.styled(f"{new} new since last session", "bold"))
        elif self.first_session and self.filters.get("state") == {"new"}:
            parts.insert(0, plain("first session: nothing is new yet; papers added from now on will be"))
        return parts

    # -- read state ------------------------------------------------------------------------------------------

    def action_open_paper(self) -> None:
        """Opening a paper in the reader (enter) counts as reading it: marked read quietly (``r`` takes it back).
        The reader following the cursor does not: that is skimming."""
        super().action_open_paper()  # type: ignore[misc]
        hit = self.query_one(ResultList).current  # type: ignore[attr-defined]
        if hit is not None and self.row_state(hit.paper.key):
            self.change_reading("seen", [hit.paper.key], hit.paper.title)

    def action_new_view(self) -> None:
        """Papers first seen since the previous session, newest listing first (press again for everything)."""
        if self.filters.get("state") == {"new"}:
            del self.filters["state"]
        else:
            self.filters["state"] = {"new"}
            self.session.sort_index = SORT_ORDERS.index("date")
        self.run_search()  # type: ignore[attr-defined]

    def action_toggle_read(self) -> None:
        paper = self.current_paper()  # type: ignore[attr-defined]
        if paper is not None:
            already = paper.key in self.state_sets.get("read", ())
            self.change_reading("unread" if already else "read", [paper.key], paper.title)

    def action_dismiss_paper(self) -> None:
        paper = self.current_paper()  # type: ignore[attr-defined]
        if paper is not None:
            self.change_reading("dismiss", [paper.key], paper.title)

    def action_mark_all_read(self) -> None:
        if self.library is not None:
            self.run_in_thread(workers.mark_everything_read, self.readstate,  # type: ignore[attr-defined]
                               self.library, self.session.request(), self.bookmarks.keys(),  # type: ignore
                               self.user_facets, group="readstate", exclusive=False,  # never cut a write
                               description="save read state")

    def action_undo_reading(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.", markup=False)  # type: ignore[attr-defined]
            return
        what, undo = self.undo_stack.pop()
        self.change_reading("restore", list(undo), what, undo)

    def change_reading(self, change: str, keys: list[str], title: str, undo: dict | None = None) -> None:
        """One read-state change in a worker (``loop_workers.change_reading``); its answer: ReadStateChanged."""
        self.run_in_thread(workers.change_reading, self.readstate, change, keys, title, undo,  # type: ignore
                           group="readstate", exclusive=False, description="save read state")

    def on_read_state_changed(self, message: ReadStateChanged) -> None:
        if message.seen:  # opened in the reader: redraw its row, no notice and no new search
            read = self.state_sets.get("read", frozenset()) | set(message.seen)
            self.state_sets = {**self.state_sets, "read": read}
            self.query_one(ResultList).refresh_marks(self.bookmarks.keys())  # type: ignore[attr-defined]
            return
        if message.undo is not None:
            self.undo_stack = [*self.undo_stack, (message.message.split(": ", 1)[-1], message.undo)][-UNDO_DEPTH:]
            self.undo_log.append("reading")  # type: ignore[attr-defined]
        self.notify(message.message, markup=False)  # type: ignore[attr-defined]
        self.run_search()  # type: ignore[attr-defined]

    # -- watches and excluded values -------------------------------------------------------------------------

    def action_save_watch(self) -> None:
        request = self.session.request()
        shown = " ".join([*(f"{f}={v}" for f, v in request.filters), *(f"not {f}={v}" for f, v in request.exclude)])

        def named(name: str | None) -> None:
            if name:
                self.run_in_thread(workers.save_watch, self.watches, name, request,  # type: ignore[attr-defined]
                                   group="watches", exclusive=False, description="save the watch")
        self.app.push_screen(WatchNameScreen(request.query, shown), named)  # type: ignore[attr-defined]

    def on_watch_saved(self, message: WatchSaved) -> None:
        self.notify(message.message, markup=False)  # type: ignore[attr-defined]

    def action_show_watches(self) -> None:
        if self.library is not None:
            self.run_in_thread(workers.count_watches, self.watches, self.library,  # type: ignore[attr-defined]
                               self.bookmarks.keys(), self.user_facets,  # type: ignore[attr-defined]
                               group="watches-count", description="count the watches")

    def on_watches_counted(self, message: WatchesCounted) -> None:
        for notice in self.watches.messages:
            self.notify(notice, severity="warning", markup=False)  # type: ignore[attr-defined]
        self.watches.messages.clear()
        self.app.push_screen(WatchesScreen(message.rows), self.run_watch)  # type: ignore[attr-defined]

    def run_watch(self, watch: Watch | None) -> None:
        if watch is None:
            return
        self.apply_search(watch.query, watch.filters, watch.exclude)
        self.query_one(ResultList).focus()  # type: ignore[attr-defined]

    # -- trending ------------------------------------------------------------------------------------------

    def action_show_trending(self, mode: str = "rising") -> None:
        """The Trending pane on ``mode``; its tabs ask for the other rankings (each in a worker)."""
        if self.library is None:
            return

        def opened(paper: Paper | None) -> None:
            if paper is not None:
                self.open_in_reader(paper)  # type: ignore[attr-defined]
                self.read_full_screen()  # type: ignore[attr-defined]
                self.query_one(Reader).focus()  # type: ignore[attr-defined]
        self.app.push_screen(TrendingScreen(mode, self.load_trending), opened)  # type: ignore[attr-defined]
        self.load_trending(mode)

    def show_top_week(self) -> None:
        self.action_show_trending("week")

    def show_top_month(self) -> None:
        self.action_show_trending("month")

    def load_trending(self, mode: str) -> None:
        if self.library is not None:
            self.run_in_thread(find_trending, self.library, self.readstate, mode,  # type: ignore[attr-defined]
                               group="trending", description="rank the trending papers")

    def on_trending_found(self, message: TrendingFound) -> None:
        if isinstance(self.app.screen, TrendingScreen):  # type: ignore[attr-defined]
            self.app.screen.show(message.mode, message.rows)  # type: ignore[attr-defined]

    def on_facet_list_excluded(self, message: FacetList.Excluded) -> None:
        """``-`` on a facet value: leave it out (press again to take it back)."""
        excluded = self.session.excluded
        values = excluded.setdefault(message.facet, set())
        values.symmetric_difference_update({message.value})
        if not values:
            del excluded[message.facet]
        self.filters.get(message.facet, set()).discard(message.value)
        self.run_search()  # type: ignore[attr-defined]
