"""One bookmark as stored: the record, the cleaning of what the user typed, and merging two copies.

Why apart from the store (``bookmarks.py``): the record and its rules are plain data that the exporters, the
CLI and the app read, while the store is about locking and durable writes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from .clean import one_line
from .links import canonical_url, is_search_url, normalise_arxiv_id
from .models import Paper
from .safety import bookmark_fields


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
            added_at=fields["added_at"] or now_stamp(),
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
            added_at=now_stamp(),
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


def clean_note(note: str) -> str:
    """A note keeps its line breaks (it is multi-line); each line is made inert the way a loaded or imported
    note is (``safety.bookmark_fields``), so what is saved reads back unchanged."""
    lines = note.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(one_line(line) for line in lines).strip()


def now_stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def merge_bookmarks(kept: Bookmark, other: Bookmark) -> Bookmark:
    """One bookmark from two copies of the same paper's: the tags of both, both notes, the earlier date.

    Why: when two copies meet (a paper changed key, a removed bookmark comes back onto a re-added one) the
    user's words in either copy must survive.
    """
    if other.note and other.note not in kept.note:
        note = f"{kept.note}\n\n{other.note}" if kept.note else other.note
    else:
        note = kept.note
    return replace(kept, tags=tuple(clean_tags([*kept.tags, *other.tags])), note=note,
                   added_at=min(kept.added_at, other.added_at))


def with_key(bookmark: Bookmark, key: str) -> Bookmark:
    """The bookmark under the paper's new key; a new key that is an arXiv id brings the real arXiv link."""
    arxiv_id = normalise_arxiv_id(key)
    if arxiv_id is None:
        return replace(bookmark, key=key)
    return replace(bookmark, key=key, arxiv_id=arxiv_id, url=canonical_url(bookmark.title, arxiv_id)
                   if is_search_url(bookmark.url) else bookmark.url)
