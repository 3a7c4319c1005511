"""Exporting what a search finds from the palette: the current result list, or any watch's papers, in every
export format (BibTeX, RIS, CSL-JSON, Markdown, CSV, JSON).

Why through the bookmarks' export dialog: the same rules hold for every file the app writes for the user: a
known default folder (``<data>/exports/``), never a silent overwrite (a second confirmation for an existing
file), the full path in the notice. The engine's ``export_search`` finds every paper (not only the rows loaded
on screen) and writes bookmarked papers with their tags and notes, exactly as ``paperdeck watch export`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.markup import escape

from paperdeck.index import plural
from paperdeck.index import export_search, write_export
from paperdeck.index import SearchRequest
from paperdeck.index import Watch
from .export import ExportScreen

if TYPE_CHECKING:
    from .main import MainScreen


def file_stem(name: str) -> str:
    """A watch's name as part of a file name: lower-case letters, digits and dashes only (a name may hold
    slashes, dots or controls, none of which belongs in a path)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "watch"


def export_commands(main: MainScreen) -> Iterable[SystemCommand]:
    """The palette entries: the result list, then one per watch (the watch file is small and read from cache)."""
    yield SystemCommand("Export the result list…", "Every paper the current search lists, as BibTeX, RIS, CSL-JSON, "
                        "Markdown, CSV or JSON", lambda: export_found(main, main.session.request(),
                                                                      "the result list", "paperdeck-results"))
    for watch in main.watches.all():
        yield SystemCommand(escape(f"Export watch: {watch.name}…"),
                            escape(f"Every paper the watch finds ({watch.query or 'everything'})"),
                            lambda watch=watch: export_watch(main, watch))


def export_watch(main: MainScreen, watch: Watch) -> None:
    export_found(main, watch.request(), f"watch {watch.name}", f"paperdeck-watch-{file_stem(watch.name)}")


def export_found(main: MainScreen, request: SearchRequest, what: str, stem: str) -> None:
    """Open the export dialog for everything ``request`` finds; the dialog's worker searches and writes."""
    library = main.library
    if library is None:
        main.notify("The library is not open yet.", markup=False)
        return

    def write(fmt: str, path: Path, overwrite: bool) -> tuple[Path, int]:
        text, count = export_search(library, request, main.bookmarks, main.user_facets(), fmt)
        return write_export(text, path, overwrite), count

    def written(result: tuple[Path, int] | None) -> None:
        if result is not None:
            path, count = result
            main.notify(f"Exported {plural(count, 'paper')} ({what}) to {path}", markup=False)
    main.app.push_screen(ExportScreen(write, what=what, stem=stem), written)
