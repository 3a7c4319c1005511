"""The main screen's key actions: each reads the current paper or the session and hands real work to a worker.

Why apart from ``main.py``: the screen module keeps layout, searching and worker results; these are the thin
handlers behind the bindings. The attributes they rely on are declared below, so the contract with
``MainScreen`` is checked by a type checker rather than assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any


from paperdeck.index import BookmarkStore
from paperdeck.index import markdown_link
from paperdeck.index import Paper
from paperdeck.index import safe_url
from ..session import SearchSession
from ..widgets.filter_pane import FilterPanes
from ..widgets.reader import Reader, SimilarList
from ..widgets.result_list import ResultList
from ..widgets.search_bar import SearchBar
from . import main_workers as workers
from .add_path import AddPathScreen
from .bookmarks import BookmarksScreen
from .help import HelpScreen, help_sections

if TYPE_CHECKING:
    from textual.worker import Worker

    from paperdeck.index import Library

NEEDS_A_PAPER = {"next_match", "previous_match", "copy_code", "copy_markdown", "copy_link", "toggle_bookmark",
                 "edit_tags", "open_browser", "similar", "open_paper"}


class PaperKeyActions:
    """Mixed into ``MainScreen`` (a Textual ``Screen``), which provides what is declared here."""

    if TYPE_CHECKING:
        library: Library | None
        bookmarks: BookmarkStore
        session: SearchSession
        app: Any
        focused: Any
        BINDINGS: list[Any]

        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def add_class(self, *names: str) -> Any: ...
        def remove_class(self, *names: str) -> Any: ...
        def current_paper(self) -> Paper | None: ...
        def open_in_reader(self, paper: Paper, with_similar: bool = True) -> None: ...
        def run_search(self) -> None: ...
        def read_full_screen(self, on: bool = True) -> None: ...
        def leave_zoom(self) -> None: ...
        def edit_tags_and_note(self, paper: Paper) -> None: ...
        def open_link(self, url: str, what: str = "the paper link") -> None: ...
        def run_in_thread(self, job: Callable[..., None], *args: object, group: str, description: str,
                          exclusive: bool = True) -> Worker[None]: ...

    # -- focus ---------------------------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def action_back_to_list(self) -> None:
        """Escape: always out of the search box (or the filters) to the list, even an empty one."""
        self.remove_class("show-filters")
        self.leave_zoom()
        self.query_one(ResultList).focus()

    def action_focus_filters(self) -> None:
        self.add_class("show-filters")
        first = self.query_one(FilterPanes).first_list()
        if first is not None:
            first.focus()

    def action_open_paper(self) -> None:
        """Open the highlighted paper and move into the reader (escape comes back)."""
        hit = self.query_one(ResultList).current
        if hit is None:
            return
        reader = self.query_one(Reader)
        if reader.paper is None or reader.paper.key != hit.paper.key:
            self.open_in_reader(hit.paper)
        self.read_full_screen()
        reader.focus()

    # -- the search ----------------------------------------------------------------------------------------

    def action_bookmarks_only(self) -> None:
        self.session.toggle_bookmarks_only()
        self.run_search()

    def action_clear_filters(self) -> None:
        if self.session.clear_filters():
            self.run_search()

    def action_cycle_sort(self) -> None:
        self.notify(f"Sorted by {self.session.cycle_sort()}", markup=False)
        self.run_search()

    def action_apply_suggestion(self) -> None:
        results = self.session.results
        if results is not None and results.suggestion:
            search = self.query_one(SearchBar)
            search.value = results.suggestion
            search.cursor_position = len(search.value)  # typing on continues the suggested query
            self.session.set_query(search.value)
            self.run_search()

    # -- the paper -----------------------------------------------------------------------------------------

    def action_toggle_bookmark(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.run_in_thread(workers.toggle_bookmark, self.bookmarks, self.library, paper, group="bookmarks",
                               exclusive=False, description="save the bookmark")

    def action_edit_tags(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.edit_tags_and_note(paper)

    def osc52(self, text: str) -> None:
        """OSC 52 from a worker thread (the terminal is written on the UI thread)."""
        self.app.call_from_thread(self.app.copy_to_clipboard, text)

    def copy_in_thread(self, text: str | None, what: str) -> None:
        if text:
            self.run_in_thread(workers.copy, text, what, self.osc52, group="clipboard", exclusive=False,
                               description="copy")

    def checked_link(self, url: str, what: str) -> str | None:
        """The link if it may be copied or opened; re-checked here because old libraries and hand-edited
        bookmark files were never validated on the way in."""
        checked = safe_url(url)
        if checked is None:
            self.notify(f"Not using {what}: it is not a plain http(s) link.", severity="warning", markup=False)
        return checked

    def action_copy_link(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.copy_in_thread(self.checked_link(paper.url, "the paper link"), "the paper link")

    def action_copy_code(self) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        if not paper.code_urls:
            self.notify("This paper has no code link.", severity="warning", markup=False)
            return
        self.copy_in_thread(self.checked_link(paper.code_urls[0], "the code link"), "the code link")

    def action_copy_markdown(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.copy_in_thread(markdown_link(paper.title, paper.url), "a Markdown link")

    def action_open_browser(self) -> None:
        paper = self.current_paper()
        url = self.checked_link(paper.url, "the paper link") if paper is not None else None
        if url is not None:
            self.open_link(url)

    def action_similar(self) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        reader = self.query_one(Reader)
        if reader.paper is None or reader.paper.key != paper.key:
            self.open_in_reader(paper)
        elif self.library is not None:
            self.run_in_thread(workers.prepare_reader, self.library, paper, self.session.query, True,
                               group="reader", description="find similar papers")
        self.query_one(SimilarList).focus()

    def action_next_match(self) -> None:
        if not self.query_one(Reader).jump_match(+1):
            self.notify("No matches in this abstract.", markup=False)

    def action_previous_match(self) -> None:
        if not self.query_one(Reader).jump_match(-1):
            self.notify("No matches in this abstract.", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that work now are live (and shown in the footer). Letters are already out of the
        footer while the search box has focus: Textual drops bindings for keys the focused input consumes."""
        if action == "focus_search":
            return not isinstance(self.focused, SearchBar)
        if action == "apply_suggestion":
            results = self.session.results
            return bool(results is not None and results.suggestion and results.total == 0)
        if action in NEEDS_A_PAPER:
            return self.library is not None
        return True

    # -- screens and palette entries -------------------------------------------------------------------------

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every key as currently mapped (a key remapped in settings shows its new key)."""
        return help_sections(self.app.BINDINGS, type(self).BINDINGS, self.app._keymap or {})

    def action_bookmarks_view(self) -> None:
        """The bookmarks view; the paper chosen there opens in the full-screen reader."""
        def chosen(paper: Paper | None) -> None:
            if paper is not None:
                self.open_in_reader(paper)
                self.read_full_screen()
                self.query_one(Reader).focus()
        self.app.push_screen(BookmarksScreen(self.bookmarks, self.library), chosen)

    def rebuild(self) -> None:
        if self.library is not None:
            self.notify("Rebuilding the index in the background…", markup=False)
            self.run_in_thread(workers.rebuild, self.library, group="library", description="rebuild the index")

    def add_files(self) -> None:
        def chosen(paths: list[Path] | None) -> None:
            if paths and self.library is not None:
                self.notify(f"Adding {', '.join(str(p) for p in paths)} in the background…", markup=False)
                self.run_in_thread(workers.add_paths, self.library, paths, group="library",
                                   description="add the files")
        self.app.push_screen(AddPathScreen(), chosen)
