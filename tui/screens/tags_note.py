"""The ``t`` modal: edit a bookmark's tags and multi-line note, never losing what was typed.

Why the dialog saves for itself (in a thread worker) instead of handing the text back: if the write fails (disk
full, read-only data directory, the lock held by another process) the dialog stays open with the text as typed
and says what went wrong. Why escape keeps a draft: text typed by hand exists nowhere else; the main screen
holds it and the next ``t`` on the same paper brings it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from paperdeck.index.bookmarks import Bookmark, clean_tags
from ..widgets.render import plain


@dataclass(frozen=True)
class NoteDraft:
    """Tags and note typed but not saved (the dialog was left with escape)."""

    tags: str
    note: str


@dataclass
class TagsSaved(Message):
    """The dialog's save worker wrote the bookmark."""

    bookmark: Bookmark


@dataclass
class TagsSaveFailed(Message):
    """The dialog's save worker could not write; ``error`` is one line for the user."""

    error: str


SaveFunction = Callable[[list[str], str], Bookmark]


class TagsNoteScreen(ModalScreen[Bookmark | NoteDraft | None]):
    """Returns the saved bookmark, a ``NoteDraft`` when left with unsaved changes, or None when nothing changed."""

    BINDINGS = [
        Binding("escape", "leave", "Keep draft and close", id="cancel_tags"),
        Binding("ctrl+s", "save", "Save", id="save_tags", priority=True),
    ]
    HELP = "**ctrl+s** saves; **escape** closes and keeps what you typed as a draft for the next **t**."

    def __init__(self, title: str, bookmark: Bookmark | None, save: SaveFunction,
                 draft: NoteDraft | None = None) -> None:
        super().__init__()
        self.paper_title = title
        self.saved = NoteDraft(", ".join(bookmark.tags), bookmark.note) if bookmark else NoteDraft("", "")
        self.draft = draft
        self.save_function = save
        self.saving = False

    def compose(self) -> ComposeResult:
        start = self.draft or self.saved
        with Vertical(id="tags-dialog", classes="dialog"):
            yield Static(plain(self.paper_title, "bold"), id="tags-paper")
            yield Label("Tags (comma-separated)")
            yield Input(value=start.tags, id="tags-input")
            yield Label("Note (several lines are fine)")
            yield TextArea(start.note, id="note-input", soft_wrap=True, tab_behavior="focus")
            yield Static(Content.styled("Restored your unsaved draft.", "italic $warning") if self.draft else "",
                         id="tags-status")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Close (esc)", id="cancel")
            yield Static(Content.styled("Saving bookmarks the paper if it is not bookmarked yet.", "dim"))

    def on_mount(self) -> None:
        self.query_one("#tags-input", Input).focus()

    def current(self) -> NoteDraft:
        return NoteDraft(self.query_one("#tags-input", Input).value, self.query_one("#note-input", TextArea).text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_leave()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#note-input", TextArea).focus()

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        typed = self.current()
        self.query_one("#tags-status", Static).update(Content.styled("Saving…", "dim"))
        self.save_worker(clean_tags([typed.tags]), typed.note)

    @work(thread=True, exclusive=True, group="save-tags", exit_on_error=False, description="save tags and note")
    def save_worker(self, tags: list[str], note: str) -> None:
        try:
            bookmark = self.save_function(tags, note)
        except Exception as err:  # disk full, read-only directory, lock held: the dialog says so and stays
            self.post_message(TagsSaveFailed(f"{type(err).__name__}: {err}"))
            return
        self.post_message(TagsSaved(bookmark))

    @on(TagsSaved)
    def saved_ok(self, message: TagsSaved) -> None:
        self.dismiss(message.bookmark)

    @on(TagsSaveFailed)
    def save_failed(self, message: TagsSaveFailed) -> None:
        self.saving = False
        self.query_one("#tags-status", Static).update(Content.assemble(
            Content.styled("Could not save: ", "bold $error"), plain(message.error),
            Content.styled(" Your text is still here: try again (ctrl+s) or close (esc) to keep it as a draft.",
                           "$error")))

    def action_leave(self) -> None:
        typed = self.current()
        unchanged = (clean_tags([typed.tags]) == clean_tags([self.saved.tags])
                     and typed.note.strip() == self.saved.note.strip())
        self.dismiss(None if unchanged else typed)
