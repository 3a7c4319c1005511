"""More sources: HF daily-papers JSON, arXiv JSON lines and Atom, BibTeX; merging one paper across sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import UNIQUE_SEED_PAPERS
from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.cli import main
from paperdeck.index.library import Library
from paperdeck.index.models import SearchRequest, SourceRejected
from paperdeck.index.sources import detect_format, parse_source

FIXTURES = Path(__file__).parent / "fixtures"
COUNTS = {
    "hf_api_json/api_daily_papers_2024-05-27.json": 13,
    "hf_api_json/api_daily_papers_2024-12-12.json": 18,
    "hf_api_json/api_daily_papers_2025-11-28.json": 5,
    "hf_api_json/api_daily_papers_2026-08-21.json": 17,
    "arxiv_kaggle_jsonl/kaggle_arxiv_first200_wanng-ide.jsonl": 200,
    "arxiv_atom_xml/arxivpy_2016_id_list_1111.2011v2.xml": 1,
    "arxiv_atom_xml/arxivpy_2016_search_au_del_maestro.xml": 10,
    "arxiv_atom_xml/arxivpy_2026_id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.body.xml": 1,
    "arxiv_atom_xml/arxivpy_2026_id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.wrapper.json": 1,
    "arxiv_atom_xml/arxivpy_2026_id_astro-ph_0601001_s0_m100_3150dca9dc76.body.xml": 1,
    "arxiv_atom_xml/arxivpy_2026_q_testing_s0_m100_cfe7536492ca.body.xml": 100,
    "arxiv_atom_xml/xiv_2025_cat_cs.RO_neural_max2.xml": 2,
    "bibtex/zotero_brendon-boldt_phd-thesis.bib": 169,
}


def parse(relative: str):
    return parse_source((FIXTURES / relative).read_bytes(), Path(relative).name)


@pytest.mark.parametrize("relative,count", sorted(COUNTS.items()))
def test_every_fixture_parses_to_its_count(relative: str, count: int) -> None:
    result = parse(relative)
    assert len(result.papers) == count
    for paper in result.papers:
        assert paper.title and paper.key
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in paper.title + paper.abstract)


def test_format_is_detected_from_content_not_extension(tmp_path: Path) -> None:
    heads = {name: (FIXTURES / name).read_text(encoding="utf-8", errors="replace")[:4000] for name in COUNTS}
    assert {detect_format(heads[n]) for n in COUNTS if n.endswith(".jsonl")} == {"kaggle_jsonl"}
    assert {detect_format(heads[n]) for n in COUNTS if "hf_api" in n} == {"hf_json"}
    assert {detect_format(heads[n]) for n in COUNTS if n.endswith(".xml")} == {"atom"}
    assert detect_format(heads["bibtex/zotero_brendon-boldt_phd-thesis.bib"]) == "bibtex"
    renamed = tmp_path / "no_extension"
    renamed.write_bytes((FIXTURES / "bibtex/zotero_brendon-boldt_phd-thesis.bib").read_bytes())
    assert len(parse_source(renamed.read_bytes(), "no_extension").papers) == 169


def test_hf_fields_absent_null_and_present() -> None:
    old = parse("hf_api_json/api_daily_papers_2024-05-27.json").papers[0]
    assert old.arxiv_id and old.authors and old.upvotes is not None and old.organization is None
    assert "\n" not in old.title and "  " not in old.abstract  # 2024 files keep arXiv line wraps: undone
    new = {p.arxiv_id: p for p in parse("hf_api_json/api_daily_papers_2026-08-21.json").papers}["2608.19880"]
    assert new.title.startswith("EnvHarness")
    assert new.organization == "Google" and new.github_stars == 8 and new.upvotes == 163
    assert {(l.kind, l.url) for l in new.links} >= {
        ("paper", "https://arxiv.org/abs/2608.19880"), ("pdf", "https://arxiv.org/pdf/2608.19880"),
        ("hf", "https://huggingface.co/papers/2608.19880"), ("code", "https://github.com/google-research/envharness"),
        ("project", "https://envharness.com/")}
    assert new.pages[0].listed == "2026-08-19" and new.published == "2026-08-20"


def test_python_dict_reprs_are_read_leniently_and_reported() -> None:
    result = parse("hf_api_json/api_daily_papers_2024-12-12.json")
    assert len(result.papers) == 18
    assert str(result.warnings[0]) == ("api_daily_papers_2024-12-12.json: 18 item(s) were Python dict reprs, "
                                       "not JSON objects: read leniently")


def test_kaggle_records_authors_categories_dates_and_tex() -> None:
    first = parse("arxiv_kaggle_jsonl/kaggle_arxiv_first200_wanng-ide.jsonl").papers[0]
    assert first.key == first.arxiv_id == "0704.0001"
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.authors[0] == "C. Balázs" and first.categories == ["hep-ph"]
    assert first.published == "2007-04-02" and first.doi == "10.1103/physrevd.76.013009"
    assert first.abstract.startswith("A fully differential calculation")


def test_a_torn_last_jsonl_line_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    data = (FIXTURES / "arxiv_kaggle_jsonl/kaggle_arxiv_first200_wanng-ide.jsonl").read_bytes()
    torn = data[: len(data) - 300]  # cut inside the last record
    result = parse_source(torn, "torn.jsonl")
    assert len(result.papers) == 199
    assert str(result.warnings[-1]) == "torn.jsonl:200: torn last line (file cut off?): skipped"


def test_atom_old_style_ids_both_generations_and_mojibake() -> None:
    [old] = parse("arxiv_atom_xml/arxivpy_2026_id_astro-ph_0601001_s0_m100_3150dca9dc76.body.xml").papers
    assert old.key == "astro-ph/0601001" and old.categories[0] == "astro-ph"
    [classic] = parse("arxiv_atom_xml/arxivpy_2016_id_list_1111.2011v2.xml").papers
    assert classic.key == "1111.2011" and "\n" not in classic.title and classic.published == "2011-11-08"
    testing = parse("arxiv_atom_xml/arxivpy_2026_q_testing_s0_m100_cfe7536492ca.body.xml").papers
    text = " ".join(p.title + " " + p.abstract for p in testing)
    assert "Ã©" not in text and "â€" not in text  # mojibake repaired by ftfy
    assert parse("arxiv_atom_xml/arxivpy_2026_id_0808.05394_s0_m100_7b0c7d0a7cdd.body.xml").papers == []


def test_xml_that_is_not_a_feed_is_rejected() -> None:
    with pytest.raises(SourceRejected, match="XML but not an Atom feed"):
        parse_source(b'<?xml version="1.0"?><rss><channel/></rss>', "feed.xml")


def test_bibtex_fields_and_an_unbalanced_entry_named() -> None:
    papers = {p.title: p for p in parse("bibtex/zotero_brendon-boldt_phd-thesis.bib").papers}
    deal = papers["Deal or No Deal? End-to-End Learning for Negotiation Dialogues"]
    assert deal.key == "1706.05125" and deal.authors[:2] == ["Mike Lewis", "Denis Yarats"]
    assert deal.published == "2017-06"
    assert sum(1 for p in papers.values() if not p.abstract) == 169 - 155  # indexed by title alone
    text = (FIXTURES / "bibtex/zotero_brendon-boldt_phd-thesis.bib").read_text()
    broken = text.replace("title = {Deal or {No} {Deal}?", "title = {Deal or {No {Deal}?", 1)
    result = parse_source(broken.encode(), "refs.bib")
    assert len(result.papers) == 168
    assert str(result.warnings[0]) == "refs.bib:2: entry 'lewis_deal_2017': unbalanced braces: skipped"


PAGE_WITH_ENVHARNESS = (
    "Aug 21\n\nEnvHarness: Awakening Static Worlds for Agent Learning\n\n"
    "We present a page-dump abstract long enough to be read as one. It has two sentences at the very least, "
    "and it mentions agents learning in static worlds.\n"
)


def test_bibtex_html_paragraphs_and_corporate_authors() -> None:
    papers = parse("bibtex/zotero_brendon-boldt_phd-thesis.bib").papers
    words = next(p for p in papers if p.abstract.startswith("Words categorize"))
    assert words.abstract.endswith("low complexity and optimal efficiency.")  # no "p" / "/p" left of <p>...</p>
    poser = next(p for p in papers if p.authors and p.authors[0] == "Hans Poser")
    assert poser.authors == ["Hans Poser", "Society for Philosophy and Technology"]


def test_one_paper_from_many_sources_keeps_its_bookmark(library, tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE_WITH_ENVHARNESS)
    library.add([page])
    slug = "envharness-awakening-static-worlds-for-agent-learning"
    BookmarkStore().add_paper(library.get(slug), tags=["agents"])
    library.add([FIXTURES / "hf_api_json/api_daily_papers_2026-08-21.json"])
    merged = library.get("2608.19880")
    assert merged is not None and library.get(slug).key == "2608.19880"  # the old key resolves
    assert merged.sources == ["page.txt", "api_daily_papers_2026-08-21.json"]
    assert merged.upvotes == 163 and merged.organization == "Google" and merged.code_urls
    assert BookmarkStore().get("2608.19880").tags == ("agents",)
    hits = library.search(SearchRequest("envharness")).hits
    assert [h.paper.key for h in hits] == ["2608.19880"], [(h.paper.key, h.paper.title) for h in hits]
    library.close()
    with Library() as rebuilt:  # the same merge after a rebuild from the sources
        rebuilt.rebuild()
        assert rebuilt.get(slug).key == "2608.19880"
        assert rebuilt.search(SearchRequest("envharness")).total == 1


def test_fixtures_folder_report_facets_and_search_syntax(library, capsys) -> None:
    assert main(["add", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "    added  " + str(FIXTURES / "bibtex/zotero_brendon-boldt_phd-thesis.bib") + "  (169 papers" in out
    assert "skipped  " + str(FIXTURES / "arxiv_atom_xml/arxivpy_2026_id_0808.05394_s0_m100_7b0c7d0a7cdd.body.xml") \
        + "  (no papers found)" in out
    assert "18 item(s) were Python dict reprs" in out
    library.refresh()
    author = library.search(SearchRequest('author:"Balázs"'))
    assert [h.paper.key for h in author.hits] == ["0704.0001"]
    assert library.search(SearchRequest("category:hep-ph")).total > 5
    assert library.search(SearchRequest("year:2007 diphoton")).total >= 1
    top = library.search(SearchRequest("", sort="upvotes", page_size=3)).hits
    assert top[0].paper.upvotes == max(h.paper.upvotes or 0 for h in library.search(
        SearchRequest("", sort="upvotes", page_size=1000)).hits)
    facets = library.search(SearchRequest("")).facets
    assert dict(facets["year"])["2007"] >= 100
    assert "Google" in dict(facets["organization"])
    assert {"100+", "0"} <= set(dict(facets["upvotes"]))
    assert dict(facets["category"])["hep-ph"] >= 10
    assert library.stats().papers > UNIQUE_SEED_PAPERS + 400


def test_jsonl_streams_with_progress_count_and_rate(isolated_home, tmp_path: Path) -> None:
    line = json.loads((FIXTURES / "arxiv_kaggle_jsonl/kaggle_arxiv_first200_wanng-ide.jsonl").read_text()
                      .split("\n", 1)[0])
    big = tmp_path / "snapshot.jsonl"
    with big.open("w") as handle:
        for i in range(2500):
            handle.write(json.dumps({**line, "id": f"0704.{i:04d}", "title": f"Record {i}"}) + "\n")
    seen: list[str] = []
    with Library() as library:
        library.progress = lambda done, total, label: seen.append(label)
        [report] = library.add([big])
        assert report.papers == 2500
    assert any(label.startswith("2,000 records (") and label.endswith("/s)") for label in seen)


def test_bibtex_export_uses_real_ids_and_authors(isolated_home) -> None:
    from paperdeck.index.export import export_bookmarks

    deal = next(p for p in parse("bibtex/zotero_brendon-boldt_phd-thesis.bib").papers if p.arxiv_id == "1706.05125")
    store = BookmarkStore()
    store.add_paper(deal)
    bib = export_bookmarks(store.all(), "bibtex")
    assert bib.startswith("@misc{lewis2017deal,")
    assert "author = {Mike Lewis and Denis Yarats and Yann N. Dauphin and Devi Parikh and Dhruv Batra}" in bib
    assert "eprint = {1706.05125}" in bib and "year = {2017}" in bib
