"""Export bookmarks to a file the user names (from the command palette)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from paperdeck.index.export import FORMATS

EXTENSIONS = {"bibtex": "bib", "ris": "ris", "csl-json": "json", "markdown": "md", "csv": "csv", "json": "json"}


class ExportScreen(ModalScreen[tuple[str, Path] | None]):
    """Returns (format, path) or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_export")]

    def __init__(self, fmt: str = "bibtex") -> None:
        super().__init__()
        self.fmt = fmt

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label("Export bookmarks")
            yield Select([(f, f) for f in FORMATS], value=self.fmt, allow_blank=False, id="export-format")
            yield Label("Write to file")
            yield Input(value=str(Path.cwd() / f"paperdeck-bookmarks.{EXTENSIONS[self.fmt]}"), id="export-path")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        path_input.value = str(path.with_suffix("." + EXTENSIONS[str(event.value)]))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._finish() if event.button.id == "export" else self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._finish()

    def _finish(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self.notify("Type a file path first.", severity="warning", markup=False)
            return
        self.dismiss((str(self.query_one("#export-format", Select).value), Path(value).expanduser()))

    def action_cancel(self) -> None:
        self.dismiss(None)
