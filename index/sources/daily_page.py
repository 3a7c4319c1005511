"""Parser for Hugging Face "Daily Papers" pages saved as text (the layout of ``seeds/``).

The layout is: page chrome ("new", "Subscribe", ...), an optional listing date ("Aug 1"), then a title line
and an abstract paragraph, repeated. Captures differ: blank lines between items may be missing, the first
title may be glued to "Subscribe", lines may carry CRLF, tabs or trailing spaces.

Why classify lines by shape instead of strictly alternating: one missing abstract would otherwise shift every
later title into an abstract. A line is taken as an abstract when it reads like prose (long, or several
sentences); otherwise it is a title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..clean import clean_paragraph, title_key
from ..links import canonical_url, extract_links
from ..models import PageSeen, Paper, ParseResult, ParseWarning
from .capture_junk import prose_problem, title_problem

CHROME_LINES = frozenset(
    line.casefold()
    for line in (
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    )
)
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[^a-z\s])")  # "SubscribePretraining", not "Subscribers"
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DATE_LINE = re.compile(
    r"^(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,?\s+(?P<year>\d{4}))?$",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")

TITLE_MAX_CHARS = 250
TITLE_MAX_WORDS = 40
PROSE_MIN_WORDS = 12
TITLE_SHORT_WORDS = 25
MAX_ABSTRACT_CHARS = 20_000  # real abstracts stay under ~3,000


def looks_like_abstract(text: str) -> bool:
    """Prose rather than a title: long, many words, more than one sentence, or a long sentence ending in a
    full stop (titles almost never end with one)."""
    words = len(text.split())
    if len(text) > TITLE_MAX_CHARS or words > TITLE_MAX_WORDS:
        return True
    if text.endswith((".", "!")) and words >= PROSE_MIN_WORDS:
        return True
    return len(_SENTENCE_BREAK.findall(text)) >= 2


def _title_shaped(text: str) -> bool:
    """Could be a title despite ``looks_like_abstract``: title-sized, and one sentence unless it is short (titles
    such as "Riddle Me This! Stealthy ..." have inner exclamation marks)."""
    words = len(text.split())
    return len(text) <= TITLE_MAX_CHARS and (words <= TITLE_SHORT_WORDS or (
        words <= TITLE_MAX_WORDS and not _SENTENCE_BREAK.search(text)))


def parse_listing_date(line: str, year: int | None = None) -> str | None:
    """``Aug 1`` -> ``08-01`` (or ``2024-08-01`` when the page or the user gives a year)."""
    m = _DATE_LINE.match(line.strip())
    if not m:
        return None
    month = _MONTHS[m.group("month")[:3].lower()]
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    found_year = int(m.group("year")) if m.group("year") else year
    return f"{found_year:04d}-{month:02d}-{day:02d}" if found_year else f"{month:02d}-{day:02d}"


def _is_paragraph_layout(lines: list[str]) -> bool:
    """True when blank lines separate items, so a paragraph may span several lines."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) < 2:
        return False
    followed_by_blank = sum(1 for i in content if i + 1 < len(lines) and not lines[i + 1].strip())
    return followed_by_blank >= 0.3 * len(content)


def _content_blocks(lines: list[str], year: int | None) -> Iterable[tuple[list[tuple[int, str]], str | None]]:
    """Blocks of content lines with the listing date in force; chrome and date lines are consumed here.

    In the paragraph layout a block is a run of non-blank lines (a wrapped paragraph stays together); in the
    compact layout every line is a block of its own.
    """
    paragraph_layout = _is_paragraph_layout(lines)
    listed: str | None = None
    block: list[tuple[int, str]] = []
    seen_content = False
    for number, raw in enumerate(lines, start=1):
        line = clean_paragraph(raw)
        if not line or line.casefold() in CHROME_LINES:
            if block and (not line or not paragraph_layout):
                yield block, listed
                block = []
            continue
        if not seen_content and (glued := _GLUED_SUBSCRIBE.match(line)):
            line = line[glued.end():].strip()
        if (date := parse_listing_date(line, year)) is not None:
            if block:
                yield block, listed
                block = []
            listed = date
            continue
        seen_content = True
        block.append((number, line))
        if not paragraph_layout:
            yield block, listed
            block = []
    if block:
        yield block, listed


def parse_daily_page(text: str, source: str, year: int | None = None) -> ParseResult:
    """Parse one saved page into papers (merged within the page) plus warnings naming file and line."""
    warnings: list[ParseWarning] = []
    entries: list[tuple[str, str, int, str | None]] = []  # title, abstract, title line, listing date
    pending: tuple[str, int, str | None] | None = None  # a title waiting for its abstract

    def orphan_title() -> None:
        if pending is not None:
            warnings.append(ParseWarning(source, pending[1], f"title with no abstract: {pending[0][:60]!r} skipped"))

    lines = text.split("\n")
    blocks = list(_content_blocks(lines, year))
    paragraph_layout = _is_paragraph_layout(lines)
    for index, (block, listed) in enumerate(blocks):
        first_number, first_line = block[0]
        if pending is None and len(block) > 1 and not looks_like_abstract(first_line):
            # "Title\nAbstract" with no blank line between them, inside a blank-separated page.
            entries.append((first_line, " ".join(line for _, line in block[1:]), first_number, listed))
            continue
        joined = " ".join(line for _, line in block)
        following = blocks[index + 1][0] if index + 1 < len(blocks) else None
        if (paragraph_layout and pending is None and len(block) == 1 and _title_shaped(joined)
                and following is not None and looks_like_abstract(" ".join(line for _, line in following))):
            # A long title ending in "." or "!" looks like a one-sentence abstract; where blank lines separate
            # title and abstract, the alternation says what it is: no title is pending, and prose follows.
            pending = (joined, first_number, listed)
            continue
        if looks_like_abstract(joined) or (len(block) > 1 and pending is not None):
            if pending is None:
                warnings.append(ParseWarning(source, first_number, "paragraph with no title before it: skipped"))
            else:
                entries.append((pending[0], joined, pending[1], pending[2]))
                pending = None
            continue
        orphan_title()
        pending = (joined, first_number, listed)
    orphan_title()
    checked: dict[tuple[str, str], bool] = {}  # a page listing a paper many times is checked once per paper
    kept = []
    for entry in entries:
        if entry[:2] not in checked:
            checked[entry[:2]] = _checked(entry, source, warnings)
        if checked[entry[:2]]:
            kept.append(_bounded(entry, source, warnings))
    entries = kept
    return ParseResult(source=source, papers=list(_merge_entries(entries, source)), warnings=warnings)


def _checked(entry: tuple[str, str, int, str | None], source: str, warnings: list[ParseWarning]) -> bool:
    """The junk gate every capture's records pass: a title that is a URL, chrome, a number or a card detail
    ("· 2 authors"), or an abstract that is not prose, is reported and dropped."""
    title, abstract, line, _ = entry
    problem = title_problem(title, plain_text=True) or prose_problem(abstract)
    if problem:
        warnings.append(ParseWarning(source, line, f"{problem}: {title[:60]!r} skipped"))
    return problem is None


def _bounded(entry: tuple[str, str, int, str | None], source: str,
             warnings: list[ParseWarning]) -> tuple[str, str, int, str | None]:
    """Cut an abstract that is far longer than any real one (a page saved without line breaks, a dump glued
    into one paragraph), so one bad entry cannot slow down every search and every screen that shows it."""
    title, abstract, line, listed = entry
    if len(abstract) <= MAX_ABSTRACT_CHARS:
        return entry
    cut = abstract.rfind(" ", 0, MAX_ABSTRACT_CHARS)
    warnings.append(ParseWarning(source, line, f"abstract of {len(abstract):,} characters cut to "
                                               f"{MAX_ABSTRACT_CHARS:,}"))
    return title, abstract[: cut if cut > 0 else MAX_ABSTRACT_CHARS] + " …", line, listed


def _merge_entries(entries: Iterable[tuple[str, str, int, str | None]], source: str) -> Iterable[Paper]:
    """One record per paper even when the page lists it twice."""
    papers: dict[str, Paper] = {}
    for title, abstract, line, listed in entries:
        key = title_key(title)
        page = PageSeen(source=source, listed=listed, line=line)
        if key in papers:
            paper = papers[key]
            if not any(p.listed == listed for p in paper.pages):
                paper.pages.append(page)
            if len(abstract) > len(paper.abstract):
                paper.abstract = abstract
                paper.links = extract_links(abstract)
            continue
        papers[key] = Paper(
            key=key,
            title=title,
            abstract=abstract,
            url=canonical_url(title, None),
            links=extract_links(abstract),
            pages=[page],
        )
    return papers.values()
