"""The quirks ``shared/fixtures/README.md`` lists that had no test of their own (the others are in
``test_sources.py``, ``test_inbound_fields.py`` and ``test_captures.py``): checked on the copies in
``tests/fixtures``."""

from __future__ import annotations

import re
from pathlib import Path

from paperdeck.index.sources import parse_source

FIXTURES = Path(__file__).parent / "fixtures"
TRENDING = FIXTURES / "hf_captures" / "hf_trending_papers_markdown_capture.md"
BIBTEX = FIXTURES / "bibtex" / "zotero_brendon-boldt_phd-thesis.bib"


def test_trending_capture_every_title_wrapped_onto_an_indented_line_comes_back_whole() -> None:
    lines = TRENDING.read_text(encoding="utf-8").split("\n")
    wrapped = {" ".join((lines[i][4:] + " " + lines[i + 1]).split()) for i in range(len(lines) - 1)
               if lines[i].startswith("### ") and lines[i + 1].startswith("  ") and lines[i + 1].strip()}
    papers = parse_source(TRENDING.read_bytes(), TRENDING.name).papers
    assert len(wrapped) == 9 and wrapped <= {paper.title for paper in papers}


def test_trending_capture_abstracts_lose_arxivs_hard_wraps_and_the_page_is_trending() -> None:
    papers = parse_source(TRENDING.read_bytes(), TRENDING.name).papers
    abstracts = [paper.abstract for paper in papers if paper.abstract]
    assert len(abstracts) == 5 and not any("\n" in a or "  " in a for a in abstracts)
    assert {context for paper in papers for context in paper.seen_on} == {"trending"}


def test_bibtex_textbackslash_month_macros_and_file_fields() -> None:
    result = parse_source(BIBTEX.read_bytes(), BIBTEX.name)
    by_key = {paper.key: paper for paper in result.papers}
    # "{\textbackslash}emph\{compositionality\}" is LaTeX source escaped by Zotero: it comes back as LaTeX.
    assert "\\emph{compositionality}" in by_key["2004.09124"].abstract
    assert not any("textbackslash" in p.abstract or "textbackslash" in p.title for p in result.papers)
    assert {p.published for p in result.papers} >= {"1972-07", "1973-11"}  # bare month macros: year-month
    assert not any(link.url.startswith("file") or "/Zotero/" in link.url for p in result.papers for link in p.links)
    assert not any(re.search(r"[{}]", p.title) for p in result.papers)  # brace-protected words unwrapped
