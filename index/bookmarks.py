"""The bookmark store: the one piece of user data that cannot be rebuilt.

Why every change re-reads the file under a lock: two app windows (or the app and the CLI) may change bookmarks
at the same time. Each operation takes an inter-process lock, re-reads the file, applies just that change and
writes atomically with a backup, so neither process ever overwrites the other's changes with a stale copy.
Keys are the stable paper keys, so bookmarks survive any rebuild of the index.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from . import locations
from .clean import one_line
from .durable import Timeout, file_lock, load_json_recovering, save_json_with_backup
from .links import canonical_url, normalise_arxiv_id
from .models import Paper
from .safety import bookmark_fields

STORE_VERSION = 1


class BookmarksBusy(Exception):
    """Another process held the bookmark lock for too long."""


@dataclass(frozen=True)
class Bookmark:
    """A saved paper: enough of its record to export it even if its source is later removed."""

    key: str
    title: str
    url: str
    added_at: str
    tags: tuple[str, ...] = ()
    note: str = ""
    code_url: str | None = None
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    year: str | None = None
    doi: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        data["authors"] = list(self.authors)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], dropped: list[str] | None = None) -> Bookmark:
        """A bookmark from JSON, every field checked and made inert (``safety.bookmark_fields``); links that had
        to be dropped are reported in ``dropped``. Raises ``ValueError`` for no key or a field of the wrong type
        (a ``doi: 5`` is refused on load and on import rather than crashing ``bookmarks export`` later)."""
        if not isinstance(data, dict):
            raise ValueError("a bookmark must be an object")
        fields, problems = bookmark_fields(data)
        if dropped is not None and problems:
            dropped.append(f"bookmark {fields['key']!r}: dropped {', '.join(problems)}")
        title = fields["title"] or fields["key"]
        return cls(
            key=fields["key"],
            title=title,
            url=fields["url"] or canonical_url(title[:200], normalise_arxiv_id(fields["arxiv_id"] or "")),
            added_at=fields["added_at"] or _now(),
            tags=tuple(clean_tags(fields["tags"])),
            note=fields["note"],
            code_url=fields["code_url"],
            arxiv_id=fields["arxiv_id"],
            authors=tuple(fields["authors"]),
            year=fields["year"],
            doi=fields["doi"],
        )

    @classmethod
    def for_paper(cls, paper: Paper, tags: Iterable[str] = (), note: str = "") -> Bookmark:
        return cls(
            key=paper.key,
            title=paper.title,
            url=paper.url,
            added_at=_now(),
            tags=tuple(clean_tags(tags)),
            note=note,
            code_url=paper.code_urls[0] if paper.code_urls else None,
            arxiv_id=paper.arxiv_id,
            authors=tuple(paper.authors),
            year=paper.year,
            doi=paper.doi,
        )


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags are single safe words-or-phrases, no commas, no duplicates, order kept."""
    out: dict[str, None] = {}
    for tag in tags:
        for part in tag.split(","):
            cleaned = one_line(part).strip()
            if cleaned:
                out[cleaned] = None
    return list(out)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _validate(data: Any) -> dict[str, Bookmark]:
    if not isinstance(data, dict) or not isinstance(data.get("bookmarks"), list):
        raise ValueError("expected an object with a 'bookmarks' list")
    return {b.key: b for b in (Bookmark.from_dict(item) for item in data["bookmarks"])}


@dataclass
class BookmarkStore:
    """Load, change and save bookmarks safely. Each change is one locked read-modify-write."""

    path: Path = field(default_factory=locations.bookmarks_path)
    lock_timeout: float = 10.0
    messages: list[str] = field(default_factory=list)
    _cache: dict[str, Bookmark] = field(default_factory=dict, repr=False)
    _cache_mtime: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._reload(force=True)

    # -- reading ---------------------------------------------------------------------------------------------

    def _reload(self, force: bool = False) -> dict[str, Bookmark]:
        try:
            mtime = self.path.stat().st_mtime_ns
        except OSError:
            mtime = None
        if force or mtime != self._cache_mtime:
            data, message = load_json_recovering(self.path, _validate, dict)
            if message:
                self.messages.append(message)
            self._cache = data
            try:
                self._cache_mtime = self.path.stat().st_mtime_ns
            except OSError:
                self._cache_mtime = None
        return self._cache

    def all(self) -> list[Bookmark]:
        """Newest first."""
        return sorted(self._reload().values(), key=lambda b: b.added_at, reverse=True)

    def keys(self) -> frozenset[str]:
        return frozenset(self._reload())

    def get(self, key: str) -> Bookmark | None:
        return self._reload().get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._reload()

    def __len__(self) -> int:
        return len(self._reload())

    # -- changing --------------------------------------------------------------------------------------------

    def _change(self, change: Callable[[dict[str, Bookmark]], Any]) -> Any:
        try:
            with file_lock(self.path.with_name(self.path.name + ".lock"), timeout=self.lock_timeout):
                current = dict(self._reload(force=True))
                result = change(current)
                save_json_with_backup(self.path, {
                    "version": STORE_VERSION,
                    "bookmarks": [b.to_dict() for b in sorted(current.values(), key=lambda b: b.added_at)],
                })
                self._cache = current
                self._cache_mtime = self.path.stat().st_mtime_ns
                return result
        except Timeout as err:
            raise BookmarksBusy("bookmarks busy: another paperdeck process holds them; try again") from err

    def add(self, bookmark: Bookmark) -> Bookmark:
        """Add (or keep) a bookmark; an existing one keeps its tags, note and date."""
        def change(current: dict[str, Bookmark]) -> Bookmark:
            return current.setdefault(bookmark.key, bookmark)
        return self._change(change)

    def add_paper(self, paper: Paper, tags: Iterable[str] = (), note: str = "") -> Bookmark:
        return self.add(Bookmark.for_paper(paper, tags, note))

    def remove(self, key: str) -> bool:
        return self._change(lambda current: current.pop(key, None) is not None)

    def toggle(self, paper: Paper) -> bool:
        """Bookmark or un-bookmark; returns whether the paper is bookmarked afterwards."""
        def change(current: dict[str, Bookmark]) -> bool:
            if current.pop(paper.key, None) is not None:
                return False
            current[paper.key] = Bookmark.for_paper(paper)
            return True
        return self._change(change)

    def _update(self, key: str, **fields: Any) -> Bookmark:
        def change(current: dict[str, Bookmark]) -> Bookmark:
            if key not in current:
                raise KeyError(f"{key!r} is not bookmarked")
            current[key] = replace(current[key], **fields)
            return current[key]
        return self._change(change)

    def set_tags(self, key: str, tags: Iterable[str]) -> Bookmark:
        return self._update(key, tags=tuple(clean_tags(tags)))

    def add_tags(self, key: str, tags: Iterable[str]) -> Bookmark:
        existing = self.get(key)
        if existing is None:
            raise KeyError(f"{key!r} is not bookmarked")
        return self._update(key, tags=tuple(clean_tags([*existing.tags, *tags])))

    def set_note(self, key: str, note: str) -> Bookmark:
        return self._update(key, note=note.strip())

    def rekey(self, renamed: dict[str, str]) -> int:
        """Move bookmarks whose paper changed key (matched to an arXiv id); returns how many moved."""
        def change(current: dict[str, Bookmark]) -> int:
            moved = 0
            for old, new in renamed.items():
                if old in current:
                    mark = current.pop(old)
                    current.setdefault(new, replace(mark, key=new))
                    moved += 1
            return moved
        if not any(old in self._reload() for old in renamed):
            return 0
        return self._change(change)

    def import_json(self, text: str) -> int:
        """Merge bookmarks from an export; existing ones keep their data, new ones are added. Returns added."""
        try:
            data = json.loads(text)
        except RecursionError:
            raise ValueError("not readable as JSON (nested too deeply)") from None
        items = data.get("bookmarks") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ValueError("expected a JSON list of bookmarks (or an object with a 'bookmarks' list)")
        # All or nothing: a record of the wrong shape refuses the import (nothing half-imported); a bad link
        # inside a good record is dropped and reported in ``messages``.
        incoming = [Bookmark.from_dict(item, self.messages) for item in items]

        def change(current: dict[str, Bookmark]) -> int:
            added = 0
            for bookmark in incoming:
                if bookmark.key not in current:
                    current[bookmark.key] = bookmark
                    added += 1
            return added
        return self._change(change)
