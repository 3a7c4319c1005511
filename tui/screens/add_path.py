"""Add a file or folder to the library from inside the app (the palette's "Add file or folder")."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label


class AddPathScreen(ModalScreen[list[Path] | None]):
    """Asks for one path; returns it (as a one-item list, like ``paperdeck add``'s arguments) or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_add")]

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog"):
            yield Label(Content("Add a file or folder (folders are read recursively)"))
            yield Input(placeholder="~/Downloads/daily_papers.json", id="add-path")
            yield Label(Content.styled("enter adds it in the background · escape cancels", "dim"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#add-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify("Type a path first.", severity="warning", markup=False)
            return
        path = Path(value).expanduser()
        if not path.exists():
            self.notify(f"No such file or folder: {path}", severity="warning", markup=False)
            return
        self.dismiss([path])

    def action_cancel(self) -> None:
        self.dismiss(None)
