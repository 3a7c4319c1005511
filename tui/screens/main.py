"""The main screen: search box, filter panes, result list, reader, status line; owns every worker.

Why the screen owns the workers: widgets only post messages up (a facet toggled, the list near its end); the
screen decides what to run, runs it in an exclusive thread worker, and drops answers that arrive for an older
request (each search carries a generation number).
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, ProgressBar, SelectionList, Static
from textual.worker import get_current_worker

from paperdeck.index.bookmarks import BookmarkStore
from paperdeck.index.export import export_bookmarks, markdown_link
from paperdeck.index.library import Library
from paperdeck.index.models import FACETS, SORT_ORDERS, Paper, SearchRequest, SearchResults
from ..clipboard import copy_everywhere
from ..messages import (BookmarksChanged, ClipboardCopied, IndexingProgressed, LibraryChanged, LibraryFailed,
                        LibraryOpened, PaperPrepared, SearchFinished, SimilarFound)
from ..widgets.filter_pane import FacetList, FilterPanes, value_label
from ..widgets.reader import Reader, SimilarList
from ..widgets.render import plain
from ..widgets.result_list import ResultList
from ..widgets.search_bar import SearchBar
from .export import ExportScreen
from .help import HelpScreen
from .tags_note import TagsNoteScreen

DEBOUNCE_SECONDS = 0.05  # pause in typing before searching; stale answers are dropped anyway
PAGE_SIZE = 40  # rows per search; more load as the cursor nears the end
REFRESH_SECONDS = 5.0
MEDIUM_WIDTH = 110
NARROW_WIDTH = 80


class MainScreen(Screen[None]):
    """Everything a session happens on."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="focus_search", tooltip="Focus the search box"),
        Binding("escape", "back_to_list", "List", id="back_to_list", show=False),
        Binding("enter", "open_paper", "Open", id="open_paper", show=False),
        Binding("b", "toggle_bookmark", "Bookmark", id="toggle_bookmark", tooltip="Bookmark or un-bookmark"),
        Binding("B", "bookmarks_only", "Bookmarks only", id="bookmarks_only"),
        Binding("t", "edit_tags", "Tags/note", id="edit_tags"),
        Binding("y", "copy_link", "Copy link", id="copy_link"),
        Binding("c", "copy_code", "Copy code link", id="copy_code", show=False),
        Binding("m", "copy_markdown", "Copy Markdown link", id="copy_markdown", show=False),
        Binding("o", "open_browser", "Open in browser", id="open_browser", show=False),
        Binding("s", "similar", "Similar", id="similar", show=False),
        Binding("n", "next_match", "Next match", id="next_match", show=False),
        Binding("N", "previous_match", "Previous match", id="previous_match", show=False),
        Binding("f", "focus_filters", "Filters", id="focus_filters"),
        Binding("X", "clear_filters", "Clear filters", id="clear_filters", show=False),
        Binding("S", "cycle_sort", "Sort", id="cycle_sort"),
        Binding("ctrl+d", "apply_suggestion", "Did you mean", id="apply_suggestion", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library: Library | None = None
        self.bookmarks = BookmarkStore()
        self.filters: dict[str, set[str]] = {}
        self.sort_index = 0
        self.generation = 0
        self.results: SearchResults | None = None
        self.loaded_pages = 0
        self.loading_more = False
        self._debounce: Timer | None = None
        self._preview: Timer | None = None
        self.answered_generation = 0  # the last search generation whose results are on screen
        self.search_pending = False  # a debounced search is waiting to start
        self.preview_pending = False  # the reader is about to follow the cursor
        self.show_timing = True  # the status line's query time; snapshot tests turn it off

    # -- layout ----------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield SearchBar()
            yield Static(Content("Opening the library…"), id="status")
        with Vertical(id="loading"):
            yield Static(Content("Indexing the bundled papers (first run only)…"), id="loading-label")
            yield ProgressBar(id="loading-bar", show_eta=False)
        with Horizontal(id="body"):
            yield FilterPanes(id="filters")
            with Horizontal(id="main-area"):
                with Vertical(id="middle"):
                    yield ResultList()
                    yield Static(id="empty")
                yield Reader()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#body").display = False
        for message in self.bookmarks.messages:
            self.notify(message, severity="warning", markup=False)
        self.open_library()
        self.set_interval(REFRESH_SECONDS, self.check_for_changes)

    def on_resize(self) -> None:
        """Three columns when wide; reader under the list from MEDIUM_WIDTH down; filters on demand when narrow."""
        width, height = self.size
        self.set_class(width < MEDIUM_WIDTH, "medium")
        self.set_class(width < NARROW_WIDTH, "narrow")
        self.set_class(width < NARROW_WIDTH or height < 22, "tiny")

    # -- workers ---------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library", exit_on_error=False, description="open the library")
    def open_library(self) -> None:
        def progress(done: int, total: int, label: str) -> None:
            self.post_message(IndexingProgressed(done, total, label))
        try:
            library = Library(progress=progress)
        except Exception as err:  # an unwritable cache, a full disk: say so instead of a traceback
            self.post_message(LibraryFailed(f"{type(err).__name__}: {err}"))
            return
        self.post_message(LibraryOpened(library, list(library.messages)))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="search")
    def search_worker(self, request: SearchRequest, generation: int, append: bool = False) -> None:
        assert self.library is not None
        results = self.library.search(request, bookmarks=self.bookmarks.keys())
        if not get_current_worker().is_cancelled:
            self.post_message(SearchFinished(generation, results, append))

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False, description="prepare the reader")
    def reader_worker(self, paper: Paper, query: str, with_similar: bool) -> None:
        assert self.library is not None
        title, abstract = self.library.highlight_paper(paper, query, as_you_type=True)
        self.post_message(PaperPrepared(paper.key, title, abstract))
        if with_similar and not get_current_worker().is_cancelled:
            self.post_message(SimilarFound(paper.key, self.library.similar(paper.key, limit=8)))

    @work(thread=True, exclusive=True, group="highlight", exit_on_error=False, description="mark matches")
    def highlight_worker(self, paper: Paper, query: str) -> None:
        """Re-mark the reader's matches for a new query without touching its similar-papers list."""
        assert self.library is not None
        title, abstract = self.library.highlight_paper(paper, query, as_you_type=True)
        if not get_current_worker().is_cancelled:
            self.post_message(PaperPrepared(paper.key, title, abstract))

    @work(thread=True, group="bookmarks", exit_on_error=False, description="save bookmarks")
    def bookmark_worker(self, paper: Paper, tags: list[str] | None = None, note: str | None = None) -> None:
        try:
            if tags is None and note is None:
                now_marked = self.bookmarks.toggle(paper)
                message = ("Bookmarked: " if now_marked else "Removed bookmark: ") + paper.title
            else:
                if paper.key not in self.bookmarks:
                    self.bookmarks.add_paper(paper)
                self.bookmarks.set_tags(paper.key, tags or [])
                self.bookmarks.set_note(paper.key, note or "")
                message = "Saved tags and note: " + paper.title
        except Exception as err:  # read-only data dir, disk full, lock held too long
            message = f"Could not save the bookmark ({type(err).__name__}: {err}); nothing was changed"
        self.post_message(BookmarksChanged(paper.key, message))

    @work(thread=True, group="clipboard", exit_on_error=False, description="copy")
    def clipboard_worker(self, text: str, what: str) -> None:
        routes, problem = copy_everywhere(text, lambda t: self.app.call_from_thread(self.app.copy_to_clipboard, t))
        self.post_message(ClipboardCopied(what, routes, problem))

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False, description="watch the library")
    def refresh_worker(self) -> None:
        if self.library is not None and self.library.refresh():
            self.post_message(LibraryChanged("The library changed on disk: results refreshed."))

    @work(thread=True, exclusive=True, group="library", exit_on_error=False, description="rebuild the index")
    def rebuild_worker(self) -> None:
        assert self.library is not None
        self.library.progress = lambda d, t, label: self.post_message(IndexingProgressed(d, t, label))
        try:
            problems = self.library.rebuild()
        finally:
            self.library.progress = None
        summary = f"Rebuilt the index: {self.library.stats().papers} papers."
        self.post_message(LibraryChanged(" ".join([summary, *problems])))

    @work(thread=True, group="export", exit_on_error=False, description="export bookmarks")
    def export_worker(self, fmt: str, path: Path) -> None:
        try:
            path.write_text(export_bookmarks(self.bookmarks.all(), fmt), encoding="utf-8")
            self.app.call_from_thread(self.notify, f"Exported {len(self.bookmarks)} bookmarks to {path}",
                                      markup=False)
        except (OSError, ValueError) as err:
            self.app.call_from_thread(self.notify, f"Could not export to {path}: {err}", severity="error",
                                      markup=False)

    # -- worker results --------------------------------------------------------------------------------------

    @on(IndexingProgressed)
    def show_progress(self, message: IndexingProgressed) -> None:
        self.query_one("#loading").display = self.library is None
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=max(message.total, 1), progress=message.done)
        self.query_one("#loading-label", Static).update(plain(f"Indexing: {message.label}"))

    @on(LibraryOpened)
    def library_opened(self, message: LibraryOpened) -> None:
        self.library = message.library
        self.query_one("#loading").display = False
        self.query_one("#body").display = True
        for notice in message.messages:
            self.notify(notice, severity="warning", markup=False)
        self.run_search()
        self.query_one(SearchBar).focus()

    @on(LibraryFailed)
    def library_failed(self, message: LibraryFailed) -> None:
        self.query_one("#loading-label", Static).update(plain(f"Could not open the library: {message.error}"))
        self.notify(f"Could not open the library: {message.error}", severity="error", markup=False, timeout=30)

    @on(SearchFinished)
    def search_finished(self, message: SearchFinished) -> None:
        if message.generation != self.generation:
            return  # an answer to an older request: the user has typed on since
        results = message.results
        result_list = self.query_one(ResultList)
        marks = self.bookmarks.keys()
        self.answered_generation = message.generation
        if message.append:
            self.loading_more = False
            self.loaded_pages = results.request.page
            result_list.append_hits(list(results.hits), marks)
            return
        keep = result_list.current.paper.key if result_list.current else None
        self.results = results
        self.loaded_pages = 1
        result_list.show_hits(list(results.hits), marks, keep_key=keep)
        self.query_one(FilterPanes).show(results.facets, self.filters)
        self.show_status(results)
        self.show_empty_state(results)
        reader = self.query_one(Reader)
        if reader.paper is not None and results.total:
            # The reader's matches follow the query too (its paper may not have changed).
            self.highlight_worker(reader.paper, results.request.query)

    @on(PaperPrepared)
    def paper_prepared(self, message: PaperPrepared) -> None:
        reader = self.query_one(Reader)
        if reader.paper is not None and reader.paper.key == message.key:
            reader.show_paper(reader.paper, self.bookmarks.get(message.key), message.title, message.abstract)

    @on(SimilarFound)
    def similar_found(self, message: SimilarFound) -> None:
        self.query_one(Reader).show_similar(message.key, message.similar)

    @on(BookmarksChanged)
    def bookmarks_changed(self, message: BookmarksChanged) -> None:
        self.notify(message.message, markup=False)
        marks = self.bookmarks.keys()
        self.query_one(ResultList).refresh_row(message.key, marks)
        reader = self.query_one(Reader)
        if reader.paper is not None and reader.paper.key == message.key:
            reader.show_meta(self.bookmarks.get(message.key))
        self.run_search()  # the bookmarked counts (and a bookmarks-only list) change

    @on(ClipboardCopied)
    def clipboard_copied(self, message: ClipboardCopied) -> None:
        routes = " and ".join(message.routes) or "nothing"
        if message.problem:
            self.notify(f"Copied {message.what} via {routes}; system clipboard: {message.problem}",
                        severity="warning", markup=False)
        else:
            self.notify(f"Copied {message.what} via {routes}", markup=False)

    @on(LibraryChanged)
    def library_changed(self, message: LibraryChanged) -> None:
        self.query_one("#loading").display = False
        self.notify(message.summary, markup=False)
        self.run_search()

    def check_for_changes(self) -> None:
        if self.library is not None:
            self.refresh_worker()

    # -- searching -------------------------------------------------------------------------------------------

    @property
    def sort(self) -> str:
        return SORT_ORDERS[self.sort_index]

    def current_request(self, page: int = 1, as_you_type: bool = True) -> SearchRequest:
        filters = tuple(sorted((facet, value) for facet, values in self.filters.items() for value in values))
        return SearchRequest(query=self.query_one(SearchBar).value, filters=filters, sort=self.sort, page=page,
                             page_size=PAGE_SIZE, as_you_type=as_you_type, with_snippets=False)

    def run_search(self) -> None:
        self.search_pending = False
        if self.library is None:
            return
        self.generation += 1
        self.loading_more = False
        self.search_worker(self.current_request(), self.generation)

    @on(Input.Changed, "#search")
    def query_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.search_pending = True
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.run_search)

    @on(Input.Submitted, "#search")
    def query_submitted(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.run_search()
        self.query_one(ResultList).focus()

    @on(ResultList.NearEnd)
    def load_more(self) -> None:
        results = self.results
        if results is None or self.loading_more or self.loaded_pages >= results.pages:
            return
        self.loading_more = True
        self.search_worker(self.current_request(page=self.loaded_pages + 1), self.generation, append=True)

    @on(SelectionList.SelectedChanged, ".facet")
    def facet_changed(self, event: SelectionList.SelectedChanged) -> None:
        facet_list = event.selection_list
        assert isinstance(facet_list, FacetList)
        self.filters[facet_list.facet] = set(facet_list.selected)
        if not self.filters[facet_list.facet]:
            del self.filters[facet_list.facet]
        self.run_search()

    @on(FacetList.Cleared)
    def facet_cleared(self, message: FacetList.Cleared) -> None:
        if self.filters.pop(message.facet, None) is not None:
            self.run_search()

    def show_status(self, results: SearchResults) -> None:
        parts = [Content.styled(f"{results.total} paper{'s' if results.total != 1 else ''}", "bold"), Content(f"{results.elapsed_ms:.0f} ms"),
                 Content(f"sorted by {self.sort}")]
        if not self.show_timing:
            del parts[1]
        for facet, values in sorted(self.filters.items()):
            parts.append(plain(f"{facet}: " + " | ".join(value_label(facet, v) for v in sorted(values)), "$accent"))
        if results.notes:
            parts.append(plain("; ".join(results.notes), "dim italic"))
        self.query_one("#status", Static).update(Content("  ·  ").join(parts))

    def show_empty_state(self, results: SearchResults) -> None:
        empty = self.query_one("#empty", Static)
        result_list = self.query_one(ResultList)
        empty.display = results.total == 0
        result_list.display = results.total > 0
        if results.total:
            return
        self.query_one(Reader).clear()
        lines = [Content.assemble("No papers match ", plain(results.request.query or "(everything)", "bold"),
                                  " with the current filters." if self.filters else ".")]
        if results.suggestion:
            lines.append(Content.assemble("Did you mean ", plain(results.suggestion, "bold $accent"),
                                          "?  Press ", Content.styled("ctrl+d", "bold"), " to search for it."))
        if self.filters:
            lines.append(Content.assemble("Press ", Content.styled("X", "bold"), " to clear the filters."))
        lines.append(Content.styled('Syntax: two words = both · OR · NOT · "a phrase" · prefix* · title:word · '
                                    "fuzzy~", "dim"))
        empty.update(Content("\n\n").join(lines))

    # -- actions ---------------------------------------------------------------------------------------------

    def current_paper(self) -> Paper | None:
        """The paper the user is looking at: the reader's when it has focus, else the list's cursor."""
        focused = self.focused
        reader = self.query_one(Reader)
        if isinstance(focused, SimilarList) and focused.highlighted is not None and focused.papers:
            return focused.papers[focused.highlighted].paper
        if focused is not None and reader in focused.ancestors_with_self and reader.paper is not None:
            return reader.paper
        hit = self.query_one(ResultList).current
        return hit.paper if hit else reader.paper

    def open_in_reader(self, paper: Paper, with_similar: bool = True) -> None:
        self.query_one(Reader).show_paper(paper, self.bookmarks.get(paper.key))
        if self.library is not None:
            self.reader_worker(paper, self.query_one(SearchBar).value, with_similar)

    @on(ResultList.OptionHighlighted, "#results")
    def result_highlighted(self) -> None:
        """The reader follows the cursor (after a short pause, so holding j does not queue work)."""
        if self._preview is not None:
            self._preview.stop()
        self.preview_pending = True
        self._preview = self.set_timer(DEBOUNCE_SECONDS, self.preview_current)

    def preview_current(self) -> None:
        self.preview_pending = False
        hit = self.query_one(ResultList).current
        reader = self.query_one(Reader)
        if hit is not None and (reader.paper is None or reader.paper.key != hit.paper.key):
            self.open_in_reader(hit.paper)

    @on(ResultList.OptionSelected, "#results")
    def result_selected(self, event: ResultList.OptionSelected) -> None:
        self.action_open_paper()

    @on(SimilarList.OptionSelected, "#similar")
    def similar_selected(self, event: SimilarList.OptionSelected) -> None:
        similar = self.query_one(SimilarList)
        if event.option_index < len(similar.papers):
            self.open_in_reader(similar.papers[event.option_index].paper)
            self.query_one(Reader).focus()

    def action_focus_search(self) -> None:
        self.query_one(SearchBar).focus()

    def action_back_to_list(self) -> None:
        result_list = self.query_one(ResultList)
        if result_list.display:
            result_list.focus()
        self.remove_class("show-filters")

    def action_open_paper(self) -> None:
        """Open the highlighted paper and move into the reader (escape comes back)."""
        hit = self.query_one(ResultList).current
        if hit is None:
            return
        reader = self.query_one(Reader)
        if reader.paper is None or reader.paper.key != hit.paper.key:
            self.open_in_reader(hit.paper)
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
        if paper is None:
            return

        def saved(result: tuple[list[str], str] | None) -> None:
            if result is not None:
                self.bookmark_worker(paper, tags=result[0], note=result[1])
        self.app.push_screen(TagsNoteScreen(paper.title, self.bookmarks.get(paper.key)), saved)

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
            self.app.open_url(paper.url)
            self.notify(f"Opening {paper.url}", markup=False)

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

    def export(self) -> None:
        def chosen(result: tuple[str, Path] | None) -> None:
            if result is not None:
                self.export_worker(*result)
        self.app.push_screen(ExportScreen(), chosen)

    def rebuild(self) -> None:
        if self.library is not None:
            self.notify("Rebuilding the index in the background…", markup=False)
            self.rebuild_worker()
