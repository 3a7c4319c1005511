"""Local trending in the app: Rising (upvotes gained since the previous import), Top of the week and Top of the
month (the most upvoted papers of the newest listings), one pane with the three as tabs.

Why a pane of its own rather than a sort of the result list: "rising" is ordered by a gain that lives in the
read state (the upvotes history), not in the index, and both lists are short rankings; the engine's
``trending.py`` computes them (the CLI's ``paperdeck trending`` shows the same lists), this module only draws
them. ``enter`` opens a paper in the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from paperdeck.index import Paper
from paperdeck.index import ReadState
from ..messages import TrendingFound
from ..widgets.render import joined, listing_label, plain

if TYPE_CHECKING:
    from paperdeck.index import Library

MODES = {"rising": "Rising", "week": "Top of the week", "month": "Top of the month"}
LIMIT = 50  # a ranking, not a library: the first screenful or two is what anyone reads
EMPTY = {"rising": "Nothing rising yet: rising needs the same papers' Hugging Face JSON imported at least twice "
                   "(paperdeck fetch hf, each day).",
         "week": "No dated listings: top of the week needs pages with a full listing date (YYYY-MM-DD).",
         "month": "No dated listings: top of the month needs pages with a full listing date (YYYY-MM-DD)."}


def find_trending(library: Library, state: ReadState, mode: str, post: Callable[[Message], object]) -> None:
    """Worker: one ranking through the engine's ``trending`` functions, as (paper, figure) rows."""
    from paperdeck.index import ranking  # with the library, after the first frame

    post(TrendingFound(mode, ranking(library, state, mode, LIMIT)))


def trending_prompt(paper: Paper, figure: str, mode: str) -> Content:
    """The figure (gain or upvotes) first, the title, then dim facts; every text is inert (never markup)."""
    unit = "since the previous import" if mode == "rising" else "upvotes"
    listed = ", ".join(listing_label(d) for d in paper.listed_dates[-2:])
    facts = joined([plain(t) for t in (f"{figure} {unit}", listed, f"{paper.upvotes or 0} upvotes now"
                                       if mode == "rising" else "") if t]).stylize("dim")
    return Content.assemble(Content.styled(f"{figure:>6}", "bold"), "  ", plain(paper.title), "\n        ", facts)


class TrendingScreen(ModalScreen[Paper | None]):
    """Returns the paper to open in the reader, or None. ``switch(mode)`` asks the main screen for a ranking;
    its answer comes back through ``show`` (an answer for another tab than the one on screen is dropped)."""

    BINDINGS = [Binding("escape", "cancel", "Close", id="close_trending"),
                Binding("tab,T,right,l", "next_mode", "Next tab", id="trending_next"),
                Binding("shift+tab,left,h", "previous_mode", "Previous tab", id="trending_previous"),
                Binding("j", "cursor_down", "Down", show=False, id="trending_down"),
                Binding("k", "cursor_up", "Up", show=False, id="trending_up")]

    def __init__(self, mode: str, switch: Callable[[str], None]) -> None:
        super().__init__()
        self.mode = mode
        self.rows: list[tuple[Paper, str]] = []
        self._switch = switch

    def compose(self) -> ComposeResult:
        with Vertical(id="trending-dialog", classes="dialog"):
            yield Label(self.tabs(), id="trending-tabs", classes="pane-title")
            yield OptionList(id="trending-list")
            yield Static(Content("Loading…"), id="trending-empty")
            yield Static(Content.styled("enter opens the paper · tab next list · escape closes", "dim"))

    def tabs(self) -> Content:
        return Content(" │ ").join([Content.styled(f" {label} ", "reverse bold") if mode == self.mode
                                    else Content(f" {label} ") for mode, label in MODES.items()])

    def on_mount(self) -> None:
        self.query_one("#trending-list").display = False

    def show(self, mode: str, rows: list[tuple[Paper, str]]) -> None:
        if mode != self.mode:
            return  # the user moved on to another tab meanwhile
        self.rows = rows
        options = self.query_one("#trending-list", OptionList)
        options.clear_options()
        options.add_options([Option(trending_prompt(p, figure, mode), id=str(n)) for n, (p, figure) in
                             enumerate(rows)])
        options.display = bool(rows)
        empty = self.query_one("#trending-empty", Static)
        empty.display = not rows
        empty.update(plain(EMPTY[mode]))
        if rows:
            options.highlighted = 0
            options.focus()

    def _go(self, step: int) -> None:
        names = list(MODES)
        self.mode = names[(names.index(self.mode) + step) % len(names)]
        self.query_one("#trending-tabs", Label).update(self.tabs())
        self.query_one("#trending-empty", Static).update(Content("Loading…"))
        self._switch(self.mode)

    def action_next_mode(self) -> None:
        self._go(1)

    def action_previous_mode(self) -> None:
        self._go(-1)

    def action_cursor_down(self) -> None:
        self.query_one("#trending-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#trending-list", OptionList).action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.rows[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
