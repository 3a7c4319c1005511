"""Where the app was left: query, filters, sort, selected paper and open view, and when sessions began and ended.

Why in user data: restarting should bring the user back where they were, and "new since the previous
session" needs to know when that session was last open: what arrived while the user was looking (the first
start's seeds, a fetch from the palette) was shown then; what arrived after it (a cron job, ``paperdeck add``)
is new. Stored with the same locked, atomic, backed-up writes as the bookmarks (``userfile.py``), since the app
and a second window may both save it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from . import locations
from .models import FACETS, SORT_ORDERS
from .userfile import LockedJsonFile, LockedJsonStore, utc_stamp

VIEWS = ("results", "new", "bookmarks", "watches", "rising", "week", "month")  # the last three: Trending
READER_STATES = ("", "pane", "full")


@dataclass(frozen=True)
class Session:
    """One saved session. "New" counts from ``new_since`` (the previous session's last save, else its start)."""

    query: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    exclude: tuple[tuple[str, str], ...] = ()
    sort: str = "relevance"
    selected: str | None = None
    view: str = "results"
    reader: str = ""  # the reader as it was left: "" (following the list), "pane" (focused) or "full" (screen)
    started: str | None = None
    ended: str | None = None  # the last save of this session (its quit, when it quit cleanly)
    previous_start: str | None = None
    previous_end: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys a newer version wrote: kept, not lost

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        data["filters"] = [f"{k}={v}" for k, v in self.filters]
        data["exclude"] = [f"{k}={v}" for k, v in self.exclude]
        return {**extra, **data}

    @property
    def new_since(self) -> str | None:
        """When the previous session was last open; None on the very first start (nothing is "new" then)."""
        return self.previous_end or self.previous_start


def parse_pairs(items: Any, what: str) -> tuple[tuple[str, str], ...]:
    """``["category=cs.CL", ...]`` (the readable form used in the user files) as (facet, value) pairs."""
    if not isinstance(items, list):
        raise ValueError(f"{what} must be a list of \"FIELD=VALUE\" strings")
    pairs = []
    for item in items:
        facet, sep, value = str(item).partition("=")
        if not sep or not value or facet not in FACETS:
            raise ValueError(f"{what}: {str(item)[:60]!r} is not FIELD=VALUE with a known field")
        pairs.append((facet, value))
    return tuple(pairs)


def _validate(data: Any) -> Session:
    if not isinstance(data, dict):
        raise ValueError("expected an object")
    known = {f for f in Session.__dataclass_fields__ if f != "extra"}
    stamps = ("started", "ended", "previous_start", "previous_end")
    text = {name: data[name] for name in ("query", "selected", *stamps) if isinstance(data.get(name), str)}
    sort = data.get("sort") if data.get("sort") in SORT_ORDERS else "relevance"
    view = data.get("view") if data.get("view") in VIEWS else "results"
    return Session(filters=parse_pairs(data.get("filters", []), "filters"),
                   exclude=parse_pairs(data.get("exclude", []), "exclude"), sort=sort, view=view,
                   reader=data["reader"] if data.get("reader") in READER_STATES else "",
                   extra={k: v for k, v in data.items() if k not in known}, **text)


class SessionStore(LockedJsonStore[Session]):
    """Load and save the session; ``begin`` starts a new one and remembers when the previous one began."""

    def __init__(self, path: Path | None = None) -> None:
        self._file = LockedJsonFile(path or locations.session_path(), _validate, Session.to_dict, Session,
                                    "session state")

    def load(self) -> Session:
        return self._file.read()

    def begin(self, when: float | None = None) -> Session:
        """A new session starts now: the last one's start and end become ``previous_*``. Returns the restored
        session (query, filters, ... as they were left)."""
        stamp = utc_stamp(when)
        return self._file.replace(lambda current: replace(
            current, previous_start=current.started, previous_end=current.ended if current.started else None,
            started=stamp, ended=None))

    def save(self, when: float | None = None, **fields: Any) -> Session:
        """Change some fields of the saved session (the query, the selection ...), keeping the others; every
        save also says the session was open until now (``ended``), so a session that is killed later still
        leaves a mark close to its end."""
        return self._file.replace(lambda current: replace(current, ended=utc_stamp(when), **fields))
