"""The bookmark store: the one piece of user data that cannot be rebuilt.

Why every change re-reads the file under a lock: two app windows (or the app and the CLI) may change bookmarks
at the same time. Each operation takes an inter-process lock, re-reads the file, applies just that change and
writes atomically with a backup, so neither process ever overwrites the other's changes with a stale copy.
Keys are the stable paper keys, so bookmarks survive any rebuild of the index.

Why removed bookmarks are kept (with when they were removed) until the user empties them: a bookmark's tags and
note are typed by hand and exist nowhere else, and ``.bak`` only holds the previous write, so a removal must stay
undoable (``u`` in the app, ``paperdeck bookmarks restore KEY``) for longer than one more change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import locations
from .clean import one_line
from .bookmark_record import Bookmark, now_stamp, with_key, clean_note, clean_tags, merge_bookmarks
from .durable import Timeout, file_lock, load_json_recovering, save_json_with_backup
from .models import Paper

__all__ = ["Bookmark", "BookmarkStore", "BookmarksBusy", "RemovedBookmark", "clean_note", "clean_tags",
           "merge_bookmarks"]

STORE_VERSION = 1


class BookmarksBusy(Exception):
    """Another process held the bookmark lock for too long."""


@dataclass(frozen=True)
class RemovedBookmark:
    """A bookmark the user removed, kept whole (tags, note) so the removal can be undone."""

    bookmark: Bookmark
    removed_at: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.bookmark.to_dict(), "removed_at": self.removed_at}


@dataclass
class _Contents:
    """Everything in the file: the live bookmarks and the removed ones, each by key."""

    active: dict[str, Bookmark] = field(default_factory=dict)
    removed: dict[str, RemovedBookmark] = field(default_factory=dict)

    def copy(self) -> _Contents:
        return _Contents(dict(self.active), dict(self.removed))

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STORE_VERSION,
            "bookmarks": [b.to_dict() for b in sorted(self.active.values(), key=lambda b: b.added_at)],
            "removed": [r.to_dict() for r in sorted(self.removed.values(), key=lambda r: r.removed_at)],
        }


def _validate(data: Any) -> _Contents:
    if not isinstance(data, dict) or not isinstance(data.get("bookmarks"), list):
        raise ValueError("expected an object with a 'bookmarks' list")
    removed = data.get("removed") or []  # absent in files written before removals were kept
    if not isinstance(removed, list):
        raise ValueError("'removed' must be a list")
    return _Contents(
        active={b.key: b for b in (Bookmark.from_dict(item) for item in data["bookmarks"])},
        removed={r.bookmark.key: r for r in (
            RemovedBookmark(Bookmark.from_dict(item), one_line(str(item.get("removed_at") or "")) or now_stamp())
            for item in removed)},
    )


@dataclass
class BookmarkStore:
    """Load, change and save bookmarks safely. Each change is one locked read-modify-write."""

    path: Path = field(default_factory=locations.bookmarks_path)
    lock_timeout: float = 30.0  # as long as the library waits for its writer: a busy, slow disk is not an error
    messages: list[str] = field(default_factory=list)
    _cache: _Contents = field(default_factory=_Contents, repr=False)
    _cache_mtime: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._reload(force=True)

    # -- reading ---------------------------------------------------------------------------------------------

    def _reload(self, force: bool = False) -> _Contents:
        try:
            mtime = self.path.stat().st_mtime_ns
        except OSError:
            mtime = None
        if force or mtime != self._cache_mtime:
            data, message = load_json_recovering(self.path, _validate, _Contents)
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
        return sorted(self._reload().active.values(), key=lambda b: b.added_at, reverse=True)

    def removed(self) -> list[RemovedBookmark]:
        """Removed bookmarks not yet emptied, most recently removed first."""
        return sorted(self._reload().removed.values(), key=lambda r: r.removed_at, reverse=True)

    def keys(self) -> frozenset[str]:
        return frozenset(self._reload().active)

    def get(self, key: str) -> Bookmark | None:
        return self._reload().active.get(key)

    def find(self, key: str, resolve: Callable[[Iterable[str]], frozenset[str]]) -> Bookmark | None:
        """The bookmark of the paper with ``key``, also when it was saved under an older key of that paper.

        ``resolve`` is ``Library.resolve_keys``: it maps old keys (from before a paper was matched to an arXiv
        id) to current ones.
        """
        active = self._reload().active
        if key in active:
            return active[key]
        return next((b for old, b in active.items() if resolve([old]) == {key}), None)

    def __contains__(self, key: object) -> bool:
        return key in self._reload().active

    def __len__(self) -> int:
        return len(self._reload().active)

    # -- changing --------------------------------------------------------------------------------------------

    def _change(self, change: Callable[[_Contents], Any]) -> Any:
        try:
            with file_lock(self.path.with_name(self.path.name + ".lock"), timeout=self.lock_timeout):
                current = self._reload(force=True).copy()
                result = change(current)
                save_json_with_backup(self.path, current.to_json())
                self._cache = current
                self._cache_mtime = self.path.stat().st_mtime_ns
                return result
        except Timeout as err:
            raise BookmarksBusy("bookmarks busy: another paperdeck process holds them; try again") from err

    def add(self, bookmark: Bookmark) -> Bookmark:
        """Add (or keep) a bookmark; an existing one keeps its tags, note and date."""
        return self._change(lambda current: current.active.setdefault(bookmark.key, bookmark))

    def add_paper(self, paper: Paper, tags: Iterable[str] = (), note: str = "") -> Bookmark:
        return self.add(Bookmark.for_paper(paper, tags, note))

    def remove(self, key: str) -> Bookmark | None:
        """Remove a bookmark (kept as removed, so ``restore`` brings it back); returns it, None if absent."""
        def change(current: _Contents) -> Bookmark | None:
            mark = current.active.pop(key, None)
            if mark is not None:
                current.removed[key] = RemovedBookmark(mark, now_stamp())
            return mark
        return self._change(change)

    def restore(self, key: str) -> Bookmark:
        """Bring a removed bookmark back with its tags and note (``KeyError`` when none was removed)."""
        def change(current: _Contents) -> Bookmark:
            if key not in current.removed:
                raise KeyError(f"{key!r} is not among the removed bookmarks")
            mark = current.removed.pop(key).bookmark
            if key in current.active:  # bookmarked again meanwhile: keep both copies' tags and notes
                mark = merge_bookmarks(current.active[key], mark)
            current.active[key] = mark
            return mark
        return self._change(change)

    def empty_removed(self) -> int:
        """Forget the removed bookmarks for good; returns how many."""
        def change(current: _Contents) -> int:
            count = len(current.removed)
            current.removed.clear()
            return count
        return self._change(change)

    def toggle(self, paper: Paper) -> bool:
        """Bookmark or un-bookmark; returns whether the paper is bookmarked afterwards.

        Bookmarking a paper that was removed earlier brings back its tags and note.
        """
        def change(current: _Contents) -> bool:
            mark = current.active.pop(paper.key, None)
            if mark is not None:
                current.removed[paper.key] = RemovedBookmark(mark, now_stamp())
                return False
            gone = current.removed.pop(paper.key, None)
            current.active[paper.key] = gone.bookmark if gone else Bookmark.for_paper(paper)
            return True
        return self._change(change)

    def _update(self, key: str, **fields: Any) -> Bookmark:
        def change(current: _Contents) -> Bookmark:
            if key not in current.active:
                raise KeyError(f"{key!r} is not bookmarked")
            current.active[key] = replace(current.active[key], **fields)
            return current.active[key]
        return self._change(change)

    def set_tags(self, key: str, tags: Iterable[str]) -> Bookmark:
        return self._update(key, tags=tuple(clean_tags(tags)))

    def add_tags(self, key: str, tags: Iterable[str]) -> Bookmark:
        existing = self.get(key)
        if existing is None:
            raise KeyError(f"{key!r} is not bookmarked")
        return self._update(key, tags=tuple(clean_tags([*existing.tags, *tags])))

    def set_note(self, key: str, note: str) -> Bookmark:
        return self._update(key, note=clean_note(note))

    def save_tags_and_note(self, paper: Paper, tags: Iterable[str], note: str) -> Bookmark:
        """Set both in one write, bookmarking the paper first if needed (the tags/note dialog's save)."""
        tags_tuple, cleaned = tuple(clean_tags(tags)), clean_note(note)

        def change(current: _Contents) -> Bookmark:
            mark = current.active.get(paper.key) or Bookmark.for_paper(paper)
            current.active[paper.key] = replace(mark, tags=tags_tuple, note=cleaned)
            return current.active[paper.key]
        return self._change(change)

    def rekey(self, renamed: dict[str, str]) -> int:
        """Move bookmarks whose paper changed key (matched to an arXiv id); returns how many moved.

        A bookmark already under the new key is merged with the moved one (tags and notes of both), never
        overwritten; no copy stays under the old key. Removed bookmarks move too, so they can still be restored.
        """
        def change(current: _Contents) -> int:
            moved = 0
            for old, new in renamed.items():
                if old == new:
                    continue
                if old in current.active:
                    mark = with_key(current.active.pop(old), new)
                    existing = current.active.get(new)
                    current.active[new] = merge_bookmarks(existing, mark) if existing else mark
                    moved += 1
                if old in current.removed:
                    gone = current.removed.pop(old)
                    current.removed.setdefault(new, replace(gone, bookmark=with_key(gone.bookmark, new)))
            return moved
        contents = self._reload()
        if not any(old in contents.active or old in contents.removed for old in renamed):
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

        def change(current: _Contents) -> int:
            added = 0
            for bookmark in incoming:
                if bookmark.key not in current.active:
                    current.active[bookmark.key] = bookmark
                    added += 1
            return added
        return self._change(change)

    def refresh_from(self, lookup: Callable[[str], Paper | None]) -> int:
        """Bring each bookmark's copy of its paper (links, arXiv id, authors) up to date; returns how many changed.

        Why: a bookmark saved while its paper was only known from pages holds a search link and no arXiv id;
        once any source brings the id, exports should use the real link and a proper BibTeX key.
        """
        fresh: dict[str, Bookmark] = {}
        for mark in self.all():
            paper = lookup(mark.key)
            if paper is None:
                continue
            known = Bookmark.for_paper(paper)
            updated = replace(mark, title=paper.title, url=paper.url, arxiv_id=paper.arxiv_id or mark.arxiv_id,
                              code_url=known.code_url or mark.code_url, authors=known.authors or mark.authors,
                              year=paper.year or mark.year, doi=paper.doi or mark.doi)
            if updated != mark:
                fresh[mark.key] = updated
        if not fresh:
            return 0

        def change(current: _Contents) -> int:
            count = 0
            for key, updated in fresh.items():
                if key in current.active:  # keep tags and note as they are now (another process may have edited)
                    mark = current.active[key]
                    current.active[key] = replace(updated, tags=mark.tags, note=mark.note, added_at=mark.added_at)
                    count += 1
            return count
        return self._change(change)
