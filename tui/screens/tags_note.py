"""The ``t`` modal: edit a bookmark's tags and note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from paperdeck.index.bookmarks import Bookmark, clean_tags
from paperdeck.index.clean import strip_control
from ..widgets.render import plain


class TagsNoteScreen(ModalScreen[tuple[list[str], str] | None]):
    """Returns (tags, note) on save, None on cancel."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel_tags"),
        Binding("ctrl+s", "save", "Save", id="save_tags"),
    ]

    def __init__(self, title: str, bookmark: Bookmark | None) -> None:
        super().__init__()
        self.paper_title = title
        self.bookmark = bookmark

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog", classes="dialog"):
            yield Static(plain(self.paper_title, "bold"), id="tags-paper")
            yield Label("Tags (comma-separated)")
            yield Input(value=", ".join(self.bookmark.tags) if self.bookmark else "", id="tags-input")
            yield Label("Note")
            yield TextArea(self.bookmark.note if self.bookmark else "", id="note-input", soft_wrap=True)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")
            yield Static(Content.styled("Saving bookmarks the paper if it is not bookmarked yet.", "dim"))

    def on_mount(self) -> None:
        self.query_one("#tags-input", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#note-input", TextArea).focus()

    def action_save(self) -> None:
        tags = clean_tags([self.query_one("#tags-input", Input).value])
        note = strip_control(self.query_one("#note-input", TextArea).text).strip()
        self.dismiss((tags, note))

    def action_cancel(self) -> None:
        self.dismiss(None)
