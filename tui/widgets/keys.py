"""The one scheme of moving keys, as in less and vim, for every list or text that scrolls.

Why one function: "j/k, space/ctrl+b, g/G" must mean the same in the result list, the filter panes and the help
screen; each place binds the same actions (``cursor_down``, ``cursor_up``, ``page_down``, ``page_up``,
``first``, ``last``) and differs only where a key is taken (``space`` selects in a filter pane; ``b``
bookmarks on the main screen, so paging up is ``ctrl+b``).
"""

from __future__ import annotations

from textual.binding import Binding

PAGE_DOWN = "space,pagedown,ctrl+f"


def moving_keys(prefix: str, page_down: str = PAGE_DOWN, page_up: str = "pageup,ctrl+b") -> list[Binding]:
    """Hidden bindings (ids ``<prefix>_down`` …, remappable in settings) for the six moving actions."""
    return [
        Binding("down,j", "cursor_down", "Down", show=False, id=f"{prefix}_down"),
        Binding("up,k", "cursor_up", "Up", show=False, id=f"{prefix}_up"),
        Binding(page_down, "page_down", "Page down", show=False, id=f"{prefix}_page_down"),
        Binding(page_up, "page_up", "Page up", show=False, id=f"{prefix}_page_up"),
        Binding("home,g", "first", "First", show=False, id=f"{prefix}_first"),
        Binding("end,G", "last", "Last", show=False, id=f"{prefix}_last"),
    ]
