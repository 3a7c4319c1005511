"""Spotting a damaged index and keeping broken files for inspection instead of deleting them.

Every index carries a stamp file: the schema version, the library content it was built for (a fingerprint of
the source list), and a signature of each index file, so a torn or zeroed file is noticed at open.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from whoosh import index as windex

from .durable import atomic_write_text
from .schema import SCHEMA_VERSION

STAMP_FILE = "paperdeck-stamp.json"
Probe = Callable[[object], object]  # redoes a failed read through Whoosh's public API, given a fresh searcher


class IndexDamaged(Exception):
    """A read of Whoosh's files failed: the index may be damaged.

    Raised only by the code that reads the index files (posting lists, field lengths, columns), never for a
    bug elsewhere, so the library rebuilds only for this. ``probe`` repeats the failed read through Whoosh's
    public API on a freshly opened index; ``confirm_damage`` runs it before anything is moved.
    """

    def __init__(self, reason: str, probe: Probe | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.probe = probe


def reading_error(what: str, err: Exception, probe: Probe | None) -> IndexDamaged:
    """The ``IndexDamaged`` for a failed read of ``what``."""
    return IndexDamaged(f"{what} unreadable ({type(err).__name__})", probe)


def confirm_damage(index_dir: Path, damage: IndexDamaged) -> str | None:
    """Why the index is damaged, or None if it reads fine (then the failure was not the files' fault).

    The whole-index check first (stamp, file signatures, table of contents); then the failed read again, on a
    fresh open of the index and through Whoosh's public API, so a bug in paperdeck's own decoding of a healthy
    block is never taken for damage.
    """
    ix, reason = open_whole_index(index_dir)
    if ix is None:
        return reason
    if damage.probe is None:
        return None
    try:
        with ix.searcher() as searcher:
            damage.probe(searcher)
    except Exception as err:  # Whoosh raises TypeError, struct.error, EOFError, zlib.error... on torn blocks
        return damage.reason if type(err) is type(damage.__cause__) else f"{damage.reason}, then {type(err).__name__}"
    return None


def file_signature(path: Path) -> list[object] | None:
    """Size plus a hash of the first and last 64 KiB: catches truncation, zero-filling and deletion of an
    index file without reading a whole large index on every start."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(65536)
            handle.seek(max(0, size - 65536))
            tail = handle.read(65536)
    except OSError:
        return None
    return [size, hashlib.blake2b(head + tail, digest_size=12).hexdigest()]


def move_aside(path: Path, extra_suffixes: tuple[str, ...] = ()) -> Path:
    """Rename a broken file or folder to ``<name>.corrupt-<time>`` so nothing is silently deleted."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.corrupt-{stamp}-{os.getpid()}")
    if path.exists():
        os.replace(path, kept)
    for suffix in extra_suffixes:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            os.replace(sidecar, kept.with_name(kept.name + suffix))
    return kept


def open_whole_index(index_dir: Path) -> tuple[windex.Index | None, str | None]:
    """Open the index if it is whole; otherwise say what is wrong with it."""
    if not any(index_dir.glob("*.toc")):
        return None, "missing" if not any(index_dir.iterdir()) else "without a table of contents"
    try:
        stamp = json.loads((index_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "without a schema stamp"
    except (OSError, ValueError):
        return None, "with an unreadable schema stamp"
    if stamp.get("schema") != SCHEMA_VERSION:
        return None, f"of schema version {stamp.get('schema')} (this release uses {SCHEMA_VERSION})"
    damaged = [name for name, signature in (stamp.get("files") or {}).items()
               if file_signature(index_dir / name) != signature]
    if damaged:
        return None, f"damaged ({', '.join(sorted(damaged)[:3])} changed on disk)"
    try:
        ix = windex.open_dir(str(index_dir))
        with ix.searcher() as searcher:
            searcher.doc_count()
            for _ in searcher.reader().lexicon("key"):
                break
        return ix, None
    except Exception as err:  # Whoosh raises TypeError, struct.error, EOFError... on a torn index
        return None, f"unreadable ({type(err).__name__})"


def write_stamp(index_dir: Path, library_stamp: str) -> None:
    """Record the schema, the library content and a signature of every index file (to spot damage)."""
    files = {path.name: file_signature(path) for path in sorted(index_dir.iterdir())
             if path.is_file() and path.name not in (STAMP_FILE, "MAIN_WRITELOCK")
             and not path.name.startswith(".")}
    atomic_write_text(index_dir / STAMP_FILE,
                      json.dumps({"schema": SCHEMA_VERSION, "library": library_stamp, "files": files}))


def read_stamp(index_dir: Path) -> str | None:
    """The library content the index was built for, or None if the stamp is missing or unreadable."""
    try:
        return json.loads((index_dir / STAMP_FILE).read_text(encoding="utf-8")).get("library")
    except (OSError, ValueError):
        return None
