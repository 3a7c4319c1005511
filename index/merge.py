"""Merging the records of one paper seen in several sources into one record.

Why a module of its own: the rule (which title, which abstract, which links) must be the same whether records
are merged while parsing one file, when a second file arrives, or during a full rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence

from .links import canonical_url
from .models import Link, PageSeen, Paper


def merge_papers(records: Sequence[Paper]) -> Paper:
    """One record from several: first title, longest abstract, every link and page, the arXiv id if any."""
    first = records[0]
    abstract = max((r.abstract for r in records), key=len)
    arxiv_id = next((r.arxiv_id for r in records if r.arxiv_id), None)
    links: dict[str, Link] = {}
    pages: dict[tuple[str, str | None], PageSeen] = {}
    for record in records:
        for link in record.links:
            links.setdefault(link.url, link)
        for page in record.pages:
            pages.setdefault((page.source, page.listed), page)
    return Paper(
        key=first.key,
        title=first.title,
        abstract=abstract,
        url=canonical_url(first.title, arxiv_id),
        arxiv_id=arxiv_id,
        links=list(links.values()),
        pages=list(pages.values()),
    )
