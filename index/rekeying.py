"""Papers that gained an arXiv id change key: what the user wrote about them moves along.

Why apart from the library: the library only knows which keys changed; the user's files (bookmarks, drafts;
the read state moves with the import's own write) each know how to merge a moved entry into one already
there, and a failure to move one of them must not fail the import.
"""

from __future__ import annotations


def move_user_data(renamed: dict[str, str]) -> list[str]:
    """Move bookmarks and unsaved drafts from old keys to new ones; returns one line per failure (nothing is
    lost on failure: old bookmark keys still resolve through aliases, a draft stays under its old key)."""
    from .bookmarks import BookmarkStore
    from .drafts import DraftStore

    messages = []
    try:
        BookmarkStore().rekey(renamed)
    except Exception as err:
        messages.append(f"could not update bookmark keys ({err}); they still resolve")
    try:
        DraftStore().rekey(renamed)
    except Exception as err:
        messages.append(f"could not move unsaved drafts to their papers' new keys ({err})")
    return messages
