"""Local trending: "Rising" (upvotes gained since the previous import) and Top of the week or month.

Why local: Hugging Face shows trending for today; a researcher who imports the daily JSON over weeks has the
history on disk (``readstate.py`` keeps each paper's upvote counts per import), so paperdeck can answer "what
gained most since yesterday" and "what was top in the last month of listings" offline.
"""

from __future__ import annotations

from datetime import date, timedelta

from .library import Library
from .models import Paper, SearchRequest
from .readstate import ReadState

WINDOWS = {"week": 7, "month": 30}


def rising(library: Library, state: ReadState, limit: int = 20) -> list[tuple[Paper, int]]:
    """Papers by upvotes gained between their last two imports, biggest gain first (gains above 0 only)."""
    gains = sorted(((s.rise, key) for key, s in state.all().items() if s.rise > 0), key=lambda g: (-g[0], g[1]))
    found: list[tuple[Paper, int]] = []
    for gain, key in gains:
        paper = library.get(key)
        if paper is not None:
            found.append((paper, gain))
        if len(found) >= limit:
            break
    return found


def listing_window(listed_values: list[str], days: int) -> list[str]:
    """The full listing dates (``YYYY-MM-DD``) within ``days`` of the newest one. Pages added without
    ``--year`` only carry ``MM-DD`` and are left out: without a year they cannot be placed in a window."""
    dated = sorted(v for v in listed_values if len(v) == 10 and v[4] == "-")
    if not dated:
        return []
    newest = date.fromisoformat(dated[-1])
    start = (newest - timedelta(days=days - 1)).isoformat()
    return [d for d in dated if d >= start]


def top(library: Library, window: str, limit: int = 20) -> list[Paper]:
    """The most upvoted papers listed in the last week or month of listings the library holds."""
    facets = library.search(SearchRequest("", page_size=1, with_snippets=False)).facets
    days = listing_window([v for v, _ in facets.get("listed", ())], WINDOWS[window])
    if not days:
        return []
    request = SearchRequest("", tuple(("listed", d) for d in days), sort="upvotes", page_size=limit,
                            with_facets=False, with_snippets=False)
    return [hit.paper for hit in library.search(request).hits]


def ranking(library: Library, state: ReadState, window: str, limit: int = 20) -> list[tuple[Paper, str]]:
    """``rising`` (with the gain, ``+12``) or ``week``/``month`` (with the upvotes): the one list the CLI's
    ``trending`` and the app's Trending pane both show."""
    if window == "rising":
        return [(paper, f"+{gain}") for paper, gain in rising(library, state, limit)]
    return [(paper, str(paper.upvotes or 0)) for paper in top(library, window, limit)]
