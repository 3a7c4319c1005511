"""Per-paper reading state: when a paper was first seen, whether it was read or dismissed, its upvotes history.

Why in the user data directory and not in the index: the index is derived and rebuilt at will, while "I have
read this" and "not interested" are things the user said and cannot be rebuilt. The file is keyed by the stable
paper keys; when a paper later gains an arXiv id and changes key, its state moves with it (``rekey``), as the
bookmarks do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import locations
from .models import AllBut, Paper
from .readstate_journal import JournalledStates
from .userfile import LockedJsonStore, utc_stamp

STATE_VERSION = 1
HISTORY_LIMIT = 60  # upvote counts kept per paper: two months of daily imports
# An import touching more papers than this rewrites the snapshot; a smaller one (a day's page or two) appends
# its papers' states to the journal, so adding a page costs the same with 100 or 100,000 papers known.
JOURNAL_IMPORT_LIMIT = 2000


@dataclass(frozen=True)
class PaperState:
    """What the user and the imports said about one paper. Times are ``utc_stamp`` strings."""

    first_seen: str | None = None
    seen: str | None = None
    dismissed: str | None = None
    upvotes: tuple[tuple[str, int], ...] = ()  # (import time, count), oldest first

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: v for k, v in (("first_seen", self.first_seen), ("seen", self.seen),
                                                  ("dismissed", self.dismissed)) if v}
        if self.upvotes:
            data["upvotes"] = [list(pair) for pair in self.upvotes]
        return data

    @classmethod
    def from_dict(cls, key: str, data: Any) -> PaperState:
        if not isinstance(data, dict):
            raise ValueError(f"state of {key!r} must be an object")
        history = data.get("upvotes") or []
        if not isinstance(history, list) or not all(
                isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], int)
                for p in history):
            raise ValueError(f"state of {key!r}: 'upvotes' must be a list of [time, count]")
        text = {name: data.get(name) if isinstance(data.get(name), str) and data.get(name) else None
                for name in ("first_seen", "seen", "dismissed")}
        return cls(upvotes=tuple((t, n) for t, n in history), **text)

    @property
    def rise(self) -> int:
        """Upvotes gained since the previous import (0 with fewer than two imports)."""
        return self.upvotes[-1][1] - self.upvotes[-2][1] if len(self.upvotes) >= 2 else 0


def merge_states(a: PaperState, b: PaperState) -> PaperState:
    """One paper known under two keys: the earliest first sighting, any read or dismissal, both histories."""
    def earliest(x: str | None, y: str | None) -> str | None:
        return min(v for v in (x, y) if v) if (x or y) else None
    history = tuple(sorted(set(a.upvotes) | set(b.upvotes)))[-HISTORY_LIMIT:]
    return PaperState(earliest(a.first_seen, b.first_seen), earliest(a.seen, b.seen),
                      earliest(a.dismissed, b.dismissed), history)


def _validate(data: Any) -> dict[str, PaperState]:
    if not isinstance(data, dict) or not isinstance(data.get("papers"), dict):
        raise ValueError("expected an object with a 'papers' object")
    return {str(k): PaperState.from_dict(k, v) for k, v in data["papers"].items()}


def _dump(states: dict[str, PaperState]) -> dict[str, Any]:
    return {"version": STATE_VERSION, "papers": {k: s.to_dict() for k, s in states.items() if s.to_dict()}}


Undo = dict[str, PaperState | None]  # the states to put back, None where a paper had none


class ReadState(LockedJsonStore[dict[str, PaperState]]):  # path and messages (a journal line skipped too)
    """Load, change and save the per-paper state. Imports and re-keying rewrite the snapshot; read and
    dismissed marks are appended to its journal (``readstate_journal.py``), so ``r`` stays cheap at any size."""

    _file: JournalledStates  # type: ignore[assignment]  # same path and messages as a LockedJsonFile

    def __init__(self, path: Path | None = None, lock_timeout: float = 10.0) -> None:
        self._file = JournalledStates(path or locations.readstate_path(), _validate, _dump, PaperState,
                                      lock_timeout, PaperState.from_dict)
        self._file.read()
        self._file.compact_if_large()
        self._sets: tuple[int, str | None, dict[str, frozenset[str]]] | None = None

    @property
    def journal_path(self) -> Path:
        return self._file.journal

    def all(self) -> Mapping[str, PaperState]:
        return self._file.read()

    def get(self, key: str) -> PaperState:
        return self._file.read().get(key, PaperState())

    # -- what the imports tell ---------------------------------------------------------------------------------

    def record_import(self, new_keys: Iterable[str], renamed: Mapping[str, str] | None = None,
                      upvotes: Mapping[str, int] | None = None, when: float | None = None) -> None:
        """After sources were added: first sightings, keys that changed, upvote counts (one write)."""
        stamp = utc_stamp(when)
        new_keys = list(new_keys)
        renamed = dict(renamed or {})
        upvotes = dict(upvotes or {})
        if not (new_keys or renamed or upvotes):
            return

        def apply(states: dict[str, PaperState]) -> dict[str, PaperState]:
            """The states this import changes (``states`` itself is left alone)."""
            changed: dict[str, PaperState] = {}
            for key in new_keys:
                state = states.get(key, PaperState())
                if not state.first_seen:
                    changed[key] = replace(state, first_seen=stamp)
            for key, count in upvotes.items():
                state = changed.get(key) or states.get(key, PaperState())
                if not state.upvotes or state.upvotes[-1][1] != count:
                    changed[key] = replace(state, upvotes=(*state.upvotes, (stamp, count))[-HISTORY_LIMIT:])
            return changed

        if renamed or len(new_keys) + len(upvotes) > JOURNAL_IMPORT_LIMIT:  # re-keying, or most of the file
            def rewrite(states: dict[str, PaperState]) -> None:
                _rekey(states, renamed)
                states.update(apply(states))
            self._file.rewrite(rewrite)
            return

        def journal(states: dict[str, PaperState]) -> tuple[list[PaperState], list[str], None]:
            changed = apply(states)
            return list(changed.values()), list(changed), None
        self._file.append(journal, whole=True)

    def rekey(self, renamed: Mapping[str, str]) -> None:
        if any(old in self._file.read() for old in renamed):
            self._file.rewrite(lambda states: _rekey(states, renamed))

    # -- what the user says ------------------------------------------------------------------------------------

    def mark_read(self, keys: Iterable[str], read: bool = True) -> Undo:
        """Mark papers read (or unread); returns what ``restore`` needs to undo it."""
        stamp = utc_stamp() if read else None
        return self._set(keys, lambda s: replace(s, seen=s.seen or stamp) if read else replace(s, seen=None))

    def dismiss(self, keys: Iterable[str], dismissed: bool = True) -> Undo:
        """"Not interested" (or take it back); returns what ``restore`` needs to undo it."""
        stamp = utc_stamp() if dismissed else None
        return self._set(keys, lambda s: replace(s, dismissed=s.dismissed or stamp) if dismissed
                         else replace(s, dismissed=None))

    def restore(self, undo: Undo) -> None:
        """Put back the read and dismissed marks saved by ``mark_read``/``dismiss`` (other fields stay)."""
        self._set(undo, lambda s, before: replace(s, seen=before.seen if before else None,
                                                  dismissed=before.dismissed if before else None), undo)

    def _set(self, keys: Iterable[str], change: Any, undo: Undo | None = None) -> Undo:
        """One journal line per paper whose marks change; returns their states before (for ``restore``)."""
        keys = list(dict.fromkeys(keys))

        def apply(states: dict[str, PaperState]) -> tuple[list[PaperState], list[str], Undo]:
            before: Undo = {key: states.get(key) for key in keys}
            after = {key: change(states.get(key, PaperState()), *((undo[key],) if undo is not None else ()))
                     for key in keys}
            changed = [key for key in keys if after[key] != (before[key] or PaperState())]
            return [after[key] for key in changed], changed, before
        return self._file.append(apply) if keys else {}

    # -- as search facets ----------------------------------------------------------------------------------------

    def key_sets(self, since: str | None) -> dict[str, frozenset[str]]:
        """The "state" facet's values as key sets: ``new`` (first seen after ``since``; everything with a first
        sighting when ``since`` is None), ``unread``, ``read`` and ``dismissed``. Dismissed papers are neither
        new nor unread. Cached until the file or ``since`` changes."""
        states = self._file.read()
        if self._sets is not None and self._sets[0] == self._file.version and self._sets[1] == since:
            return self._sets[2]
        read = frozenset(k for k, s in states.items() if s.seen)
        dismissed = frozenset(k for k, s in states.items() if s.dismissed)
        new = frozenset(k for k, s in states.items()
                        if s.first_seen and (since is None or s.first_seen > since) and not s.dismissed)
        sets = {"new": new, "unread": AllBut(read | dismissed), "read": read, "dismissed": dismissed}
        self._sets = (self._file.version, since, sets)
        return sets


def record_import(new_keys: Iterable[str], renamed: Mapping[str, str], upvotes: Mapping[str, int]) -> list[str]:
    """The library's hook after sources were added; returns messages instead of raising, because the library
    itself is fine if this fails (only "new since" and "rising" miss this import)."""
    try:
        ReadState().record_import(new_keys, renamed, upvotes)
    except Exception as err:
        return [f"could not update the read state ({err})"]
    return []


def _rekey(states: dict[str, PaperState], renamed: Mapping[str, str]) -> None:
    for old, new in renamed.items():
        if old in states:
            moved = states.pop(old)
            states[new] = merge_states(states[new], moved) if new in states else moved


class UpvoteTap:
    """Passes a source's papers through to the record store while noting their upvote counts.

    Why a pass-through: sources are streamed (a 4 GB snapshot must not be held in memory), so the counts are
    picked up on the way rather than by reading the source twice. The paper objects are kept (only those with
    a count) because the store may change a paper's key while storing it.
    """

    def __init__(self, papers: Iterable[Paper]) -> None:
        self._papers = papers
        self._counted: list[Paper] = []

    def __iter__(self) -> Iterator[Paper]:
        for paper in self._papers:
            if paper.upvotes is not None:
                self._counted.append(paper)
            yield paper

    def counts(self) -> dict[str, int]:
        return {paper.key: int(paper.upvotes) for paper in self._counted if paper.upvotes is not None}
