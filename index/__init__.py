"""paperdeck's engine: sources in, search results out, with no Textual and no TUI import (``lint-imports``).

The names in ``__all__`` are its public API, what the app and the CLI may use; everything else (the Whoosh
schema, the codec, the numpy evaluator, the record store) may change without notice. Names are imported on
first use (PEP 562), so ``import paperdeck.index`` stays cheap: the app draws its first frame before Whoosh and
numpy load.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_PUBLIC: dict[str, tuple[str, ...]] = {
    ".library": ("Library", "LibraryBusy", "UnknownSource"),
    ".models": ("FACETS", "SORT_ORDERS", "Hit", "LibraryStats", "Paper", "SearchRequest", "SearchResults",
                "SimilarPaper", "SourceReport", "Span"),
    ".bookmarks": ("Bookmark", "BookmarkStore", "clean_tags"),
    ".export": ("FORMATS", "export_bookmarks", "markdown_link"),
    ".durable": ("load_json_recovering", "save_json_with_backup"),
    ".clean": ("latex_to_display", "one_line", "strip_control"),
}
_MODULES = ("locations",)
_WHERE = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = sorted([*_WHERE, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_module(f".{name}", __name__)
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors; at run time the names load on first use
    from . import locations
    from .bookmarks import Bookmark, BookmarkStore, clean_tags
    from .clean import latex_to_display, one_line, strip_control
    from .durable import load_json_recovering, save_json_with_backup
    from .export import FORMATS, export_bookmarks, markdown_link
    from .library import Library, LibraryBusy, UnknownSource
    from .models import (FACETS, SORT_ORDERS, Hit, LibraryStats, Paper, SearchRequest, SearchResults, SimilarPaper,
                         SourceReport, Span)
