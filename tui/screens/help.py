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
        Binding("j,down", "scroll('down')", "Down", show=False, id="help_down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help_up"),
        Binding("space,pagedown,ctrl+f", "scroll('page_down')", "Page down", show=False, id="help_page_down"),
        Binding("pageup,ctrl+b,b", "scroll('page_up')", "Page up", show=False, id="help_page_up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help_top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help_bottom"),
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

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        {"down": body.scroll_down, "up": body.scroll_up, "page_down": body.scroll_page_down,
         "page_up": body.scroll_page_up, "home": body.scroll_home, "end": body.scroll_end}[where](animate=False)
