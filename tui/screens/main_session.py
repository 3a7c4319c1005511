"""Where the user left off: the saved session restored at start (query, filters, sort, selected paper, the open
view) and saved while the app runs; and the mark "new" counts from.

Why its own mixin: the restore rule is easy to get wrong in ways a user notices every morning. It must never
replace what the user already typed while the session file was being read, and it must never call the first
start's own seeds "new"; both rules live here, next to the one place that applies a saved session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from textual.message import Message

from paperdeck.index import SORT_ORDERS
from paperdeck.index import Session, SessionStore
from paperdeck.index import utc_stamp
from ..messages import SessionBegun
from ..widgets.reader import Reader
from ..widgets.result_list import ResultList
from ..widgets.search_bar import SearchBar
from .trending import MODES as TRENDING_MODES
from .trending import TrendingScreen
from .watches import WatchesScreen

if TYPE_CHECKING:
    from textual.worker import Worker

    from ..session import SearchSession

NOTHING_NEW = "9999"  # a "since" later than every stamp: before the session is known, nothing is new
SESSION_FIELDS = frozenset(f.name for f in fields(Session))


def read_session(store: SessionStore, post: Callable[[Message], object]) -> None:
    """Worker: record this session's start and read the last one. A busy or unwritable data directory starts
    fresh, and says so (the session is a convenience; browsing goes on)."""
    try:
        post(SessionBegun(store.begin()))
    except Exception as err:
        post(SessionBegun(Session(), f"Could not restore the session: {type(err).__name__}: {err}"))


def save_session(store: SessionStore, wanted: dict[str, Any], post: Callable[[Message], object]) -> None:
    """Worker: a failure ends the worker in the ERROR state, which the screen's one handler shows."""
    store.save(**{k: v for k, v in wanted.items() if k in SESSION_FIELDS})


class SessionKeeping:
    """Mixed into ``MainScreen`` (through ``DailyLoop``), which provides the widgets, ``session``, ``filters``,
    ``run_search`` and ``run_in_thread``."""

    if TYPE_CHECKING:
        session: SearchSession
        filters: dict[str, set[str]]
        app: Any
        focused: Any

        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def has_class(self, *names: str) -> bool: ...
        def run_search(self) -> None: ...
        def call_after_refresh(self, callback: Callable[..., object], *args: Any) -> bool: ...
        def exclude_pairs(self) -> tuple[tuple[str, str], ...]: ...
        def open_in_reader(self, paper: Any, with_similar: bool = True) -> None: ...
        def read_full_screen(self, on: bool = True) -> None: ...
        def action_show_watches(self) -> None: ...
        def action_show_trending(self, mode: str = "rising") -> None: ...
        def run_in_thread(self, job: Callable[..., None], *args: object, group: str, description: str,
                          exclusive: bool = True) -> Worker[None]: ...

    def init_session_keeping(self) -> None:
        self.sessions = SessionStore()
        self.since: str | None = None  # "new" counts from here
        self.first_session = False  # no session before this one: nothing the library held at start is new
        self.session_ready = False
        self._restore_key: str | None = None
        self._restore_view: tuple[str, str] | None = None  # (view, reader) to reopen with the first answer
        self._saved_session: dict[str, Any] | None = None

    def begin_session(self) -> None:
        self.run_in_thread(read_session, self.sessions, group="session", description="restore the session")

    def new_since(self) -> str:
        """The time "new" counts from, for a search (called in search workers).

        The previous session's last save (else its start). On the very first start there is none: the mark is
        taken at the first search, after the library (and the seeds indexed by this start) is open, so only
        papers that arrive while the app runs are new; before the session file is read nothing is new."""
        if not self.session_ready:
            return NOTHING_NEW
        if self.since is None:
            self.since = utc_stamp()
        return self.since

    def on_session_begun(self, message: SessionBegun) -> None:
        session = message.session
        assert isinstance(session, Session)
        for notice in [*self.sessions.messages, *([message.problem] if message.problem else [])]:
            self.notify(notice, severity="warning", markup=False)
        self.sessions.messages.clear()
        self.since = session.new_since
        self.first_session = session.new_since is None and not message.problem
        self.session_ready = True
        if self.untouched():
            self.session.sort_index = SORT_ORDERS.index(session.sort) if session.sort in SORT_ORDERS else 0
            self._restore_key = session.selected
            reader = session.reader if session.selected else ""
            self._restore_view = (session.view, reader) if (session.view, reader) != ("results", "") else None
            self.apply_search(session.query, session.filters, session.exclude)
        else:  # the user typed (or filtered) while the file was read: theirs wins, the old search is dropped
            self.run_search()
        self._saved_session = self.session_fields()

    def untouched(self) -> bool:
        """Nothing typed, filtered or re-sorted yet (the restore may fill the search box)."""
        return (not self.query_one(SearchBar).value and not self.filters and not self.session.excluded
                and self.session.sort_index == 0)

    def apply_search(self, query: str, filters: tuple[tuple[str, str], ...],
                     exclude: tuple[tuple[str, str], ...]) -> None:
        """Put a saved query, filters and excluded values on screen and search (a session, a watch)."""
        self.filters.clear()
        for facet, value in filters:
            self.filters.setdefault(facet, set()).add(value)
        self.session.excluded.clear()
        for facet, value in exclude:
            self.session.excluded.setdefault(facet, set()).add(value)
        self.session.set_query(query)
        search = self.query_one(SearchBar)
        if search.value != query:
            with search.prevent(search.Changed):
                search.value = query
        self.run_search()

    def keep_key(self, current: str | None) -> str | None:
        """The row to keep the cursor on: the restored selection once, then the current row."""
        key, self._restore_key = self._restore_key, None
        return key or current

    def answer_shown(self) -> None:
        """After the first answer of a restored session: reopen the view it was left in."""
        if self._restore_view is None:
            return
        (view, reader), self._restore_view = self._restore_view, None
        if view == "watches":
            self.action_show_watches()
            return
        if view in TRENDING_MODES:
            self.action_show_trending(view)
            return
        self.call_after_refresh(self._reopen_reader, reader)

    def _reopen_reader(self, reader: str) -> None:
        hit = self.query_one(ResultList).current
        if not reader or hit is None:
            return
        if self.query_one(Reader).paper is None or self.query_one(Reader).paper.key != hit.paper.key:
            self.open_in_reader(hit.paper)
        self.read_full_screen(reader == "full")
        self.query_one(Reader).focus()

    def session_fields(self) -> dict[str, Any]:
        current = self.query_one(ResultList).current
        view = "new" if self.filters.get("state") == {"new"} else \
            "bookmarks" if self.filters.get("bookmarked") == {"yes"} else "results"
        if isinstance(self.app.screen, WatchesScreen):
            view = "watches"
        elif isinstance(self.app.screen, TrendingScreen):
            view = self.app.screen.mode
        focused = self.focused
        in_reader = focused is not None and self.query_one(Reader) in focused.ancestors_with_self
        reader = "full" if self.has_class("reading") else "pane" if in_reader else ""
        return {"query": self.query_one(SearchBar).value,
                "filters": tuple(sorted((f, v) for f, values in self.filters.items() for v in values)),
                "exclude": self.exclude_pairs(), "sort": self.session.sort,
                "selected": current.paper.key if current else self._restore_key, "view": view, "reader": reader}

    def save_session_if_changed(self, in_worker: bool = True) -> None:
        """Called every few seconds (in a worker, when something changed) and when the app quits (here, always:
        the quit's time is the mark the next start counts "new" from)."""
        if not self.session_ready:
            return
        wanted = self.session_fields()
        if in_worker:
            if wanted != self._saved_session:
                self._saved_session = wanted
                self.run_in_thread(save_session, self.sessions, wanted, group="session-save", exclusive=False,
                                   description="save the session")
            return
        try:
            save_session(self.sessions, wanted, lambda message: None)
        except Exception:  # the session is a convenience: never let it break quitting
            pass
