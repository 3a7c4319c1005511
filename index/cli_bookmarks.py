"""``paperdeck bookmarks ...``: list, add, remove (undoably), restore, tag, note, export and import bookmarks.

Why a module apart from ``cli.py``: the bookmark commands are a small command line of their own (nine
actions), and every one of them ends in ``BookmarkStore``; ``cli.py`` only wires this in. Mistakes raise
``BookmarkCommandError``, which ``cli.py`` prints as one line with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bookmarks import BookmarkStore
from .clean import one_line
from .cli_text import err as _err
from .cli_text import JSON_HELP, KEY_HELP, field, link, out, out_json, plural
from .export import FORMATS, export_bookmarks, write_export
from .library import LibraryBusy

if TYPE_CHECKING:
    from .library import Library


class BookmarkCommandError(Exception):
    """A mistake in a bookmarks command (unreadable import, an export that would overwrite): one line."""


def add_bookmarks_parser(sub: Any) -> Any:
    """Add ``bookmarks`` and its actions to the top-level subparsers ``sub``."""
    bookmarks = sub.add_parser("bookmarks", help="list, change, restore, export or import bookmarks")
    bsub = bookmarks.add_subparsers(dest="action", required=True, parser_class=type(bookmarks))
    blist = bsub.add_parser("list", help="bookmarks, newest first")
    blist.add_argument("--tag", help="only bookmarks with this tag")
    blist.add_argument("--json", action="store_true", help=JSON_HELP)
    blist.add_argument("--removed", action="store_true", help="list removed bookmarks (restorable) instead")
    badd = bsub.add_parser("add", help="bookmark a paper by key (keys are shown by: paperdeck search)")
    badd.add_argument("key", help=KEY_HELP)
    badd.add_argument("--tag", action="append", default=[], help="a tag, repeatable")
    badd.add_argument("--note", default="", help="a note")
    bremove = bsub.add_parser("remove", help="remove a bookmark (kept as removed until emptied)")
    bremove.add_argument("key", help=KEY_HELP)
    brestore = bsub.add_parser("restore", help="bring back a removed bookmark with its tags and note")
    brestore.add_argument("key", help=KEY_HELP)
    bsub.add_parser("empty-removed", help="forget the removed bookmarks for good")
    btag = bsub.add_parser("tag", help="add tags to a bookmark")
    btag.add_argument("key", help=KEY_HELP)
    btag.add_argument("tags", nargs="+", help="tags to add")
    btag.add_argument("--replace", action="store_true", help="replace the tags instead of adding")
    bnote = bsub.add_parser("note", help="set a bookmark's note")
    bnote.add_argument("key", help=KEY_HELP)
    bnote.add_argument("text", help="the note (replaces the old one)")
    bexport = bsub.add_parser("export", help="write bookmarks as BibTeX, Markdown, CSV or JSON")
    bexport.add_argument("format", choices=FORMATS, help="output format")
    bexport.add_argument("-o", "--output", help="file to write (default: stdout)")
    bexport.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    bimport = bsub.add_parser("import", help="add the bookmarks of a JSON export (existing ones are kept)")
    bimport.add_argument("file", help="a JSON export")
    return bsub


def run_bookmarks_command(args: argparse.Namespace, open_library: Callable[[], Library]) -> int:
    """Run one ``bookmarks`` action; returns the exit status (1 for "not found")."""
    store = BookmarkStore()
    for message in store.messages:
        _err(f"paperdeck: {message}")
    store.messages.clear()
    action = args.action
    if action == "list":
        return _list_removed(store, args) if args.removed else _list(store, args)
    if action == "add":
        with open_library() as library:
            paper = library.get(args.key)
        if paper is None:
            _err(f"paperdeck: no paper with key {args.key!r}")
            return 1
        store.add_paper(paper, tags=args.tag, note=args.note)
        out(f"bookmarked {field(one_line(paper.title))}")
        return 0
    if action == "remove":
        if not store.remove(args.key):
            _err(f"paperdeck: {args.key!r} is not bookmarked")
            return 1
        out(f"removed bookmark {field(args.key)} (undo: paperdeck bookmarks restore {field(args.key)})")
        return 0
    if action == "restore":
        try:
            restored = store.restore(args.key)
        except KeyError:
            _err(f"paperdeck: {args.key!r} is not among the removed bookmarks (see: paperdeck bookmarks list --removed)")
            return 1
        out(f"restored bookmark {field(one_line(restored.title))}")
        return 0
    if action == "empty-removed":
        out(f"forgot {plural(store.empty_removed(), 'removed bookmark')}")
        return 0
    if action in ("tag", "note"):
        return _tag_or_note(store, args)
    if action == "export":
        return _export(store, args, open_library)
    if action == "import":
        try:
            added = store.import_json(Path(args.file).expanduser().read_text(encoding="utf-8"))
        except OSError as err:
            raise BookmarkCommandError(f"cannot read {args.file}: {err.strerror}") from None
        except ValueError as err:
            raise BookmarkCommandError(f"{args.file} is not a bookmark export: {err}") from None
        for message in store.messages:
            _err(f"paperdeck: {args.file}: {message}")
        out(f"imported {plural(added, 'new bookmark')} ({len(store):,} in all)")
        return 0
    raise BookmarkCommandError(f"unknown bookmarks action {action!r}")


def _list(store: BookmarkStore, args: argparse.Namespace) -> int:
    items = [b for b in store.all() if not args.tag or args.tag in b.tags]
    if args.json:
        out_json([b.to_dict() for b in items])
        return 0
    for b in items:
        tags = f"  [{field(', '.join(b.tags))}]" if b.tags else ""
        out(f"{field(one_line(b.title))}{tags}")
        out(f"    {link(b.url)}  key {field(b.key)}")
    return 0


def _list_removed(store: BookmarkStore, args: argparse.Namespace) -> int:
    items = store.removed()
    if args.json:
        out_json([r.to_dict() for r in items])
        return 0
    for r in items:
        out(field(one_line(r.bookmark.title)))
        out(f"    removed {field(r.removed_at)}  key {field(r.bookmark.key)}")
    return 0


def _tag_or_note(store: BookmarkStore, args: argparse.Namespace) -> int:
    try:
        if args.action == "tag":
            b = store.set_tags(args.key, args.tags) if args.replace else store.add_tags(args.key, args.tags)
            out(f"tags: {field(', '.join(b.tags))}")
        else:
            store.set_note(args.key, args.text)
            out("note saved")
    except KeyError:
        _err(f"paperdeck: {args.key!r} is not bookmarked (add it first: paperdeck bookmarks add KEY)")
        return 1
    return 0


def _export(store: BookmarkStore, args: argparse.Namespace, open_library: Callable[[], Library]) -> int:
    try:  # links and ids as the library knows them now: a bookmark saved with a search link gets the arXiv one
        with open_library() as library:
            store.refresh_from(library.get)
    except (LibraryBusy, OSError) as err:
        _err(f"paperdeck: note: exporting the bookmarks as saved (could not read the library: {err})")
    text = export_bookmarks(store.all(), args.format)
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        written = write_export(text, Path(args.output), overwrite=args.force)
    except FileExistsError:
        raise BookmarkCommandError(f"{args.output} exists: add --force to overwrite it") from None
    except OSError as err:
        raise BookmarkCommandError(f"cannot write {args.output}: {err.strerror}") from None
    out(f"wrote {plural(len(store), 'bookmark')} to {field(written)}")
    return 0
