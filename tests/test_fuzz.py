"""A bounded fuzz run (about a minute): mutated real pages into the parser, arbitrary input into the search.

Property: the parser gives records plus warnings or one ``SourceRejected``, never another exception and never a
record with an empty title; a search answers with results or notes, never an exception.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS
from paperdeck.index.models import SearchRequest, SourceRejected
from paperdeck.index.sources import parse_source

SEED_LINES = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_bytes().split(b"\n")][:400]
noise = st.one_of(
    st.sampled_from(SEED_LINES),
    st.binary(max_size=80),
    st.sampled_from([b"", b"\r", b"Subscribe", b"new", b"Aug 1", b"Feb 30", b"\xef\xbb\xbf", b"\x00", b"\x1b[2J",
                     b"<html>", b"\xff\xfe", b"[bold]", b"$\\frac{a}{", b"https://github.com/a/b.", b"\t\t"]),
)


@st.composite
def mutated_pages(draw) -> bytes:
    lines = draw(st.lists(noise, min_size=0, max_size=60))
    sep = draw(st.sampled_from([b"\n", b"\n\n", b"\r\n", b"\r\n\r\n"]))
    return sep.join(lines)


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pages())
def test_fuzz_the_page_parser(data: bytes) -> None:
    try:
        result = parse_source(data, "fuzz.txt")
    except SourceRejected as err:
        assert err.reason
        return
    for paper in result.papers:
        assert paper.title.strip() and paper.abstract.strip() and paper.key
        assert "\x00" not in paper.title + paper.abstract and "\x1b" not in paper.title + paper.abstract
    for warning in result.warnings:
        assert str(warning).startswith("fuzz.txt")


query_text = st.text(alphabet=st.one_of(st.sampled_from(list('"()*~:^[]\\-+ ANDORNT')),
                                        st.characters(blacklist_categories=("Cs",))), max_size=30)


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(query_text, st.booleans(), st.sampled_from(["relevance", "date", "title"]))
def test_fuzz_the_search_box(library, raw: str, as_you_type: bool, sort: str) -> None:
    results = library.search(SearchRequest(raw, as_you_type=as_you_type, sort=sort, page_size=5))
    assert 0 <= len(results.hits) <= 5 and results.total >= len(results.hits)
