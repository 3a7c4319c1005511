"""A paper's links as the reader lists them: one line per distinct target, labelled, shortened for display.

Why a module of its own: a paper's links come from several places (its canonical URL, links found in the
abstract, code and project links from metadata) and often name the same page twice, with and without a
trailing slash, ``www.`` or ``http``; the reader, copy-by-number and open-by-number must all agree on one
numbered list. Only http(s) links are listed: anything else in untrusted text is never offered to open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from paperdeck.index import is_search_url
from paperdeck.index import Paper

_ARXIV_PAGE = re.compile(r"^/(abs|pdf|html)/(.+?)(?:v\d+)?(?:\.pdf)?/?$")
_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"}
_KIND_LABELS = {"code": "code", "model": "HF", "dataset": "HF", "space": "HF", "hf": "HF", "doi": "DOI",
                "pdf": "PDF", "project": "project"}


@dataclass(frozen=True, slots=True)
class ShownLink:
    """One numbered line of the reader's links: what it is, where it goes, and how it reads on screen."""

    label: str  # arXiv, PDF, HF, HF search, code, project, DOI
    url: str  # the full link, used to copy and open
    display: str  # scheme and "www." dropped, shortened to fit


def link_identity(url: str) -> str:
    """Two URLs with the same identity open the same page: case of the host, ``www.``, http/https, a trailing
    slash, a fragment, an arXiv version or ``.pdf`` suffix and a GitHub ``.git`` suffix do not matter."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    if host == "arxiv.org" and (m := _ARXIV_PAGE.match(parts.path)):
        path = f"/{'pdf' if m.group(1) == 'pdf' else 'abs'}/{m.group(2)}"
    if host in _CODE_HOSTS:
        path = path.removesuffix(".git").lower()
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def label_for(url: str, kind: str | None = None) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if is_search_url(url):
        return "HF search"
    if host == "arxiv.org":
        return "PDF" if parts.path.startswith("/pdf/") else "arXiv"
    if parts.path.lower().endswith(".pdf"):
        return "PDF"
    if host in ("doi.org", "dx.doi.org"):
        return "DOI"
    if host in ("huggingface.co", "hf.co"):
        return "HF"
    if host in _CODE_HOSTS:
        return "code"
    return _KIND_LABELS.get(kind or "", "project")


def shorten(url: str, width: int = 60) -> str:
    """``https://www.github.com/a/b/`` -> ``github.com/a/b``; longer than ``width``: the middle becomes ``…``."""
    text = re.sub(r"^https?://(www\.)?", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
    text = "".join(ch for ch in text if ch.isprintable() and not ch.isspace())
    if len(text) <= width:
        return text
    keep = max(1, width - 1)
    head = (keep * 2) // 3
    return text[:head] + "…" + text[len(text) - (keep - head):]


def distinct_links(paper: Paper, width: int = 60) -> list[ShownLink]:
    """The paper's page first, then every other link once, in the order they were found."""
    shown: list[ShownLink] = []
    seen: set[str] = set()
    candidates = [(paper.url, None)] + [(link.url, link.kind) for link in paper.links]
    if paper.arxiv_id:
        candidates.append((f"https://arxiv.org/pdf/{paper.arxiv_id}", "pdf"))
    for url, kind in candidates:
        if not url or urlsplit(url).scheme.lower() not in ("http", "https"):
            continue
        identity = link_identity(url)
        if identity in seen:
            continue
        seen.add(identity)
        shown.append(ShownLink(label_for(url, kind), url, shorten(url, width)))
    return shown
