"""Segmenting a capture's blocks into paper entries: on paper links, on headings, or as one paper page.

Why these three: a listing page's entries are cards whose title links to ``/papers/<id>`` (kept by every
converter that keeps links); a capture that lost its links still has one heading per card (the trending
scrapers); a single paper page has one title and an ``Abstract`` section among comments and menus, and must
give exactly one paper. The seeds' plain copy (no links, no headings) is not read here: ``daily_page`` keeps it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .capture_blocks import BARE_NUMBER, Block, paper_id_from_url
from .capture_junk import CHROME, title_problem

_ARXIV_LINE = re.compile(r"^arxiv:\s*(\d{4}\.\d{4,5})", re.IGNORECASE)
_SENTENCE = re.compile(r"[.!?]\s+[A-Z(]")
# The first line of a card's details, right under its title: "Submitted by ...", "· 9 authors", "Dec 10, 2024".
_CARD_START = re.compile(r"^(?:submitted by\s+\S|published on\b|·?\s*\d[\d,]*\s+authors?\b|"
                         r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?$)",
                         re.IGNORECASE)
TITLE_MAX_LINES = 3


@dataclass(slots=True)
class Entry:
    """One paper's share of the capture: its title and id, and the blocks of its card."""

    title: str
    line: int
    arxiv_id: str | None
    blocks: list[Block] = field(default_factory=list)
    single_page: bool = False


def _title_from_link(block: Block, names: frozenset[str]) -> tuple[str, str | None] | None:
    """(title, arXiv id) when the block starts with a link to a paper page whose text is a real title."""
    if not block.lines:
        return None
    first = block.lines[0]
    for link in block.links:
        paper_id = paper_id_from_url(link.url)
        if (paper_id is None or not link.text or not first.startswith(link.text[: max(1, len(first) // 2)])
                or title_problem(link.text, names) is not None):
            continue
        title = link.text
        # A text dump wraps a long title onto the next line(s) of the same block; a heading is its own title.
        if block.heading or (len(block.lines) <= 3 and len(block.text) <= 300 and len(_SENTENCE.findall(block.text))
                             == 0 and not block.text.endswith(".")):
            title = block.text if block.text.startswith(title) else title
        if title_problem(title, names) is None:
            ids = {found for other in block.links if other.text == link.text
                   and (found := paper_id_from_url(other.url))}
            # The same title linking to two papers (a stray link under it): which one is not known, so neither.
            return title, paper_id if len(ids) <= 1 else None
    return None


def _is_single_page(blocks: list[Block]) -> str | None:
    """The arXiv id (or "" when none is shown) when the capture is one paper's page, else None."""
    texts = [line.strip() for block in blocks for line in block.lines]
    arxiv = next((m.group(1) for t in texts if (m := _ARXIV_LINE.match(t))), None)
    has_abstract = any(t.casefold() == "abstract" for t in texts)
    marked = any(t.casefold() in ("ai-generated summary", "published on") or t.startswith("Published on")
                 for t in texts)
    if arxiv and (has_abstract or marked):
        return arxiv
    if has_abstract and marked:
        return ""
    return None


_PAGE_MARKS = ("abstract", "ai-generated summary", "community", "authors:", "upvote")


def _split_at_marks(blocks: list[Block]) -> list[Block]:
    """A paper page copied as text runs everything together: give each section mark (and the line after the
    ``arxiv:`` line, the title) a block of its own, so sections can be found. Links go with their text."""
    out: list[Block] = []
    for block in blocks:
        pieces: list[Block] = [Block(block.line, [], [], block.heading)]
        for offset, line in enumerate(block.lines):
            folded = line.strip().casefold()
            after_arxiv = offset > 0 and bool(_ARXIV_LINE.match(block.lines[offset - 1].strip()))
            if folded in _PAGE_MARKS or _ARXIV_LINE.match(line.strip()) or after_arxiv:
                pieces += [Block(block.line + offset, [line], [], block.heading),
                           Block(block.line + offset + 1, [], [], block.heading)]
            else:
                pieces[-1].lines.append(line)
        pieces = [p for p in pieces if p.lines] or [Block(block.line, [], [], block.heading)]
        for link in block.links:
            home = next((p for p in pieces if link.text and link.text in p.text), pieces[0])
            home.links.append(link)
        out.extend(pieces)
    return out


def _single_page_entry(blocks: list[Block], arxiv: str, names: frozenset[str]) -> list[Entry]:
    """The one paper of a paper page: its ``# Title``, else the first title-like line after ``arxiv:ID``."""
    blocks = _split_at_marks(blocks)
    start = next((i + 1 for i, b in enumerate(blocks) if any(_ARXIV_LINE.match(line) for line in b.lines)), 0)
    h1 = next((b for b in blocks if b.heading == 1 and title_problem(b.text, names) is None), None)
    if h1 is not None:
        at = blocks.index(h1)
        return [Entry(h1.text, h1.line, arxiv or None, blocks[start:at] + blocks[at + 1:], single_page=True)]
    for at in range(start, min(len(blocks), start + 6)):
        block = blocks[at]
        if block.lines and title_problem(block.lines[0], names) is None and not block.lines[0].endswith("."):
            rest = Block(block.line + 1, block.lines[1:], block.links)  # "Published on ..." under the title
            return [Entry(block.lines[0], block.line, arxiv or None, [rest, *blocks[at + 1:]], single_page=True)]
    return []


def _heading_level(blocks: list[Block], names: frozenset[str]) -> int | None:
    """The heading level that titles the cards: the commonest level among title-like headings."""
    levels = Counter(b.heading for b in blocks if b.heading >= 2 and title_problem(b.text, names) is None)
    return levels.most_common(1)[0][0] if levels else None


def _is_pre_title_detail(block: Block) -> bool:
    """A card's upvote count or thumbnail, shown before its title (so it belongs to the next entry)."""
    if not block.lines:
        return all(paper_id_from_url(link.url) for link in block.links)
    return len(block.lines) == 1 and bool(BARE_NUMBER.match(block.lines[0]))


def is_title_block(block: Block, names: frozenset[str]) -> bool:
    """A block that can be a card's title in a copy without links: a few lines, title-like, not a detail."""
    return (0 < len(block.lines) <= TITLE_MAX_LINES and not block.heading
            and not any(_CARD_START.match(part.strip()) for line in block.lines for part in line.split("·"))
            and not _is_pre_title_detail(block)
            and title_problem(block.text, names, plain_text=True) is None)


def _segment_on_details(blocks: list[Block], names: frozenset[str]) -> list[Entry]:
    """Entries of a copy that lost its links and headings (``lynx -dump -nolist``, a reader view, plain text):
    a card is a title block followed at once by its details ("Submitted by", "· N authors", its date).

    Why not the seeds' alternation: these copies interleave details, counts and chrome between title and
    abstract, and a hard-wrapped abstract's line may look like a title; a title here must be a block of its
    own directly above a card's first detail, so a line cut from an abstract never is one."""
    entries: list[Entry] = []
    loose: list[Block] = []
    current: Entry | None = None
    for index, block in enumerate(blocks):
        previous = blocks[index - 1] if index else None
        if (previous is not None and block.lines and _CARD_START.match(block.lines[0].strip())
                and is_title_block(previous, names)):
            pool = current.blocks if current else loose
            if pool and pool[-1] is previous:
                pool.pop()
            pre: list[Block] = []
            while pool and _is_pre_title_detail(pool[-1]):
                pre.insert(0, pool.pop())
            current = Entry(previous.text, previous.line, None, [*pre, block])
            entries.append(current)
            continue
        (current.blocks if current else loose).append(block)
    return entries


def segment(blocks: list[Block], names: frozenset[str] = frozenset()) -> list[Entry]:
    """The entries of a capture, in page order (duplicates still in; merging is the caller's job)."""
    arxiv = _is_single_page(blocks)
    linked = [_title_from_link(b, names) for b in blocks]
    if any(found and block.heading for found, block in zip(linked, blocks)):
        # Titles are headings on this page: a paper link at the start of a paragraph ("Read the paper") is not one.
        linked = [found if block.heading else None for found, block in zip(linked, blocks)]
    distinct = {found[1] for found in linked if found}
    if arxiv is not None and len(distinct) <= 1:
        return _single_page_entry(blocks, arxiv, names)
    level = None if distinct else _heading_level(blocks, names)
    if not distinct and level is None:
        return _segment_on_details(blocks, names)
    entries: list[Entry] = []
    loose: list[Block] = []  # blocks not inside an entry (page header, chrome between sections)
    current: Entry | None = None
    for block, found in zip(blocks, linked):
        title = None
        if found:
            title, paper_id = found
        elif level is not None and block.heading == level and title_problem(block.text, names) is None:
            title, paper_id = block.text, None
        elif block.heading and any(paper_id_from_url(link.url) for link in block.links):
            # A heading linking to a paper page but not titled like a paper ("Company", a URL): a candidate that
            # the checks will drop, and report, rather than a heading whose card would join the one above.
            title, paper_id = block.text, None
        if title is not None:
            pool = current.blocks if current else loose
            pre: list[Block] = []
            while pool and _is_pre_title_detail(pool[-1]):
                pre.insert(0, pool.pop())
            current = Entry(title, block.line, paper_id, pre)
            entries.append(current)
            continue
        if block.heading and current is not None and (block.heading <= (level or 6)
                                                      or block.text.casefold() in CHROME):
            current = None  # a section heading ends the card above it
        (current.blocks if current else loose).append(block)
    return entries
