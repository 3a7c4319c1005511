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


def join_wrapped(lines: list[str]) -> str:
    """Lines of one paragraph back into one line: a break after a hyphen inside a word or URL (or after a URL's
    ``://``) joins without a space (converters wrap at hyphens that belong to the text, so the hyphen is kept)."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif _JOIN_TIGHT.search(out) and line[:1].isalnum():
            out += line
        else:
            out += " " + line
    return out


def absolute_url(url: str) -> str:
    """A site-relative link (``/papers/2401.00001``) as a full Hugging Face address; others unchanged."""
    url = url.strip().strip("<>")
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
