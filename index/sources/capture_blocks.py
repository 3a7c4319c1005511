"""The common form every capture is normalised into: blocks of text lines with the links they carried.

Why one form: a saved page reaches us as HTML, as Markdown from one of many converters, or as a text dump, but
the paper entries inside look the same once markup is gone (a title linking to its paper page, card details,
an abstract paragraph). Each normaliser only has to produce blocks; segmenting entries, extracting fields and
rejecting junk are written once, over blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..links import normalise_arxiv_id

HF_HOST = "https://huggingface.co"
_PAPER_PATH = re.compile(r"^/papers/(\d{4}\.\d{4,5})(?:v\d+)?/?$")
_ARXIV_PATH = re.compile(r"^/(?:abs|pdf)/(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)(?:\.pdf)?/?$")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")  # a list item's marker, in Markdown and in text dumps
BARE_NUMBER = re.compile(r"^\d[\d,]*$")  # an upvote count on a line of its own
_JOIN_TIGHT = re.compile(r"(?:[\w/.-]-|://|https?://\S*/)$")
_URL_SCHEME_END = re.compile(r"(?:^|\s)https?:/$")  # w3m breaks after any "/", even inside "https://"
_TEX_MACRO_END = re.compile(r"\\[A-Za-z]+$")  # "\textsc" at a line end, its "{argument}" on the next line
_FILE_URL = re.compile(r"^file://(?:localhost)?(?=/)", re.IGNORECASE)
_HYPHEN_END = re.compile(r"[^\W\d_]-$")
_COMPOUND_START = re.compile(r"\s*([^\W\d_]{2,}-)[^\W\d_]")
SPACE_ONLY_EVIDENCE = 2  # lines that prove it; one could be an odd line (a hard break, a table cell)


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link as the capture showed it: its visible text and its target."""

    text: str
    url: str


@dataclass(slots=True)
class Block:
    """A paragraph, heading or list of short lines, as plain text lines (markup removed) plus their links.

    ``lines`` keep the capture's own line structure because card details ("8 authors", "GitHub 1.2k",
    "Aug 20, 2026") are told apart line by line, while prose is read from ``text``, the lines joined back.
    """

    line: int
    lines: list[str]
    links: list[LinkRef] = field(default_factory=list)
    heading: int = 0  # 1-6 for a heading, 0 otherwise

    @property
    def text(self) -> str:
        return join_wrapped(self.lines)


@dataclass(slots=True)
class PageInfo:
    """What the capture says about the page as a whole: its address, title and date (for years and context)."""

    url: str | None = None
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD when the capture says when it was made or which day it lists
    year: int | None = None
    context: str | None = None  # the page it is ("day 2024-05-27", "trending", ...: see ``page_context``)


def join_wrapped(lines: list[str]) -> str:
    """Lines of one paragraph back into one line: a break after a hyphen inside a word or URL (or after a URL's
    ``://``, or inside it) joins without a space (converters wrap at hyphens that belong to the text, so the hyphen is kept),
    and so does a LaTeX macro's ``{argument}`` (w3m breaks before an opening brace). Captures whose tool never
    breaks at hyphens have those line ends rejoined with their space first (``keep_spaced_hyphens``)."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif ((_JOIN_TIGHT.search(out) and line[:1].isalnum()) or (line[:1] == "{" and _TEX_MACRO_END.search(out))
              or (line[:1] == "/" and _URL_SCHEME_END.search(out))):
            out += line
        else:
            out += " " + line
    return out


def wraps_at_spaces_only(lines: list[str]) -> bool:
    """Whether the tool that wrapped this capture breaks lines only at spaces (pandoc, lynx, w3m, a clipper's
    ``break_on_hyphens=False``) rather than also after a hyphen inside a word (Python's textwrap: html2text).

    Why it matters: a line ending in ``single-`` is ``single-turn`` wrapped at its hyphen by the second kind,
    but ``single- turn`` (the text's own odd space) by the first. The capture tells which: a line that starts
    with a hyphenated word whose first part would have fitted on the line above was not broken at its hyphen,
    so this tool does not break there."""
    wrapped = sorted(len(prev.rstrip()) for prev, line in zip(lines, lines[1:])
                     if prev.strip() and line.strip() and "://" not in prev and "](" not in prev)
    if not wrapped:
        return False
    width = wrapped[int(len(wrapped) * 0.9)]  # the wrap width, not fooled by a few unwrapped long lines
    evidence = 0
    for prev, line in zip(lines, lines[1:]):
        if prev.strip() and (m := _COMPOUND_START.match(line)) and len(prev.rstrip()) + 1 + len(m.group(1)) < width:
            evidence += 1
    return evidence >= SPACE_ONLY_EVIDENCE


def keep_spaced_hyphens(blocks: list[Block]) -> None:
    """For a capture wrapped at spaces only: a line ending in ``word-`` was followed by a space in the text, so
    it is joined to the next line with that space (in place), before ``join_wrapped`` would close it up."""
    for block in blocks:
        merged: list[str] = []
        for line in block.lines:
            if merged and _HYPHEN_END.search(merged[-1].rstrip()) and line.strip()[:1].isalnum():
                merged[-1] = merged[-1].rstrip() + " " + line.strip()
            else:
                merged.append(line)
        block.lines = merged


def absolute_url(url: str) -> str:
    """A site-relative link (``/papers/2401.00001``) as a full Hugging Face address; others unchanged.

    A text browser run on a saved page resolves the site's root-relative links against the file system
    (``file:///papers/2401.00001``): those are the site's links too."""
    url = url.strip().strip("<>")
    if m := _FILE_URL.match(url):
        url = url[m.end():]
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("/"):
        return HF_HOST + url
    return url


def paper_id_from_url(url: str) -> str | None:
    """The arXiv id of a link to a paper page (``/papers/<id>``, ``arxiv.org/abs|pdf/<id>``), else None.

    A link to the page's comments (``#community``) is not a paper link: it is a card detail.
    """
    parts = urlsplit(absolute_url(url))
    if parts.fragment or parts.query:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host in ("huggingface.co", "hf.co") and (m := _PAPER_PATH.match(parts.path)):
        return m.group(1)
    if host == "arxiv.org" and (m := _ARXIV_PATH.match(parts.path)):
        return normalise_arxiv_id(m.group(1).removesuffix(".pdf"))
    return None
