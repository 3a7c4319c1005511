"""The result list: two lines per paper (highlighted title, one info line), drawn with Textual's line API.

Why the line API (a ``ScrollView`` with ``render_line``, as Textualize/toolong draws huge logs): a new answer
only swaps the list of hits and repaints the rows that are visible; nothing is laid out or measured for rows
off screen, so the cost of showing an answer does not grow with the page size. Every row has the same shape
(title cut with an ellipsis, then its info line), which also makes row ``n`` start at line ``2 n``. When there
is nothing to list, the same widget shows the empty state, so the list keeps focus and its keys still work.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from paperdeck.index import Hit
from .keys import moving_keys
from .render import highlighted, joined, listing_label, plain

LOAD_MORE_WITHIN = 5  # rows from the end at which the next page is asked for
ROW_HEIGHT = 2


def one_row_line(content: Content) -> Content:
    """Untrusted text drawn as one terminal line: line breaks and tabs (controls ``strip_control`` keeps for
    paragraphs) become spaces, since a strip cannot hold them; styles stay where they were."""
    for control in sorted({ch for ch in content.plain if unicodedata.category(ch) == "Cc"}):
        content = Content(" ").join(content.split(control, allow_blank=True))
    return content


def row_lines(hit: Hit, bookmarked: bool, reading: str = "", tags: tuple[str, ...] = ()) -> tuple[Content, Content]:
    """The two lines of a row: the title with its matches marked, and the info line. Every row has the same
    shape: a two-cell gutter before both lines, holding ``●`` when the paper is unread (``reading`` "new" or
    "unread": a shape, not only a colour), then the title (bold when unread)."""
    title = highlighted(hit.title, ellipsis=False)
    marker = Content.styled("● ", "bold $accent") if reading else Content("  ")
    first = Content.assemble(marker, title.stylize("bold") if reading else title)
    second = Content.assemble("  ", info_line(hit, bookmarked, reading, tags))
    return one_row_line(first), one_row_line(second)


def info_line(hit: Hit, bookmarked: bool, reading: str = "", tags: tuple[str, ...] = ()) -> Content:
    """The dim line under a title: NEW, when it was listed (or published), where, votes, first author, code,
    star, the bookmark's tags (untrusted text: shown literally)."""
    paper = hit.paper
    dates = [listing_label(d) for d in paper.listed_dates]
    meta: list[Content | str] = [Content.styled("NEW", "bold $accent")] if reading == "new" else []
    meta.append(plain(", ".join(dates) if dates else (paper.published or "undated")))
    pages = len(paper.sources)
    meta.append(f"{pages} page{'s' if pages != 1 else ''}")
    if paper.upvotes:
        meta.append(f"▲ {paper.upvotes}")
    if paper.authors:
        meta.append(plain(paper.authors[0] + (" et al." if len(paper.authors) > 1 else "")))
    if paper.code_urls:
        meta.append(Content.styled("code", "bold $success"))
    if bookmarked:
        meta.append(Content.styled("★ bookmarked", "bold $warning"))
    if tags:
        meta.append(plain(" ".join(f"#{tag}" for tag in tags), "$accent"))
    return joined(meta).stylize("dim")


class ResultList(ScrollView, can_focus=True):
    """Search hits with a cursor. ``enter`` opens the paper under the cursor; paging keys as in less."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *moving_keys("result"),
        Binding("enter", "open", "Open", id="open_paper", tooltip="Read the paper under the cursor"),
    ]
    HELP = ("**j**/**k** or arrows move, **space**/**ctrl+b** page, **g**/**G** first/last, **enter** opens the "
            "paper, **b** bookmarks it.")
    COMPONENT_CLASSES: ClassVar[set[str]] = {"result-list--row", "result-list--cursor"}
    DEFAULT_CSS = """
    ResultList {
        overflow-x: hidden;
        & > .result-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .result-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=False)

    class CursorMoved(Message):
        """The cursor is on another paper (the reader follows it)."""

    class Opened(Message):
        """``enter`` (or a click on the row under the cursor) on a paper."""

    class NearEnd(Message):
        """The cursor is close to the last loaded row: time to load the next page."""

    def __init__(self) -> None:
        super().__init__(id="results")
        self.hits: list[Hit] = []
        self.marks: frozenset[str] = frozenset()
        self.message: list[Content] = []  # shown instead of rows when there are no hits
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(256)
        self.row_state: Callable[[str], str] = lambda key: ""  # "new" / "unread" / "": set by the screen
        self.row_tags: Callable[[str], tuple[str, ...]] = lambda key: ()  # a bookmark's tags: set by the screen

    # -- content ------------------------------------------------------------------------------------------

    def show_hits(self, hits: list[Hit], marks: frozenset[str], keep_key: str | None = None) -> None:
        """Replace the rows; the cursor stays on ``keep_key`` when it is still listed, else goes to the top."""
        self.hits, self.marks, self.message = list(hits), marks, []
        self._strips.clear()
        index = next((i for i, h in enumerate(self.hits) if h.paper.key == keep_key), 0)
        self._resize()
        self.set_reactive(ResultList.highlighted, None)
        self.highlighted = index if self.hits else None
        if index == 0:
            self.scroll_to(y=0, animate=False)
        self.refresh()

    def append_hits(self, hits: list[Hit]) -> None:
        known = {h.paper.key for h in self.hits}
        self.hits.extend(h for h in hits if h.paper.key not in known)
        self._resize()
        self.refresh()

    def show_message(self, lines: list[Content]) -> None:
        """No rows: show these paragraphs (the empty state) instead; the list keeps focus and keys."""
        self.hits, self.message = [], list(lines)
        self._strips.clear()
        self.highlighted = None
        self.scroll_to(y=0, animate=False)
        self._resize()
        self.refresh()

    def refresh_marks(self, marks: frozenset[str]) -> None:
        """Bookmark stars (or read marks) changed: only the info lines that show them are redrawn."""
        self.marks = marks
        self._strips.clear()
        self.refresh()

    def row_looks(self, hit: Hit) -> tuple[bool, str, tuple[str, ...]]:
        """What a row shows besides the paper: bookmarked, read state ("new", "unread", ""), the bookmark's tags."""
        key = hit.paper.key
        bookmarked = key in self.marks
        return bookmarked, self.row_state(key), self.row_tags(key) if bookmarked else ()

    def row_text(self, index: int) -> str:
        """Row ``index`` as plain text, both lines (what the tests read)."""
        hit = self.hits[index]
        return "\n".join(line.plain for line in row_lines(hit, *self.row_looks(hit)))

    @property
    def current(self) -> Hit | None:
        index = self.highlighted
        return self.hits[index] if index is not None and 0 <= index < len(self.hits) else None

    # -- drawing ------------------------------------------------------------------------------------------

    def _message_lines(self, width: int) -> list[Content]:
        lines: list[Content] = []
        for number, paragraph in enumerate(self.message):
            if number:
                lines.append(Content(""))
            lines.extend(paragraph.wrap(max(width, 1)))
        return lines

    def _resize(self) -> None:
        width = self.scrollable_content_region.width
        height = len(self.hits) * ROW_HEIGHT if self.hits else len(self._message_lines(width - 2))
        self.virtual_size = Size(width, height)

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self._resize()

    def _strip(self, content: Content, width: int, base: str) -> Strip:
        style = self.get_visual_style(base) if base == "result-list--row" else \
            self.get_visual_style("result-list--row", base)
        line = Content(" ") + content.truncate(max(width - 2, 1), ellipsis=True)
        segments = [Segment(text, part.rich_style) for text, part in
                    line.render(style, end="", parse_style=self.app.stylesheet.parse_style)]
        return Strip(segments).crop_extend(0, width, style.rich_style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line_number = self.scroll_offset.y + y
        if not self.hits:
            lines = self._message_lines(width - 2)
            content = lines[line_number] if line_number < len(lines) else Content("")
            return self._strip(content, width, "result-list--row")
        index, part = divmod(line_number, ROW_HEIGHT)
        if index >= len(self.hits):
            return Strip.blank(width, self.get_visual_style("result-list--row").rich_style)
        hit = self.hits[index]
        cursor = index == self.highlighted
        state = self.row_looks(hit)
        key = (hit.paper.key, index, part, width, cursor, self.has_focus, *state)
        strip = self._strips.get(key)
        if strip is None:
            content = row_lines(hit, *state)[part]
            strip = self._strip(content, width, "result-list--cursor" if cursor else "result-list--row")
            self._strips[key] = strip
        return strip

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- cursor -------------------------------------------------------------------------------------------

    def validate_highlighted(self, index: int | None) -> int | None:
        if index is None or not self.hits:
            return None
        return max(0, min(index, len(self.hits) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        if new is None:
            return
        for row in (old, new):
            if row is not None:
                self.refresh(Region(0, row * ROW_HEIGHT - round(self.scroll_y), self.size.width, ROW_HEIGHT))
        self.scroll_to_region(Region(0, new * ROW_HEIGHT, 1, ROW_HEIGHT), animate=False, force=True)
        self.post_message(self.CursorMoved())
        if new >= len(self.hits) - LOAD_MORE_WITHIN:
            self.post_message(self.NearEnd())

    def _move(self, rows: int) -> None:
        if self.hits:
            self.highlighted = (self.highlighted or 0) + rows

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        if self.hits:
            self._move(self._page_rows())
        else:
            self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        if self.hits:
            self._move(-self._page_rows())
        else:
            self.scroll_page_up(animate=False)

    def action_first(self) -> None:
        if self.hits:
            self.highlighted = 0

    def action_last(self) -> None:
        if self.hits:
            self.highlighted = len(self.hits) - 1

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened())

    def on_click(self, event: events.Click) -> None:
        index = (event.y + round(self.scroll_y)) // ROW_HEIGHT
        if 0 <= index < len(self.hits):
            if index == self.highlighted and event.chain > 1:
                self.post_message(self.Opened())
            self.highlighted = index
