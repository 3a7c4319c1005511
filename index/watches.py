"""Watches: named saved searches (a query plus filters) that count the unread papers matching them.

Why a readable JSON file: users keep many topics and want to edit them in bulk (rename, copy a query); the file
is indented JSON with filters written as ``"FIELD=VALUE"``. A file broken by hand is kept aside and the backup
restored, with a one-line message, exactly as for the bookmarks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import locations
from .clean import one_line
from .models import SearchRequest
from .session import parse_pairs
from .userfile import LockedJsonFile, LockedJsonStore, utc_stamp

WATCHES_VERSION = 1


class UnknownWatch(LookupError):
    """No watch by that name."""


@dataclass(frozen=True)
class Watch:
    """A saved query and filters under a name."""

    name: str
    query: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    exclude: tuple[tuple[str, str], ...] = ()
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "filters": [f"{k}={v}" for k, v in self.filters],
                "exclude": [f"{k}={v}" for k, v in self.exclude], "created": self.created}

    @classmethod
    def from_dict(cls, data: Any) -> Watch:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
            raise ValueError("a watch needs a non-empty 'name'")
        name = data["name"]
        return cls(name=clean_name(name), query=str(data.get("query") or ""),
                   filters=parse_pairs(data.get("filters", []), f"watch {name!r}: filters"),
                   exclude=parse_pairs(data.get("exclude", []), f"watch {name!r}: exclude"),
                   created=str(data.get("created") or ""))

    def request(self, *, unread_only: bool = False, page_size: int = 50, **options: Any) -> SearchRequest:
        """The search this watch stands for; ``unread_only`` leaves out what was read or dismissed."""
        filters = (*self.filters, ("state", "unread")) if unread_only else self.filters
        return SearchRequest(query=self.query, filters=filters, exclude=self.exclude, page_size=page_size,
                             **options)


def clean_name(name: str) -> str:
    """Names are shown in lists and used on the command line: one line, no surrounding space."""
    cleaned = one_line(name).strip()
    if not cleaned:
        raise ValueError("a watch needs a name")
    return cleaned[:80]


def _validate(data: Any) -> dict[str, Watch]:
    if not isinstance(data, dict) or not isinstance(data.get("watches"), list):
        raise ValueError("expected an object with a 'watches' list")
    return {w.name: w for w in (Watch.from_dict(item) for item in data["watches"])}


def _dump(watches: dict[str, Watch]) -> dict[str, Any]:
    return {"version": WATCHES_VERSION, "watches": [w.to_dict() for w in watches.values()]}


class WatchStore(LockedJsonStore[dict[str, Watch]]):
    """Load, add, replace and remove watches; every change is one locked read-modify-write."""

    def __init__(self, path: Path | None = None, lock_timeout: float = 10.0) -> None:
        self._file = LockedJsonFile(path or locations.watches_path(), _validate, _dump, dict, "watches",
                                    lock_timeout)
        self._file.read()

    def all(self) -> list[Watch]:
        """In the order they were added (the file's order)."""
        return list(self._file.read().values())

    def get(self, name: str) -> Watch:
        found = self._file.read().get(name)
        if found is None:
            raise UnknownWatch(f"no watch named {one_line(name)!r} (see: paperdeck watch list)")
        return found

    def save(self, name: str, query: str, filters: tuple[tuple[str, str], ...] = (),
             exclude: tuple[tuple[str, str], ...] = ()) -> Watch:
        """Add a watch, or replace the query and filters of the one with this name."""
        name = clean_name(name)

        def apply(watches: dict[str, Watch]) -> Watch:
            created = watches[name].created if name in watches else utc_stamp()
            watches[name] = Watch(name, one_line(query).strip(), tuple(filters), tuple(exclude), created)
            return watches[name]
        return self._file.change(apply)

    def remove(self, name: str) -> Watch:
        def apply(watches: dict[str, Watch]) -> Watch:
            if name not in watches:
                raise UnknownWatch(f"no watch named {one_line(name)!r} (see: paperdeck watch list)")
            return watches.pop(name)
        return self._file.change(apply)
