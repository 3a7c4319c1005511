"""Bounded cost (issue 11, cases 11 and 12): look-ups that use indexes, capped queries, cancellable searches.

No timings here (they belong to the benchmark): the record store's work is counted in SQLite virtual-machine
steps, and a search's in evaluated terms.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from paperdeck.index import fastpath
from paperdeck.index.library import Library, SearchCancelled
from paperdeck.index.models import Paper, SearchRequest
from paperdeck.index.query import MAX_FUZZY_DISTANCE, MAX_PATTERNS, MAX_QUERY_CHARS, MAX_QUERY_TERMS
from paperdeck.index.store import RecordStore


# -- 11. adding records costs O(N log M) -------------------------------------------------------------------------

def _steps_to_add_arxiv_records(folder: Path, library_size: int, records: int = 200) -> int:
    """SQLite VM steps (in hundreds) to add ``records`` arXiv-id records to ``library_size`` id-less papers."""
    store = RecordStore(folder / f"records-{library_size}.sqlite3")
    store.replace_source("dump", [Paper(key=f"slug-{i}", title=f"Dumped paper number {i}", abstract="a b c",
                                        url=f"https://x/{i}") for i in range(library_size)])
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0
    store._db.set_progress_handler(count, 100)
    store.replace_source("jsonl", [Paper(key=f"2401.{i:05d}", title=f"Fresh paper {i}", abstract="a b c",
                                         url=f"https://arxiv.org/abs/2401.{i:05d}", arxiv_id=f"2401.{i:05d}",
                                         doi=f"10.1/{i}") for i in range(records)])
    store.close()
    return steps[0]


def test_adding_arxiv_records_does_not_scan_the_id_less_papers(tmp_path: Path) -> None:
    small = _steps_to_add_arxiv_records(tmp_path, 500)
    large = _steps_to_add_arxiv_records(tmp_path, 10_000)
    # With the OR scan, 20x the library meant ~20x the work per record; with indexed look-ups it is flat
    # (a few more b-tree levels and the per-source key set).
    assert large < small * 3, (small, large)


def test_a_paper_known_by_title_joins_its_arxiv_record(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "records.sqlite3")
    store.replace_source("dump", [Paper(key="slug-a", title="Attention Is All You Need", abstract="x", url="u"),
                                  Paper(key="slug-b", title="Other", abstract="x", url="u", doi="10.1/b")])
    change = store.replace_source("jsonl", [
        Paper(key="1706.03762", title="Attention is all you need", abstract="x", url="u", arxiv_id="1706.03762"),
        Paper(key="2401.00001", title="Renamed later", abstract="x", url="u", arxiv_id="2401.00001", doi="10.1/b")])
    assert change.renamed == {"slug-a": "1706.03762", "slug-b": "2401.00001"}
    assert store.count() == 2 and store.resolve("slug-b") == "2401.00001"
    store.close()


# -- 12. capped queries ------------------------------------------------------------------------------------------

def test_fuzzy_distance_is_capped(library: Library) -> None:
    capped = library.search("attention~99")
    assert f"fuzzy matching is capped at {MAX_FUZZY_DISTANCE} edits" in capped.notes
    assert capped.total == library.search(f"attention~{MAX_FUZZY_DISTANCE}").total > 0


def test_a_huge_query_is_cut_and_answered(library: Library) -> None:
    result = library.search("attention " * 10_000)
    assert f"query cut to its first {MAX_QUERY_CHARS:,} characters" in result.notes
    assert result.total == library.search("attention").total
    many_ors = library.search(" OR ".join(f"word{i}" for i in range(10_000)))
    assert any(note.startswith("query cut") for note in many_ors.notes)


def test_pattern_expansion_is_bounded(library: Library) -> None:
    fuzzy = library.search(" OR ".join(f"attention{i}~2" for i in range(500)))
    assert f"only the first {MAX_PATTERNS} prefix/fuzzy terms were expanded" in fuzzy.notes
    prefixes = library.search(" OR ".join(f"{p}*" for p in ("mo", "la", "le", "tr", "di", "re", "co", "pr", "st",
                                                             "in", "de", "ge", "ca", "ma", "pe", "se")))
    assert any(note.endswith(f"searched its first {MAX_QUERY_TERMS:,}") for note in prefixes.notes)
    assert prefixes.total > 0


# -- 12. cancelling a running search -----------------------------------------------------------------------------

def test_a_cancelled_search_stops_and_the_next_one_answers(library: Library) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SearchCancelled):
        library.search("sparse attention", cancel=cancel)
    assert library.search("sparse attention", cancel=threading.Event()).total == 12


def test_cancel_is_checked_between_terms(library: Library, monkeypatch) -> None:
    cancel = threading.Event()
    evaluated: list[str] = []
    real_term = fastpath.QueryEvaluator._term

    def term_then_supersede(self, q):  # the app types a new letter while the first term is evaluated
        evaluated.append(q.text)
        cancel.set()
        return real_term(self, q)
    monkeypatch.setattr(fastpath.QueryEvaluator, "_term", term_then_supersede)
    with pytest.raises(SearchCancelled):
        library.search("sparse OR attention OR language OR model", cancel=cancel)
    assert len(evaluated) == 1
    assert library.messages == []  # a cancelled search is not an error and not damage


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60),
       distance=st.integers(min_value=0, max_value=10**6))
def test_any_fuzzy_term_answers_within_the_caps(library: Library, word: str, distance: int) -> None:
    result = library.search(SearchRequest(query=f"{word}~{distance}", page_size=5))
    assert result.total >= 0
