"""The result list: two lines per paper (highlighted title, one meta line), replaced in one call per search.

Why an OptionList: it renders only the visible lines, so thousands of rows scroll smoothly; further pages are
appended when the cursor nears the end rather than loading every hit up front.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from paperdeck.index.models import Hit
from .render import highlighted, joined, listing_label, plain

LOAD_MORE_WITHIN = 5


def hit_prompt(hit: Hit, bookmarked: bool, reading: str = "", tags: tuple[str, ...] = ()) -> Content:
    """``reading``: "new" or "unread" get a marker before the title (a shape, not only a colour); ``tags`` are
    the bookmark's tags (untrusted text: shown literally)."""
    paper = hit.paper
    meta: list[Content | str] = []
    if reading == "new":
        meta.append(Content.styled("NEW", "bold $accent"))
    dates = [listing_label(d) for d in paper.listed_dates]
    meta.append(", ".join(dates) if dates else "undated")
    pages = len(paper.sources)
    meta.append(f"{pages} page{'s' if pages != 1 else ''}")
    if paper.upvotes:
        meta.append(f"▲ {paper.upvotes}")
    if paper.authors:
        meta.append(paper.authors[0] + (" et al." if len(paper.authors) > 1 else ""))
    if paper.code_urls:
        meta.append(Content.styled("code", "bold $success"))
    if bookmarked:
        meta.append(Content.styled("★ bookmarked", "bold $warning"))
    if tags:
        meta.append(plain(" ".join(f"#{tag}" for tag in tags), "$accent"))
    title = highlighted(hit.title, ellipsis=False)
    marker = Content.styled("● ", "bold $accent") if reading else Content("  ")
    return Content.assemble(marker, title.stylize("bold") if reading else title, "\n  ", joined(meta).stylize("dim"))


class ResultList(OptionList):
    """Search hits. Enter opens the highlighted paper in the reader."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="result_down"),
        Binding("k", "cursor_up", "Up", show=False, id="result_up"),
    ]
    HELP = "**j**/**k** or arrows move, **enter** opens the paper in the reader, **b** bookmarks it."

    class NearEnd(Message):
        """The cursor is close to the last loaded row: time to load the next page."""

    def __init__(self) -> None:
        super().__init__(id="results")
        self.hits: list[Hit] = []
        self.row_state: Callable[[str], str] = lambda key: ""  # "new" / "unread" / "": set by the screen
        self.row_tags: Callable[[str], tuple[str, ...]] = lambda key: ()  # a bookmark's tags: set by the screen

    def show_hits(self, hits: list[Hit], bookmarks: frozenset[str], keep_key: str | None = None) -> None:
        self.hits = list(hits)
        self.set_options([Option(self._prompt(h, bookmarks), id=h.paper.key) for h in hits])
        index = next((i for i, h in enumerate(self.hits) if h.paper.key == keep_key), 0)
        self.highlighted = index if self.hits else None

    def append_hits(self, hits: list[Hit], bookmarks: frozenset[str]) -> None:
        known = {h.paper.key for h in self.hits}
        fresh = [h for h in hits if h.paper.key not in known]
        self.hits.extend(fresh)
        self.add_options([Option(self._prompt(h, bookmarks), id=h.paper.key) for h in fresh])

    def _prompt(self, hit: Hit, bookmarks: frozenset[str]) -> Content:
        key = hit.paper.key
        return hit_prompt(hit, key in bookmarks, self.row_state(key), self.row_tags(key) if key in bookmarks else ())

    def refresh_row(self, key: str, bookmarks: frozenset[str]) -> None:
        for hit in self.hits:
            if hit.paper.key == key:
                self.replace_option_prompt(key, self._prompt(hit, bookmarks))

    @property
    def current(self) -> Hit | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.hits):
            return None
        return self.hits[self.highlighted]

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None and highlighted >= len(self.hits) - LOAD_MORE_WITHIN:
            self.post_message(self.NearEnd())
