"""Daily Papers pages however they were saved: every family of capture gives the same papers, and no junk.

The fixtures in ``fixtures/captures/`` were made by ``make_fixtures.py`` from the HF API fixtures, with the real
converters (html2text, markdownify, pandoc, lynx, w3m); the expected records are what the HF JSON importer reads
from the same API file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capture_scoring import EXACT_FIELDS, api_papers, field_value
from conftest import REPO
from paperdeck.index.cli import main
from paperdeck.index.models import Paper, SourceRejected
from paperdeck.index.sources import parse_source, source_format
from paperdeck.index.sources.capture_junk import prose_problem, title_problem
from paperdeck.index.sources.hf_json import parse_hf_daily

FIXTURES = Path(__file__).parent / "fixtures"
CAPTURES = FIXTURES / "captures"
TRENDING = FIXTURES / "hf_captures" / "hf_trending_papers_markdown_capture.md"
FIELDS = ("title", "abstract", "arxiv_id", "published", "upvotes", "organization", "github_stars", "code_urls")
FAMILIES = [("2024-05-27", "clipper.md", "markdown")] + [
    (day, family, fmt) for day in ("2024-05-27", "2026-08-21")
    for family, fmt in (("html", "html"), ("html2text.md", "markdown"), ("markdownify.md", "markdown"),
                        ("pandoc.md", "markdown"), ("lynx.txt", "text_dump"), ("w3m.txt", "text_dump"))]


def expected(day: str) -> dict[str, Paper]:
    result = parse_hf_daily((FIXTURES / "hf_api_json" / f"api_daily_papers_{day}.json").read_text(), "api.json")
    return {paper.arxiv_id: paper for paper in result.papers if paper.arxiv_id}


def parse(path: Path):  # type: ignore[no-untyped-def]
    return parse_source(path.read_bytes(), path.name)


def assert_not_junk(paper: Paper) -> None:
    assert title_problem(paper.title) is None, paper.title
    assert not paper.abstract or prose_problem(paper.abstract) is None, paper.abstract[:80]
    assert not paper.ai_summary or prose_problem(paper.ai_summary) is None, paper.ai_summary


def differences(got: Paper, want: Paper, fields: tuple[str, ...] = FIELDS) -> list[str]:
    return [name for name in fields if field_value(got, name) != field_value(want, name)]


@pytest.mark.parametrize("day,family,fmt", FAMILIES, ids=[f"{d}-{f}" for d, f, _ in FAMILIES])
def test_listing_captures_give_every_paper_exactly_and_nothing_else(day: str, family: str, fmt: str) -> None:
    path = CAPTURES / f"listing_{day}.{family}"
    assert source_format(path.read_text(encoding="utf-8")) == fmt
    result = parse(path)
    want = expected(day)
    got = {paper.arxiv_id: paper for paper in result.papers}
    assert set(got) == set(want) and len(result.papers) == len(want)
    assert result.warnings == []
    # The saved HTML holds the page data (all of it); the other captures show the cards, which carry neither
    # project pages nor AI summaries.
    hidden = () if fmt == "html" else ("projectPage", "ai_summary")
    shown = api_papers(FIXTURES / "hf_api_json" / f"api_daily_papers_{day}.json", drop=hidden)
    for arxiv_id, paper in got.items():
        assert_not_junk(paper)
        assert differences(paper, want[arxiv_id]) == [], arxiv_id
        # Every field the issue names (every link included), the comment count, and the page it was seen on.
        assert differences(paper, shown[arxiv_id], EXACT_FIELDS + ("comments",)) == [], arxiv_id
        assert paper.seen_on == [f"day {day}"]


def test_saved_html_is_read_from_the_pages_own_data_exactly() -> None:
    """The hydration JSON holds everything the API does: authors, AI summary and keywords come along."""
    result = parse(CAPTURES / "listing_2026-08-21.html")
    want = expected("2026-08-21")
    for paper in result.papers:
        assert differences(paper, want[paper.arxiv_id], FIELDS + ("authors", "ai_summary", "keywords")) == []
        assert [page.listed for page in paper.pages] == ["2026-08-21"]  # the listing's own day


def test_html_without_its_data_falls_back_to_the_cards() -> None:
    result = parse(CAPTURES / "listing_dom_only.html")
    want = expected("2026-08-21")
    assert sorted(p.arxiv_id for p in result.papers) == sorted(want)
    assert all(differences(p, want[p.arxiv_id]) == [] for p in result.papers)


def test_notebook_export_with_links_on_their_own_lines() -> None:
    result = parse(CAPTURES / "notebook_2025-11-28.txt")
    want = expected("2025-11-28")
    assert sorted(p.arxiv_id for p in result.papers) == sorted(want)
    for paper in result.papers:
        assert differences(paper, want[paper.arxiv_id], ("title", "abstract", "published", "upvotes")) == []
        assert paper.pages[0].listed == "2025-11-28"


PAPER_PAGES = [("paper_page.html", "2025-11-28", "2511.21541", 12), ("paper_page.html2text.md", "2025-11-28",
                                                                     "2511.21541", 12),
               ("paper_page.lynx.txt", "2025-11-28", "2511.21541", 12),
               ("paper_page_clipper.md", "2026-08-21", "2608.19880", 4),
               ("paper_page_copy.txt", "2026-08-21", "2608.19880", 4)]


@pytest.mark.parametrize("name,day,arxiv_id,authors", PAPER_PAGES, ids=[p[0] for p in PAPER_PAGES])
def test_a_paper_page_gives_exactly_its_paper(name: str, day: str, arxiv_id: str, authors: int) -> None:
    """Comments, "Models citing this paper", menus and the footer never become papers."""
    result = parse(CAPTURES / name)
    assert len(result.papers) == 1
    paper, want = result.papers[0], expected(day)[arxiv_id]
    assert (paper.arxiv_id, paper.title, paper.abstract) == (arxiv_id, want.title, want.abstract)
    assert paper.ai_summary == want.ai_summary  # the summary above "AI-generated summary", not the abstract
    assert paper.authors[:authors] == want.authors[:authors] and len(paper.authors) == authors
    assert paper.upvotes == want.upvotes
    assert_not_junk(paper)


def test_trending_capture_gives_fifty_papers_with_summaries_flagged() -> None:
    """The real trending capture: 100 cards (each twice), 50 papers; AI summaries are never abstracts."""
    result = parse(TRENDING)
    papers = {paper.title: paper for paper in result.papers}
    assert len(result.papers) == len(papers) == 50 and result.warnings == []
    with_abstract = [p for p in result.papers if p.abstract]
    assert len(with_abstract) == 5  # the cards that show several sentences
    assert all(p.ai_summary and not p.abstract for p in result.papers if p not in with_abstract)
    assert all(len(p.code_urls) == 1 and p.github_stars is not None for p in result.papers)
    agent = papers["Agent Lightning: Train ANY AI Agents with Reinforcement Learning"]
    assert (agent.github_stars, agent.code_urls) == (11300, ["https://github.com/microsoft/agent-lightning"])
    assert agent.ai_summary.startswith("Agent Lightning is a flexible RL framework")
    wrapped = [t for t in papers if t.startswith(("SmolDocling", "Multi-module GRPO", "Efficient Memory Manag"))]
    assert sorted(wrapped) == [
        "Efficient Memory Management for Large Language Model Serving with PagedAttention",
        "Multi-module GRPO: Composing Policy Gradients and Prompt Optimization for Language Model Programs",
        "SmolDocling: An ultra-compact vision-language model for end-to-end multi-modal document conversion"]
    for paper in result.papers:
        assert_not_junk(paper)
        assert "LINK" not in paper.title and paper.arxiv_id is None  # no paper links: keyed by title


JUNK_PAGES = {
    "chrome.md": "# What is Papers with Code?\n**URL:** https://x.org\n\n---\n\n## Trending Papers\n\n"
                 "## by AK and the research community\n\n### Company\n\n- [Models](/models)\n- [TOS](/tos)\n",
    "comments.md": "### Paper author\n\nGreat work, congrats! Looking forward to the code release soon, thanks a lot.\n"
                   "\n### 163\n\nAnother comment that is long enough to look like an abstract, said by a user.\n",
    "links.md": "### [https://huggingface.co/papers/2401.00001](https://huggingface.co/papers/2401.00001)\n\n"
                "### [![](a.png)](https://huggingface.co/papers/2401.00002)\n\n### [---](/papers/2401.00003)\n",
}


@pytest.mark.parametrize("name", sorted(JUNK_PAGES))
def test_a_page_of_nothing_but_chrome_is_rejected_whole_with_one_line(name: str) -> None:
    with pytest.raises(SourceRejected) as info:
        parse_source(JUNK_PAGES[name].encode(), name)
    assert info.value.reason.startswith("looks like a Markdown page, but no paper entries were recognised")
    assert "\n" not in info.value.reason


def test_junk_cards_are_dropped_with_file_line_and_why_and_the_rest_lands() -> None:
    good = ("### [A Real Paper About Sparse Attention](https://huggingface.co/papers/2401.01234)\n\n"
            "We study sparse attention. It is faster than dense attention on long inputs. Code is public.\n\n")
    text = good + "### [Company](https://huggingface.co/papers/2401.05555)\n\nSome text that is prose enough to " \
                  "be an abstract, sitting under a chrome heading.\n"
    result = parse_source(text.encode(), "page.md")
    assert [p.arxiv_id for p in result.papers] == ["2401.01234"]
    assert [str(w) for w in result.warnings] == ["page.md:5: title is page chrome: 'Company' skipped"]


def test_this_readme_is_not_a_papers_page() -> None:
    with pytest.raises(SourceRejected, match="looks like a Markdown page, but no paper entries"):
        parse_source((REPO / "README.md").read_bytes(), "README.md")


def test_add_dry_run_shows_format_papers_and_changes_nothing(isolated_home: Path, capsys) -> None:
    code = main(["add", "--dry-run", str(CAPTURES / "paper_page_clipper.md"), str(TRENDING)])
    out = capsys.readouterr().out
    assert code == 0
    assert "would add  " in out and "(format markdown, 1 papers)" in out and "(format markdown, 50 papers)" in out
    assert "      2608.19880  2026-08-20  LLM agents learn by interacting with environments" in out
    assert "[AI summary] Agent Lightning is a flexible RL framework" in out
    assert out.rstrip().endswith("dry run: nothing was changed")
    assert not isolated_home.exists()  # no library, no cache, no source list


def test_add_dry_run_of_only_unrecognised_files_exits_1(tmp_path: Path, capsys) -> None:
    page = tmp_path / "notes.md"
    page.write_text("# My notes\n\nSome thoughts about papers I should read later, in no particular order.\n")
    assert main(["add", "--dry-run", str(page)]) == 1
    assert "looks like a Markdown page, but no paper entries were recognised" in capsys.readouterr().out


def test_add_folder_picks_markdown_and_html_and_reports_per_file(library, tmp_path: Path) -> None:
    for name in ("listing_2026-08-21.html", "listing_2026-08-21.html2text.md", "paper_page_copy.txt"):
        (tmp_path / name).write_bytes((CAPTURES / name).read_bytes())
    (tmp_path / "notes.markdown").write_text("# Notes\n\nNothing to see here, only a few words of prose.\n")
    reports = {Path(r.source).name: r for r in library.add([tmp_path])}
    assert reports["listing_2026-08-21.html"].papers == 17 and reports["listing_2026-08-21.html"].new_papers == 17
    assert reports["listing_2026-08-21.html2text.md"].new_papers == 0  # the same papers, merged by arXiv id
    assert reports["notes.markdown"].status == "skipped"
    paper = library.get("2608.19880")
    assert paper.ai_summary and paper.abstract and len(paper.sources) == 3


def test_fixture_script_is_what_made_the_fixtures() -> None:
    """The committed outputs name the tools that made them; the script is kept next to them to re-run."""
    script = (CAPTURES / "make_fixtures.py").read_text()
    for tool in ("html2text", "markdownify", "pandoc", "lynx", "w3m"):
        assert tool in script
    assert json.loads(json.dumps(sorted(p.name for p in CAPTURES.iterdir())))  # listing is stable


def test_reader_service_markdown_with_a_title_over_two_headings_and_the_id_from_arxiv_page() -> None:
    text = ("Title: Daily Papers - Hugging Face\n\nURL Source: https://huggingface.co/papers/date/2025-03-08\n\n"
            "Markdown Content:\n### SmolDocling: An ultra-compact vision-language model for end-to-end\n"
            "### multi-modal document conversion\n\nWe introduce SmolDocling, an ultra-compact vision-language "
            "model. It converts whole pages.\n\n[arXiv Page](https://arxiv.org/abs/2503.11576) · 12 authors · "
            "Mar 8\n\n[Read the paper](https://huggingface.co/papers/2503.11576)\n")
    result = parse_source(text.encode(), "reader.md")
    [paper] = result.papers
    assert paper.title == ("SmolDocling: An ultra-compact vision-language model for end-to-end multi-modal "
                           "document conversion")
    assert (paper.arxiv_id, paper.published, paper.pages[0].listed) == ("2503.11576", "2025-03-08", "2025-03-08")
    assert paper.abstract.endswith("It converts whole pages.") and paper.ai_summary is None
