"""Finding and classifying the links in an abstract.

Why linkify-it-py: abstracts end sentences right after URLs ("... at https://github.com/a/b."), wrap them in
parentheses and omit the scheme; linkify-it knows those rules, a regex here would not.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote, urlsplit

from .models import Link, LinkKind

_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")
_HF_KINDS: dict[str, LinkKind] = {"datasets": "dataset", "spaces": "space", "papers": "paper"}
# Anything linkify could call a link has a scheme, "www." or a dot followed by two letters (a domain).
_MAY_HOLD_LINK = re.compile(r"://|www\.|[\w-]\.[a-z]{2,}", re.IGNORECASE)
# The whitespace-delimited chunks holding such a mark: a link never spans whitespace, so linkify only needs them.
_LINK_CHUNK = re.compile(r"\S*(?:://|www\.|[\w-]\.[a-z]{2,})\S*", re.IGNORECASE)
_SEARCH_PREFIX = "https://huggingface.co/papers?q="
_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"}
# Residue of the LaTeX an abstract was written in: "available at\url{https://a/b}" or "...athttps://a/b" (the
# space lost with the macro), and "https://a/b{here}" (a \href's text glued to its URL).
_LATEX_URL = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}")
_GLUED_SCHEME = re.compile(r"(?<=[A-Za-z0-9}])(?=https?://)")
_URL_RESIDUE = re.compile(r"[{}\\].*$")


@functools.lru_cache(maxsize=1)
def _linkifier():  # type: ignore[no-untyped-def]
    from linkify_it import LinkifyIt

    return LinkifyIt()


def normalise_arxiv_id(raw: str) -> str | None:
    """``2401.01234v2`` -> ``2401.01234``; old style ``astro-ph/0601001v1`` -> ``astro-ph/0601001``."""
    candidate = raw.strip()
    for prefix in ("arXiv:", "arxiv:", "https://arxiv.org/abs/", "http://arxiv.org/abs/"):
        if candidate.startswith(prefix):
            candidate = candidate[len(prefix):]
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        if m := pattern.match(candidate):
            return m.group(1)
    return None


def is_search_url(url: str) -> bool:
    """Whether ``url`` is the Hugging Face search ``canonical_url`` gives a paper with no known arXiv id.

    Why it matters: such a link finds the paper by title but is not its page; the reader says so and exports
    swap it for the real link once the id is known.
    """
    return url.startswith(_SEARCH_PREFIX)


def classify(url: str) -> Link:
    """What a URL points to: code, a Hugging Face model/dataset/space, a paper, or a project page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    kind: LinkKind = "project"
    if host in _CODE_HOSTS and len(segments) >= 2:
        kind = "code"
    elif host in {"huggingface.co", "hf.co"} and segments:
        kind = _HF_KINDS.get(segments[0], "model" if len(segments) >= 2 else "project")
    elif host in {"arxiv.org", "doi.org", "openreview.net", "aclanthology.org"}:
        kind = "paper"
    return Link(url=url, kind=kind, host=host)


def extract_links(text: str) -> list[Link]:
    """Every distinct URL in ``text`` in order of appearance, schemeless ones given ``https://``."""
    if not _MAY_HOLD_LINK.search(text):  # most abstracts hold no link; linkify's own pretest is a slow scan
        return []
    if "http" in text:
        text = _GLUED_SCHEME.sub(" ", _LATEX_URL.sub(r" \1 ", text))
    # linkify's match is slow on long text (a noticeable share of indexing): give it only the chunks that
    # may hold a link, in order, separated by spaces as they were.
    text = " ".join(dict.fromkeys(_LINK_CHUNK.findall(text)))
    linkifier = _linkifier()
    if not text or not linkifier.pretest(text):
        return []
    matches = linkifier.match(text) or []
    seen: dict[str, Link] = {}
    for match in matches:
        if match.schema in ("mailto:",):
            continue
        url = match.url
        if not match.schema:  # "github.com/a/b" in the text: linkify guesses http, the sites all serve https
            url = "https://" + match.raw
        url = _URL_RESIDUE.sub("", url).rstrip(".,;:")
        if url and url not in seen:
            seen[url] = classify(url)
    return list(seen.values())


def canonical_url(title: str, arxiv_id: str | None) -> str:
    """The page to open for a paper: arXiv when the id is known, else a Hugging Face papers search for the title."""
    if arxiv_id:
        return f"https://arxiv.org/abs/{arxiv_id}"
    return _SEARCH_PREFIX + quote(title, safe="")
