"""The bookmarks view (``v``): every bookmark, newest added first, with its tags and the first line of its note.

Why a screen of its own and not the main list's "bookmarks only" filter (``B``): that filter ranks bookmarks as
search results and shows no notes; here the question is "what did I keep lately, and why", so the order is the
date added and each row carries what the user wrote. Why the bookmarks are read and a chosen paper is looked up
in thread workers: both touch files (the bookmark store, the library) and the UI must not wait on a disk.
Bookmark text is untrusted (a hand-edited or imported file): it enters the rows as ``Content``, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from paperdeck.index import Bookmark, BookmarkStore
from paperdeck.index import latex_to_display, one_line, plural
from paperdeck.index import Paper
from ..widgets.render import joined, plain

if TYPE_CHECKING:
    from paperdeck.index import Library


@dataclass
class BookmarksListed(Message):
    """The worker read the bookmarks (newest added first), or could not (``error``)."""

    bookmarks: list[Bookmark]
    error: str = ""


@dataclass
class BookmarkResolved(Message):
    """The worker found the chosen bookmark's paper (in the library, or made from the bookmark itself, with
    ``problem`` saying why when the library could not be asked)."""

    paper: Paper
    problem: str = ""


def first_line(note: str) -> str:
    """The note's first non-empty line, on one line."""
    return next((one_line(line) for line in note.splitlines() if line.strip()), "")


def matches_tag(bookmark: Bookmark, typed: str) -> bool:
    """Every word typed (``#`` optional) starts one of the bookmark's tags, ignoring case."""
    words = [w.lstrip("#").casefold() for w in typed.replace(",", " ").split()]
    tags = [t.casefold() for t in bookmark.tags]
    return all(any(tag.startswith(word) for tag in tags) for word in words if word)


def bookmark_row(bookmark: Bookmark) -> Content:
    """Title on the first line; date added, ``#tags`` and the note's first line dim on the second."""
    parts = [plain(bookmark.added_at[:10] or "undated")]
    if bookmark.tags:
        parts.append(plain(" ".join(f"#{tag}" for tag in bookmark.tags), "$accent"))
    note = first_line(bookmark.note)
    if note:
        parts.append(plain(note, "italic"))
    title = plain(latex_to_display(bookmark.title), "bold")  # rendered as in the result list
    return Content.assemble(title, "\n", joined(parts).stylize("dim"))


def tag_counts(bookmarks: Iterable[Bookmark]) -> list[tuple[str, int]]:
    """Each tag with how many bookmarks carry it, most used first."""
    counts: dict[str, int] = {}
    for bookmark in bookmarks:
        for tag in bookmark.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))


def paper_from_bookmark(bookmark: Bookmark) -> Paper:
    """What the reader can show of a bookmarked paper that is no longer in the library (its source removed)."""
    return Paper(key=bookmark.key, title=bookmark.title, abstract="", url=bookmark.url,
                 arxiv_id=bookmark.arxiv_id, authors=list(bookmark.authors), doi=bookmark.doi)


class BookmarksScreen(Screen[Paper | None]):
    """Returns the paper to open in the reader, or None when closed."""

    CSS_PATH = "bookmarks.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close", id="close_bookmarks", tooltip="Close (from the tag box: to the list)"),
        Binding("slash,f", "focus_tag", "Filter by tag", id="bookmarks_tag"),
        Binding("j", "cursor_down", "Down", show=False, id="bookmarks_down"),
        Binding("k", "cursor_up", "Up", show=False, id="bookmarks_up"),
        Binding("enter", "open", "Open in reader", id="bookmarks_open", show=False),
    ]

    def __init__(self, store: BookmarkStore, library: Library | None) -> None:
        super().__init__()
        self.store = store
        self.library = library
        self.bookmarks: list[Bookmark] = []  # newest added first
        self.shown: list[Bookmark] = []  # those the tag filter lets through, in the list's order
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-view"):
            yield Static(Content.styled("Bookmarks: reading them…", "bold"), id="bookmarks-title")
            yield Input(placeholder="tag: type to filter (escape: back to the list)", id="bookmarks-tag")
            yield Static("", id="bookmarks-tags")
            yield OptionList(id="bookmarks-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bookmarks-list", OptionList).focus()
        self.list_worker()

    @work(thread=True, exclusive=True, group="bookmarks-view", exit_on_error=False, description="read bookmarks")
    def list_worker(self) -> None:
        try:
            self.post_message(BookmarksListed(self.store.all()))
        except Exception as err:  # unreadable data directory, lock held: say so in the view
            self.post_message(BookmarksListed([], f"{type(err).__name__}: {err}"))

    @on(BookmarksListed)
    def listed(self, message: BookmarksListed) -> None:
        self.bookmarks, self.loaded = message.bookmarks, True
        if message.error:
            self.query_one("#bookmarks-title", Static).update(Content.assemble(
                Content.styled("Could not read the bookmarks: ", "bold $error"), plain(message.error)))
            return
        tags = tag_counts(self.bookmarks)
        self.query_one("#bookmarks-tags", Static).update(
            joined([plain(f"#{tag} {count}") for tag, count in tags]).stylize("dim") if tags else "")
        self.refilter()

    @on(Input.Changed, "#bookmarks-tag")
    def refilter(self) -> None:
        typed = self.query_one("#bookmarks-tag", Input).value
        self.shown = [b for b in self.bookmarks if matches_tag(b, typed)]
        options = self.query_one("#bookmarks-list", OptionList)
        options.set_options(Option(bookmark_row(b), id=str(n)) for n, b in enumerate(self.shown))
        if self.shown:
            options.highlighted = 0
        self.query_one("#bookmarks-title", Static).update(self.title_line(typed))

    def title_line(self, typed: str) -> Content:
        total = plural(len(self.bookmarks), "bookmark")
        if not self.bookmarks:
            return Content.assemble(Content.styled("No bookmarks yet", "bold"),
                                    ": press b on a paper to bookmark it, t to tag it and write a note.")
        if typed.strip() and not self.shown:
            return Content.assemble(Content.styled(f"{total}, none tagged ", "bold"), plain(typed.strip(), "bold"),
                                    "… (escape, then / to change the tag)")
        counted = f"{len(self.shown)} of {total}" if len(self.shown) != len(self.bookmarks) else total
        return Content.assemble(Content.styled(counted, "bold"),
                                Content.styled(", newest added first · enter opens one in the reader", "dim"))

    @on(Input.Submitted, "#bookmarks-tag")
    def tag_submitted(self) -> None:
        self.query_one("#bookmarks-list", OptionList).focus()

    def action_focus_tag(self) -> None:
        self.query_one("#bookmarks-tag", Input).focus()

    def action_close(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#bookmarks-list", OptionList).focus()
        else:
            self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.query_one("#bookmarks-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#bookmarks-list", OptionList).action_cursor_up()

    def action_open(self) -> None:
        index = self.query_one("#bookmarks-list", OptionList).highlighted
        if index is not None and index < len(self.shown):
            self.resolve_worker(self.shown[index])

    @on(OptionList.OptionSelected, "#bookmarks-list")
    def option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    @work(thread=True, exclusive=True, group="bookmarks-open", exit_on_error=False, description="open a bookmark")
    def resolve_worker(self, bookmark: Bookmark) -> None:
        try:
            paper = self.library.get(bookmark.key) if self.library is not None else None
        except Exception as err:  # a library being rebuilt or broken: open what the bookmark knows, and say so
            self.post_message(BookmarkResolved(paper_from_bookmark(bookmark), f"{type(err).__name__}: {err}"))
            return
        self.post_message(BookmarkResolved(paper or paper_from_bookmark(bookmark)))

    @on(BookmarkResolved)
    def resolved(self, message: BookmarkResolved) -> None:
        if message.problem:
            self.notify(f"Showing the bookmark only (the library could not be read: {message.problem})",
                        severity="warning", markup=False)
        self.dismiss(message.paper)
