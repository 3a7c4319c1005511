"""The ``?`` help screen: every key, place by place, and the search syntax with every field the parser knows.

Why the keys are read from the bindings (the screen's, the widgets', the dialogs'): a help text written by hand
drifts from the code (``tag:``, ``enter`` and ``ctrl+d`` were once missing), and a key remapped in settings
must show as remapped. The few keys that are not bindings of their own (``ctrl+p``, ``tab``, ``space`` in a
filter pane, ``ctrl+q``) are listed with them. ``tests/test_help_keys.py`` checks that every binding is here
and in the README's key tables, and every query field here and in the README's syntax table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from paperdeck.index import USER_FIELDS
from paperdeck.index import QUERY_FIELDS
from ..widgets.filter_pane import FacetList
from ..widgets.keys import moving_keys
from ..widgets.reader import LinkList, Reader, SimilarList
from ..widgets.result_list import ResultList
from .bookmarks import BookmarksScreen
from .tags_note import TagsNoteScreen
from .trending import TrendingScreen
from .watches import WatchesScreen

# One example per query field (``QUERY_FIELDS`` and ``USER_FIELDS``), then the operators.
FIELD_SYNTAX = {
    "title": ("title:pruning", "in the title only"),
    "abstract": ("abstract:lora", "in the abstract only"),
    "author": ("author:hinton", 'an author (author:"yann lecun" for a full name)'),
    "category": ("category:cs.cl", "an arXiv category"),
    "year": ("year:2024", "a year (year:[2020 TO 2023] for a range)"),
    "tag": ("tag:to-read", 'one of your tags (tag:"to read"; NOT tag:done or -tag:done leaves it out)'),
}
SYNTAX = [
    ("sparse attention", "both words (AND is the default)"),
    ("lora OR adapters", "either word"),
    ("pruning NOT language", "leave a word out"),
    ('"sparse fine-tuning"', "the exact phrase"),
    ("prun*", "words starting with prun"),
    ("atention~", "words within one edit (~2: two)"),
    *(FIELD_SYNTAX[name] for name in (*QUERY_FIELDS, *USER_FIELDS)),
]

# Key names as the README and the footer's users read them.
KEY_NAMES = {"question_mark": "?", "slash": "/", "minus": "-", "pagedown": "pgdn", "pageup": "pgup",
             "apostrophe": "'"}

# Keys that are not bindings of their own, per place.
EXTRA_KEYS: dict[str, list[tuple[str, str]]] = {
    "Everywhere": [("ctrl+p", "command palette (every action, export, add files, theme)"),
                   ("ctrl+q", "quit, even from the search box"), ("tab", "next pane")],
    "Main screen": [("enter", "in the search box: go to the list")],
    "Filter panes": [("space", "select a value (several values of one facet OR together)")],
    "Similar papers": [("enter", "open that paper in the reader")],
}


def key_name(key: str) -> str:
    """``question_mark`` -> ``?``; other keys as Textual names them (``ctrl+d``, ``G``, ``enter``)."""
    return KEY_NAMES.get(key.strip(), key.strip())


def binding_rows(bindings: Iterable[Binding | tuple[str, ...]], keymap: Mapping[str, str]) -> list[tuple[str, str]]:
    """One (keys, what) row per action, keys as remapped in ``keymap`` (binding id -> keys); the numbered link
    keys are one row."""
    rows: dict[str, list[str]] = {}
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
        text = binding.tooltip or binding.description
        if binding.action.startswith("pick_link("):
            text = "move to link N (then o or enter opens it, y copies it)"
        rows.setdefault(text, []).extend(key_name(k) for k in keys.split(","))
    return [(", ".join(collapse_digits(list(dict.fromkeys(keys)))), text) for text, keys in rows.items()]


def collapse_digits(keys: list[str]) -> list[str]:
    """``1, 2, … 9`` as one ``1…9``."""
    digits = [k for k in keys if len(k) == 1 and k.isdigit()]
    if len(digits) < 3:
        return keys
    return [f"{digits[0]}…{digits[-1]}", *(k for k in keys if k not in digits)]


# Where the focus is, and the class whose bindings answer there.
PLACES = [("Result list", ResultList), ("Reader (enter from the list; z zooms)", Reader),
          ("Reader links", LinkList), ("Similar papers", SimilarList), ("Filter panes", FacetList),
          ("Tags/note dialog (t)", TagsNoteScreen), ("Bookmarks view (v)", BookmarksScreen),
          ("Watches pane (W)", WatchesScreen), ("Trending pane (T)", TrendingScreen)]


def help_sections(app_bindings: Iterable[Binding | tuple[str, ...]], screen_bindings: Iterable[Binding | tuple[str, ...]],
                  keymap: Mapping[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key, place by place: the app's (work everywhere), the main screen's, then each widget's."""
    sections = [("Everywhere", binding_rows(app_bindings, keymap)),
                ("Main screen", binding_rows(screen_bindings, keymap))]
    sections += [(place, binding_rows(owner.BINDINGS, keymap)) for place, owner in PLACES]
    return [(place, rows + EXTRA_KEYS.get(place, [])) for place, rows in sections]


class HelpScreen(ModalScreen[None]):
    """A modal listing keys and syntax; its own keys show in its footer."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close_help"),
        *moving_keys("help", page_up="pageup,ctrl+b,b"),  # nothing to bookmark here: b pages up as in less
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        """Two columns (keys, what they do) in a grid, so a long description wraps under itself, not under the
        keys; a plain-text copy of everything (``#help-text``, hidden) is what tests and screen readers read."""
        with VerticalScroll(id="help-body"):
            with Grid(classes="help-grid"):
                for place, keys in self.sections:
                    yield Static(Content.styled(place, "bold $accent"), classes="help-place")
                    for key, text in keys:
                        yield Static(Content.styled(key, "bold"), classes="help-key")
                        yield Static(Content(text), classes="help-what")
                yield Static(Content.styled("Search syntax", "bold $accent"), classes="help-place")
                for example, text in SYNTAX:
                    yield Static(Content.styled(example, "bold"), classes="help-key")
                    yield Static(Content(text), classes="help-what")
            yield Static(Content.styled("j/k, space/b, g/G scroll this help; escape, q or ? closes it.", "dim"),
                         classes="help-place")
            yield Static(self.plain_text(), id="help-text")
        yield Footer()

    def plain_text(self) -> Content:
        rows = [f"{place}\n" + "\n".join(f"{key}  {text}" for key, text in keys) for place, keys in self.sections]
        rows.append("Search syntax\n" + "\n".join(f"{example}  {text}" for example, text in SYNTAX))
        return Content("\n\n".join(rows))

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
