"""The search box: plain input; the screen debounces it and runs the search in a worker."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

HELP = """\
Type to search titles and abstracts (results update as you type).
Syntax: two words = both; OR; NOT; "a phrase"; prefix*; title:word; author:name; year:2024; tag:to-read;
fuzzy~.
Enter or escape: go to the results. ?: every key."""


class SearchBar(Input):
    """Where queries are typed. Kept dumb on purpose: timing and workers belong to the screen."""

    # Textual drops bindings of ancestors for keys an Input consumes (every printable key), the app's `?`
    # included; bound here, on the input itself, `?` opens help instead of being typed.
    BINDINGS = [Binding("question_mark", "app.help", "Help", id="search_help", priority=True)]
    HELP = HELP

    def __init__(self) -> None:
        super().__init__(placeholder="Search papers…  (sparse attention, \"phrase\", title:lora, prun*)",
                         id="search")

    def on_mount(self) -> None:
        self.cursor_blink = getattr(self.app, "cursor_blink", True)
