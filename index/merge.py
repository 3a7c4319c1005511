"""Merging the records of one paper seen in several sources into one record.

Why a module of its own: the rule (which title, which abstract, which links) must be the same whether records
are merged while parsing one file, when a second file arrives, or during a full rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence

from .links import canonical_url
from .models import Link, PageSeen, Paper


def merge_papers(records: Sequence[Paper]) -> Paper:
    """One record from several: the richest value of each field, every link and page kept.

    The title comes from a metadata source when there is one (a clean official title) and otherwise from the
    first page; the abstract is the longest; counts (upvotes, stars) are the highest seen; the publication date
    is the earliest; the comment count is the latest capture's; the pages seen on are all kept.
    """
    first = next((r for r in records if r.arxiv_id or r.doi), records[0])
    abstract = max((r.abstract for r in records), key=len)
    arxiv_id = next((r.arxiv_id for r in records if r.arxiv_id), None)
    doi = next((r.doi for r in records if r.doi), None)
    links: dict[str, Link] = {}
    pages: dict[tuple[str, str | None, str | None], PageSeen] = {}
    keywords: dict[str, None] = {}
    for record in records:
        for link in record.links:
            links.setdefault(link.url, link)
        for page in record.pages:
            pages.setdefault((page.source, page.listed, page.context), page)
        keywords.update(dict.fromkeys(record.keywords))
    published = sorted(r.published for r in records if r.published)
    url = canonical_url(first.title, arxiv_id) if arxiv_id or not doi else f"https://doi.org/{doi}"
    return Paper(
        key=first.key,
        title=first.title,
        abstract=abstract,
        url=url,
        arxiv_id=arxiv_id,
        links=list(links.values()),
        pages=list(pages.values()),
        authors=max((r.authors for r in records), key=len),
        categories=next((r.categories for r in records if r.categories), []),
        published=_most_precise_earliest(published),
        upvotes=max((r.upvotes for r in records if r.upvotes is not None), default=None),
        doi=doi,
        organization=next((r.organization for r in records if r.organization), None),
        github_stars=max((r.github_stars for r in records if r.github_stars is not None), default=None),
        ai_summary=next((r.ai_summary for r in records if r.ai_summary), None),
        keywords=list(keywords),
        journal_ref=next((r.journal_ref for r in records if r.journal_ref), None),
        comments=_latest_comments(records),
    )


def _latest_comments(records: Sequence[Paper]) -> int | None:
    """The comment count of the latest capture: records come in the order their sources were added (a changed
    source is stored again, so it counts as new). Why not the highest: comments can be deleted; why not the
    latest listing date: a week's page saved today lists last week's days, yet its count is today's."""
    return next((r.comments for r in reversed(records) if r.comments is not None), None)


def _most_precise_earliest(dates: list[str]) -> str | None:
    """The earliest full date, or the earliest partial one (``2017-06``) when no full date is known."""
    full = [d for d in dates if len(d) == 10]
    return (full or dates or [None])[0]
