"""The headless command line: a thin layer that parses arguments and calls the library.

Why thin: everything a command does must also be reachable from Python and from the app, so the logic lives in
``library``/``bookmarks``/``export``; this module only turns arguments into calls and results into text or
JSON. Every user mistake becomes one line on stderr and exit status 2 (1 for "not found" and "busy"), never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from . import cli_loop
from .bookmarks import BookmarksBusy, BookmarkStore
from .clean import one_line
from .cli_bookmarks import BookmarkCommandError, add_bookmarks_parser, run_bookmarks_command
from .cli_fetch import add_fetch_parser, cmd_fetch
from .cli_text import ProgressBar as _ProgressBar
from .cli_text import err as _err
from .cli_text import JSON_HELP as _JSON_HELP
from .cli_text import KEY_HELP as _KEY_HELP
from .cli_text import field, out, plural
from .cli_text import link as _link
from .cli_text import out_json as _out_json
from .library import Library, LibraryBusy, UnknownSource
from .models import FACETS, SORT_ORDERS, SearchRequest
from .safety import safe_url
from .source_files import MISSING
from .userfile import UserDataBusy

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
    add.add_argument("paths", nargs="+", help="source files or folders")
    add.add_argument("--year", type=int, help="year of the listing dates in these pages (they only show month/day)")
    add.add_argument("--json", action="store_true", help=_JSON_HELP)
    add.add_argument("--dry-run", action="store_true",
                     help="show the format, papers and warnings each file would give; change nothing")

    search = sub.add_parser("search", help="search the library")
    search.add_argument("query", nargs="*", help="Whoosh syntax: AND OR NOT \"phrase\" prefix* title: fuzzy~")
    search.add_argument("--limit", type=_positive, default=10, help="papers per page (default 10)")
    search.add_argument("--page", type=_positive, default=1, help="which page of results (default 1)")
    search.add_argument("--sort", choices=SORT_ORDERS, default="relevance", help="order (default relevance)")
    search.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE",
                        help=f"facet filter, repeatable; fields: {', '.join(FACETS)}")
    search.add_argument("--facets", action="store_true", help="print facet counts (text mode)")
    search.add_argument("--json", action="store_true", help=_JSON_HELP)
    cli_loop.add_search_options(search)

    show = sub.add_parser("show", help="show one paper")
    show.add_argument("key", help=_KEY_HELP)
    show.add_argument("--json", action="store_true", help=_JSON_HELP)

    similar = sub.add_parser("similar", help="papers like this one, with the terms they share")
    similar.add_argument("key", help=_KEY_HELP)
    similar.add_argument("--limit", type=_positive, default=10, help="how many papers (default 10)")
    similar.add_argument("--json", action="store_true", help=_JSON_HELP)

    stats = sub.add_parser("stats", help="library size, sources and where data lives")
    stats.add_argument("--json", action="store_true", help=_JSON_HELP)

    sub.add_parser("rebuild", help="rebuild the index from the recorded sources")
    remove = sub.add_parser("remove", help="remove a source (papers seen elsewhere stay)")
    remove.add_argument("source", help="path, file name or id as shown by 'paperdeck stats'")

    cli_loop.add_bookmark_actions(add_bookmarks_parser(sub))
    cli_loop.add_parsers(sub)
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
    except (LibraryBusy, BookmarksBusy, UserDataBusy) as err:
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


def _parse_filters(items: list[str], option: str = "--filter") -> tuple[tuple[str, str], ...]:
    filters = []
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not value:
            raise UsageError(f"{option} expects FIELD=VALUE, got {item!r}")
        if field not in FACETS:
            raise UsageError(f"unknown filter field {field!r}: use one of {', '.join(FACETS)}")
        filters.append((field, value))
    return tuple(filters)


def cmd_search(args: argparse.Namespace) -> int:
    request = SearchRequest(query=" ".join(args.query), filters=_parse_filters(args.filter), sort=args.sort,
                            page=args.page, page_size=args.limit, with_facets=args.facets,
                            exclude=_parse_filters(args.exclude, "--exclude"))
    bookmarks = BookmarkStore()
    with _open_library() as library:
        results = library.search(request, library.resolve_keys(bookmarks.keys()),
                                 user_facets=cli_loop.cli_user_facets(bookmarks))
    for note in results.notes:
        _err(f"note: {note}")
    if results.suggestion:
        _err(f"did you mean: {results.suggestion}")
    if cli_loop.search_as_citations(args, results.hits):
        return 0
    if args.json:
        _out_json([hit.to_json() for hit in results.hits])
        return 0
    out(f"{plural(results.total, 'paper')} ({results.elapsed_ms:.0f} ms)")
    for hit in results.hits:
        paper = hit.paper
        mark = "*" if hit.bookmarked else " "
        out(f"{hit.rank:>3}.{mark}{field(one_line(paper.title))}")
        meta = [_link(paper.url)]
        if args.sort == "upvotes":
            meta.append(plural(paper.upvotes or 0, "upvote"))
        elif args.sort == "date":
            meta.append(field(paper.published or (paper.listed_dates or ["undated"])[0]))
        elif args.sort == "relevance":
            meta.append(f"score {hit.score:.2f}")
        code = [url for url in (safe_url(u) for u in paper.code_urls) if url]
        if code:
            meta.append(f"code {code[0]}")
        out("      " + "  ".join(meta))
        out(f"      key {field(paper.key)}")
    if args.facets:
        for facet, values in results.facets.items():
            out(f"{facet}: " + ", ".join(f"{field(one_line(v))} ({n})" for v, n in values))
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
    out(field(one_line(paper.title)))
    if paper.authors:
        out(field(one_line(", ".join(paper.authors))))
    facts = [paper.published, ", ".join(paper.categories), paper.organization, paper.doi and f"doi {paper.doi}",
             paper.upvotes is not None and plural(paper.upvotes, "upvote")]
    if any(facts):
        out(field(one_line(" · ".join(str(f) for f in facts if f))))
    out(_link(paper.url))
    for page in paper.pages:
        out(f"  listed {field(page.listed or 'undated')} on {field(one_line(page.source))}")
    for link in paper.links:
        out(f"  {field(link.kind)}: {_link(link.url)}")
    out()
    out(field(one_line(paper.abstract)))
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
        out(f"{s.score:6.2f}  {field(one_line(s.paper.title))}")
        out(f"        shares: {field(', '.join(s.shared_terms) or '-')}   key {field(s.paper.key)}")
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
    out(f"{plural(stats.papers, 'paper')} from {plural(stats.sources, 'source')} ({stats.with_code:,} with code), "
        f"{plural(data['bookmarks'], 'bookmark')}")
    for e in entries:
        out(f"  {e.papers:>5}  {field(e.id)}")
    for name, path in stats.locations.items():
        out(f"{name:>10}: {field(path)}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    if args.dry_run:
        from .dry_run import dry_run

        return dry_run(args.paths, args.year, out)
    with _open_library() as library:
        progress = _ProgressBar() if sys.stderr.isatty() else None
        library.progress = progress.update if progress else None
        try:
            reports = library.add(args.paths, year=args.year)
        finally:
            if progress:
                progress.stop()
        total = library.stats().papers
    missing = [r for r in reports if r.status == "skipped" and r.reason == MISSING]
    for r in missing:  # a mistake in the command, not a report about a file: stderr, and exit 2 below
        _err(f"paperdeck: {r.source}: {MISSING}")
    if args.json:
        _out_json([{"source": r.source, "status": r.status, "papers": r.papers, "new_papers": r.new_papers,
                    "reason": r.reason, "warnings": list(r.warnings)} for r in reports])
    else:
        for r in reports:
            if r in missing:
                continue
            detail = f"{plural(r.papers, 'paper')}, {r.new_papers:,} new" if r.status in ("added", "updated") \
                else r.reason
            if r.status == "unchanged":
                detail = f"{plural(r.papers, 'paper')}, already indexed"
            out(f"{r.status:>9}  {field(r.source)}  ({field(detail)})")
            for warning in r.warnings:
                out(f"           warning: {field(warning)}")
        out(f"library: {plural(total, 'paper')}")
    if missing and all(r.status == "skipped" for r in reports):
        return 2
    return 1 if reports and all(r.status == "skipped" for r in reports) else 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    with _open_library() as library:
        problems = library.rebuild()
        stats = library.stats()
    for problem in problems:
        _err(f"paperdeck: {problem}")
    out(f"rebuilt: {plural(stats.papers, 'paper')} from {plural(stats.sources, 'source')}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _open_library() as library:
        report = library.remove(args.source)
    out(f"removed {field(report.source)}: {field(report.reason)}")
    return 0


def cmd_bookmarks(args: argparse.Namespace) -> int:
    if args.action in cli_loop.BOOKMARK_ACTIONS:
        store = BookmarkStore()
        for message in store.messages:
            _err(f"paperdeck: {message}")
        return cli_loop.BOOKMARK_ACTIONS[args.action](args, store)
    try:
        return run_bookmarks_command(args, _open_library)
    except BookmarkCommandError as err:
        raise UsageError(str(err)) from None


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add": cmd_add, "search": cmd_search, "show": cmd_show, "similar": cmd_similar, "stats": cmd_stats,
    "rebuild": cmd_rebuild, "remove": cmd_remove, "bookmarks": cmd_bookmarks, "fetch": cmd_fetch,
    **cli_loop.COMMANDS,
}


if __name__ == "__main__":
    sys.exit(main())
