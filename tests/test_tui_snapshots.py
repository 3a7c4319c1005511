"""Snapshot tests (pytest-textual-snapshot): what the screen shows, at 80x24, 120x40 and 60x20.

Query times are hidden (``show_timing=False``) so the pictures do not depend on the machine's speed.
Update after an intended change with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and review the
SVG diffs.
"""

from __future__ import annotations

import pytest

from dataclasses import replace

from paperdeck.index.bookmarks import Bookmark, BookmarkStore
from paperdeck.tui.testing import make_app, settle

SIZES = [(80, 24), (120, 40), (60, 20)]


def typing(text: str, *then: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*text)
        await settle(pilot)
        for key in then:
            await pilot.press(key)
            await settle(pilot)
    return run_before


SCENES = {
    "start": typing(""),
    "search_highlights": typing("sparse attention", "escape"),
    "filter_applied": typing("pruning", "escape", "f", "down", "space"),
    "reader_latex": typing("temporal grounding tuning", "escape", "enter"),
    "help": typing("", "escape", "question_mark"),
    "bookmarks_view": typing("", "escape", "B"),
    "no_results": typing("sparse atention "),
}


@pytest.fixture
def bookmarked(seeded_home):
    """Two bookmarks with a fixed date (so the bookmarks view is the same on every run)."""
    from paperdeck.index.library import Library

    store = BookmarkStore()
    with Library() as library:
        for key in ("r-2-tuning-efficient-image-to-video-transfer-learning-for-video-temporal-groundi-d2d9c6f0",
                    "compressing-features-for-learning-with-noisy-labels"):
            paper = library.get(key)
            assert paper is not None, key
            mark = Bookmark.for_paper(paper, tags=["[bold]tag"], note="check [/] section 4")
            store.add(replace(mark, added_at="2026-01-01T00:00:00Z"))
    return seeded_home


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_screen(snap_compare, bookmarked, scene: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=SCENES[scene])
