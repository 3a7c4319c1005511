"""The abstract reader: title, meta, the abstract with matches marked, AI summary, numbered links, similar papers.

Why matches are navigable (n/N): abstracts are long; the reader restyles the current match and scrolls to the
line it wraps onto, so a reader can hop from hit to hit without hunting.

Why the abstract comes right after the title and meta, and the links after it: on a small terminal the first
rows are all a reader sees, and the abstract is what they came for (links are one keypress away by number).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from paperdeck.index import Bookmark
from paperdeck.index import latex_to_display
from paperdeck.index import is_search_url
from paperdeck.index import Paper, SimilarPaper, Span
from .paper_links import ShownLink, distinct_links
from .render import highlighted, joined, page_labels, paragraph, plain, publication_label

MAX_LINKS = 9  # numbered 1-9, one key each

SEARCH_LINK_NOTICE = "No arXiv id known yet: its link is a Hugging Face search for the title."


@dataclass
class LinkChosen(Message):
    """The user asked to open (``action="open"``) or copy (``"copy"``) one of the reader's links."""

    url: str
    label: str
    action: str


class LinkList(OptionList):
    """The reader's numbered links: a digit moves to that link, **o**/**enter** opens it, **y** copies it."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="link_down"),
        Binding("k", "cursor_up", "Up", show=False, id="link_up"),
        Binding("o", "open_link", "Open link", id="open_link"),
        Binding("y", "copy_link", "Copy link", id="copy_one_link"),
    ]
    HELP = "The paper's links, numbered: **1**-**9** pick one, **o** or **enter** opens it, **y** copies it."

    def __init__(self) -> None:
        super().__init__(id="reader-links")
        self.links: list[ShownLink] = []

    def show_links(self, links: list[ShownLink]) -> None:
        self.links = links[:MAX_LINKS]
        width = max((len(link.label) for link in self.links), default=0)
        self.set_options([
            Option(Content.assemble(Content.styled(f"{n} ", "bold"), Content.styled(f"{link.label:<{width}} ", "dim"),
                                    plain(link.display)))
            for n, link in enumerate(self.links, start=1)
        ])
        self.highlighted = 0 if self.links else None

    def pick(self, number: int) -> ShownLink | None:
        """Move to link ``number`` (1-based); None when there is no such link."""
        if not 1 <= number <= len(self.links):
            return None
        self.highlighted = number - 1
        return self.links[number - 1]

    @property
    def current(self) -> ShownLink | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self.links):
            return None
        return self.links[self.highlighted]

    def _chosen(self, action: str) -> None:
        link = self.current
        if link is not None:
            self.post_message(LinkChosen(link.url, link.label, action))

    def action_open_link(self) -> None:
        self._chosen("open")

    def action_copy_link(self) -> None:
        self._chosen("copy")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._chosen("open")


class SimilarList(OptionList):
    """Papers like the one in the reader; enter opens one in place."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="similar_down"),
        Binding("k", "cursor_up", "Up", show=False, id="similar_up"),
    ]
    HELP = "Papers like this one, with the terms they share. **enter** opens one in the reader."

    def __init__(self) -> None:
        super().__init__(id="similar")
        self.papers: list[SimilarPaper] = []

    def show_similar(self, similar: list[SimilarPaper]) -> None:
        self.papers = list(similar)
        self.set_options([
            Option(Content.assemble(plain(latex_to_display(s.paper.title)), "\n",
                                    Content.styled("shares: ", "dim") + plain(", ".join(s.shared_terms) or "-", "dim italic")),
                   id=s.paper.key)
            for s in similar
        ])
        self.highlighted = 0 if similar else None


class Reader(VerticalScroll):
    """Shows one paper. Content is set by the screen; nothing here runs a search."""

    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="reader_down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="reader_up"),
        Binding("space", "page_down", "Page down", show=False, id="reader_page_down"),
        Binding("g", "scroll_home", "Top", show=False, id="reader_top"),
        Binding("G", "scroll_end", "End", show=False, id="reader_end"),
        *(Binding(str(n), f"pick_link({n})", f"Link {n}", show=False, id=f"pick_link_{n}")
          for n in range(1, MAX_LINKS + 1)),
    ]
    HELP = ("The paper's title, where it was listed, its abstract and links. **n**/**N** jump between matches, "
            "**j**/**k**, **space**, **g**/**G** scroll, **1**-**9** pick a link (**o** opens, **y** copies it), **s** loads similar papers, **y**/**c**/**m** "
            "copy links, **o** opens the paper in the browser, **z** gives the reader the whole screen.")

    def __init__(self) -> None:
        super().__init__(id="reader")
        self.paper: Paper | None = None
        self.abstract_span: Span | None = None
        self.current_match: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Select a paper and press enter to read it here."), id="reader-title")
        yield Static(id="reader-meta")
        yield Static(id="reader-notice")
        yield Static(id="reader-summary")
        yield Static(id="reader-abstract")
        yield Static(id="reader-keywords")
        yield Static(id="reader-note")
        yield Label("Links", id="links-title")
        yield LinkList()
        yield Label("Similar papers", id="similar-title")
        yield SimilarList()

    def _set(self, part: str, content: Content | None) -> None:
        """Fill one part of the reader; an empty part takes no room at all."""
        widget = self.query_one(f"#{part}", Static)
        widget.update(content or Content(""))
        widget.display = bool(content)

    def clear(self) -> None:
        """Nothing to read (no results): show the hint instead of a paper that is not in the list."""
        self.paper = None
        self.abstract_span = None
        self.current_match = None
        self.query_one("#reader-title", Static).update(Content("No paper selected."))
        for part in ("reader-meta", "reader-notice", "reader-summary", "reader-abstract", "reader-keywords",
                     "reader-note"):
            self._set(part, None)
        self.query_one(LinkList).show_links([])
        self.query_one("#links-title").display = False
        self.query_one(SimilarList).show_similar([])

    def show_paper(self, paper: Paper, bookmark: Bookmark | None, title: Span | None = None,
                   abstract: Span | None = None) -> None:
        same_paper = self.paper is not None and self.paper.key == paper.key
        self.paper = paper
        self.abstract_span = abstract or Span(latex_to_display(paper.abstract))
        self.current_match = None
        title_span = title or Span(latex_to_display(paper.title))
        self.query_one("#reader-title", Static).update(highlighted(title_span).stylize("bold"))
        self.show_meta(bookmark)
        self._set("reader-notice", Content.styled(SEARCH_LINK_NOTICE, "italic $warning")
                  if is_search_url(paper.url) else None)
        summary = latex_to_display(paper.ai_summary) if paper.ai_summary else ""
        self._set("reader-summary", Content.assemble(Content.styled("AI summary: ", "bold"), plain(summary))
                  if summary and summary.strip() != self.abstract_span.text.strip() else None)
        self._set("reader-abstract", highlighted(self.abstract_span))
        self._set("reader-keywords", Content.assemble(Content.styled("keywords: ", "dim"),
                                                      plain(", ".join(paper.keywords), "italic"))
                  if paper.keywords else None)
        links = distinct_links(paper)
        self.query_one(LinkList).show_links(links)
        self.query_one("#links-title").display = bool(links)
        if not same_paper:
            self.query_one(SimilarList).show_similar([])
            self.scroll_home(animate=False)

    def show_meta(self, bookmark: Bookmark | None) -> None:
        if self.paper is None:
            return
        paper = self.paper
        lines: list[Content] = []
        if paper.authors:
            more = f" and {len(paper.authors) - 8} more" if len(paper.authors) > 8 else ""
            lines.append(plain(", ".join(paper.authors[:8]) + more, "italic"))
        facts = [publication_label(paper.published), ", ".join(paper.categories[:3]), paper.organization or "",
                 f"▲ {paper.upvotes}" if paper.upvotes is not None else "",
                 f"★ {paper.github_stars} on GitHub" if paper.github_stars is not None else ""]
        if any(facts):
            lines.append(plain(" · ".join(f for f in facts if f)))
        parts: list[Content | str] = []
        if paper.pages:
            parts.append(Content("listed on ") + Content(", ").join(page_labels(paper)))
        if bookmark is not None:
            parts.append(Content.styled("★ bookmarked", "bold $warning"))
            if bookmark.tags:
                parts.append(Content("tags: ") + plain(", ".join(bookmark.tags), "italic"))
        if parts:
            lines.append(joined(parts))
        self._set("reader-meta", Content("\n").join(lines))
        self._set("reader-note", Content.assemble(Content.styled("note:\n", "dim"), paragraph(bookmark.note))
                  if bookmark is not None and bookmark.note else None)

    def pick_link(self, number: int) -> ShownLink | None:
        """Move to link ``number`` and focus the links, so **o** opens it and **y** copies it."""
        links = self.query_one(LinkList)
        link = links.pick(number)
        if link is not None:
            links.focus()
            links.scroll_visible(animate=False)
        return link

    def action_pick_link(self, number: int) -> None:
        link = self.pick_link(number)
        if link is None:
            self.notify(f"This paper has {len(self.query_one(LinkList).links)} links: no link {number}.",
                        severity="warning", markup=False)

    def show_similar(self, key: str, similar: list[SimilarPaper]) -> None:
        if self.paper is not None and self.paper.key == key:
            self.query_one(SimilarList).show_similar(similar)

    def jump_match(self, step: int) -> bool:
        """Move to the next (+1) or previous (-1) match in the abstract; False when there are none."""
        span = self.abstract_span
        if span is None or not span.matches:
            return False
        count = len(span.matches)
        self.current_match = (0 if step > 0 else count - 1) if self.current_match is None else \
            (self.current_match + step) % count
        abstract = self.query_one("#reader-abstract", Static)
        abstract.update(highlighted(span, current=self.current_match))
        width = max(10, abstract.content_region.width or self.size.width or 60)
        start = span.matches[self.current_match][0]
        line = len(textwrap.wrap(span.text[:start] + "x", width=width, break_long_words=True,
                                 drop_whitespace=True)) - 1
        self.scroll_to(y=max(0, abstract.virtual_region.y + line - 3), animate=False)
        return True
