"""The abstract reader: title, meta, every link, the abstract with matches marked, and similar papers.

Why matches are navigable (n/N): abstracts are long; the reader restyles the current match and scrolls to the
line it wraps onto, so a reader can hop from hit to hit without hunting.
"""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from paperdeck.index.bookmarks import Bookmark
from paperdeck.index.models import Paper, SimilarPaper, Span
from .render import highlighted, joined, listing_label, plain

LINK_LABELS = {"code": "code", "model": "model", "dataset": "dataset", "space": "space", "paper": "arXiv",
               "project": "page", "pdf": "pdf", "hf": "hf", "doi": "doi"}


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
            Option(Content.assemble(plain(s.paper.title), "\n",
                                    Content.styled("shares: ", "dim") + plain(", ".join(s.shared_terms) or "-", "dim italic")),
                   id=s.paper.key)
            for s in similar
        ])
        self.highlighted = 0 if similar else None


class Reader(VerticalScroll):
    """Shows one paper. Content is set by the screen; nothing here runs a search."""

    HELP = ("The paper's title, where it was listed, its links and abstract. **n**/**N** jump between matches, "
            "**s** loads similar papers, **y**/**c**/**m** copy links, **o** opens it in the browser.")

    def __init__(self) -> None:
        super().__init__(id="reader")
        self.paper: Paper | None = None
        self.abstract_span: Span | None = None
        self.current_match: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Select a paper and press enter to read it here."), id="reader-title")
        yield Static(id="reader-meta")
        yield Static(id="reader-links")
        yield Static(id="reader-abstract")
        yield Label("Similar papers", id="similar-title")
        yield SimilarList()

    def clear(self) -> None:
        """Nothing to read (no results): show the hint instead of a paper that is not in the list."""
        self.paper = None
        self.abstract_span = None
        self.current_match = None
        self.query_one("#reader-title", Static).update(Content("No paper selected."))
        for part in ("#reader-meta", "#reader-links", "#reader-abstract"):
            self.query_one(part, Static).update(Content(""))
        self.query_one(SimilarList).show_similar([])

    def show_paper(self, paper: Paper, bookmark: Bookmark | None, title: Span | None = None,
                   abstract: Span | None = None) -> None:
        from paperdeck.index.clean import latex_to_display

        same_paper = self.paper is not None and self.paper.key == paper.key
        self.paper = paper
        self.abstract_span = abstract or Span(latex_to_display(paper.abstract))
        self.current_match = None
        title_span = title or Span(latex_to_display(paper.title))
        self.query_one("#reader-title", Static).update(highlighted(title_span).stylize("bold"))
        self.show_meta(bookmark)
        links = [Content.assemble(Content.styled(f"{'open':>7} ", "dim"), plain(paper.url))]
        links += [Content.assemble(Content.styled(f"{LINK_LABELS.get(link.kind, link.kind):>7} ", "dim"),
                                   plain(link.url)) for link in paper.links]
        self.query_one("#reader-links", Static).update(Content("\n").join(links))
        self.query_one("#reader-abstract", Static).update(highlighted(self.abstract_span))
        if not same_paper:
            self.query_one(SimilarList).show_similar([])
            self.scroll_home(animate=False)

    def show_meta(self, bookmark: Bookmark | None) -> None:
        if self.paper is None:
            return
        paper = self.paper
        pages = [Content.assemble(plain(page.source), Content.styled(f" ({listing_label(page.listed or 'undated')})", "dim"))
                 for page in paper.pages]
        lines: list[Content] = []
        if paper.authors:
            more = f" and {len(paper.authors) - 8} more" if len(paper.authors) > 8 else ""
            lines.append(plain(", ".join(paper.authors[:8]) + more, "italic"))
        facts = [paper.published or "", ", ".join(paper.categories[:3]), paper.organization or "",
                 f"▲ {paper.upvotes}" if paper.upvotes is not None else "",
                 f"★ {paper.github_stars} on GitHub" if paper.github_stars is not None else ""]
        if any(facts):
            lines.append(plain(" · ".join(f for f in facts if f)))
        parts: list[Content | str] = [Content("listed on ") + Content(", ").join(pages)]
        if paper.code_urls:
            parts.append(Content.styled("code", "bold $success"))
        if bookmark is not None:
            parts.append(Content.styled("★ bookmarked", "bold $warning"))
            if bookmark.tags:
                parts.append(Content("tags: ") + plain(", ".join(bookmark.tags), "italic"))
        lines.append(joined(parts))
        if bookmark is not None and bookmark.note:
            lines.append(Content.styled("note: ", "dim") + plain(bookmark.note, "italic"))
        meta = Content("\n").join(lines)
        self.query_one("#reader-meta", Static).update(meta)

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
