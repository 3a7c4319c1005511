"""Unsaved tags and notes ("drafts"), kept in the user data directory so that quitting does not lose them.

Why a file of its own and not a field of the bookmark: a draft is text the user has not decided to keep yet;
writing it into the bookmark would bookmark the paper and overwrite the saved note. Why the same durability
rules as the bookmarks (``userfile.py``: lock, re-read, atomic write, backup, a broken file kept aside): a draft
is typed by hand and exists nowhere else. A draft is removed when its tags and note are saved or when the user
discards it.

An entry of the wrong shape (a hand edit) is skipped with the file, its key and the reason, and kept as it was
in the file, so the next write does not throw it away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import locations
from .clean import one_line, strip_control
from .userfile import LockedJsonFile, LockedJsonStore, utc_stamp

DRAFTS_VERSION = 1


def inert_text(text: str) -> str:
    """Text as it may be stored and shown: no escape or control characters (tabs and line breaks stay), and
    no lone surrogates (they cannot be written as UTF-8)."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return strip_control(text.replace("\r\n", "\n").replace("\r", "\n"))


def inert_line(text: str) -> str:
    """``inert_text`` on one line (tags, titles)."""
    return one_line(inert_text(text))


@dataclass(frozen=True)
class Draft:
    """Tags (as typed, comma-separated) and note of one paper, not saved yet. ``kept`` is a ``utc_stamp``."""

    tags: str
    note: str
    title: str = ""
    kept: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"tags": self.tags, "note": self.note, "title": self.title, "kept": self.kept}

    @classmethod
    def from_dict(cls, key: str, data: Any) -> Draft:
        if not isinstance(data, dict):
            raise ValueError(f"draft {key!r} must be an object")
        text = {name: data.get(name, "") for name in ("tags", "note", "title", "kept")}
        for name, value in text.items():
            if not isinstance(value, str):
                raise ValueError(f"draft {key!r}: {name!r} must be text, not {type(value).__name__}")
        return cls(inert_line(text["tags"]), inert_text(text["note"]), inert_line(text["title"]),
                   inert_line(text["kept"]))


@dataclass
class DraftFile:
    """The file's content: the drafts that could be read, and the entries that could not (kept verbatim)."""

    drafts: dict[str, Draft] = field(default_factory=dict)
    unreadable: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "file:key: why" for each unreadable entry


def _validate_for(path: Path):  # type: ignore[no-untyped-def]
    def validate(data: Any) -> DraftFile:
        if not isinstance(data, dict) or not isinstance(data.get("drafts"), dict):
            raise ValueError("expected an object with a 'drafts' object")
        content = DraftFile()
        for key, entry in data["drafts"].items():
            try:
                clean_key = inert_line(key)
                if not clean_key:
                    raise ValueError("a draft needs a non-empty paper key")
                content.drafts[clean_key] = Draft.from_dict(clean_key, entry)
            except ValueError as err:
                content.unreadable[key] = entry
                content.skipped.append(f"{path.name}:{inert_line(key)[:80]}: skipped ({err})")
        return content
    return validate


def _dump(content: DraftFile) -> dict[str, Any]:
    entries: dict[str, Any] = dict(content.unreadable)
    entries.update({key: draft.to_dict() for key, draft in content.drafts.items()})
    return {"version": DRAFTS_VERSION, "drafts": entries}


class DraftStore(LockedJsonStore[DraftFile]):
    """Drafts by paper key; each change is one locked read-modify-write of ``drafts.json``."""

    def __init__(self, path: Path | None = None, lock_timeout: float = 10.0) -> None:
        target = path or locations.drafts_path()
        self._file = LockedJsonFile(target, _validate_for(target), _dump, DraftFile, "drafts", lock_timeout)
        self._reported: set[str] = set()  # the file is read on first use, not here: the app builds this early

    @property
    def messages(self) -> list[str]:
        """Recovery notices and one line per skipped entry (each reported once)."""
        for line in self._file.read().skipped:
            if line not in self._reported:
                self._reported.add(line)
                self._file.messages.append(line)
        return self._file.messages

    def get(self, key: str) -> Draft | None:
        return self._file.read().drafts.get(key)

    def all(self) -> dict[str, Draft]:
        return dict(self._file.read().drafts)

    def keep(self, key: str, tags: str, note: str, title: str = "") -> Draft:
        """Store (or replace) the draft of ``key``; what is stored is what ``get`` gives back."""
        draft = Draft(inert_line(tags), inert_text(note), inert_line(title), utc_stamp())

        def apply(content: DraftFile) -> Draft:
            content.unreadable.pop(key, None)
            content.drafts[key] = draft
            return draft
        return self._file.change(apply)

    def discard(self, key: str) -> Draft | None:
        """Remove the draft of ``key`` (saved, or thrown away on purpose); returns it, or None if there was none.
        Writes nothing when there is no draft, so saving a note does not touch the file needlessly."""
        if key not in self._file.read().drafts and key not in self._file.read().unreadable:
            return None

        def apply(content: DraftFile) -> Draft | None:
            content.unreadable.pop(key, None)
            return content.drafts.pop(key, None)
        return self._file.change(apply)

    def rekey(self, renamed: dict[str, str]) -> int:
        """Move drafts whose paper changed key (an arXiv id found later), as bookmarks move; returns how many.
        A draft already under the new key is joined with the moved one (tags and notes of both), never
        overwritten."""
        if not any(old in self._file.read().drafts for old in renamed):
            return 0

        def apply(content: DraftFile) -> int:
            moved = 0
            for old, new in renamed.items():
                draft = content.drafts.pop(old, None) if old != new else None
                if draft is None:
                    continue
                there = content.drafts.get(new)
                if there is not None:
                    tags = ", ".join(t for t in dict.fromkeys(x.strip() for x in f"{there.tags},{draft.tags}".split(","))
                                     if t)
                    note = "\n\n".join(n for n in (there.note, draft.note) if n)
                    draft = Draft(tags, note, there.title or draft.title, max(there.kept, draft.kept))
                content.drafts[new] = draft
                moved += 1
            return moved
        return self._file.change(apply)

