"""Card details of one entry -> the fields of a ``Paper``: abstract or AI summary, date, upvotes, repo, stars.

Why line by line: converters keep a card's details on lines of their own ("163", "· 17 authors", "Aug 20,
2026", "GitHub 11.3k"), or run them together on one line (lynx); both are read with the same small patterns,
and whatever is not a detail and reads as prose is the abstract (several sentences) or the one-sentence AI
summary the trending cards show instead of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .capture_blocks import BARE_NUMBER, Block, PageInfo, join_wrapped, paper_id_from_url
from .capture_entries import Entry, is_title_block
from .capture_junk import prose_problem

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_DATE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?\b",
                   re.IGNORECASE)
_UPVOTES = re.compile(r"^(?:upvote\s+)?(\d[\d,]*)(?:\s+upvotes?)?$", re.IGNORECASE)
_COUNT = re.compile(r"\b(\d[\d,]*)\s+(authors?|comments?)\b", re.IGNORECASE)
_STARS = re.compile(r"github\s+([\d.,]+)\s*([km]?)\b", re.IGNORECASE)
_DETAIL = re.compile(r"^(?:submitted by\b|published on\b|authors?:|upvote(?:\s+\d[\d,]*)?$|arxiv page$|view pdf$|"
                     r"project page$|"
                     r"(?:link:\s*)?github(?:\s+[\d.,]+[km]?)?$|·|\d[\d,]*$|\d[\d,]*\s+(?:authors?|comments?)\b)",
                     re.IGNORECASE)
_CARD_DETAIL = re.compile(r"^(?:\d[\d,]*\s+(?:authors?|comments?)\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                          r"\s+\d{1,2}(?:,?\s+\d{4})?$)", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z(]")
_AI_MARK = "ai-generated summary"
# lynx runs a link's text on to the end of the line: "[11]Google Aug 20, 2026" names the organisation "Google".
_TRAILING_ON = re.compile(r"\s+on(?:\s.*)?$")
_TRAILING_DATE = re.compile(r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{1,2},?)?"
                            r"(?:\s+\d{4})?\s*$", re.IGNORECASE)
_STOP_SECTIONS = ("community", "models citing", "datasets citing", "spaces citing", "collections including")
SUMMARY_MAX_WORDS = 70
DETAIL_MAX_WORDS = 8
LINK_LABEL_MAX_WORDS = 6


@dataclass(slots=True)
class EntryFields:
    """What one entry's card says, before it is checked and built into a ``Paper``."""

    abstract: str = ""
    ai_summary: str = ""
    published: str | None = None
    upvotes: int | None = None
    authors: list[str] = field(default_factory=list)
    github_repo: str | None = None
    github_stars: int | None = None
    organization: str | None = None
    project_page: str | None = None
    arxiv_id: str | None = None
    extra_links: list[str] = field(default_factory=list)
    author_count: int | None = None
    comments: int | None = None

    @property
    def has_card_details(self) -> bool:
        """Whether anything shows this is a paper card (a heading over prose may be any document's section)."""
        return any(v is not None for v in (self.upvotes, self.published, self.github_repo, self.organization,
                                           self.author_count, self.arxiv_id)) or bool(self.authors)


def date_of(text: str, year: int | None) -> str | None:
    """``Aug 20, 2026`` -> ``2026-08-20``; ``May 30`` takes ``year`` (the capture's), else None."""
    m = _DATE.search(text)
    if not m:
        return None
    day, found_year = int(m.group(2)), int(m.group(3)) if m.group(3) else year
    if not found_year or not 1 <= day <= 31:
        return None
    return f"{found_year:04d}-{_MONTHS[m.group(1)[:3].lower()]:02d}-{day:02d}"


def _stars(text: str) -> int | None:
    m = _STARS.search(text)
    if not m:
        return None
    number = float(m.group(1).replace(",", ""))
    return int(round(number * {"k": 1_000, "m": 1_000_000}.get(m.group(2).lower(), 1)))


def _is_detail(line: str) -> bool:
    """A card detail line. One led by a word ("Upvote", "Submitted by") is short: a wrapped abstract's line may
    start with the same word ("upvote.", "submitted by the authors of ...")."""
    text = line.strip()
    if text.lower().startswith(("authors:", "author:")):
        return True
    if _DETAIL.match(text):
        return not text[:1].isalpha() or (len(text.split()) <= DETAIL_MAX_WORDS and not text.endswith("."))
    return bool(_DATE.fullmatch(text))


def _only_links(line: str, labels: list[str]) -> bool:
    """A line made of nothing but links ("View PDF Project page GitHub 8"): a menu, not prose."""
    rest = line
    for label in labels:
        rest = rest.replace(label, " ")
    return rest != line and not any(ch.isalpha() for ch in rest)


def prose_of(block: Block) -> str:
    """The block's prose: its lines less card details and lines that are only links ("Google", "GitHub 8");
    empty when what is left does not read as an abstract or summary."""
    if block.heading:
        return ""
    labels = sorted({link.text for link in block.links if link.text}, key=len, reverse=True)
    text = join_wrapped([line for line in block.lines if not _is_detail(line) and not _only_links(line, labels)
                         and not all(_is_detail(part) or _only_links(part, labels) or not part.strip()
                                     for part in line.split("·"))])
    words = len(text.split())
    # Prose ends like a sentence; a long run of words without a stop is a truncated abstract, still prose.
    sentence_like = text.rstrip().endswith((".", "!", "?", "…", ")", '"', "'")) or words >= 25
    return text if words >= 8 and sentence_like and prose_problem(text) is None else ""


def is_one_sentence(text: str) -> bool:
    return not _SENTENCE_BREAK.search(text) and len(text.split()) <= SUMMARY_MAX_WORDS


def _read_details(block: Block, fields: EntryFields, year: int | None, before_prose: bool,
                  names: frozenset[str]) -> None:
    """Details from the block's non-prose lines and its links (the organisation only above the abstract: below
    it come the footer's links)."""
    prose = prose_of(block)
    details = []
    for index, line in enumerate(block.lines):
        if (prose and not _is_detail(line) and line.strip() in prose) or line.lstrip().startswith("|"):
            continue  # prose, or a table row: a document's table that quotes "· 9 authors" is not a card
        details.append(line)
        if line.lower().startswith("authors:"):  # the list may wrap over the block's remaining lines
            listed = join_wrapped(block.lines[index:])[8:]
            fields.authors = [a.strip() for a in listed.split(",") if a.strip()]
            break
        for part in (p.strip() for p in line.split("·")):
            if m := _COUNT.search(part):
                count = int(m.group(1).replace(",", ""))
                if m.group(2).lower().startswith("author"):
                    fields.author_count = count
                elif fields.comments is None:
                    fields.comments = count
            if fields.upvotes is None and (m := _UPVOTES.match(part)):
                fields.upvotes = int(m.group(1).replace(",", ""))
            elif fields.published is None and _DATE.search(part) and not part.lower().startswith("submitted"):
                fields.published = date_of(part, year)
    if fields.published is None and not any(line.lower().startswith("submitted") for line in details):
        fields.published = date_of(join_wrapped(details), year)  # a date wrapped over two lines
    for link in block.links:
        parts = urlsplit(link.url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        segments = [s for s in parts.path.split("/") if s]
        if parts.fragment == "community" and fields.comments is None and BARE_NUMBER.match(link.text.strip()):
            fields.comments = int(link.text.strip().replace(",", ""))  # the comment icon's count, linked
        elif host == "github.com" and len(segments) >= 2 and fields.github_repo is None:
            fields.github_repo = link.url
            fields.github_stars = _stars(link.text)
        elif fields.arxiv_id is None and (paper_id := paper_id_from_url(link.url)):
            # A card's own paper link is a label ("arXiv Page", a thumbnail); a URL a notebook export hung on a
            # whole paragraph is that paragraph's, and may be the next card's whose title was lost.
            fields.arxiv_id = paper_id if len(link.text.split()) <= LINK_LABEL_MAX_WORDS else None
        elif link.text.casefold() == "project page" and host:
            fields.project_page = link.url
        elif before_prose and fields.organization is None and host == "huggingface.co" and len(segments) == 1:
            fields.organization = _organisation(link.text, names) if not parts.query else None


def _organisation(text: str, names: frozenset[str]) -> str | None:
    """The name a card's ``huggingface.co/<org>`` link shows, unless it is the submitter's or a menu entry."""
    name = _TRAILING_DATE.sub("", text).strip()
    if (not name or not name[0].isalpha() or name.casefold() in names or _TRAILING_ON.sub("", text).casefold()
            in names or name.casefold() in ("models", "datasets", "spaces", "docs", "pricing", "subscribe")):
        return None
    return name


def _split_ai_mark(blocks: list[Block]) -> tuple[list[Block], list[Block]] | None:
    """Blocks before and after a literal "AI-generated summary" line (the paper page's own marker)."""
    for index, block in enumerate(blocks):
        lowered = [line.strip().casefold() for line in block.lines]
        if _AI_MARK in lowered:
            at = lowered.index(_AI_MARK)
            before = Block(block.line, block.lines[:at]) if at else None
            after = Block(block.line + at + 1, block.lines[at + 1:]) if at + 1 < len(block.lines) else None
            return ([*blocks[:index], *([before] if before else [])],
                    [*([after] if after else []), *blocks[index + 1:]])
    return None


def _section(blocks: list[Block]) -> list[Block]:
    """A paper page's abstract section: from "Abstract" to the comments (menus and footers never count)."""
    start = next((i for i, b in enumerate(blocks) if b.text.casefold() == "abstract"), None)
    if start is None:
        return blocks
    out = []
    for block in blocks[start + 1:]:
        if block.text.casefold().startswith(_STOP_SECTIONS) or (block.heading and block.heading <= 2):
            break
        out.append(block)
    return out


def _first_card_prose(blocks: list[Block]) -> list[Block]:
    """The prose blocks of the entry's own card: those before another card's details (authors, date, comments) follow
    its prose. Why: a card whose title was lost (a damaged or cut capture) would otherwise give its abstract to
    the card above, glued to that card's own."""
    prose: list[Block] = []
    closed = False  # the card's details came after its prose: more prose is another card's
    for block in blocks:
        details = [i for i, line in enumerate(block.lines)
                   if any(_CARD_DETAIL.match(part.strip()) for part in line.split("·"))]
        if text := prose_of(block):
            if closed:
                break
            if not prose or prose_of(prose[-1]) != text:  # a paragraph shown twice in a row is one
                prose.append(block)
            first_prose = next((i for i, line in enumerate(block.lines) if line.strip() and line.strip() in text),
                               len(block.lines))
            closed = any(i > first_prose for i in details)
        elif prose and details:
            break
    return prose


def _own_blocks(blocks: list[Block], names: frozenset[str]) -> list[Block]:
    """The entry's blocks up to a title-like block of its own after the prose: beyond it is a card whose title
    was not recognised (no detail right under it), and its links, counts and ids are not this paper's."""
    seen_prose = False
    for index, block in enumerate(blocks):
        if seen_prose and is_title_block(block, names):
            return blocks[:index]
        seen_prose = seen_prose or bool(prose_of(block))
    return blocks


def extract(entry: Entry, info: PageInfo, names: frozenset[str] = frozenset()) -> EntryFields:
    """Every field the entry's card shows, prose sorted into abstract and AI summary."""
    fields = EntryFields(arxiv_id=entry.arxiv_id)
    before_prose = True
    blocks = entry.blocks if entry.single_page else _own_blocks(entry.blocks, names)
    for index, block in enumerate(blocks):
        _read_details(block, fields, info.year, before_prose, names)
        before_prose = before_prose and not prose_of(block)
        if block.text.strip().casefold() == "authors:" and index + 1 < len(blocks):
            # "Authors:" alone, the names in the block after it (one per line, or linked and comma-separated)
            following = blocks[index + 1].text
            fields.authors = [a.strip() for a in following.split(",") if a.strip()]
    prose_area = _section(entry.blocks) if entry.single_page else blocks
    split = _split_ai_mark(prose_area)
    if split is not None:
        summary = [prose_of(b) for b in split[0] if prose_of(b)]
        fields.ai_summary = summary[-1] if summary else ""
        prose = [b for b in split[1] if prose_of(b)]
        fields.abstract = " ".join(prose_of(b) for b in prose)
    else:
        prose = _first_card_prose(prose_area)
        texts = [prose_of(b) for b in prose]
        short = [t for t in texts if is_one_sentence(t)]
        long = [t for t in texts if not is_one_sentence(t)]
        fields.abstract = " ".join(long)
        fields.ai_summary = short[0] if short else ""
    for block in prose:  # links whose text is not the URL ("code [here](https://...)") are kept with the paper
        fields.extra_links.extend(link.url for link in block.links if link.url.startswith(("http://", "https://"))
                                  and "/papers?" not in link.url)  # keyword links are searches, not the paper's
    return fields
