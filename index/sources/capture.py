"""Reading a Daily Papers page however it was saved: detect -> normalise into blocks -> segment -> fields ->
validate -> ``Paper``.

Why one pipeline: every capture (saved HTML, a converter's Markdown, a text browser's dump, a notebook export,
a single paper page) holds the same entries under different markup. Each kind has one normaliser
(``capture_html``, ``capture_markdown``, ``capture_text``); everything after the blocks is shared, so a new
clipper's quirk is a small change in one place. Pure: text in, papers and warnings out; nothing is stored.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..models import Paper, ParseResult, ParseWarning, SourceRejected
from .capture_blocks import Block, PageInfo, paper_id_from_url
from .capture_entries import Entry, segment
from .capture_fields import date_of, extract
from .capture_junk import prose_problem, title_problem
from .capture_markdown import markdown_blocks
from .capture_text import has_reference_list, text_blocks, url_lines
from .metadata import build_paper
from .page_context import context_from_url, day_context

KIND_NAMES = {
    "html": "an HTML page",
    "markdown": "a Markdown page",
    "text_dump": "a text browser's dump (numbered links)",
    "notebook": "a text export with links on their own lines",
    "paper_page": "a paper page saved as text",
    "text_cards": "a text copy of a page without its links",
}
_MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)
_MD_LINK = re.compile(r"\]\((?:https?://|/)[^)\s]*\)")
_PAPER_URL_LINE = re.compile(r"^\s*<?https?://(?:www\.)?(?:huggingface\.co/papers|hf\.co/papers|arxiv\.org/abs)/",
                             re.MULTILINE)
_ARXIV_LINE = re.compile(r"^\s*(?:\[\d+\])?arxiv:\s*\d{4}\.\d{4,5}", re.IGNORECASE | re.MULTILINE)
_URL_DATE = re.compile(r"/papers/(?:date/)?(\d{4}-\d{2}-\d{2})")
_SUBMITTED = re.compile(r"^submitted by\s+(.+?)(?:\s+on\s+\w+ \d{1,2}(?:, \d{4})?)?$", re.IGNORECASE)
_LOST_MARKER = re.compile(r"^\s*\[\d+\]\S", re.MULTILINE)
_GLUED_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DATE_TEXT = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?\b",
                        re.IGNORECASE)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
# A card's own detail lines ("· 9 authors", "Submitted by ..."): a page that lost its links still has them.
_CARD_DETAIL_LINE = re.compile(r"^\s*(?:[-*•]\s+)?(?:·\s*)?(?:\d[\d,]*\s+authors?|submitted by\s+\S.*)\s*$",
                               re.IGNORECASE | re.MULTILINE)


def capture_kind(text: str) -> str | None:
    """Which capture normaliser reads ``text`` (already known not to be HTML, JSON, XML or BibTeX), or None
    for the plain copy-and-paste layout of the seeds."""
    head = text[:200_000]
    if has_reference_list(head):
        return "text_dump"
    if head.lstrip().startswith("---\n") or _MD_HEADING.search(head) or len(_MD_LINK.findall(head)) >= 2:
        return "markdown"
    if _PAPER_URL_LINE.search(head) and url_lines(head) >= 1:
        return "notebook"
    if _ARXIV_LINE.search(head) and "abstract" in head.casefold():
        return "paper_page"
    if _CARD_DETAIL_LINE.search(head) or len(_LOST_MARKER.findall(head)) >= 2:
        return "text_cards"  # the seeds' plain copies never show card details or a text browser's "[12]" marks
    return None


def parse_capture(text: str, source: str, kind: str, year: int | None = None) -> ParseResult:
    """Papers of a Markdown or text capture; raises ``SourceRejected`` when no entry is recognised."""
    if kind == "markdown":
        blocks, info = markdown_blocks(text)
    else:
        blocks, info = text_blocks(text, lost_links=kind == "text_cards"), PageInfo()
    return papers_from_blocks(blocks, info, source, kind, year)


def _page_info(blocks: list[Block], info: PageInfo, year: int | None) -> PageInfo:
    """The page's date and year: from the front matter or URL, else the first date heading before any card."""
    if info.url and (m := _URL_DATE.search(urlsplit(info.url).path)):
        info.date = info.date or m.group(1)
    if info.date is None:
        for block in blocks[:40]:
            if any(paper_id_from_url(link.url) for link in block.links) or any(
                    _CARD_DETAIL_LINE.match(line) for line in block.lines):
                break  # the first card: a date from here on is a paper's, not the page's
            candidates = [*block.lines, block.text] if len(block.lines) <= 3 else block.lines
            if found := next((day for text in candidates if (day := _listing_date(text))), None):
                info.date = found
                break
    if info.date and _YEAR.match(info.date):
        info.year = int(info.date[:4])
    info.year = info.year or year
    trending = any(b.text.casefold() == "trending papers" for b in blocks[:40]) or "trending papers" in (
        info.title or "").casefold()
    info.context = (info.context or context_from_url(info.url) or ("trending" if trending else None)
                    or day_context(info.date))
    return info


def _listing_date(text: str) -> str | None:
    """The day a listing's header shows: a date alone, or between the pager's links, also when a text copy ran
    them together ("PreviousDec 12, 2024Next")."""
    spaced = _GLUED_WORDS.sub(" ", text)
    if len(spaced) > 40 or (found := date_of(spaced, None)) is None:
        return None
    rest = _DATE_TEXT.sub(" ", spaced).casefold().split()
    return found if all(word in ("previous", "next", "‹", "›", "<", ">") for word in rest) else None


def _names(blocks: list[Block]) -> frozenset[str]:
    """Names the page shows (submitters, author lists): a title equal to one of them is junk, and a user link
    next to "Submitted by" is not the paper's organisation."""
    names: set[str] = set()
    lines = [line.strip() for block in blocks for line in block.lines]
    for index, line in enumerate(lines):
        if line.casefold() == "submitted by" and index + 1 < len(lines):
            names.add(re.sub(r"\s+on\s+\w+ \d{1,2}(?:, \d{4})?$", "", lines[index + 1]).casefold())
        elif m := _SUBMITTED.match(line):
            names.add(m.group(1).strip().casefold())
        elif line.lower().startswith("authors:"):
            names.update(n.strip().casefold() for n in line[8:].split(",") if n.strip())
    for block in blocks:
        names.update(link.text.casefold() for link in block.links if "papers?q=" in link.url)
    return frozenset(names - {""})


def papers_from_blocks(blocks: list[Block], info: PageInfo, source: str, kind: str,
                       year: int | None = None) -> ParseResult:
    """The shared back half of the pipeline: segment, extract, validate, build, merge."""
    info = _page_info(blocks, info, year)
    names = _names(blocks)
    warnings: list[ParseWarning] = []
    papers: dict[str, Paper] = {}
    entries = segment(blocks, names)
    for entry in entries:
        paper = _paper(entry, info, source, names, warnings)
        if paper is not None:
            _merge(papers, paper)
    if not papers:
        dropped = f" ({len(entries)} candidate(s) dropped as junk)" if entries else ""
        raise SourceRejected(source, f"looks like {KIND_NAMES.get(kind, 'a page')}, but no paper entries were "
                                     f"recognised{dropped}")
    return ParseResult(source=source, papers=list(papers.values()), warnings=warnings)


def _paper(entry: Entry, info: PageInfo, source: str, names: frozenset[str],
           warnings: list[ParseWarning]) -> Paper | None:
    """One entry as a checked ``Paper``, or None with a warning saying where and why it was dropped."""
    def drop(why: str) -> None:
        warnings.append(ParseWarning(source, entry.line, f"{why}: {entry.title[:60]!r} skipped"))

    if problem := title_problem(entry.title, names):
        drop(problem)
        return None
    fields = extract(entry, info, names)
    if fields.abstract and (problem := prose_problem(fields.abstract)):
        drop(problem)
        return None
    if not (fields.abstract or fields.ai_summary or fields.arxiv_id):
        drop("no abstract, summary or paper link")
        return None
    if not fields.has_card_details:
        drop("a heading over text, with nothing of a paper card (authors, date, upvotes, code or paper link)")
        return None
    listed = info.date if info.date else None
    paper = build_paper(source=source, title=entry.title, abstract=fields.abstract, arxiv_id=fields.arxiv_id,
                        authors=fields.authors, published=fields.published, listed=listed,
                        upvotes=fields.upvotes, github_repo=fields.github_repo, github_stars=fields.github_stars,
                        project_page=fields.project_page, organization=fields.organization,
                        ai_summary=fields.ai_summary or None, extra_links=fields.extra_links, line=entry.line,
                        comments=fields.comments, context="paper page" if entry.single_page else info.context)
    return paper


def _merge(papers: dict[str, Paper], paper: Paper) -> None:
    """One record per paper: a card shown twice (desktop and mobile) or a paper listed again fills gaps only."""
    known = papers.get(paper.key)
    if known is None:
        papers[paper.key] = paper
        return
    if len(paper.abstract) > len(known.abstract):
        known.abstract = paper.abstract
    for name in ("ai_summary", "published", "upvotes", "organization", "github_stars", "comments"):
        if getattr(known, name) is None and getattr(paper, name) is not None:
            setattr(known, name, getattr(paper, name))
    known.authors = known.authors or paper.authors
    seen = {link.url for link in known.links}
    known.links.extend(link for link in paper.links if link.url not in seen)
    if not any(p.listed == page.listed for page in paper.pages for p in known.pages):
        known.pages.extend(paper.pages)
