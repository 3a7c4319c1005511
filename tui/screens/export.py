"""Export bookmarks to a file (from the command palette): a known default folder, never a silent overwrite.

Why the dialog writes for itself (in a thread worker): a failed write (read-only folder, full disk) leaves the
dialog open with the typed path and the reason, and an existing file is replaced only after the user presses
export a second time for that same path. The notification names the full path written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from paperdeck.index import EXTENSIONS, FORMATS, default_export_path
from ..widgets.render import plain

# (format, path, overwrite) -> (full path written, how many bookmarks)
ExportFunction = Callable[[str, Path, bool], tuple[Path, int]]


@dataclass
class ExportWritten(Message):
    """The export worker wrote the file."""

    path: Path
    count: int


@dataclass
class ExportFailed(Message):
    """The export worker could not write; ``exists`` when the file is there and overwriting was not confirmed."""

    path: Path
    error: str
    exists: bool = False


class ExportScreen(ModalScreen[tuple[Path, int] | None]):
    """Returns (full path written, records written), or None when closed without exporting."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel_export")]

    def __init__(self, export: ExportFunction, fmt: str = "bibtex", what: str = "bookmarks",
                 stem: str = "paperdeck-bookmarks") -> None:
        """``what`` names what is exported in the title ("bookmarks", "the result list"); ``stem`` is the default
        file name in the exports folder."""
        super().__init__()
        self.fmt = fmt
        self.what = what
        self.stem = stem
        self.export_function = export
        self.confirmed: Path | None = None  # the existing file the user agreed to replace

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(plain(f"Export {self.what}"))
            yield Select([(f, f) for f in FORMATS], value=self.fmt, allow_blank=False, id="export-format")
            yield Label("Write to file")
            yield Input(value=str(default_export_path(self.fmt, self.stem)), id="export-path")
            yield Static(id="export-status")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")
        yield Footer()  # the dialog's own keys, not the main screen's behind it

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

    def _status(self, content: Content) -> None:
        self.query_one("#export-status", Static).update(content)

    def _finish(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            self._status(Content.styled("Type a file path first.", "$warning"))
            return
        path = Path(value).expanduser()
        fmt = str(self.query_one("#export-format", Select).value)
        self._status(Content.styled("Writing…", "dim"))
        self.export_worker(fmt, path, overwrite=self.confirmed == path)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False, description="export")
    def export_worker(self, fmt: str, path: Path, overwrite: bool) -> None:
        try:
            written, count = self.export_function(fmt, path, overwrite)
        except FileExistsError:
            self.post_message(ExportFailed(path, "exists", exists=True))
        except (OSError, ValueError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            self.post_message(ExportFailed(path, f"{type(err).__name__}: {reason}"))
        else:
            self.post_message(ExportWritten(written, count))

    @on(ExportWritten)
    def written(self, message: ExportWritten) -> None:
        self.dismiss((message.path, message.count))

    @on(ExportFailed)
    def failed(self, message: ExportFailed) -> None:
        if message.exists:
            self.confirmed = message.path
            self._status(Content.assemble(plain(str(message.path.resolve()), "bold"), Content.styled(
                " already exists. Press enter (or Export) again to replace it, or change the path.", "$warning")))
            return
        self.confirmed = None
        self._status(Content.assemble(Content.styled("Could not export: ", "bold $error"), plain(message.error)))

    def action_cancel(self) -> None:
        self.dismiss(None)
