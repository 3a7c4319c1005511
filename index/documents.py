"""The Whoosh document for a merged paper: text for search, facet terms and sort keys.

Why its own module: the mapping from a ``Paper`` to index fields must match the schema (``schema.py``) and what
``snapshot.py`` reads back for facets and sorting; keeping it small and in one place keeps the three in step.
"""

from __future__ import annotations

from .clean import normalise_title
from .models import Paper
from .snapshot import column_value


def date_sort_value(listed: str | None) -> str:
    """``YYYY-MM-DD`` for sorting; a listing date without a year sorts as year 0000, a year alone as Jan 1."""
    if not listed or listed == "undated":
        return "0000-00-00"
    if len(listed) == 5:  # MM-DD
        return f"0000-{listed}"
    return (listed + "-01-01")[:10] if len(listed) in (4, 7) else listed


UPVOTE_BANDS = ((100, "100+"), (50, "50-99"), (10, "10-49"), (1, "1-9"), (0, "0"))


def upvote_band(upvotes: int | None) -> str | None:
    if upvotes is None:
        return None
    return next(label for floor, label in UPVOTE_BANDS if upvotes >= floor)


def paper_document(paper: Paper) -> dict[str, object]:
    """The Whoosh document for a merged paper: text for search plus the facet/sort column (``snapshot.py``)."""
    dates = [date_sort_value(d) for d in paper.listed_dates]
    if paper.published:
        dates.append(date_sort_value(paper.published))
    facets: dict[str, list[str]] = {
        "source": [facet_value(s) for s in paper.sources],
        "listed": list(paper.listed_dates or ["undated"]),
        "has_code": ["yes" if paper.code_urls else "no"],
        "host": [h.lower() for h in paper.link_hosts],
        "author": [facet_value(a) for a in paper.authors],
        "category": [facet_value(paper.categories[0])] if paper.categories else [],
        "year": [str(paper.year)] if paper.year else [],
        "upvotes": [band] if (band := upvote_band(paper.upvotes)) is not None else [],
        "organization": [facet_value(paper.organization)] if paper.organization else [],
    }
    doc: dict[str, object] = {
        "key": paper.key,
        "title": paper.title,
        "abstract": paper.abstract,
        "facets": column_value(
            paper.key, {name: values for name, values in facets.items() if values},
            date=max(dates) if dates else "0000-00-00", title=normalise_title(paper.title) or paper.key,
            upvotes=paper.upvotes or 0),
    }
    if paper.authors:
        doc["author"] = " ; ".join(paper.authors)
    if paper.categories:
        doc["category"] = ",".join(facet_value(c) for c in paper.categories)
    if paper.year:
        doc["year"] = str(paper.year)
    return doc


def facet_value(text: str) -> str:
    """One facet value: stripped, never empty (commas are kept; values are stored as a list, not a string)."""
    return text.strip() or "_"
