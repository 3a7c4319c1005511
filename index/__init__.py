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
                "SimilarPaper", "SortOrder", "SourceReport", "Span"),
    ".query": ("SearchCancelled", "USER_FIELDS"),
    ".schema": ("QUERY_FIELDS",),
    ".search": ("UserFacets",),
    ".bookmarks": ("Bookmark", "BookmarkStore", "clean_tags"),
    ".drafts": ("DraftStore",),
    ".readstate": ("ReadState", "Undo"),
    ".session": ("Session", "SessionStore"),
    ".watches": ("Watch", "WatchStore"),
    ".userfacets": ("user_facets",),
    ".userfile": ("utc_stamp",),
    ".trending": ("ranking",),
    ".export": ("EXTENSIONS", "FORMATS", "default_export_path", "every_hit", "export_bookmarks", "export_search",
                "markdown_link", "write_export"),
    ".fetch": ("Downloader", "FetchBusy", "FetchRun", "PeriodResult", "fetch_hf", "fetching", "hf_endpoint",
               "missing_days"),
    ".fetch.hf": ("hf_base",),
    ".links": ("is_search_url",),
    ".safety": ("clipboard_text", "safe_url"),
    ".durable": ("load_json_recovering", "save_json_with_backup"),
    ".clean": ("latex_to_display", "one_line", "plural", "strip_control"),
    ".cli": ("run_cli:main",),  # public name : the module's name for it
}
_MODULES = ("locations",)
_WHERE = {entry.partition(":")[0]: (module, entry.partition(":")[2] or entry.partition(":")[0])
          for module, entries in _PUBLIC.items() for entry in entries}

__all__ = sorted([*_WHERE, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return import_module(f".{name}", __name__)
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = where
    value = getattr(import_module(module, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors; at run time the names load on first use
    from . import locations
    from .bookmarks import Bookmark, BookmarkStore, clean_tags
    from .clean import latex_to_display, one_line, plural, strip_control
    from .cli import main as run_cli
    from .drafts import DraftStore
    from .durable import load_json_recovering, save_json_with_backup
    from .export import (EXTENSIONS, FORMATS, default_export_path, every_hit, export_bookmarks, export_search,
        markdown_link, write_export)
    from .fetch import Downloader, FetchBusy, FetchRun, PeriodResult, fetch_hf, fetching, hf_endpoint, missing_days
    from .fetch.hf import hf_base
    from .library import Library, LibraryBusy, UnknownSource
    from .links import is_search_url
    from .models import (FACETS, SORT_ORDERS, Hit, LibraryStats, Paper, SearchRequest, SearchResults, SimilarPaper,
        SortOrder, SourceReport, Span)
    from .query import SearchCancelled, USER_FIELDS
    from .readstate import ReadState, Undo
    from .safety import clipboard_text, safe_url
    from .schema import QUERY_FIELDS
    from .search import UserFacets
    from .session import Session, SessionStore
    from .trending import ranking
    from .userfacets import user_facets
    from .userfile import utc_stamp
    from .watches import Watch, WatchStore
