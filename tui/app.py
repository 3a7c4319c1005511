"""PaperdeckApp: global keys, the command palette, theme and key-map persistence, and the main screen.

Why so little here: the screen owns the search and its workers; the app only holds what is global (quitting,
help, the palette, settings), so it stays small enough to read in one go.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Input, TextArea

from .fetch_today import fetch_commands
from .screens.loop_export import export_commands
from .screens.main import MainScreen
from .settings import Settings, load_settings, save_settings

PALETTE_COMMANDS = [
    ("Add file or folder", "Add papers from a file or folder, in the background (paperdeck add)", "add_files"),
    ("Export bookmarks…", "Write bookmarks to BibTeX, RIS, CSL-JSON, Markdown, CSV or JSON", "export"),
    ("Rebuild index", "Re-read every source in the background", "rebuild"),
    ("Bookmarks only", "Toggle showing only bookmarked papers (B)", "action_bookmarks_only"),
    ("Bookmarks view", "Bookmarks newest added first, with tags and the note's first line (v)",
     "action_bookmarks_view"),
    ("Clear filters", "Remove every filter (X)", "action_clear_filters"),
    ("Cycle sort", "Relevance, date, title, upvotes (S)", "action_cycle_sort"),
    ("Focus search", "Jump to the search box (/)", "action_focus_search"),
    ("Focus filters", "Jump to the filter panes (f)", "action_focus_filters"),
    ("Bookmark", "Bookmark or un-bookmark the current paper (b)", "action_toggle_bookmark"),
    ("Tags and note", "Edit the current bookmark's tags and note (t)", "action_edit_tags"),
    ("Copy link", "Copy the paper link (y)", "action_copy_link"),
    ("Copy code link", "Copy the code repository link (c)", "action_copy_code"),
    ("Copy Markdown link", "Copy [title](link) (m)", "action_copy_markdown"),
    ("Open in browser", "Open the paper page (o)", "action_open_browser"),
    ("Zoom", "Give the reader (or the list) the whole screen (z)", "action_zoom"),
    ("Undo bookmark removal", "Bring back the last removed bookmark with its tags and note (u)",
     "action_undo_remove"),
    ("Similar papers", "Papers like the current one (s)", "action_similar"),
    ("New since last session", "Papers first seen since the previous session (1)", "action_new_view"),
    ("Watches", "Saved searches with their unread counts (W)", "action_show_watches"),
    ("Save search as watch", "Name the current query and filters (w)", "action_save_watch"),
    ("Trending: rising", "Papers by upvotes gained since the previous import (T)", "action_show_trending"),
    ("Trending: top of the week", "Most upvoted papers of the newest week of listings (T, tab)", "show_top_week"),
    ("Trending: top of the month", "Most upvoted papers of the newest month of listings (T, tab)",
     "show_top_month"),
    ("Mark read", "Mark the current paper read, or unread again (r)", "action_toggle_read"),
    ("Not interested", "Dismiss the current paper (d; u undoes)", "action_dismiss_paper"),
    ("Mark everything listed read", "Every paper of the current list (R; u undoes)", "action_mark_all_read"),
    ("Undo", "Undo the newest r, R, d or bookmark removal (u)", "action_undo"),
    ("Help", "Keys and search syntax (?)", "action_help"),
]


class PaperdeckApp(App[None]):
    """The terminal paper browser."""

    TITLE = "paperdeck"
    CSS_PATH = ["app.tcss", "loop.tcss", "reading.tcss"]
    BINDINGS = [
        # Priority: `?` opens help even from the search box (where it would otherwise be typed); check_action
        # lets it through to a note or a path being typed, where a question mark is text.
        Binding("question_mark", "help", "Help", id="help", tooltip="Keys and search syntax", priority=True),
        Binding("q", "quit_unless_typing", "Quit", id="quit"),  # ctrl+q (Textual's own) quits from anywhere
    ]

    def __init__(self) -> None:
        super().__init__()
        self.settings, self._settings_message = load_settings()
        self._theme_ready = False
        self.show_timing = True  # query times in the status line (off for deterministic snapshots)
        self.cursor_blink = True  # the search box cursor (off for deterministic snapshots)

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self._theme_ready = True
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self._settings_message:
            self.notify(self._settings_message, severity="warning", markup=False)
        main = MainScreen()
        main.show_timing = self.show_timing
        self.push_screen(main)

    def watch_theme(self, theme: str) -> None:
        if self._theme_ready and theme != self.settings.theme:
            self.settings = Settings(theme=theme, keymap=self.settings.keymap)
            try:
                save_settings(self.settings)
            except OSError as err:
                self.notify(f"Could not save the theme: {err}", severity="warning", markup=False)

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def action_quit(self) -> None:
        """Remember where the user was (query, filters, selection) before leaving: the next start restores it."""
        main = self.main_screen
        if main is not None:
            main.save_session_if_changed(in_worker=False)
        self.exit()

    def action_help(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.screen.action_help()

    async def action_quit_unless_typing(self) -> None:
        await self.action_quit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``q`` and ``?`` are keys only where no text is being typed (``?`` also in the search box)."""
        focused = self.focused
        typing = isinstance(focused, TextArea) or (isinstance(focused, Input) and focused.id != "search")
        if action == "help":
            return not typing and isinstance(self.screen, MainScreen)
        if action == "quit_unless_typing":
            return not isinstance(focused, (Input, TextArea))
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        if main is None:
            return
        for title, help_text, name in PALETTE_COMMANDS:
            # The palette reads help texts as markup: escaped, "[title](link)" stays literal.
            yield SystemCommand(title, escape(help_text), getattr(main, name))
        yield from fetch_commands(main)
        yield from export_commands(main)
