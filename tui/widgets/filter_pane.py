"""Filter panes: one multi-select list per facet with live counts, and a labelled timeline of listing dates.

Why rebuild the options on every search: counts change with the query; the selection is re-applied from the
session's filter set, so the panes never hold state of their own that could drift from the search. A facet is
data (a name, a title, value labels, whether it is long enough to narrow by typing): adding one to ``FACETS``
in the engine and a title here is all a new pane needs.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, SelectionList, Sparkline
from textual.widgets.selection_list import Selection

from paperdeck.index import FACETS
from .keys import moving_keys
from .render import listing_label, plain

FACET_TITLES = {
    "source": "Source page",
    "listed": "Listing date",
    "has_code": "Code",
    "host": "Link host",
    "bookmarked": "Bookmarked",
    "state": "Reading",
    "tag": "Tag",
    "author": "Author",
    "category": "Primary category",
    "year": "Year",
    "upvotes": "Upvotes",
    "organization": "Organisation",
}
VALUE_LABELS = {
    "has_code": {"yes": "has code", "no": "no code"},
    "bookmarked": {"yes": "bookmarked", "no": "not bookmarked"},
    "state": {"new": "new since last session", "unread": "unread", "read": "read", "dismissed": "not interested"},
    "upvotes": {"100+": "100+ upvotes", "50-99": "50-99 upvotes", "10-49": "10-49 upvotes", "1-9": "1-9 upvotes",
                "0": "no upvotes"},
}
NARROWABLE = {"author", "organization"}  # long facets: a box above them narrows the values as you type
MAX_VALUES = 40  # a facet with more values shows the most frequent ones (selected ones always stay)


def short_source(name: str) -> str:
    """``000_60c9915acdce8430.txt`` -> ``000_60c9…``: enough to tell pages apart, short enough for the pane."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem if len(stem) <= 12 else stem[:8] + "…"


def value_label(facet: str, value: str, sources: dict[str, str] | None = None) -> str:
    """What a user reads for a facet value; ``sources`` maps page files to labels with their listing date."""
    if facet == "listed":
        return listing_label(value)
    if facet == "source":
        return (sources or {}).get(value) or short_source(value)
    return VALUE_LABELS.get(facet, {}).get(value, value)


class FacetList(SelectionList[str]):
    """The values of one facet with their counts. Space/enter toggles, x clears this facet."""

    BINDINGS = [
        *moving_keys("facet", page_down="pagedown,ctrl+f"),  # space selects here
        Binding("x", "clear_facet", "Clear facet", id="clear_facet", tooltip="Clear this facet's filter"),
        Binding("minus", "exclude_value", "Exclude", id="exclude_value", tooltip="Leave this value out (again: undo)"),
    ]
    HELP = "Space or enter selects a value; several values of one facet are ORed. **x** clears this facet."

    class Cleared(Message):
        def __init__(self, facet: str) -> None:
            super().__init__()
            self.facet = facet

    def __init__(self, facet: str, sources: dict[str, str]) -> None:
        super().__init__(id=f"facet-{facet}", classes="facet")
        self.facet = facet
        self.sources = sources  # shared with the panes: page file -> label
        self.border_title = FACET_TITLES.get(facet, facet)
        self.narrowed = ""  # typed into the narrowing box: only values containing it are listed
        self._counts: tuple[tuple[str, int], ...] = ()
        self._chosen: set[str] = set()
        self._shown: tuple[tuple[tuple[str, int], ...], frozenset[str]] | None = None

    def relabel(self) -> None:
        self._shown = None
        self.show_counts(self._counts, self._chosen)

    def narrow(self, text: str) -> None:
        self.narrowed = text.casefold().strip()
        self.show_counts(self._counts, self._chosen)

    def show_counts(self, counts: tuple[tuple[str, int], ...], selected: set[str]) -> None:
        """Replace the options in one go, keeping the cursor where it was; nothing to do if nothing changed
        (re-laying out ten lists on every keystroke was a visible part of the keystroke-to-paint time)."""
        self._counts, self._chosen = counts, set(selected)
        position = {value: n for n, (value, _) in enumerate(counts)}
        wanted = [pair for pair in counts if pair[0] not in selected
                  and self.narrowed in value_label(self.facet, pair[0], self.sources).casefold()]
        shown = [pair for pair in counts if pair[0] in selected] + wanted[:MAX_VALUES]
        shown.sort(key=lambda pair: position[pair[0]])
        state = (tuple(shown), frozenset(selected))
        if state == self._shown:
            return
        self._shown = state
        highlighted = self.highlighted
        with self.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled):
            self.clear_options()
            self.add_options([
                Selection(Content.styled(f"{count:>4} ", "dim") + plain(value_label(self.facet, value, self.sources)),
                          value, value in selected)
                for value, count in shown
            ])
            if self.option_count:
                self.highlighted = min(highlighted or 0, self.option_count - 1)
        self.display = bool(shown) or bool(self.narrowed)
        hidden = len(counts) - len(shown)
        self.border_subtitle = f"{hidden} more: type above" if hidden > 0 and self.facet in NARROWABLE else ""

    def action_clear_facet(self) -> None:
        self.post_message(self.Cleared(self.facet))

    class Excluded(Message):
        """``-`` on a value: the screen leaves it out of the results (or takes it back)."""

        def __init__(self, facet: str, value: str) -> None:
            super().__init__()
            self.facet = facet
            self.value = value

    def action_exclude_value(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Excluded(self.facet, str(self.get_option_at_index(self.highlighted).value)))


class Timeline(VerticalScroll):
    """Papers per listing date as a sparkline, labelled with its first and last date; empty when none match."""

    def compose(self) -> ComposeResult:
        yield Label("Timeline", classes="pane-title", id="timeline-title")
        yield Sparkline([], id="timeline")
        with Horizontal(id="timeline-axis"):
            yield Label(id="timeline-start")
            yield Label(id="timeline-end")

    def show(self, listed: tuple[tuple[str, int], ...]) -> None:
        dated = sorted((value, count) for value, count in listed if value != "undated")
        data = [count for _, count in dated]
        sparkline = self.query_one("#timeline", Sparkline)
        if sparkline.data != data:
            sparkline.data = data
        sparkline.display = self.query_one("#timeline-axis").display = bool(data)
        title = "Timeline" if data else "Timeline: no dated papers match"
        self.query_one("#timeline-title", Label).update(Content(title))
        if data:
            self.query_one("#timeline-start", Label).update(Content(listing_label(dated[0][0])))
            self.query_one("#timeline-end", Label).update(Content(listing_label(dated[-1][0])))


class FilterPanes(VerticalScroll):
    """All facet lists plus the timeline; posts ``FacetList`` messages up to the screen."""

    HELP = "Filter the results: each pane is one facet with live counts. **f** comes here, **X** clears all."

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sources: dict[str, str] = {}  # page file -> "Aug 1 · 000_60c9…", once the library has said

    def compose(self) -> ComposeResult:
        yield Timeline(id="timeline-pane")
        for facet in FACETS:
            if facet in NARROWABLE:
                yield Input(placeholder=f"type to narrow {FACET_TITLES.get(facet, facet).lower()}s",
                            id=f"narrow-{facet}", classes="narrow-facet")
            yield FacetList(facet, self.sources)

    def show(self, facets: dict[str, tuple[tuple[str, int], ...]], selected: dict[str, set[str]]) -> None:
        for facet in FACETS:
            self.query_one(f"#facet-{facet}", FacetList).show_counts(facets.get(facet, ()), selected.get(facet, set()))
            if facet in NARROWABLE:
                box = self.query_one(f"#narrow-{facet}", Input)
                box.display = len(facets.get(facet, ())) > 8 or bool(box.value)
        self.query_one(Timeline).show(facets.get("listed", ()))

    def label_sources(self, labels: dict[str, str]) -> None:
        """Page files get their listing date as a label (known only once the library answered for each)."""
        self.sources.update(labels)
        self.query_one("#facet-source", FacetList).relabel()

    @on(Input.Changed, ".narrow-facet")
    def narrow_facet(self, event: Input.Changed) -> None:
        event.stop()  # not the search box's change
        facet = (event.input.id or "").removeprefix("narrow-")
        self.query_one(f"#facet-{facet}", FacetList).narrow(event.value)

    def first_list(self) -> FacetList | None:
        for facet_list in self.query(FacetList):
            if facet_list.display:
                return facet_list
        return None
