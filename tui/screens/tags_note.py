"""The ``t`` modal: edit a bookmark's tags and multi-line note, never losing what was typed.

Why the dialog writes for itself (in thread workers) instead of handing the text back: if a write fails (disk
full, read-only data directory, the lock held by another process) the dialog stays open with the text as typed
and says what went wrong. Why escape keeps a draft, on disk: text typed by hand exists nowhere else, so it goes
to ``drafts.json`` (``paperdeck.index.drafts``) and the next ``t`` on the same paper brings it back, after a
restart too. If even the draft cannot be written, a second escape closes and the main screen holds the draft
in memory until the app quits. A draft goes when the note is saved, or on ``ctrl+r`` pressed twice.
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
from textual.widgets import Button, Footer, Input, Label, Static, TextArea

from paperdeck.index import Bookmark, clean_tags
from paperdeck.index import latex_to_display
from paperdeck.index import DraftStore
from ..widgets.render import plain


@dataclass(frozen=True)
class NoteDraft:
    """Tags and note typed but not saved (the dialog was left with escape); ``on_disk`` is False when the draft
    could not be written and lives only in the main screen's memory."""

    tags: str
    note: str
    on_disk: bool = True


@dataclass
class TagsSaved(Message):
    """The dialog's save worker wrote the bookmark; ``warning`` when its draft could not be removed."""

    bookmark: Bookmark
    warning: str = ""


@dataclass
class TagsSaveFailed(Message):
    """The dialog's save worker could not write; ``error`` is one line for the user."""

    error: str


@dataclass
class DraftWritten(Message):
    """The draft worker stored (``kept``) or removed the draft."""

    draft: NoteDraft | None
    kept: bool


@dataclass
class DraftWriteFailed(Message):
    """The draft worker could not write ``drafts.json``; ``error`` is one line for the user."""

    error: str
    kept: bool


SaveFunction = Callable[[list[str], str], Bookmark]


def draft_kept_notice(draft: NoteDraft) -> str:
    """What the main screen says when the dialog closed with a draft."""
    where = "it survives a restart" if draft.on_disk else "it could not be written, so it lasts until you quit"
    return f"Kept your unsaved tags and note as a draft ({where}): press t on this paper to go on, ctrl+s to save."


def error_line(err: Exception) -> str:
    return f"{type(err).__name__}: {err}"


class TagsNoteScreen(ModalScreen[Bookmark | NoteDraft | None]):
    """Returns the saved bookmark, a ``NoteDraft`` when left with unsaved changes, or None when nothing changed
    (or the draft was discarded)."""

    CSS_PATH = "tags_note.tcss"
    BINDINGS = [
        Binding("escape", "leave", "Keep draft and close", id="cancel_tags"),
        Binding("ctrl+s", "save", "Save", id="save_tags", priority=True),
        Binding("ctrl+r", "discard", "Discard draft", id="discard_draft", priority=True),
    ]
    HELP = ("**ctrl+s** saves; **escape** closes and keeps what you typed as a draft for the next **t** (after a "
            "restart too); **ctrl+r** twice throws the draft away.")

    def __init__(self, title: str, bookmark: Bookmark | None, save: SaveFunction,
                 draft: NoteDraft | None = None, key: str = "", drafts: DraftStore | None = None) -> None:
        """``draft`` is one held in memory (its disk write failed); otherwise the draft of ``key`` is read from
        ``drafts`` (a small file behind an mtime-checked cache: cheap enough for the UI thread)."""
        super().__init__()
        self.paper_title = title
        self.key = key
        self.drafts = drafts
        self.saved = NoteDraft(", ".join(bookmark.tags), bookmark.note) if bookmark else NoteDraft("", "")
        self.read_problem = ""
        try:
            stored = drafts.get(key) if drafts is not None and key else None
        except Exception as err:  # an unreadable data directory: the dialog still opens, and says so
            stored, self.read_problem = None, f"Could not read the drafts ({error_line(err)})."
        self.on_disk = stored is not None
        self.draft = draft or (NoteDraft(stored.tags, stored.note) if stored is not None else None)
        self.save_function = save
        self.busy = False  # a write is running: further keys wait for its answer
        self.close_anyway = False  # the draft could not be written: the next escape closes (memory only)
        self.discard_asked = False  # ctrl+r once asks, twice discards

    def compose(self) -> ComposeResult:
        start = self.draft or self.saved
        with Vertical(id="tags-dialog", classes="dialog"):
            yield Static(plain(latex_to_display(self.paper_title), "bold"), id="tags-paper")  # as in the list
            yield Label("Tags (comma-separated)")
            yield Input(value=start.tags, id="tags-input")
            yield Label("Note (several lines are fine)")
            yield TextArea(start.note, id="note-input", soft_wrap=True, tab_behavior="focus")
            restored = "Restored your unsaved draft. ctrl+r twice discards it." if self.draft else ""
            yield Static(Content.styled(restored, "italic $warning"), id="tags-status")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Close (esc)", id="cancel")
            yield Static(Content.styled("Saving bookmarks the paper if it is not bookmarked yet.", "dim"))
        yield Footer()  # the dialog's own keys (ctrl+s, escape, ctrl+r), not the main screen's

    def on_mount(self) -> None:
        self.query_one("#tags-input", Input).focus()
        notices = ([self.read_problem] if self.read_problem else []) + (self.drafts.messages if self.drafts else [])
        for notice in notices:
            self.notify(notice, severity="warning", markup=False)
        if self.drafts is not None:
            self.drafts.messages.clear()

    def current(self) -> NoteDraft:
        return NoteDraft(self.query_one("#tags-input", Input).value, self.query_one("#note-input", TextArea).text)

    def _status(self, content: Content) -> None:
        self.query_one("#tags-status", Static).update(content)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_leave()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#note-input", TextArea).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``ctrl+r`` is live (and in the footer) only while there is a draft to discard."""
        return self.draft is not None if action == "discard" else True

    # -- save ------------------------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.busy:
            return
        self.busy = True
        typed = self.current()
        self._status(Content.styled("Saving…", "dim"))
        self.save_worker(clean_tags([typed.tags]), typed.note)

    @work(thread=True, exclusive=True, group="save-tags", exit_on_error=False, description="save tags and note")
    def save_worker(self, tags: list[str], note: str) -> None:
        try:
            bookmark = self.save_function(tags, note)
        except Exception as err:  # disk full, read-only directory, lock held: the dialog says so and stays
            self.post_message(TagsSaveFailed(error_line(err)))
            return
        warning = ""
        if self.drafts is not None and self.key:
            try:
                self.drafts.discard(self.key)
            except Exception as err:  # the note is saved; only the stale draft stays behind
                warning = f"Saved, but the old draft could not be removed ({error_line(err)})."
        self.post_message(TagsSaved(bookmark, warning))

    @on(TagsSaved)
    def saved_ok(self, message: TagsSaved) -> None:
        if message.warning:
            self.notify(message.warning, severity="warning", markup=False)
        self.dismiss(message.bookmark)

    @on(TagsSaveFailed)
    def save_failed(self, message: TagsSaveFailed) -> None:
        self.busy = False
        self._status(Content.assemble(
            Content.styled("Could not save: ", "bold $error"), plain(message.error),
            Content.styled(" Your text is still here: try again (ctrl+s) or close (esc) to keep it as a draft.",
                           "$error")))

    # -- leave and keep a draft --------------------------------------------------------------------------------

    def action_leave(self) -> None:
        if self.busy:
            return
        typed = self.current()
        unchanged = (clean_tags([typed.tags]) == clean_tags([self.saved.tags])
                     and typed.note.strip() == self.saved.note.strip())
        if self.close_anyway or self.drafts is None or not self.key:
            self.dismiss(None if unchanged else NoteDraft(typed.tags, typed.note, on_disk=False))
        elif unchanged and not self.on_disk:
            self.dismiss(None)
        else:  # keep the changed text, or drop a stored draft the user has typed back to the saved text
            self.busy = True
            self.draft_worker(None if unchanged else typed)

    def action_discard(self) -> None:
        if self.busy or self.draft is None:
            return
        if not self.discard_asked:
            self.discard_asked = True
            self._status(Content.styled("Press ctrl+r again to throw this draft away (the saved tags and note "
                                        "stay as they are).", "bold $warning"))
            return
        if self.drafts is None or not self.key or not self.on_disk:
            self.notify("Discarded the draft.", markup=False)
            self.dismiss(None)
            return
        self.busy = True
        self.draft_worker(None)

    @work(thread=True, exclusive=True, group="draft", exit_on_error=False, description="keep the draft")
    def draft_worker(self, typed: NoteDraft | None) -> None:
        assert self.drafts is not None
        try:
            if typed is None:
                self.drafts.discard(self.key)
            else:
                self.drafts.keep(self.key, typed.tags, typed.note, self.paper_title)
        except Exception as err:  # disk full, read-only directory, lock held: say so, keep the text on screen
            self.post_message(DraftWriteFailed(error_line(err), kept=typed is not None))
            return
        self.post_message(DraftWritten(typed, kept=typed is not None))

    @on(DraftWritten)
    def draft_written(self, message: DraftWritten) -> None:
        if not message.kept and self.discard_asked:
            self.notify("Discarded the draft.", markup=False)
        self.dismiss(message.draft)

    @on(DraftWriteFailed)
    def draft_write_failed(self, message: DraftWriteFailed) -> None:
        self.busy = False
        self.close_anyway = message.kept
        then = (" Your text is still here: save it (ctrl+s), or press escape again to close and keep the draft "
                "until you quit." if message.kept else " The draft is still stored.")
        self._status(Content.assemble(Content.styled("Could not write the draft: ", "bold $error"),
                                      plain(message.error), Content.styled(then, "$error")))
