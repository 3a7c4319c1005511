"""The Watches pane (saved searches with their unread counts; enter runs one) and the ``w`` name prompt."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from paperdeck.index import Watch
from ..widgets.render import joined, plain


def watch_prompt(watch: Watch, unread: int, total: int) -> Content:
    """Name and counts on the first line, the query and filters dim on the second; text is never markup."""
    filters = [f"{k}={v}" for k, v in watch.filters] + [f"not {k}={v}" for k, v in watch.exclude]
    counts = Content.styled(f"{unread} unread", "bold") if unread else Content.styled("0 unread", "dim")
    first = Content.assemble(plain(watch.name, "bold"), "  ", counts, Content.styled(f" / {total}", "dim"))
    return Content.assemble(first, "\n", joined([plain(t) for t in (watch.query or "(everything)", *filters)])
                            .stylize("dim"))


class WatchesScreen(ModalScreen[Watch | None]):
    """Returns the watch to run, or None."""

    BINDINGS = [Binding("escape", "cancel", "Close", id="close_watches"),
                Binding("j", "cursor_down", "Down", show=False, id="watch_down"),
                Binding("k", "cursor_up", "Up", show=False, id="watch_up")]

    def __init__(self, rows: list[tuple[Watch, int, int]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="watches-dialog", classes="dialog"):
            yield Label("Watches: enter runs one", classes="pane-title")
            if self.rows:
                yield OptionList(*(Option(watch_prompt(*row), id=str(n)) for n, row in enumerate(self.rows)),
                                 id="watch-list")
            else:
                yield Static(Content.assemble("No watches yet: press ", Content.styled("w", "bold"),
                                              " to save the current search as one."), id="watch-list-empty")
        yield Footer()  # the dialog's own keys, not the main screen's behind it

    def on_mount(self) -> None:
        if self.rows:
            self.query_one("#watch-list", OptionList).focus()

    def action_cursor_down(self) -> None:
        if self.rows:
            self.query_one("#watch-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.rows:
            self.query_one("#watch-list", OptionList).action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.rows[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class WatchNameScreen(ModalScreen[str | None]):
    """Asks for the new watch's name (prefilled with the query); returns it, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_watch")]

    def __init__(self, query: str, filters: str) -> None:
        super().__init__()
        self.query_text = query
        self.filters_text = filters

    def compose(self) -> ComposeResult:
        with Vertical(id="watch-name-dialog", classes="dialog"):
            yield Label("Save this search as a watch")
            yield Static(plain(" ".join(p for p in (self.query_text or "(everything)", self.filters_text) if p),
                               "dim"))
            yield Input(value=self.query_text[:60], placeholder="name", id="watch-name")
            yield Static(Content.styled("enter saves (a watch with this name is replaced), escape cancels", "dim"))
        yield Footer()  # the dialog's own keys, not the main screen's behind it

    def on_mount(self) -> None:
        self.query_one("#watch-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
