"""Regenerate the README screenshots: ``python screenshots/generate.py [SCENE ...]`` (all scenes by default).

Runs the real app headlessly on the bundled seeds in a throw-away PAPERDECK_HOME (your own library and
bookmarks are never touched), drives it with the same pilot helpers as the tests, and writes one SVG per scene
into this folder. Run it whenever the screen changes.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = (130, 38)

# (file name, keys typed into the search box, keys pressed afterwards)
SCENES = [
    ("search", "sparse attention", ["escape"]),
    ("reader", "temporal grounding tuning", ["escape", "enter"]),
    ("filters", "pruning", ["escape", "f", "down", "space"]),
    ("bookmarks", "", ["escape", "B"]),
    ("help", "", ["escape", "question_mark"]),
]
BOOKMARK_QUERIES = ["temporal grounding tuning", "noisy labels compressing", "sparse attention routing"]
# The daily loop's scene: a first session, then a day's page added from the command line, then the next
# morning's start on the New view with one paper read.
NEW_PAGE = HERE.parent / "tests" / "fixtures" / "hf_captures" / "hf_trending_papers_markdown_capture.md"


async def shoot(name: str, query: str, keys: list[str]) -> Path:
    from paperdeck.index import locations
    from paperdeck.tui.testing import make_app, settle

    locations.session_path().unlink(missing_ok=True)  # each scene starts fresh, not where the last one was left
    app = make_app(show_timing=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if query:
            await pilot.press(*query)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        target = HERE / f"{name}.svg"
        app.save_screenshot(filename=target.name, path=str(HERE))
    return target


def seed_bookmarks() -> None:
    from paperdeck.index.bookmarks import BookmarkStore
    from paperdeck.index.library import Library

    store = BookmarkStore()
    with Library() as library:
        for query in BOOKMARK_QUERIES:
            paper = library.search(query).hits[0].paper
            store.add_paper(paper, tags=["to read"])


async def shoot_daily() -> Path:
    """Yesterday's session, today's page added by ``paperdeck add``, this morning's New view."""
    from paperdeck.index.library import Library
    from paperdeck.tui.testing import make_app, settle

    await shoot("daily", "", ["escape"])  # yesterday (its picture is replaced below)
    app = make_app(show_timing=False)
    async with app.run_test(size=SIZE) as pilot:  # quitting with q saves the mark "new" counts from
        await settle(pilot)
        await pilot.press("escape", "q")
    with Library() as library:
        library.add([NEW_PAGE])
    app = make_app(show_timing=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ["escape", "1", "j", "r", "j"]:
            await pilot.press(key)
            await settle(pilot)
        target = HERE / "daily.svg"
        app.save_screenshot(filename=target.name, path=str(HERE))
    return target


def main(argv: list[str]) -> int:
    wanted = set(argv) or {name for name, _, _ in SCENES} | {"daily"}
    with tempfile.TemporaryDirectory(prefix="paperdeck-shots-") as home:
        os.environ["PAPERDECK_HOME"] = home
        seed_bookmarks()
        for name, query, keys in SCENES:
            if name in wanted:
                path = asyncio.run(shoot(name, query, keys))
                print(f"wrote {path.relative_to(HERE.parent)}")
        if "daily" in wanted:
            print(f"wrote {asyncio.run(shoot_daily()).relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
