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

from .capture_blocks import Block, paper_id_from_url
from .capture_junk import CHROME, title_problem

_BARE_NUMBER = re.compile(r"^\d[\d,]*$")
_ARXIV_LINE = re.compile(r"^arxiv:\s*(\d{4}\.\d{4,5})", re.IGNORECASE)
_SENTENCE = re.compile(r"[.!?]\s+[A-Z(]")


@dataclass(slots=True)
class Entry:
    """One paper's share of the capture: its title and id, and the blocks of its card."""

    title: str
    line: int
    arxiv_id: str | None
    blocks: list[Block] = field(default_factory=list)
    single_page: bool = False


def _title_from_link(block: Block, names: frozenset[str]) -> tuple[str, str] | None:
    """(title, arXiv id) when the block starts with a link to a paper page whose text is a real title."""
    if not block.lines:
        return None
    first = block.lines[0]
    for link in block.links:
        paper_id = paper_id_from_url(link.url)
        if paper_id is None or not link.text or not first.startswith(link.text[: max(1, len(first) // 2)]):
            continue
        title = link.text
        # A text dump wraps a long title onto the next line(s) of the same block; a heading is its own title.
        if block.heading or (len(block.lines) <= 3 and len(block.text) <= 300 and len(_SENTENCE.findall(block.text))
                             == 0 and not block.text.endswith(".")):
            title = block.text if block.text.startswith(title) else title
        if title_problem(title, names) is None:
            return title, paper_id
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


def _single_page_entry(blocks: list[Block], arxiv: str, names: frozenset[str]) -> list[Entry]:
    """The one paper of a paper page: its title is the first title-like block near the top."""
    start = 0
    for index, block in enumerate(blocks):
        if any(_ARXIV_LINE.match(line) for line in block.lines):
            start = index + 1 if block.text.casefold().startswith("arxiv:") else index
            break
    h1 = next((b for b in blocks if b.heading == 1 and title_problem(b.text, names) is None), None)
    candidates = [h1] if h1 else [b for b in blocks[start:start + 6] if title_problem(b.text, names) is None
                                  and len(b.lines) <= 3 and not b.text.endswith(".")]
    if not candidates:
        return []
    title_block = candidates[0]
    at = blocks.index(title_block)
    return [Entry(title_block.text, title_block.line, arxiv or None,
                  blocks[max(0, start - 1):at] + blocks[at + 1:], single_page=True)]


def _heading_level(blocks: list[Block], names: frozenset[str]) -> int | None:
    """The heading level that titles the cards: the commonest level among title-like headings."""
    levels = Counter(b.heading for b in blocks if b.heading >= 2 and title_problem(b.text, names) is None)
    return levels.most_common(1)[0][0] if levels else None


def _is_pre_title_detail(block: Block) -> bool:
    """A card's upvote count or thumbnail, shown before its title (so it belongs to the next entry)."""
    if not block.lines:
        return all(paper_id_from_url(link.url) for link in block.links)
    return len(block.lines) == 1 and bool(_BARE_NUMBER.match(block.lines[0]))


def segment(blocks: list[Block], names: frozenset[str] = frozenset()) -> list[Entry]:
    """The entries of a capture, in page order (duplicates still in; merging is the caller's job)."""
    arxiv = _is_single_page(blocks)
    linked = [_title_from_link(b, names) for b in blocks]
    distinct = {found[1] for found in linked if found}
    if arxiv is not None and len(distinct) <= 1:
        return _single_page_entry(blocks, arxiv, names)
    level = None if distinct else _heading_level(blocks, names)
    entries: list[Entry] = []
    loose: list[Block] = []  # blocks not inside an entry (page header, chrome between sections)
    current: Entry | None = None
    for block, found in zip(blocks, linked):
        title = None
        if found:
            title, paper_id = found
        elif level is not None and block.heading == level and title_problem(block.text, names) is None:
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
