"""The Whoosh document for a merged paper: text for search, facet terms and sort keys.

Why its own module: the mapping from a ``Paper`` to index fields must match the schema (``schema.py``) and the
facet fields the search counts (``FACET_FIELDS``); keeping it small and in one place keeps the three in step.
"""

from __future__ import annotations

from .clean import normalise_title
from .models import Paper
from .search import date_sort_value


UPVOTE_BANDS = ((100, "100+"), (50, "50-99"), (10, "10-49"), (1, "1-9"), (0, "0"))


def upvote_band(upvotes: int | None) -> str | None:
    if upvotes is None:
        return None
    return next(label for floor, label in UPVOTE_BANDS if upvotes >= floor)


def paper_document(paper: Paper) -> dict[str, object]:
    """The Whoosh document for a merged paper: text for search, facet terms and sort keys."""
    listed = paper.listed_dates or ["undated"]
    dates = [date_sort_value(d) for d in paper.listed_dates]
    if paper.published:
        dates.append(date_sort_value(paper.published))
    doc: dict[str, object] = {
        "key": paper.key,
        "title": paper.title,
        "abstract": paper.abstract,
        "source": ",".join(facet_value(s) for s in paper.sources),
        "listed": ",".join(listed),
        "has_code": "yes" if paper.code_urls else "no",
        "host": ",".join(paper.link_hosts),
        "title_sort": normalise_title(paper.title) or paper.key,
        "date_sort": max(dates) if dates else "0000-00-00",
        "upvotes_sort": paper.upvotes or 0,
    }
    if paper.authors:
        doc["author"] = " ; ".join(paper.authors)
        doc["author_facet"] = ",".join(facet_value(a) for a in paper.authors)
    if paper.categories:
        doc["category"] = ",".join(facet_value(c) for c in paper.categories)
        doc["category_facet"] = facet_value(paper.categories[0])
    if paper.year:
        doc["year"] = paper.year
    if (band := upvote_band(paper.upvotes)) is not None:
        doc["upvotes"] = band
    if paper.organization:
        doc["organization"] = facet_value(paper.organization)
    return doc


def facet_value(text: str) -> str:
    """Facet values are comma-separated in the index, so a comma inside one is replaced."""
    return text.replace(",", "_").strip() or "_"
