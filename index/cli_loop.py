"""The daily-loop commands: ``watch``, ``digest``, ``trending`` and ``bookmarks tag-rename``.

Why a module of their own: ``cli.py`` stays the thin front for the core commands; these register themselves
through ``add_parsers`` and ``COMMANDS`` (one hook each in ``cli.py``) and share its helpers for output and
errors, so a user mistake is still one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .bookmarks import Bookmark, BookmarkStore
from .cli_text import err, field, out, out_json, plural
from .clean import one_line
from .digest import DIGEST_FORMATS, DigestMarks, build_digest, output_id, parse_since, render
from .durable import atomic_write_text
from .export import FORMATS, export_bookmarks, export_search
from .readstate import ReadState
from .search import UserFacets
from .session import SessionStore
from .trending import WINDOWS, ranking
from .userfacets import user_facets
from .userfile import utc_stamp
from .watches import UnknownWatch, Watch, WatchStore



def add_parsers(sub: Any) -> None:
    """Add the daily-loop subcommands to ``paperdeck``'s subparsers."""
    watch = sub.add_parser("watch", help="saved searches that count unread papers")
    wsub = watch.add_subparsers(dest="action", required=True, parser_class=base._Parser)
    wadd = wsub.add_parser("add", help="save (or replace) a watch")
    wadd.add_argument("name", help="the watch's name (an existing one is replaced)")
    wadd.add_argument("query", nargs="*", help="search syntax, as for paperdeck search (tag: too)")
    wadd.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE",
                      help="facet filter, repeatable")
    wadd.add_argument("--exclude", action="append", default=[], metavar="FIELD=VALUE",
                      help="leave out papers with this facet value, repeatable")
    wlist = wsub.add_parser("list", help="the watches with their unread counts")
    wlist.add_argument("--json", action="store_true", help=base._JSON_HELP)
    wremove = wsub.add_parser("remove", help="delete a watch")
    wremove.add_argument("name", help="the watch's name")
    wexport = wsub.add_parser("export", help="every paper a watch finds, as citations or a list")
    wexport.add_argument("name", help="the watch's name")
    wexport.add_argument("format", choices=FORMATS, help="output format")
    wexport.add_argument("-o", "--output", help="file to write (default: stdout)")

    digest = sub.add_parser("digest", help="papers new since the last digest, grouped by watch (for cron)")
    digest.add_argument("--since", default="last", help="'last' (where this output's previous digest stopped), "
                        "YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)")
    digest.add_argument("--watch", action="append", default=[], metavar="NAME", help="only these watches")
    digest.add_argument("--format", choices=DIGEST_FORMATS, default="markdown", help="output format (default markdown)")
    digest.add_argument("-o", "--output", help="file to write (default: stdout)")
    digest.add_argument("--limit", type=base._positive, default=200, help="papers per group")

    trending = sub.add_parser("trending", help="rising papers (upvotes gained) or top of the week/month")
    trending.add_argument("window", nargs="?", choices=("rising", *WINDOWS), default="rising",
                          help="rising (upvotes gained between imports) or a window (default rising)")
    trending.add_argument("--limit", type=base._positive, default=20, help="how many papers (default 20)")
    trending.add_argument("--json", action="store_true", help=base._JSON_HELP)


def add_search_options(search: Any) -> None:
    search.add_argument("--exclude", action="append", default=[], metavar="FIELD=VALUE",
                        help="leave out papers with this facet value, repeatable")
    search.add_argument("--format", choices=FORMATS, help="the page of results as citations (bibtex, ris, ...)")


def search_as_citations(args: argparse.Namespace, hits: Any) -> bool:
    """``search --format``: the page of results written as citations; False when not asked for."""
    if not args.format:
        return False
    sys.stdout.write(export_bookmarks([Bookmark.for_paper(hit.paper) for hit in hits], args.format))
    return True


def add_bookmark_actions(bsub: Any) -> None:
    rename = bsub.add_parser("tag-rename", help="rename a tag on every bookmark (merges into an existing tag)")
    rename.add_argument("old", help="the tag to rename")
    rename.add_argument("new", help="its new name")


def cli_user_facets(bookmarks: BookmarkStore, since: str | None = None) -> UserFacets:
    """Tags and read state for a command-line search; "new" counts from when the app was last open (what
    the app's next start will call new)."""
    state = ReadState()
    for message in (*state.messages, *bookmarks.messages):
        err(f"paperdeck: {message}")
    if since is None:
        last = SessionStore().load()
        since = last.ended or last.started
    return user_facets(bookmarks, state, since)


def parse_pairs(items: list[str], option: str) -> tuple[tuple[str, str], ...]:
    return base._parse_filters(items, option)


def cmd_watch(args: argparse.Namespace) -> int:
    store = WatchStore()
    for message in store.messages:
        err(f"paperdeck: {message}")
    try:
        if args.action == "add":
            watch = store.save(args.name, " ".join(args.query), parse_pairs(args.filter, "--filter"),
                               parse_pairs(args.exclude, "--exclude"))
            out(f"saved watch {field(one_line(watch.name))}")
        elif args.action == "remove":
            out(f"removed watch {field(one_line(store.remove(args.name).name))}")
        elif args.action == "export":
            return _export_watch(store.get(args.name), args.format, args.output)
        else:
            return _list_watches(store, args.json)
    except UnknownWatch as error:
        err(f"paperdeck: {error}")
        return 1
    except ValueError as error:
        raise base.UsageError(str(error)) from None
    return 0


def _export_watch(watch: Watch, fmt: str, output: str | None) -> int:
    bookmarks = BookmarkStore()
    with base._open_library() as library:
        text, count = export_search(library, watch.request(), bookmarks, cli_user_facets(bookmarks), fmt)
    if output:
        atomic_write_text(Path(output).expanduser(), text)
        err(f"wrote {count} papers to {output}")
    else:
        sys.stdout.write(text)
    return 0


def _list_watches(store: WatchStore, as_json: bool) -> int:
    bookmarks = BookmarkStore()
    facets = cli_user_facets(bookmarks)
    rows = []
    with base._open_library() as library:
        for watch in store.all():
            options = {"with_facets": False, "with_snippets": False, "page_size": 1}
            total = library.search(watch.request(**options), bookmarks.keys(), user_facets=facets).total
            unread = library.search(watch.request(unread_only=True, **options), bookmarks.keys(),
                                    user_facets=facets).total
            rows.append({**watch.to_dict(), "unread": unread, "total": total})
    if as_json:
        out_json(rows)
        return 0
    for row in rows:
        filters = " ".join([*row["filters"], *(f"-{e}" for e in row["exclude"])])
        out(f"{row['unread']:>5} unread / {row['total']:<5} {field(one_line(row['name']))}: "
            f"{field(one_line(row['query'])) or '(everything)'} {field(one_line(filters))}".rstrip())
    if not rows:
        out("no watches yet (add one: paperdeck watch add NAME QUERY)")
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    marks = DigestMarks()
    where = output_id(args.output)
    try:
        since = marks.last(where) if args.since == "last" else parse_since(args.since)
        watches = [WatchStore().get(name) for name in args.watch] if args.watch else WatchStore().all()
    except ValueError as error:
        raise base.UsageError(str(error)) from None
    except UnknownWatch as error:
        err(f"paperdeck: {error}")
        return 1
    until = utc_stamp()
    bookmarks = BookmarkStore()
    with base._open_library() as library:
        digest = build_digest(library, cli_user_facets(bookmarks, since or ""), since, until, watches,
                              with_all=not args.watch, limit=args.limit)
    text = render(digest, args.format, feed_id=where)
    if args.output:
        atomic_write_text(Path(args.output).expanduser(), text)
        err(f"wrote {digest.count} new papers to {args.output}")
    else:
        sys.stdout.write(text)
    marks.set(where, until)
    return 0


def cmd_trending(args: argparse.Namespace) -> int:
    with base._open_library() as library:
        found = ranking(library, ReadState(), args.window, args.limit)
    if args.json:
        out_json([{**paper.to_dict(), "trend": trend} for paper, trend in found])
        return 0
    for paper, trend in found:
        out(f"{trend:>6}  {field(one_line(paper.title))}")
        out(f"        {field(base._link(paper.url))}  key {field(paper.key)}")
    if not found:
        out("nothing yet: rising needs the same paper's HF JSON imported twice; top needs dated listings")
    return 0


def tag_rename(args: argparse.Namespace, store: BookmarkStore) -> int:
    """Each bookmark is one atomic write; an interrupted rename is finished by running it again."""
    old, new = one_line(args.old).strip(), one_line(args.new).strip()
    if not old or not new or "," in new:
        raise base.UsageError("tag-rename expects OLD NEW (non-empty, no commas)")
    changed = 0
    for bookmark in store.all():
        if old in bookmark.tags:
            store.set_tags(bookmark.key, [new if t == old else t for t in bookmark.tags])
            changed += 1
    out(f"renamed tag {field(old)} to {field(new)} on {plural(changed, 'bookmark')}")
    return 0 if changed else 1


COMMANDS = {"watch": cmd_watch, "digest": cmd_digest, "trending": cmd_trending}
BOOKMARK_ACTIONS = {"tag-rename": tag_rename}

# Imported last: ``cli`` imports this module for its parsers and ``COMMANDS``, which must exist by then (either
# module may be imported first); ``base`` is only used when a command runs.
from . import cli as base  # noqa: E402
