"""Property-based tests: generated papers written out in every layout the captures come in parse back intact."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.index.clean import title_key
from paperdeck.index.models import SourceRejected
from paperdeck.index.sources import parse_source
from paperdeck.index.sources.capture_junk import title_problem  # page chrome ("Home") is never a title
from paperdeck.index.sources.daily_page import CHROME_LINES, parse_listing_date

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
title_word = st.one_of(word.map(str.capitalize), word, st.sampled_from(["LLMs", "3D", "$R^2$", "GPT-4", "[bold]", "a[b"]))


@st.composite
def titles(draw) -> str:
    words = draw(st.lists(title_word, min_size=1, max_size=12))
    title = " ".join(words)
    title = title[0].upper() + title[1:]
    ok = (title.casefold() not in CHROME_LINES and parse_listing_date(title) is None
          and not title.casefold().startswith("subscribe") and title_problem(title, plain_text=True) is None)
    return title if ok else "Fallback Title " + title


@st.composite
def abstracts(draw) -> str:
    sentences = []
    for _ in range(draw(st.integers(min_value=3, max_value=6))):
        words = draw(st.lists(word, min_size=9, max_size=18))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


papers_strategy = st.lists(st.tuples(titles(), abstracts()), min_size=1, max_size=8,
                           unique_by=lambda pair: title_key(pair[0]))


@st.composite
def layouts(draw) -> dict[str, object]:
    return {
        "blank_lines": draw(st.booleans()),
        "crlf": draw(st.booleans()),
        "bom": draw(st.booleans()),
        "glued_subscribe": draw(st.booleans()),
        "header": draw(st.booleans()),
        "date": draw(st.sampled_from([None, "Aug 1", "Mar 12", "Dec 31"])),
        "trailing": draw(st.sampled_from(["", " ", "\t", "  "])),
    }


def render(papers: list[tuple[str, str]], layout: dict[str, object]) -> bytes:
    sep = "\n\n" if layout["blank_lines"] else "\n"
    head: list[str] = []
    if layout["header"]:
        head += ["new", "Get trending papers in your email inbox!"]
    if not layout["glued_subscribe"]:
        head.append("Subscribe")
    if layout["header"]:
        head += ["Daily Papers", "byAK and the research community"]
    if layout["date"]:
        head.append(str(layout["date"]))
    body: list[str] = []
    for title, abstract in papers:
        body += [title + str(layout["trailing"]), abstract + str(layout["trailing"])]
    if layout["glued_subscribe"]:
        body[0] = "Subscribe" + body[0]
    text = sep.join(head + body) + "\n"
    if layout["crlf"]:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if layout["bom"] else b"") + text.encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(papers_strategy, layouts())
def test_generated_pages_parse_back_to_the_same_records(papers, layout) -> None:
    result = parse_source(render(papers, layout), "generated.txt")
    assert [(p.title, p.abstract) for p in result.papers] == papers
    assert result.warnings == []
    expected_date = {None: None, "Aug 1": "08-01", "Mar 12": "03-12", "Dec 31": "12-31"}[layout["date"]]
    assert all(p.pages[0].listed == expected_date for p in result.papers)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_records_or_one_clear_error(data: bytes) -> None:
    try:
        result = parse_source(data, "fuzz.bin")
    except SourceRejected as err:
        assert err.reason
        return
    for paper in result.papers:
        assert paper.title.strip() and paper.key


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_gives_records_with_titles_and_no_controls(text: str) -> None:
    try:
        result = parse_source(text.encode("utf-8", "surrogatepass"), "fuzz.txt")
    except SourceRejected:
        return
    for paper in result.papers:
        assert paper.title.strip()
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in paper.title + paper.abstract)
