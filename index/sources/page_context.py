"""Which page a paper was seen on: a day's listing, a week's or month's, trending, a search, its own page.

Why keep it: "seen on the week of 2024-W22" or "in the search for diffusion" is part of how a reader finds a
paper again, and the same paper seen on several pages keeps each one (``Paper.seen_on``). It comes from the
page's own data when there is some (the hydration JSON's ``periodType``, ``dateString``, ``query``), else from
the page's address (front matter, a reader service's header, the saved page's canonical link), else from what
the capture shows (its listing date, a "Trending Papers" heading).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..clean import strip_control

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD_PATH = re.compile(r"^/papers/(date|week|month)/([\w-]{4,12})/?$")
_PAPER_PATH = re.compile(r"^/papers/\d{4}\.\d{4,5}(?:v\d+)?/?$")
_PERIOD_NAMES = {"date": "day", "day": "day", "week": "week", "month": "month"}


def day_context(day: str | None) -> str | None:
    """The context of a daily listing (``day 2024-05-27``), when ``day`` is a full date."""
    return f"day {day}" if day and _DAY.match(day) else None


def context_from_url(url: str | None) -> str | None:
    """The context a huggingface.co/papers address names, or None for any other address."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if (parts.hostname or "").lower().removeprefix("www.") not in ("huggingface.co", "hf.co"):
        return None
    path = parts.path.rstrip("/") or "/"
    query = parse_qs(parts.query)
    if m := _PERIOD_PATH.match(path):
        return f"{_PERIOD_NAMES[m.group(1)]} {m.group(2)}"
    if path == "/papers/trending":
        return "trending"
    if path in ("/papers", "/papers/search") and (words := " ".join(strip_control(query.get("q", [""])[0]).split())):
        return f"search: {words}"
    if path == "/papers" and query.get("date"):
        return day_context(query["date"][0])
    if _PAPER_PATH.match(path):
        return "paper page"
    return None


def context_from_props(props: dict[str, Any], target: str) -> str | None:
    """The context the page's hydration data states (``periodType`` and ``dateString``, or a ``query``)."""
    if target == "PaperContent":
        return "paper page"
    query = props.get("query")
    if isinstance(query, str) and (words := " ".join(strip_control(query).split())):
        return f"search: {words}"
    period, when = props.get("periodType"), props.get("dateString")
    if not isinstance(when, str) or not when.strip():
        return None
    name = _PERIOD_NAMES.get(period if isinstance(period, str) else "day")
    return f"{name} {when.strip()}" if name else None
