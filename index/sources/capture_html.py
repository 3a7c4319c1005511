"""Saved HTML pages (browser "Save Page As", SingleFile, ``curl -o``) of huggingface.co/papers.

Why the hydration JSON first: Hugging Face renders each page's data as HTML-escaped JSON in
``<div class="SVELTE_HYDRATER" data-target="DailyPapers" data-props="...">`` (listing pages: daily, weekly,
monthly, trending, search) or ``data-target="PaperContent"`` (one paper's page). It holds exactly what the
``api/daily_papers`` JSON holds, so it is read with the same importer: no guessing. When it is gone (a page saved
after scripts rewrote it, or a converter's output), the DOM is converted to Markdown with markdownify and read
like any Markdown capture: cards whose heading links to ``/papers/<id>``.
"""

from __future__ import annotations

from functools import partial

import json
import re
from typing import Any

from ..models import PageSeen, Paper, ParseResult, ParseWarning, SourceRejected
from .capture import papers_from_blocks
from .capture_blocks import PageInfo
from .capture_markdown import markdown_blocks
from .fields import read_record
from .hf_json import paper_from_item
from .page_context import context_from_props, context_from_url

_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<!--|<meta[\s>])", re.IGNORECASE)
_HTML_TAG = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")
_NOT_CONTENT = ("script", "style", "noscript", "template", "svg", "iframe", "head")


def looks_like_html(head: str) -> bool:
    """A saved web page rather than Markdown with a stray tag: starts like one, or has an ``<html>``/``<body>``."""
    return bool(_HTML_START.match(head)) or bool(_HTML_TAG.search(head))


def parse_html(text: str, source: str, year: int | None = None) -> ParseResult:
    """Papers of a saved page: its hydration data when present, else its cards. Raises ``SourceRejected``."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    papers, warnings, found_data = _page_data(soup, source)
    if papers:
        return ParseResult(source, papers, warnings)
    if found_data:
        warnings.append(ParseWarning(source, None, "the page's data held no papers: reading its cards instead"))
    context = _url_context(soup)
    for tag in soup.find_all(_NOT_CONTENT):
        tag.decompose()
    from markdownify import MarkdownConverter

    markdown = MarkdownConverter(heading_style="ATX").convert_soup(soup)
    blocks, info = markdown_blocks(markdown)
    title = soup.find("title")
    info = PageInfo(title=title.get_text(strip=True) if title else None, context=context)
    try:
        result = papers_from_blocks(blocks, info, source, "html", year)
    except SourceRejected:
        raise SourceRejected(source, "looks like an HTML page, but no paper entries were recognised (neither "
                                     "the page's data nor cards linking to /papers/<id>)") from None
    result.warnings[:0] = warnings
    return result


def page_data_papers(text: str, source: str) -> ParseResult | None:
    """The papers of a page's hydration data kept inside a converter's Markdown or text (pandoc keeps the div as
    raw HTML and renames ``data-props`` to ``props``), or None when the capture holds none."""
    if 'data-target="DailyPapers"' not in text and 'data-target="PaperContent"' not in text:
        return None
    from bs4 import BeautifulSoup

    papers, warnings, _ = _page_data(BeautifulSoup(text, "html.parser"), source)
    return ParseResult(source, papers, warnings) if papers else None


def _page_data(soup: Any, source: str) -> tuple[list[Paper], list[ParseWarning], bool]:
    """Papers of every ``DailyPapers``/``PaperContent`` hydration block, the warnings, and whether any was found."""
    warnings: list[ParseWarning] = []
    papers: list[Paper] = []
    found_data = False
    for node in soup.find_all(attrs={"data-target": True}):
        target = node.get("data-target")
        raw = node.get("data-props") or node.get("props")
        if target not in ("DailyPapers", "PaperContent") or raw is None:
            continue
        found_data = True
        try:
            props = json.loads(raw)
        except ValueError as err:
            warnings.append(ParseWarning(source, node.sourceline, f"{target} data is not valid JSON ({err}): "
                                                                  "reading the page's cards instead"))
            found_data = False
            continue
        papers.extend(_papers_from_props(props, target, source, node.sourceline, warnings, _url_context(soup)))
    return papers, warnings, found_data


def _url_context(soup: Any) -> str | None:
    """The context the saved page's own address names: its canonical link, ``og:url``, or the "saved from url"
    mark browsers write at the top of a saved page."""
    for found in (soup.find("link", rel="canonical"), soup.find("meta", property="og:url")):
        url = found.get("href") or found.get("content") if found is not None else None
        if isinstance(url, str) and (context := context_from_url(url)):
            return context
    from bs4 import Comment

    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        if m := _SAVED_FROM.search(str(comment)):
            return context_from_url(m.group(1))
    return None


def _papers_from_props(props: Any, target: str, source: str, line: int | None, warnings: list[ParseWarning],
                       page_url_context: str | None = None) -> list[Paper]:
    """The papers in one hydration block, each seen on this page (its date when it is a daily listing)."""
    if not isinstance(props, dict):
        warnings.append(ParseWarning(source, line, f"{target} data is not an object: skipped"))
        return []
    items = props.get("dailyPapers") if target == "DailyPapers" else [props]
    if not isinstance(items, list):
        warnings.append(ParseWarning(source, line, f"{target} data has no paper list: skipped"))
        return []
    day = props.get("dateString") if props.get("periodType") in (None, "day") else None
    context = context_from_props(props, target) or page_url_context
    papers = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            warnings.append(ParseWarning(source, line, f"{target} item {number}: not an object: skipped"))
            continue
        paper = read_record(partial(paper_from_item, item, source), warnings, source, line, f"{target} item {number}: ")
        if paper is None:
            continue
        listed = day if isinstance(day, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else paper.pages[0].listed
        paper.pages = [PageSeen(source=source, listed=listed, line=line, context=context)]
        papers.append(paper)
    return papers
