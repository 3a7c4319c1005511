"""SearchSession without Textual: which answer reaches the screen, and when a further page may load."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paperdeck.index.models import SearchRequest, SearchResults
from paperdeck.tui.session import SearchSession, Ticket


def answer(ticket: Ticket, total: int) -> SearchResults:
    """A stand-in for the library's answer: only the request and the total matter to the session."""
    return SearchResults(request=ticket.request, hits=(), total=total, facets={}, elapsed_ms=0.0)


def settled_on(session: SearchSession, query: str, total: int) -> Ticket:
    session.query = query
    ticket = session.start_search()
    assert ticket is not None
    assert session.accept(ticket, answer(ticket, total)) == "new"
    assert session.ended(ticket) is False
    return ticket


def test_the_request_carries_query_filters_sort_and_page() -> None:
    session = SearchSession(page_size=10, query="sparse")
    session.set_facet("year", {"2024", "2023"})
    session.cycle_sort()
    request = session.request(page=3)
    assert request == SearchRequest("sparse", (("year", "2023"), ("year", "2024")), "date", 3, 10,
                                    as_you_type=True, with_snippets=False)


def test_a_newer_search_makes_older_answers_stale() -> None:
    session = SearchSession()
    first = settled_on(session, "pru", 40)
    session.query = "pruning"
    second = session.start_search()
    assert second is not None and second.generation == first.generation + 1
    assert session.accept(first, answer(first, 999)) == "stale"
    assert session.accept(second, answer(second, 33)) == "new"
    assert session.results is not None and session.results.total == 33


def test_a_further_page_never_replaces_a_newer_search() -> None:
    session = SearchSession(page_size=40)
    settled_on(session, "", 456)
    page = session.start_next_page()
    assert page is not None and page.append and page.request.page == 2
    session.query = "pruning"  # typed while page 2 is loading
    search = session.start_search()
    assert search is not None  # the page in flight does not hold the new search back
    assert page.cancel.is_set() and not search.cancel.is_set()
    assert session.accept(page, answer(page, 456)) == "stale"
    session.ended(page)
    assert session.accept(search, answer(search, 33)) == "new"
    session.ended(search)
    assert session.results.total == 33 and session.loaded_pages == 1 and session.settled


def test_no_further_page_while_a_newer_search_is_in_flight_or_queued() -> None:
    session = SearchSession(page_size=40)
    settled_on(session, "", 456)
    session.query = "p"
    running = session.start_search()
    assert running is not None and session.start_next_page() is None
    session.query = "pr"
    assert session.start_search() is None and session.rerun  # queued behind the running one
    assert running.cancel.is_set()  # and the running one told to stop at its next term
    assert session.accept(running, answer(running, 200)) == "new"
    assert session.start_next_page() is None  # "pr" will replace the list anyway
    assert session.ended(running) is True  # run again now
    again = session.start_search()
    assert again is not None and again.request.query == "pr" and not session.rerun


def test_pages_load_in_order_and_stop_at_the_last() -> None:
    session = SearchSession(page_size=40)
    settled_on(session, "", 90)  # three pages
    for expected in (2, 3):
        page = session.start_next_page()
        assert page is not None and page.request.page == expected
        assert session.start_next_page() is None  # one at a time
        assert session.accept(page, answer(page, 90)) == "append"
        session.ended(page)
    assert session.start_next_page() is None and session.loaded_pages == 3


def test_a_failed_search_is_answered_with_its_error_and_a_stale_failure_is_not() -> None:
    session = SearchSession()
    old = settled_on(session, "a", 5)
    session.query = "ab"
    ticket = session.start_search()
    assert ticket is not None and not session.settled
    assert session.failed(old, "late") is False
    assert session.failed(ticket, "RuntimeError: boom") is True
    session.ended(ticket)
    assert session.settled and session.error == "RuntimeError: boom"
    settled_on(session, "abc", 1)
    assert session.error is None


def test_filters_toggle_and_clear() -> None:
    session = SearchSession()
    assert session.toggle_bookmarks_only() is True and session.filters == {"bookmarked": {"yes"}}
    assert session.toggle_bookmarks_only() is False and session.filters == {}
    assert session.set_facet("author", {"Ada"}) is True
    assert session.set_facet("author", {"Ada"}) is False
    assert session.clear_filters() is True and session.clear_filters() is False


def test_new_counts_from_the_previous_sessions_last_save(isolated_home) -> None:
    """The saved session (``index/session.py``): none before the first start, then the last save of the one
    before (a session killed before any save falls back to its start)."""
    from paperdeck.index.session import SessionStore

    store = SessionStore()
    first = store.begin(when=1000.0)
    assert first.new_since is None  # the very first start: nothing is "new since last session"
    store.save(when=1100.0, query="pruning", reader="full")
    second = store.begin(when=2000.0)
    assert second.new_since == second.previous_end and second.previous_end < second.started
    assert (second.query, second.reader, second.ended) == ("pruning", "full", None)
    third = store.begin(when=3000.0)  # the second was killed before it saved anything
    assert third.new_since == second.started


@given(st.dictionaries(st.sampled_from(["query", "view", "reader", "started", "ended", "previous_end", "sort",
                                        "selected", "other"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=12), st.sampled_from(
                           ["full", "pane", "watches", "rising", "week", "date"]))))
def test_any_session_file_is_read_with_known_views_only_and_round_trips(data: dict) -> None:
    from paperdeck.index.session import READER_STATES, VIEWS, _validate

    session = _validate(data)
    assert session.view in VIEWS and session.reader in READER_STATES
    assert _validate(session.to_dict()) == session


@given(st.text(max_size=80))
def test_a_watch_name_becomes_a_plain_file_name(name: str) -> None:
    from paperdeck.tui.screens.loop_export import file_stem

    stem = file_stem(name)
    assert stem and len(stem) <= 60 and all(c.isascii() and (c.isalnum() or c == "-") for c in stem)
    assert stem == stem.lower() and not stem.startswith("-")
