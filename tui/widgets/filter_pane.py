"""Filter panes: one multi-select list per facet with live counts, and a timeline of listing dates.

Why rebuild the options on every search: counts change with the query; the selection is re-applied from the
screen's filter set, so the panes never hold state of their own that could drift from the search.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, SelectionList, Sparkline
from textual.widgets.selection_list import Selection

from paperdeck.index.models import FACETS
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
MAX_VALUES = 40  # a facet with more values shows the most frequent ones (selected ones always stay)


def value_label(facet: str, value: str) -> str:
    if facet == "listed":
        return listing_label(value)
    return VALUE_LABELS.get(facet, {}).get(value, value)


class FacetList(SelectionList[str]):
    """The values of one facet with their counts. Space/enter toggles, x clears this facet."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="facet_down"),
        Binding("k", "cursor_up", "Up", show=False, id="facet_up"),
        Binding("x", "clear_facet", "Clear facet", id="clear_facet", tooltip="Clear this facet's filter"),
        Binding("minus", "exclude_value", "Exclude", id="exclude_value", tooltip="Leave this value out (again: undo)"),
    ]
    HELP = "Space or enter selects a value; several values of one facet are ORed. **x** clears this facet."

    class Cleared(Message):
        def __init__(self, facet: str) -> None:
            super().__init__()
            self.facet = facet

    def __init__(self, facet: str) -> None:
        super().__init__(id=f"facet-{facet}", classes="facet")
        self.facet = facet
        self.border_title = FACET_TITLES[facet]
        self._shown: tuple[tuple[tuple[str, int], ...], frozenset[str]] | None = None

    def show_counts(self, counts: tuple[tuple[str, int], ...], selected: set[str]) -> None:
        """Replace the options in one go, keeping the cursor where it was; nothing to do if nothing changed
        (re-laying out ten lists on every keystroke was a visible part of the keystroke-to-paint time)."""
        position = {value: n for n, (value, _) in enumerate(counts)}
        shown = [pair for pair in counts if pair[0] in selected] + \
                [pair for pair in counts if pair[0] not in selected][:MAX_VALUES]
        shown.sort(key=lambda pair: position[pair[0]])
        state = (tuple(shown), frozenset(selected))
        if state == self._shown:
            return
        self._shown = state
        highlighted = self.highlighted
        with self.prevent(SelectionList.SelectedChanged, SelectionList.SelectionToggled):
            self.clear_options()
            self.add_options([
                Selection(Content.styled(f"{count:>4} ", "dim") + plain(value_label(self.facet, value)),
                          value, value in selected)
                for value, count in shown
            ])
            if self.option_count:
                self.highlighted = min(highlighted or 0, self.option_count - 1)
        self.display = bool(shown)

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


class FilterPanes(VerticalScroll):
    """All facet lists plus the timeline; posts ``FacetList`` messages up to the screen."""

    HELP = "Filter the results: each pane is one facet with live counts. **f** comes here, **X** clears all."

    def compose(self) -> ComposeResult:
        yield Label("Timeline", classes="pane-title")
        yield Sparkline([], id="timeline")
        for facet in FACETS:
            yield FacetList(facet)

    def show(self, facets: dict[str, tuple[tuple[str, int], ...]], selected: dict[str, set[str]]) -> None:
        for facet in FACETS:
            self.query_one(f"#facet-{facet}", FacetList).show_counts(facets.get(facet, ()), selected.get(facet, set()))
        dated = sorted((value, count) for value, count in facets.get("listed", ()) if value != "undated")
        timeline = self.query_one("#timeline", Sparkline)
        data = [count for _, count in dated] or [0]
        if timeline.data != data:
            timeline.data = data

    def first_list(self) -> FacetList | None:
        for facet_list in self.query(FacetList):
            if facet_list.display:
                return facet_list
        return None
