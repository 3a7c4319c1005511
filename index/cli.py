"""The headless command line: a thin layer that parses arguments and calls the library.

Why thin: everything a command does must also be reachable from Python and from the app, so the logic lives in
``library``/``bookmarks``/``export``; this module only turns arguments into calls and results into text or
JSON. Every user mistake becomes one line on stderr and exit status 2 (1 for "not found" and "busy"), never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from .bookmarks import BookmarksBusy, BookmarkStore
from .clean import one_line
from .cli_bookmarks import BookmarkCommandError, add_bookmarks_parser, run_bookmarks_command
from .cli_fetch import add_fetch_parser, cmd_fetch
from .library import Library, LibraryBusy, UnknownSource
from .models import FACETS, SORT_ORDERS, SearchRequest

Interactive = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A mistake in how the command was called: exit 2 with one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        raise UsageError(f"{message} (see: {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="paperdeck", description="Browse and search saved Daily Papers pages. "
                     "With no command, opens the app.")
    parser.add_argument("--version", action="version", version="paperdeck 0.1.0")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    add = sub.add_parser("add", help="add files or folders (recursively) to the library")
    add.add_argument("paths", nargs="+")
    add.add_argument("--year", type=int, help="year of the listing dates in these pages (they only show month/day)")
    add.add_argument("--json", action="store_true")

    search = sub.add_parser("search", help="search the library")
    search.add_argument("query", nargs="*", help="Whoosh syntax: AND OR NOT \"phrase\" prefix* title: fuzzy~")
    search.add_argument("--limit", type=_positive, default=10)
    search.add_argument("--page", type=_positive, default=1)
    search.add_argument("--sort", choices=SORT_ORDERS, default="relevance")
    search.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE",
                        help=f"facet filter, repeatable; fields: {', '.join(FACETS)}")
    search.add_argument("--facets", action="store_true", help="print facet counts (text mode)")
    search.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="show one paper")
    show.add_argument("key")
    show.add_argument("--json", action="store_true")

    similar = sub.add_parser("similar", help="papers like this one, with the terms they share")
    similar.add_argument("key")
    similar.add_argument("--limit", type=_positive, default=10)
    similar.add_argument("--json", action="store_true")

    stats = sub.add_parser("stats", help="library size, sources and where data lives")
    stats.add_argument("--json", action="store_true")

    sub.add_parser("rebuild", help="rebuild the index from the recorded sources")
    remove = sub.add_parser("remove", help="remove a source (papers seen elsewhere stay)")
    remove.add_argument("source", help="path, file name or id as shown by 'paperdeck stats'")

    add_bookmarks_parser(sub)
    add_fetch_parser(sub)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: Sequence[str] | None = None, interactive: Interactive | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            if interactive is None:
                raise UsageError("the app is not available here; try: paperdeck search QUERY")
            return interactive(args)
        return COMMANDS[args.command](args)
    except UsageError as err:
        _err(f"paperdeck: error: {err}")
        return 2
    except UnknownSource as err:
        _err(f"paperdeck: {err.args[0]}")
        return 2
    except (LibraryBusy, BookmarksBusy) as err:
        _err(f"paperdeck: {err}")
        return 1
    except KeyboardInterrupt:
        _err("paperdeck: interrupted")
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error; keep Python quiet at exit too
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as err:  # read-only data directory, disk full: nothing was changed, say what failed
        where = f" ({err.filename})" if err.filename else ""
        _err(f"paperdeck: {err.strerror or err}{where}; nothing was changed")
        return 1


def _err(line: str) -> None:
    print(line, file=sys.stderr)


def _out_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _open_library(show_progress: bool = True) -> Library:
    progress = _ProgressBar() if show_progress and sys.stderr.isatty() else None
    try:
        library = Library(progress=progress.update if progress else None)
    finally:
        if progress:
            progress.stop()
    for message in library.messages:
        _err(f"paperdeck: {message}")
    library.messages.clear()
    return library


class _ProgressBar:
    """A rich progress bar on stderr, started lazily so quick commands print nothing."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def update(self, done: int, total: int, label: str) -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("indexing", total=total)
        self._progress.update(self._task, completed=done, total=total, description=one_line(label)[:40])

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def _parse_filters(items: list[str]) -> tuple[tuple[str, str], ...]:
    filters = []
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not value:
            raise UsageError(f"--filter expects FIELD=VALUE, got {item!r}")
        if field not in FACETS:
            raise UsageError(f"unknown filter field {field!r}: use one of {', '.join(FACETS)}")
        filters.append((field, value))
    return tuple(filters)


def cmd_search(args: argparse.Namespace) -> int:
    request = SearchRequest(query=" ".join(args.query), filters=_parse_filters(args.filter), sort=args.sort,
                            page=args.page, page_size=args.limit, with_facets=args.facets)
    bookmarks = BookmarkStore()
    with _open_library() as library:
        results = library.search(request, bookmarks=library.resolve_keys(bookmarks.keys()))
    for note in results.notes:
        _err(f"note: {note}")
    if results.suggestion:
        _err(f"did you mean: {results.suggestion}")
    if args.json:
        _out_json([hit.to_json() for hit in results.hits])
        return 0
    print(f"{results.total} papers ({results.elapsed_ms:.0f} ms)")
    for hit in results.hits:
        paper = hit.paper
        mark = "*" if hit.bookmarked else " "
        print(f"{hit.rank:>3}.{mark}{one_line(paper.title)}")
        meta = [paper.url, f"score {hit.score:.2f}"]
        if paper.code_urls:
            meta.append(f"code {paper.code_urls[0]}")
        print("      " + "  ".join(meta))
        print(f"      key {paper.key}")
    if args.facets:
        for facet, values in results.facets.items():
            print(f"{facet}: " + ", ".join(f"{one_line(v)} ({n})" for v, n in values))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _open_library() as library:
        paper = library.get(args.key)
        bookmark = paper and BookmarkStore().find(paper.key, library.resolve_keys)
    if paper is None:
        _err(f"paperdeck: no paper with key {args.key!r} (keys are shown by: paperdeck search)")
        return 1
    data = paper.to_dict()
    data["bookmarked"] = bookmark is not None
    if args.json:
        _out_json(data)
        return 0
    print(one_line(paper.title))
    if paper.authors:
        print(one_line(", ".join(paper.authors)))
    facts = [paper.published, ", ".join(paper.categories), paper.organization, paper.doi and f"doi {paper.doi}",
             paper.upvotes is not None and f"{paper.upvotes} upvotes"]
    if any(facts):
        print(one_line(" · ".join(str(f) for f in facts if f)))
    print(paper.url)
    for page in paper.pages:
        print(f"  listed {page.listed or 'undated'} on {one_line(page.source)}")
    for link in paper.links:
        print(f"  {link.kind}: {link.url}")
    print()
    print(one_line(paper.abstract))
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    with _open_library() as library:
        if library.get(args.key) is None:
            _err(f"paperdeck: no paper with key {args.key!r}")
            return 1
        similar = library.similar(args.key, limit=args.limit)
    if args.json:
        _out_json([{**s.paper.to_dict(), "score": round(s.score, 4), "shared_terms": list(s.shared_terms)}
                   for s in similar])
        return 0
    for s in similar:
        print(f"{s.score:6.2f}  {one_line(s.paper.title)}")
        print(f"        shares: {', '.join(s.shared_terms) or '-'}   key {s.paper.key}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _open_library() as library:
        stats = library.stats()
        entries = list(library.manifest.sources.values())
    data = {
        "papers": stats.papers,
        "sources": stats.sources,
        "source_list": [{"id": e.id, "name": e.name, "papers": e.papers, "year": e.year,
                         "warnings": len(e.warnings)} for e in entries],
        "index_docs": stats.index_docs,
        "with_code": stats.with_code,
        "bookmarks": len(BookmarkStore()),
        "locations": stats.locations,
    }
    if args.json:
        _out_json(data)
        return 0
    print(f"{stats.papers} papers from {stats.sources} sources ({stats.with_code} with code), "
          f"{data['bookmarks']} bookmarks")
    for e in entries:
        print(f"  {e.papers:>5}  {e.id}")
    for name, path in stats.locations.items():
        print(f"{name:>10}: {path}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with _open_library() as library:
        progress = _ProgressBar() if sys.stderr.isatty() else None
        library.progress = progress.update if progress else None
        try:
            reports = library.add(args.paths, year=args.year)
        finally:
            if progress:
                progress.stop()
        total = library.stats().papers
    if args.json:
        _out_json([{"source": r.source, "status": r.status, "papers": r.papers, "new_papers": r.new_papers,
                    "reason": r.reason, "warnings": list(r.warnings)} for r in reports])
    else:
        for r in reports:
            detail = f"{r.papers} papers, {r.new_papers} new" if r.status in ("added", "updated") else r.reason
            if r.status == "unchanged":
                detail = f"{r.papers} papers, already indexed"
            print(f"{r.status:>9}  {one_line(r.source)}  ({detail})")
            for warning in r.warnings:
                print(f"           warning: {one_line(warning)}")
        print(f"library: {total} papers")
    return 1 if reports and all(r.status == "skipped" for r in reports) else 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    with _open_library() as library:
        problems = library.rebuild()
        stats = library.stats()
    for problem in problems:
        _err(f"paperdeck: {problem}")
    print(f"rebuilt: {stats.papers} papers from {stats.sources} sources")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _open_library() as library:
        report = library.remove(args.source)
    print(f"removed {report.source}: {report.reason}")
    return 0


def cmd_bookmarks(args: argparse.Namespace) -> int:
    try:
        return run_bookmarks_command(args, _open_library)
    except BookmarkCommandError as err:
        raise UsageError(str(err)) from None


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add": cmd_add, "search": cmd_search, "show": cmd_show, "similar": cmd_similar, "stats": cmd_stats,
    "rebuild": cmd_rebuild, "remove": cmd_remove, "bookmarks": cmd_bookmarks, "fetch": cmd_fetch,
}


if __name__ == "__main__":
    sys.exit(main())
