"""Comment counts and the pages a paper was seen on: read from captures, kept through the store, a rebuild and
``--json``, and merged across sources (every page kept; the comment count of the latest capture)."""

from __future__ import annotations

import html
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.index.cli import main
from paperdeck.index.merge import merge_papers
from paperdeck.index.models import PageSeen, Paper
from paperdeck.index.sources import parse_source
from paperdeck.index.sources.page_context import context_from_props, context_from_url

FIXTURES = Path(__file__).parent / "fixtures"
LISTING = FIXTURES / "captures" / "listing_2026-08-21.html"
PAPER = "2608.19880"


def saved_page(items: list[dict], **props: object) -> str:
    """A saved listing page holding only its hydration data (``props``: periodType, dateString, query...)."""
    data = html.escape(json.dumps({"dailyPapers": items, **props}), quote=True)
    return (f'<!DOCTYPE html><html><head><title>Daily Papers</title></head><body><div class="SVELTE_HYDRATER '
            f'contents" data-target="DailyPapers" data-props="{data}"></div></body></html>')


def api_item(arxiv_id: str, comments: int) -> dict:
    items = json.loads((FIXTURES / "hf_api_json" / "api_daily_papers_2026-08-21.json").read_text())
    item = next(i for i in items if i["paper"]["id"] == arxiv_id)
    return {**item, "numComments": comments}


@pytest.mark.parametrize("url,context", [
    ("https://huggingface.co/papers/date/2024-05-27", "day 2024-05-27"),
    ("https://huggingface.co/papers/week/2024-W22", "week 2024-W22"),
    ("https://huggingface.co/papers/month/2024-05", "month 2024-05"),
    ("https://huggingface.co/papers/trending", "trending"),
    ("https://huggingface.co/papers?q=sparse%20attention", "search: sparse attention"),
    ("https://huggingface.co/papers/2405.14906", "paper page"),
    ("https://example.org/papers/trending", None),
    ("http://[oops", None),
])
def test_the_page_is_named_by_its_address(url: str, context: str | None) -> None:
    assert context_from_url(url) == context


def test_the_page_data_names_its_period_or_search() -> None:
    assert context_from_props({"periodType": "week", "dateString": "2026-W34"}, "DailyPapers") == "week 2026-W34"
    assert context_from_props({"periodType": "day", "dateString": "2026-08-21"}, "DailyPapers") == "day 2026-08-21"
    assert context_from_props({"query": "  agent   tools "}, "DailyPapers") == "search: agent tools"
    assert context_from_props({}, "PaperContent") == "paper page"


def test_a_markdown_capture_of_a_search_page_says_so_and_keeps_comment_counts() -> None:
    text = ("---\nurl: https://huggingface.co/papers?q=agents\ncreated: 2026-08-22\n---\n\n"
            "### [LLM Agents Learn From Their Own Mistakes](https://huggingface.co/papers/2608.19880)\n\n"
            "· 4 authors · Aug 20, 2026\n\nWe study agents that learn by interacting with environments. They "
            "improve over time.\n\n[5 comments](https://huggingface.co/papers/2608.19880#community)\n")
    [paper] = parse_source(text.encode(), "search.md").papers
    assert (paper.comments, paper.seen_on) == (5, ["search: agents"])


def test_comments_and_pages_survive_the_store_a_rebuild_and_json(library, tmp_path: Path, capsys) -> None:
    week = tmp_path / "week.html"
    week.write_text(saved_page([api_item(PAPER, 7)], periodType="week", dateString="2026-W34"))
    library.add([LISTING])
    assert library.get(PAPER).comments == 1 and library.get(PAPER).seen_on == ["day 2026-08-21"]
    library.add([week])  # a later capture: its count replaces the older one, its page joins the list
    for stage in ("added", "rebuilt"):
        paper = library.get(PAPER)
        assert (paper.comments, sorted(paper.seen_on)) == (7, ["day 2026-08-21", "week 2026-W34"]), stage
        library.rebuild()
    library.close()
    assert main(["show", PAPER, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["comments"] == 7
    assert sorted(page["context"] for page in shown["pages"]) == ["day 2026-08-21", "week 2026-W34"]


def _record(source: str, listed: str | None, comments: int | None, context: str) -> Paper:
    return Paper(key=PAPER, title="T", abstract="", url="u", arxiv_id=PAPER, comments=comments,
                 pages=[PageSeen(source, listed, None, context)])


def test_merging_keeps_every_page_and_the_latest_pages_comment_count() -> None:
    merged = merge_papers([_record("b.md", "2026-08-25", 9, "week 2026-W35"),
                           _record("a.md", "2026-08-21", 2, "day 2026-08-21"),
                           _record("c.md", None, None, "trending")])
    assert merged.comments == 2  # the source added last that shows a count, whatever the days it lists
    assert merged.seen_on == ["week 2026-W35", "day 2026-08-21", "trending"]
    assert Paper.from_dict(json.loads(json.dumps(merged.to_dict()))) == merged


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=10**6))
def test_any_search_query_is_kept_inert_and_one_line(query: str, comments: int) -> None:
    item = api_item(PAPER, comments)
    result = parse_source(saved_page([item], query=query).encode(), "search.html")
    [paper] = result.papers
    [context] = [page.context for page in paper.pages]
    assert context is None or (context.startswith("search: ") and len(context) <= 300
                               and not any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in context))
    assert paper.comments == comments
