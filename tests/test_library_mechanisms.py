"""The library's shared mechanisms: one way to swap in a new engine (and retry a call that met the old one),
the title weighted once, and a vocabulary that follows deletions and re-indexing instead of only growing."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdeck.index.models import SearchRequest
from paperdeck.index.query import parse_query
from paperdeck.index.schema import TITLE_BOOST
from paperdeck.index.search import SearchEngine

PAGE = ("Zyxwvut Methods for Sparse Attention\n\nWe introduce zyxwvut, a qwertzuiop method for sparse attention "
        "in language models. It works well on many benchmarks and datasets.\n")


def vocabulary_counts(library) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {word: papers for word, _, papers in library.store.word_rows()}


def test_the_vocabulary_counts_out_removed_and_replaced_papers(library, tmp_path: Path) -> None:
    page = tmp_path / "mine.txt"
    page.write_text(PAGE, encoding="utf-8")
    before = vocabulary_counts(library)
    library.add([page])
    added = vocabulary_counts(library)
    assert added["zyxwvut"] == 1 and added["qwertzuiop"] == 1
    assert added["sparse"] == before["sparse"] + 1
    page.write_text(PAGE.replace("a qwertzuiop method", "a new method"), encoding="utf-8")
    library.add([page])  # the paper is re-indexed: its old words are counted out, not counted twice
    replaced = vocabulary_counts(library)
    assert "qwertzuiop" not in replaced and replaced["zyxwvut"] == 1 and replaced["sparse"] == before["sparse"] + 1
    library.remove("mine.txt")
    assert vocabulary_counts(library) == before  # back to exactly what the seeds hold


def test_the_title_is_weighted_once_by_the_schema(library) -> None:  # type: ignore[no-untyped-def]
    engine = library._engine
    parsed = parse_query("attention", library._ix.schema, engine._searcher.reader(), engine.vocabulary())
    assert {(t.fieldname, t.boost) for t in parsed.query.leaves()} == {("title", 1.0), ("abstract", 1.0)}
    assert library._ix.schema["title"].format.field_boost == TITLE_BOOST


@pytest.mark.parametrize("call", ["search", "similar", "highlight_paper"])
def test_a_call_that_meets_a_swapped_engine_runs_on_the_new_one(library, monkeypatch, call: str) -> None:
    """A rebuild may replace the engine between the library's lookup and the call: the call is retried once
    on the new engine, the same way for every reading method."""
    paper = library.search(SearchRequest("sparse attention")).hits[0].paper
    old = library._engine
    real = getattr(SearchEngine, call)
    calls: list[SearchEngine] = []

    def swapped_meanwhile(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(self)
        if self is old and library._engine is old:
            library._reopen_index()  # what a rebuild or a refresh does: closes ``old``
        return real(self, *args, **kwargs)
    monkeypatch.setattr(SearchEngine, call, swapped_meanwhile)
    if call == "search":
        assert library.search(SearchRequest("sparse attention")).total == 12
    elif call == "similar":
        assert len(library.similar(paper.key)) == 10
    else:
        title, _ = library.highlight_paper(paper, "sparse attention")
        assert title.matches  # the title holds the words
    assert calls == [old, library._engine] and library._engine is not old
