"""The ``?`` help screen: every key the main screen answers to, and the search syntax."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

SYNTAX = [
    ("sparse attention", "both words (AND is the default)"),
    ("lora OR adapters", "either word"),
    ("pruning NOT language", "leave a word out"),
    ('"sparse fine-tuning"', "the exact phrase"),
    ("prun*", "words starting with prun"),
    ("title:pruning", "in the title only (also abstract:)"),
    ("atention~", "words within one edit"),
]


class HelpScreen(ModalScreen[None]):
    """A modal listing keys (from the live bindings, so remapped keys show as remapped) and syntax."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="close_help")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        rows = [Content.styled("Keys", "bold $accent")]
        rows += [Content.assemble(Content.styled(f"{key:>12}", "bold"), "  ", Content(text)) for key, text in self.keys]
        rows += [Content(""), Content.styled("Search syntax", "bold $accent")]
        rows += [Content.assemble(Content.styled(f"{example:>22}", "bold"), "  ", Content(text))
                 for example, text in SYNTAX]
        rows += [Content(""), Content.styled("Also: ctrl+p opens the command palette (export, rebuild, theme…). "
                                             "escape closes this help.", "dim")]
        with VerticalScroll(id="help-body"):
            yield Static(Content("\n").join(rows), id="help-text")
