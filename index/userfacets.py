"""The facets whose values live in user data, gathered for one search: tags (from the bookmarks) and read
state (new / unread / read / dismissed, from ``readstate.py``).

Why a separate step: the index does not hold them (they change with every key press of the user, not with the
sources), so the caller hands them to ``Library.search`` as key sets; the CLI, the digest and the app all build
them the same way here.
"""

from __future__ import annotations

from .bookmarks import BookmarkStore
from .readstate import ReadState
from .search import UserFacets


def tag_sets(bookmarks: BookmarkStore) -> dict[str, frozenset[str]]:
    """Every tag with the keys of the bookmarks carrying it."""
    tags: dict[str, set[str]] = {}
    for bookmark in bookmarks.all():
        for tag in bookmark.tags:
            tags.setdefault(tag, set()).add(bookmark.key)
    return {tag: frozenset(keys) for tag, keys in tags.items()}


def user_facets(bookmarks: BookmarkStore, state: ReadState, since: str | None) -> UserFacets:
    """``since``: the time "new" counts from (the previous session's start, a digest's last run)."""
    return {"tag": tag_sets(bookmarks), "state": state.key_sets(since)}
