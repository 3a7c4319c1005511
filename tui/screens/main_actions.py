"""The main screen's key actions: each reads the current paper and hands real work to a worker.

Why apart from ``main.py``: the screen module keeps layout, searching and worker results; these are the
thin handlers behind the bindings, each a few lines.
"""

from __future__ import annotations

from textual.binding import Binding

from paperdeck.index.export import markdown_link
from paperdeck.index.models import SORT_ORDERS
from ..widgets.filter_pane import FilterPanes
from ..widgets.reader import Reader, SimilarList
from ..widgets.result_list import ResultList
from ..widgets.search_bar import SearchBar
from .help import HelpScreen


class MainScreenActions:
    """Mixed into ``MainScreen``, which provides the widgets, the workers and the search state."""

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def action_back_to_list(self) -> None:
        result_list = self.query_one(ResultList)
        if result_list.display:
            result_list.focus()
        self.remove_class("show-filters")
        self.leave_zoom()

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

    def action_toggle_bookmark(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.bookmark_worker(paper)

    def action_bookmarks_only(self) -> None:
        if self.filters.get("bookmarked") == {"yes"}:
            del self.filters["bookmarked"]
        else:
            self.filters["bookmarked"] = {"yes"}
        self.run_search()

    def action_edit_tags(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.edit_tags_and_note(paper)

    def _copy(self, text: str | None, what: str) -> None:
        if text:
            self.clipboard_worker(text, what)

    def action_copy_link(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self._copy(paper.url, "the paper link")

    def action_copy_code(self) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        if not paper.code_urls:
            self.notify("This paper has no code link.", severity="warning", markup=False)
            return
        self._copy(paper.code_urls[0], "the code link")

    def action_copy_markdown(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self._copy(markdown_link(paper.title, paper.url), "a Markdown link")

    def action_open_browser(self) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.open_link(paper.url)

    def action_similar(self) -> None:
        paper = self.current_paper()
        if paper is None:
            return
        reader = self.query_one(Reader)
        if reader.paper is None or reader.paper.key != paper.key:
            self.open_in_reader(paper)
        elif self.library is not None:
            self.reader_worker(paper, self.query_one(SearchBar).value, True)
        self.query_one(SimilarList).focus()

    def action_next_match(self) -> None:
        if not self.query_one(Reader).jump_match(+1):
            self.notify("No matches in this abstract.", markup=False)

    def action_previous_match(self) -> None:
        if not self.query_one(Reader).jump_match(-1):
            self.notify("No matches in this abstract.", markup=False)

    def action_focus_filters(self) -> None:
        self.add_class("show-filters")
        first = self.query_one(FilterPanes).first_list()
        if first is not None:
            first.focus()

    def action_clear_filters(self) -> None:
        if self.filters:
            self.filters.clear()
            self.run_search()

    def action_cycle_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_ORDERS)
        self.notify(f"Sorted by {self.sort}", markup=False)
        self.run_search()

    def action_apply_suggestion(self) -> None:
        if self.results is not None and self.results.suggestion:
            self.query_one(SearchBar).value = self.results.suggestion
            self.run_search()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_suggestion":
            return bool(self.results is not None and self.results.suggestion and self.results.total == 0)
        if action in ("next_match", "previous_match", "copy_code", "copy_markdown", "copy_link",
                      "toggle_bookmark", "edit_tags", "open_browser", "similar", "open_paper"):
            return self.library is not None
        return True

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, str]]:
        """Every main-screen key as currently mapped (a key remapped in settings shows its new key)."""
        ours = {b.id for b in self.BINDINGS if isinstance(b, Binding)}
        rows = [("?", "this help"), ("q", "quit"), ("ctrl+p", "command palette")]
        seen: set[str] = set()
        for active in self.app.active_bindings.values():
            binding = active.binding
            if binding.id in ours and binding.id not in seen:
                seen.add(binding.id)
                rows.append((self.app.get_key_display(binding), binding.description))
        rows += [("j / k", "move down / up in lists"), ("space", "select a filter value"),
                 ("x", "clear one filter pane"), ("tab", "next pane")]
        return rows

    def rebuild(self) -> None:
        if self.library is not None:
            self.notify("Rebuilding the index in the background…", markup=False)
            self.rebuild_worker()
