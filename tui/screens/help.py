"""The ``?`` help screen: every key the main screen answers to, and the search syntax.

Why the keys come from the screen: they are read from the live bindings, so a key remapped in settings shows
as remapped; the keys that are not bindings of their own (enter, paging, ctrl+d) are listed with them.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ..widgets.keys import moving_keys

SYNTAX = [
    ("sparse attention", "both words (AND is the default)"),
    ("lora OR adapters", "either word"),
    ("pruning NOT language", "leave a word out"),
    ('"sparse fine-tuning"', "the exact phrase"),
    ("prun*", "words starting with prun"),
    ("title:pruning", "in the title only (also abstract:)"),
    ("author:hinton", 'an author (author:"yann lecun" for a full name)'),
    ("category:cs.cl", "an arXiv category"),
    ("year:2024", "a year (year:[2020 TO 2023] for a range)"),
    ("atention~", "words within one edit (~2: two)"),
]


class HelpScreen(ModalScreen[None]):
    """A modal listing keys and syntax; its own keys show in its footer."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close_help"),
        *moving_keys("help", page_up="pageup,ctrl+b,b"),  # nothing to bookmark here: b pages up as in less
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        rows = [Content.styled("Keys", "bold $accent")]
        rows += [Content.assemble(Content.styled(f"{key:>14}", "bold"), "  ", Content(text)) for key, text in self.keys]
        rows += [Content(""), Content.styled("Search syntax", "bold $accent")]
        rows += [Content.assemble(Content.styled(f"{example:>22}", "bold"), "  ", Content(text))
                 for example, text in SYNTAX]
        rows += [Content(""), Content.styled("j/k, space/b, g/G scroll this help; escape, q or ? closes it.", "dim")]
        with VerticalScroll(id="help-body"):
            yield Static(Content("\n").join(rows), id="help-text")
        yield Footer()

    def _body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def action_cursor_down(self) -> None:
        self._body().scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self._body().scroll_up(animate=False)

    def action_page_down(self) -> None:
        self._body().scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self._body().scroll_page_up(animate=False)

    def action_first(self) -> None:
        self._body().scroll_home(animate=False)

    def action_last(self) -> None:
        self._body().scroll_end(animate=False)
