"""The search box: plain input; the screen debounces it and runs the search in a worker."""

from __future__ import annotations

from textual.widgets import Input

HELP = """\
Type to search titles and abstracts (results update as you type).
Syntax: two words = both; OR; NOT; "a phrase"; prefix*; title:word; abstract:word; fuzzy~.
Enter: go to the results. Escape: back to the list."""


class SearchBar(Input):
    """Where queries are typed. Kept dumb on purpose: timing and workers belong to the screen."""

    HELP = HELP

    def __init__(self) -> None:
        super().__init__(placeholder="Search papers…  (sparse attention, \"phrase\", title:lora, prun*)",
                         id="search")

    def on_mount(self) -> None:
        self.cursor_blink = getattr(self.app, "cursor_blink", True)
