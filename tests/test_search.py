"""The search API on the seed library: syntax, leniency, filters, facets, sorting, paging, highlights."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperdeck.index.models import SearchRequest


def titles(results) -> list[str]:
    return [hit.paper.title for hit in results.hits]


def search(library, query: str = "", **kwargs):
    return library.search(SearchRequest(query=query, **kwargs))


def test_two_words_are_anded_and_ranked_title_first(library) -> None:
    results = search(library, "sparse attention")
    assert results.total == 12
    for hit in results.hits:
        text = (hit.paper.title + " " + hit.paper.abstract).lower()
        assert "sparse" in text
        assert "attent" in text  # stemmed: "self-attentive" matches "attention"
    assert titles(results)[0] == "Efficient Content-Based Sparse Attention with Routing Transformers"
    assert all("attention" in t.lower() for t in titles(results)[:3])


def test_or_not_phrase_field_and_prefix(library) -> None:
    either = search(library, "pruning OR quantization").total
    assert either > search(library, "pruning").total
    without = search(library, "pruning NOT language", page_size=100)
    assert without.total and all("language" not in (h.paper.title + h.paper.abstract).lower() for h in without.hits)
    phrase = search(library, '"sparse fine-tuning"', page_size=100)
    assert {"Composable Sparse Fine-Tuning for Cross-Lingual Transfer",
            "Scaling Sparse Fine-Tuning to Large Language Models"} <= set(titles(phrase))
    in_title = search(library, "title:pruning", page_size=100)
    assert in_title.total == 14 and all("prun" in t.lower() for t in titles(in_title))


def test_prefix_matches_through_the_stemmer(library) -> None:
    # The stem of "attention" is "attent": a naive prefix query on a stemmed field finds nothing for "attenti*".
    assert search(library, "attenti*").total == search(library, "attention").total > 50
    assert search(library, "studi*").total >= search(library, "study").total


def test_fuzzy_terms_expand_over_real_words(library) -> None:
    assert search(library, "atention~").total == search(library, "attention").total


@pytest.mark.parametrize("raw,note", [
    ('"sparse', "closed an open quote"),
    ("title:", "ignored a field name with nothing after it"),
    ("attention AND", "ignored a trailing AND"),
    ("(", "closed an open '('"),
    ("attention)", "ignored an unmatched ')'"),
    ("foo:attention", "unknown field 'foo': searched as words (fields: title, abstract, author, category, year, tag)"),
    ("a*", "a prefix needs 2+ letters"),
])
def test_partial_input_never_raises_and_says_what_it_simplified(library, raw: str, note: str) -> None:
    results = search(library, raw)
    assert note in results.notes
    assert results.total > 0 or raw.startswith("foo:")  # "foo attention": no paper says "foo"


def test_as_you_type_treats_the_last_word_as_a_prefix(library) -> None:
    typing = search(library, "sparse attentio", as_you_type=True)
    assert typing.total == search(library, "sparse attention").total
    assert search(library, "sparse attentio").total == 0  # without as-you-type it is a whole word


def test_empty_query_lists_everything_newest_listing_first(library) -> None:
    results = search(library, "", page_size=5)
    assert results.total == 456
    assert all("08-01" in h.paper.listed_dates for h in results.hits)


def test_filters_facets_are_disjunctive_and_counts_live(library) -> None:
    base = search(library, "pruning")
    counts = dict(base.facets["source"])
    assert sum(counts.values()) >= base.total
    one = search(library, "pruning", filters=(("source", "004_9444e382372ba2c9.txt"),))
    assert one.total == counts["004_9444e382372ba2c9.txt"]
    # Counts of the filtered facet still show the other values (choose several to OR them).
    assert dict(one.facets["source"]) == counts
    two = search(library, "pruning", filters=(("source", "004_9444e382372ba2c9.txt"),
                                               ("source", "000_60c9915acdce8430.txt")))
    assert one.total < two.total <= base.total
    code = search(library, "pruning", filters=(("has_code", "yes"),), page_size=100)
    assert code.total == dict(base.facets["has_code"])["yes"]
    assert all(h.paper.code_urls for h in code.hits)


def test_bookmarked_facet_comes_from_the_bookmark_store(library) -> None:
    first = search(library, "pruning").hits[0].paper.key
    marked = library.search(SearchRequest("pruning", filters=(("bookmarked", "yes"),)), bookmarks=frozenset({first}))
    assert [h.paper.key for h in marked.hits] == [first]
    assert marked.hits[0].bookmarked
    assert dict(marked.facets["bookmarked"])["yes"] == 1


def test_sort_by_title_and_date_and_paging(library) -> None:
    by_title = search(library, "pruning", sort="title", page_size=100)
    keys = [h.paper.title.casefold() for h in by_title.hits]
    assert keys == sorted(keys, key=lambda t: "".join(ch if ch.isalnum() else " " for ch in t).split())
    page1 = search(library, "pruning", sort="title", page_size=5)
    page2 = search(library, "pruning", sort="title", page=2, page_size=5)
    assert titles(page1) + titles(page2) == titles(by_title)[:10]
    assert page2.hits[0].rank == 6
    assert page1.pages == -(-by_title.total // 5)


def test_highlights_are_spans_over_the_displayed_text(library) -> None:
    hit = search(library, "sparse attention").hits[0]
    marked = [hit.title.text[a:b].lower() for a, b in hit.title.matches]
    assert marked == ["sparse", "attention"]
    snippet = [hit.snippet.text[a:b].lower() for a, b in hit.snippet.matches]
    assert snippet and set(snippet) <= {"sparse", "attention"}
    assert len(hit.snippet.text) <= 240


def test_latex_titles_display_rendered(library) -> None:
    hit = search(library, "temporal grounding tuning").hits[0]
    assert hit.paper.title.startswith("$R^2$-Tuning")
    assert hit.title.text.startswith("R²-Tuning")


def test_did_you_mean_for_misspelled_words(library) -> None:
    results = search(library, "sparse attenton")
    assert results.total == 0
    assert results.suggestion == "sparse attention"
    assert search(library, "sparse attention").suggestion is None
    assert search(library, "foo:atention").suggestion == "few attention"  # built from what was searched


def test_similar_papers_share_named_terms(library) -> None:
    key = search(library, "sparse attention").hits[0].paper.key
    similar = library.similar(key, limit=5)
    assert len(similar) == 5
    assert key not in {s.paper.key for s in similar}
    assert all(s.shared_terms for s in similar)
    assert "attention" in similar[0].shared_terms


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_typed_string_returns_results_or_an_explanation(library, raw: str) -> None:
    for as_you_type in (False, True):
        results = search(library, raw, as_you_type=as_you_type, page_size=3)
        assert results.total >= 0
        assert len(results.hits) <= 3
